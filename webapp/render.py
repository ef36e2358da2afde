"""Render one page's data as HTML or as its JSON twin, and a resource's RDF."""

import re

from flask import Response, make_response, render_template, request
from markupsafe import Markup, escape

from kb.knowledge import serialize_triples

from . import links
from .negotiation import MEDIA_TYPES, RDF_EXTENSIONS, wants_json


def json_twin():
    """Return the path of the current page's JSON twin, keeping its query string."""
    path = "/index.json" if request.path == "/" else request.path + ".json"
    query = request.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def resource_alternates(iri):
    """Return the (href, media type, label) of every RDF representation of a KB IRI."""
    return [(links.data_url(iri, ext), MEDIA_TYPES[ext], label)
            for ext, (_, label) in RDF_EXTENSIONS.items()]


def page(template, data, title, resource=None, view=None):
    """Return the page data as JSON for JSON clients, else the rendered template.

    ``data`` is all the JSON twin holds; ``view`` adds what only the HTML needs (layout).
    ``resource`` is the IRI the page is about, whose RDF the page advertises too.
    """
    twin = json_twin()
    alternates = [(twin, "application/json", "JSON")]
    if resource:
        alternates += resource_alternates(resource)
    if wants_json():
        response = make_response({"ok": True, **data})
    else:
        html = render_template(template, title=title, alternates=alternates, json_path=twin,
                               resource=resource, **data, **(view or {}))
        response = make_response(html)
    response.vary.add("Accept")
    response.headers["Link"] = ", ".join(f'<{href}>; rel="alternate"; type="{media_type}"'
                                         for href, media_type, _ in alternates)
    return response


def rdf(triples, ext, iri):
    """Return triples serialized in the format an RDF extension names, linking the HTML page."""
    name, _ = RDF_EXTENSIONS[ext]
    response = Response(serialize_triples(triples, name), mimetype=MEDIA_TYPES[ext])
    response.vary.add("Accept")
    page_path = links.page_url(iri)
    if page_path:
        response.headers["Link"] = f'<{page_path}>; rel="alternate"; type="text/html"'
    return response


def highlight(text, needle):
    """Escape text and mark each case-insensitive occurrence of needle."""
    text = "" if text is None else str(text)
    if not needle:
        return escape(text)
    parts = re.split(f"({re.escape(needle)})", text, flags=re.IGNORECASE)
    return Markup("").join(Markup("<mark>{}</mark>").format(p) if i % 2 else escape(p)
                           for i, p in enumerate(parts))
