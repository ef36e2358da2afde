"""A condition's summary of findings and its certainty, and a study's results, as the pages show them.

The summary-of-findings table is the view clinicians know from Cochrane reviews: per outcome, the
studies and participants, each effect with its comparator and time point, the certainty with its
reasons, and what the article claimed from those studies with its verdict.
"""

import re
from collections import defaultdict

from .evidence import key_of, ref

STUDIES_SHOWN = 10  # studies in a row of the table; the certainty counts them all
CLAIMS_SHOWN = 3  # claims shown beside a study; the rest are counted
DURATION_RE = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")
DURATION_UNITS = ("year", "month", "week", "day", "hour", "minute")


def duration_text(value):
    """Return 'P2W' as '2 weeks', 'PT40M' as '40 minutes'; anything else as it is."""
    match = DURATION_RE.match(value or "")
    if not value or not match:
        return value
    parts = [f"{n} {unit}{'' if n == '1' else 's'}" for n, unit in zip(match.groups(), DURATION_UNITS,
                                                                    strict=True) if n]
    return ", ".join(parts) or value


def number(value):
    """Return a number as a page writes it: 74.3, 8, -133.2."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def effect_text(row):
    """Return one result in words: '5.9 points (mean change from baseline) vs before treatment at 1 week'."""
    symbol = row["unit_symbol"]
    value = number(row["value"]) + ("" if not symbol else "%" if symbol == "%" else f" {symbol}")
    text = f"{value} ({row['statistic_label']})"
    if row["ci_lower"] is not None and row["ci_upper"] is not None:
        text += f", 95% CI {number(row['ci_lower'])} to {number(row['ci_upper'])}"
    if row["p"]:
        text += f", p {row['p'] if row['p'][:1] in '<>=≤≥' else '= ' + row['p']}"
    return text


def result(row):
    """Return one structured result as the JSON twin and the table show it."""
    return {"outcome": row["outcome_label"], "outcome_iri": row["outcome"], "measure": row["measure"],
            "statistic": row["statistic_label"], "statistic_key": row["statistic"].rsplit("/", 1)[-1],
            "value": row["value"], "unit": row["unit_symbol"],
            "ci_lower": row["ci_lower"], "ci_upper": row["ci_upper"], "p": row["p"],
            "comparator": row["comparator_label"], "comparator_text": row["comparator_text"],
            "time_point": row["time_point"], "time_point_text": duration_text(row["time_point"]),
            "analysed": row["analysed"], "directness": row["directness_label"],
            "favours": row["favours_label"], "favours_key": key_of(row["favours"]),
            "effect": effect_text(row), "text": row["text"], "seen_on": row["seen_on"],
            "verified": not row["unverified"]}


def dose(row):
    """Return one dose a study gave."""
    return {"amount": row["amount"], "unit": row["unit_symbol"],
            "route": ref(row["route"], row["route_label"]),
            "duration": row["duration"], "duration_text": duration_text(row["duration"]),
            "sessions": row["sessions"], "text": row["text"], "seen_on": row["seen_on"],
            "verified": not row["unverified"]}


def certainty(row):
    """Return one outcome's certainty: level, why, and the studies it rests on."""
    reasons = []
    for line in row["reasons"]:
        _, down, rule, why = line.split("\t", 3)
        reasons.append({"rule": rule, "levels_down": int(down), "text": why})
    return {"outcome": row["outcome_label"], "outcome_iri": row["outcome"], "level": row["level_label"],
            "key": key_of(row["level"].rsplit("/", 1)[-1]), "participants": row["participants"],
            "summary": row["summary"], "headline": bool(row["headline"]),
            "reasons": reasons, "studies": row["studies"]}


def summary_of_findings(kb, condition):
    """Return the condition's certainty per outcome and its summary-of-findings rows."""
    assessments = [certainty(r) for r in kb.records("condition-certainty", condition=condition)]
    shown = {s for a in assessments for s in sorted(a["studies"])[:STUDIES_SHOWN]}
    results, claimed = defaultdict(lambda: defaultdict(list)), {}
    for study in shown:  # a few bound lookups, kept for the build, whatever the size of the KB
        for row in kb.lookup_records("study-results", study=study):
            results[study][row["outcome"]].append(result(row))
        claimed[study] = [{**ref(row["claim"], row["statement"]), "direction": row["direction_label"],
                           "verdict": row["verdict_label"], "verdict_key": key_of(row["verdict"])}
                          for row in kb.lookup_records("condition-study-claims", condition=condition,
                                                       study=study)]
    rows = []
    for judged in assessments:
        studies = []
        for study in sorted(judged["studies"])[:STUDIES_SHOWN]:
            card = kb.lookup("study", study=study) or {}
            studies.append({
                **ref(study, card.get("title")), "design": card.get("design_label"),
                "sample_size": card.get("sample_size"),
                "verified": key_of(card.get("status")) == "verified",
                "results": results[study].get(judged["outcome_iri"], []),
                "reported": card.get("reported_outcomes", []) if not results[study] else [],
                "claims": claimed[study][:CLAIMS_SHOWN], "more_claims": len(claimed[study]) > CLAIMS_SHOWN})
        rows.append({"outcome": judged["outcome"], "certainty": {k: judged[k] for k in
                     ("level", "key", "summary", "participants", "reasons")}, "studies": studies,
                     "more_studies": max(0, len(judged["studies"]) - STUDIES_SHOWN)})
    return [{**{k: a[k] for k in ("outcome", "level", "reasons", "participants", "summary", "headline")},
             "studies": len(a["studies"])} for a in assessments], rows


def study_results(kb, study):
    """Return a study's structured results and doses."""
    return ([result(r) for r in kb.lookup_records("study-results", study=study)],
            [dose(r) for r in kb.records("study-doses", study=study)])
