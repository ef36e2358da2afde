"""The audit: `kb audit` in text, JSON and CSV, the /audit page, and more than one source."""

import csv
import hashlib
import io
import json
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF

from kb.cli import main
from kb.interchange import audit as auditing
from kb.knowledge import KnowledgeBase
from kb.namespaces import CITO, EV
from kb.query.catalogue import Catalogue
from kb.store.embedded import EmbeddedStore
from webapp import create_app

from .conftest import DATA_DIRS, QUERIES, build_store
from .pagecheck import Page

SOURCE = "https://w3id.org/ketamine-kb/id/source/sunshine-pain-2022-ketamine-infusions"
CLAIM = "https://w3id.org/ketamine-kb/id/claim/"

# A second source document made up for the multi-source test: a one-sentence text and one
# claim with no source given. Not a real article; it lives only in a temporary copy of data/.
SECOND_TEXT = "Ketamine infusions give permanent relief to every patient.\n"
SECOND_SOURCE = """
@prefix ev: <https://w3id.org/ketamine-kb/ontology#> .
@prefix src: <https://w3id.org/ketamine-kb/id/source/> .
@prefix claim: <https://w3id.org/ketamine-kb/id/claim/> .
@prefix cond: <https://w3id.org/ketamine-kb/id/condition/> .
@prefix design: <https://w3id.org/ketamine-kb/id/design/> .
@prefix route: <https://w3id.org/ketamine-kb/id/route/> .
@prefix drug: <https://w3id.org/ketamine-kb/id/intervention/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <http://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
src:test-second-source a ev:SourceDocument ;
    ev:slug "test-second-source" ;
    dcterms:title "Test fixture: a second source (not a real article)" ;
    dcterms:creator "Test suite" ;
    dcterms:date "2026-01-01"^^xsd:date ;
    schema:url <https://example.org/test-second-source> ;
    ev:localCopy "sources/test-second-source.txt" ;
    ev:sha256 "SHA" .
claim:test-permanent-relief a ev:Claim ;
    ev:slug "test-permanent-relief" ;
    ev:source src:test-second-source ;
    ev:statement "Ketamine infusions give permanent relief to every patient." ;
    ev:claimTopic "efficacy" ;
    ev:condition cond:chronic-pain ;
    ev:intervention drug:ketamine ;
    ev:route route:iv-infusion ;
    ev:assertedStudyType design:author-opinion ;
    ev:statedOutcome [ a ev:Outcome ; ev:outcomeText "permanent relief" ] ;
    ev:quote [ a ev:Quote ; ev:source src:test-second-source ;
        oa:exact "Ketamine infusions give permanent relief to every patient." ;
        oa:start "0"^^xsd:nonNegativeInteger ; oa:end "58"^^xsd:nonNegativeInteger ] ;
    ev:noSourceGiven true ;
    ev:fidelity <https://w3id.org/ketamine-kb/id/assessment/test-second-claim> .

<https://w3id.org/ketamine-kb/id/assessment/test-second-claim> a ev:FidelityAssessment ;
        ev:verdict ev:NotAssessable ; ev:discrepancy ev:NoSource ; ev:lastReviewed "2026-11-29"^^xsd:date ;
        ev:review [ a ev:Review ; ev:reviewerRole "test" ; prov:endedAtTime "2026-11-29"^^xsd:date ;
                    ev:change "First assessment." ] ;
        ev:reason "A test claim with no source given." ; prov:wasAttributedTo "Test suite" .
"""


@pytest.fixture(scope="module")
def report(store_kb):
    return auditing.build(store_kb)


