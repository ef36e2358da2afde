"""Syntax errors a researcher can act on: where the parser stopped (line, column and the text
there), what it expected in words rather than Unicode ranges, and an undeclared prefix named first,
because that is the mistake behind most of them."""

import re

from kb.namespaces import PREFIXES

LOCATION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.S)
# Character classes the parser lists by Unicode range, e.g. ['A' ..= 'Z' | '\u{00C0}'..='\u{00D6}' ...]
CHAR_CLASS = re.compile(r"\[[^\[\]]*\]")
# What may stand before a prefixed name; what is not code (IRIs, strings, comments) is blanked first.
PREFIXED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[A-Za-z0-9_%\\])")
DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
NOT_CODE = re.compile(r"<[^<>\s]*>|\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|\"(?:\\.|[^\"\\\n])*\"|"
                      r"'(?:\\.|[^'\\\n])*'|#[^\n]*")
ALTERNATIVE = re.compile(r'"(?:\\.|[^"\\])*"|\[[^\]]*(?:\]\][^\]]*)*\]|[^,\s][^,]*')
WORDS = {"['\"']": '"', "['\\\\']": "\\", "['%']": "%", "['.']": ".", "[':']": ":", "['_']": "_",
         "['-' | '0' ..= '9'": "a digit"}


def explain(query, raw):
    """Return the message for a query the parser rejected: prefix first, then where and what."""
    missing = undeclared_prefixes(query)
    first = ""
    if missing:
        first = " ".join(prefix_advice(p) for p in missing) + " "
    found = LOCATION.match(raw.strip())
    if not found:
        return f"{first}Syntax error: {raw}".strip()
    line, column, expected = int(found[1]), int(found[2]), found[3]
    return (f"{first}Syntax error at line {line}, column {column}{near(query, line, column)}: "
            f"the parser expected {readable(expected)}.")


def undeclared_prefixes(query):
    """Return the prefixes the query uses but never declares, in the order they first appear."""
    code = NOT_CODE.sub(lambda m: " " * len(m[0]), query)
    declared = {m[1] or "" for m in DECLARED.finditer(code)}
    used = [m[1] or "" for m in PREFIXED.finditer(code) if m[1] != "_"]
    return [p for p in dict.fromkeys(used) if p not in declared]


def prefix_advice(prefix):
    """One sentence on a missing prefix, with the declaration to add when the KB knows it."""
    if prefix in PREFIXES:
        return (f"The prefix {prefix}: is used but not declared; add PREFIX {prefix}: "
                f"<{PREFIXES[prefix]}> at the top.")
    return f"The prefix {prefix}: is used but not declared; add a PREFIX {prefix}: <…> line at the top."


def near(query, line, column):
    """Return ', near "…"': the text where the parser stopped, so the reader sees it."""
    lines = query.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1][max(column - 1, 0):].strip()[:30]
    return f', near "{text}"' if text else ", at the end of the line"


def readable(expected):
    """Say what the parser expected without its Unicode ranges and internal markers."""
    expected = expected.removeprefix("expected ").removeprefix("one of ").replace("\n", " ")
    words = []
    for part in split_alternatives(expected):
        if part in ("[_]", "Prefix not found"):
            continue  # the parser's own 'anything else' marker; a missing prefix is said first
        if part.startswith("["):
            part = next((w for k, w in WORDS.items() if part.startswith(k)),
                        "a letter" if "'A'" in part else "another character")
        words.append(part)
    words = list(dict.fromkeys(words)) or ["something else"]
    if len(words) == 1:
        return words[0]
    return "one of " + ", ".join(words[:-1]) + " or " + words[-1]


def split_alternatives(expected):
    """Split the parser's comma-separated list, keeping each quoted token and bracketed class whole."""
    return [m[0].strip() for m in ALTERNATIVE.finditer(expected) if m[0].strip()]
