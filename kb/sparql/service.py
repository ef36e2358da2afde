"""The public query service: check a query, run it where it can be stopped, describe the service.

The web layer makes one call here per request: ``run`` for a protocol query,
``run_named`` for a catalogue query, ``description`` for the SPARQL 1.1 Service
Description and ``void`` for the VoID description of the dataset.
"""

import pyoxigraph as ox

from kb import formats
from kb.namespaces import PREFIXES
from kb.sparql import protocol as sparql

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID_NAME = "void.nt"  # the build's VoID, with placeholders for the addresses a request is served at
VOID_DATASET, VOID_ENDPOINT = "urn:kb:void:dataset", "urn:kb:void:endpoint"
VOID = "http://rdfs.org/ns/void#"
DESCRIPTION_PREFIXES = {**PREFIXES, "sd": SD, "void": VOID, "formats": "http://www.w3.org/ns/formats/"}
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


class QueryService:
    """Runs researchers' queries and catalogue queries under the endpoint's limits."""

    def __init__(self, runner, catalogue, allowlist=(), max_bytes=100_000, max_nesting=100, store=None):
        self.runner = runner
        self.store = store
        self.catalogue = catalogue
        self.allowlist = tuple(allowlist)
        self.max_bytes = int(max_bytes)
        self.max_nesting = int(max_nesting)

    @classmethod
    def open(cls, settings, store, catalogue):
        """Build the service the settings describe, on the store's own query runner."""
        runner = store.query_runner(settings.query_workers, settings.query_timeout,
                                    settings.row_limit, settings.query_memory_mb, settings.max_answer_mb,
                                    nice=settings.query_nice)
        return cls(runner, catalogue, allowlist=settings.service_allowlist.split(),
                   max_bytes=settings.max_query_bytes, max_nesting=settings.max_query_nesting, store=store)

    @property
    def row_limit(self):
        return self.runner.row_limit

    @property
    def answer_mb(self):
        """Return the most MiB an answer may have (0: no cap)."""
        return getattr(self.runner, "byte_limit", 0) // 2**20

    @property
    def timeout(self):
        return getattr(self.runner, "timeout", None)

    def check(self, operation):
        """Read the query's text before any parser does; return its Shape or raise."""
        return sparql.check_query(operation.query, self.allowlist, self.max_nesting)

    def run(self, operation, shape=None, cancelled=None, fmt=None, base=None):
        """Run a protocol query on the dataset the protocol or the query names (else the union).

        fmt names the result format to write a SELECT answer in, when the query's own LIMIT
        keeps it within the row cap; otherwise rows are counted on their way out. base is the
        IRI relative IRIs resolve against: the endpoint's own URL."""
        shape = shape or self.check(operation)
        direct = fmt if shape.limit is not None and shape.limit <= self.row_limit else None
        if operation.dataset_given:  # the protocol's dataset replaces the query's own
            return self.runner.run(operation.query, default_graph=operation.default_graphs,
                                   named_graphs=operation.named_graphs, union=False,
                                   cancelled=cancelled, fmt=direct, base=base)
        return self.runner.run(operation.query, union=not shape.has_dataset, cancelled=cancelled,
                               fmt=direct, base=base)

    def run_named(self, query, params, cancelled=None):
        """Run a catalogue query with its parameters bound as validated terms (kb/queries.py)."""
        return self.runner.run(query.render(params), cancelled=cancelled)

    def void(self, dataset, endpoint):
        """Return the VoID description of the dataset as triples: the one the build wrote
        (kb/build: queries/void-description.rq over the whole KB), with this endpoint's addresses."""
        text = self.store.artefact(VOID_NAME).read_text(encoding="utf-8")
        text = text.replace(f"<{VOID_DATASET}>", f"<{dataset}>")
        text = text.replace(f"<{VOID_ENDPOINT}>", f"<{endpoint}>")
        return [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]

    def vocabulary(self):
        """Return the classes and properties the KB uses, sorted: what the editor completes from.

        Read from the build's VoID (its class and property partitions), so the list costs the
        same at any size of KB."""
        triples = self.void(VOID_DATASET, VOID_ENDPOINT)
        found = {"classes": set(), "properties": set()}
        for t in triples:
            if t.predicate.value == VOID + "class":
                found["classes"].add(t.object.value)
            elif t.predicate.value == VOID + "property":
                found["properties"].add(t.object.value)
        return {kind: sorted(iris) for kind, iris in found.items()}

    def description(self, endpoint, dataset):
        """Return the SPARQL 1.1 Service Description of the endpoint, with the dataset's VoID."""
        service, sd = ox.NamedNode(endpoint), _ns(SD)
        limits = (f"Read-only. The default graph is the union of all named graphs. A query may be "
                  f"{self.max_bytes} bytes, nest {self.max_nesting} brackets deep"
                  + (f" and run {self.timeout:g} s" if self.timeout else "")
                  + f"; answers stop at {self.row_limit} rows"
                  + (f" or {self.answer_mb} MiB" if self.answer_mb else "")
                  + " (the X-Truncated header says when). "
                  "SERVICE is refused unless the endpoint is on the allow-list.")
        triples = [(service, RDF_TYPE, sd("Service")), (service, sd("endpoint"), service),
                   (service, sd("supportedLanguage"), sd("SPARQL11Query")),
                   (service, sd("feature"), sd("UnionDefaultGraph")),
                   (service, sd("defaultEntailmentRegime"),
                    ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
                   (service, ox.NamedNode(PREFIXES["rdfs"] + "comment"), ox.Literal(limits)),
                   (service, sd("defaultDataset"), ox.NamedNode(dataset))]
        if self.allowlist:
            triples.append((service, sd("feature"), sd("BasicFederatedQuery")))
        triples += [(service, sd("resultFormat"), ox.NamedNode(f.writer.iri))
                    for f in (*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS)]
        return [ox.Triple(*t) for t in triples] + self.void(dataset, endpoint)

    def close(self):
        """Stop the workers, if any."""
        close = getattr(self.runner, "close", None)
        if close:
            close()


def _ns(base):
    return lambda local: ox.NamedNode(base + local)


def write_description(triples, fmt):
    """Serialize a description, grouped by subject, with the sd: and void: prefixes."""
    ordered = sorted(triples, key=lambda t: (isinstance(t.subject, ox.BlankNode), str(t.subject),
                                             str(t.predicate), str(t.object)))
    prefixes = DESCRIPTION_PREFIXES if fmt.name in formats.PREFIXED else None
    return ox.serialize(ordered, format=fmt.writer, prefixes=prefixes)
