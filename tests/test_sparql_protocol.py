"""/sparql speaks the W3C SPARQL 1.1 Protocol (query operation), checked with Flask's test client.

Every method, content type, parameter, format and error the protocol and issue #6 name.
Expected numbers come from rdflib reading the data files, never from the endpoint itself.
"""

import csv
import io
import json
import logging
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import rdflib

from kb.namespaces import EV
from kb.sparql.protocol import query_digest

from .conftest import DATA_DIRS

GRAPH = "https://w3id.org/ketamine-kb/graph/"
CONDITIONS_GRAPH = GRAPH + "data/vocab/conditions.ttl"
DESIGNS_GRAPH = GRAPH + "data/vocab/study-designs.ttl"
COUNT_CONDITIONS = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
                    "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a ev:Condition }")
CONDITIONS = "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\nSELECT ?c WHERE { ?c a ev:Condition }"
CONSTRUCT_CONDITIONS = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
                        "CONSTRUCT { ?c a ev:Condition } WHERE { ?c a ev:Condition }")
DESCRIBE_CRPS = "DESCRIBE <https://w3id.org/ketamine-kb/id/condition/crps>"
ASK_CRPS = "ASK { <https://w3id.org/ketamine-kb/id/condition/crps> ?p ?o }"
JSON_RESULTS = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def data():
    """The data files as rdflib reads them: the union graph, and each file's graph by its name."""
    root = DATA_DIRS[0].parent
    union, by_file = rdflib.Graph(), {}
    for path in sorted(p for d in DATA_DIRS for p in d.rglob("*.ttl")):
        graph = rdflib.Graph().parse(path, format="turtle")
        by_file[GRAPH + path.relative_to(root).as_posix()] = graph
        union += graph
    return {"union": union, "files": by_file,
            "conditions": set(union.subjects(rdflib.RDF.type, EV.Condition))}


def count_of(response):
    return int(response.get_json()["results"]["bindings"][0]["n"]["value"])


def values(response, var="c"):
    return {b[var]["value"] for b in response.get_json()["results"]["bindings"] if var in b}


# ------------------------------------------------------------------ methods and content types

@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_each_way_of_sending_a_query_gets_the_same_answer(how, client, data):
    if how == "get":
        response = client.get("/sparql", query_string={"query": COUNT_CONDITIONS})
    elif how == "post-form":
        response = client.post("/sparql", data={"query": COUNT_CONDITIONS})
    else:
        response = client.post("/sparql", data=COUNT_CONDITIONS, content_type=DIRECT)
    assert response.status_code == 200
    assert response.mimetype == JSON_RESULTS
    assert count_of(response) == len(data["conditions"])


def test_direct_post_takes_its_dataset_from_the_url(client, data):
    url = "/sparql?default-graph-uri=" + quote(CONDITIONS_GRAPH, safe="")
    response = client.post(url, data="SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", content_type=DIRECT)
    assert count_of(response) == len(data["files"][CONDITIONS_GRAPH])


