"""The condition page: a summary line, then every claim side by side with its studies."""

from flask import Blueprint, abort, request

from .. import evidence, forest, links, paging
from ..findings import summary_of_findings
from ..render import page
from ..services import get_kb

bp = Blueprint("conditions", __name__)


def condition_details(row):
    """Return a condition's names, group, broader and narrower terms, and mappings."""
    narrower = [dict(zip(("iri", "label"), line.split(" ", 1), strict=True)) for line in row["narrower"]]
    return {
        "iri": row["condition"], "slug": row["slug"], "label": row["label"],
        "alt_labels": row["alt_labels"], "definition": row["definition"],
        "group": evidence.ref(row["group"], row["group_label"]),
        "broader": evidence.ref(row["broader"], row["broader_label"]) if row["broader"] else None,
        "narrower": [evidence.ref(n["iri"], n["label"]) for n in narrower],
        "named_in": [evidence.ref(iri, None) for iri in row["named_in"]],
        "exact_matches": row["exact_matches"], "close_matches": row["close_matches"],
    }


@bp.get("/conditions/<slug>.json")
@bp.get("/conditions/<slug>")
def condition(slug):
    """Show what the article claims about a condition and what the studies behind it reported."""
    kb = get_kb()
    iri = links.iri_or_404("condition", slug)
    row = kb.first("condition", condition=iri) or abort(404)
    overview = kb.first("conditions-overview", condition=iri)
    number = paging.page_number()
    design = request.args.get("design")
    if design:  # a cell of the evidence map: few claims, filtered here, then paged
        claims = [c for c in evidence.claim_cards(kb, condition=iri) if evidence.cites_design(c, design)]
        total, claims = len(claims), paging.window(claims, number)
    else:  # a condition with thousands of claims: the store returns one page
        total = overview["claims"]
        claims = evidence.claim_cards(kb, condition=iri, page=number)
    certainty, findings = summary_of_findings(kb, iri)
    data = {"condition": condition_details(row), "summary": evidence.condition_summary(overview),
            "scope": evidence.SCOPE, "certainty": certainty, "summary_of_findings": findings,
            "design_filter": design, "claims": claims, "paging": paging.info(number, total)}
    return page("condition.html", data, title=f"{row['label']}: ketamine evidence", resource=iri,
                view={"forest": forest.panels(findings)})
