"""Pages for the controlled terms claims use: routes, interventions and condition groups."""

from flask import Blueprint, abort

from .. import evidence, links
from ..kbconn import get_kb
from ..render import page

bp = Blueprint("concepts", __name__)
KINDS = {"routes": ("route", "Route"), "interventions": ("intervention", "Intervention"),
         "groups": ("condition-group", "Condition group")}


@bp.get("/<any(routes, interventions, groups):folder>/<slug>")
@bp.get("/<any(routes, interventions, groups):folder>/<slug>.json")
def concept(folder, slug):
    """Show a term's label and definition and the claims, conditions or studies using it."""
    kind, kind_label = KINDS[folder]
    iri = links.iri_or_404(kind, slug)
    rows = get_kb().rows("concept", concept=iri) or abort(404)
    first = rows[0]
    used_by = [{**evidence.ref(r["user"], r["user_label"]), "type": evidence.key_of(r["user_type"]),
                "property": r["property"]} for r in rows if r["user"]]
    data = {"concept": {"iri": iri, "kind": kind_label, "label": first["label"],
                        "definition": first["definition"],
                        "alt_labels": evidence.lines(first["alt_labels"])},
            "used_by": used_by}
    return page("concept.html", data, title=f"{kind_label}: {first['label']}", resource=iri)
