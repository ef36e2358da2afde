"""Levels of evidence derived by rule (queries/construct-*.rq) during the build."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from kb import build as builder
from kb.build.derive import DERIVED_LEVELS, derive, ordered
from kb.build.load import graph_name
from kb.errors import UnknownQuery
from kb.knowledge import KnowledgeBase
from kb.query.catalogue import Catalogue, load_query
from kb.store.embedded import EmbeddedStore, LocalStore

from .conftest import DATA_DIRS, QUERIES

CLAIM = "https://w3id.org/ketamine-kb/id/claim/"
RULE = "https://w3id.org/ketamine-kb/id/level-rule/"

# A claim that is not in the data, made up for these tests only: it quotes "superior results"
# and cites a real open-label study of the data (Jackson 2001, 39 patients, level 4).
TEST_CLAIM = """
@prefix ev: <https://w3id.org/ketamine-kb/ontology#> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix oa: <http://www.w3.org/ns/oa#> .
<urn:test:claim:{name}> a ev:Claim ;
    ev:quote [ oa:exact "{quote}" ] ;
    ev:citation [ ev:direction ev:Supports ;
        cito:hasCitedEntity <https://w3id.org/ketamine-kb/id/study/jackson-2001-burst-ketamine-audit> ] .
"""


@pytest.fixture(scope="module")
def kb(store_spec):
    return KnowledgeBase(EmbeddedStore(store_spec.split(":", 1)[1]), Catalogue(QUERIES))


def memory_store(extra=""):
    """Load ontology/ and data/ (plus some Turtle) into an in-memory store, without deriving."""
    store = ox.Store()
    for path in [p for d in DATA_DIRS for p in sorted(Path(d).rglob("*.ttl"))]:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph_name(path, DATA_DIRS))
    if extra:
        store.load(extra.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:test:extra"))
    return store


def level_of(store, claim):
    pattern = f"<{claim}> <https://w3id.org/ketamine-kb/ontology#evidenceLevel> ?l"
    answer = store.query(f"SELECT ?l WHERE {{ {pattern} }}", use_default_graph_as_union=True)
    return [int(row["l"].value) for row in answer]


def test_the_derived_triples_are_in_their_own_named_graph(kb):
    graphs = {g.value for g in kb.store.raw().named_graphs()}
    assert str(DERIVED_LEVELS) in graphs
    derived = list(kb.store.raw().quads_for_pattern(None, None, None, ox.NamedNode(str(DERIVED_LEVELS))))
    assert len(derived) > 100


def test_every_claim_gets_exactly_one_level(kb):
    rows = kb.rows("audit-claim-levels")
    claims = {r["claim"] for r in rows}
    assert len(claims) == kb.stats()["claims"]
    for claim in claims:
        decisive = [r for r in rows if r["claim"] == claim and r["decisive"]]
        assert len(decisive) == 1, claim
        assert decisive[0]["level"] == decisive[0]["claim_level"]
        assert min(r["level"] for r in rows if r["claim"] == claim) == decisive[0]["claim_level"]


@pytest.mark.parametrize("claim,level,rule", [
    ("ptsd-rct-rapid", 2, "design-level"),  # an RCT of 41
    ("fm-sr-short-period", 3, "design-level"),  # a systematic review of mixed, non-randomized studies
    ("lidocaine-comparison", 3, "small-sample"),  # an RCT of 12: one level down
    ("social-anxiety-reduction", 3, "small-sample"),  # a crossover RCT of 18
    ("sr-2021-anti-allodynic", 5, "animal-evidence"),  # a meta-analysis of animal studies
    ("neuropathic-depression-animal", 5, "no-supporting-study"),  # the rat study goes against the pain claim
    ("gad-potential", 5, "small-sample"),  # open-label, 12 patients: 4 + 1
    ("superior-to-conventional", 5, "no-supporting-study"),  # no source given
    ("headache-safely-concluded", 5, "small-sample"),  # a case series of 6, graded down
])
def test_a_claim_gets_the_level_its_rules_give(kb, claim, level, rule):
    rows = [r for r in kb.rows("audit-claim-levels", claim=CLAIM + claim) if r["decisive"]]
    assert rows[0]["claim_level"] == level
    assert RULE + rule in rows[0]["rules"].split(), rows[0]["explanation"]
    assert rows[0]["explanation"].endswith(f"level {level}")


def test_an_open_label_study_behind_superior_results_is_graded_down():
    extra = (TEST_CLAIM.format(name="superior", quote="Infusions give superior results.")
             + TEST_CLAIM.format(name="plain", quote="Infusions help cancer pain."))
    store = memory_store(extra)
    derive(store, KnowledgeBase(LocalStore(store), Catalogue(QUERIES), row_limit=None))
    assert level_of(store, "urn:test:claim:plain") == [4]
    assert level_of(store, "urn:test:claim:superior") == [5]


def test_a_rule_threshold_is_data(tmp_path):
    """Lowering the small-sample threshold to 10 in the data lifts a 12-patient RCT back to level 2."""
    store = memory_store()
    rule = ox.NamedNode(RULE + "small-sample")
    threshold = ox.NamedNode("https://w3id.org/ketamine-kb/ontology#threshold")
    for quad in list(store.quads_for_pattern(rule, threshold, None, None)):
        store.remove(quad)
    store.add(ox.Quad(rule, threshold, ox.Literal("10", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), ox.NamedNode("urn:test:extra")))
    derive(store, KnowledgeBase(LocalStore(store), Catalogue(QUERIES), row_limit=None))
    assert level_of(store, CLAIM + "lidocaine-comparison") == [2]
    assert level_of(store, CLAIM + "social-anxiety-reduction") == [2]


def test_construct_queries_run_after_those_they_name(tmp_path):
    for name, after in (("construct-b", "construct-a"), ("construct-a", "")):
        (tmp_path / f"{name}.rq").write_text(
            f"# title: {name}\n# question: q\n# after: {after}\nCONSTRUCT {{}} WHERE {{}}\n")
    order = [q.name for q in ordered(Catalogue(tmp_path).all(role="construct"))]
    assert order == ["construct-a", "construct-b"]
    names = ["construct-claim-levels", "construct-claim-study-levels", "construct-condition-summaries"]
    assert [q.name for q in ordered([load_query(QUERIES / f"{n}.rq") for n in names])] == \
        ["construct-condition-summaries", "construct-claim-study-levels", "construct-claim-levels"]


def test_a_cycle_of_after_lines_is_refused(tmp_path):
    for name, after in (("construct-a", "construct-b"), ("construct-b", "construct-a")):
        (tmp_path / f"{name}.rq").write_text(
            f"# title: {name}\n# question: q\n# after: {after}\nCONSTRUCT {{}} WHERE {{}}\n")
    with pytest.raises(UnknownQuery, match="cycle"):
        ordered(Catalogue(tmp_path).all(role="construct"))


def test_validate_runs_the_construct_queries_too(data_copy):
    info = builder.validate([str(d) for d in data_copy], str(DATA_DIRS[0] / "shapes.ttl"), str(QUERIES),
                            verbose=False)
    assert info["files"] >= 6


@pytest.mark.parametrize("slug,best,studies,participants,strong", [
    ("fibromyalgia", 2, 3, 148, 0),  # an RCT of 29; a systematic review of mixed studies (118); a case report
    ("migraine", 5, 1, 6, 1),  # "it can be safely concluded" on a case series of 6
    ("chronic-pain", 5, 0, None, 1),  # "superior results" with no study at all
])
def test_a_condition_summary_gives_its_strongest_level_and_its_wording(kb, slug, best, studies, participants,
                                                                       strong):
    row = kb.first("audit-condition-evidence", condition=f"cond:{slug}")
    assert (row["best_level"], row["studies"], row["participants"], row["strong_wording_claims"]) == \
        (best, studies, participants, strong)
