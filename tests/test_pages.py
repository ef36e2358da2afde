"""Every page and its JSON twin through Flask's test client, on the curated data."""

import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from webapp import create_app
from webapp.links import page_url, slug_of

from .pagecheck import Page

UNVERIFIED = "Identifiers not checked against PubMed"


@pytest.fixture(scope="module")
def samples(store_kb):
    """One page of each type, chosen from what the store holds."""
    overview = store_kb.rows("conditions-overview")
    studies = store_kb.rows("studies-by-design")
    cited = [c for c in store_kb.rows("claims") if not c["no_source"]]
    return {
        "home": "/",
        "condition": page_url(max(overview, key=lambda r: r["claims"])["condition"]),
        "condition-no-study": page_url(next(r["condition"] for r in overview
                                            if r["claims"] and not r["certainty"])),
        "claim": page_url(cited[0]["claim"]),
        "claim-no-source": page_url(next(c for c in store_kb.rows("claims") if c["no_source"])["claim"]),
        "claims": "/claims",
        "study-verified": page_url(next(s for s in studies if s["pmid"])["study"]),
        "study-unverified": page_url(next(s for s in studies if not s["pmid"])["study"]),
        "studies": "/studies",
        "design": page_url(studies[0]["design"]),
        "designs": "/designs",
        "source": page_url(store_kb.rows("source")[0]["source"]),
        "sources": "/sources",
        "route": "/routes/iv-infusion",
        "intervention": "/interventions/ketamine",
        "group": "/groups/chronic-pain",
        "search": "/search?q=CRPS",
        "search-empty": "/search",
        "evidence-map": "/evidence-map",
        "download": "/download",
    }


PAGE_TYPES = ["home", "condition", "condition-no-study", "claim", "claim-no-source", "claims",
              "study-verified", "study-unverified", "studies", "design", "designs", "source", "sources",
              "route", "intervention", "group", "search", "search-empty", "evidence-map", "download"]
RESOURCE_TYPES = ["condition", "claim", "study-verified", "study-unverified", "design", "source",
                  "route", "intervention", "group"]


def twin_of(path):
    base, _, query = path.partition("?")
    base = "/index" if base == "/" else base
    return f"{base}.json" + (f"?{query}" if query else "")


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_has_a_title_one_heading_and_a_json_twin(kind, samples, client):
    path = samples[kind]
    response = client.get(path)
    assert response.status_code == 200, path
    page = Page(response.get_data(as_text=True))
    assert page.title.strip() and len(page.h1) == 1 and page.h1[0].strip()
    assert page.title.count("Ketamine evidence KB") == 1, page.title  # the site's name, once
    assert ("application/json", twin_of(path)) in page.alternates
    assert f'<{twin_of(path)}>; rel="alternate"; type="application/json"' in response.headers["Link"]
    twin = client.get(twin_of(path))
    assert twin.status_code == 200 and twin.get_json()["ok"] is True
    by_accept = client.get(path, headers={"Accept": "application/json"})
    assert by_accept.get_json() == twin.get_json()
    assert page.scripts == 0, "pages work without JavaScript"


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_form_field_is_labelled(kind, samples, client):
    page = Page(client.get(samples[kind]).get_data(as_text=True))
    assert page.inputs, "every page has at least the search box"
    assert all(field and field in page.labels for field in page.inputs), page.inputs


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_every_link_on_the_page_resolves(kind, samples, client):
    page = Page(client.get(samples[kind]).get_data(as_text=True))
    broken = [href for href in page.internal_links() if client.get(href).status_code >= 400]
    assert not broken


@pytest.mark.parametrize("kind", RESOURCE_TYPES)
def test_resource_pages_advertise_their_rdf(kind, samples, client):
    response = client.get(samples[kind])
    turtle = re.search(r'<(/id/[^>]+\.ttl)>; rel="alternate"; type="text/turtle"', response.headers["Link"])
    assert turtle, response.headers["Link"]
    assert ("text/turtle", turtle.group(1)) in Page(response.get_data(as_text=True)).alternates
    rdf = client.get(turtle.group(1))
    assert rdf.status_code == 200 and rdf.mimetype == "text/turtle"


