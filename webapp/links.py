"""Where the KB's IRIs live in the app: each kind of resource has a page and an RDF address.

KINDS is the route table of resources, declared once: the views register their page routes
from it, and every link to a resource's page or RDF is made from it.
"""

import re
from typing import NamedTuple
from urllib.parse import quote

from flask import abort

from kb.namespaces import ID

from .filters import highlight


class Kind(NamedTuple):
    folder: str  # the page's folder: /FOLDER/SLUG
    label: str
    concept: bool = False  # a controlled term, shown by the concept view
    listing: str | None = None  # the page listing every one of them (where KIND/scheme leads)


# Each kind of IRI the KB mints (https://w3id.org/ketamine-kb/id/KIND/SLUG).
KINDS = {
    "condition": Kind("conditions", "Condition", listing="/"),
    "claim": Kind("claims", "Claim"),
    "study": Kind("studies", "Study"),
    "design": Kind("designs", "Study design", listing="/designs"),
    "source": Kind("sources", "Source"),
    "route": Kind("routes", "Route", concept=True),
    "intervention": Kind("interventions", "Intervention", concept=True),
    "condition-group": Kind("groups", "Condition group", concept=True),
    "assessment": Kind("claims", "Fidelity assessment"),  # shown on its claim's page (same slug)
    "outcome": Kind("outcomes", "Outcome domain", concept=True),
    "statistic": Kind("statistics", "Statistic type", concept=True),
    "comparator": Kind("comparators", "Comparator", concept=True),
    "directness": Kind("directness", "Directness of the population", concept=True),
    "unit": Kind("units", "Unit", concept=True),
    "dose-level": Kind("dose-levels", "Dose stated in words", concept=True),
    "certainty": Kind("certainty-levels", "Certainty level", concept=True),
    "certainty-rule": Kind("certainty-rules", "Certainty rule", concept=True),
    "level-rule": Kind("level-rules", "Level rule", concept=True),
    "wording": Kind("wordings", "Wording that needs strong evidence", concept=True),
    "publication-type": Kind("publication-types", "PubMed publication type", concept=True),
}
# A part of a resource has an IRI of its own below it: KIND/SLUG/PART/NAME (a claim's level
# assessment per study: claim/SLUG/level/STUDY); it is shown on its resource's page.
PARTS = {("claim", "level")}
PAGE_FOLDERS = {kind: k.folder for kind, k in KINDS.items()}  # kind -> folder of its page
CONCEPT_FOLDERS = {k.folder: (kind, k.label) for kind, k in KINDS.items() if k.concept}
SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]{0,199}$")


def is_slug(text):
    """True for text that can be the last part of a KB IRI."""
    return bool(SLUG_RE.match(text or ""))


def mint(kind, slug):
    """Return the IRI of a resource from its kind and slug."""
    return f"{ID}{kind}/{slug}"


def parse(iri):
    """Return (kind, slug) of an IRI the KB mints, or None for any other IRI."""
    if not iri or not str(iri).startswith(str(ID)):
        return None
    kind, sep, slug = str(iri)[len(str(ID)):].partition("/")
    if not sep or kind not in PAGE_FOLDERS or not is_slug(slug):
        return None
    return kind, slug


def parse_part(iri):
    """Return (kind, slug, part, name) of an IRI minted for a part of a resource, or None."""
    if not iri or not str(iri).startswith(str(ID)):
        return None
    pieces = str(iri)[len(str(ID)):].split("/")
    if len(pieces) != 4 or (pieces[0], pieces[2]) not in PARTS or not all(map(is_slug, pieces[1::2])):
        return None
    return tuple(pieces)


def slug_of(iri):
    """Return the slug of a KB IRI, or None."""
    parsed = parse(iri)
    return parsed[1] if parsed else None


def page_url(iri, suffix=""):
    """Return the app path of the page about an IRI (suffix ".json" for its twin), or None."""
    parsed = parse(iri) or (parse_part(iri) or (None,) * 4)[:2]
    if not parsed[0]:
        return None
    kind, slug = parsed
    if slug == "scheme" and KINDS[kind].listing:
        return KINDS[kind].listing if not suffix else None
    return f"/{PAGE_FOLDERS[kind]}/{quote(slug)}{suffix}"


def data_url(iri, ext="ttl"):
    """Return the app path of an IRI's RDF in one format (ttl, jsonld, nt, rdf), or None."""
    parsed = parse(iri)
    if parsed:
        return f"/id/{parsed[0]}/{quote(parsed[1])}.{ext}"
    part = parse_part(iri)
    return "/id/" + "/".join(map(quote, part)) + f".{ext}" if part else None


def iri_or_404(kind, slug):
    """Return the IRI of a resource named in a URL, or answer 404 for a malformed slug."""
    if not is_slug(slug):
        abort(404)
    return mint(kind, slug)


def init_app(app):
    """Offer the link makers to every template."""
    app.add_template_global(page_url, "page_url")
    app.add_template_global(data_url, "data_url")
    app.add_template_filter(highlight, "highlight")
