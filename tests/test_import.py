"""kb import: studies from PubMed XML and BibTeX, conflicts, malformed files, validation first."""

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, PROV, SKOS

from kb.cli import main
from kb.errors import ValidationFailed
from kb.interchange import importers
from kb.interchange.importers import bibtex, pubmed
from kb.interchange.importers.merge import Curated, design_for
from kb.knowledge import KnowledgeBase
from kb.namespaces import BIBO, EV
from kb.query.catalogue import Catalogue
from kb.store.embedded import EmbeddedStore
from webapp import create_app

from .conftest import QUERIES, SHAPES, build_store

FIXTURES = Path(__file__).parent / "fixtures"
PUBMED = FIXTURES / "pubmed-two-studies.xml"
BIB = FIXTURES / "studies.bib"
STUDY = "https://w3id.org/ketamine-kb/id/study/"
FINKEL, JACKSON = "finkel-2007-children-cancer-pain", "jackson-2001-burst-ketamine-audit"
FINKEL_TITLE = "Ketamine as an adjuvant for treatment of cancer pain in children and adolescents"


def digest(dirs):
    """Return the checksum of every file under the folders, to prove nothing changed."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for d in dirs for p in sorted(Path(d).rglob("*")) if p.is_file()}


def run(kind, path, dirs, **options):
    return importers.run(kind, path, [str(d) for d in dirs], str(SHAPES), str(QUERIES), **options)


def remove_studies(dirs, *slugs):
    """Remove studies from a copy of the data, and the claims (which cite them)."""
    studies = dirs[1] / "studies" / "studies.ttl"
    text = studies.read_text()
    for slug in slugs:
        text, count = re.subn(rf"\nstudy:{slug} a ev:Study ;.*?(\n\n|\n?\Z)", "\n", text, flags=re.S)
        assert count == 1, slug
    studies.write_text(text)
    shutil.rmtree(dirs[1] / "claims")


def test_the_pubmed_fixture_holds_the_curated_values():
    records = {r.pmid: r for r in pubmed.parse(PUBMED)}
    assert set(records) == {"17434801", "11576800"}
    finkel = records["17434801"]
    assert (finkel.title, finkel.journal, finkel.year, finkel.doi) == \
        (FINKEL_TITLE, "J Pain", "2007", "10.1016/j.jpain.2007.02.429")
    assert records["11576800"].title.startswith('"Burst" ketamine') and records["11576800"].doi is None


def test_the_bibtex_fixture_reads_keys_authors_and_identifiers():
    records = {r.key: r for r in bibtex.parse(BIB)}
    jones = records["jones-2018-substance-use-review"]
    assert (jones.authors, jones.authors_complete, jones.doi) == \
        (["Jones JL"], False, "10.3389/fpsyt.2018.00277")
    assert records[FINKEL].pmid == "17434801"


@pytest.mark.parametrize("kind,path", [("pubmed", PUBMED), ("bibtex", BIB)])
def test_importing_studies_the_kb_already_has_changes_nothing(data_copy, kind, path):
    before = digest(data_copy)
    summary = run(kind, path, data_copy)
    assert len(summary["unchanged"]) == 2 and not summary["new"] and not summary["written"]
    assert digest(data_copy) == before


def test_importing_the_pubmed_fixture_adds_its_studies_and_they_show_in_the_app(data_copy, tmp_path):
    remove_studies(data_copy, FINKEL, JACKSON)
    summary = run("pubmed", PUBMED, data_copy)
    assert [n["entry"] for n in summary["new"]] == ["PMID 17434801", "PMID 11576800"]
    written = Path(summary["written"][0])
    assert written == data_copy[1] / "studies" / "imported-pubmed-two-studies.ttl"
    graph = rdflib.Graph().parse(written)
    study = graph.value(None, BIBO.pmid, rdflib.Literal("17434801"))
    assert graph.value(study, EV.verificationStatus) == EV.Unverified
    assert "not checked against PubMed by a curator" in str(graph.value(study, SKOS.editorialNote))
    imported_file = graph.value(study, PROV.wasDerivedFrom)
    assert "pubmed-two-studies.xml" in str(graph.value(imported_file, rdflib.RDFS.label))
    assert graph.value(study, DCTERMS.created) is not None
    assert run("pubmed", PUBMED, data_copy)["written"] == []  # a second import finds nothing new

    spec = build_store(tmp_path, data_copy)
    kb = KnowledgeBase(EmbeddedStore(spec.split(":", 1)[1]), Catalogue(QUERIES))
    assert kb.first("study", study=str(study))["title"] == FINKEL_TITLE
    client = create_app({"TESTING": True, "STORE": spec}).test_client()
    slug = str(study).rsplit("/", 1)[-1]
    assert FINKEL_TITLE in client.get(f"/studies/{slug}").get_data(as_text=True)
    assert "pmid = {17434801}" in client.get(f"/studies/{slug}.bib").get_data(as_text=True)


def test_importing_bibtex_keeps_the_key_as_the_slug(data_copy):
    remove_studies(data_copy, "jones-2018-substance-use-review")
    summary = run("bibtex", BIB, data_copy)
    assert [n["study"] for n in summary["new"]] == [STUDY + "jones-2018-substance-use-review"]
    graph = rdflib.Graph().parse(summary["written"][0])
    jones = rdflib.URIRef(STUDY + "jones-2018-substance-use-review")
    assert str(graph.value(jones, EV.firstAuthor)) == "Jones JL"


@pytest.mark.parametrize("kind,path,needles", [
    ("pubmed", FIXTURES / "pubmed-truncated.xml", ["pubmed-truncated.xml", "PMID 11576800", "line 36"]),
    ("bibtex", FIXTURES / "entry-without-key.bib", ["entry-without-key.bib", "line 13", "has no key",
                                                    FINKEL_TITLE]),
])
def test_a_malformed_file_is_refused_naming_file_and_entry_and_nothing_changes(data_copy, kind, path,
                                                                             needles):
    remove_studies(data_copy, FINKEL, "jones-2018-substance-use-review")
    before = digest(data_copy)
    with pytest.raises(importers.ImportFailed) as info:
        run(kind, path, data_copy)
    for needle in needles:
        assert needle in str(info.value)
    assert "nothing was changed" in str(info.value)
    assert digest(data_copy) == before


def curated_title_changed(data_copy):
    studies = data_copy[1] / "studies" / "studies.ttl"
    studies.write_text(studies.read_text().replace(f'"{FINKEL_TITLE}"', f'"{FINKEL_TITLE} (curated)"', 1))


def test_a_conflict_with_a_curated_value_is_reported_and_nothing_changes(data_copy):
    curated_title_changed(data_copy)
    before = digest(data_copy)
    with pytest.raises(importers.ImportConflict) as info:
        run("pubmed", PUBMED, data_copy)
    message = str(info.value)
    for needle in ("pubmed-two-studies.xml", "PMID 17434801", "title", f"{FINKEL_TITLE} (curated)",
                   "studies.ttl", "--prefer-import"):
        assert needle in message
    assert [c.field for c in info.value.conflicts] == ["title"]
    assert digest(data_copy) == before


def test_prefer_import_replaces_the_curated_value_and_says_so(data_copy):
    curated_title_changed(data_copy)
    summary = run("pubmed", PUBMED, data_copy, prefer_import=True)
    assert summary["replaced"] == [{"study": STUDY + FINKEL, "property": str(DCTERMS.title),
                                    "curated": f"{FINKEL_TITLE} (curated)", "imported": FINKEL_TITLE}]
    text = (data_copy[1] / "studies" / "studies.ttl").read_text()
    assert f'    dcterms:title "{FINKEL_TITLE}" ;\n' in text and "(curated)" not in text
    notes = rdflib.Graph().parse(data_copy[1] / "studies" / "imported-pubmed-two-studies.ttl")
    assert "(curated)" in str(notes.value(rdflib.URIRef(STUDY + FINKEL), SKOS.changeNote))


def test_an_import_whose_result_would_not_validate_writes_nothing(data_copy, tmp_path):
    remove_studies(data_copy, FINKEL)
    bad = tmp_path / "doi-as-url.bib"  # the curated DOI written as a URL, which the shapes refuse
    bad.write_text(f"@article{{{FINKEL},\n  title = {{{FINKEL_TITLE}}},\n  journal = {{J Pain}},\n"
                   "  year = {2007},\n  doi = {https://doi.org/10.1016/j.jpain.2007.02.429}\n}\n")
    before = digest(data_copy)
    with pytest.raises(ValidationFailed) as info:
        run("bibtex", bad, data_copy)
    assert "bibo:doi" in str(info.value) and str(data_copy[1]) in str(info.value)
    assert digest(data_copy) == before


@pytest.mark.parametrize("types,design", [
    (["Randomized Controlled Trial", "Journal Article"], "rct"),
    (["Case Reports"], "case-report"),
    (["Review", "Systematic Review"], "systematic-review-meta-analysis"),
    (["Meta-Analysis"], "systematic-review-meta-analysis"),
    (["Review"], "narrative-review"),
    (["Journal Article"], "not-stated"),
    ([], "not-stated"),
])
def test_publication_types_map_to_designs_by_name(types, design):
    union = Curated.load(Path(SHAPES).parent.parent / "data").union
    assert str(design_for(types, union)).endswith("/design/" + design)


def test_kb_import_on_the_command_line(runner, data_copy, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIRS", f"{data_copy[0]}:{data_copy[1]}")
    remove_studies(data_copy, FINKEL, JACKSON)
    result = runner.invoke(main, ["import", "pubmed", str(PUBMED)])
    assert result.exit_code == 0, result.output
    assert "2 new" in result.output and "imported-pubmed-two-studies.ttl" in result.output
    result = runner.invoke(main, ["import", "bibtex", str(FIXTURES / "entry-without-key.bib")])
    assert result.exit_code == 1 and "has no key" in result.output


def test_kb_import_reports_conflicts_and_exits_nonzero(runner, data_copy, monkeypatch):
    monkeypatch.setenv("KB_DATA_DIRS", f"{data_copy[0]}:{data_copy[1]}")
    curated_title_changed(data_copy)
    result = runner.invoke(main, ["import", "pubmed", str(PUBMED)])
    assert result.exit_code == 1 and "1 conflict(s)" in result.output and "PMID 17434801" in result.output
    result = runner.invoke(main, ["import", "pubmed", str(PUBMED), "--prefer-import"])
    assert result.exit_code == 0, result.output
    assert "replaced" in result.output
