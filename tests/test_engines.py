"""The KB on Virtuoso 7, the engine the largest public SPARQL services run: a real `virtuoso-t`
started here with its own virtuoso.ini in a temporary folder, loaded by `kb build` through its
Digest-protected Graph Store endpoint, then served by the app, whose home page is compared with
the embedded store's. (The Oxigraph server is tested page by page in tests/test_remote.py.)

Not yet the same on Virtuoso 7.2 (found here, left for the engines issue): claims.rq runs past 30 s
on a fresh server; xsd:duration time points come back as seconds (3600.0 for PT1H); a long
literal orders by how Virtuoso stores it (queries now order texts by STR()); CONCAT of unbound
values gives " " (lists now skip blank lines); GROUP_CONCAT's order (lists now come back sorted)."""

import os
import shutil
import subprocess
import time

import pytest
import requests

from kb import build as builder
from webapp import create_app

from .conftest import DATA_DIRS, QUERIES, SHAPES, free_port

VIRTUOSO = shutil.which("virtuoso-t")
INI = """[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {sql_port}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., {d}
CheckpointInterval = 60
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = {http_port}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso 7 server of its own; yields its KB_STORE string (Digest user dba, as installed)."""
    if not VIRTUOSO:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is missing: .ci/run must install virtuoso-opensource-7-bin")
        pytest.skip("needs Virtuoso 7 (apt-get install virtuoso-opensource-7-bin)")
    folder = tmp_path_factory.mktemp("virtuoso")
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(INI.format(d=folder, sql_port=free_port(), http_port=http_port))
    proc = subprocess.Popen([VIRTUOSO, "-f", "-c", str(folder / "virtuoso.ini")], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http_port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=2)
            break
        except requests.ConnectionError:
            time.sleep(0.5)
    try:
        yield (f"sparql:{base}/sparql,update={base}/sparql-auth,gsp={base}/sparql-graph-crud-auth,"
               f"user=dba,password=dba,artefacts={folder}/artefacts")
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.fixture(scope="module")
def on_virtuoso(virtuoso):
    """The curated KB built into Virtuoso; returns the build's info."""
    return builder.build(virtuoso, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)


@pytest.fixture(scope="module")
def clients(virtuoso, on_virtuoso, store_spec):
    return (create_app({"TESTING": True, "STORE": store_spec}).test_client(),
            create_app({"TESTING": True, "STORE": virtuoso}).test_client())


def test_a_build_reaches_virtuoso_through_its_digest_protected_endpoints(on_virtuoso, clients, store_spec):
    embedded, remote = clients
    assert on_virtuoso["triples"] == embedded.get("/index.json").get_json()["stats"]["triples"]
    assert remote.get("/index.json").get_json() == embedded.get("/index.json").get_json()


def test_a_wrong_password_is_a_clear_error_that_does_not_show_it(virtuoso):
    from kb.errors import KBError

    wrong = virtuoso.replace("password=dba", "password=not-the-password")
    with pytest.raises(KBError) as failed:
        builder.build(wrong, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
    assert "401" in str(failed.value) and "not-the-password" not in str(failed.value)
