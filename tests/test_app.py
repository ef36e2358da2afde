"""The web app skeleton through Flask's test client, and a real server over HTTP."""

import requests


def test_home_lists_the_conditions_grouped_as_the_article(client):
    html = client.get("/").get_data(as_text=True)
    assert "Mental health problems" in html and "Chronic pain conditions" in html
    assert "Fibromyalgia" in html and "Complex regional pain syndrome (CRPS)" in html
    assert "no study cited as evidence by the article" in html  # e.g. chronic pain in general


def test_home_has_a_json_twin_with_the_same_counts(client):
    page = client.get("/")
    assert '<link rel="alternate" type="application/json"' in page.get_data(as_text=True)
    assert "application/json" in page.headers["Link"]
    data = client.get("/index.json").get_json()
    assert data["ok"] is True
    assert data["stats"]["claims"] >= 40
    assert str(data["stats"]["claims"]) in page.get_data(as_text=True)


def test_unknown_page_gets_the_one_error_shape(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.get_json() == {"ok": False, "error": "Nothing is published at /no/such/page.",
                                   "status": 404}


def test_kb_serve_answers_over_real_http(live_server):
    response = requests.get(live_server + "/", timeout=10)
    assert response.status_code == 200
    assert "Fibromyalgia" in response.text
    assert response.headers["Server"] == "kb"
