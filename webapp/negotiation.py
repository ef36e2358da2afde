"""Content negotiation: which representation a request asks for."""

from flask import request

from kb.formats import HTML, JSON, RESOURCE_EXTENSIONS, XHTML

MEDIA_TYPES = {ext: fmt.media_type for ext, fmt in RESOURCE_EXTENSIONS.items()}


def wants_json():
    """True when the URL ends in .json or the client prefers JSON to HTML."""
    if request.path.endswith(".json"):
        return True
    accept = request.accept_mimetypes
    return accept.best_match([HTML, JSON], default=HTML) == JSON and accept[JSON] > accept[HTML]


def twin_path(path):
    """Return the path of a page's JSON twin ("/" has /index.json; a twin is its own)."""
    if path.endswith(".json"):
        return path
    return "/index.json" if path == "/" else path + ".json"


def split_extension(name):
    """Split 'slug.ttl' into ('slug', 'ttl'); a name without a known RDF extension keeps it."""
    stem, dot, ext = name.rpartition(".")
    if dot and ext in RESOURCE_EXTENSIONS:
        return stem, ext
    return name, None


def resource_choice(ext=None):
    """Return 'html', an RDF extension (ttl, jsonld, nt, rdf), or None when nothing offered fits.

    An extension wins over Accept. Browsers (and */*) get HTML; a client asking for plain
    JSON gets JSON-LD, the JSON that carries the RDF.
    """
    if ext:
        return ext
    if not request.accept_mimetypes:
        return "html"  # no Accept header: anything will do, and a person is the likelier reader
    offers = [HTML, XHTML, *MEDIA_TYPES.values(), JSON]
    best = request.accept_mimetypes.best_match(offers)
    if best in (HTML, XHTML):
        return "html"
    if best == JSON:
        return "jsonld"
    for ext_name, media_type in MEDIA_TYPES.items():
        if best == media_type:
            return ext_name
    return None
