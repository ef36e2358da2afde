"""The researcher's SPARQL endpoint: /sparql (protocol, editor, service description) and VoID."""

import logging
import time

from flask import Blueprint, Response, current_app, g, render_template, request

from kb import sparql
from kb.errors import KBError
from kb.namespaces import ID, PREFIXES
from kb.service import QueryService, write_description

from .. import answers, links
from ..errors import error_response
from ..kbconn import get_kb

bp = Blueprint("sparql", __name__)
log = logging.getLogger("kb.sparql")
EXTENSION = "sparql"
EDITOR_PREFIXES = ("ev", "kb", "claim", "study", "cond", "design", "skos", "rdfs", "dcterms", "cito", "bibo")
EXPOSED = "X-Row-Limit, X-Truncated, X-Query-Seconds"
PAGES = {f"{ID}{kind}/": f"/{folder}/" for kind, folder in links.PAGE_FOLDERS.items()}  # for editor.js
DESCRIPTIONS = [("/sparql?format=turtle", "text/turtle", "Service description"),
                ("/.well-known/void", "text/turtle", "VoID")]


@bp.record_once
def _attach(state):
    """Give the app its query service; the worker processes start on the first query."""
    app = state.app
    app.extensions[EXTENSION] = QueryService.from_settings(app.config, app.extensions["kb"].catalogue)
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False  # waitress gives the root logger a handler later: log each line once


def get_service():
    """Return the app's QueryService."""
    return current_app.extensions[EXTENSION]


def client_gone():
    """Return the server's is-the-client-still-there check (waitress offers one), or None."""
    return request.environ.get("waitress.client_disconnected")


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    """Answer a SPARQL 1.1 Protocol query; with no query, the editor or the service description."""
    if request.method == "OPTIONS":
        return preflight()
    service = get_service()
    sparql.check_length(request.content_length, service.max_bytes)
    is_form = request.mimetype == sparql.FORM_TYPE
    body = request.get_data() if request.mimetype == sparql.QUERY_TYPE else b""
    operation = sparql.read_operation(request.method, request.mimetype, request.args,
                                      request.form if is_form else {}, body, service.max_bytes)
    accept = request.headers.get("Accept", "")
    if operation is None:
        wants_page = sparql.prefers_html(accept) and not request.args.getlist("format")
        return editor() if wants_page else description()
    g.query_digest = operation.digest
    if (not operation.formats and sparql.prefers_html(accept)) or "html" in operation.formats:
        return editor(operation)
    shape = service.check(operation)
    fmt = sparql.negotiate(shape.form or "SELECT", accept, operation.formats)
    direct = fmt.name if fmt.kind == "results" else None
    answer = service.run(operation, shape, cancelled=client_gone(), fmt=direct)
    if (answer.form == "GRAPH") != (fmt.kind == "graph"):  # the text misled the form guess
        fmt = sparql.negotiate(answer.form, accept, operation.formats)
    return answer_response(answer, fmt, service.row_limit)


def answer_response(answer, fmt, row_limit):
    """Return a finished answer with its status known: never a 200 that breaks off half-way."""
    response = Response(sparql.serialize(answer, fmt), content_type=fmt.content_type)
    response.vary.add("Accept")
    response.headers["X-Row-Limit"] = str(row_limit)
    response.headers["X-Query-Seconds"] = f"{answer.seconds:g}"
    if answer.truncated:
        response.headers["X-Truncated"] = "true"
    return response


def editor(operation=None):
    """Render the query editor; with a query, run it and show its answer as a table."""
    data, status = editor_data(operation)
    alternates = [(href, media_type, label) for label, href, _, media_type in data["downloads"]]
    alternates = alternates or DESCRIPTIONS
    html = render_template("sparql.html", title="SPARQL endpoint", alternates=alternates, **data)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media_type}"'
                                         for href, media_type, _ in alternates)
    return response


