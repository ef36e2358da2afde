"""The SPARQL 1.1 Protocol's query operation: read the request, check the query, pick a format.

A query comes by GET (``?query=``), by POST as a form (``query=``) or by POST as the
body (``application/sparql-query``); ``default-graph-uri`` and ``named-graph-uri``
replace the dataset (W3C SPARQL 1.1 Protocol, section 2.1). Answers are negotiated
by ``Accept`` (q-values, wildcards) or a ``format`` parameter, and written by
pyoxigraph's serializers. Nothing here knows about Flask: the web layer hands in
the method, headers and parameters and gets back plain data or a KBError.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kb import formats
from kb.errors import KBError
from kb.query import text as querytext
from kb.query.rows import rows_from

FORM_TYPE, QUERY_TYPE, UPDATE_TYPE = formats.FORM_TYPE, formats.QUERY_TYPE, formats.UPDATE_TYPE
HTML_TYPES = (formats.HTML, formats.XHTML)
IRI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]*$")
MAX_CHAIN = 1000  # operators and group keywords in one query; the parser overflows near 3,000


class ProtocolError(KBError):
    """A request the protocol does not allow: no query, two queries, a wrong content type."""

    status = 400


class QueryRefused(KBError):
    """A query this endpoint will not run: SERVICE to a host not allowed, too deep, an update."""

    status = 400


class UpdateRefused(KBError):
    """A SPARQL Update operation: this endpoint is read-only."""

    status = 403


class QueryTooLarge(KBError):
    """A query text over the size limit."""

    status = 413


class NotAcceptable(KBError):
    """No format the client accepts is offered for this kind of answer."""

    status = 406

    def __init__(self, message, offered):
        self.offered = [f.media_type for f in offered]
        super().__init__(f"{message}; offered: {', '.join(self.offered)}")


RESULT_FORMATS, GRAPH_FORMATS = formats.RESULTS, formats.GRAPHS
formats_for = formats.for_answer


def _accept(header):
    return parse_accept_header(header or "", MIMEAccept)


def negotiate(form, accept_header, format_values=()):
    """Return the Format to answer in: a ?format= value wins over Accept; raise NotAcceptable."""
    offered = formats_for(form)
    if format_values:
        for value in format_values:
            for fmt in offered:
                if value.strip().lower() in fmt.names:
                    return fmt
        raise NotAcceptable(f"format {', '.join(format_values)} is not offered for {form} answers",
                            offered)
    accept = _accept(accept_header)
    if not accept:
        return offered[0]
    # Main media types before aliases, so that text/* means CSV rather than legacy text/xml.
    candidates = [(fmt.media_type, fmt) for fmt in offered]
    candidates += [(t, fmt) for fmt in offered for t in fmt.aliases if "/" in t]
    best = accept.best_match([t for t, _ in candidates])
    if best is None:
        shown = accept_header if len(accept_header) <= 200 else accept_header[:200] + "…"
        raise NotAcceptable(f"no format in Accept: {shown} fits {form} answers", offered)
    return next(fmt for t, fmt in candidates if t == best)


def _explicit(accept):
    return {value.lower(): quality for value, quality in accept if "*" not in value}


def prefers_html(accept_header):
    """True when the client names HTML and prefers it to every data format it names (a browser)."""
    named = _explicit(_accept(accept_header))
    html = max(named.get(t, 0) for t in HTML_TYPES)
    data = max((q for t, q in named.items() if t not in HTML_TYPES), default=0)
    return html > 0 and html >= data


def error_style(accept_header):
    """Return how to write an error for this client: 'html', 'json' or 'text'."""
    if prefers_html(accept_header):
        return "html"
    named = _explicit(_accept(accept_header))
    best = max(named.values(), default=0)
    if best and any("json" in t for t, q in named.items() if q == best):
        return "json"
    return "text"


@dataclass(frozen=True)
class Operation:
    """One query operation as the protocol defines it."""

    query: str
    default_graphs: tuple = ()
    named_graphs: tuple = ()
    formats: tuple = ()

    @property
    def dataset_given(self):
        return bool(self.default_graphs or self.named_graphs)

    @property
    def digest(self):
        return query_digest(self.query)


def query_digest(text):
    """Return a short hash of a query text, for the request log."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_utf8(query_string):
    """Refuse a query string whose percent-escapes are not UTF-8 (as a POST body is refused)."""
    for pair in query_string.split(b"&"):
        try:
            unquote_to_bytes(pair.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as exc:
            name = pair.split(b"=", 1)[0].decode("ascii", "replace")
            raise ProtocolError(f"parameter {name}: not UTF-8 text at byte {exc.start} "
                                f"of its value ({exc.reason})") from None


def check_length(content_length, max_bytes):
    """Refuse a body that cannot hold a query under the limit, before reading it."""
    if content_length and content_length > 3 * max_bytes + 4096:  # form encoding triples at most
        raise QueryTooLarge(f"the request body is {content_length} bytes; a query may be at most "
                            f"{max_bytes} bytes")


def read_operation(method, mimetype, args, form, body, max_bytes):
    """Return the Operation a request carries, or None for a GET with no query at all.

    ``args`` and ``form`` are multi-dicts (``getlist``); ``body`` is the raw POST body.
    """
    mimetype = (mimetype or "").lower()
    if "update" in args or (method == "POST" and (mimetype == UPDATE_TYPE or "update" in form)):
        raise UpdateRefused("this endpoint is read-only: SPARQL Update is not accepted")
    params = [args]
    if method in ("GET", "HEAD"):
        queries = args.getlist("query")
        if not queries:
            return None
    elif mimetype == FORM_TYPE:
        params.append(form)
        queries = form.getlist("query") + args.getlist("query")
    elif mimetype == QUERY_TYPE:
        try:
            queries = [body.decode("utf-8")] + args.getlist("query")
        except UnicodeDecodeError as exc:
            raise ProtocolError(f"the query is not UTF-8 text: {exc}") from None
    else:
        raise ProtocolError(f"a query sent by POST needs the content type {FORM_TYPE} (query=...) "
                            f"or {QUERY_TYPE}, not {mimetype or 'none'!r}")
    if len(queries) != 1:
        raise ProtocolError(f"a request carries exactly one query; this one has {len(queries)}")
    query = queries[0]
    if len(query.encode("utf-8")) > max_bytes:
        raise QueryTooLarge(f"the query is {len(query.encode('utf-8'))} bytes; the limit is {max_bytes}")
    if not query.strip():
        raise ProtocolError("the query is empty")
    return Operation(query=query,
                     default_graphs=_graphs(params, "default-graph-uri"),
                     named_graphs=_graphs(params, "named-graph-uri"),
                     formats=tuple(v for p in params for v in p.getlist("format") if v))


def _graphs(params, name):
    values = [v for p in params for v in p.getlist(name)]
    for value in values:
        if not IRI_RE.match(value):
            raise ProtocolError(f"{name} {value!r} is not an absolute IRI")
    return tuple(dict.fromkeys(values))


def check_query(text, allowlist=(), max_nesting=100):
    """Read the query's text before the parser does; return its Shape or raise QueryRefused."""
    shape = querytext.read(text)
    if shape.depth > max_nesting:
        raise QueryRefused(f"the query nests brackets {shape.depth} deep; the limit is {max_nesting}")
    if shape.chain > MAX_CHAIN:
        raise QueryRefused(f"the query chains {shape.chain} operators and groups; the limit is "
                           f"{MAX_CHAIN}")
    if shape.updates:
        raise QueryRefused(f"{shape.updates[0]} is SPARQL Update; this endpoint is read-only")
    for endpoint in querytext.services(text):
        if endpoint not in allowlist:
            raise QueryRefused(f"SERVICE {endpoint or '(no endpoint)'} is not allowed: this endpoint "
                               "does not call other endpoints"
                               + (f" except {', '.join(allowlist)}" if allowlist else ""))
    return shape


class NotWritable(KBError):
    """An answer the asked format cannot hold (XML 1.0 has no control characters, RDF/XML no
    predicate whose IRI does not end in a name)."""

    status = 406


CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XML_NAME_END_RE = re.compile(r"[A-Za-z_][\w.-]*$")


def check_writable(answer, fmt):
    """Refuse to write what would not be well-formed XML, saying which format would do."""
    if fmt.name == "xml" and answer.form in ("SELECT", "ASK") and CONTROL_RE.search(
            (answer.body or answer.tsv or b"").decode("utf-8", "replace")):
        raise NotWritable("the answer holds control characters, which XML cannot carry; "
                          "ask for SPARQL JSON, CSV or TSV")
    if fmt.name == "rdfxml" and answer.form == "GRAPH":
        for triple in triples_of(answer):
            if not XML_NAME_END_RE.search(triple.predicate.value):
                raise NotWritable(f"the predicate <{triple.predicate.value}> does not end in a name, so "
                                  "RDF/XML cannot write it; ask for Turtle, N-Triples or JSON-LD")
            if CONTROL_RE.search(str(triple.object)):
                raise NotWritable("the graph holds control characters, which XML cannot carry; "
                                  "ask for Turtle, N-Triples or JSON-LD")


def serialize(answer, fmt):
    """Write an Answer in a Format with pyoxigraph's writers."""
    check_writable(answer, fmt)
    if answer.form == "SELECT":
        if answer.body is not None and answer.body_format == fmt.name:
            return answer.body
        if fmt.name == "tsv":
            return answer.tsv
        solutions = ox.parse_query_results(answer.tsv, ox.QueryResultsFormat.TSV)
        return solutions.serialize(format=fmt.writer)
    if answer.form == "ASK":
        text = json.dumps({"head": {}, "boolean": bool(answer.boolean)})
        boolean = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
        return boolean.serialize(format=fmt.writer)
    return formats.serialize_triples(triples_of(answer), fmt.name)


def triples_of(answer):
    """Return the triples of a CONSTRUCT or DESCRIBE Answer."""
    text = "".join(line + " .\n" for line in dict.fromkeys(answer.rows))
    return [quad.triple for quad in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)]


def rows_of(answer):
    """Return a SELECT Answer as Rows (plain values and pyoxigraph terms), for pages."""
    rows = rows_from(ox.parse_query_results(answer.tsv, ox.QueryResultsFormat.TSV))
    rows.truncated = answer.truncated
    return rows
