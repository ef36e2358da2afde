"""The certainty of the evidence per condition and outcome, derived at build by stated rules.

In the spirit of GRADE: each cited study starts where its design puts it, is rated down for risk
of bias and indirectness, and the best study of an outcome gives the body of evidence its start;
the outcome is then rated down for imprecision (participants over all its studies) and for
inconsistency (studies that disagree). The rules and their thresholds are data
(data/vocab/certainty-rules.ttl, read with queries/certainty-rules.rq); every judgement is written
with the rules that moved it, why, and the studies it was derived from (PROV), into its own graph.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kb.build.derive import integer
from kb.namespaces import EV, GRAPH, ID

DERIVED_CERTAINTY = ox.NamedNode(GRAPH + "derived/certainty")
AS_REPORTED = str(ID) + "outcome/as-reported"
ANIMALS = str(ID) + "directness/animals"
OTHER_CONDITION = str(ID) + "directness/other-condition"
LEVELS = {4: "high", 3: "moderate", 2: "low", 1: "very-low"}
PROV = "http://www.w3.org/ns/prov#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
HEADLINE_RANKS = 5  # outcomes ranked 5 or more head a condition only when it has no other
NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}


@dataclass
class Step:
    rule: dict
    down: int
    text: str
    studies: tuple = ()


@dataclass
class Evidence:
    """One study as evidence for one condition and outcome."""

    study: str
    design: str
    design_label: str
    participants: int
    blinding: str | None
    directness: str | None  # the worst directness of its population or results, if not direct
    favours: set = field(default_factory=set)


@dataclass
class Judgement:
    level: int
    participants: int
    studies: list
    steps: list
    summary: str


def short_name(study):
    """Return 'Patil 2012' for study:patil-2012-outpatient-...: first words up to the year."""
    words = []
    for word in study.rsplit("/", 1)[-1].split("-"):
        words.append(word if word.isdigit() else word.capitalize())
        if re.fullmatch(r"(19|20)\d\d", word):
            break
    return " ".join(words)


def rules_by_slug(kb):
    """Return the certainty rules keyed by slug."""
    return {row["rule"].rsplit("/", 1)[-1]: row for row in kb.records("certainty-rules")}


def study_steps(item, rules):
    """Return the start value and the steps that rate one study down."""
    start = next((r for r in rules.values() if r["start_value"] and item.design in r["designs"]),
                 rules["start-uncontrolled"])
    steps = [Step(start, 0, f"Starts {LEVELS[start['start_value']].replace('-', ' ')}: "
                            f"{item.design_label} ({short_name(item.study)}).", (item.study,))]
    open_label = rules["risk-of-bias-open-label"]
    if start["start_value"] == 4 and item.blinding in open_label["blinding"]:
        steps.append(Step(open_label, open_label["change"], f"Risk of bias: {short_name(item.study)} "
                          "was not blinded.", (item.study,)))
    retrospective = rules["risk-of-bias-retrospective"]
    if item.design in retrospective["designs"]:
        steps.append(Step(retrospective, retrospective["change"], f"Risk of bias: {short_name(item.study)} "
                          "is retrospective, with no control group.", (item.study,)))
    animals, population = rules["indirectness-animals"], rules["indirectness-population"]
    if item.directness in animals["directness"]:
        steps.append(Step(animals, animals["change"], f"Indirectness: {short_name(item.study)} studied "
                          "animals, not patients.", (item.study,)))
    elif item.directness in population["directness"]:
        label = item.directness.rsplit("/", 1)[-1].replace("-", " ")
        what = "another condition" if item.directness == OTHER_CONDITION else label
        steps.append(Step(population, population["change"], f"Indirectness: {short_name(item.study)} "
                          f"studied {what}, not patients with this condition alone.", (item.study,)))
    return start["start_value"], steps


def judge(evidence, rules):
    """Return the certainty of one outcome's body of evidence."""
    rated = []
    for item in evidence:
        start, steps = study_steps(item, rules)
        rated.append((max(1, start - sum(s.down for s in steps)), item.participants, item, steps))
    rated.sort(key=lambda r: (-r[0], -r[1], r[2].study))
    best_level, _, _, steps = rated[0]
    participants = sum(item.participants for item in evidence)
    # Precision is judged on the studies that carry the certainty, not on weaker ones beside them.
    precise = sum(n for level, n, _, _ in rated if level == best_level)
    steps = list(steps)
    very, serious = rules["imprecision-very-serious"], rules["imprecision-serious"]
    for rule in (very, serious):
        if precise < rule["threshold"]:
            steps.append(Step(rule, rule["change"], f"Imprecision: {precise} participants in the studies "
                              f"that carry this certainty, fewer than {rule['threshold']}."))
            break
    favour = sorted(i.study for i in evidence if "FavoursKetamine" in i.favours)
    against = sorted(i.study for i in evidence if i.favours & {"NoDifference", "FavoursComparator"}
                     and "FavoursKetamine" not in i.favours)
    if favour and against:
        rule = rules["inconsistency"]
        steps.append(Step(rule, rule["change"], "Inconsistency: " + ", ".join(map(short_name, favour))
                          + " favoured ketamine; " + ", ".join(map(short_name, against))
                          + " found no clear difference.", tuple(favour + against)))
    level = max(1, best_level - sum(s.down for s in steps[len(rated[0][3]):]))
    return Judgement(level, participants, [i.study for i in evidence], steps, describe(evidence, level))


