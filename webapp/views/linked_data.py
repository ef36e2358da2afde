"""Linked Data: every IRI the KB mints dereferences here; the whole KB is downloadable."""

from flask import Blueprint, Response, abort, redirect

from kb import formats
from kb.interchange import exports

from .. import links
from ..negotiation import resource_choice, split_extension
from ..render import page, rdf
from ..services import get_kb

bp = Blueprint("linked_data", __name__)

# What the whole KB in each RDF format holds, offered on /download in this order.
HOLDS = {
    "turtle": "every statement, named graphs merged",
    "nt": "every statement, one per line",
    "jsonld": "every statement as JSON",
    "rdfxml": "every statement as XML",
    "nq": "every statement with its named graph (its source file)",
    "trig": "the named graphs, one per source file",
}
DOWNLOAD_NAME = "ketamine-kb"


@bp.get("/id/<kind>/<name>")
def resource(kind, name):
    """Answer a KB IRI: 303 to its page for browsers, its RDF (CBD) for RDF clients."""
    slug, ext = split_extension(name)
    if kind not in links.PAGE_FOLDERS:
        abort(404, f"The KB mints no IRIs of kind “{kind}”.")
    return describe(links.iri_or_404(kind, slug), ext, f"{kind} called “{slug}”")


@bp.get("/id/<kind>/<slug>/<part>/<name>")
def resource_part(kind, slug, part, name):
    """Answer the IRI of a part of a resource (a claim's level assessment) the same way."""
    name, ext = split_extension(name)
    iri = f"{links.iri_or_404(kind, slug)}/{part}/{name}"
    if not links.parse_part(iri):
        abort(404, f"The KB mints no IRIs of the form {kind}/SLUG/{part}/NAME.")
    return describe(iri, ext, f"{part} “{name}” of {kind} “{slug}”")


def describe(iri, ext, what):
    """Return the resource's RDF in the negotiated format, or 303 to its page for a browser."""
    triples = get_kb().describe(iri) or abort(404, f"The KB has no {what} ({iri}).")
    choice = resource_choice(ext)
    if choice is None:
        abort(406, "This resource is offered as HTML, Turtle, JSON-LD, N-Triples and RDF/XML.")
    if choice == "html":
        response = redirect(links.page_url(iri), code=303)
        response.vary.add("Accept")
        return response
    return rdf(triples, choice, iri)


@bp.get("/download.json")
@bp.get("/download")
def download():
    """Offer the whole KB in each RDF format, and the citation and spreadsheet exports."""
    kb = get_kb()
    files = [{"format": fmt.label, "href": f"/download/{DOWNLOAD_NAME}.{fmt.extension}",
              "holds": holds, "media_type": fmt.media_type}
             for fmt, holds in ((formats.RDF[name], holds) for name, holds in HOLDS.items())]
    data = {"files": files, "exports": exports.catalogue(kb), "stats": kb.stats()}
    return page("download.html", data, title="Download the knowledge base")


@bp.get(f"/download/{DOWNLOAD_NAME}.<ext>")
def download_file(ext):
    """Send the whole KB in one RDF format as a file."""
    fmt = formats.DOWNLOAD_EXTENSIONS.get(ext) or abort(404)
    response = Response(get_kb().export(fmt.name), mimetype=fmt.media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}.{ext}"'
    return response
