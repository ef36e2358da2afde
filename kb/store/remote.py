"""A remote SPARQL 1.1 server as the store: queries through SPARQLWrapper, loads through the
Graph Store HTTP Protocol (or SPARQL Update when only an update endpoint is given).

A build writes every source file into a new named graph whose IRI carries the build id, then
replaces one small pointer graph naming the build and its graphs. Readers ask for the pointer and
send its graphs as the protocol's default-graph-uri and named-graph-uri, so they see either the
whole old build or the whole new one, on any SPARQL 1.1 server, whatever its default graph means.
"""

import json
import re
import shutil
import threading
import time
import urllib.error
from pathlib import Path

import pyoxigraph as ox
import requests
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from kb.errors import InvalidParameter, KBError, StoreUnavailable
from kb.formats import SPARQL_ACCEPT, UPDATE_TYPE
from kb.namespaces import EV, GRAPH
from kb.progress import progress
from kb.query.text import query_form

POINTER = GRAPH["current"]
POINTER_TTL = 2.0  # seconds a reader trusts the pointer before asking again


class RemoteStore:
    """Read and write a KB kept on a remote SPARQL 1.1 server."""

    def __init__(self, spec):
        self.query_url = spec.location
        self.update_url = spec.options.get("update")
        self.gsp_url = spec.options.get("gsp")
        self.user = spec.options.get("user")
        self.password = spec.options.get("password", "")
        self.timeout = float(spec.options.get("timeout", 30))
        # Uploading and switching a large build is one long transaction on the server;
        # readers keep `timeout`.
        self.build_timeout = float(spec.options.get("build_timeout", 3600))
        # Files a build writes beside the store (the search index) stay on this machine, one
        # folder per build id; replicas over one server need this folder shared (README).
        self.artefacts = Path(spec.options.get("artefacts", ".kb/remote-artefacts"))
        self._pointer = (0.0, None, [])
        self._lock = threading.Lock()
        self._schemes = {}  # URL -> "basic" or "digest", as its server's challenge says
        self._schemes_lock = threading.Lock()  # apart: pointer() asks for a scheme holding _lock

    # ------------------------------------------------------------------ reading

    def _wrapper(self, url):
        client = SPARQLWrapper(url, agent="ketamine-evidence-kb")
        client.setTimeout(int(self.timeout))
        if self.user:
            client.setHTTPAuth(DIGEST if self._scheme(url) == "digest" else BASIC)
            client.setCredentials(self.user, self.password)
        return client

    def _select(self, text, default_graphs=None, named_graphs=None, fmt="json"):
        """Send a query and return the raw answer body and its content type."""
        client = self._wrapper(self.query_url)
        client.setQuery(text)
        # SPARQLWrapper guesses the form from keywords and mistakes words in comments ("copy",
        # "load") for updates; the form our own parser reads is the one to send.
        client.queryType = query_form(text)
        client.setMethod(POST)  # long queries and many graph parameters fit in a body
        client.setReturnFormat(JSON)
        client.addCustomHttpHeader("Accept", SPARQL_ACCEPT[fmt])
        for graph in default_graphs or []:
            client.addDefaultGraph(graph)
        for graph in named_graphs or []:
            client.addNamedGraph(graph)
        try:
            response = client.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except QueryBadFormed as exc:
            raise InvalidParameter(f"the SPARQL server at {self.query_url} rejected the query: "
                                   f"{exc}") from exc
        except (EndPointInternalError, SPARQLWrapperException) as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} failed: {exc}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} did not answer "
                                   f"within {self.timeout:g} s: {exc}") from exc

    def pointer(self):
        """Return (build id, graphs) of the current build, asking the server at most every 2 s."""
        checked, build, graphs = self._pointer
        if time.monotonic() - checked < POINTER_TTL and build:
            return build, graphs
        with self._lock:
            body, _ = self._select(POINTER_QUERY, default_graphs=[str(POINTER)])
            rows = list(ox.parse_query_results(body, ox.QueryResultsFormat.JSON))
            if not rows:
                raise StoreUnavailable(f"no KB build on {self.query_url}: "
                                       "run `kb build --store sparql:...` first")
            build = rows[0]["build"].value
            graphs = sorted({row["graph"].value for row in rows})
            self._pointer = (time.monotonic(), build, graphs)
            return build, graphs

    @property
    def build_id(self):
        return self.pointer()[0]

    def info(self):
        build, graphs = self.pointer()
        return {"build": build, "graphs": graphs, "store": self.query_url}

    def query(self, text, default_graph=None, named_graphs=None):
        """Run a query over the current build; answers are pyoxigraph objects, as embedded."""
        _, graphs = self.pointer()
        defaults = graphs if default_graph is None else [_iri(g) for g in _as_list(default_graph)]
        named = graphs if named_graphs is None else [_iri(g) for g in named_graphs]
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            body, _ = self._select(text, defaults, named, fmt="ntriples")
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        body, _ = self._select(text, defaults, named, fmt="json")
        return ox.parse_query_results(standard_results(body, form), ox.QueryResultsFormat.JSON)

    def count(self):
        """Return the number of triples in the current build's graphs."""
        rows = list(self.query(COUNT_QUERY, default_graph=[], named_graphs=self.pointer()[1]))
        return int(rows[0]["n"].value)

    def dump(self, fmt, prefixes=None):
        """Serialize the current build's graphs as quads (N-Quads, TriG)."""
        quads = [ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))
                 for g in self.pointer()[1]
                 for t in self.query(GRAPH_QUERY, default_graph=[ox.NamedNode(g)], named_graphs=[])]
        return ox.serialize(quads, format=fmt, prefixes=prefixes)

    # ------------------------------------------------------------------ writing

    def put_graph(self, graph, triples):
        """Replace one named graph with the given triples."""
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if self.gsp_url:
            self._http("PUT", self.gsp_url, params={"graph": graph}, data=data,
                       headers={"Content-Type": SPARQL_ACCEPT["ntriples"]}, timeout=self.build_timeout)
        else:
            self.update(f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n"
                        f"{data.decode('utf-8')}\n}} }}")

    def update(self, text):
        """Send a SPARQL Update to the update endpoint."""
        if not self.update_url:
            raise KBError(f"store {self.query_url} has no update endpoint: add ,update=URL or ,gsp=URL")
        self._http("POST", self.update_url, data=text.encode("utf-8"),
                   headers={"Content-Type": UPDATE_TYPE}, timeout=self.build_timeout)

    def _http(self, method, url, ok=(200, 201, 204), timeout=None, **kwargs):
        try:
            response = requests.request(method, url, auth=self._auth(url), timeout=timeout or self.timeout,
                                        **kwargs)
        except requests.RequestException as exc:
            raise StoreUnavailable(f"the SPARQL server at {url} did not answer: {exc}") from exc
        if response.status_code not in ok:
            raise StoreUnavailable(f"{method} {url} answered {response.status_code}: {response.text[:300]}")
        return response

    def _auth(self, url):
        """Return the requests authentication for url (None without a user)."""
        if not self.user:
            return None
        if self._scheme(url) == "digest":
            return requests.auth.HTTPDigestAuth(self.user, self.password)
        return requests.auth.HTTPBasicAuth(self.user, self.password)

    def _scheme(self, url):
        """Return the scheme the server asks for at url, "basic" or "digest", read from its
        challenge once per URL, so that one user=,password= works on Oxigraph, Fuseki or Virtuoso
        (whose update endpoints want Digest). The password is never logged nor put in a message."""
        with self._schemes_lock:
            scheme = self._schemes.get(url)
        if scheme is None:
            try:
                challenge = requests.head(url, timeout=self.timeout).headers.get("WWW-Authenticate", "")
            except requests.RequestException as exc:
                raise StoreUnavailable(f"the SPARQL server at {url} did not answer: {exc}") from exc
            scheme = "digest" if challenge.lower().startswith("digest") else "basic"
            with self._schemes_lock:
                self._schemes[url] = scheme
        return scheme

    def switch(self, build, staged, previous):
        """Move staged graphs over the live ones, drop graphs the new build lacks, and repoint
        readers, all in one update request (one transaction on Oxigraph, Fuseki/TDB2, GraphDB)."""
        ops = [f"MOVE SILENT GRAPH <{tmp}> TO GRAPH <{final}>" for final, tmp in staged.items()]
        ops += [f"DROP SILENT GRAPH <{g}>" for g in previous if g not in staged]
        pointer = [f"<{GRAPH}> <{EV}currentBuild> {ox.Literal(build)} ."]
        pointer += [f"<{GRAPH}> <{EV}buildGraph> <{g}> ." for g in staged]
        ops.append(f"DROP SILENT GRAPH <{POINTER}>")
        ops.append(f"INSERT DATA {{ GRAPH <{POINTER}> {{ {' '.join(pointer)} }} }}")
        self.update(" ;\n".join(ops))
        self._pointer = (0.0, None, [])

    def artefact(self, name):
        """Return the path of a file the current build wrote (kept locally, by build id)."""
        return self.artefacts / self.build_id / name

    def query_runner(self, workers, timeout, row_limit, memory_mb, answer_mb=0):
        """Return where queries for a request run: here, the server enforces its own limits and
        the reader gives up after its timeout."""
        from kb.sparql.sandbox import DirectRunner

        return DirectRunner(self, row_limit=row_limit, answer_mb=answer_mb)

    def stage(self, build_id, verbose=False):
        """Return a Staging: checked in memory, then uploaded beside the served build."""
        return RemoteStaging(self, build_id, verbose)

    def current_graphs(self):
        """Return the graphs of the current build, or [] when the server holds none yet."""
        try:
            return self.pointer()[1]
        except StoreUnavailable as exc:
            if "no KB build" in str(exc):
                return []
            raise


