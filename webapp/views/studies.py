"""Study and design pages: a study with every claim citing it; a design with its studies."""

from flask import Blueprint, abort

from .. import evidence, links, paging
from ..findings import study_results
from ..render import page
from ..services import get_kb

bp = Blueprint("studies", __name__)


def citing_claim(row):
    """Return a claim as it appears on a study's page: what it says and how it cites the study."""
    return {"iri": row["claim"], "page": links.page_url(row["claim"]), "statement": row["statement"],
            "quote": row["quote"], "conditions": evidence.refs(row["conditions"]),
            "direction": row["direction_label"], "direction_key": evidence.key_of(row["direction"]),
            "verdict": row["verdict_label"], "verdict_key": evidence.key_of(row["verdict"]),
            "reason": row["reason"]}


@bp.get("/studies.json")
@bp.get("/studies")
def all_studies():
    """List every study with its design, level, size, year, PMID and verification status."""
    kb, number = get_kb(), paging.page_number()
    studies = [evidence.study_entry(r) for r in kb.rows("studies-by-design", page=str(number))]
    data = {"studies": studies, "paging": paging.info(number, kb.stats()["studies"])}
    return page("studies.html", data, title="Studies the claims rest on")


@bp.get("/studies/<slug>.json")
@bp.get("/studies/<slug>")
def study(slug):
    """Show a study, how it was verified, what it reported and every claim citing it."""
    kb = get_kb()
    iri = links.iri_or_404("study", slug)
    row = kb.first("study", study=iri) or abort(404)
    results, doses = study_results(kb, iri)
    data = {"study": {**evidence.study_card(row), "notes": row["notes"]}, "results": results, "doses": doses,
            "verifications": kb.rows("study-verifications", study=iri),
            "claims": [citing_claim(r) for r in kb.records("claims-citing-study", study=iri)]}
    return page("study.html", data, title=f"Study: {row['title']}", resource=iri)


@bp.get("/designs.json")
@bp.get("/designs")
def all_designs():
    """List the study designs with their Oxford CEBM 2011 levels of evidence."""
    designs = [evidence.design_entry(r) for r in get_kb().records("design")]
    return page("designs.html", {"designs": designs}, title="Study designs and levels of evidence")


@bp.get("/designs/<slug>.json")
@bp.get("/designs/<slug>")
def design(slug):
    """Show a study design, its level of evidence and the studies of that design, 50 a page."""
    kb, number = get_kb(), paging.page_number()
    iri = links.iri_or_404("design", slug)
    row = kb.first("design", design=iri) or abort(404)
    info = paging.info(number, row["studies"])
    rows = kb.rows("studies-by-design", design=iri, design_page=str(number))
    studies = [evidence.study_entry(r) for r in rows]
    data = {"design": evidence.design_entry(row), "studies": studies, "paging": info}
    return page("design.html", data, title=f"Design: {row['label']}", resource=iri)
