"""A clinician in a real browser (Debian's headless Chromium, JavaScript off) against `kb serve`:
from the home page, search "CRPS", open the condition, follow a study link, read what is shown."""

import pytest
import requests

from .conftest import ROOT, artifacts

ARTIFACTS = ROOT / "test-artifacts" / "clinician"
UNVERIFIED = "Not verified — identifiers could not be checked against PubMed"

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def browser_page(chromium):
    """A page in headless Chromium with JavaScript turned off: everything must work without it."""
    artifacts("clinician")
    context = chromium.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def shoot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_from_home_to_a_study_through_search(browser_page, live_server):
    page = browser_page
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "What does the evidence say about ketamine?"
    shoot(page, "01-home")

    page.get_by_label("Search a condition, a claim or a study").fill("CRPS")
    page.get_by_label("Search a condition, a claim or a study").press("Enter")
    page.wait_for_url("**/search?q=CRPS")
    results = page.locator("li.result-condition a")
    assert "Complex regional pain syndrome (CRPS)" in results.first.inner_text()
    shoot(page, "02-search-crps")

    results.first.click()
    page.wait_for_url("**/conditions/crps")
    assert "CRPS" in page.locator("h1").inner_text()
    summary = page.locator(".summary-line").inner_text()
    twin = requests.get(live_server + "/conditions/crps.json", timeout=10).json()
    assert summary == twin["summary"]["summary"]
    assert page.locator("article.claim").count() == len(twin["claims"])
    shoot(page, "03-condition-crps")

    card = next(c for c in twin["claims"] if c["citations"])
    study = card["citations"][0]["study"]
    link = page.locator(f"#claim-{card['slug']} .study-title a").first
    assert link.inner_text() == study["title"]
    link.click()
    page.wait_for_url(f"**{study['page']}")
    assert study["title"] in page.locator("h1").inner_text()
    facts = page.locator(".study-card .study-facts").inner_text()
    assert study["design"]["label"] in facts
    if study["sample_size"]:
        assert f"n={study['sample_size']}" in facts
    pubmed = page.locator(".study-card a", has_text="PubMed")
    assert pubmed.count() == (1 if study["pmid"] else 0)
    assert (page.get_by_text(UNVERIFIED).count() > 0) is not study["verified"]
    claims = page.locator("article.citing-claim h3 a").all_inner_texts()
    assert card["statement"] in claims
    shoot(page, "04-study")


def test_the_evidence_for_fibromyalgia_and_its_fidelity_in_one_click(browser_page, live_server):
    page = browser_page
    page.goto(live_server + "/")
    page.get_by_role("link", name="Fibromyalgia", exact=True).click()
    page.wait_for_url("**/conditions/fibromyalgia")
    assert page.locator(".summary-line").inner_text().startswith(
        f"{page.locator('article.claim').count()} claims")
    assert page.locator("article.claim .fidelity").count() == page.locator("article.claim").count()
    assert page.locator("article.claim blockquote.quote").count() == page.locator("article.claim").count()
    shoot(page, "05-condition-fibromyalgia")


def test_the_evidence_map_links_each_cell_to_its_claims(browser_page, live_server):
    page = browser_page
    page.goto(live_server + "/evidence-map")
    cells = page.locator("svg.evidence-map a.cell")
    assert cells.count() > 0
    shoot(page, "06-evidence-map")
    cells.first.click()
    page.wait_for_url("**/conditions/*?design=*")
    assert page.locator("article.claim").count() > 0
