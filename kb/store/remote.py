"""A remote SPARQL 1.1 server as the store (its endpoints in kb/store/server.py): queries through
SPARQLWrapper, loads through the Graph Store HTTP Protocol (or SPARQL Update when only an update
endpoint is given).

A build uploads every graph under names of its own (kb/store/dialect.py), then replaces one small
pointer graph naming the build and its graphs: the switch costs the same at any size. Readers ask
for the pointer (at most every 2 s) and send its graphs as the protocol's default-graph-uri and
named-graph-uri, so they see either the whole old build or the whole new one, on any SPARQL 1.1
server, whatever its default graph means; a request reads the build it started with.
"""

import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from kb.errors import StoreUnavailable
from kb.namespaces import EV, GRAPH
from kb.query.text import query_form
from kb.store.dialect import GENID, BuildNames, durations_answer, ntriples_answer, standard_results
from kb.store.server import SparqlServer

POINTER = GRAPH["current"]
POINTER_TTL = 2.0  # seconds a reader trusts the pointer before asking again


class RemoteStore(SparqlServer):
    """Read and write a KB kept on a remote SPARQL 1.1 server."""

    def __init__(self, spec):
        super().__init__(spec)
        # Files a build writes beside the store (the search index) stay on this machine, one
        # folder per build id; replicas over one server need this folder shared (README).
        # One folder per server by default: a build's clean-up removes the folders of builds the
        # server no longer holds, never another server's.
        self.artefacts = Path(spec.options.get("artefacts") or
                              Path(".kb/remote-artefacts") / re.sub(r"[^A-Za-z0-9.-]+", "_", self.query_url))
        self.chunk = int(spec.options.get("chunk", 50_000))  # triples per upload request
        self._pointer = (0.0, None, [])
        self._lock = threading.Lock()
        self._local = threading.local()  # the pointer a request started with

    def pointer(self):
        """Return (build id, graphs) of the current build, asking the server at most every 2 s;
        inside ``reading()``, the build the request started with."""
        pinned = getattr(self._local, "pinned", None)
        if pinned:
            return pinned
        checked, build, graphs = self._pointer
        if time.monotonic() - checked < POINTER_TTL and build:
            return build, graphs
        with self._lock:
            build, graphs = self._read_pointer(POINTER_QUERY)
            if not build:
                raise StoreUnavailable(f"no KB build on {self.query_url}: "
                                       "run `kb build --store sparql:...` first")
            self._pointer = (time.monotonic(), build, graphs)
            return build, graphs

    def _read_pointer(self, query):
        """Return (build id, graphs) the pointer graph names for query's build, or (None, [])."""
        body, _ = self._select(query, default_graphs=[str(POINTER)])
        rows = list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))
        return (rows[0]["build"].value, sorted({r["graph"].value for r in rows})) if rows else (None, [])

    @contextmanager
    def reading(self):
        """Within, every query of this thread reads one build: a page never mixes two."""
        self._local.pinned = self.pointer()
        try:
            yield
        finally:
            self._local.pinned = None

    def builds(self):
        """Return {"current": (id, graphs), "previous": (id, graphs)}; (None, []) where none."""
        return {"current": self._read_pointer(POINTER_QUERY), "previous": self._read_pointer(PREVIOUS_QUERY)}

    @property
    def build_id(self):
        return self.pointer()[0]

    def info(self):
        build, graphs = self.pointer()
        return {"build": build, "graphs": graphs, "store": self.query_url}

    def query(self, text, default_graph=None, named_graphs=None):
        """Run a query over the current build; answers are pyoxigraph objects, as embedded.
        Graphs named by the caller are the KB's names (graph:claims), as in the embedded store."""
        build, graphs = self.pointer()
        names = BuildNames(build)
        defaults = (graphs if default_graph is None
                    else [names.graph(_iri(g)) for g in _as_list(default_graph)])
        named = graphs if named_graphs is None else [names.graph(_iri(g)) for g in named_graphs]
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self._select(names.query(text), defaults, named, fmt="ntriples", form=form)
            if form == "DESCRIBE":
                body = self._bounded_description(body, defaults, named)
            body = durations_answer(ntriples_answer(names.answer(body)), self.virtuoso)
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        body, _ = self._select(names.query(text), defaults, named, fmt="json", form=form)
        body = durations_answer(standard_results(names.answer(body), form), self.virtuoso)
        return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)

    def _bounded_description(self, body, defaults, named):
        """Follow the blank nodes (genid IRIs on the server) a description reaches, as the
        embedded store's concise bounded description does."""
        described, found = set(), body
        while True:
            triples = list(ox.parse(found, format=ox.RdfFormat.N_TRIPLES))
            described |= {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
            reached = sorted({t.object.value for t in triples if isinstance(t.object, ox.NamedNode)
                              and t.object.value.startswith(GENID)} - described)
            if not reached:
                return body
            found, _ = self._select("DESCRIBE " + " ".join(f"<{iri}>" for iri in reached),
                                    defaults, named, fmt="ntriples")
            described |= set(reached)
            body += b"\n" + found

    def count(self):
        """Return the number of triples in the current build's graphs."""
        rows = list(self.query(COUNT_QUERY, default_graph=[], named_graphs=None))
        return int(rows[0]["n"].value)

    def dump(self, fmt, prefixes=None):
        """Serialize the current build's graphs as quads (N-Quads, TriG), under the KB's names."""
        build, graphs = self.pointer()
        names, quads = BuildNames(build), []
        for graph in graphs:
            name = ox.NamedNode(names.kb_name(graph))
            triples = self.query(GRAPH_QUERY, default_graph=[name], named_graphs=[])
            quads += [ox.Quad(t.subject, t.predicate, t.object, name) for t in triples]
        return ox.serialize(quads, format=fmt, prefixes=prefixes)

    def switch(self, build, graphs, current):
        """Point readers at the build's graphs in one small update, keeping the build that was
        current as the previous one; return the seconds it took."""
        started = time.perf_counter()
        pointer = [f"<{GRAPH}> <{EV}currentBuild> {ox.Literal(build)} ."]
        pointer += [f"<{GRAPH}> <{EV}buildGraph> <{g}> ." for g in graphs]
        if current[0]:
            pointer.append(f"<{GRAPH}> <{EV}previousBuild> {ox.Literal(current[0])} .")
            pointer += [f"<{GRAPH}> <{EV}previousGraph> <{g}> ." for g in current[1]]
        self.update(f"DROP SILENT GRAPH <{POINTER}> ;\n"
                    f"INSERT DATA {{ GRAPH <{POINTER}> {{ {' '.join(pointer)} }} }}")
        self._pointer = (0.0, None, [])
        return round(time.perf_counter() - started, 3)

    def artefact(self, name):
        """Return the path of a file the current build wrote (kept locally, by build id)."""
        return self.artefacts / self.build_id / name

    def query_runner(self, workers, timeout, row_limit, memory_mb, answer_mb=0, nice=0):
        """Return where queries for a request run: here, the server enforces its own limits and
        the reader gives up after its timeout."""
        from kb.sparql.sandbox import DirectRunner

        return DirectRunner(self, row_limit=row_limit, answer_mb=answer_mb)

    def stage(self, build_id, verbose=False):
        """Return a Staging: checked in memory, then uploaded beside the served build."""
        from kb.store.upload import RemoteStaging

        return RemoteStaging(self, build_id, verbose)


POINTER_QUERY = (f"SELECT ?build ?graph WHERE {{ <{GRAPH}> <{EV}currentBuild> ?build ; "
                 f"<{EV}buildGraph> ?graph }}")
PREVIOUS_QUERY = (f"SELECT ?build ?graph WHERE {{ <{GRAPH}> <{EV}previousBuild> ?build ; "
                  f"<{EV}previousGraph> ?graph }}")
GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _iri(graph):
    return graph.value if hasattr(graph, "value") else str(graph)
