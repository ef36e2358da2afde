"""One error shape: JSON {"ok": false, "error", "status"} or the error.html page."""

import re

from flask import render_template, request
from werkzeug.exceptions import HTTPException, NotFound

from kb.errors import KBError

from . import links
from .kbconn import get_kb
from .negotiation import wants_json

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable",
          413: "Query too large", 422: "Invalid data", 500: "Server error", 503: "Unavailable"}


def error_response(status, message, suggestions=()):
    """Render an error as JSON for JSON clients, as a page for browsers."""
    if wants_json():
        return {"ok": False, "error": message, "status": status}, status
    title = f"{status} {TITLES.get(status, 'Error')}"
    return render_template("error.html", title=title, status=status, heading=title,
                           message=message, suggestions=suggestions,
                           kinds=links.PAGE_FOLDERS), status


def guess_words(path):
    """Return the words of the last part of a path: '/id/claim/crps-weeks.ttl' -> 'crps weeks'."""
    last = path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(json|ttl|jsonld|nt|rdf)$", "", last)
    return re.sub(r"[-_.+%]+", " ", last).strip()[:100]


def suggestions_for(path):
    """Return a few pages whose names match the words of a path that was not found."""
    words = guess_words(path)
    candidates = [words] + sorted((w for w in words.split() if len(w) >= 3), key=len, reverse=True)
    for phrase in dict.fromkeys(c for c in candidates if c):
        try:
            rows = get_kb().rows("search", q=phrase)
        except KBError:
            return []
        hits = [{"label": r["label"], "kind": r["kind"], "page": links.page_url(r["item"])}
                for r in rows if links.page_url(r["item"])]
        if hits:
            return hits[:8]
    return []


def init_app(app):
    """Map the KB's exceptions and HTTP errors to the one error shape."""

    @app.errorhandler(KBError)
    def kb_error(exc):
        return error_response(exc.status, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 404:
            message = f"Nothing is published at {request.path}."
            if exc.description != NotFound.description:
                message = f"{message} {exc.description}"
            return error_response(404, message, suggestions_for(request.path))
        if exc.code == 500:
            return error_response(500, "Something went wrong on our side; the error was logged.")
        return error_response(exc.code, exc.description)
