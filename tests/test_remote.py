"""The remote backend on a real `oxigraph serve` behind SPARQLWrapper: what only a remote store does
(the contract every engine meets is in tests/test_backends.py)."""

import json
import re

import pytest

from bench.engines import start_oxigraph
from kb import build as builder
from kb.errors import KBError, StoreUnavailable
from kb.knowledge import KnowledgeBase
from kb.query.catalogue import Catalogue
from kb.store import open_store
from kb.store.embedded import EmbeddedStore
from webapp import create_app

from .conftest import DATA_DIRS, QUERIES, SHAPES, free_port

# A value for every parameter name a named query may take; a new parameter needs a sample here.
SAMPLES = {
    "condition": "cond:fibromyalgia", "claim": "claim:cancer-74-percent",
    "study": "study:jackson-2001-burst-ketamine-audit", "design": "design:rct",
    "source": "src:sunshine-pain-2022-ketamine-infusions", "q": "crps", "resource": "cond:crps",
    "iri": "cond:crps", "concept": "cond:crps",
    "discrepancy": "ev:CertaintyInflated", "verdict": "ev:Overstated",
    "group": "group:chronic-pain", "level": "4", "limit": "10", "offset": "0", "page": "1",
    "list_page": "1", "source_page": "1", "design_page": "1",
    "assertion": "claim:cancer-74-percent", "dataset": "https://example.org/void",
    "endpoint": "https://example.org/sparql",
}


@pytest.fixture(scope="module")
def remote_spec(tmp_path_factory):
    """A real Oxigraph server on a free loopback port with the KB built into it."""
    proc, spec = start_oxigraph(tmp_path_factory.mktemp("oxigraph"))
    try:
        builder.build(spec, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
        yield spec
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def kb_for(spec):
    return KnowledgeBase(open_store(spec), Catalogue(QUERIES))


def canonical(answer):
    """Rows as sorted JSON strings, so that row order, blank node labels and the order of values
    inside a GROUP_CONCAT (unspecified by SPARQL) do not matter."""
    if isinstance(answer, list):  # CONSTRUCT and DESCRIBE: a graph (a set of triples), blank nodes renamed
        return sorted({re.sub(r"_:\S+", "_:b", str(t)) for t in answer})
    if not hasattr(answer, "rows"):
        return answer
    rows = [{k: _value(v) for k, v in row.items()} for row in answer.rows]
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in rows)


def _value(value):
    if isinstance(value, str) and value.startswith("_:"):
        return "_:b"
    if isinstance(value, str):
        return sorted(re.split(r"[\s,;]+", value))
    return value


QUESTIONS = [q.name for q in Catalogue(QUERIES).all() if q.role == "question"]


def test_a_remote_server_that_is_down_gives_a_clear_error_page():
    spec = f"sparql:http://127.0.0.1:{free_port()}/query,timeout=2"
    client = create_app({"TESTING": True, "STORE": spec}).test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "did not answer" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert client.get("/index.json").get_json()["status"] == 503


def test_both_backends_count_the_same_triples(store_spec, remote_spec):
    assert open_store(remote_spec).count() == open_store(store_spec).count() > 3000


def test_a_remote_build_never_touches_the_embedded_store(store_spec, remote_spec):
    embedded = EmbeddedStore(store_spec.split(":", 1)[1])
    before = embedded.build_id
    builder.build(remote_spec, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
    assert embedded.build_id == before


def test_a_rebuild_switches_readers_and_leaves_no_staging_graphs(remote_spec):
    store = open_store(remote_spec)
    first = store.build_id
    builder.build(remote_spec, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
    fresh = open_store(remote_spec)
    assert fresh.build_id != first
    graphs = fresh.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graphs=None,
                         default_graph=[])
    names = {row["g"].value for row in graphs}
    assert not [g for g in names if "/staging/" in g]


def test_an_empty_server_says_to_build_first(tmp_path):
    proc, spec = start_oxigraph(tmp_path / "empty")
    try:
        with pytest.raises(StoreUnavailable, match="run `kb build"):
            _ = open_store(spec).build_id
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_a_server_with_only_an_update_endpoint_is_loaded_with_sparql_update(tmp_path, store_spec):
    proc, spec = start_oxigraph(tmp_path / "update-only")
    try:
        update_only = spec.split(",gsp=")[0]  # sparql:QUERY,update=URL
        builder.build(update_only, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
        assert kb_for(update_only).stats() == kb_for(store_spec).stats()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_readers_and_builds_wait_as_long_as_the_setting_says():
    store = open_store("sparql:http://127.0.0.1:9/query,update=http://127.0.0.1:9/update,"
                       "timeout=5,build_timeout=900")
    assert (store.timeout, store.build_timeout) == (5.0, 900.0)
    assert open_store("sparql:http://127.0.0.1:9/query").build_timeout == 3600.0


def test_an_unknown_store_option_is_named():
    with pytest.raises(KBError, match="unknown option 'colour=blue'.*build_timeout="):
        open_store("sparql:http://127.0.0.1:9/query,colour=blue")
