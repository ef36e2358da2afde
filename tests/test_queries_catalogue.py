"""The catalogue of named questions: every query file, its page and twins, and each competency
question's answer, checked twice: on a small hand-checked world (tests/competency/fixture.ttl)
and on the curated data, against numbers rdflib computes from the data files in plain Python.
"""

import csv
import io
import math
import os
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS

from kb.namespaces import CITO, EV, ID
from kb.query.catalogue import Catalogue
from kb.sparql import protocol as sparql
from kb.sparql.sandbox import Sandbox
from kb.sparql.service import QueryService

from .conftest import DATA_DIRS, QUERIES, ROOT
from .pagecheck import Page
from .test_remote import SAMPLES as QUESTION_SAMPLES  # one place for the questions' parameters

# CONSTRUCT queries are not compared across backends, so their parameters' samples live here.
SAMPLES = {**QUESTION_SAMPLES, "assertion": "https://w3id.org/ketamine-kb/np/example#assertion",
           "dataset": "http://localhost/.well-known/void#dataset", "endpoint": "http://localhost/sparql"}
CATALOGUE = Catalogue(QUERIES)
ALL = CATALOGUE.names()
SELECTS = [q.name for q in CATALOGUE.all() if q.form == "SELECT"]
FIXTURE = Path(__file__).resolve().parent / "competency" / "fixture.ttl"
FABIO_YEAR = rdflib.URIRef("http://purl.org/spar/fabio/hasPublicationYear")


def minted(kind):
    """Return a function that makes the IRI of a resource of one kind from its slug."""
    return lambda slug: f"{ID}{kind}/{slug}"


COND, STUDY, CLAIM, DESIGN = minted("condition"), minted("study"), minted("claim"), minted("design")


def sample_params(query):
    return {p.name: SAMPLES[p.name] for p in query.params}


# ------------------------------------------------------------------ every query file

@pytest.mark.parametrize("name", ALL)
def test_every_query_file_has_its_header(name):
    query = CATALOGUE.get(name)
    assert query.title and query.question, name
    assert query.audience, f"{name}: say who asks it (# audience:)"
    assert query.columns, f"{name}: list the result columns (# columns:)"
    missing = [p.name for p in query.params if p.name not in SAMPLES]
    assert not missing, f"add a sample value for {missing} to SAMPLES (tests/test_remote.py for a SELECT)"


@pytest.mark.parametrize("name", SELECTS)
def test_every_select_returns_the_columns_its_header_promises(name, client):
    query = CATALOGUE.get(name)
    response = client.get(f"/queries/{name}.json", query_string=sample_params(query))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["answer"]["columns"] == list(query.columns)


def test_the_catalogue_lists_every_query(client):
    page = Page(client.get("/queries/").get_data(as_text=True))
    assert {f"/queries/{name}" for name in ALL} <= set(page.internal_links())
    twin = client.get("/queries.json").get_json()
    assert [q["name"] for q in twin["queries"]] == ALL
    assert client.get("/queries/.json").get_json() == twin  # the twin render.page advertises
    questions = [q for q in twin["queries"] if q["role"] == "question"]
    assert len(questions) >= 12


@pytest.mark.parametrize("name", ALL)
def test_each_query_page_shows_question_sparql_answer_and_editor_link(name, client):
    query = CATALOGUE.get(name)
    params = sample_params(query) if query.role == "question" else {}
    response = client.get(f"/queries/{name}", query_string=params)
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert page.h1 == [query.title]
    assert query.question in page.text
    last_line = [line for line in query.text.splitlines() if line.strip()][-1]
    assert "The SPARQL" in page.text and " ".join(last_line.split()) in page.text
    editor = next(href for href in page.links if href.startswith("/sparql?"))
    assert parse_qs(urlsplit(editor).query)["query"] == [query.text]
    assert any(t == "application/json" and href.startswith(f"/queries/{name}.json")
               for t, href in page.alternates)
    required = [p for p in query.params if not p.optional]
    if required and not params:
        assert "Fill in" in page.text


@pytest.mark.parametrize("name", [q.name for q in CATALOGUE.all(role="question")])
def test_the_editor_runs_every_catalogue_question(name, client):
    query = CATALOGUE.get(name)
    response = client.get("/sparql", query_string={"query": query.text},
                          headers={"Accept": "text/html"})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    assert 'id="result-meta"' in html and 'id="sparql-error"' not in html


