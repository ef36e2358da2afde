"""Conditional GET: an unchanged page is a 304 until the store is rebuilt."""

import pytest

from webapp import create_app

from .conftest import build_store


@pytest.mark.parametrize("path", ["/", "/conditions/fibromyalgia", "/conditions/fibromyalgia.json",
                                  "/search?q=crps"])
def test_a_page_revalidates_with_its_etag(client, path):
    first = client.get(path)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_the_etag_differs_by_representation_and_url(client):
    html = client.get("/conditions/crps").headers["ETag"]
    json = client.get("/conditions/crps", headers={"Accept": "application/json"}).headers["ETag"]
    other = client.get("/conditions/fibromyalgia").headers["ETag"]
    assert len({html, json, other}) == 3
    assert client.get("/conditions/crps", headers={"If-None-Match": json,
                                                   "Accept": "text/html"}).status_code == 200


def test_a_rebuild_changes_every_etag(tmp_path):
    spec = build_store(tmp_path)
    client = create_app({"TESTING": True, "STORE": spec}).test_client()
    etag = client.get("/").headers["ETag"]
    build_store(tmp_path)
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.headers["ETag"] != etag


def test_the_sparql_endpoint_is_not_cached(client):
    response = client.get("/sparql", query_string={"query": "ASK {}"})
    assert "ETag" not in response.headers


def test_whole_kb_counts_are_kept_per_build_and_follow_a_rebuild(tmp_path, data_copy):
    spec = build_store(tmp_path)
    client = create_app({"TESTING": True, "STORE": spec}).test_client()
    before = client.get("/index.json").get_json()["stats"]["claims"]
    assert client.get("/index.json").get_json()["stats"]["claims"] == before  # kept for the build
    (data_copy[1] / "claims" / "general.ttl").unlink()
    build_store(tmp_path, dirs=data_copy)
    after = client.get("/index.json").get_json()["stats"]["claims"]
    assert 0 < after < before


def test_study_cards_on_condition_pages_follow_a_rebuild(tmp_path, data_copy):
    spec = build_store(tmp_path, dirs=data_copy)
    client = create_app({"TESTING": True, "STORE": spec}).test_client()

    def titles():
        claims = client.get("/conditions/cancer-pain.json").get_json()["claims"]
        return {c["study"]["title"] for claim in claims for c in claim["citations"]}

    before = titles()
    assert titles() == before  # the second visit reads the cards kept for the build
    studies = data_copy[1] / "studies" / "studies.ttl"
    old = next(t for t in sorted(before) if f'"{t}"' in studies.read_text())
    studies.write_text(studies.read_text().replace(f'"{old}"', '"A renamed title"', 1))
    build_store(tmp_path, dirs=data_copy)
    assert titles() == (before - {old}) | {"A renamed title"}


def test_a_page_rendered_once_per_build_is_sent_again_without_its_queries(app, client):
    kb = app.extensions["kb"]
    first = client.get("/conditions/ptsd?page=1")
    before = kb.runner.counts["queries"]
    again = client.get("/conditions/ptsd?page=1")
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert kb.runner.counts["queries"] == before, "served from the pages kept for this build"
