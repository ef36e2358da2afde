"""Read SPARQL query text token by token, without parsing it.

Some checks must happen before a query reaches Oxigraph's parser: the parser
overflows its stack on thousands of nested brackets or chained operators, and
the evaluator calls any SERVICE endpoint a query names. A tokenizer that knows
strings, IRIs, comments and prefixed names is enough to measure nesting, find
SERVICE, update keywords and dataset clauses, and tell the query form, with no
risk of being fooled by the same words inside a string or an IRI.
"""

import re
from dataclasses import dataclass, field

TOKEN_RE = re.compile(r"""
  (?P<ws>\s+)
| (?P<comment>\#[^\n\r]*)
| (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|\Z)
           | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|\Z)
           | '(?:[^'\\\n\r]|\\.)*'
           | "(?:[^"\\\n\r]|\\.)*")
| (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
| (?P<var>[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+)
| (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
| (?P<pname>(?:[^\W\d][\w.\-\u00B7]*)?:(?:[\w.\-:%\u00B7]|\\.)*)
| (?P<number>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
| (?P<word>[^\W\d]\w*)
| (?P<punct>\|\||&&|!=|<=|>=|\^\^|[{}()\[\],;.*+/|^!=<>?$-])
| (?P<other>.)
""", re.VERBOSE | re.DOTALL)

OPENERS, CLOSERS = set("{(["), set("})]")
# Tokens whose long runs build deep trees in the parser (left-nested operators and groups).
CHAINING = {"||", "&&", "!", "!=", "=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^",
            "UNION", "MINUS", "OPTIONAL", "FILTER", "BIND", "SELECT", "GRAPH", "SERVICE", "EXISTS"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
ESCAPE_RE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    offset: int

    @property
    def keyword(self):
        """The upper-cased word for a bare word, else None."""
        return self.text.upper() if self.kind == "word" else None


@dataclass(frozen=True)
class Shape:
    """What the text of a query says about it before it is parsed."""

    form: str | None = None
    depth: int = 0
    chain: int = 0
    services: tuple = ()  # the endpoint of each SERVICE: an IRI, or "?var" for a variable
    updates: tuple = ()  # update keywords found outside strings, IRIs and comments
    has_dataset: bool = False  # the query names its own dataset (FROM / FROM NAMED)
    prefixes: dict = field(default_factory=dict)
    limit: int | None = None  # the outermost query's LIMIT, when the text ends with it


def tokens(text):
    """Return the tokens of a query, without whitespace and comments."""
    found = []
    for match in TOKEN_RE.finditer(text):
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def unescape(text):
    r"""Replace \uXXXX and \UXXXXXXXX escapes, which SPARQL allows anywhere in a query."""

    def char(match):
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group()

    return ESCAPE_RE.sub(char, text)


def read(text):
    """Return the Shape of a query's text."""
    toks = tokens(text)
    depth = deepest = chain = 0
    form, has_dataset, prefixes, services, updates = None, False, {}, [], []
    for i, tok in enumerate(toks):
        if tok.text in OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif tok.text in CLOSERS:
            depth = max(0, depth - 1)
        word = tok.keyword
        if tok.text in CHAINING or word in CHAINING:
            chain += 1
        if word in FORMS and form is None:
            form = word
        elif word == "FROM" and depth == 0:
            has_dataset = True
        elif word in UPDATE_WORDS:
            updates.append(word)
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
        if word == "SERVICE":
            services.append(_endpoint(toks[i + 1:i + 3], prefixes))
    return Shape(form=form, depth=deepest, chain=chain, services=tuple(services),
                 updates=tuple(updates), has_dataset=has_dataset, prefixes=prefixes,
                 limit=_final_limit(text, toks))


def _final_limit(text, toks):
    """Return n when the query ends with LIMIT n: only the outermost query's modifiers can
    close it (a sub-select's LIMIT is followed by '}'). Not when \\u escapes could change
    what the parser reads."""
    if len(toks) < 2 or toks[-2].keyword != "LIMIT" or not toks[-1].text.isdigit():
        return None
    return int(toks[-1].text) if unescape(text) == text else None


def _endpoint(following, prefixes):
    """Return the endpoint a SERVICE names: an absolute IRI, '?var', or the text as written."""
    following = [t for t in following if t.keyword != "SILENT"][:1]
    if not following:
        return ""
    tok = following[0]
    if tok.kind == "iri":
        return tok.text[1:-1]
    if tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else tok.text
    return tok.text


def services(text):
    """Return every SERVICE endpoint in the text, reading it both as written and unescaped."""
    found = read(text).services
    unescaped = unescape(text)
    if unescaped != text:
        found += read(unescaped).services
    return found


def query_form(text):
    """Return the form keyword of a SPARQL query (SELECT when it names none), read from its
    tokens so that the words inside strings, IRIs and comments do not count."""
    return next((t.keyword for t in tokens(text) if t.keyword in FORMS), "SELECT")
