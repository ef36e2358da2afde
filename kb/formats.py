"""Every format the KB reads or writes, in one registry: name, media type, extension, writer.

Content negotiation (pages, resources, /sparql), downloads, the CLI and the exports all read
this module; no media type is written anywhere else. pyoxigraph's own format objects are found
from the media type, so its writers do the writing.
"""

from dataclasses import dataclass

import pyoxigraph as ox

from kb.namespaces import PREFIXES

HTML = "text/html"
XHTML = "application/xhtml+xml"
JSON = "application/json"
TEXT = "text/plain"
FORM_TYPE = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"
SVG = "image/svg+xml"


@dataclass(frozen=True)
class Format:
    name: str  # what ?format=, --format and the download links use
    media_type: str
    kind: str  # results (SELECT, ASK), graph (CONSTRUCT, DESCRIBE, a resource), dataset, citation, table
    label: str
    extension: str = ""  # a file's or a URL's extension, without the dot
    aliases: tuple = ()  # other ?format= names and media types that select it

    @property
    def content_type(self):
        return self.media_type + ("; charset=utf-8" if self.media_type.startswith("text/") else "")

    @property
    def names(self):
        return (self.name, self.media_type, *self.aliases)

    @property
    def writer(self):
        """Return pyoxigraph's format object for this media type (None for citation formats)."""
        if self.kind == "results":
            return ox.QueryResultsFormat.from_media_type(self.media_type)
        if self.kind in ("graph", "dataset"):
            return ox.RdfFormat.from_media_type(self.media_type)
        return None


# The first format of each kind is the default, also for */* and for no Accept at all.
RESULTS = (
    Format("json", "application/sparql-results+json", "results", "SPARQL JSON", "srj",
           ("srj", JSON)),
    Format("xml", "application/sparql-results+xml", "results", "SPARQL XML", "srx",
           ("srx", "application/xml", "text/xml")),
    Format("csv", "text/csv", "results", "CSV", "csv"),
    Format("tsv", "text/tab-separated-values", "results", "TSV", "tsv", ("text/tsv",)),
)
GRAPHS = (
    Format("turtle", "text/turtle", "graph", "Turtle", "ttl",
           ("ttl", "n3", "application/turtle", "application/x-turtle", "text/n3", "text/rdf+n3")),
    Format("nt", "application/n-triples", "graph", "N-Triples", "nt",
           ("ntriples", "n-triples", TEXT)),
    Format("jsonld", "application/ld+json", "graph", "JSON-LD", "jsonld",
           ("json-ld", "json", JSON, "application/x-json+ld")),
    Format("rdfxml", "application/rdf+xml", "graph", "RDF/XML", "rdf",
           ("rdf", "rdf+xml", "xml", "application/xml", "text/xml")),
    Format("trig", "application/trig", "dataset", "TriG", "trig"),
    Format("nq", "application/n-quads", "dataset", "N-Quads", "nq", ("nquads", "n-quads")),
)
CITATIONS = (
    Format("bibtex", "application/x-bibtex", "citation", "BibTeX", "bib"),
    Format("ris", "application/x-research-info-systems", "citation", "RIS", "ris"),
    Format("csljson", "application/vnd.citationstyles.csl+json", "citation", "CSL-JSON", "csl.json"),
)
TABLES = (Format("claims-csv", "text/csv", "table", "CSV", "csv"),
          Format("audit-csv", "text/csv", "table", "CSV", "csv"))
NANOPUB = Format("nanopub", "application/trig", "dataset", "TriG", "trig")

RDF = {f.name: f for f in GRAPHS}  # every RDF serialization, by name
RESOURCE_EXTENSIONS = {e: RDF[n] for e, n in (("ttl", "turtle"), ("jsonld", "jsonld"), ("nt", "nt"),
                                               ("rdf", "rdfxml"))}  # /id/KIND/SLUG.EXT, in this order
DOWNLOAD_EXTENSIONS = {f.extension: f for f in GRAPHS}  # /download/ketamine-kb.EXT
CITATION_EXTENSIONS = {f.extension: f for f in CITATIONS}  # /studies/SLUG.EXT
SPARQL_ACCEPT = {"json": RESULTS[0].media_type, "ntriples": RDF["nt"].media_type}
PREFIXED = {"turtle", "trig", "rdfxml"}  # the RDF formats that write prefixes


def by_name(name, formats=(*RESULTS, *GRAPHS, *CITATIONS, *TABLES)):
    """Return the format of a name, or None."""
    return next((f for f in formats if f.name == name), None)


def for_answer(form):
    """Return the formats offered for a query form's answer, the default first."""
    return GRAPHS if form in ("CONSTRUCT", "DESCRIBE", "GRAPH") else RESULTS


def serialize_triples(triples, name, prefixes=PREFIXES):
    """Serialize triples with pyoxigraph, with the KB's prefixes where the format has them."""
    return ox.serialize(triples, format=RDF[name].writer,
                        prefixes=prefixes if name in PREFIXED else None)
