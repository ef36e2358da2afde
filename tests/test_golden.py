"""What users download stays byte for byte what it was (tests/golden.py says how it is compared)."""

import json

import pytest

from tests.golden import GOLDEN, fingerprints


@pytest.fixture(scope="module")
def expected():
    return json.loads(GOLDEN.read_text())


def test_every_twin_and_export_is_unchanged(client, expected):
    found = fingerprints(client)
    changed = sorted(url for url in expected.keys() | found.keys() if expected.get(url) != found.get(url))
    assert not changed, f"{len(changed)} of {len(expected)} answers changed: {changed[:20]}"
