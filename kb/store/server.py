"""One SPARQL 1.1 server's endpoints as the remote store reaches them: queries through SPARQLWrapper,
updates and Graph Store requests through requests, with Basic or Digest authentication as the server
asks, and what the server's engine needs (kb/store/dialect.py)."""

import threading
import urllib.error

import requests
from SPARQLWrapper import BASIC, DIGEST, JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import EndPointInternalError, QueryBadFormed, SPARQLWrapperException

from kb.errors import InvalidParameter, KBError, StoreUnavailable
from kb.formats import SPARQL_ACCEPT, UPDATE_TYPE
from kb.query.text import query_form
from kb.store.dialect import for_engine, is_virtuoso


class SparqlServer:
    """The query, update and Graph Store endpoints of one server, and the credentials for them."""

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
        self._heads = {}  # URL -> the headers of its HEAD: the server's name and its challenge
        self._heads_lock = threading.Lock()  # apart: the store's pointer lock is held while asking

    def _wrapper(self, url):
        client = SPARQLWrapper(url, agent="ketamine-evidence-kb")
        client.setTimeout(int(self.timeout))
        if self.user:
            client.setHTTPAuth(DIGEST if self._scheme(url) == "digest" else BASIC)
            client.setCredentials(self.user, self.password)
        return client

    def _select(self, text, default_graphs=None, named_graphs=None, fmt="json", form=None):
        """Send a query (of the given form, read from it if not given) and return the raw answer
        body and its content type."""
        # SPARQLWrapper guesses the form from keywords and mistakes words in comments ("copy",
        # "load") for updates; the form our own parser reads is the one to send.
        form = form or query_form(text)
        client = self._wrapper(self.query_url)
        client.setQuery(for_engine(self._server(), text, form))
        client.queryType = form
        client.setMethod(POST)  # long queries and many graph parameters fit in a body
        client.setReturnFormat(JSON if fmt == "json" else TURTLE)  # the Accept header below decides
        client.setOnlyConneg(True)  # the Accept header alone: Virtuoso reads a format= parameter first
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
        except urllib.error.HTTPError as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} answered {exc.code}: "
                                   f"{exc.reason}") from exc
        except (urllib.error.URLError, OSError, TimeoutError) as exc:
            raise StoreUnavailable(f"the SPARQL server at {self.query_url} did not answer "
                                   f"within {self.timeout:g} s: {exc}") from exc

    def _head(self, url):
        """Return the headers the server sends for url, asked once per URL: its name (Server, the
        dialect it needs) and its authentication challenge (WWW-Authenticate)."""
        with self._heads_lock:
            headers = self._heads.get(url)
        if headers is None:
            try:
                headers = requests.head(url, timeout=self.timeout).headers
            except requests.RequestException as exc:
                raise StoreUnavailable(f"the SPARQL server at {url} did not answer: {exc}") from exc
            with self._heads_lock:
                self._heads[url] = headers
        return headers

    def _server(self):
        """Return the query server's name (its Server header)."""
        return self._head(self.query_url).get("Server", "")

    @property
    def virtuoso(self):
        return is_virtuoso(self._server())

    def send_chunk(self, graph, data, replace=False):
        """Add N-Triples (without blank nodes) to a graph; replace=True empties it first."""
        if self.gsp_url:
            self._http("PUT" if replace else "POST", self.gsp_url, params={"graph": graph}, data=data,
                       headers={"Content-Type": SPARQL_ACCEPT["ntriples"]}, timeout=self.build_timeout)
        else:
            drop = f"DROP SILENT GRAPH <{graph}> ;\n" if replace else ""
            self.update(f"{drop}INSERT DATA {{ GRAPH <{graph}> {{\n{data.decode('utf-8')}\n}} }}")

    def drop(self, graph):
        """Remove one graph from the server, if it is there."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

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
        challenge = self._head(url).get("WWW-Authenticate", "")
        return "digest" if challenge.lower().startswith("digest") else "basic"