@pytest.fixture(scope="module")
def data():
    graph = rdflib.Graph()
    for path in sorted(Path(DATA_DIRS[1]).rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def section(report, key):
    return next(s for s in report["sections"] if s["key"] == key)


def test_the_counts_agree_with_the_curated_data(report, data):
    claims = set(data.subjects(RDF.type, EV.Claim))
    no_source = {c for c in claims if (c, EV.noSourceGiven, rdflib.Literal(True)) in data}
    unverified = {c for c in claims for cit in data.objects(c, EV.citation)
                  if (data.value(cit, CITO.hasCitedEntity), EV.verificationStatus, EV.Unverified) in data}
    rated = {c for c in claims
             if data.value(data.value(c, EV.fidelity), EV.verdict) in (EV.Overstated, EV.Mismatch)}
    assert report["counts"]["no-source"] == len(no_source) > 0
    assert report["counts"]["unverified-study"] == len(unverified) > 0
    assert report["counts"]["discrepancies"] == len(rated) > 0


def test_discrepancies_are_grouped_by_type_and_are_overstated_or_mismatch(report):
    groups = section(report, "discrepancies")["groups"]
    labels = [g["label"] for g in groups]
    assert "certainty inflated" in labels and "animal result presented as human" in labels
    for group in groups:
        assert {r["discrepancy_label"] for r in group["rows"]} == {group["label"]}
        assert {r["verdict_label"] for r in group["rows"]} <= {"overstated", "mismatch"}


def test_changed_numbers_are_shown_claimed_beside_reported(report):
    rows = section(report, "numbers-changed")["rows"]
    pairs = {(r["claim"].removeprefix(CLAIM), r["measure"], r["claimed"], r["reported"]) for r in rows}
    assert ("cancer-74-percent", "percent", "74", "74.3") in pairs


def test_animal_results_presented_as_human_are_found(report):
    claims = {r["claim"].removeprefix(CLAIM) for r in section(report, "animal-as-human")["rows"]}
    assert {"neuropathic-depression-animal", "sr-2021-anti-allodynic"} <= claims


def test_conditions_with_only_weak_evidence_are_listed(report):
    rows = section(report, "weak-conditions")["rows"]
    assert rows and all(r["best_level"] >= 4 for r in rows)
    assert "cancer-pain" in {r["slug"] for r in rows}
    assert "fibromyalgia" not in {r["slug"] for r in rows}


def test_kb_audit_prints_the_report(runner, report):
    result = runner.invoke(main, ["audit"])
    assert result.exit_code == 0, result.output
    for s in auditing.SECTIONS:
        assert f"{report['counts'][s.key]:>4}  {s.title}" in result.output
    assert "claim:neuropathic-depression-animal" in result.output
    assert "claimed 74 | reported 74.3" in result.output


def test_kb_audit_as_json_and_csv_agree(runner, report):
    as_json = json.loads(runner.invoke(main, ["audit", "--format", "json"]).output)
    assert as_json["counts"] == report["counts"]
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["audit", "--format", "csv"]).output)))
    for s in auditing.SECTIONS:
        assert len({r["item"] for r in rows if r["section"] == s.key}) == report["counts"][s.key]


@pytest.mark.parametrize("given", ["sunshine-pain-2022-ketamine-infusions",
                                   "src:sunshine-pain-2022-ketamine-infusions", SOURCE])
def test_kb_audit_takes_a_source_by_slug_curie_or_iri(runner, report, given):
    result = runner.invoke(main, ["audit", "--source", given, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["counts"] == report["counts"]


def test_kb_audit_refuses_an_unknown_source(runner):
    result = runner.invoke(main, ["audit", "--source", "no-such-source"])
    assert result.exit_code == 1
    assert "no source document 'no-such-source'" in result.output


def test_the_audit_page_shows_every_section_with_its_count(client, report):
    response = client.get("/audit")
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert page.h1 == ["Audit of the article's claims"]
    for s in auditing.SECTIONS:
        assert f'href="#{s.key}"' in response.get_data(as_text=True)
        assert f"{s.title} ({report['counts'][s.key]})" in page.text
    assert ("application/json", "/audit.json") in page.alternates
    for link in page.internal_links():
        assert client.get(link).status_code == 200, link


def test_the_audit_page_has_json_and_csv_twins(client, report):
    data = client.get("/audit.json").get_json()
    assert data["ok"] is True and data["audit"]["counts"] == report["counts"]
    response = client.get("/audit.csv")
    assert response.mimetype == "text/csv"
    assert response.get_data(as_text=True).startswith(",".join(auditing.CSV_COLUMNS))


@pytest.fixture(scope="module")
def two_sources(tmp_path_factory):
    """A store built from a copy of the data with a second (made-up) source document."""
    import shutil

    root = tmp_path_factory.mktemp("two-sources")
    for folder in DATA_DIRS:
        shutil.copytree(folder, root / folder.name)
    text = root / "data" / "sources" / "test-second-source.txt"
    text.write_text(SECOND_TEXT, encoding="utf-8")
    sha = hashlib.sha256(text.read_bytes()).hexdigest()
    (root / "data" / "sources" / "test-second-source.ttl").write_text(SECOND_SOURCE.replace("SHA", sha))
    spec = build_store(root, [root / "ontology", root / "data"])
    return spec


def test_the_audit_counts_each_source_apart(two_sources, report):
    kb = KnowledgeBase(EmbeddedStore(two_sources.split(":", 1)[1]), Catalogue(QUERIES))
    second = auditing.build(kb, "test-second-source")
    assert second["counts"]["no-source"] == 1
    assert second["counts"]["strong-language"] == 1  # "permanent relief" with no study behind it
    assert auditing.build(kb, "sunshine-pain-2022-ketamine-infusions")["counts"] == report["counts"]
    everything = auditing.build(kb)["counts"]
    assert everything["no-source"] == report["counts"]["no-source"] + 1
    client = create_app({"TESTING": True, "STORE": two_sources}).test_client()
    page = client.get("/audit.json?source=test-second-source").get_json()
    assert page["audit"]["counts"] == second["counts"]