@pytest.mark.parametrize("request_args, message", [
    ({"method": "POST", "data": {"format": "json"}}, "exactly one query"),
    ({"method": "GET", "query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, "has 2"),
    ({"method": "POST", "query_string": {"query": "ASK {}"}, "data": {"query": "ASK {}"}}, "has 2"),
    ({"method": "POST", "query_string": {"query": "ASK {}"}, "data": "ASK {}", "content_type": DIRECT},
     "has 2"),
    ({"method": "POST", "data": "ASK {}", "content_type": "text/plain"}, "content type"),
    ({"method": "POST", "data": '{"query": "ASK {}"}', "content_type": "application/json"}, "content type"),
    ({"method": "POST", "data": "query=ASK%7B%7D"}, "content type"),
    ({"method": "POST", "data": b"ASK { ?s ?p \"\xff\" }", "content_type": DIRECT}, "UTF-8"),
    ({"method": "GET", "query_string": {"query": "   "}}, "empty"),
    ({"method": "GET", "query_string": {"query": "ASK {}", "default-graph-uri": "not an iri"}},
     "absolute IRI"),
])
def test_a_missing_doubled_or_mistyped_query_gets_400(request_args, message, client):
    response = client.open("/sparql", headers={"Accept": JSON_RESULTS}, **request_args)
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["ok"] is False
    assert message in response.get_json()["error"]


def test_other_methods_are_not_allowed(client):
    assert client.put("/sparql", data="ASK {}", content_type=DIRECT).status_code == 405


# ------------------------------------------------------------------ the dataset

def test_the_default_graph_is_the_union_of_the_named_graphs(client, data):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = count_of(client.get("/sparql", query_string={"query": query}))
    assert union >= len(data["union"])  # plus the triples the build derives
    joined = client.get("/sparql", query_string={"query": (
        "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
        "SELECT ?d ?level WHERE { ?s ev:studyDesign ?d . ?d ev:cebmLevel ?level }")})
    assert joined.get_json()["results"]["bindings"], "a study (data/studies) joins its design (data/vocab)"


@pytest.mark.parametrize("params, expected", [
    ({"default-graph-uri": [CONDITIONS_GRAPH]}, [CONDITIONS_GRAPH]),
    ({"default-graph-uri": [CONDITIONS_GRAPH, DESIGNS_GRAPH]}, [CONDITIONS_GRAPH, DESIGNS_GRAPH]),
])
def test_default_graph_uri_replaces_the_default_graph(params, expected, client, data):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = client.get("/sparql", query_string={"query": query, **params})
    assert count_of(response) == sum(len(data["files"][g]) for g in expected)


def test_named_graph_uri_limits_the_named_graphs_and_empties_the_default(client):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.get("/sparql", query_string={"query": query, "named-graph-uri": CONDITIONS_GRAPH})
    assert values(response, "g") == {CONDITIONS_GRAPH}
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = client.get("/sparql", query_string={"query": count, "named-graph-uri": CONDITIONS_GRAPH})
    assert count_of(response) == 0


def test_from_selects_among_the_kbs_graphs_and_the_protocol_overrides_it(client, data):
    query = f"SELECT (COUNT(*) AS ?n) FROM <{CONDITIONS_GRAPH}> WHERE {{ ?s ?p ?o }}"
    assert count_of(client.get("/sparql", query_string={"query": query})) == \
        len(data["files"][CONDITIONS_GRAPH])
    overridden = client.get("/sparql", query_string={"query": query, "default-graph-uri": DESIGNS_GRAPH})
    assert count_of(overridden) == len(data["files"][DESIGNS_GRAPH])


def test_from_a_web_address_fetches_nothing(client):
    query = "SELECT (COUNT(*) AS ?n) FROM <http://127.0.0.1:9/data.ttl> FROM <file:///etc/passwd> " \
            "WHERE { ?s ?p ?o }"
    assert count_of(client.get("/sparql", query_string={"query": query})) == 0


# ------------------------------------------------------------------ answer formats

RESULT_CASES = [
    (None, None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("*/*", None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+json", None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/json", None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", None, "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", None, "text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", None, "text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml",
     ox.QueryResultsFormat.XML),
    ("text/*", None, "text/csv", ox.QueryResultsFormat.CSV),
    ("application/*;q=0.2, text/tab-separated-values;q=0.9", None, "text/tab-separated-values",
     ox.QueryResultsFormat.TSV),
    ("text/turtle, */*;q=0.1", None, "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    (None, "xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("application/sparql-results+json", "csv", "text/csv", ox.QueryResultsFormat.CSV),
    (None, "text/tab-separated-values", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
]


@pytest.mark.parametrize("limit", ["", " LIMIT 1000"])  # within the cap, the worker writes the format
@pytest.mark.parametrize("accept, fmt, media_type, parser", RESULT_CASES)
def test_select_answers_in_the_negotiated_results_format(accept, fmt, media_type, parser, limit, client,
                                                          data):
    params = {"query": CONDITIONS + limit, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    if parser == ox.QueryResultsFormat.CSV:  # lossy: pyoxigraph does not read it back
        found = {row["c"] for row in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    else:
        found = {s["c"].value for s in ox.parse_query_results(response.data, parser)}
    assert found == {str(c) for c in data["conditions"]}


@pytest.mark.parametrize("accept, parser", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", None), ("text/tab-separated-values", None),
])
@pytest.mark.parametrize("query, expected", [(ASK_CRPS, True), ("ASK { ?s ?p 'no such value' }", False)])
def test_ask_answers_in_every_results_format(accept, parser, query, expected, client):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    if parser:
        assert bool(ox.parse_query_results(response.data, parser)) is expected
    else:
        assert response.get_data(as_text=True).strip() == str(expected).lower()


GRAPH_CASES = [
    (None, None, "text/turtle", ox.RdfFormat.TURTLE),
    ("*/*", None, "text/turtle", ox.RdfFormat.TURTLE),
    ("text/turtle", None, "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", None, "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", None, "application/ld+json", ox.RdfFormat.JSON_LD),
    ("application/rdf+xml", None, "application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/trig", None, "application/trig", ox.RdfFormat.TRIG),
    ("application/n-quads", None, "application/n-quads", ox.RdfFormat.N_QUADS),
    ("application/rdf+xml;q=0.3, application/n-triples;q=0.8", None, "application/n-triples",
     ox.RdfFormat.N_TRIPLES),
    (None, "json-ld", "application/ld+json", ox.RdfFormat.JSON_LD),
    (None, "nt", "application/n-triples", ox.RdfFormat.N_TRIPLES),
]


@pytest.mark.parametrize("accept, fmt, media_type, rdf_format", GRAPH_CASES)
@pytest.mark.parametrize("query", [CONSTRUCT_CONDITIONS, DESCRIBE_CRPS])
def test_construct_and_describe_answer_in_the_negotiated_rdf_format(
        query, accept, fmt, media_type, rdf_format, client, data):
    params = {"query": query, **({"format": fmt} if fmt else {})}
    response = client.get("/sparql", query_string=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200
    assert response.mimetype == media_type
    triples = {q.triple for q in ox.parse(response.data, format=rdf_format)}
    if query == CONSTRUCT_CONDITIONS:
        assert {t.subject.value for t in triples} == {str(c) for c in data["conditions"]}
    else:
        crps = "https://w3id.org/ketamine-kb/id/condition/crps"
        described = {t.predicate.value for t in triples if t.subject.value == crps}
        # the curated files' statements, plus what the build derived about it (its evidence summary)
        store = client.application.extensions["kb"].store.raw()
        derived = {q.predicate.value for q in store.quads_for_pattern(ox.NamedNode(crps), None, None, None)
                   if "/graph/derived/" in q.graph_name.value}
        assert derived
        assert described == {str(p) for p in data["union"].predicates(rdflib.URIRef(crps))} | derived


def test_sparqlwrapper_style_repeated_format_parameters_pick_the_first_offered(client):
    params = "format=json-ld&format=application%2Fld%2Bjson&output=json-ld&query="
    response = client.get("/sparql?" + params + quote(CONSTRUCT_CONDITIONS),
                          headers={"Accept": "application/ld+json"})
    assert response.status_code == 200 and response.mimetype == "application/ld+json"


@pytest.mark.parametrize("query, accept, fmt", [
    (CONDITIONS, "text/turtle", None), (CONDITIONS, "application/ld+json", None),
    (CONSTRUCT_CONDITIONS, "application/sparql-results+json", None), (CONDITIONS, None, "pdf"),
    (CONSTRUCT_CONDITIONS, None, "csv"),
])
def test_a_format_not_offered_gets_406_listing_those_that_are(query, accept, fmt, client):
    params = {"query": query, **({"format": fmt} if fmt else {})}
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string=params, headers=headers)
    assert response.status_code == 406
    body = response.get_data(as_text=True)
    offered = "text/turtle" if "CONSTRUCT" in query else "application/sparql-results+json"
    assert offered in body
    if accept and "json" in accept:
        assert offered in response.get_json()["offered"]


# ------------------------------------------------------------------ describing the service

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")


@pytest.mark.parametrize("accept, rdflib_format, media_type", [
    ("text/turtle", "turtle", "text/turtle"), ("application/ld+json", "json-ld", "application/ld+json"),
    (None, "turtle", "text/turtle"), ("application/rdf+xml", "xml", "application/rdf+xml"),
])
def test_get_without_a_query_gives_clients_the_service_description(accept, rdflib_format, media_type, client):
    response = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = rdflib.Graph().parse(data=response.data, format=rdflib_format)
    service = graph.value(None, rdflib.RDF.type, SD.Service, any=False) or \
        next(graph.subjects(rdflib.RDF.type, SD.Service))
    assert str(graph.value(service, SD.endpoint)) == "http://localhost/sparql"
    assert SD.UnionDefaultGraph in set(graph.objects(service, SD.feature))
    assert SD.BasicFederatedQuery not in set(graph.objects(service, SD.feature))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    formats = {str(f) for f in graph.objects(service, SD.resultFormat)}
    assert {"http://www.w3.org/ns/formats/SPARQL_Results_JSON", "http://www.w3.org/ns/formats/Turtle",
            "http://www.w3.org/ns/formats/SPARQL_Results_CSV"} <= formats
    comment = str(graph.value(service, rdflib.RDFS.comment))
    assert "union of all named graphs" in comment
    dataset = graph.value(service, SD.defaultDataset)
    named = {str(graph.value(n, SD.name)) for n in graph.objects(dataset, SD.namedGraph)}
    assert CONDITIONS_GRAPH in named


def test_get_without_a_query_gives_browsers_the_editor(client):
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert 'id="sparql-query"' in html and "PREFIX ev: &lt;https://w3id.org/ketamine-kb/ontology#&gt;" in html
    assert "vendor/yasgui/yasgui.min.js" in html and "cdn" not in html.lower()


def test_void_counts_triples_classes_and_properties_and_names_examples(client, data):
    response = client.get("/.well-known/void")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = rdflib.Graph().parse(data=response.data, format="turtle")
    dataset = next(graph.subjects(rdflib.RDF.type, VOID.Dataset))
    total = count_of(client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"}))
    assert int(graph.value(dataset, VOID.triples)) == total
    assert int(graph.value(dataset, VOID.classes)) >= 10 and int(graph.value(dataset, VOID.properties)) >= 20
    partitions = {graph.value(p, VOID["class"]): int(graph.value(p, VOID.entities))
                  for p in graph.objects(dataset, VOID.classPartition)}
    assert partitions[EV.Condition] == len(data["conditions"])
    assert partitions[EV.Claim] == len(set(data["union"].subjects(rdflib.RDF.type, EV.Claim)))
    properties = {graph.value(p, VOID.property): int(graph.value(p, VOID.triples))
                  for p in graph.objects(dataset, VOID.propertyPartition)}
    assert properties[EV.slug] >= len(list(data["union"].triples((None, EV.slug, None))))
    examples = set(graph.objects(dataset, VOID.exampleResource))
    assert any((e, rdflib.RDF.type, EV.Claim) in data["union"] for e in examples)
    assert any((e, rdflib.RDF.type, EV.Study) in data["union"] for e in examples)
    assert str(graph.value(dataset, VOID.sparqlEndpoint)) == "http://localhost/sparql"
    jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json" and json.loads(jsonld.data)


# ------------------------------------------------------------------ CORS

def test_answers_allow_any_origin(client):
    response = client.get("/sparql", query_string={"query": ASK_CRPS}, headers={"Origin": "https://yasgui.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Truncated" in response.headers["Access-Control-Expose-Headers"]
    error = client.get("/sparql", query_string={"query": "SELEKT"}, headers={"Origin": "https://x.org"})
    assert error.headers["Access-Control-Allow-Origin"] == "*"


def test_a_preflight_is_answered(client):
    response = client.options("/sparql", headers={
        "Origin": "https://yasgui.triply.cc", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"]


# ------------------------------------------------------------------ read-only

def triple_count(client):
    return count_of(client.get("/sparql", query_string={"query": "SELECT (COUNT(*) AS ?n) {?s ?p ?o}"}))


@pytest.mark.parametrize("request_args, status", [
    ({"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 403),
    ({"method": "POST", "data": "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
      "content_type": "application/sparql-update"}, 403),
    ({"method": "GET", "query_string": {"update": "CLEAR ALL"}}, 403),
    ({"method": "POST", "data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400),
    ({"method": "POST", "data": "DROP ALL", "content_type": DIRECT}, 400),
    ({"method": "GET", "query_string": {"query": "ASK {} ; DELETE WHERE { ?s ?p ?o }"}}, 400),
    ({"method": "GET", "query_string": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}}, 400),
])
def test_updates_are_refused_and_change_nothing(request_args, status, client):
    before = triple_count(client)
    response = client.open("/sparql", headers={"Accept": JSON_RESULTS}, **request_args)
    assert response.status_code == status
    assert "read-only" in response.get_json()["error"]
    assert triple_count(client) == before


# ------------------------------------------------------------------ SERVICE

@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "PREFIX r: <http://127.0.0.1:9/>\nSELECT * WHERE { SERVICE r:sparql { ?s ?p ?o } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/sparql> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { # a comment\n SeRvIcE\n<http://127.0.0.1:9/sparql>\n{ ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <file:///etc/passwd> { ?s ?p ?x } } }",
])
def test_service_is_refused_unless_allowed(query, client):
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 400
    assert "SERVICE" in response.get_json()["error"] and "not allowed" in response.get_json()["error"]


@pytest.mark.parametrize("query", [
    "SELECT ?service WHERE { BIND('SERVICE <http://127.0.0.1:9/>' AS ?service) }",
    "SELECT * WHERE { <http://example.org/SERVICE> ?p ?o } # SERVICE <http://127.0.0.1:9/>",
    "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:SERVICE ?o }",
])
def test_the_word_service_in_strings_iris_and_comments_is_fine(query, client):
    assert client.get("/sparql", query_string={"query": query}).status_code == 200


def test_an_allow_listed_endpoint_may_be_called(tmp_path, store_spec):
    from webapp import create_app

    allowed = "http://127.0.0.1:9/sparql"  # a port Oxigraph's client refuses to open, so no traffic
    app = create_app({"TESTING": True, "STORE": store_spec, "SERVICE_ALLOWLIST": allowed})
    try:
        client = app.test_client()
        ok = client.get("/sparql", query_string={
            "query": f"SELECT * WHERE {{ SERVICE SILENT <{allowed}> {{ ?s ?p ?o }} }}"})
        assert ok.status_code == 200
        refused = client.get("/sparql", query_string={
            "query": "SELECT * WHERE { SERVICE <http://127.0.0.1:10/sparql> { ?s ?p ?o } }"})
        assert refused.status_code == 400
        description = rdflib.Graph().parse(data=client.get("/sparql").data, format="turtle")
        assert (None, SD.feature, SD.BasicFederatedQuery) in description
    finally:
        app.extensions["sparql"].close()


# ------------------------------------------------------------------ size, nesting, syntax

@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_a_query_over_the_size_limit_gets_413(how, client):
    query = "ASK { }" + " " * 100_000 + "#"
    if how == "get":
        response = client.get("/sparql", query_string={"query": query})
    elif how == "post-form":
        response = client.post("/sparql", data={"query": query})
    else:
        response = client.post("/sparql", data=query, content_type=DIRECT)
    assert response.status_code == 413
    assert "100000" in response.get_data(as_text=True)


def test_a_huge_body_is_refused_before_it_is_read(client):
    response = client.post("/sparql", data=b"x" * 400_000, content_type=DIRECT)
    assert response.status_code == 413


@pytest.mark.parametrize("query, word", [
    ("SELECT * WHERE " + "{" * 5000 + "}" * 5000, "nests"),
    ("SELECT * WHERE { FILTER(" + "(" * 3000 + "1" + ")" * 3000 + ") }", "nests"),
    ("SELECT * WHERE { BIND(" + "+".join(["1"] * 20000) + " AS ?x) }", "chains"),
    ("SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 5000) + " ?o }", "chains"),
    ("SELECT * WHERE { ?s ?p ?o " + " ".join(["MINUS { ?s <urn:x> ?o }"] * 3000) + " }", "chains"),
])
def test_deeply_nested_queries_get_400_and_the_endpoint_lives_on(query, word, client):
    response = client.post("/sparql", data={"query": query}, headers={"Accept": JSON_RESULTS})
    assert response.status_code == 400
    assert word in response.get_json()["error"]
    assert client.get("/sparql", query_string={"query": ASK_CRPS}).status_code == 200


BAD = ("PREFIX ev: <https://w3id.org/ketamine-kb/ontology#>\n"
       "SELECT * WHERE {\n  ?s ev:condition ?c .\n  FILTER(?c = )\n}")


@pytest.mark.parametrize("accept, mimetype", [
    (JSON_RESULTS, "application/json"), ("application/json", "application/json"),
    ("text/csv", "text/plain"), (None, "text/plain"), (BROWSER, "text/html"),
])
def test_a_malformed_query_gets_400_with_line_and_column_in_the_format_asked(accept, mimetype, client):
    headers = {"Accept": accept} if accept else {}
    response = client.get("/sparql", query_string={"query": BAD}, headers=headers)
    assert response.status_code == 400
    assert response.mimetype == mimetype
    text = response.get_json()["error"] if mimetype == "application/json" else response.get_data(as_text=True)
    assert "line 5, column 2" in text
    if mimetype == "application/json":
        assert response.get_json() == {"ok": False, "error": text, "status": 400}
    if mimetype == "text/html":
        assert 'id="sparql-error"' in text and "?s ev:condition ?c" in text  # the editor keeps the query


# ------------------------------------------------------------------ row cap and the log

@pytest.fixture()
def capped_client(store_spec):
    from webapp import create_app

    app = create_app({"TESTING": True, "STORE": store_spec, "ROW_LIMIT": 5})
    yield app.test_client()
    app.extensions["sparql"].close()


@pytest.mark.parametrize("query, rows, truncated", [
    ("SELECT * WHERE { ?s ?p ?o }", 5, True),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 3", 3, False),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 5", 5, False),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 50", 5, True),  # its own LIMIT is above the cap
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } LIMIT 50 } }", 5, True),  # a sub-select's
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 3 OFFSET 2", 3, False),
    # a value across lines is still one row
    ('SELECT ?x WHERE { VALUES ?x { """line 1\nline 2\n""" "b" "c" "d" "e" } }', 5, False),
    ('SELECT ?x WHERE { VALUES ?x { """line 1\nline 2\n""" "b" "c" "d" "e" "f" } }', 5, True),
])
def test_the_row_cap_applies_and_says_so(query, rows, truncated, capped_client):
    response = capped_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == rows
    assert response.headers["X-Row-Limit"] == "5"
    assert response.headers.get("X-Truncated") == ("true" if truncated else None)


def test_the_row_cap_applies_to_graphs_and_to_the_editor(capped_client):
    response = capped_client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                                 headers={"Accept": "application/n-triples"})
    assert len(response.get_data(as_text=True).strip().splitlines()) == 5
    assert response.headers["X-Truncated"] == "true"
    page = capped_client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"},
                             headers={"Accept": BROWSER}).get_data(as_text=True)
    assert "cut at the row limit of 5" in page


def test_each_request_is_logged_with_status_duration_and_query_hash(client, caplog):
    with caplog.at_level(logging.INFO, logger="kb.web"):
        client.get("/sparql", query_string={"query": ASK_CRPS})
        client.get("/sparql", query_string={"query": "SELEKT"})
    lines = [r.getMessage() for r in caplog.records if r.name == "kb.web"]
    assert any(" 200 " in line and query_digest(ASK_CRPS) in line and "ms" in line for line in lines)
    assert any(" 400 " in line and query_digest("SELEKT") in line for line in lines)


# ------------------------------------------------------------------ the editor page

HOSTILE = ('SELECT ?x ?label WHERE { BIND(IRI("javascript:alert(1)") AS ?x) '
           'BIND("<script>alert(2)</script>" AS ?label) }')


def test_the_editor_never_links_an_iri_a_query_made_up_nor_runs_its_text(client):
    html = client.get("/sparql", query_string={"query": HOSTILE}, headers={"Accept": BROWSER}) \
        .get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert "<script>alert(2)</script>" not in html and "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_the_editor_answer_links_kb_iris_to_their_pages(client):
    page = client.get("/sparql", query_string={"query": CONDITIONS}, headers={"Accept": BROWSER})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'href="/conditions/crps"' in html
    assert 'download="answer.csv"' in html and "format=csv" in html


def test_a_browser_reads_the_descriptions_as_turtle_text(client):
    for path in ("/.well-known/void", "/sparql?format=turtle"):
        response = client.get(path, headers={"Accept": BROWSER})
        assert response.status_code == 200
        rdflib.Graph().parse(data=response.data, format="turtle")
    assert client.get("/.well-known/void", headers={"Accept": BROWSER}).mimetype == "text/plain"
    assert client.get("/sparql?format=turtle", headers={"Accept": BROWSER}).mimetype == "text/turtle"
