"""Real clients against a real `kb serve` on a free port: SPARQLWrapper, rdflib's SPARQLStore, curl.

They are used unchanged, the way a researcher would point them at the endpoint.
"""

import csv
import io
import json
import shutil
import subprocess

import pytest
import rdflib
import requests
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TURTLE, XML, SPARQLWrapper

from kb.namespaces import EV, ID

from .conftest import DATA_DIRS

pytestmark = pytest.mark.server
PREFIX = "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
CONDITION_LABELS = PREFIX + "SELECT ?c ?label WHERE { ?c a ev:Condition ; skos:prefLabel ?label }"
CONSTRUCT_CONDITIONS = PREFIX + ("CONSTRUCT { ?c skos:prefLabel ?label } "
                                 "WHERE { ?c a ev:Condition ; skos:prefLabel ?label }")
CRPS = ID["condition/crps"]


@pytest.fixture(scope="module")
def data():
    """The data files read by rdflib: what the clients should find."""
    graph = rdflib.Graph()
    for path in sorted(p for d in DATA_DIRS for p in d.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def labels(data):
    return {(str(c), str(data.value(c, rdflib.SKOS.prefLabel)))
            for c in data.subjects(rdflib.RDF.type, EV.Condition)}


@pytest.fixture()
def wrapper(live_server):
    return SPARQLWrapper(live_server + "/sparql")


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_as_json(method, wrapper, labels):
    wrapper.setQuery(CONDITION_LABELS)
    wrapper.setMethod(method)
    wrapper.setReturnFormat(JSON)
    result = wrapper.query().convert()
    assert {(b["c"]["value"], b["label"]["value"]) for b in result["results"]["bindings"]} == labels


def test_sparqlwrapper_select_as_xml(wrapper, labels):
    wrapper.setQuery(CONDITION_LABELS)
    wrapper.setReturnFormat(XML)
    document = wrapper.query().convert()  # an xml.dom.minidom document
    found = set()
    for result in document.getElementsByTagName("result"):
        cells = {b.getAttribute("name"): b.firstChild.firstChild.nodeValue
                 for b in result.getElementsByTagName("binding")}
        found.add((cells["c"], cells["label"]))
    assert found == labels


def test_sparqlwrapper_select_as_csv(wrapper, labels):
    wrapper.setQuery(CONDITION_LABELS)
    wrapper.setReturnFormat(CSV)
    text = wrapper.query().convert().decode("utf-8")
    assert {(row["c"], row["label"]) for row in csv.DictReader(io.StringIO(text))} == labels


def test_sparqlwrapper_construct_as_turtle(wrapper, labels):
    wrapper.setQuery(CONSTRUCT_CONDITIONS)
    wrapper.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=wrapper.query().convert(), format="turtle")
    assert {(str(s), str(o)) for s, _, o in graph} == labels


def test_sparqlwrapper_construct_as_jsonld(wrapper, labels):
    wrapper.setQuery(CONSTRUCT_CONDITIONS)
    wrapper.setReturnFormat(JSONLD)
    graph = wrapper.query().convert()  # SPARQLWrapper parses JSON-LD into an rdflib graph
    assert {(str(s), str(o)) for s, _, o in graph} == labels


@pytest.mark.parametrize("query, expected", [
    (f"ASK {{ <{CRPS}> a <{EV.Condition}> }}", True), (f"ASK {{ <{CRPS}> a <{EV.Claim}> }}", False)])
def test_sparqlwrapper_ask(query, expected, wrapper):
    wrapper.setQuery(query)
    wrapper.setReturnFormat(JSON)
    assert wrapper.query().convert()["boolean"] is expected


def test_sparqlwrapper_gets_a_syntax_error_as_an_exception(wrapper):
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    wrapper.setQuery("SELECT * WHERE { ?s ?p }")
    wrapper.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed, match="line 1, column"):
        wrapper.query()


def test_rdflib_graph_over_the_sparqlstore_reads_the_kb(live_server, data):
    graph = rdflib.Graph(store="SPARQLStore")
    graph.open(live_server + "/sparql")
    assert str(graph.value(CRPS, rdflib.SKOS.prefLabel)) == str(data.value(CRPS, rdflib.SKOS.prefLabel))
    assert set(graph.objects(CRPS, rdflib.SKOS.altLabel)) == set(data.objects(CRPS, rdflib.SKOS.altLabel))
    claims = set(graph.subjects(rdflib.RDF.type, EV.Claim))
    assert claims == set(data.subjects(rdflib.RDF.type, EV.Claim))
    rows = graph.query("SELECT ?label WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }",
                       initBindings={"c": CRPS})
    assert [str(r.label) for r in rows] == [str(data.value(CRPS, rdflib.SKOS.prefLabel))]


def test_rdflib_sparqlstore_counts_and_lists_the_graphs(live_server):
    store = SPARQLStore(live_server + "/sparql")
    total = requests.get(live_server + "/sparql", timeout=10,
                         params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}).json()
    assert len(store) == int(total["results"]["bindings"][0]["n"]["value"])
    graphs = {str(g) for g in store.contexts()}
    assert "https://w3id.org/ketamine-kb/graph/data/vocab/conditions.ttl" in graphs


def test_rdflib_sparqlstore_by_post(live_server, labels):
    store = SPARQLStore(live_server + "/sparql", method="POST", returnFormat="json")
    rows = store.query(CONDITION_LABELS)
    assert {(str(r.c), str(r.label)) for r in rows} == labels


@pytest.mark.skipif(not shutil.which("curl"), reason="needs curl")
def test_the_curl_call_from_the_issue(live_server, labels):
    done = subprocess.run(["curl", "-s", "-H", "Accept: text/csv", "--data-urlencode",
                           f"query={CONDITION_LABELS}", live_server + "/sparql"],
                          capture_output=True, text=True, timeout=30, check=True)
    assert {(row["c"], row["label"]) for row in csv.DictReader(io.StringIO(done.stdout))} == labels


def test_yasgui_style_cross_origin_calls(live_server):
    preflight = requests.options(live_server + "/sparql", timeout=10, headers={
        "Origin": "https://yasgui.triply.cc", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    answer = requests.post(live_server + "/sparql", data={"query": CONDITION_LABELS}, timeout=10,
                           headers={"Origin": "https://yasgui.triply.cc",
                                    "Accept": "application/sparql-results+json,*/*;q=0.9"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(answer.text)["head"]["vars"] == ["c", "label"]
