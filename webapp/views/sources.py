"""Source pages: each article with its claims in reading order and its fidelity counts."""

from flask import Blueprint, abort

from .. import evidence, links, paging
from ..render import page
from ..services import get_kb

bp = Blueprint("sources", __name__)


@bp.get("/sources.json")
@bp.get("/sources")
def all_sources():
    """List the source documents with their fidelity counts."""
    sources = [evidence.source_entry(r) for r in get_kb().rows("source")]
    return page("sources.html", {"sources": sources}, title="Source documents")


@bp.get("/sources/<slug>.json")
@bp.get("/sources/<slug>")
def source(slug):
    """Show an article's claims in reading order, each marked with its verdict, 50 a page."""
    kb, number = get_kb(), paging.page_number()
    iri = links.iri_or_404("source", slug)
    row = kb.first("source", source=iri) or abort(404)
    info = paging.info(number, row["claims"])
    data = {"source": evidence.source_entry(row), "paging": info,
            "claims": evidence.claim_cards(kb, source=iri, source_page=str(number))}
    return page("source.html", data, title=f"Source: {row['title']}", resource=iri)
