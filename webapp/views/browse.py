"""Browsing pages for clinicians: home, search and the evidence map; template helpers."""

from flask import Blueprint, current_app, redirect, request, send_from_directory

from kb import formats

from .. import charts, evidence
from ..render import page
from ..searching import search_page
from ..services import get_kb

bp = Blueprint("browse", __name__)
MAX_QUERY = 200


@bp.app_context_processor
def navigation():
    """Offer the SPARQL pages in the navigation only when the app serves them."""
    rules = {rule.rule for rule in current_app.url_map.iter_rules()}
    return {"has_sparql": "/sparql" in rules, "has_queries": "/queries/" in rules}


@bp.get("/index.json")
@bp.get("/")
def home():
    """Show the conditions grouped as the article groups them, the KB's counts and sources."""
    kb = get_kb()
    data = {"stats": kb.stats(), "groups": evidence.condition_groups(kb),
            "sources": [evidence.source_entry(r) for r in kb.whole_kb_rows("source")]}
    return page("home.html", data, title="Ketamine evidence KB: what the studies say")


@bp.get("/favicon.ico")
def favicon():
    """Send the site's icon (browsers ask for /favicon.ico whatever the page says)."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype=formats.SVG)


@bp.get("/conditions")
def conditions():
    """Send the list of conditions to the home page, where it lives."""
    return redirect("/", code=301)


@bp.get("/search.json")
@bp.get("/search")
def search():
    """Find conditions (with synonyms), claims, quotes, studies and designs by their words."""
    q = request.args.get("q", "").strip()[:MAX_QUERY]
    data = search_page(get_kb(), q)
    return page("search.html", data, title=f"Search: {q}" if q else "Search")


@bp.get("/evidence-map.json")
@bp.get("/evidence-map")
def evidence_map():
    """Draw conditions by study design, sized by participants and coloured by fidelity."""
    kb = get_kb()
    named_only = [c for g in evidence.condition_groups(kb) for c in g["conditions"] if not c["claims"]]
    data = charts.map_data(kb.whole_kb_rows("evidence-map"), named_only)
    return page("evidence-map.html", data, title="Evidence map: conditions by study design",
                view={"svg": charts.layout(data)})
