"""Content negotiation: which representation a request asks for."""

from flask import request

HTML = "text/html"
JSON = "application/json"


def wants_json():
    """True when the URL ends in .json or the client prefers JSON to HTML."""
    if request.path.endswith(".json"):
        return True
    accept = request.accept_mimetypes
    return accept.best_match([HTML, JSON], default=HTML) == JSON and accept[JSON] > accept[HTML]