def test_home_shows_every_condition_grouped_with_its_summary(client, store_kb):
    data = client.get("/index.json").get_json()
    html = client.get("/").get_data(as_text=True)
    overview = store_kb.rows("conditions-overview")
    shown = [c for group in data["groups"] for c in group["conditions"]]
    assert [c["iri"] for c in shown] == [r["condition"] for r in overview]
    assert [g["label"] for g in data["groups"]] == list(dict.fromkeys(r["group_label"] for r in overview))
    for condition in shown:
        assert f'href="{condition["page"]}"' in html
        if not condition["claims"]:
            assert condition["summary"] == "Named only, no claim of its own"
        elif not condition["certainty"]:
            assert "no study cited as evidence by the article" in condition["summary"]
        else:  # the headline is a certainty with its reason, never a design label alone
            assert f"certainty {condition['certainty']['summary']}" in condition["summary"]
            assert condition["certainty"]["level"] in ("high", "moderate", "low", "very low")
    assert html.count("named only, no claim of its own") == sum(1 for c in shown if not c["claims"])
    assert "Strongest evidence" not in html and "CEBM level" not in html
    for key in ("claims", "conditions", "studies"):
        assert f"<strong>{store_kb.stats()[key]}</strong>" in html
    assert data["sources"] and data["sources"][0]["page"] in html


def test_condition_summary_line_agrees_with_its_claim_cards(client, store_kb):
    for row in store_kb.rows("conditions-overview"):
        data = client.get(page_url(row["condition"], ".json")).get_json()
        claims, summary = data["claims"], data["summary"]
        assert len(claims) == row["claims"] == summary["claims"]
        # a certainty exactly when the claims cite a study as evidence (supporting them or not)
        evidence = [c for card in claims for c in card["citations"] if c["direction_key"] != "mentions"]
        assert bool(summary["certainty"]) == bool(evidence), row["condition"]
        assert bool(data["certainty"]) == bool(evidence)
        verdicts = {f["key"]: f["count"] for f in summary["fidelity"]}
        for card in claims:
            verdicts[card["fidelity"]["key"]] -= 1
        assert not any(verdicts.values())
        if claims:
            assert summary["summary"].startswith(f"{len(claims)} claim")


def test_claim_card_shows_quote_claim_study_report_and_verdict(client, samples):
    data = client.get(samples["claim"] + ".json").get_json()["claim"]
    html = client.get(samples["claim"]).get_data(as_text=True)
    text = Page(html).text
    assert " ".join(data["quote"]["text"].split()) in text
    assert data["statement"] in text and data["fidelity"]["reason"] in text
    for citation in data["citations"]:
        study = citation["study"]
        assert study["title"] in text and study["design"]["label"] in text
        assert f"{citation['direction']} the claim" in text
        for outcome in study["reported_outcomes"]:
            assert outcome in text
        if study["pmid"]:
            assert f'href="https://pubmed.ncbi.nlm.nih.gov/{study["pmid"]}/"' in html


def test_claim_without_a_source_says_so(client, samples):
    text = Page(client.get(samples["claim-no-source"]).get_data(as_text=True)).text
    assert "No study cited by the article." in text and "not assessable" in text


def test_unverified_studies_are_marked_and_never_link_to_pubmed(client, store_kb):
    for row in store_kb.rows("studies-by-design"):
        html = client.get(page_url(row["study"])).get_data(as_text=True)
        verified = row["status"].endswith("#Verified")
        assert (UNVERIFIED in html) is not verified, row["study"]
        if not row["pmid"]:
            assert ">PubMed " not in html, row["study"]


