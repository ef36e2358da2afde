"""kb build: validated, atomic, and a failed build leaves the old store serving."""

import re

import pytest

from kb import build as builder
from kb.errors import ValidationFailed
from kb.knowledge import KnowledgeBase
from kb.query.catalogue import Catalogue
from kb.store.embedded import EmbeddedStore

from .conftest import QUERIES, SHAPES, build_store


def triple_count(spec):
    kb = KnowledgeBase(EmbeddedStore(spec.split(":", 1)[1]), Catalogue(QUERIES))
    return kb.stats()["triples"]


def test_build_then_rebuild_switches_to_the_new_build(tmp_path):
    spec = build_store(tmp_path)
    store = EmbeddedStore(spec.split(":", 1)[1])
    first = store.build_id
    count = triple_count(spec)
    assert count > 1000
    build_store(tmp_path)
    assert store.build_id != first
    assert triple_count(spec) == count
    assert store.info()["triples"] == count


def test_each_file_is_its_own_named_graph(store_spec):
    kb = KnowledgeBase(EmbeddedStore(store_spec.split(":", 1)[1]), Catalogue(QUERIES))
    graphs = {str(q.graph_name.value) for q in kb.store.raw().quads_for_pattern(None, None, None, None)}
    assert "https://w3id.org/ketamine-kb/graph/ontology/evidence.ttl" in graphs
    assert "https://w3id.org/ketamine-kb/graph/data/vocab/conditions.ttl" in graphs


BROKEN = {
    "bad-datatype": (
        lambda t: t.replace('ev:cebmLevel 2 ;', 'ev:cebmLevel "two" ;', 1),
        "vocab/study-designs.ttl", ["design:rct", "ev:cebmLevel", '"two"']),
    "missing-required": (
        lambda t: t.replace('    ev:slug "fibromyalgia" ;\n', "", 1),
        "vocab/conditions.ttl", ["cond:fibromyalgia", "ev:slug"]),
    "quote-offsets": (
        lambda t: t.replace('oa:start "6150"', 'oa:start "6151"', 1),
        "claims/pain.ttl",
        ["claim:cancer-children-8-of-11", "quote does not match", "the quote is at 6150-"]),
    "unparsable": (
        lambda t: t.replace("design:rct a ev:StudyDesign ;", "design:rct a ev:StudyDesign ;;; <", 1),
        "vocab/study-designs.ttl", ["syntax error"]),
}


@pytest.mark.parametrize("defect", sorted(BROKEN))
def test_broken_file_fails_naming_file_node_property_and_old_store_keeps_serving(
        defect, tmp_path, data_copy):
    spec = build_store(tmp_path)
    before = triple_count(spec)
    old_build = EmbeddedStore(spec.split(":", 1)[1]).build_id
    edit, rel, expected = BROKEN[defect]
    target = data_copy[1] / rel
    text = target.read_text()
    broken = edit(text)
    assert broken != text, "the edit must change the file"
    target.write_text(broken)
    with pytest.raises(ValidationFailed) as info:
        builder.build(spec, [str(d) for d in data_copy], str(SHAPES), str(QUERIES), verbose=False)
    message = str(info.value)
    assert rel.split("/")[-1] in message
    for needle in expected:
        assert needle in message
    assert re.search(r"\.ttl:\d+:", message), message  # a line number
    assert EmbeddedStore(spec.split(":", 1)[1]).build_id == old_build
    assert triple_count(spec) == before
    builds = list((tmp_path / "store.builds").iterdir())
    assert len(builds) == 1, "the failed build's folder is removed"


def test_validate_without_loading(data_copy):
    info = builder.validate([str(d) for d in data_copy], str(SHAPES), str(QUERIES), verbose=False)
    assert info["files"] >= 6
