"""Shared fixtures: a store built from the real data, the app, its client, the CLI runner, a live server."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from kb import build as builder
from kb import settings as config
from kb.knowledge import KnowledgeBase
from kb.settings import Settings
from webapp import create_app

ROOT = Path(__file__).resolve().parent.parent
DATA_DIRS = [ROOT / "ontology", ROOT / "data"]
SHAPES = ROOT / "ontology" / "shapes.ttl"
QUERIES = ROOT / "queries"
SOURCE_TEXT = ROOT / "data" / "sources" / "ketamine-infusions-orlando-2022.txt"


def build_store(folder, dirs=DATA_DIRS):
    """Build the real data into folder/store and return its store setting."""
    spec = f"oxigraph:{folder}/store"
    builder.build(spec, [str(d) for d in dirs], str(SHAPES), str(QUERIES), verbose=False)
    return spec


@pytest.fixture(scope="session")
def store_spec(tmp_path_factory):
    """A store built once per test session from ontology/ and data/."""
    return build_store(tmp_path_factory.mktemp("kb"))


@pytest.fixture(scope="session")
def app(store_spec):
    return create_app({"TESTING": True, "STORE": store_spec})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(store_spec, monkeypatch):
    """A click runner whose commands use the session's store."""
    monkeypatch.setenv("KB_STORE", store_spec)
    return CliRunner()


@pytest.fixture()
def data_copy(tmp_path):
    """A writable copy of ontology/ and data/ to break on purpose."""
    for folder in DATA_DIRS:
        shutil.copytree(folder, tmp_path / folder.name)
    return [tmp_path / "ontology", tmp_path / "data"]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url, proc, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read().decode()}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def live_server(store_spec):
    """A real `kb serve` (waitress) on a free loopback port; yields its base URL."""
    port = free_port()
    # Behind a "proxy" at 127.0.0.1, so that a test can be another client by X-Forwarded-For.
    env = {**os.environ, "KB_STORE": store_spec, "KB_QUERY_TIMEOUT": "3", "KB_TRUSTED_PROXY": "127.0.0.1"}
    kb = Path(sys.executable).parent / "kb"
    proc = subprocess.Popen([str(kb), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/", proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def chromium():
    """Debian's headless Chromium driven by Playwright; test tools cannot download browsers here.

    Skipped where it is not installed, except in CI (CI=true), where a missing browser is a failure.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run must install Debian's chromium")
        pytest.skip("needs Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def artifacts(name):
    """Return an emptied test-artifacts/NAME folder for screenshots."""
    folder = ROOT / "test-artifacts" / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


@pytest.fixture(scope="session")
def source_text():
    return SOURCE_TEXT.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def store_kb(store_spec):
    """The session store as a KnowledgeBase, to compute what the pages should show."""
    return KnowledgeBase.open(Settings.load(STORE=store_spec))


__all__ = ["config", "build_store"]
