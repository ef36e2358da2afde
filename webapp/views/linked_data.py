"""Linked Data: every IRI the KB mints dereferences here; the whole KB is downloadable."""

from flask import Blueprint, Response, abort, redirect

from kb.results import RDF_FORMATS

from .. import links
from ..kbconn import get_kb
from ..negotiation import resource_choice, split_extension
from ..render import page, rdf

bp = Blueprint("linked_data", __name__)

# Extension -> (kb export format, label, what it holds), offered on /download.
DOWNLOADS = {
    "ttl": ("turtle", "Turtle", "every statement, named graphs merged"),
    "nt": ("nt", "N-Triples", "every statement, one per line"),
    "jsonld": ("jsonld", "JSON-LD", "every statement as JSON"),
    "rdf": ("rdfxml", "RDF/XML", "every statement as XML"),
    "nq": ("nq", "N-Quads", "every statement with its named graph (its source file)"),
    "trig": ("trig", "TriG", "the named graphs, one per source file"),
}
DOWNLOAD_NAME = "ketamine-kb"


@bp.get("/id/<kind>/<name>")
def resource(kind, name):
    """Answer a KB IRI: 303 to its page for browsers, its RDF (CBD) for RDF clients."""
    slug, ext = split_extension(name)
    if kind not in links.PAGE_FOLDERS:
        abort(404, f"The KB mints no IRIs of kind “{kind}”.")
    iri = links.iri_or_404(kind, slug)
    triples = get_kb().describe(iri) or abort(404, f"The KB has no {kind} called “{slug}” ({iri}).")
    choice = resource_choice(ext)
    if choice is None:
        abort(406, "This resource is offered as HTML, Turtle, JSON-LD, N-Triples and RDF/XML.")
    if choice == "html":
        response = redirect(links.page_url(iri), code=303)
        response.vary.add("Accept")
        return response
    return rdf(triples, choice, iri)


@bp.get("/download")
@bp.get("/download.json")
def download():
    """Offer the whole KB in each RDF format, and the citation and spreadsheet exports."""
    kb = get_kb()
    files = [{"format": label, "href": f"/download/{DOWNLOAD_NAME}.{ext}", "holds": holds,
              "media_type": RDF_FORMATS[name].media_type}
             for ext, (name, label, holds) in DOWNLOADS.items()]
    data = {"files": files, "exports": kb.export_catalogue(), "stats": kb.stats()}
    return page("download.html", data, title="Download the knowledge base")


@bp.get(f"/download/{DOWNLOAD_NAME}.<ext>")
def download_file(ext):
    """Send the whole KB in one RDF format as a file."""
    if ext not in DOWNLOADS:
        abort(404)
    name = DOWNLOADS[ext][0]
    response = Response(get_kb().export(name), mimetype=RDF_FORMATS[name].media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{DOWNLOAD_NAME}.{ext}"'
    return response
