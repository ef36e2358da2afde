"""The smaller things a public site gets right: headers, HEAD, relative IRIs, well-formed XML or a
clear error, one rule for invalid UTF-8, safe Link headers, short error bodies, tidy builds."""

import os

import pytest

from kb import build as builder

from .conftest import QUERIES, SHAPES

CONSTRUCT_RELATIVE = "CONSTRUCT { <s> <p> 1 } WHERE {}"


@pytest.mark.parametrize("path", ["/", "/conditions/crps.json", "/sparql?query=ASK%7B%7D", "/no-such-page",
                                  "/download/ketamine-kb.ttl"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_head_is_answered_like_get(client):
    get = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/json"})
    head = client.head("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": "application/json"})
    assert get.status_code == head.status_code == 200
    assert head.headers["Content-Type"] == get.headers["Content-Type"] and head.data == b""


def test_relative_iris_resolve_against_the_endpoint(client):
    response = client.get("/sparql", query_string={"query": CONSTRUCT_RELATIVE},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert b"<http://localhost/s> <http://localhost/p>" in response.data


def test_rdfxml_that_xml_cannot_hold_is_a_clear_406(client):
    query = 'CONSTRUCT { <http://e.org/s> <http://e.org/p/1> "x" } WHERE {}'
    response = client.get("/sparql", query_string={"query": query, "format": "rdfxml"})
    assert response.status_code == 406 and b"does not end in a name" in response.data
    ok = client.get("/sparql", query_string={"query": query, "format": "turtle"})
    assert ok.status_code == 200


def test_xml_results_with_control_characters_are_a_clear_406(client):
    query = 'SELECT ?x WHERE { BIND("a\\u0001b" AS ?x) }'
    response = client.get("/sparql", query_string={"query": query, "format": "xml"})
    assert response.status_code == 406 and b"control characters" in response.data
    assert client.get("/sparql", query_string={"query": query, "format": "json"}).status_code == 200


def test_invalid_utf8_in_a_get_is_a_400_that_says_where(client):
    response = client.get("/sparql?query=SELECT%20%FF%20WHERE%20%7B%7D")
    assert response.status_code == 400 and b"parameter query: not UTF-8" in response.data


def test_the_link_header_never_copies_the_raw_query_string(client):
    response = client.get("/search?q=a%0D%0AX-Injected:%201")
    assert "\r" not in response.headers["Link"] and "\n" not in response.headers["Link"]
    assert "X-Injected: 1" not in response.headers["Link"]


def test_a_406_does_not_echo_a_long_accept_header(client):
    accept = "application/x-nothing-" + "a" * 8000
    response = client.get("/sparql", query_string={"query": "ASK {}"}, headers={"Accept": accept})
    assert response.status_code == 406 and len(response.data) < 1000


def test_a_half_built_folder_is_removed_and_never_counted(tmp_path):
    from .conftest import DATA_DIRS

    spec = f"oxigraph:{tmp_path}/store"
    builder.build(spec, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False, shacl=False)
    serving = os.readlink(tmp_path / "store")
    (tmp_path / "store.builds" / "20000101T000000000000-killed").mkdir()  # a build killed half-way
    builder.build(spec, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False, shacl=False)
    left = sorted(p.name for p in (tmp_path / "store.builds").iterdir())
    assert "20000101T000000000000-killed" not in left
    assert serving.rsplit("/", 1)[-1] in left and len(left) == 2


def test_the_favicon_is_served_and_pages_are_compressed_for_clients_that_ask(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    page = client.get("/conditions/crps", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip"
    assert client.get("/conditions/crps").headers.get("Content-Encoding") is None


def test_the_navigation_marks_the_current_page_and_offers_every_claim(client):
    html = client.get("/studies/amr-2010-sci-gabapentin-rct").get_data(as_text=True)
    assert 'href="/studies" aria-current="page"' in html and 'href="/claims"' in html


def test_one_client_cannot_take_every_worker_and_a_full_queue_answers_at_once(store_spec):
    """With one query per client, a client's second query while its first runs is a 503 with
    Retry-After at once; another client is still answered."""
    import threading
    import time

    from webapp import create_app

    app = create_app({"TESTING": True, "STORE": store_spec, "CLIENT_QUERIES": 1, "QUERY_TIMEOUT": 3.0})
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    first = threading.Thread(target=lambda: app.test_client().get(
        "/sparql", query_string={"query": slow}, environ_base={"REMOTE_ADDR": "10.9.9.1"}))
    first.start()
    time.sleep(0.5)
    started = time.monotonic()
    second = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                   environ_base={"REMOTE_ADDR": "10.9.9.1"})
    assert second.status_code == 503 and second.headers["Retry-After"] == "2"
    assert time.monotonic() - started < 1.0, "refused at once, not after a time limit"
    other = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                  environ_base={"REMOTE_ADDR": "10.9.9.2"})
    assert other.status_code == 200
    first.join()
    app.extensions["sparql"].close()
    app.extensions["kb"].close()


def test_small_things_of_the_query_pages_and_the_claim_page(client):
    twin = client.get("/queries/study.json")  # linked from the page before its parameters are given
    assert twin.status_code == 200 and twin.get_json()["missing"] == ["study"]
    page = client.get("/queries/study").get_data(as_text=True)
    assert 'placeholder="the study (an IRI, or study:SLUG)"' in page
    assert "xsd:integer" not in client.get("/queries/stats").get_data(as_text=True)
    claim = client.get("/claims/crps-weeks-pain-free").get_data(as_text=True)
    assert claim.count('class="claim-statement"') == 0 and claim.count("<h1>") == 1


def start_serving(store_spec, **env):
    """A real `kb serve` with extra settings; returns (process, base URL)."""
    import subprocess
    import sys
    from pathlib import Path

    from .conftest import free_port, wait_for

    port = free_port()
    settings = {**os.environ, "KB_STORE": store_spec, "KB_CLIENT_QUERIES": "1", "KB_QUERY_TIMEOUT": "4",
                **env}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "kb"), "serve", "--port", str(port)],
                            env=settings, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/", proc)
    return proc, base


