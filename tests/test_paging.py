"""Every list is shown 50 at a time, paged by the build: a condition's claims, every claim, a
source's claims, the studies (all, and of a design), what uses a term, each section of the audit."""

import re

import pytest

from bench.generate import generate
from kb import build as builder
from webapp import create_app

from .conftest import QUERIES, SHAPES


@pytest.fixture(scope="module")
def big_client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    generate(2400, folder / "kb", seed=7)  # enough that every kind of list runs past one page
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


def every_item(client, url, key):
    """Follow a list's pages; return its items and how many pages it took."""
    items, pages = [], 0
    while url:
        data = client.get(url).get_json()
        assert len(data[key]) <= 50
        items += data[key]
        pages += 1
        url = data["paging"]["next"]
    return items, pages


def test_every_claim_comes_fifty_a_page_in_reading_order(big_client):
    total = big_client.get("/index.json").get_json()["stats"]["claims"]
    claims, pages = every_item(big_client, "/claims.json", "claims")
    assert len(claims) == len({c["iri"] for c in claims}) == total and pages == -(-total // 50)
    places = [(c["source"]["iri"], c["quote"]["start"]) for c in claims]
    assert places == sorted(places), "by source, then place in it, across the pages"
    html = big_client.get("/claims?page=2").get_data(as_text=True)
    assert "Claims 51–100 of" in html and 'rel="prev"' in html


@pytest.mark.parametrize("listing, key, items, owner", [
    ("/sources.json", "sources", "claims", lambda claim: claim["source"]["iri"]),
    ("/designs.json", "designs", "studies", lambda study: study["design"]["iri"]),
])
def test_a_source_or_design_page_pages_through_all_of_its_items(big_client, listing, key, items, owner):
    """A source's claims and a design's studies, each past one page on the generated KB."""
    biggest = max(big_client.get(listing).get_json()[key], key=lambda entry: entry[items])
    assert biggest[items] > 50
    found, _ = every_item(big_client, biggest["page"] + ".json", items)
    assert len({item["iri"] for item in found}) == biggest[items]
    assert {owner(item) for item in found} == {biggest["iri"]}


def test_a_route_page_pages_through_the_claims_that_use_it(big_client):
    used, pages = every_item(big_client, "/routes/iv-infusion.json", "used_by")
    first = big_client.get("/routes/iv-infusion.json").get_json()
    assert pages > 1 and len(used) == len({u["iri"] for u in used}) == first["paging"]["total"]
    assert "iv-infusion" in first["concept"]["iri"]


def test_the_audit_shows_each_section_s_first_fifty_and_pages_through_one(big_client):
    audit = big_client.get("/audit.json").get_json()["audit"]
    long = [s for s in audit["sections"] if s["total_rows"] > 50]
    assert long, "the generated KB has a section longer than a page"
    section = long[0]
    assert len(section["rows"]) == 50 and section["paging"]["next"]
    rows, _ = every_item_of_section(big_client, section["key"])
    assert len(rows) == section["total_rows"]
    assert len({r["claim"] for r in rows}) == section["count"], "the count counts claims, not rows"
    csv_rows = big_client.get("/audit.csv").get_data(as_text=True).splitlines()[1:]
    assert sum(1 for line in csv_rows if line.startswith(section["key"] + ",")) == section["total_rows"]
    assert big_client.get("/audit.json?page=2").status_code == 400, "a page needs its section"
    assert big_client.get("/audit.json?section=nope").status_code == 400


def every_item_of_section(client, key):
    rows, url, pages = [], f"/audit.json?section={key}", 0
    while url:
        data = client.get(url).get_json()["audit"]
        (section,) = [s for s in data["sections"] if s["key"] == key]
        rows += section["rows"]
        assert all(not s["rows"] for s in data["sections"] if s["key"] != key)
        url, pages = section["paging"]["next"], pages + 1
    return rows, pages


def test_a_store_built_without_kept_answers_shows_the_same_lists(tmp_path):
    """The kept answers are a cache of the queries: without kept.sqlite the pages run them."""
    from .conftest import build_store

    spec = build_store(tmp_path)
    paths = ["/audit.json", "/audit.json?section=discrepancies", "/routes/iv-infusion.json", "/index.json",
             "/evidence-map.json"]
    kept = create_app({"TESTING": True, "STORE": spec}).test_client()
    expected = {path: kept.get(path).get_json() for path in paths}
    store = kept.application.extensions["kb"].store
    store.artefact("kept.sqlite").unlink()
    live = create_app({"TESTING": True, "STORE": spec}).test_client()
    assert {path: live.get(path).get_json() for path in paths} == expected