def test_twins_take_their_parameters_from_the_url_and_bind_them(client, data):
    crps = client.get("/queries/routes-by-condition.json", query_string={"condition": "cond:crps"}).get_json()
    assert crps["params"] == {"condition": "cond:crps"}
    assert {r["condition"] for r in crps["answer"]["rows"]} == {COND("crps")}
    table = client.get("/queries/routes-by-condition.csv", query_string={"condition": "cond:crps"})
    assert table.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert rows and {r["condition"] for r in rows} == {COND("crps")}
    nothing = client.get("/queries/routes-by-condition.json", query_string={"condition": "cond:no-such"})
    assert nothing.get_json()["answer"]["rows"] == []


@pytest.mark.parametrize("value", [
    "cond:crps> } UNION { ?s ?p ?o", "<https://w3id.org/ketamine-kb/id/condition/crps>",
    'cond:crps" . ?s ?p ?o', "javascript:alert(1) x",
])
def test_a_parameter_is_never_pasted_into_the_query(value, client):
    response = client.get("/queries/routes-by-condition.json", query_string={"condition": value})
    assert response.status_code == 400
    assert response.get_json()["ok"] is False and "IRI" in response.get_json()["error"]
    page = client.get("/queries/routes-by-condition", query_string={"condition": value})
    assert page.status_code == 400 and "is not an absolute IRI" in page.get_data(as_text=True)


@pytest.mark.parametrize("path, status", [
    ("/queries/no-such-query", 404), ("/queries/no-such-query.json", 404),
    ("/queries/routes-by-condition.json?colour=blue", 400),
    ("/queries/claims-for-condition.json?condition=not%20an%20iri", 400),
    ("/queries/claims-for-condition.csv", 400), ("/queries/void-description.csv", 406),
])
def test_catalogue_errors_get_the_right_status(path, status, client):
    response = client.get(path)
    assert response.status_code == status
    if path.endswith(".json"):
        assert response.get_json()["status"] == status
    if path.endswith(".csv"):
        assert response.mimetype == "text/plain"


# ------------------------------------------------------------------ a hand-checked world

@pytest.fixture(scope="module")
def fixture_service(tmp_path_factory):
    """The real vocabularies plus tests/competency/fixture.ttl, served by the worker sandbox."""
    folder = tmp_path_factory.mktemp("competency")
    store = ox.Store(str(folder / "build"))
    files = [*sorted((ROOT / "ontology").glob("*.ttl")), *sorted((ROOT / "data" / "vocab").glob("*.ttl")),
             FIXTURE]
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                        to_graph=ox.NamedNode(f"https://w3id.org/ketamine-kb/graph/{path.name}"))
    store.flush()
    del store
    os.symlink("build", folder / "store")
    service = QueryService(Sandbox(folder / "store", workers=1, timeout=10), CATALOGUE)
    yield service
    service.close()


def fixture_rows(service, name, **params):
    return sparql.rows_of(service.run_named(CATALOGUE.get(name), params)).rows


def picked(rows, *columns):
    return [tuple(row[c] for c in columns) for row in rows]


