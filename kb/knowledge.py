"""The knowledge base as its users reach it: the one way to run a named query, over one store.

A named query is rendered with its validated parameters (``NamedQuery.render``) and run either
in this process (the CLI, the build, exports written to disk) or, when the KB serves requests,
through the store's query runner with a time budget, so that no page can hold a thread or a
core longer than the budget allows.
"""

import threading

import pyoxigraph as ox

from kb import formats
from kb.errors import InvalidParameter
from kb.kept import KEPT_NAME, KeptAnswers
from kb.lru import MISSING, LeastRecentlyUsed
from kb.namespaces import PREFIXES
from kb.query.catalogue import Catalogue
from kb.query.rows import records, rows_from
from kb.query.text import query_form
from kb.search import INDEX_NAME, SearchIndex
from kb.sparql import protocol
from kb.store import open_store

ALL_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
GRAPH_LIMIT = 50_000_000  # triples of a CONSTRUCT a page may read back (a whole-KB export)
LOOKUPS_KEPT = 4096  # rows of bound lookups (a study card) kept per build, least recently used out


class KnowledgeBase:
    """A store plus the catalogue of named queries, with the limits that apply to both."""

    def __init__(self, store, catalogue, row_limit=10000, runner=None, budget=None):
        self.store = store
        self.catalogue = catalogue
        self.row_limit = row_limit
        self.runner = runner  # where queries for a request run (kb/sparql/sandbox.py), or None
        self.budget = budget  # seconds each of those may take
        self._lock = threading.Lock()
        self._memo, self._memo_build = {}, None
        self._lookups = LeastRecentlyUsed(LOOKUPS_KEPT)

    @classmethod
    def open(cls, settings, serving=False):
        """Open the KB that the settings name; serving=True runs every query under the page budget."""
        store = open_store(settings.store)
        runner = None
        if serving:
            runner = store.query_runner(settings.page_workers, settings.page_timeout,
                                        settings.row_limit, settings.query_memory_mb)
        return cls(store, Catalogue(settings.queries_dir), row_limit=settings.row_limit,
                   runner=runner, budget=settings.page_timeout if serving else None)

    def run_query(self, name, **params):
        """Run a named query with its parameters bound; SELECT answers come back as Rows."""
        return self.run(self.catalogue.get(name), params)

    def run(self, query, params=None):
        """Run a NamedQuery; return Rows, a bool (ASK) or a list of triples (CONSTRUCT)."""
        return self.run_text(query.render(params))

    def run_text(self, text):
        """Run query text already rendered: under the budget when serving, else in this process."""
        if self.runner is not None:
            return self._run_budgeted(text)
        answer = self.store.query(text)
        if isinstance(answer, ox.QuerySolutions):
            return rows_from(answer, limit=self.row_limit)
        if isinstance(answer, ox.QueryBoolean):
            return bool(answer)
        return list(answer)

    def _run_budgeted(self, text):
        # The row cap is for SELECT answers, as in this process; graphs come whole.
        limit = self.row_limit if query_form(text) in ("SELECT", "ASK") else GRAPH_LIMIT
        answer = self.runner.run(text, timeout=self.budget, row_limit=limit)
        if answer.form == "SELECT":
            return protocol.rows_of(answer)
        if answer.form == "ASK":
            return bool(answer.boolean)
        return protocol.triples_of(answer)

    def rows(self, name, **params):
        """Return the rows (plain dicts) of a named SELECT query."""
        return self.run_query(name, **params).rows

    def records(self, name, **params):
        """Return the rows of a named query with the list-valued columns its header declares split."""
        return records(self.rows(name, **params), self.catalogue.get(name).lists)

    def first(self, name, **params):
        """Return the first record of a named SELECT query, or None."""
        found = self.records(name, **params)
        return found[0] if found else None

    def describe(self, iri):
        """Return the triples of a resource's Concise Bounded Description (queries/describe.rq)."""
        return self.run_query("describe", resource=iri)

    def stats(self):
        """Return the KB's counts: claims, conditions, studies, sources, triples."""
        rows = self.whole_kb_rows("stats")
        return {**(rows[0] if rows else {}), "triples": self.per_build("triples", self.store.count)}

    def whole_kb_rows(self, name):
        """Return the records of a parameterless query that aggregates the whole KB, once per build:
        the answer the build kept (kb/kept.py) when the query's header asks for that."""
        return self.per_build(name, lambda: list(self.kept_rows(name)))

    def kept_rows(self, name, key=None):
        """Yield the records of a '# kept:' query (of one value of its kept column, or all) in its
        order: from the answer the build kept, or from the query on a store built without it."""
        kept = self.kept()
        if kept is not None and kept.has(name):
            yield from kept.each(name, key)
        else:
            yield from self.records(name, **self._kept_key(name, key))

    def kept_page(self, name, number, size, key=None):
        """Return (the records of page `number` of `size`, how many records, how many distinct
        values of the '# kept-count:' column) of a '# kept:' query, for one key or all; page 0
        reads no records. A window of the kept answer, or of the query's on a store without it."""
        kept = self.kept()
        if kept is not None and kept.has(name):
            total, distinct = kept.totals(name, key)
            first = (number - 1) * size + 1
            return (kept.window(name, first, first + size - 1, key) if number else []), total, distinct
        records = self.records(name, **self._kept_key(name, key))
        counted = self.catalogue.get(name).meta.get("kept-count")
        distinct = len({r[counted] for r in records}) if counted else len(records)
        return (records[(number - 1) * size:number * size] if number else []), len(records), distinct

    def _kept_key(self, name, key):
        """Return the parameter that asks a kept query for one key: its kept column, by name."""
        if key is None:
            return {}
        return {self.catalogue.get(name).meta["kept"].strip().lstrip("?"): key}

    def kept(self):
        """Return the current build's kept answers (kb/kept.py), or None for a store without them
        (a build's staging store, read while the build writes them)."""
        if not hasattr(self.store, "artefact"):
            return None

        def open_kept():
            path = self.store.artefact(KEPT_NAME)
            return KeptAnswers(path) if path.exists() else None

        return self.per_build("kept-answers", open_kept)

    def per_build(self, key, compute):
        """Return compute(), kept until the store's build id changes (a build never changes)."""
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
        """Return the first record of a named query for bound parameters, kept for the build.

        For lookups many pages repeat, such as a study's card: the same studies recur on every
        page of a condition.
        """
        found = self.lookup_records(name, **params)
        return found[0] if found else None

    def lookup_records(self, name, **params):
        """Return the records of a named query for bound parameters, kept for the build."""
        key = (name, tuple(sorted(params.items())))
        build = self.store.build_id
        with self._lock:
            self._follow(build)
            lookups = self._lookups
        found = lookups.get(key, MISSING)
        if found is MISSING:
            found = self.records(name, **params)
            lookups.put(key, found)  # the lookups of this build; a newer build has its own
        return found

    def _follow(self, build):
        """Forget what was kept for an older build (the caller holds the lock)."""
        if self._memo_build != build:
            self._memo, self._lookups, self._memo_build = {}, LeastRecentlyUsed(LOOKUPS_KEPT), build

    @property
    def build_id(self):
        return self.store.build_id

    def export(self, fmt):
        """Serialize the whole KB; triple formats get the union of every named graph."""
        found = formats.RDF.get(fmt)
        if found is None:
            raise InvalidParameter(f"format {fmt!r}: expected one of {', '.join(formats.RDF)}")
        if found.kind == "dataset":
            return self.store.dump(found.writer, PREFIXES)
        return formats.serialize_triples(self.all_triples(), fmt, PREFIXES)

    def all_triples(self):
        """Return every triple of the KB, the named graphs merged."""
        return self.run_text(ALL_TRIPLES)

    def search(self, q, filters=None, page=1, size=50):
        """Search the build's full-text index (kb/search.py) under the page budget."""
        return self.search_index().search(q, filters, page, size)

    def search_index(self):
        """Return the current build's search index, opened once per build."""
        return self.per_build("search-index", lambda: SearchIndex(self.store.artefact(INDEX_NAME),
                                                                  budget=self.budget))

    def close(self):
        """Stop the query workers, if any."""
        close = getattr(self.runner, "close", None)
        if close:
            close()
