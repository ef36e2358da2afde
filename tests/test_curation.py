"""The curated article: quotes, conditions, claims, studies and their verification."""

import re
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from kb.namespaces import BIBO, EV, ID, OA

from .conftest import DATA_DIRS, SOURCE_TEXT

DATA = DATA_DIRS[1]
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
         "nine": 9, "ten": 10, "eleven": 11, "twelve": 12}
ARTICLE_TABLE = [  # the article's table of conditions treated, as printed
    "Major depression", "Anxiety", "Bipolar Disorders", "PTSD", "Postpartum depression",
    "Obsessive-compulsive disorder", "Addiction and Substance abuse", "Suicidal Ideation",
    "Migraine Headaches", "Postoperative pain", "Neuropathic pain", "diabetic neuropathic pain",
    "chemotherapy-induced neuropathic pain", "Phantom limb pain", "Post-stroke pain",
    "Complex regional pain syndrome (CRPS)", "Fibromyalgia", "Cancer pain",
]
TEXT_ONLY = ["Spinal cord injury pain", "Cluster headache", "Generalized anxiety disorder",
             "Social anxiety disorder", "Treatment-resistant depression"]


@pytest.fixture(scope="module")
def graph():
    g = rdflib.Graph()
    for path in sorted(Path(DATA).rglob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def claims(graph):
    return sorted(graph.subjects(RDF.type, EV.Claim))


def labels(graph, concept):
    return {str(x).lower() for x in graph.objects(concept, SKOS.prefLabel)} | \
        {str(x).lower() for x in graph.objects(concept, SKOS.altLabel)}


def test_the_whole_article_is_curated(graph):
    assert len(claims(graph)) >= 40


def test_every_quote_is_the_exact_source_text_at_its_offsets(graph, source_text):
    for claim in claims(graph):
        quote = graph.value(claim, EV.quote)
        exact = str(graph.value(quote, OA.exact))
        start, end = int(graph.value(quote, OA.start)), int(graph.value(quote, OA.end))
        assert source_text[start:end] == exact, f"{claim}: offsets {start}-{end} do not hold the quote"


def test_the_source_text_is_the_one_the_checksum_names(graph):
    import hashlib

    source = ID["source/sunshine-pain-2022-ketamine-infusions"]
    assert hashlib.sha256(SOURCE_TEXT.read_bytes()).hexdigest() == str(graph.value(source, EV.sha256))


@pytest.mark.parametrize("name", ARTICLE_TABLE + TEXT_ONLY)
def test_every_condition_the_article_names_is_a_concept(graph, name):
    wanted = re.sub(r"\s*\(.*\)", "", name).lower()
    found = [c for c in graph.subjects(RDF.type, EV.Condition)
             if wanted in labels(graph, c) or any(label.startswith(wanted) for label in labels(graph, c))]
    assert found, f"no condition labelled {name!r}"
    if name in ARTICLE_TABLE:
        assert any((c, EV.namedIn, None) in graph for c in found), f"{name} is in the article's table"


@pytest.mark.parametrize("synonym", ["crps", "fibro", "ptsd", "ocd", "mdd", "cipn", "gad", "trd"])
def test_clinicians_synonyms_are_labels(graph, synonym):
    assert any(synonym in labels(graph, c) for c in graph.subjects(RDF.type, EV.Condition))


def test_every_claim_has_condition_design_outcome_and_a_source_or_none(graph):
    for claim in claims(graph):
        assert list(graph.objects(claim, EV.condition)), claim
        assert graph.value(claim, EV.assertedStudyType) is not None, claim
        assert list(graph.objects(claim, EV.statedOutcome)), claim
        cited = list(graph.objects(claim, EV.citation))
        no_source = graph.value(claim, EV.noSourceGiven)
        assert bool(cited) != bool(no_source is not None and no_source.toPython()), claim


@pytest.mark.parametrize("prop", [BIBO.pmid, BIBO.doi])
def test_no_identifier_belongs_to_two_studies(graph, prop):
    seen = {}
    for study, value in graph.subject_objects(prop):
        key = str(value).lower()
        assert key not in seen, f"{value} is on {seen.get(key)} and {study}"
        seen[key] = study


def test_every_study_is_verified_with_a_record_or_marked_unverified(graph):
    for study in graph.subjects(RDF.type, EV.Study):
        status = graph.value(study, EV.verificationStatus)
        assert status in (EV.Verified, EV.Unverified), study
        if status == EV.Verified:
            records = list(graph.objects(study, EV.verification))
            assert records, study
            assert graph.value(study, BIBO.pmid) is not None


def test_every_pmid_was_seen_on_a_pubmed_or_pmc_page(graph):
    for study, pmid in graph.subject_objects(BIBO.pmid):
        pages = [(str(graph.value(v, EV.checkedAgainst)), str(graph.value(v, EV.checkedFields)))
                 for v in graph.objects(study, EV.verification)]
        assert any(re.search(r"//(pubmed\.ncbi|www\.ncbi\.nlm\.nih\.gov/pubmed|pmc\.ncbi)", url)
                   and "pmid" in fields.split() for url, fields in pages), f"{study} PMID {pmid}"


def test_unverified_studies_say_what_is_missing(graph):
    for study in graph.subjects(EV.verificationStatus, EV.Unverified):
        assert graph.value(study, SKOS.editorialNote) is not None, study


def _numbers_in(text):
    text = text.lower()
    found = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)}
    found |= {float(v) for w, v in WORDS.items() if re.search(rf"\b{w}\b", text)}
    return found


def _duration_amounts(lexical):
    """Return the amounts a duration may be written with: P7D is 7 days or 1 week."""
    amounts = {float(n) for n in re.findall(r"\d+", lexical)}
    days = re.fullmatch(r"P(\d+)D", lexical)
    if days and int(days.group(1)) % 7 == 0:
        amounts.add(int(days.group(1)) / 7)
    return amounts


def test_numbers_in_a_claims_outcome_appear_in_its_quote(graph):
    checked = 0
    for claim in claims(graph):
        quote = str(graph.value(graph.value(claim, EV.quote), OA.exact))
        numbers = _numbers_in(quote)
        for outcome in graph.objects(claim, EV.statedOutcome):
            for prop in (EV.percent, EV.responders, EV.denominator, EV.sampleSize):
                value = graph.value(outcome, prop)
                if value is not None:
                    assert float(value) in numbers, f"{claim}: {value} not in {quote!r}"
                    checked += 1
            duration = graph.value(outcome, EV.effectDuration)
            if duration is not None:
                assert _duration_amounts(str(duration)) & numbers, f"{claim}: {duration} not in {quote!r}"
                checked += 1
    assert checked >= 8


def test_every_claim_has_a_fidelity_verdict_with_a_reason(graph):
    for claim in claims(graph):
        assessment = graph.value(claim, EV.fidelity)
        assert graph.value(assessment, EV.verdict) is not None
        assert len(str(graph.value(assessment, EV.reason))) > 20
