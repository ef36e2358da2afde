"""The KB on Virtuoso 7, the engine the largest public SPARQL services run: a real `virtuoso-t`
started here with its own virtuoso.ini in a temporary folder, loaded by `kb build` through its
Digest-protected Graph Store endpoint, then served by the app, whose home page is compared with
the embedded store's. (The Oxigraph server is tested page by page in tests/test_remote.py.)

Not yet the same on Virtuoso 7.2 (found here, left for the engines issue): claims.rq runs past 30 s
on a fresh server; xsd:duration time points come back as seconds (3600.0 for PT1H); a long
literal orders by how Virtuoso stores it (queries now order texts by STR()); CONCAT of unbound
values gives " " (lists now skip blank lines); GROUP_CONCAT's order (lists now come back sorted)."""

import os

import pytest

from bench.engines import VIRTUOSO, start_virtuoso, stop
from kb import build as builder
from webapp import create_app

from .conftest import DATA_DIRS, QUERIES, SHAPES

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso 7 server of its own; yields its KB_STORE string (Digest user dba, as installed)."""
    if not VIRTUOSO:
        if os.environ.get("CI"):
            pytest.fail("virtuoso-t is missing: .ci/run must install virtuoso-opensource-7-bin")
        pytest.skip("needs Virtuoso 7 (apt-get install virtuoso-opensource-7-bin)")
    proc, spec = start_virtuoso(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield spec
    finally:
        stop(proc)


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
