"""One error shape: JSON {"ok": false, "error", "status"}, the error.html page, or plain text.

Which one a client gets is chosen here alone: a CSV twin's error is text; a SPARQL client's
error is written the way it reads answers (kb/sparql/protocol.py); a browser gets the page and
a JSON client the JSON. An error handler never runs a query.
"""

import re
import sqlite3

from flask import Response, render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from kb import formats
from kb.errors import KBError
from kb.sparql import protocol

from . import links
from .negotiation import wants_json
from .services import get_kb

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
          413: "Query too large", 422: "Invalid data", 500: "Server error", 503: "Unavailable"}
PROTOCOL_PATHS = ("/sparql", "/.well-known/void")


def style():
    """Return how this request's client reads an error: 'json', 'html' or 'text'."""
    if request.path.endswith(".csv"):
        return "text"
    if request.path.startswith(PROTOCOL_PATHS):
        return protocol.error_style(request.headers.get("Accept", ""))
    return "json" if wants_json() else "html"


def error_response(status, message, extra=None):
    """Render an error in the one shape, the way the client reads it."""
    chosen = style()
    if chosen == "json":
        return {"ok": False, "error": message, "status": status, **(extra or {})}, status
    if chosen == "text":
        return Response(f"{status} {message}\n", status=status,
                        content_type=f"{formats.TEXT}; charset=utf-8")
    title = f"{status} {TITLES.get(status, 'Error')}"
    words = guess_words(request.path)
    return render_template("error.html", title=title, status=status, heading=title, message=message,
                           words=words, suggestions=suggestions(words) if status == 404 else [],
                           kinds=links.PAGE_FOLDERS), status


def suggestions(words):
    """Return pages whose words match the address's, from the search index (no SPARQL query)."""
    try:
        found = get_kb().search_index().suggest(words)
    except (KBError, OSError, sqlite3.Error):
        return []
    pages = [{**hit, "page": links.page_url(hit["item"])} for hit in found]
    return [hit for hit in pages if hit["page"]]


def guess_words(path):
    """Return the words of the last part of a path: '/id/claim/crps-weeks.ttl' -> 'crps weeks'."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(json|ttl|jsonld|nt|rdf)$", "", last)
    return re.sub(r"[-_.+%]+", " ", last).strip()[:100]


def init_app(app):
    """Map the KB's exceptions and HTTP errors to the one error shape."""

    @app.errorhandler(KBError)
    def kb_error(exc):
        offered = getattr(exc, "offered", None)
        response = app.make_response(error_response(exc.status, str(exc),
                                                    {"offered": offered} if offered else None))
        if getattr(exc, "retry_after", None):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 404:
            message = f"Nothing is published at {request.path}."
            if exc.description != NotFound.description:
                message = f"{message} {exc.description}"
            return error_response(404, message)
        if exc.code == 500:
            return error_response(500, "Something went wrong on our side; the error was logged.")
        return error_response(exc.code, exc.description)
