"""The knowledge base as its users reach it: named queries, counts and exports over a store."""

import threading
from collections import OrderedDict

import pyoxigraph as ox

from . import settings as config
from .errors import InvalidParameter
from .namespaces import PREFIXES
from .queries import Catalogue
from .results import RDF_FORMATS, rows_from
from .store import open_store

DATASET_FORMATS = {"nq", "trig"}
LOOKUPS_KEPT = 4096  # rows of bound lookups (a study card) kept per build, least recently used out


class KnowledgeBase:
    """A store plus the catalogue of named queries, with the limits that apply to both."""

    def __init__(self, store, catalogue, row_limit=10000):
        self.store = store
        self.catalogue = catalogue
        self.row_limit = row_limit
        self._lock = threading.Lock()
        self._memo, self._memo_build = {}, None
        self._lookups = OrderedDict()

    @classmethod
    def from_settings(cls, values=None):
        """Open the KB that the settings (KB_* environment variables by default) name."""
        values = {**config.defaults(), **(values or {})}
        return cls(open_store(values["STORE"]), Catalogue(values["QUERIES_DIR"]),
                   row_limit=int(values["ROW_LIMIT"]))

    def run_query(self, name, **params):
        """Run a named query with its parameters bound; SELECT answers come back as Rows."""
        query = self.catalogue.get(name)
        return self.run(query, params)

    def run(self, query, params=None):
        """Run a NamedQuery; return Rows, a bool (ASK) or a list of triples (CONSTRUCT)."""
        answer = self.store.query(query.text, substitutions=query.bindings(params or {}))
        if isinstance(answer, ox.QuerySolutions):
            return rows_from(answer, limit=self.row_limit)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return list(answer)

    def rows(self, name, **params):
        """Return the rows (plain dicts) of a named SELECT query."""
        return self.run_query(name, **params).rows

    def first(self, name, **params):
        """Return the first row of a named SELECT query, or None."""
        rows = self.rows(name, **params)
        return rows[0] if rows else None

    def describe(self, iri):
        """Return the triples of a resource's Concise Bounded Description (queries/describe.rq)."""
        return self.run_query("describe", resource=iri)

    def export_catalogue(self):
        """Return the citation and claim exports (kb/exports.py) with their /download paths and sizes."""
        from .exports import catalogue

        return catalogue(self)

    def stats(self):
        """Return the KB's counts: claims, conditions, studies, sources, triples."""
        rows = self.whole_kb_rows("stats")
        return {**(rows[0] if rows else {}), "triples": self.per_build("triples", self.store.count)}

    def whole_kb_rows(self, name):
        """Return the rows of a parameterless query that aggregates the whole KB, once per build."""
        return self.per_build(name, lambda: self.rows(name))

    def per_build(self, key, compute):
        """Return compute(), kept until the store's build id changes.

        A build never changes after it is swapped in; without this the home page would
        recount every claim on every visit.
        """
        build = self.store.build_id
        with self._lock:
            self._follow(build)
            if key in self._memo:
                return self._memo[key]
        value = compute()
        with self._lock:
            if self._memo_build == build:
                self._memo[key] = value
        return value

    def lookup(self, name, **params):
        """Return the first row of a named query for bound parameters, kept for the build.

        For lookups many pages repeat, such as a study's card: a condition page cites dozens of
        studies, and the same studies recur on every page of the condition.
        """
        key = (name, tuple(sorted(params.items())))
        build = self.store.build_id
        with self._lock:
            self._follow(build)
            if key in self._lookups:
                self._lookups.move_to_end(key)
                return self._lookups[key]
        row = self.first(name, **params)
        with self._lock:
            if self._memo_build == build:
                self._lookups[key] = row
                if len(self._lookups) > LOOKUPS_KEPT:
                    self._lookups.popitem(last=False)
        return row

    def _follow(self, build):
        """Forget what was kept for an older build (the caller holds the lock)."""
        if self._memo_build != build:
            self._memo, self._lookups, self._memo_build = {}, OrderedDict(), build

    @property
    def build_id(self):
        return self.store.build_id

    def export(self, fmt):
        """Serialize the whole KB; triple formats get the union of every named graph."""
        if fmt not in RDF_FORMATS:
            raise InvalidParameter(f"format {fmt!r}: expected one of {', '.join(RDF_FORMATS)}")
        if fmt in DATASET_FORMATS:
            return self.store.dump(RDF_FORMATS[fmt], PREFIXES)
        triples = self.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        return serialize_triples(triples, fmt)


def serialize_triples(triples, fmt):
    """Serialize triples with pyoxigraph, with the KB's prefixes where the format has them."""
    prefixes = PREFIXES if fmt in {"turtle", "trig", "rdfxml"} else None
    return ox.serialize(triples, format=RDF_FORMATS[fmt], prefixes=prefixes)
