"""Linked Data: every IRI the KB mints dereferences to its page or its RDF, by Accept or extension."""

import pyoxigraph as ox
import pytest

from kb.namespaces import ID

from .pagecheck import Page

FORMATS = {
    "ttl": ("text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdf": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
PAGES = {"claim": "claims", "study": "studies", "condition": "conditions", "design": "designs",
         "source": "sources", "route": "routes", "intervention": "interventions",
         "condition-group": "groups"}
EV = "https://w3id.org/ketamine-kb/ontology#"
OA = "http://www.w3.org/ns/oa#"


@pytest.fixture(scope="module")
def resources(store_kb):
    """One IRI of each kind the KB mints, taken from the store."""
    claims = [r for r in store_kb.records("claims") if not r["no_source"]]
    study = store_kb.rows("studies-by-design")[0]
    return {"claim": claims[0]["claim"], "study": study["study"], "design": study["design"],
            "condition": claims[0]["conditions"][0].split()[0], "source": claims[0]["source"],
            "route": claims[0]["route"], "intervention": f"{ID}intervention/ketamine",
            "condition-group": f"{ID}condition-group/chronic-pain"}


def path_of(iri):
    return "/" + iri.removeprefix("https://w3id.org/ketamine-kb/")


def parse(response, fmt):
    return list(ox.parse(response.data, format=fmt))


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_browsers_are_sent_to_the_page(kind, resources, client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get(path_of(resources[kind]), headers={"Accept": accept})
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/{PAGES[kind]}/")
    assert client.get(location).status_code == 200


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_rdf_by_extension(kind, ext, resources, client):
    media_type, fmt = FORMATS[ext]
    response = client.get(f"{path_of(resources[kind])}.{ext}")
    assert response.status_code == 200 and response.mimetype == media_type
    subjects = {t.subject for t in parse(response, fmt)}
    assert ox.NamedNode(resources[kind]) in subjects
    assert 'rel="alternate"; type="text/html"' in response.headers["Link"]


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_rdf_by_accept(ext, resources, client):
    media_type, fmt = FORMATS[ext]
    response = client.get(path_of(resources["study"]), headers={"Accept": f"{media_type}, text/html;q=0.5"})
    assert response.status_code == 200 and response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    by_extension = client.get(f"{path_of(resources['study'])}.{ext}")
    assert len(parse(response, fmt)) == len(parse(by_extension, fmt))


def test_a_claim_comes_with_its_blank_node_parts(resources, client):
    triples = parse(client.get(path_of(resources["claim"]) + ".nt"), ox.RdfFormat.N_TRIPLES)
    predicates = {t.predicate.value for t in triples}
    for part in (f"{OA}exact", f"{OA}start", f"{EV}fidelity", f"{EV}direction",
                 "http://purl.org/spar/cito/hasCitedEntity", f"{EV}outcomeText"):
        assert part in predicates, part
    assert all(t.subject == ox.NamedNode(resources["claim"]) or isinstance(t.subject, ox.BlankNode)
               for t in triples), "only the claim and its own parts"


def test_a_fidelity_assessment_has_an_iri_that_dereferences_with_its_reviews(resources, client):
    claim = parse(client.get(path_of(resources["claim"]) + ".nt"), ox.RdfFormat.N_TRIPLES)
    assessment = next(t.object for t in claim if t.predicate.value == f"{EV}fidelity")
    assert isinstance(assessment, ox.NamedNode)
    triples = parse(client.get(path_of(assessment.value) + ".ttl"), ox.RdfFormat.TURTLE)
    predicates = {t.predicate.value for t in triples}
    for part in (f"{EV}verdict", f"{EV}reason", f"{EV}review", f"{EV}reviewerRole", f"{EV}lastReviewed"):
        assert part in predicates, part
    page = client.get(path_of(assessment.value), headers={"Accept": "text/html"})
    assert page.status_code == 303 and page.headers["Location"].startswith("/claims/")


def test_a_study_comes_with_its_verification(store_kb, client):
    verified = next(s for s in store_kb.rows("studies-by-design") if s["status"].endswith("#Verified"))
    triples = parse(client.get(path_of(verified["study"]) + ".ttl"), ox.RdfFormat.TURTLE)
    assert f"{EV}checkedAgainst" in {t.predicate.value for t in triples}


def test_plain_json_gets_json_ld(resources, client):
    response = client.get(path_of(resources["claim"]), headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.mimetype == "application/ld+json"


def test_no_accept_header_means_the_page(resources, client):
    response = client.get(path_of(resources["claim"]))
    assert response.status_code == 303


def test_a_type_it_cannot_offer_is_406(resources, client):
    response = client.get(path_of(resources["claim"]), headers={"Accept": "image/png"})
    assert response.status_code == 406


@pytest.mark.parametrize("path", ["/id/claim/crps-weeks", "/id/claim/crps-weeks.ttl",
                                  "/id/study/no-such-study", "/id/widget/crps"])
def test_an_unknown_iri_gets_a_404_that_helps(path, client):
    response = client.get(path)
    assert response.status_code == 404
    page = Page(response.get_data(as_text=True))
    assert page.h1 == ["404 Not found"]
    assert "/id/KIND/SLUG" in page.text and "condition-group" in page.text
    assert any(link.startswith("/search") or link == "/" for link in page.links)


def test_an_unknown_claim_offers_a_search_for_its_words(client):
    page = Page(client.get("/id/claim/crps-weeks").get_data(as_text=True))
    assert "The KB has no claim called “crps-weeks”" in page.text
    assert "/search?q=crps+weeks" in page.links
