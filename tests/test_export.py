"""Exports researchers cite with: BibTeX, RIS, CSL-JSON, nanopublications and the claims CSV."""

import csv
import io
import json

import bibtexparser
import pytest
import rdflib

from kb.cli import main
from kb.interchange import exports, importers

from .conftest import QUERIES, SHAPES

NP = rdflib.Namespace("http://www.nanopub.org/nschema#")
EV = rdflib.Namespace("https://w3id.org/ketamine-kb/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")


@pytest.fixture(scope="module")
def records(store_kb):
    return exports.study_records(store_kb)


@pytest.fixture(scope="module")
def library(store_kb):
    return bibtexparser.parse_string(exports.export(store_kb, "bibtex").decode("utf-8"))


def test_every_study_is_a_bibtex_entry_keyed_by_its_slug(library, records):
    assert not library.failed_blocks
    assert sorted(e.key for e in library.entries) == sorted(r["slug"] for r in records)


@pytest.mark.parametrize("field,column", [("title", "title"), ("journal", "journal"), ("year", "year"),
                                          ("doi", "doi"), ("pmid", "pmid"), ("pmcid", "pmcid")])
def test_bibtex_fields_round_trip_unchanged_through_bibtexparser(library, records, field, column):
    entries = {e.key: {f.key: f.value for f in e.fields} for e in library.entries}
    for record in records:
        expected = record.get(column)
        got = entries[record["slug"]].get(field)
        assert (importers.bibtex.unescape(got) if got else None) == (str(expected) if expected else None), \
            record["slug"]


def test_a_known_author_is_written_as_reference_managers_expect(library):
    entries = {e.key: {f.key: f.value for f in e.fields} for e in library.entries}
    assert entries["jones-2018-substance-use-review"]["author"] == "Jones, J. L. and others"
    assert entries["kvarnstrom-2003-ketamine-lidocaine"]["author"] == "Kvarnström, A. and others"
    assert "author" not in entries["finkel-2007-children-cancer-pain"]


def test_the_exported_bibtex_imports_back_with_nothing_to_change(store_kb, data_copy, tmp_path):
    path = tmp_path / "kb-studies.bib"
    path.write_bytes(exports.export(store_kb, "bibtex"))
    summary = importers.run("bibtex", path, [str(d) for d in data_copy], str(SHAPES), str(QUERIES))
    assert summary["new"] == [] and summary["added"] == [] and summary["replaced"] == []
    assert len(summary["unchanged"]) == len(list(bibtexparser.parse_file(str(path)).entries))
    assert summary["written"] == []


def test_ris_has_one_record_per_study(store_kb, records):
    text = exports.export(store_kb, "ris").decode("utf-8")
    assert text.count("TY  - ") == text.count("ER  - ") == len(records)
    assert "TI  - Ketamine as an adjuvant for treatment of cancer pain in children and adolescents\n" in text
    assert "AN  - 17434801\nUR  - https://pubmed.ncbi.nlm.nih.gov/17434801/\n" in text


def test_csl_json_items_carry_the_identifiers(store_kb, records):
    items = {i["id"]: i for i in json.loads(exports.export(store_kb, "csljson"))}
    assert set(items) == {r["slug"] for r in records}
    finkel = items["finkel-2007-children-cancer-pain"]
    assert (finkel["DOI"], finkel["PMID"], finkel["issued"]) == \
        ("10.1016/j.jpain.2007.02.429", "17434801", {"date-parts": [[2007]]})
    assert items["kvarnstrom-2003-ketamine-lidocaine"]["note"] == exports.UNVERIFIED_NOTE


@pytest.fixture(scope="module")
def nanopubs(store_kb):
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=exports.export(store_kb, "nanopub"), format="trig")
    return dataset


