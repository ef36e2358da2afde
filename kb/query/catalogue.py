"""The catalogue of named SPARQL queries: every query is a file queries/NAME.rq.

A query file opens with ``#`` header lines::

    # title: Claims for a condition
    # question: What does the article claim about a condition, and what backs each claim?
    # audience: clinician
    # param ?condition iri: the condition (IRI, or kb:condition/SLUG)
    # param ?design iri optional: only claims whose study has this design
    # columns: claim quote design level verdict

    # lists: topics interventions          (GROUP_CONCAT columns of one value a line)
    # iri-lists: matches                    (GROUP_CONCAT columns of space-separated IRIs)

``NamedQuery.render`` is the one place a query meets its parameters: each is validated into an
RDF term (an IRI, a typed literal) and written into the text by kb/query/binding.py, never
pasted as raw user text.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kb.errors import InvalidParameter, UnknownQuery
from kb.namespaces import PREFIXES
from kb.query.binding import bind
from kb.query.text import query_form

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
    def lists(self):
        """Return the list-valued columns the header declares: column -> 'lines' or 'words'."""
        found = {c: "lines" for c in self.meta.get("lists", "").split()}
        found.update({c: "words" for c in self.meta.get("iri-lists", "").split()})
        return found

    def render(self, values=None):
        """Return the query text with its parameters' validated terms written in."""
        return bind(self.text, self.bindings(values or {}))

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