def test_condition_cards_mark_unverified_studies(client, store_kb):
    condition = next(r["condition"] for r in store_kb.rows("claim-citations")
                     if r["status"].endswith("#Unverified"))
    data = client.get(page_url(condition, ".json")).get_json()
    html = client.get(page_url(condition)).get_data(as_text=True)
    studies = [c["study"] for card in data["claims"] for c in card["citations"]]
    assert html.count(UNVERIFIED) == sum(1 for s in studies if not s["verified"])
    assert all(s["pubmed_url"] is None for s in studies if not s["pmid"])


def test_study_page_lists_every_claim_citing_it(client, store_kb):
    for row in store_kb.rows("studies-by-design"):
        data = client.get(page_url(row["study"], ".json")).get_json()
        assert len({c["iri"] for c in data["claims"]}) == row["claims"]


def test_design_page_lists_its_studies_and_level(client, store_kb):
    for row in store_kb.rows("design"):
        data = client.get(page_url(row["design"], ".json")).get_json()
        assert data["design"]["level"] == row["level"]
        assert len(data["studies"]) == row["studies"]


def test_source_page_reads_in_order_with_fidelity_counts(client, samples):
    data = client.get(samples["source"] + ".json").get_json()
    claims, url = [], samples["source"] + ".json"
    while url:  # 50 claims a page, in reading order across the pages
        page = client.get(url).get_json()
        claims += page["claims"]
        url = page["paging"]["next"]
    starts = [c["quote"]["start"] for c in claims]
    assert starts == sorted(starts) and len(data["claims"]) == min(50, len(claims))
    assert sum(f["count"] for f in data["source"]["fidelity"]) == len(claims) == data["paging"]["total"]
    html = client.get(samples["source"]).get_data(as_text=True)
    assert html.count('<article class="claim ') == len(data["claims"])
    assert 'rel="next"' in html


@pytest.mark.parametrize("phrase, slug", [("CRPS", "crps"), ("crps", "crps"), ("fibro", "fibromyalgia"),
                                          ("PTSD", "ptsd"), ("complex regional", "crps")])
def test_search_finds_conditions_by_name_and_synonym(phrase, slug, client):
    data = client.get("/search.json", query_string={"q": phrase}).get_json()
    conditions = [r for r in data["results"] if r["kind"] == "condition"]
    assert conditions[0]["page"] == f"/conditions/{slug}"
    html = client.get("/search", query_string={"q": phrase}).get_data(as_text=True)
    assert f'href="/conditions/{slug}"' in html


def test_search_finds_claims_quotes_and_studies(client, store_kb):
    study = next(s for s in store_kb.rows("studies-by-design") if s["pmid"])
    by_pmid = client.get("/search.json", query_string={"q": study["pmid"]}).get_json()["results"]
    assert [r["iri"] for r in by_pmid if r["kind"] == "study"] == [study["study"]]
    claim = store_kb.rows("claims")[0]
    words = " ".join(claim["quote"].split()[:4])
    by_quote = client.get("/search.json", query_string={"q": words}).get_json()["results"]
    assert claim["claim"] in [r["iri"] for r in by_quote]


def test_empty_search_shows_only_the_form(client):
    assert client.get("/search.json").get_json()["results"] == []
    assert "search-q" in client.get("/search").get_data(as_text=True)


def test_evidence_map_cells_link_to_their_claims(client):
    data = client.get("/evidence-map.json").get_json()
    html = client.get("/evidence-map").get_data(as_text=True)
    assert "<svg" in html and html.count("<circle") == len(data["cells"])
    for cell in data["cells"]:
        assert f'href="{cell["href"]}"' in html.replace("&amp;", "&")
        path, _, query = cell["href"].partition("?")
        claims = client.get(f"{path}.json?{query}").get_json()["claims"]
        assert len(claims) == cell["claims"], cell


def test_named_only_conditions_are_listed_under_the_map(client, store_kb):
    named_only = [r for r in store_kb.rows("conditions-overview") if not r["claims"]]
    data = client.get("/evidence-map.json").get_json()
    assert [c["iri"] for c in data["named_only"]] == [r["condition"] for r in named_only]


