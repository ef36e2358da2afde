"""The researcher's SPARQL endpoint: /sparql (protocol, editor, service description) and VoID."""

from flask import Blueprint, Response, g, render_template, request

from kb import formats
from kb.errors import KBError
from kb.namespaces import ID, PREFIXES
from kb.sparql import protocol as sparql
from kb.sparql.service import write_description

from .. import answers, links
from ..services import admitted, client_gone, get_kb, get_service

bp = Blueprint("sparql", __name__)
EDITOR_PREFIXES = ("ev", "kb", "claim", "study", "cond", "design", "skos", "rdfs", "dcterms", "cito", "bibo")
EXPOSED = "X-Row-Limit, X-Truncated, X-Query-Seconds"
PAGES = {f"{ID}{kind}/": f"/{folder}/" for kind, folder in links.PAGE_FOLDERS.items()}  # for sparql-editor.js
DESCRIPTIONS = [("/sparql?format=turtle", formats.RDF["turtle"].media_type, "Service description"),
                ("/.well-known/void", formats.RDF["turtle"].media_type, "VoID")]


@bp.route("/sparql", methods=["GET", "POST", "OPTIONS"])
def endpoint():
    """Answer a SPARQL 1.1 Protocol query; with no query, the editor or the service description."""
    if request.method == "OPTIONS":
        return preflight()
    service = get_service()
    sparql.check_utf8(request.query_string)
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
    direct = fmt.name if fmt.kind == "results" else None  # a SELECT written straight in its format
    with admitted():
        answer = service.run(operation, shape, cancelled=client_gone(), fmt=direct, base=request.base_url)
    if (answer.form == "GRAPH") != (fmt.kind != "results"):  # the text misled the form guess
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
    response = Response(html, status=status, content_type=f"{formats.HTML}; charset=utf-8")
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media_type}"'
                                         for href, media_type, _ in alternates)
    return response


def editor_data(operation):
    """Build the editor page's data and status; with a query, its answer or its error."""
    service, status = get_service(), 200
    data = {"query": operation.query if operation else default_query(), "result": None, "error": None,
            "downloads": [], "row_limit": service.row_limit, "timeout": service.timeout,
            "answer_mb": service.answer_mb,
            "max_bytes": service.max_bytes, "examples": examples(),
            "formats": [*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS],
            "editor_config": editor_config()}
    if operation:
        try:
            with admitted():
                answer = service.run(operation, cancelled=client_gone(), base=request.base_url)
        except KBError as exc:
            data["error"], status = str(exc), exc.status
        else:
            data["result"] = answers.table(answer)
            data["downloads"] = answers.download_links(operation.query, answer.form)
    return data, status


def editor_config():
    """Return what the YASGUI editor needs to work on this endpoint alone (sparql-editor.js)."""
    return {"endpoint": endpoint_urls()[0], "query": default_query(), "prefixes": PREFIXES, "pages": PAGES,
            **get_service().vocabulary(),
            "formats": {"results": [[f.name, f.label] for f in sparql.RESULT_FORMATS],
                        "graph": [[f.name, f.label] for f in sparql.GRAPH_FORMATS]}}


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
    accept, asked = request.headers.get("Accept", ""), request.args.getlist("format")
    if sparql.prefers_html(accept) and not asked:
        fmt, content_type = sparql.GRAPH_FORMATS[0], f"{formats.TEXT}; charset=utf-8"
    else:
        fmt = sparql.negotiate("GRAPH", accept, asked)
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


@bp.after_request
def _cors(response):
    """Let pages on any site read the answers (YASGUI)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = EXPOSED
    return response
