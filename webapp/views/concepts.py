"""Pages for the controlled terms claims use: routes, interventions and condition groups."""

from flask import Blueprint, abort

from .. import evidence, links, paging
from ..render import page
from ..services import get_kb

bp = Blueprint("concepts", __name__)
FOLDERS = "any(" + ", ".join(f"'{folder}'" for folder in links.CONCEPT_FOLDERS) + ")"


@bp.get(f"/<{FOLDERS}:folder>/<slug>.json")
@bp.get(f"/<{FOLDERS}:folder>/<slug>")
def concept(folder, slug):
    """Show a term's label and definition and the claims, conditions or studies using it, 50 a page."""
    kind, kind_label = links.CONCEPT_FOLDERS[folder]
    iri = links.iri_or_404(kind, slug)
    kb, number = get_kb(), paging.page_number()
    first = kb.first("concept", concept=iri) or abort(404)
    rows, total, _ = kb.kept_page("concept-users", number, paging.PAGE_SIZE, iri)
    used_by = [{**evidence.ref(r["user"], r["user_label"]), "type": evidence.key_of(r["user_type"]),
                "property": r["property"]} for r in rows]
    data = {"concept": {"iri": iri, "kind": kind_label, "label": first["label"],
                        "definition": first["definition"],
                        "alt_labels": first["alt_labels"]},
            "used_by": used_by, "paging": paging.info(number, total)}
    return page("concept.html", data, title=f"{kind_label}: {first['label']}", resource=iri)

