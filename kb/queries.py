"""The catalogue of named SPARQL queries: every query is a file queries/NAME.rq.

A query file opens with ``#`` header lines::

    # title: Claims for a condition
    # question: What does the article claim about a condition, and what backs each claim?
    # audience: clinician
    # param ?condition iri: the condition (IRI, or kb:condition/SLUG)
    # param ?design iri optional: only claims whose study has this design
    # columns: claim quote design level verdict

Parameters are validated into RDF terms (an IRI, a typed literal) and written into the query
in their own N-Triples syntax by ``bind`` below, never pasted as raw user text. Writing the
term into the text lets Oxigraph start from it: pyoxigraph's ``substitutions=`` joins the value
after evaluating the patterns, which made a page of a condition's claims take 1.5 s instead of
22 ms at 100,000 claims. tests/test_binding.py keeps ``substitutions=`` as the oracle.
"""

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import querytext
from .errors import InvalidParameter, UnknownQuery
from .namespaces import PREFIXES

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PARAM_RE = re.compile(r"^\?(\w+)\s+(iri|string|integer|decimal)(\s+optional)?\s*:\s*(.*)$")
IRI_RE = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]+$")
CURIE_RE = re.compile(r"^([a-z][a-z0-9]*):([^\s<>\"{}|^`\\:]*)$")
XSD = "http://www.w3.org/2001/XMLSchema#"


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    optional: bool
    help: str

    def bind(self, raw):
        """Return the RDF term for a raw string value, or raise InvalidParameter."""
        raw = str(raw).strip()
        if self.kind == "iri":
            return ox.NamedNode(expand_iri(raw, self.name))
        if self.kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", raw):
                raise InvalidParameter(f"parameter {self.name}: {raw!r} is not an integer")
            return ox.Literal(raw, datatype=ox.NamedNode(XSD + "integer"))
        if self.kind == "decimal":
            if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", raw):
                raise InvalidParameter(f"parameter {self.name}: {raw!r} is not a decimal number")
            return ox.Literal(raw, datatype=ox.NamedNode(XSD + "decimal"))
        return ox.Literal(raw)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    text: str
    title: str
    question: str
    audience: str
    params: tuple = ()
    columns: tuple = ()
    meta: dict = field(default_factory=dict)

    @property
    def role(self):
        """Return 'check', 'construct' or 'question', from the file name."""
        for role in ("check", "construct"):
            if self.name.startswith(role + "-"):
                return role
        return "question"

    @property
    def form(self):
        """Return the query form: SELECT, ASK, CONSTRUCT or DESCRIBE."""
        return query_form(self.text)

    def bindings(self, values):
        """Turn raw parameter values into RDF terms, keyed by pyoxigraph Variable."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise InvalidParameter(
                f"query {self.name}: unknown parameter(s) {', '.join(unknown)}; "
                f"it takes {', '.join(known) or 'none'}")
        subs = {}
        for param in self.params:
            raw = values.get(param.name)
            if raw is None or raw == "":
                if not param.optional:
                    raise InvalidParameter(f"query {self.name}: parameter {param.name} is required "
                                           f"({param.help})")
                continue
            subs[ox.Variable(param.name)] = param.bind(raw)
        return subs


def expand_iri(raw, name="iri"):
    """Accept an absolute IRI or a CURIE with a known prefix; reject anything else."""
    match = CURIE_RE.match(raw)
    if match and match.group(1) in PREFIXES:
        raw = PREFIXES[match.group(1)] + match.group(2)
    if not IRI_RE.match(raw):
        raise InvalidParameter(f"parameter {name}: {raw!r} is not an absolute IRI "
                               f"or a CURIE with a known prefix ({', '.join(PREFIXES)})")
    return raw


def query_form(text):
    """Return the form keyword of a SPARQL query (SELECT when it names none), read from its
    tokens so that the words inside strings, IRIs and comments do not count."""
    return next((t.keyword for t in querytext.tokens(text) if t.keyword in querytext.FORMS), "SELECT")


def parse_header(path, text):
    """Read the # header of a query file into its fields."""
    meta, params = {}, []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        key, sep, value = line.lstrip("#").strip().partition(":")
        if not sep:
            continue
        key = key.strip().lower()
        if key.startswith("param "):
            match = PARAM_RE.match(key[6:].strip() + ":" + value)
            if not match:
                raise UnknownQuery(f"{path}: malformed param line {line!r}")
            pname, kind, optional, help_ = match.groups()
            params.append(Param(pname, kind, bool(optional), help_.strip()))
        else:
            meta[key] = value.strip()
    for required in ("title", "question"):
        if required not in meta:
            raise UnknownQuery(f"{path}: header has no '# {required}:' line")
    return meta, tuple(params)


def load_query(path):
    """Load one .rq file into a NamedQuery."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    meta, params = parse_header(path, text)
    return NamedQuery(
        name=path.stem, path=path, text=text, title=meta["title"], question=meta["question"],
        audience=meta.get("audience", "researcher"), params=params,
        columns=tuple(meta.get("columns", "").split()), meta=meta)


class Catalogue:
    """The named queries of one folder, loaded by name."""

    def __init__(self, folder):
        self.folder = Path(folder)
        self._cache = {}

    def names(self):
        """Return the names of every query in the folder, sorted."""
        return sorted(p.stem for p in self.folder.glob("*.rq"))

    def get(self, name):
        """Return a query by name (or by the path of a .rq file)."""
        if name.endswith(".rq") and Path(name).is_file():
            return load_query(name)
        if not NAME_RE.match(name) or not (self.folder / f"{name}.rq").is_file():
            raise UnknownQuery(f"no query named {name!r} in {self.folder}; "
                               f"known: {', '.join(self.names())}")
        path = self.folder / f"{name}.rq"
        mtime = path.stat().st_mtime_ns
        cached = self._cache.get(name)
        if cached is None or cached[0] != mtime:
            cached = (mtime, load_query(path))
            self._cache[name] = cached
        return cached[1]

    def all(self, role=None):
        """Return every query, or those of one role (check, construct, question)."""
        queries = [self.get(n) for n in self.names()]
        return [q for q in queries if role is None or q.role == role]


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
