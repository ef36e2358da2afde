"""Linked Data: every IRI the KB mints dereferences here; the whole KB is downloadable."""

from flask import Blueprint, abort, redirect, url_for

from kb.interchange import downloads

from .. import links
from ..negotiation import resource_choice, split_extension
from ..render import build_file, page, rdf
from ..services import get_kb

bp = Blueprint("linked_data", __name__)

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
    """Offer the files the build wrote: the whole KB in each RDF format, and the exports."""
    kb = get_kb()
    manifest = downloads.read_manifest(kb.store)
    files = [{"format": f["label"], "href": url_for("linked_data.download_file", name=f["name"]),
              "holds": f["holds"], "media_type": f["media_type"], "bytes": f["bytes"], "sha256": f["sha256"]}
             for f in manifest["files"] if f["kind"] == "rdf"]
    exported = [{"format": f["format"], "name": f["name"], "media_type": f["media_type"], "holds": f["holds"],
                 "href": url_for("linked_data.download_file", name=f["name"]), "bytes": f["bytes"],
                 "sha256": f["sha256"]} for f in manifest["files"] if f["kind"] == "export"]
    data = {"build": manifest["build"], "files": files, "exports": exported, "stats": kb.stats()}
    return page("download.html", data, title="Download the knowledge base")


@bp.get("/download/<name>")
def download_file(name):
    """Send one file the build wrote, streamed from disk."""
    return build_file(get_kb().store, name)