def describe(evidence, level):
    """Return 'very low: one retrospective chart review of 49 patients'."""
    name = LEVELS[level].replace("-", " ")
    participants = sum(i.participants for i in evidence)
    size = f" of {participants} participants" if participants else " (no participants of its own)"
    if len(evidence) == 1:
        return f"{name}: {one(evidence[0].design_label.lower())}{size}"
    kinds = defaultdict(int)
    for item in evidence:
        kinds[item.design_label.lower()] += 1
    parts = ", ".join(f"{NUMBERS.get(n, n)} {label}" for label, n in sorted(kinds.items()))
    return f"{name}: {len(evidence)} studies ({parts}){size}"


def one(label):
    """Return 'one case series', or 'one report of clinic outcome data' for a mass noun."""
    return f"one report of {label}" if label.endswith("data") else f"one {label}"


def gather(kb):
    """Return {(condition, outcome): [Evidence]} from the cited studies and their results."""
    results = defaultdict(lambda: defaultdict(list))
    for row in kb.rows("certainty-results"):
        results[row["study"]][row["outcome"]].append(row)
    bodies = defaultdict(list)
    for row in kb.rows("certainty-evidence"):
        by_outcome = results.get(row["study"]) or {AS_REPORTED: []}
        for outcome, rows in by_outcome.items():
            directness = row["directness"]
            worst = {r["directness"] for r in rows} - {str(ID) + "directness/same-condition"}
            if ANIMALS in worst or directness == ANIMALS:
                directness = ANIMALS
            elif directness is None and worst:
                directness = sorted(worst)[0]
            elif directness is None and not row["direct"]:
                directness = OTHER_CONDITION
            analysed = max((r["analysed"] or 0 for r in rows), default=0)
            bodies[(row["condition"], outcome)].append(Evidence(
                row["study"], row["design"], row["design_label"], analysed or row["sample_size"] or 0,
                row["blinding"], directness, {r["favours"].rsplit("#", 1)[-1] for r in rows}))
    return bodies


def derive_certainty(store, kb):
    """Write a certainty assessment per condition and outcome; return how many triples."""
    rules = rules_by_slug(kb)
    ranks = {row["outcome"]: row["rank"] for row in kb.rows("outcome-ranks")}
    quads, best = [], {}
    for (condition, outcome), evidence in sorted(gather(kb).items()):
        judgement = judge(evidence, rules)
        node = ox.BlankNode()
        quads += assessment_quads(ox.NamedNode(condition), node, outcome, judgement)
        # The headline: benefit to patients before opioid use, animals and harms; then the surest.
        rank = ranks.get(outcome, HEADLINE_RANKS)
        key = (rank < HEADLINE_RANKS, judgement.level, -rank, judgement.participants)
        if condition not in best or key > best[condition][0]:
            best[condition] = (key, node)
    headline = ox.NamedNode(EV + "certaintyHeadline")
    quads += [ox.Quad(ox.NamedNode(c), headline, node, DERIVED_CERTAINTY) for c, (_, node) in best.items()]
    store.bulk_extend(quads)
    return len(quads)


def assessment_quads(condition, node, outcome, judgement):
    """Return the quads of one assessment, its reasons and its provenance."""
    g, ev = DERIVED_CERTAINTY, lambda local: ox.NamedNode(EV + local)
    quads = [ox.Quad(condition, ev("certainty"), node, g),
             ox.Quad(node, RDF_TYPE, ev("CertaintyAssessment"), g),
             ox.Quad(node, ev("outcomeDomain"), ox.NamedNode(outcome), g),
             ox.Quad(node, ev("certaintyLevel"), ox.NamedNode(f"{ID}certainty/{LEVELS[judgement.level]}"), g),
             ox.Quad(node, ev("participants"), integer(judgement.participants), g),
             ox.Quad(node, ev("explanation"), ox.Literal(judgement.summary), g)]
    derived = ox.NamedNode(PROV + "wasDerivedFrom")
    quads += [ox.Quad(node, derived, ox.NamedNode(s), g) for s in judgement.studies]
    for rank, step in enumerate(judgement.steps, 1):
        reason = ox.BlankNode()
        quads += [ox.Quad(node, ev("certaintyReason"), reason, g),
                  ox.Quad(reason, RDF_TYPE, ev("CertaintyReason"), g),
                  ox.Quad(reason, ev("byRule"), ox.NamedNode(step.rule["rule"]), g),
                  ox.Quad(reason, ev("levelsDown"), integer(step.down), g),
                  ox.Quad(reason, ev("rank"), integer(rank), g),
                  ox.Quad(reason, ev("explanation"), ox.Literal(step.text), g)]
        quads += [ox.Quad(reason, derived, ox.NamedNode(s), g) for s in step.studies]
    return quads