@pytest.mark.parametrize("ext, fmt", [("ttl", ox.RdfFormat.TURTLE), ("nt", ox.RdfFormat.N_TRIPLES),
                                      ("jsonld", ox.RdfFormat.JSON_LD), ("rdf", ox.RdfFormat.RDF_XML),
                                      ("nq", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)])
def test_download_offers_the_whole_kb_in_each_format(ext, fmt, client, store_kb):
    page = Page(client.get("/download").get_data(as_text=True))
    href = f"/download/ketamine-kb.{ext}"
    assert href in page.links
    response = client.get(href)
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert "attachment" in response.headers["Content-Disposition"]
    assert len(list(ox.parse(response.data, format=fmt))) == store_kb.stats()["triples"]


@pytest.mark.parametrize("path", ["/conditions/no-such-condition", "/claims/no-such-claim",
                                  "/studies/no-such-study", "/designs/no-such-design",
                                  "/sources/no-such-source", "/routes/no-such-route", "/no/such/page",
                                  "/conditions/bad%20slug", "/download/ketamine-kb.xls"])
def test_unknown_pages_get_a_404_page_and_the_json_error_shape(path, client):
    response = client.get(path)
    assert response.status_code == 404
    page = Page(response.get_data(as_text=True))
    assert page.h1 == ["404 Not found"] and "search" in page.text.lower()
    assert "style.css" in response.get_data(as_text=True)
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.status_code == 404
    assert set(as_json.get_json()) == {"ok", "error", "status"} and as_json.get_json()["ok"] is False


def test_a_404_offers_a_search_for_the_words_of_the_address_and_runs_no_query(app, client):
    kb = app.extensions["kb"]
    before = kb.runner.counts["queries"]
    page = Page(client.get("/no-such-page/fibro-pain").get_data(as_text=True))
    assert "/search?q=fibro+pain" in page.links
    assert kb.runner.counts["queries"] == before


def test_a_server_error_gets_the_same_page_style_and_shape(store_spec):
    app = create_app({"STORE": store_spec, "PROPAGATE_EXCEPTIONS": False})

    @app.get("/boom")
    @app.get("/boom.json")
    def boom():
        raise RuntimeError("a bug")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert Page(response.get_data(as_text=True)).h1 == ["500 Server error"]
    assert "a bug" not in response.get_data(as_text=True)
    assert client.get("/boom.json").get_json() == {
        "ok": False, "status": 500, "error": "Something went wrong on our side; the error was logged."}


def test_conditions_list_lives_on_the_home_page(client):
    response = client.get("/conditions")
    assert response.status_code == 301 and response.headers["Location"] == "/"


def test_page_slugs_round_trip(store_kb):
    for row in store_kb.rows("claims"):
        assert page_url(row["claim"]) == f"/claims/{slug_of(row['claim'])}"


def contrast(foreground, background):
    """The WCAG 2 contrast ratio of two #rrggbb colours."""
    def luminance(colour):
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


PAIRS = [("ink", "bg"), ("muted", "bg"), ("muted", "panel"), ("accent", "bg"), ("accent", "panel"),
         ("ok", "ok-bg"), ("warn", "warn-bg"), ("bad", "bad-bg"), ("na", "na-bg"), ("muted", "na-bg"),
         ("white", "fill-faithful"), ("white", "fill-mixed"), ("white", "fill-unfaithful"),
         ("white", "fill-unassessed"), ("white", "accent")]


@pytest.mark.parametrize("foreground, background", PAIRS)
def test_text_colours_are_readable(foreground, background):
    css = (Path(__file__).parent.parent / "webapp" / "static" / "style.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", css), white="#ffffff")
    assert contrast(colours[foreground], colours[background]) >= 4.5


def test_a_json_twin_links_itself_not_a_twin_of_its_twin(client):
    link = client.get("/claims.json?page=2").headers["Link"]
    assert '</claims.json?page=2>; rel="alternate"; type="application/json"' in link
    assert ".json.json" not in link