def second_query_status(base, first_client, second_client):
    """Run a slow query as one client; while it runs, return the status of another's quick one."""
    import threading
    import time

    import requests

    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    first = threading.Thread(target=lambda: requests.get(
        base + "/sparql", params={"query": slow}, headers={"X-Forwarded-For": first_client}, timeout=30))
    first.start()
    time.sleep(1.0)
    status = requests.get(base + "/sparql", params={"query": "ASK {}"},
                          headers={"X-Forwarded-For": second_client, "Accept": "application/json"},
                          timeout=30).status_code
    first.join()
    return status


@pytest.mark.server
def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(store_spec):
    proc, base = start_serving(store_spec, KB_TRUSTED_PROXY="127.0.0.1")
    try:
        assert second_query_status(base, "10.0.0.1", "10.0.0.2") == 200, "another client is answered"
        assert second_query_status(base, "10.0.0.1", "10.0.0.1") == 503, "the same client waits its turn"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.mark.server
def test_without_a_trusted_proxy_x_forwarded_for_is_not_believed(store_spec):
    proc, base = start_serving(store_spec)
    try:
        assert second_query_status(base, "10.0.0.1", "10.0.0.2") == 503, "a made-up header changes nothing"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_every_request_is_one_log_line_pages_included(client, caplog):
    import logging

    with caplog.at_level(logging.INFO, logger="kb.web"):
        client.get("/conditions/crps", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        client.get("/no-such-page")
    lines = [r.getMessage() for r in caplog.records if r.name == "kb.web"]
    assert len(lines) == 2
    assert lines[0].startswith("10.1.2.3 GET /conditions/crps 200 ") and lines[1].split()[3] == "404"


def test_waitress_queue_warnings_only_when_the_depth_changes_order(client):
    import logging

    from webapp.services import QueueWarnings

    queue_log = logging.getLogger("waitress.queue")
    assert any(isinstance(f, QueueWarnings) for f in queue_log.filters), "the app installs the filter"
    warnings = QueueWarnings()
    depths = [1, 2, 3, 5, 9, 10, 14, 30, 99, 120, 40, 7, 2, 1]
    passed = [d for d in depths
              if warnings.filter(logging.LogRecord("waitress.queue", logging.WARNING, "", 0,
                                                   "Task queue depth is %d", (d,), None))]
    assert passed == [1, 10, 120, 40, 7], "a line when the queue grows or shrinks by a factor of ten"


def test_queries_waiting_for_a_worker_hold_at_most_half_the_server_threads(store_spec):
    from webapp import create_app

    app = create_app({"TESTING": True, "STORE": store_spec, "THREADS": 8, "QUERY_WORKERS": 2,
                      "QUERY_QUEUE": 20})
    try:
        assert app.extensions["admission"].capacity == 4, "the other four threads stay for pages"
    finally:
        app.extensions["sparql"].close()
        app.extensions["kb"].close()


def test_downloads_are_served_from_a_store_given_by_a_relative_path(tmp_path, monkeypatch):
    """`make run` uses KB_STORE=oxigraph:.kb/store, relative to where kb serve runs."""
    from webapp import create_app

    from .conftest import build_store

    monkeypatch.chdir(tmp_path)
    app = create_app({"TESTING": True, "STORE": build_store("relative")})
    try:
        client = app.test_client()
        assert client.get("/download/ketamine-kb.ttl").status_code == 200
        audit = client.get("/audit.csv")
        assert audit.status_code == 200 and audit.data.startswith(b"section,item")
    finally:
        app.extensions["sparql"].close()
        app.extensions["kb"].close()


def test_one_client_never_runs_on_every_query_worker(store_spec):
    from webapp import create_app

    app = create_app({"TESTING": True, "STORE": store_spec, "QUERY_WORKERS": 2, "CLIENT_QUERIES": 5})
    try:
        assert app.extensions["admission"].per_client == 1, "the other worker stays for other clients"
    finally:
        app.extensions["sparql"].close()
        app.extensions["kb"].close()
