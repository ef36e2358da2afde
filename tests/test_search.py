"""Search finds what a clinician types: words in any order, stems, prefixes, typos, facets, pages."""

import sqlite3

import pytest

from .pagecheck import Page


def search(client, q, **filters):
    response = client.get("/search.json", query_string={"q": q, **filters})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize("q,kind,label", [
    ("ketamine depression", "condition", "Major depression"),
    ("treatment resistant depression", "condition", "Treatment-resistant depression"),
    ("suicide", "condition", "Suicidal ideation"),
    ("CRPS ketamine", "condition", "Complex regional pain syndrome (CRPS)"),
    ("fibromialgia", "condition", "Fibromyalgia"),
    ("PMID 17434801", "study",
     "Ketamine as an adjuvant for treatment of cancer pain in children and adolescents"),
    ("neuropathc", "condition", "Neuropathic pain (diabetic, chemotherapy-induced)"),
    ("ptsd midazolam", "study", "A Randomized Controlled Trial of Repeated Ketamine Administration for "
                                "Chronic Posttraumatic Stress Disorder"),
    ("caps-5", "study", "A Randomized Controlled Trial of Repeated Ketamine Administration for Chronic "
                        "Posttraumatic Stress Disorder"),
    ("alcohol", "condition", "Addiction and substance abuse"),
])
def test_a_typed_phrase_finds_what_it_names(client, q, kind, label):
    data = search(client, q)
    assert any(r["kind"] == kind and r["label"] == label for r in data["results"][:5]), \
        [(r["kind"], r["label"]) for r in data["results"][:5]]


def test_a_condition_ranks_before_its_claims(client):
    kinds = [r["kind"] for r in search(client, "fibromyalgia")["results"]]
    assert kinds[0] == "condition" and kinds.index("claim") > kinds.index("study")


def test_a_typo_says_what_it_searched_for_instead(client):
    data = search(client, "fibromialgia")
    assert data["corrected"] == "fibromyalgia" and data["total"] > 0
    html = client.get("/search", query_string={"q": "fibromialgia"}).get_data(as_text=True)
    assert "showing results for <strong>fibromyalgia</strong>" in html


def test_counts_are_plural_words_and_facets_narrow(client):
    data = search(client, "ketamine")
    assert "studies" in data["summary"] and "studys" not in data["summary"]
    kinds = {f["value"]: f["count"] for f in data["facets"]["kind"]}
    narrowed = search(client, "ketamine", kind="study")
    assert narrowed["total"] == kinds["study"] and {r["kind"] for r in narrowed["results"]} == {"study"}
    condition = next(f for f in data["facets"]["condition"] if f["value"].endswith("/crps"))
    assert search(client, "ketamine", condition=condition["value"])["total"] == condition["count"]


def test_results_are_paged_and_highlighted(client):
    data = search(client, "ketamine")
    assert data["total"] > 50 and len(data["results"]) == 50 and data["paging"]["pages"] >= 2
    second = search(client, "ketamine", page=2)
    assert not {r["iri"] for r in second["results"]} & {r["iri"] for r in data["results"]}
    page = client.get("/search", query_string={"q": "crps"}).get_data(as_text=True)
    assert "<mark>CRPS</mark>" in page or "<mark>crps</mark>" in page.lower()


def test_markup_in_a_query_is_text(client):
    html = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html


def test_a_404_suggests_pages_from_the_index(client):
    page = Page(client.get("/conditions/fibromialgia").get_data(as_text=True))
    assert "/conditions/fibromyalgia" in page.links


def test_the_index_is_built_beside_the_store_and_swapped_with_it(app):
    kb = app.extensions["kb"]
    path = kb.store.artefact("search.sqlite")
    assert path.parent.name == kb.store.build_id.rsplit("/", 1)[-1] and path.is_file()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("SELECT count(*) FROM documents").fetchone()[0] > 100

