"""The SPARQL editor (YASGUI) in Debian's headless Chromium against `kb serve`: run a query, sort
its answer, chart it, complete a prefix and a property from this KB, see where a syntax error is,
leave the editor from the keyboard, open catalogue questions; and the plain form without
JavaScript. Nothing is loaded from anywhere but the app itself, and the site's CSP holds."""

import csv
import io

import pytest
import rdflib
import requests
from playwright.sync_api import expect

from kb.namespaces import EV

from .conftest import DATA_DIRS, ROOT, artifacts

ARTIFACTS = ROOT / "test-artifacts" / "editor"
QUERY = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
         "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
         "SELECT ?condition ?label WHERE { ?condition a ev:Condition ; skos:prefLabel ?label }\n"
         "ORDER BY ?label")
COUNTS = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
          "SELECT ?condition (COUNT(?claim) AS ?claims) WHERE { ?claim ev:condition ?condition }\n"
          "GROUP BY ?condition ORDER BY ?condition")
ROWS = ".yasr table.dataTable tbody tr:visible"  # the open tab's answer

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


class Page:
    """A fresh page that may only reach the app, with what it refused and what the console said."""

    def __init__(self, browser, live_server, javascript=True):
        self.context = browser.new_context(java_script_enabled=javascript,
                                           viewport={"width": 1280, "height": 900})
        self.page = self.context.new_page()
        self.refused, self.console = [], []
        self.page.route("**/*", self.only_the_app)
        self.page.on("console", lambda m: self.console.append((m.type, m.text)))
        self.base = live_server

    def only_the_app(self, route):
        if route.request.url.startswith(self.base):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()

    def editor(self, path="/sparql"):
        self.page.goto(self.base + path)
        self.page.wait_for_selector(".yasqe .CodeMirror")
        return self.page

    def csp_refusals(self):
        return [text for kind, text in self.console if "Content Security Policy" in text]


def shoot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def editor_text(page):
    return page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.getValue()")


def set_query(page, text):
    page.evaluate("text => document.querySelector('.yasqe .CodeMirror').CodeMirror.setValue(text)", text)


def run(page):
    page.locator(".yasqe_queryButton").click()
    page.locator(".yasr .yasr_results > *").first.wait_for()


