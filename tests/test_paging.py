"""A condition with hundreds of claims is shown 50 at a time, paged by the store."""

import re

import pytest

from bench.generate import generate
from kb import build as builder
from webapp import create_app

from .conftest import QUERIES, SHAPES


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    generate(800, folder / "kb", seed=7)
    spec = f"oxigraph:{folder}/store"
    builder.build(spec, [str(folder / "kb" / "ontology"), str(folder / "kb" / "data")], str(SHAPES),
                  str(QUERIES), verbose=False, shacl=False)
    return create_app({"TESTING": True, "STORE": spec}).test_client()


def busiest(client):
    rows = client.get("/index.json").get_json()
    conditions = [c for group in rows["groups"] for c in group["conditions"]] \
        if isinstance(rows["groups"], list) else [c for cs in rows["groups"].values() for c in cs]
    return max(conditions, key=lambda c: c["claims"])


def test_a_long_condition_page_shows_fifty_claims_and_the_total(big_client):
    top = busiest(big_client)
    assert top["claims"] > 100
    data = big_client.get(f"/conditions/{top['slug']}.json").get_json()
    assert len(data["claims"]) == 50
    assert data["paging"]["total"] == top["claims"]
    assert data["paging"]["pages"] == -(-top["claims"] // 50)
    html = big_client.get(f"/conditions/{top['slug']}").get_data(as_text=True)
    assert f"Showing claims 1–50 of {top['claims']}" in html
    assert 'rel="next"' in html


def test_pages_do_not_overlap_and_cover_every_claim(big_client):
    top = busiest(big_client)
    seen = []
    for number in range(1, -(-top["claims"] // 50) + 1):
        data = big_client.get(f"/conditions/{top['slug']}.json?page={number}").get_json()
        seen += [c["iri"] for c in data["claims"]]
    assert len(seen) == len(set(seen)) == top["claims"]


@pytest.mark.parametrize("page", ["0", "x", "999"])
def test_a_bad_page_number_is_a_clear_400(big_client, page):
    top = busiest(big_client)
    response = big_client.get(f"/conditions/{top['slug']}.json?page={page}")
    assert response.status_code == 400
    assert re.search(r"page", response.get_json()["error"])


def test_the_list_of_studies_comes_a_page_at_a_time_numbered_by_the_build(client, store_kb):
    data = client.get("/studies.json").get_json()
    total = store_kb.stats()["studies"]
    assert data["paging"]["total"] == total and len(data["studies"]) == min(total, 50)
    ordered = [r["study"] for r in store_kb.rows("studies-by-design")][:50]  # the query's own ORDER BY
    assert [s["iri"] for s in data["studies"]] == ordered
    assert client.get("/studies", query_string={"page": "99"}).status_code == 400
