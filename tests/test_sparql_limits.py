"""Limits that keep a public endpoint alive: a time limit that really stops the work, a row cap,
a memory cap, and a crash in the parser that takes down only one worker process.

"Stopped" is measured, not assumed: the worker that ran the query must be gone and the CPU time
of every process left must stop growing.
"""

import threading
import time

import psutil
import pytest
import requests

from kb.errors import QueryTimeout
from kb.sparql.sandbox import ClientGone, QueryFailed, Sandbox
from webapp import create_app

LIMIT = 2.0
ASK_CRPS = "ASK { <https://w3id.org/ketamine-kb/id/condition/crps> ?p ?o }"
CARTESIAN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
VALUES_PRODUCT = ("SELECT (COUNT(*) AS ?n) WHERE { "
                  + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(1000))} }}" for i in range(3))
                  + " }")
CARTESIAN_SORTED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"


def cpu_seconds(pids):
    """Total CPU time (user + system) the live processes among pids have used."""
    total = 0.0
    for pid in pids:
        try:
            times = psutil.Process(pid).cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def gone(pid):
    """True when the process no longer exists (killed and reaped)."""
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


@pytest.fixture()
def limited(store_spec):
    """An app whose queries may run for 2 s."""
    app = create_app({"TESTING": True, "STORE": store_spec, "QUERY_TIMEOUT": LIMIT})
    yield app
    app.extensions["sparql"].close()


def run_in_thread(app, query):
    """Send a query from another thread; return the thread and where its result will be."""
    result = {}

    def send():
        started = time.monotonic()
        response = app.test_client().get("/sparql", query_string={"query": query},
                                         headers={"Accept": "application/sparql-results+json"})
        result.update(status=response.status_code, seconds=time.monotonic() - started,
                      body=response.get_json(silent=True))

    thread = threading.Thread(target=send)
    thread.start()
    return thread, result


@pytest.mark.parametrize("query", [CARTESIAN_COUNT, VALUES_PRODUCT],
                         ids=["cartesian-count", "values-product"])
