"""Virtuoso 7 as a remote store, what only it needs: Digest authentication on its update and Graph
Store endpoints, and a clear error when the password is wrong. A real `virtuoso-t` starts here with
its own virtuoso.ini in a temporary folder (bench/engines.py); the pages and named queries on it
are compared with the embedded store's in tests/test_backends.py."""

import os

import pytest

from bench.engines import VIRTUOSO, start_virtuoso, stop
from kb import build as builder

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


def test_a_wrong_password_is_a_clear_error_that_does_not_show_it(virtuoso):
    from kb.errors import KBError

    wrong = virtuoso.replace("password=dba", "password=not-the-password")
    with pytest.raises(KBError) as failed:
        builder.build(wrong, [str(d) for d in DATA_DIRS], str(SHAPES), str(QUERIES), verbose=False)
    assert "401" in str(failed.value) and "not-the-password" not in str(failed.value)
