"""The catalogue of named questions: /queries/, /queries/NAME and its .json and .csv twins."""

from urllib.parse import urlencode

from flask import Blueprint, Response, g, request

from kb.errors import InvalidParameter
from kb.sparql import protocol as sparql

from .. import answers
from ..render import page
from ..services import client_gone, get_kb, get_service

bp = Blueprint("queries", __name__)
ROLES = (("question", "Questions"), ("check", "Data-quality checks (each must return no rows)"),
         ("construct", "Rules that derive triples at build time"))
TWINS = ("json", "csv")


def describe(query):
    """Return what the catalogue says about a query, as plain data."""
    return {"name": query.name, "title": query.title, "question": query.question,
            "audience": query.audience, "role": query.role, "form": query.form,
            "columns": list(query.columns), "page": f"/queries/{query.name}",
            "params": [{"name": p.name, "kind": p.kind, "optional": p.optional, "help": p.help}
                       for p in query.params]}


@bp.get("/queries/.json")
@bp.get("/queries/")
@bp.get("/queries.json")
def catalogue():
    """List every named query, questions first, with who asks it and its parameters."""
    queries = [describe(q) for q in get_kb().catalogue.all()]
    data = {"queries": queries}
    view = {"sections": [(label, [q for q in queries if q["role"] == role]) for role, label in ROLES]}
    return page("queries.html", data, title="Query catalogue", view=view)


@bp.get("/queries/<name>")
def named(name):
    """Show a named query: its question, its SPARQL, its answer, and a link to the editor."""
    stem, twin = split_twin(name)
    query = get_kb().catalogue.get(stem)
    params = {k: v for k, v in request.args.items() if v.strip()}
    g.query_digest = sparql.query_digest(query.text + "\n" + urlencode(sorted(params.items())))
    if twin == "csv":
        return csv_twin(query, params)
    missing = [p.name for p in query.params if not p.optional and p.name not in params]
    data = {"query": {**describe(query), "text": query.text}, "params": params, "missing": missing,
            "answer": None}
    view = {"result": None, "error": None, "row_limit": get_service().row_limit,
            "editor": "/sparql?" + urlencode({"query": query.text}),
            "twins": {t: f"/queries/{stem}.{t}" + (f"?{urlencode(params)}" if params else "") for t in TWINS}}
    if missing:  # the page (and its JSON twin) ask for the parameters before running anything
        return page("query.html", data, title=query.title, view=view)
    try:
        answer = get_service().run_named(query, params, cancelled=client_gone())
    except InvalidParameter as exc:
        if twin:
            raise
        view["error"] = str(exc)
        return page("query.html", data, title=query.title, view=view), exc.status
    data["answer"] = {**answers.plain(answer), "truncated": answer.truncated, "seconds": answer.seconds}
    view["result"] = answers.table(answer)
    return page("query.html", data, title=query.title, view=view)


def split_twin(name):
    """Split 'NAME.json' into ('NAME', 'json'); a name without a twin's extension keeps it."""
    for ext in TWINS:
        if name.endswith("." + ext):
            return name[: -len(ext) - 1], ext
    return name, None


def csv_twin(query, params):
    """Answer a named SELECT or ASK query as SPARQL CSV, its parameters bound from the URL."""
    if query.form not in ("SELECT", "ASK"):
        raise sparql.NotAcceptable(f"{query.name} is a {query.form} query: it has no CSV answer",
                                   sparql.GRAPH_FORMATS)
    answer = get_service().run_named(query, params, cancelled=client_gone())
    fmt = next(f for f in sparql.RESULT_FORMATS if f.name == "csv")
    response = Response(sparql.serialize(answer, fmt), content_type=fmt.content_type)
    response.headers["X-Row-Limit"] = str(get_service().row_limit)
    if answer.truncated:
        response.headers["X-Truncated"] = "true"
    return response


@bp.after_request
def _cors(response):
    """Let pages on any site read the catalogue's answers too."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