def test_every_claim_is_a_nanopublication_of_three_graphs(nanopubs, store_kb):
    heads = list(nanopubs.subjects(rdflib.RDF.type, NP.Nanopublication))
    assert len(heads) == store_kb.stats()["claims"]
    names = {g.identifier for g in nanopubs.graphs()}
    for this in heads:
        parts = [nanopubs.value(this, p) for p in (NP.hasAssertion, NP.hasProvenance, NP.hasPublicationInfo)]
        assert len(set(parts)) == 3 and all(p in names for p in parts), this
        assertion, provenance, pubinfo = (nanopubs.graph(p) for p in parts)
        assert len(assertion) and len(provenance) and len(pubinfo)
        assert any(assertion.subjects(rdflib.RDF.type, EV.Claim))
        assert (parts[0], PROV.wasDerivedFrom, None) in provenance  # provenance is about the assertion
        assert (this, None, None) in pubinfo


def test_a_claims_nanopub_keeps_statement_quote_and_verdict_apart(store_kb):
    claim = "https://w3id.org/ketamine-kb/id/claim/lidocaine-comparison"
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=exports.nanopubs(store_kb, claim=claim), format="trig")
    base = "https://w3id.org/ketamine-kb/np/lidocaine-comparison#"
    assertion, provenance = dataset.graph(rdflib.URIRef(base + "assertion")), \
        dataset.graph(rdflib.URIRef(base + "provenance"))
    subject = rdflib.URIRef(claim)
    assert assertion.value(subject, EV.statement) is not None
    assert assertion.value(subject, EV.fidelity) is None  # the verdict is provenance, not assertion
    assert provenance.value(subject, EV.fidelity) is not None
    assert provenance.value(subject, EV.quote) is not None
    assert int(provenance.value(subject, EV.evidenceLevel)) == 3


def test_claims_csv_has_one_row_per_claim(store_kb):
    text = exports.export(store_kb, "claims-csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == store_kb.stats()["claims"]
    assert list(rows[0]) == exports.CLAIM_COLUMNS
    row = next(r for r in rows if r["claim"].endswith("/cancer-children-8-of-11"))
    assert (row["pmids"], row["responders"], row["denominator"], row["level"], row["verdict_label"]) == \
        ("17434801", "8", "11", "5", "exact")


@pytest.mark.parametrize("fmt", sorted(exports.EXPORTS))
def test_kb_export_writes_each_format(runner, fmt, tmp_path):
    out = tmp_path / exports.EXPORTS[fmt].file
    result = runner.invoke(main, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 1000


@pytest.mark.parametrize("ext,media_type,start", [
    ("bib", "application/x-bibtex", "@article{finkel-2007-children-cancer-pain,"),
    ("ris", "application/x-research-info-systems", "TY  - JOUR"),
    ("csl.json", "application/vnd.citationstyles.csl+json", "["),
])
def test_a_study_page_has_its_citation_files(client, ext, media_type, start):
    response = client.get(f"/studies/finkel-2007-children-cancer-pain.{ext}")
    assert response.status_code == 200 and response.mimetype == media_type
    assert response.get_data(as_text=True).startswith(start)
    assert f'filename="finkel-2007-children-cancer-pain.{ext}"' in response.headers["Content-Disposition"]
    assert client.get(f"/studies/no-such-study.{ext}").status_code == 404


def test_a_claim_has_its_nanopublication(client):
    response = client.get("/claims/lidocaine-comparison.nanopub.trig")
    assert response.status_code == 200 and response.mimetype == "application/trig"
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=response.get_data(as_text=True), format="trig")
    assert len(list(dataset.graphs())) >= 4
    assert client.get("/claims/no-such-claim.nanopub.trig").status_code == 404


def test_every_export_in_the_catalogue_downloads_at_its_size(client, store_kb):
    catalogue = exports.catalogue(store_kb)
    assert {e["format"] for e in catalogue} == set(exports.EXPORTS)
    for entry in catalogue:
        response = client.get(entry["href"])
        assert response.status_code == 200, entry["href"]
        assert response.mimetype == entry["media_type"]
        assert len(response.data) == entry["bytes"] or entry["format"] == "nanopub"  # nanopubs carry a time
