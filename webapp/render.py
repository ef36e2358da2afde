"""Render one page's data as HTML or as its JSON twin, and a resource's RDF."""

from urllib.parse import urlencode

from flask import Response, abort, make_response, render_template, request, send_file

from kb import formats
from kb.interchange import downloads

from . import links
from .negotiation import twin_path, wants_json


def json_twin():
    """Return the path of the current page's JSON twin, keeping its parameters (re-encoded, so
    that nothing a client sent reaches a header as it was written)."""
    path = twin_path(request.path)
    query = urlencode(list(request.args.items(multi=True)))
    return f"{path}?{query}" if query else path


def resource_alternates(iri):
    """Return the (href, media type, label) of every RDF representation of a KB IRI."""
    return [(links.data_url(iri, ext), fmt.media_type, fmt.label)
            for ext, fmt in formats.RESOURCE_EXTENSIONS.items()]


def page(template, data, title, resource=None, view=None):
    """Return the page data as JSON for JSON clients, else the rendered template.

    ``data`` is all the JSON twin holds; ``view`` adds what only the HTML needs (layout).
    ``resource`` is the IRI the page is about, whose RDF the page advertises too.
    """
    twin = json_twin()
    alternates = [(twin, formats.JSON, "JSON")]
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


def build_file(store, name, attachment=True):
    """Send one file the build wrote (kb/interchange/downloads.py), streamed from disk, with its
    checksum as the ETag."""
    path = downloads.path_of(store, name) or abort(404)
    # A build older than the file's name (the manifest lists what the build wrote) has none.
    written = {f["name"]: f for f in downloads.read_manifest(store)["files"]}
    entry = written.get(name) or abort(404)
    # Absolute: Flask reads a relative path from the app's package, not from where kb serve runs.
    return send_file(path.resolve(), mimetype=entry["media_type"], as_attachment=attachment,
                     download_name=name, etag=entry["sha256"], conditional=True)


def rdf(triples, ext, iri):
    """Return triples serialized in the format an RDF extension names, linking the HTML page."""
    fmt = formats.RESOURCE_EXTENSIONS[ext]
    response = Response(formats.serialize_triples(triples, fmt.name), mimetype=fmt.media_type)
    response.vary.add("Accept")
    page_path = links.page_url(iri)
    if page_path:
        response.headers["Link"] = f'<{page_path}>; rel="alternate"; type="{formats.HTML}"'
    return response
