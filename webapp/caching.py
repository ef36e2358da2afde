"""Pages of a build, kept: a page's ETag names the store build it came from, so an unchanged page
costs a 304 and no query at all until the next `kb build`; and a page rendered once for a build is
kept (least recently used out) and sent again without running its queries, since a build never
changes after it is swapped in."""

import hashlib

from flask import request

from kb.errors import KBError
from kb.lru import LeastRecentlyUsed

from .services import get_kb

# The SPARQL endpoint answers arbitrary queries with its own limits and logging; it is not cached.
# Downloads are files already.
UNCACHED_PREFIXES = ("/sparql", "/download/")
PAGES_KEPT = 512
LARGEST_KEPT = 1 << 20  # bytes: a larger page is rendered each time rather than kept


def page_etag():
    """Return the ETag of the current GET: the build id, the URL and the Accept header."""
    key = "\n".join((get_kb().build_id, request.full_path, request.headers.get("Accept", "")))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def cacheable():
    return request.method in ("GET", "HEAD") and not request.path.startswith(UNCACHED_PREFIXES)


def init_app(app):
    """Answer If-None-Match before any query runs, send a kept page, tag and keep every 200."""
    kept = LeastRecentlyUsed(PAGES_KEPT)  # rendered pages by ETag and accepted encoding

    def key_of(etag):
        return etag, request.headers.get("Accept-Encoding", "")

    @app.before_request
    def from_the_build():
        if not cacheable():
            return None
        try:
            etag = page_etag()
        except KBError:
            return None  # let the view report the store's error
        if request.if_none_match and request.if_none_match.contains(etag):
            response = app.response_class(status=304)
            response.set_etag(etag)
            response.vary.add("Accept")
            return response
        found = kept.get(key_of(etag))
        if found is not None:
            body, status, headers = found
            return app.response_class(body, status=status, headers=headers)
        return None

    @app.after_request
    def tag(response):
        if cacheable() and response.status_code == 200 and not response.get_etag()[0]:
            try:
                etag = page_etag()
            except KBError:
                return response
            response.set_etag(etag)
            response.headers.setdefault("Cache-Control", "no-cache")
            if not response.is_streamed and response.content_length is not None \
                    and response.content_length <= LARGEST_KEPT and request.method == "GET":
                kept.put(key_of(etag), (response.get_data(), response.status_code, list(response.headers)))
        return response