def editor_data(operation):
    """Build the editor page's data and status; with a query, its answer or its error."""
    service, status = get_service(), 200
    data = {"query": operation.query if operation else default_query(), "result": None, "error": None,
            "downloads": [], "row_limit": service.row_limit, "timeout": service.timeout,
            "max_bytes": service.max_bytes, "examples": examples(), "prefixes": PREFIXES,
            "formats": [*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS], "pages": PAGES,
            "format_names": {"results": [[f.name, f.label] for f in sparql.RESULT_FORMATS],
                             "graph": [[f.name, f.label] for f in sparql.GRAPH_FORMATS]}}
    if operation:
        try:
            answer = service.run(operation, cancelled=client_gone())
        except KBError as exc:
            data["error"], status = str(exc), exc.status
        else:
            data["result"] = answers.table(answer)
            data["downloads"] = answers.download_links(operation.query, answer.form)
    return data, status


def default_query():
    """Return the editor's starting text: the KB's prefixes and a first question."""
    lines = [f"PREFIX {p}: <{PREFIXES[p]}>" for p in EDITOR_PREFIXES]
    return "\n".join(lines) + ("\n\nSELECT ?condition ?label (COUNT(?claim) AS ?claims) WHERE {\n"
                               "  ?condition a ev:Condition ; skos:prefLabel ?label .\n"
                               "  OPTIONAL { ?claim ev:condition ?condition }\n"
                               "} GROUP BY ?condition ?label ORDER BY DESC(?claims) ?label\n")


def examples():
    """Return the catalogue's questions, to open in the editor."""
    return [{"name": q.name, "title": q.title, "question": q.question, "text": q.text}
            for q in get_kb().catalogue.all(role="question")]


def endpoint_urls():
    """Return this endpoint's URL and the IRI of the dataset it serves, as clients reach them."""
    root = request.url_root.rstrip("/")
    return root + "/sparql", root + "/.well-known/void#dataset"


def description():
    """Return the SPARQL 1.1 Service Description (Turtle, JSON-LD ... by Accept or ?format=)."""
    url, dataset = endpoint_urls()
    return describing(get_service().description(url, dataset))


@bp.get("/.well-known/void")
def void():
    """Return the VoID description: counts of triples, classes and properties, example resources."""
    url, dataset = endpoint_urls()
    return describing(get_service().void(dataset, url))


def describing(triples):
    """Answer with a description in the negotiated RDF format; a browser reads it as Turtle text."""
    accept, formats = request.headers.get("Accept", ""), request.args.getlist("format")
    if sparql.prefers_html(accept) and not formats:
        fmt, content_type = sparql.GRAPH_FORMATS[0], "text/plain; charset=utf-8"
    else:
        fmt = sparql.negotiate("GRAPH", accept, formats)
        content_type = fmt.content_type
    response = Response(write_description(triples, fmt), content_type=content_type)
    response.vary.add("Accept")
    return response


def preflight():
    """Answer a CORS preflight: any origin may query, by GET or POST, with any headers it asks."""
    requested = request.headers.get("Access-Control-Request-Headers", "Accept, Content-Type")
    return Response(status=204, headers={
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": requested,
        "Access-Control-Max-Age": "86400"})


@bp.errorhandler(KBError)
def endpoint_error(exc):
    """Write an error the way this client reads answers: JSON, a page, or plain text."""
    style = sparql.error_style(request.headers.get("Accept", ""))
    if style == "json":
        body = {"ok": False, "error": str(exc), "status": exc.status}
        if isinstance(exc, sparql.NotAcceptable):
            body["offered"] = exc.offered
        return body, exc.status
    if style == "html":
        return error_response(exc.status, str(exc))
    return Response(f"{exc.status} {exc}\n", status=exc.status, content_type="text/plain; charset=utf-8")


@bp.before_request
def start_clock():
    """Note when the request began, for the log."""
    g.sparql_started = time.perf_counter()


def log_request(response):
    """Log one request: method, path, status, duration and the hash of its query."""
    seconds = time.perf_counter() - g.get("sparql_started", time.perf_counter())
    log.info("%s %s %s %.1fms query=%s", request.method, request.path, response.status_code,
             seconds * 1000, g.get("query_digest", "-"))
    return response


@bp.after_request
def _cors_and_log(response):
    """Let pages on any site read the answers (YASGUI), and log each request."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return log_request(response)
