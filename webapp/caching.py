"""Conditional GET: a page's ETag names the store build it came from, so an unchanged page
costs a 304 and no query at all until the next `kb build`."""

import hashlib

from flask import request

from kb.errors import KBError

from .services import get_kb

# The SPARQL endpoint answers arbitrary queries with its own limits and logging; it is not cached.
UNCACHED_PREFIXES = ("/sparql",)


def page_etag():
    """Return the ETag of the current GET: the build id, the URL and the Accept header."""
    key = "\n".join((get_kb().build_id, request.full_path, request.headers.get("Accept", "")))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def cacheable():
    return request.method in ("GET", "HEAD") and not request.path.startswith(UNCACHED_PREFIXES)


def init_app(app):
    """Answer If-None-Match before any query runs; tag every cacheable 200 with its ETag."""

    @app.before_request
    def not_modified():
        if not cacheable() or not request.if_none_match:
            return None
        try:
            etag = page_etag()
        except KBError:
            return None  # let the view report the store's error
        if request.if_none_match.contains(etag):
            response = app.response_class(status=304)
            response.set_etag(etag)
            response.vary.add("Accept")
            return response
        return None

    @app.after_request
    def tag(response):
        if cacheable() and response.status_code == 200 and not response.get_etag()[0]:
            try:
                response.set_etag(page_etag())
            except KBError:
                return response
            response.headers.setdefault("Cache-Control", "no-cache")
        return response
