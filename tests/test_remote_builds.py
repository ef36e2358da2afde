"""Builds on a remote store, against a real `oxigraph serve`: the switch is one pointer update,
old builds are dropped, an interrupted upload resumes, the build's own graph names stay out of the
answers, and two `kb serve` replicas over one server never show a mix of two builds."""

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from bench.engines import start_oxigraph
from kb import build as builder
from kb.store import open_store
from webapp import create_app

from .conftest import DATA_DIRS, QUERIES, ROOT, SHAPES, free_port, wait_for
from .test_remote import kb_for

pytestmark = pytest.mark.server
GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def build(spec, dirs=DATA_DIRS):
    return builder.build(spec, [str(d) for d in dirs], str(SHAPES), str(QUERIES), verbose=False)


def server_graphs(spec):
    """The graphs the server holds, asked of it directly (not through the KB)."""
    url = spec.split(":", 1)[1].split(",")[0]
    answer = requests.post(url, data={"query": GRAPHS}, headers={"Accept": "application/sparql-results+json"},
                           timeout=30).json()
    return {row["g"]["value"] for row in answer["results"]["bindings"]}


@pytest.fixture
def server(tmp_path):
    proc, spec = start_oxigraph(tmp_path / "oxigraph")
    yield proc, f"{spec},artefacts={tmp_path}/artefacts", tmp_path
    proc.kill()
    proc.wait(timeout=10)


def test_the_switch_is_one_small_update_and_only_two_builds_stay_on_the_server(server, store_spec):
    _, spec, _ = server
    infos = [build(spec) for _ in range(3)]
    assert all(info["stages"]["switch"] < 1 for info in infos)
    ids = [info["build"] for info in infos]
    held = {g.split("/build/")[1].split("/")[0] for g in server_graphs(spec) if "/build/" in g}
    assert held == set(ids[1:])  # the current build and the one before it, for readers still on it
    assert open_store(spec).build_id == ids[2]
    assert kb_for(spec).stats() == kb_for(store_spec).stats()


def test_answers_name_the_kbs_graphs_not_the_builds(server, store_spec):
    _, spec, _ = server
    build(spec)
    remote = {row["g"].value for row in open_store(spec).query(GRAPHS, default_graph=[])}
    embedded = {row["g"].value for row in open_store(store_spec).query(GRAPHS, default_graph=[])}
    assert remote == embedded and not [g for g in remote if "/build/" in g]
    one = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/ketamine-kb/graph/data/claims/pain.ttl> "
           "{ ?s ?p ?o } }")
    counts = [int(next(iter(open_store(s).query(one, default_graph=[])))["n"].value)
              for s in (spec, store_spec)]
    assert counts[0] == counts[1] > 100


def kb_build(spec):
    """`kb build` as a user runs it, in the repository, on the bundled data."""
    return subprocess.Popen([str(Path(sys.executable).parent / "kb"), "build", "--quiet", "--store", spec],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_interrupted_upload_resumes_where_it_stopped(server, store_spec):
    proc, spec, folder = server
    spec += ",chunk=20"
    first = kb_build(spec)
    journal, deadline = None, time.monotonic() + 120
    while journal is None and time.monotonic() < deadline and first.poll() is None:
        for path in (folder / "artefacts").glob("*/upload.json"):
            if sum(map(len, json.loads(path.read_text()).get("chunks", {}).values())) >= 40:
                journal = path
        time.sleep(0.005)
    proc.kill()  # the server goes away half-way through the upload
    proc.wait(timeout=10)
    _, error = first.communicate(timeout=120)
    assert journal is not None and first.returncode != 0 and "did not answer" in error
    port = spec.split("127.0.0.1:")[1].split("/")[0]
    again, _ = start_oxigraph(folder / "oxigraph", port=int(port))
    try:
        second = kb_build(spec)
        said, _ = second.communicate(timeout=300)
        assert second.returncode == 0
        resumed = re.search(rf"resumed the unfinished upload of {journal.parent.name}: (\d+) chunks", said)
        assert resumed and int(resumed[1]) >= 40
        assert open_store(spec).build_id == journal.parent.name
        assert kb_for(spec).stats() == kb_for(store_spec).stats()
        assert open_store(spec).count() == open_store(store_spec).count()
    finally:
        again.kill()
        again.wait(timeout=10)


def serve(spec):
    port = free_port()
    env = {**os.environ, "KB_STORE": spec}
    proc = subprocess.Popen([str(Path(sys.executable).parent / "kb"), "serve", "--host", "127.0.0.1",
                             "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(f"http://127.0.0.1:{port}/", proc)
    return proc, f"http://127.0.0.1:{port}"


def signature(page):
    """What the home page says that two queries of it compute apart: the KB's claim count and the
    claims of each condition."""
    conditions = {c["slug"]: c["claims"] for group in page["groups"] for c in group["conditions"]}
    return page["stats"]["claims"], page["stats"]["triples"], tuple(sorted(conditions.items()))


def test_two_replicas_switch_together_and_never_mix_two_builds(server, data_copy):
    _, spec, _ = server
    build(spec)
    (data_copy[1] / "claims" / "general.ttl").unlink()  # the next build has fewer claims
    replicas = [serve(spec), serve(spec)]
    seen, stop = [], threading.Event()

    def read(base):
        while not stop.is_set():
            response = requests.get(base + "/index.json", timeout=30)
            seen.append((time.monotonic(), base, response.headers["ETag"], signature(response.json())))

    readers = [threading.Thread(target=read, args=(base,)) for _, base in replicas for _ in range(2)]
    try:
        for reader in readers:
            reader.start()
        time.sleep(1)
        build(spec, data_copy)
        switched = time.monotonic()
        time.sleep(3)
        stop.set()
        for reader in readers:
            reader.join(timeout=60)
    finally:
        for proc, _ in replicas:
            proc.terminate()
            proc.wait(timeout=10)
    signatures = {s for *_, s in seen}
    assert len(signatures) == 2, "each response shows the old build or the new one, whole"
    new = min(signatures)  # fewer claims
    for _, base in replicas:
        late = [s for t, b, _, s in seen if b == base and t > switched + 2.5]
        assert late and set(late) == {new}, "each replica follows the new build within 2 s"
    etags = {}
    for _, _, etag, sig in seen:
        assert etags.setdefault(etag, sig) == sig, "one ETag, one content"
    shutil.rmtree(data_copy[1], ignore_errors=True)


def test_a_replica_without_the_builds_folder_says_what_it_lacks(server, tmp_path):
    _, spec, _ = server
    build(spec)
    elsewhere = spec.replace(f"artefacts={tmp_path}/artefacts", f"artefacts={tmp_path}/not-shared")
    client = create_app({"TESTING": True, "STORE": elsewhere}).test_client()
    assert client.get("/index.json").status_code == 200  # kept answers are asked of the server instead
    searched = client.get("/search.json?q=crps")
    assert searched.status_code == 503
    assert "a replica needs the folder the build wrote" in searched.get_json()["error"]