HAND_CHECKED = {
    ("studies-cited-by-several-claims", ()): (
        ("study", "claims", "conditions", "supporting", "level"),
        [(STUDY("t-rct-big"), 2, 1, 1, 2), (STUDY("t-case"), 2, 2, 1, 4)]),
    ("largest-rct-per-condition", ()): (
        ("condition", "study", "sample_size", "year", "claims"),
        [(COND("fibromyalgia"), STUDY("t-rct-big"), 100, 2015, 1)]),
    ("conditions-by-strongest-evidence", ()): (
        ("condition", "claims", "studies", "strongest_level", "designs"),
        [(COND("fibromyalgia"), 3, 3, 1, "Systematic review / meta-analysis"),
         # the rat study behind a crps claim is not evidence in patients: one study counts
         (COND("crps"), 2, 1, 4, "Case report"), (COND("ptsd"), 2, 0, None, None)]),
    ("verdicts-overview", ()): (
        ("verdict_label", "claims", "percent"),
        [("exact", 1, 14.3), ("rounded", 1, 14.3), ("overstated", 3, 42.9), ("mismatch", 1, 14.3),
         ("not assessable", 1, 14.3)]),
    ("discrepancy-counts", ()): (
        ("discrepancy_label", "claims", "overstated", "mismatch"),
        [("certainty inflated", 2, 2, 0), ("animal result presented as human", 1, 0, 1),
         ("design upgraded", 1, 1, 0), ("no source given", 1, 0, 0), ("number changed", 1, 1, 0)]),
    ("design-upgrades", ()): (
        ("claim", "asserted_level", "study", "level", "flagged"),
        [(CLAIM("c4"), 2, STUDY("t-case"), 4, True)]),
    ("claims-citing-unsupportive-studies", ()): (
        ("claim", "study", "direction_label", "verdict_label"),
        [(CLAIM("c7"), STUDY("t-case"), "does not support", "overstated"),
         (CLAIM("c2"), STUDY("t-rct-big"), "mentions", "overstated")]),
    ("claims-by-topic", ()): (
        ("topic", "claims", "faithful", "overstated", "mismatch", "not_assessable"),
        [("efficacy", 4, 2, 1, 0, 1), ("mechanism", 1, 0, 0, 1, 0), ("numbers", 1, 0, 1, 0, 0),
         ("study", 1, 0, 1, 0, 0)]),
    ("routes-by-condition", ()): (
        ("condition", "route_label", "claims"),
        [(COND("crps"), "Intravenous infusion", 1), (COND("crps"), "Not stated", 1),
         (COND("fibromyalgia"), "Intravenous infusion", 2), (COND("fibromyalgia"), "Oral", 1),
         (COND("ptsd"), "Intravenous infusion", 2)]),
    ("routes-by-condition", (("condition", "cond:ptsd"),)): (
        ("condition", "route_label", "claims"), [(COND("ptsd"), "Intravenous infusion", 2)]),
    ("evidence-age-by-condition", ()): (
        ("condition", "studies", "oldest", "newest"),
        [(COND("crps"), 2, 2005, 2012), (COND("fibromyalgia"), 3, 2010, 2020)]),
}


@pytest.mark.parametrize("name, params", sorted(HAND_CHECKED))
def test_competency_query_on_the_hand_checked_world(name, params, fixture_service):
    columns, expected = HAND_CHECKED[(name, params)]
    assert picked(fixture_rows(fixture_service, name, **dict(params)), *columns) == expected


def test_conditions_without_claims_on_the_hand_checked_world(fixture_service):
    vocab = rdflib.Graph().parse(ROOT / "data" / "vocab" / "conditions.ttl")
    named = {str(c) for c in vocab.subjects(RDF.type, EV.Condition)}
    rows = fixture_rows(fixture_service, "conditions-without-claims")
    assert {r["condition"] for r in rows} == named - {COND("fibromyalgia"), COND("crps"), COND("ptsd")}


def test_void_description_on_the_hand_checked_world(fixture_service):
    answer = fixture_service.run_named(CATALOGUE.get("void-description"),
                                       {"dataset": "http://example.org/void#d", "endpoint": "http://example.org/sparql"})
    triples = sparql.triples_of(answer)
    graph = rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef("http://example.org/void#d")
    partitions = {graph.value(p, void["class"]): int(graph.value(p, void.entities))
                  for p in graph.objects(dataset, void.classPartition)}
    assert partitions[EV.Claim] == 7 and partitions[EV.Study] == 5
    examples = set(graph.objects(dataset, void.exampleResource))
    assert {rdflib.URIRef(CLAIM("c1")), rdflib.URIRef(CLAIM("c2"))} <= examples
    assert {rdflib.URIRef(STUDY("t-case")), rdflib.URIRef(STUDY("t-meta"))} <= examples


# ------------------------------------------------------------------ the curated data

@pytest.fixture(scope="module")
def data():
    """ontology/ and data/ read by rdflib, with the facts every expectation below is built from."""
    g = rdflib.Graph()
    for path in sorted(p for d in DATA_DIRS for p in d.rglob("*.ttl")):
        g.parse(path, format="turtle")
    claims = set(g.subjects(RDF.type, EV.Claim))
    cites = defaultdict(list)  # claim -> [(study, direction)]
    for claim in claims:
        for citation in g.objects(claim, EV.citation):
            cites[claim].append((g.value(citation, CITO.hasCitedEntity), g.value(citation, EV.direction)))
    return {"g": g, "claims": claims, "cites": cites}


def level(g, study):
    return int(g.value(g.value(study, EV.studyDesign), EV.cebmLevel))


def supports(data, claim):
    return {s for s, d in data["cites"][claim] if d == EV.Supports}


