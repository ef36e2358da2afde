"""One error shape: JSON {"ok": false, "error", "status"} or the error.html page."""

from flask import render_template, request
from werkzeug.exceptions import HTTPException

from kb.errors import KBError

from .negotiation import wants_json


def error_response(status, message):
    """Render an error as JSON for JSON clients, as a page for browsers."""
    if wants_json():
        return {"ok": False, "error": message, "status": status}, status
    return render_template("error.html", status=status, message=message), status


def init_app(app):
    """Map the KB's exceptions and HTTP errors to the one error shape."""

    @app.errorhandler(KBError)
    def kb_error(exc):
        return error_response(exc.status, str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc):
        if exc.code == 404:
            message = f"Nothing is published at {request.path}."
        else:
            message = exc.description
        response = error_response(exc.code, message)
        return response
