"""The audit page, and the exports researchers cite with: per study, per claim and for the whole KB."""

from flask import Blueprint, Response, abort, request, url_for

from kb import formats
from kb.errors import InvalidParameter
from kb.interchange import audit as auditing
from kb.interchange import exports

from .. import links, paging
from ..render import build_file, page
from ..services import get_kb

bp = Blueprint("exports", __name__)



def attachment(data, media_type, filename):
    """Return bytes as a file download."""
    response = Response(data, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/audit.json")
@bp.get("/audit")
def audit():
    """Show the audit of the article's claims (of one source with ?source=SLUG): every section's
    count and its first 50 findings; ?section=KEY&page=N pages through one section."""
    number, only = paging.page_number(), request.args.get("section") or None
    if only is not None and only not in auditing.BY_KEY:
        raise InvalidParameter(f"parameter section: {only!r} is not one of {', '.join(auditing.BY_KEY)}")
    if number > 1 and only is None:
        raise InvalidParameter("parameter page: name the section it pages through too "
                               "(?section=discrepancies&page=2)")
    report = auditing.build(get_kb(), request.args.get("source") or None, page=number, only=only)
    for section in report["sections"]:
        if only in (None, section["key"]):
            section["paging"] = paging.info(number, section["total_rows"], section=section["key"])
    return page("audit.html", {"audit": report, "section": only}, title="Audit of the article's claims",
                view={"csv_href": url_for("exports.audit_csv", source=request.args.get("source"))})


@bp.get("/audit.csv")
def audit_csv():
    """Send the audit as CSV, one row per finding: of every source, the file the build wrote; of one
    source, written as it is read from the answers the build kept."""
    source = request.args.get("source") or None
    if source is None:
        return build_file(get_kb().store, "audit.csv", attachment=False)
    findings = auditing.all_rows(get_kb(), source)
    return Response(auditing.csv_lines(findings), mimetype=formats.by_name("csv").media_type)


@bp.get("/studies/<slug>.bib", defaults={"ext": "bib"})
@bp.get("/studies/<slug>.ris", defaults={"ext": "ris"})
@bp.get("/studies/<slug>.csl.json", defaults={"ext": "csl.json"})
def study_citation(slug, ext):
    """Send one study as BibTeX, RIS or CSL-JSON, named by its slug."""
    fmt = formats.CITATION_EXTENSIONS[ext]
    data = exports.study_export(get_kb(), fmt.name, links.iri_or_404("study", slug)) or abort(404)
    return attachment(data, fmt.media_type, f"{slug}.{ext}")


@bp.get("/claims/<slug>.nanopub.trig")
def claim_nanopub(slug):
    """Send one claim as a nanopublication in TriG."""
    kb = get_kb()
    iri = links.iri_or_404("claim", slug)
    kb.first("claims", claim=iri) or abort(404)
    return attachment(exports.nanopubs(kb, claim=iri), formats.NANOPUB.media_type, f"{slug}.nanopub.trig")
