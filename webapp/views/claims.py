"""Claim pages: one claim with its quote, studies and verdict; and every claim in reading order."""

from flask import Blueprint, abort

from .. import evidence, links, paging
from ..render import page
from ..services import get_kb

bp = Blueprint("claims", __name__)


@bp.get("/claims.json")
@bp.get("/claims")
def all_claims():
    """List every claim of every source in reading order, each with its verdict, 50 a page."""
    kb, number = get_kb(), paging.page_number()
    info = paging.info(number, kb.stats()["claims"])
    claims = evidence.claim_cards(kb, list_page=str(number))
    return page("claims.html", {"claims": claims, "paging": info}, title="Every claim, in reading order")


@bp.get("/claims/<slug>.json")
@bp.get("/claims/<slug>")
def claim(slug):
    """Show one claim: its quote, what it says, the studies it cites and its verdict."""
    iri = links.iri_or_404("claim", slug)
    cards = evidence.claim_cards(get_kb(), claim=iri) or abort(404)
    card = cards[0]
    title = f"Claim: {card['statement']}"
    return page("claim.html", {"claim": card}, title=title, resource=iri)