POINTER_QUERY = (f"SELECT ?build ?graph WHERE {{ <{GRAPH}> <{EV}currentBuild> ?build ; "
                 f"<{EV}buildGraph> ?graph }}")
GRAPH_QUERY = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


BNODE_CHARS = re.compile(r"[^A-Za-z0-9_]")


def standard_results(body, form):
    """Return SPARQL JSON results as the standard writes them, from what some servers send.

    Virtuoso 7 labels blank nodes "nodeID://b10006", which is no blank node label, and answers
    ASK with one row of __ASK_RETVAL 1 or 0; other servers' answers pass unchanged."""
    if b'"bnode"' not in body and not (form == "ASK" and b"__ASK_RETVAL" in body):
        return body
    data = json.loads(body)
    if form == "ASK" and "boolean" not in data:
        rows = data.get("results", {}).get("bindings", [])
        value = next(iter(rows[0].values()), {}).get("value", "0") if rows else "0"
        return json.dumps({"head": {}, "boolean": value in ("1", "true")}).encode()
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = BNODE_CHARS.sub("_", term["value"])
    return json.dumps(data).encode()


def _as_list(value):
    return value if isinstance(value, list) else [value]


def _iri(graph):
    return graph.value if hasattr(graph, "value") else str(graph)


class RemoteStaging:
    """A build checked in an in-memory store, then staged on the server and switched in one update."""

    def __init__(self, remote, build_id, verbose=False):
        self.remote, self.build_id, self.verbose = remote, build_id, verbose
        self.previous = remote.current_graphs()
        self.store = ox.Store()

    def artefact(self, name):
        """Return where the build writes a file of its own, kept on this machine by build id."""
        folder = self.remote.artefacts / self.build_id
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def commit(self, info):
        """Upload every graph under a staging name, then switch readers; return the triples."""
        staged = {}
        graphs = list(self.store.named_graphs())
        with progress("uploading", total=len(graphs), enabled=self.verbose) as bar:
            for graph in graphs:
                staging = f"{GRAPH}staging/{self.build_id}/{graph.value[len(GRAPH):]}"
                triples = [q.triple for q in self.store.quads_for_pattern(None, None, None, graph)]
                self.remote.put_graph(staging, triples)
                staged[graph.value] = staging
                bar.update(1)
        self.remote.switch(self.build_id, staged, self.previous)
        return len(self.store)

    def discard(self):
        """Forget the in-memory store and the files written for it; nothing was sent to the server."""
        self.store = None
        shutil.rmtree(self.remote.artefacts / self.build_id, ignore_errors=True)
