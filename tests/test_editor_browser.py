"""The query editor in Debian's headless Chromium against `kb serve`: type a query, run it, see the
rows; open catalogue questions in it; and the plain form without JavaScript. Nothing is loaded
from anywhere but the app itself."""

import csv
import io

import pytest
import rdflib
import requests

from kb.namespaces import EV

from .conftest import DATA_DIRS, ROOT, artifacts

ARTIFACTS = ROOT / "test-artifacts" / "editor"
QUERY = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
         "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
         "SELECT ?condition ?label WHERE { ?condition a ev:Condition ; skos:prefLabel ?label }\n"
         "ORDER BY ?label")

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture(scope="module")
def conditions():
    graph = rdflib.Graph()
    for path in sorted(p for d in DATA_DIRS for p in d.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return set(graph.subjects(rdflib.RDF.type, EV.Condition))


@pytest.fixture(scope="module")
def browser(chromium):
    artifacts("editor")
    return chromium


def open_page(browser, live_server, javascript=True):
    """A fresh page that may only reach the app; returns it and the list of refused addresses."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    refused = []

    def only_the_app(route):
        if route.request.url.startswith(live_server):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_app)
    return page, refused


def shoot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def editor_text(page):
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def test_type_a_query_run_it_and_see_the_rows(browser, live_server, conditions):
    page, refused = open_page(browser, live_server)
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".CodeMirror")
    assert "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>" in editor_text(page)
    assert page.locator(".CodeMirror .cm-keyword").count() > 0, "the SPARQL mode highlights keywords"
    shoot(page, "01-editor")

    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY)
    assert " ".join(editor_text(page).split()) == " ".join(QUERY.split())
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#answer-table tbody tr")
    rows = page.locator("#answer-table tbody tr")
    assert rows.count() == len(conditions)
    assert page.locator("#answer-table thead th").all_inner_texts() == ["condition", "label"]
    first = rows.first.locator("a")
    assert first.get_attribute("href").startswith("/conditions/")
    assert first.inner_text().startswith("cond:")
    assert f"{len(conditions)} rows" in page.locator("#result-meta").inner_text()
    shoot(page, "02-answer")

    csv_link = page.locator("#downloads a", has_text="CSV").get_attribute("href")
    table = requests.get(live_server + csv_link, timeout=10)
    assert table.headers["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(table.text)))) == len(conditions)
    assert "query=" in page.url, "the address now holds the query, to share or reload"
    assert refused == []


def test_a_syntax_error_is_shown_with_its_line_and_column(browser, live_server):
    page, _ = open_page(browser, live_server)
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".CodeMirror")
    page.evaluate("document.querySelector('.CodeMirror').CodeMirror"
                  ".setValue('SELECT * WHERE {\\n  ?s ?p\\n}')")
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+Enter")
    error = page.wait_for_selector("#sparql-error")
    assert "line 3, column" in error.inner_text()
    shoot(page, "03-error")


def test_catalogue_questions_open_and_run_in_the_editor(browser, live_server):
    page, refused = open_page(browser, live_server)
    name = "conditions-by-strongest-evidence"
    expected = len(requests.get(f"{live_server}/queries/{name}.json", timeout=10).json()["answer"]["rows"])
    page.goto(f"{live_server}/queries/{name}")
    page.get_by_role("link", name="Open it in the SPARQL editor").click()
    page.wait_for_selector(".CodeMirror")
    assert page.locator("#answer-table tbody tr").count() == expected  # answered as the page loads
    assert "conditions ranked" in editor_text(page).lower()
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#answer-table tbody tr")
    assert page.locator("#answer-table tbody tr").count() == expected
    shoot(page, "04-catalogue-question")

    counts = requests.get(f"{live_server}/queries/discrepancy-counts.json", timeout=10).json()
    page.locator("a.example", has_text="Kinds of discrepancy, counted").click()
    # (a locator, not wait_for_function: the site's CSP rightly refuses eval)
    page.locator("#answer-table thead th", has_text="discrepancy").first.wait_for()
    assert page.locator("#answer-table tbody tr").count() == len(counts["answer"]["rows"])
    assert refused == []


def run_in_editor(browser, live_server, query):
    """Open the editor, type a query into it and press Run; return the page."""
    page, _ = open_page(browser, live_server)
    page.goto(live_server + "/sparql")
    page.wait_for_selector(".CodeMirror")
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", query)
    page.get_by_role("button", name="Run query").click()
    return page


def test_a_construct_answer_is_shown_as_turtle(browser, live_server):
    page = run_in_editor(browser, live_server,
                         "CONSTRUCT WHERE { <https://w3id.org/ketamine-kb/id/condition/crps> ?p ?o }")
    turtle = page.wait_for_selector("#graph-answer").inner_text()
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    crps = rdflib.URIRef("https://w3id.org/ketamine-kb/id/condition/crps")
    assert (crps, rdflib.RDF.type, EV.Condition) in graph
    assert page.locator("#downloads a", has_text="JSON-LD").count() == 1


def test_a_made_up_iri_is_never_a_link(browser, live_server):
    page = run_in_editor(browser, live_server, 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }')
    cell = page.wait_for_selector("#answer-table tbody td")
    assert cell.inner_text() == "javascript:alert(1)"
    assert page.locator("#answer-table a").count() == 0


def test_without_javascript_the_plain_form_still_works(browser, live_server, conditions):
    page, refused = open_page(browser, live_server, javascript=False)
    page.goto(live_server + "/sparql")
    page.locator("#sparql-query").fill(QUERY)
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#answer-table")
    assert page.locator("#answer-table tbody tr").count() == len(conditions)
    assert page.locator("#sparql-query").input_value().strip() == QUERY
    shoot(page, "05-no-javascript")
    page.locator("#sparql-format").select_option("csv")
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.get_by_role("button", name="Run query").click()
    assert answer.value.headers["content-type"].startswith("text/csv")
    assert refused == []
