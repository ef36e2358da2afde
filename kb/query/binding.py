"""Write validated parameter terms into a query's text, as SEP-0007 substitution does.

Writing the term into the text lets Oxigraph start from it: pyoxigraph's ``substitutions=`` joins
the value after evaluating the patterns (tests/test_binding.py keeps it as the oracle).
"""

import functools

from kb.query import text as querytext


def bind(text, substitutions):
    """Replace each bound variable by its term, as SEP-0007 substitution (and pyoxigraph) does.

    The binding is done on tokens: strings, IRIs and comments are skipped; a projected
    variable becomes (TERM AS ?var) in the outermost SELECT and leaves inner projections;
    in GROUP BY and ORDER BY it becomes (TERM). The terms are validated RDF terms in their
    own N-Triples syntax, never raw user text.
    """
    if not substitutions:
        return text
    terms = {v.value: str(t) for v, t in substitutions.items()}
    out, last = [], 0
    for start, end, name, where in _variables(text):
        if name in terms:
            out.append(text[last:start] + _replacement(name, terms[name], *where))
            last = end
    out.append(text[last:])
    return "".join(out)


@functools.lru_cache(maxsize=512)
def _variables(text):
    """Return each variable of a query with where it stands; scanned once per query text."""
    found = []
    selects, projecting, modifiers, depth = 0, False, False, 0
    for tok in querytext.tokens(text):  # strings, IRIs and comments are tokens of their own
        word = tok.keyword
        if word == "SELECT":
            selects, projecting, modifiers = selects + 1, True, False
        elif word == "WHERE":
            projecting = False
        elif word in ("GROUP", "ORDER"):
            modifiers = True
        elif word in ("HAVING", "LIMIT", "OFFSET", "VALUES"):
            modifiers = False
        elif tok.text in ("{", "}"):
            projecting, modifiers = False, False
        elif tok.text in ("(", ")"):
            depth += 1 if tok.text == "(" else -1
        elif tok.kind == "var":
            end = tok.offset + len(tok.text)
            found.append((tok.offset, end, tok.text[1:], (projecting, modifiers, depth, selects)))
    return tuple(found)


def _replacement(name, term, projecting, modifiers, depth, selects):
    if projecting and depth == 0:
        return f"({term} AS ?{name})" if selects == 1 else ""
    if modifiers and depth == 0:
        return f"({term})"
    return term