def test_type_a_query_run_it_and_see_the_rows(browser, live_server, conditions):
    view = Page(browser, live_server)
    page = view.editor()
    assert "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>" in editor_text(page)
    assert page.locator(".yasqe .cm-keyword").count() > 0, "the SPARQL mode highlights keywords"
    shoot(page, "01-editor")

    page.locator(".yasqe .CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY)
    page.keyboard.press("Escape")  # close any completion list the typing opened
    assert " ".join(editor_text(page).split()) == " ".join(QUERY.split())
    page.keyboard.press("Control+Enter")
    page.wait_for_selector(ROWS)
    assert page.locator(ROWS).count() == len(conditions)
    assert page.locator(".yasr table.dataTable thead th").all_inner_texts()[1:] == ["condition", "label"]
    first = page.locator(ROWS).first.locator("a.iri")
    assert first.get_attribute("href").startswith("/conditions/"), "IRIs link to this site's pages"
    assert first.inner_text().startswith("cond:")
    shoot(page, "02-answer")

    csv_link = page.locator("#answer-downloads a", has_text="CSV").get_attribute("href")
    table = requests.get(csv_link, timeout=10)
    assert table.headers["Content-Type"].startswith("text/csv")
    assert len(list(csv.DictReader(io.StringIO(table.text)))) == len(conditions)
    assert view.refused == [] and view.csp_refusals() == []


def counts_column(page):
    return [int(row.split("\t")[-1].strip().strip('"').split('"')[0])
            for row in page.locator(ROWS).all_inner_texts()]


def test_sort_a_count_as_a_number_and_chart_it(browser, live_server):
    view = Page(browser, live_server)
    page = view.editor()
    set_query(page, COUNTS)
    run(page)
    page.wait_for_selector(ROWS)
    header = page.locator(".yasr table.dataTable thead th", has_text="claims")
    header.click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    counts = counts_column(page)
    assert counts == sorted(counts) and counts[-1] >= 10, "9 sorts below 15"
    header.click()
    expect(header).to_have_attribute("aria-sort", "descending")
    assert counts_column(page) == sorted(counts, reverse=True)
    rows = page.locator(ROWS).count()
    page.locator(".yasr .select_chart").click()
    chart = page.wait_for_selector("#answer-chart")
    assert "Bar chart of claims" in chart.get_attribute("aria-label")
    assert page.locator("#answer-chart rect").count() == rows
    shoot(page, "03-chart")
    assert view.refused == [] and view.csp_refusals() == []


def hints(page):
    page.locator(".CodeMirror-hints li").first.wait_for()
    return page.locator(".CodeMirror-hints li").all_inner_texts()


def typing_into(view, text):
    """Open the editor with a text in it and the cursor in the editor; return the page."""
    page = view.editor()
    set_query(page, text)
    page.locator(".yasqe .CodeMirror").click()
    return page


def test_prefixes_and_properties_complete_from_this_kb(browser, live_server):
    view = Page(browser, live_server)
    page = typing_into(view, "")
    page.keyboard.type("PREFIX e")
    assert "ev: <https://w3id.org/ketamine-kb/ontology#>" in hints(page)
    page.keyboard.press("Enter")
    assert editor_text(page).startswith("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>")

    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("SELECT * WHERE { ?claim ev:condi")
    page.keyboard.press("Control+Space")
    found = hints(page)
    assert "ev:condition" in found and "ev:conditionPage" in found, found
    shoot(page, "04-completion")
    page.keyboard.press("Escape")
    page.keyboard.press("Control+A")
    page.keyboard.type("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\nSELECT * WHERE { ?s a ev:Cla")
    page.keyboard.press("Control+Space")
    assert "ev:Claim" in hints(page), "classes complete after 'a'"
    assert view.refused == [], "completion asked no outside service"


def test_a_syntax_error_is_shown_with_its_line_and_column(browser, live_server):
    view = Page(browser, live_server)
    page = view.editor()
    set_query(page, "SELECT * WHERE {\n  ?s ?p\n}")
    run(page)
    error = page.wait_for_selector("#sparql-error")
    assert "line 3, column" in error.inner_text()
    line_class = page.evaluate("document.querySelector('.yasqe .CodeMirror').CodeMirror.lineInfo(2).bgClass")
    assert line_class == "query-error-line", "the line is marked in the editor"
    expect(page.locator("#editor-announce")).to_contain_text("line 3")
    shoot(page, "05-error")

    set_query(page, "SELECT * WHERE { ?claim a ev:Claim }")
    run(page)
    page.wait_for_selector("#sparql-error")
    assert page.locator("#sparql-error").inner_text().startswith(
        "The prefix ev: is used but not declared; add PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>")
    assert "\\u{" not in page.locator("#sparql-error").inner_text(), "no Unicode ranges from the parser"


def focused_in_editor(page):
    return page.evaluate("document.activeElement === document.querySelector('.yasqe .CodeMirror textarea')")


def test_escape_then_tab_leaves_the_editor(browser, live_server):
    page = typing_into(Page(browser, live_server), "SELECT * WHERE {\n}")
    page.keyboard.press("Tab")
    assert focused_in_editor(page), "Tab alone indents"
    assert page.locator(".yasqe .CodeMirror textarea").get_attribute("aria-label").startswith("SPARQL query")
    page.keyboard.press("Escape")
    expect(page.locator("#editor-announce")).to_contain_text("Press Tab to leave the editor")
    page.keyboard.press("Tab")
    assert not focused_in_editor(page), "Esc then Tab moves on"
    page.keyboard.press("Shift+Tab")
    assert focused_in_editor(page), "and Shift+Tab comes back"


def test_catalogue_questions_open_and_run_in_the_editor(browser, live_server):
    view = Page(browser, live_server)
    page = view.page
    name = "conditions-by-strongest-evidence"
    expected = len(requests.get(f"{live_server}/queries/{name}.json", timeout=10).json()["answer"]["rows"])
    page.goto(f"{live_server}/queries/{name}")
    page.get_by_role("link", name="Open it in the SPARQL editor").click()
    page.wait_for_selector(ROWS)  # the shared link runs as the editor opens
    assert page.locator(ROWS).count() == min(expected, 50)
    assert "conditions ranked" in editor_text(page).lower()
    shoot(page, "06-catalogue-question")

    counts = requests.get(f"{live_server}/queries/discrepancy-counts.json", timeout=10).json()
    page.locator("a.example", has_text="Kinds of discrepancy, counted").click()
    page.locator(".yasr table.dataTable thead th", has_text="discrepancy").first.wait_for()
    assert page.locator(ROWS).count() == len(counts["answer"]["rows"])
    assert page.locator(".tabsList .tab").count() == 2, "the example opened in a tab of its own"
    assert view.refused == []


def test_a_construct_answer_is_shown_as_turtle(browser, live_server):
    page = Page(browser, live_server).editor()
    set_query(page, "CONSTRUCT WHERE { <https://w3id.org/ketamine-kb/id/condition/crps> ?p ?o }")
    run(page)
    turtle_link = page.locator("#answer-downloads a", has_text="Turtle").get_attribute("href")
    graph = rdflib.Graph().parse(data=requests.get(turtle_link, timeout=10).text, format="turtle")
    crps = rdflib.URIRef("https://w3id.org/ketamine-kb/id/condition/crps")
    assert (crps, rdflib.RDF.type, EV.Condition) in graph
    assert "cond:crps" in page.locator(".yasr").inner_text(), "shown as subject, predicate, object rows"
    assert page.locator("#answer-downloads a", has_text="JSON-LD").count() == 1


def test_a_made_up_iri_is_never_a_link(browser, live_server):
    page = Page(browser, live_server).editor()
    set_query(page, 'SELECT ?x WHERE { BIND(IRI("javascript:alert(1)") AS ?x) }')
    run(page)
    page.wait_for_selector(ROWS)
    assert "javascript:alert(1)" in page.locator(ROWS).first.inner_text()
    assert page.locator(".yasr a[href^='javascript']").count() == 0


def test_without_javascript_the_plain_form_still_works(browser, live_server, conditions):
    view = Page(browser, live_server, javascript=False)
    page = view.page
    page.goto(live_server + "/sparql")
    page.locator("#sparql-query").fill(QUERY)
    page.get_by_role("button", name="Run query").click()
    page.wait_for_selector("#answer-table")
    assert page.locator("#answer-table tbody tr").count() == len(conditions)
    assert page.locator("#sparql-query").input_value().strip() == QUERY
    shoot(page, "07-no-javascript")
    page.locator("#sparql-format").select_option("csv")
    with page.expect_response(lambda r: r.url.endswith("/sparql")) as answer:
        page.get_by_role("button", name="Run query").click()
    assert answer.value.headers["content-type"].startswith("text/csv")
    assert view.refused == []


def test_a_shared_link_opens_the_same_query_and_runs_it(browser, live_server):
    page = Page(browser, live_server).editor()
    set_query(page, COUNTS)
    page.locator(".yasqe_share").click()
    link = page.locator(".yasqe_sharePopup input").first.input_value()
    assert link.startswith(live_server + "/sparql") and "query=" in link

    other = Page(browser, live_server)
    other.page.goto(link)
    other.page.wait_for_selector(ROWS)
    assert " ".join(editor_text(other.page).split()) == " ".join(COUNTS.split())
    assert other.page.locator(".yasr table.dataTable thead th", has_text="claims").count() == 1