def test_a_runaway_query_is_stopped_in_time_while_others_are_answered(query, limited):
    sandbox = limited.extensions["sparql"].runner
    client = limited.test_client()
    assert client.get("/sparql", query_string={"query": ASK_CRPS}).status_code == 200
    workers = sandbox.worker_pids()
    thread, result = run_in_thread(limited, query)
    time.sleep(0.5)
    started = time.monotonic()
    # Another client (one client never runs on every worker; a second query of its own waits).
    quick = client.get("/sparql", query_string={"query": ASK_CRPS}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert quick.status_code == 200 and time.monotonic() - started < 1.0
    time.sleep(0.8)
    busy = max(workers, key=lambda pid: cpu_seconds([pid]))
    assert cpu_seconds([busy]) > 0.8, "the runaway query was really working"
    thread.join(timeout=LIMIT + 5)
    assert result["status"] == 503, result
    assert result["seconds"] < LIMIT + 1.0
    assert "time limit" in result["body"]["error"]
    assert sandbox.killed[-1] == busy and gone(busy)
    survivors = sandbox.worker_pids()
    before = cpu_seconds(survivors)
    time.sleep(1.0)
    assert cpu_seconds(survivors) - before < 0.2, "no process keeps working on the stopped query"
    assert client.get("/sparql", query_string={"query": ASK_CRPS}).status_code == 200


def test_a_streaming_cartesian_product_stops_at_the_row_cap(limited):
    started = time.monotonic()
    response = limited.test_client().get("/sparql", query_string={
        "query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == 10_000
    assert response.headers["X-Truncated"] == "true" and response.headers["X-Row-Limit"] == "10000"
    assert time.monotonic() - started < LIMIT


def test_a_query_that_needs_too_much_memory_is_stopped(store_spec):
    app = create_app({"TESTING": True, "STORE": store_spec, "QUERY_TIMEOUT": 5, "QUERY_MEMORY_MB": 1024})
    try:
        client = app.test_client()
        started = time.monotonic()
        response = client.get("/sparql", query_string={"query": CARTESIAN_SORTED},
                              headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 503
        assert time.monotonic() - started < 5 + 1.0
        assert client.get("/sparql", query_string={"query": ASK_CRPS}).status_code == 200
    finally:
        app.extensions["sparql"].close()


def test_a_parser_crash_takes_down_one_worker_not_the_server(store_spec):
    sandbox = Sandbox(store_spec.split(":", 1)[1], workers=1, timeout=LIMIT)
    try:
        sandbox.run(ASK_CRPS)
        first = sandbox.worker_pids()
        deep = "SELECT * WHERE " + "{" * 20000 + "}" * 20000  # past the text checks, straight to the parser
        with pytest.raises(QueryFailed, match="too deeply nested"):
            sandbox.run(deep)
        assert gone(first[0]) and sandbox.counts["crashes"] == 1
        assert sandbox.run(ASK_CRPS).boolean is True
    finally:
        sandbox.close()


def test_a_query_whose_client_has_gone_is_stopped(store_spec):
    sandbox = Sandbox(store_spec.split(":", 1)[1], workers=1, timeout=30)
    try:
        sandbox.run(ASK_CRPS)
        worker = sandbox.worker_pids()[0]
        deadline = time.monotonic() + 0.5
        started = time.monotonic()
        with pytest.raises(ClientGone):
            sandbox.run(CARTESIAN_COUNT, cancelled=lambda: time.monotonic() > deadline)
        assert time.monotonic() - started < 1.5
        assert gone(worker) and sandbox.counts["abandoned"] == 1
    finally:
        sandbox.close()


def test_queries_wait_for_a_free_worker_only_as_long_as_the_limit(store_spec):
    sandbox = Sandbox(store_spec.split(":", 1)[1], workers=1, timeout=1.0)
    try:
        sandbox.run(ASK_CRPS)
        errors = []

        def occupy():
            try:
                sandbox.run(CARTESIAN_COUNT)
            except QueryTimeout as exc:
                errors.append(exc)

        thread = threading.Thread(target=occupy)
        thread.start()
        time.sleep(0.2)
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="busy"):
            sandbox.run(ASK_CRPS, timeout=0.3)
        assert time.monotonic() - started < 0.6
        thread.join()
        assert errors and "time limit" in str(errors[0])
        assert sandbox.run(ASK_CRPS).boolean is True
    finally:
        sandbox.close()


@pytest.mark.server
def test_over_real_http_the_limit_holds_and_cpu_use_stops(live_server):
    """`kb serve` (waitress) with KB_QUERY_TIMEOUT=3, from conftest's live_server."""
    server = next(p for p in psutil.Process().children(recursive=True)
                  if live_server.rsplit(":", 1)[1] in " ".join(p.cmdline()))
    requests.get(live_server + "/sparql", params={"query": ASK_CRPS}, timeout=10)

    def tree():
        return [server.pid] + [p.pid for p in server.children(recursive=True)]

    result = {}

    def slow():
        started = time.monotonic()
        response = requests.get(live_server + "/sparql", params={"query": CARTESIAN_COUNT}, timeout=30)
        result.update(status=response.status_code, seconds=time.monotonic() - started)

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    quick = requests.get(live_server + "/sparql", params={"query": ASK_CRPS}, timeout=10,
                         headers={"Accept": "text/csv", "X-Forwarded-For": "10.0.0.9"})  # another client
    assert quick.status_code == 200 and quick.text.strip() == "true"
    assert time.monotonic() - started < 1.0
    thread.join(timeout=15)
    assert result["status"] == 503 and result["seconds"] < 3 + 1.0, result
    pids = tree()
    before = cpu_seconds(pids)
    time.sleep(1.0)
    assert cpu_seconds(pids) - before < 0.3, "the server and its workers are idle again"


def test_sparql_workers_step_back_for_the_pages_workers(limited):
    """A runaway /sparql query competes with the pages for the cores: its workers run at a lower
    priority (KB_QUERY_NICE, 5 by default) than the pages' own workers and the web process."""
    client = limited.test_client()
    assert client.get("/sparql", query_string={"query": ASK_CRPS}).status_code == 200
    assert client.get("/conditions/crps.json").status_code == 200
    sparql = limited.extensions["sparql"].runner.worker_pids()
    pages = limited.extensions["kb"].runner.worker_pids()
    assert sparql and pages
    assert {psutil.Process(pid).nice() for pid in sparql} == {min(19, psutil.Process().nice() + 5)}
    assert {psutil.Process(pid).nice() for pid in pages} == {psutil.Process().nice()}
