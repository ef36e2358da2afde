"""Every IRI the KB mints dereferences: its RDF in Turtle, and for a browser a page (303 to a 200)."""

import pyoxigraph as ox
import pytest

from kb.namespaces import ID


@pytest.fixture(scope="module")
def minted(store_kb):
    """Every IRI of the KB's own namespace that the store holds, as subject or object."""
    found = set()
    for row in store_kb.rows("minted-iris"):
        found.add(row["iri"])
    return sorted(found)


def path(iri):
    return "/" + iri.removeprefix("https://w3id.org/ketamine-kb/")


def test_the_store_mints_iris_of_every_kind(minted):
    kinds = {iri[len(str(ID)):].split("/")[0] for iri in minted}
    assert {"claim", "study", "condition", "assessment", "outcome", "level-rule", "certainty-rule"} <= kinds
    assert len(minted) > 300


def test_every_minted_iri_answers_in_turtle_and_as_a_page(client, minted):
    failed = []
    for iri in minted:
        turtle = client.get(path(iri) + ".ttl")
        if turtle.status_code != 200 or not list(ox.parse(turtle.data, format=ox.RdfFormat.TURTLE)):
            failed.append(f"{iri} .ttl {turtle.status_code}")
            continue
        html = client.get(path(iri), headers={"Accept": "text/html"})
        if html.status_code != 303 or client.get(html.headers["Location"]).status_code != 200:
            failed.append(f"{iri} html {html.status_code} {html.headers.get('Location')}")
    assert not failed, failed[:20]