def verdict(g, claim):
    return g.value(g.value(claim, EV.fidelity), EV.verdict)


def twin(client, name, **params):
    response = client.get(f"/queries/{name}.json", query_string=params)
    assert response.status_code == 200, response.get_json()
    assert not response.get_json()["answer"]["truncated"]
    return response.get_json()["answer"]["rows"]


def test_curated_studies_cited_by_several_claims(client, data):
    g, citing = data["g"], defaultdict(set)
    for claim in data["claims"]:
        for study, _ in data["cites"][claim]:
            citing[study].add(claim)
    expected = {str(s): (len(cs), len({k for c in cs for k in g.objects(c, EV.condition)}),
                         len({c for c in cs if s in supports(data, c)}), level(g, s))
                for s, cs in citing.items() if len(cs) > 1}
    rows = twin(client, "studies-cited-by-several-claims")
    assert {r["study"]: (r["claims"], r["conditions"], r["supporting"], r["level"]) for r in rows} == expected
    assert [r["claims"] for r in rows] == sorted((r["claims"] for r in rows), reverse=True)


def test_curated_largest_rct_per_condition(client, data):
    g, trials = data["g"], defaultdict(lambda: defaultdict(set))  # condition -> trial -> claims
    rct = rdflib.URIRef(DESIGN("rct"))
    for claim in data["claims"]:
        for study in supports(data, claim):
            if g.value(study, EV.studyDesign) == rct and g.value(study, EV.sampleSize) is not None:
                for condition in g.objects(claim, EV.condition):
                    trials[condition][study].add(claim)
    expected = set()
    for condition, by_trial in trials.items():
        largest = max(int(g.value(s, EV.sampleSize)) for s in by_trial)
        expected |= {(str(condition), str(s), largest, len(cs)) for s, cs in by_trial.items()
                     if int(g.value(s, EV.sampleSize)) == largest}
    rows = twin(client, "largest-rct-per-condition")
    assert set(picked(rows, "condition", "study", "sample_size", "claims")) == expected


def test_curated_conditions_by_strongest_evidence(client, data):
    g, expected = data["g"], {}
    by_condition = defaultdict(set)
    for claim in data["claims"]:
        for condition in g.objects(claim, EV.condition):
            by_condition[condition].add(claim)
    for condition, claims in by_condition.items():
        studies = {s for c in claims for s in supports(data, c)
                   if not g.value(s, EV.isAnimalStudy, default=rdflib.Literal(False)).toPython()}
        best = min((level(g, s) for s in studies), default=None)
        designs = {str(g.value(g.value(s, EV.studyDesign), SKOS.prefLabel)) for s in studies
                   if level(g, s) == best}
        expected[str(condition)] = (len(claims), len(studies), best, designs)
    rows = twin(client, "conditions-by-strongest-evidence")
    found = {r["condition"]: (r["claims"], r["studies"], r["strongest_level"],
                              set(filter(None, (r["designs"] or "").split(", ")))) for r in rows}
    assert found == expected
    levels = [r["strongest_level"] for r in rows]
    assert levels == sorted(levels, key=lambda v: (v is None, v or 0))


def test_curated_verdicts_overview(client, data):
    g, total = data["g"], len(data["claims"])
    counts = defaultdict(int)
    for claim in data["claims"]:
        counts[verdict(g, claim)] += 1
    rows = twin(client, "verdicts-overview")
    assert {r["verdict"]: r["claims"] for r in rows} == \
        {str(v): counts[v] for v in g.subjects(RDF.type, EV.FidelityVerdict)}
    for row in rows:
        assert row["percent"] == pytest.approx(math.floor(1000 * row["claims"] / total + 0.5) / 10)
    assert sum(r["claims"] for r in rows) == total


def test_curated_discrepancy_counts(client, data):
    g, expected = data["g"], defaultdict(lambda: [0, 0, 0])
    for claim in data["claims"]:
        fidelity = g.value(claim, EV.fidelity)
        for kind in set(g.objects(fidelity, EV.discrepancy)) - {EV.NoDiscrepancy}:
            expected[str(kind)][0] += 1
            expected[str(kind)][1] += verdict(g, claim) == EV.Overstated
            expected[str(kind)][2] += verdict(g, claim) == EV.Mismatch
    rows = twin(client, "discrepancy-counts")
    assert {r["discrepancy"]: [r["claims"], r["overstated"], r["mismatch"]] for r in rows} == dict(expected)


def test_curated_design_upgrades(client, data):
    g, expected = data["g"], set()
    for claim in data["claims"]:
        asserted = int(g.value(g.value(claim, EV.assertedStudyType), EV.cebmLevel))
        kinds = set(g.objects(g.value(claim, EV.fidelity), EV.discrepancy))
        for study, _ in data["cites"][claim]:
            if asserted < level(g, study):
                expected.add((str(claim), str(study), bool(kinds & {EV.DesignUpgraded, EV.WrongStudyType})))
    assert set(picked(twin(client, "design-upgrades"), "claim", "study", "flagged")) == expected


def test_curated_claims_citing_unsupportive_studies(client, data):
    expected = {(str(c), str(s), str(d)) for c in data["claims"] for s, d in data["cites"][c]
                if d in (EV.DoesNotSupport, EV.Mentions)}
    rows = twin(client, "claims-citing-unsupportive-studies")
    assert set(picked(rows, "claim", "study", "direction")) == expected
    g = data["g"]  # one row per condition the claim names
    assert len(rows) == sum(len(set(g.objects(rdflib.URIRef(c), EV.condition))) for c, _, _ in expected)


def test_curated_claims_by_topic(client, data):
    g, expected = data["g"], defaultdict(lambda: [0, 0, 0, 0, 0])
    for claim in data["claims"]:
        v = verdict(g, claim)
        for topic in {str(t) for t in g.objects(claim, EV.claimTopic)}:
            counts = expected[topic]
            counts[0] += 1
            counts[1] += v in (EV.Exact, EV.Rounded)
            counts[2] += v == EV.Overstated
            counts[3] += v == EV.Mismatch
            counts[4] += v == EV.NotAssessable
    rows = twin(client, "claims-by-topic")
    columns = ("claims", "faithful", "overstated", "mismatch", "not_assessable")
    assert {r["topic"]: [r[c] for c in columns] for r in rows} == dict(expected)


@pytest.mark.parametrize("condition", [None, "crps", "fibromyalgia"])
def test_curated_routes_by_condition(condition, client, data):
    g, expected = data["g"], defaultdict(int)
    for claim in data["claims"]:
        for named in g.objects(claim, EV.condition):
            if condition is None or named == rdflib.URIRef(COND(condition)):
                expected[(str(named), str(g.value(claim, EV.route)))] += 1
    params = {"condition": f"cond:{condition}"} if condition else {}
    rows = twin(client, "routes-by-condition", **params)
    assert {(r["condition"], r["route"]): r["claims"] for r in rows} == dict(expected)


def test_curated_evidence_age_by_condition(client, data):
    g, years = data["g"], defaultdict(dict)
    for claim in data["claims"]:
        for study in supports(data, claim):
            year = g.value(study, FABIO_YEAR)
            if year is not None:
                for condition in g.objects(claim, EV.condition):
                    years[str(condition)][study] = int(str(year))
    expected = {c: (len(ys), min(ys.values()), max(ys.values())) for c, ys in years.items()}
    rows = twin(client, "evidence-age-by-condition")
    assert {r["condition"]: (r["studies"], r["oldest"], r["newest"]) for r in rows} == expected


def test_curated_conditions_without_claims(client, data):
    g = data["g"]
    about = {k for c in data["claims"] for k in g.objects(c, EV.condition)}
    expected = {str(c) for c in g.subjects(RDF.type, EV.Condition) if c not in about}
    assert {r["condition"] for r in twin(client, "conditions-without-claims")} == expected


def test_a_query_file_names_no_unbound_parameter(client):
    """Every parameter a header declares is a variable of the query (kb/query/binding.py writes
    its term wherever the variable stands, projected or not)."""
    for query in CATALOGUE.all():
        assert all(re.search(rf"\?{p.name}\b", query.text) for p in query.params), query.name


@pytest.mark.parametrize("path", ["/queries/", "/queries/routes-by-condition?condition=cond%3Acrps",
                                  "/queries/studies-cited-by-several-claims", "/sparql"])
def test_every_link_on_the_catalogue_and_editor_pages_resolves(path, client):
    html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    for link in Page(html).internal_links():
        if link.startswith("/sparql?"):
            continue  # the editor's example links run queries: test_the_editor_runs_every_catalogue_question
        response = client.get(link, headers={"Accept": "text/html"})
        assert response.status_code < 400, f"{path} links to {link}: {response.status_code}"
