"""Shape named-query rows into what the pages show: claim cards, study cards, summaries.

Nothing here builds SPARQL: each function calls named queries through ``kb`` and turns
their rows into plain dicts, the same for the HTML page and its JSON twin.
"""

import re

from kb.namespaces import EV

from . import links

VERDICTS = [("exact", "exact"), ("rounded", "rounded"), ("overstated", "overstated"),
            ("mismatch", "mismatch"), ("not_assessable", "not assessable")]
DIRECTION_ORDER = {"supports": 1, "does-not-support": 2, "mentions": 3}
UNVERIFIED_NOTE = ("Identifiers not checked against PubMed: its PMID, title, journal and year could not "
                   "all be seen on a stored PubMed, PMC or publisher page. This says nothing of the "
                   "study's quality.")
SCOPE = ("This knowledge base covers the claims of one clinic's article on ketamine infusions and the "
         "studies that article cites, not all the evidence on ketamine. It is not medical advice.")


def key_of(iri):
    """Return a CSS-friendly key of an ontology term: ev:NotAssessable -> not-assessable."""
    local = str(iri or "").removeprefix(str(EV))
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


def plural(count, noun):
    return f"{count} {noun}{'' if count == 1 else 's'}"


def ref(iri, label, **extra):
    """Return a link to a KB resource: its IRI, label and page."""
    return {"iri": iri, "label": label, "page": links.page_url(iri), **extra}


def refs(lines):
    """Return links from "IRI label" lines (a list column of a named query)."""
    return [ref(*line.split(" ", 1)) for line in lines]


def study_card(row):
    """Return a study as the pages show it, from a row of study.rq or claim-citations.rq."""
    pmid, doi, pmcid = row.get("pmid"), row.get("doi"), row.get("pmcid")
    verified = key_of(row["status"]) == "verified"
    return {
        "iri": row["study"], "page": links.page_url(row["study"]), "title": row["title"],
        "first_author": row.get("first_author"), "journal": row.get("journal"),
        "year": row.get("year"), "sample_size": row.get("sample_size"),
        "population": row.get("population"), "animal": row.get("animal"),
        "design": ref(row["design"], row["design_label"], level=row["level"]),
        "verified": verified, "status": row["status_label"],
        "verification_note": None if verified else UNVERIFIED_NOTE,
        "pmid": pmid, "doi": doi, "pmcid": pmcid,
        "pubmed_url": f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/" if pmid else None,
        "doi_url": f"https://doi.org/{doi}" if doi else None,
        "pmc_url": f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/" if pmcid else None,
        "reported_outcomes": row.get("reported_outcomes") or [],
    }


def citation(row):
    """Return one citation of a claim: its direction and the study it points to."""
    return {"direction": row["direction_label"], "direction_key": key_of(row["direction"]),
            "identification": row.get("identification"), "study": study_card(row)}


def claim_card(row, citations):
    """Return a claim as the pages show it: quote, statement, outcome, studies, verdict."""
    return {
        "iri": row["claim"], "slug": links.slug_of(row["claim"]), "page": links.page_url(row["claim"]),
        "statement": row["statement"], "topics": row["topics"],
        "quote": {"text": row["quote"], "start": row["start"], "end": row["end"]},
        "source": ref(row["source"], row["source_title"]),
        "conditions": refs(row["conditions"]),
        "route": ref(row["route"], row["route_label"]),
        "interventions": row["interventions"],
        "asserted_design": ref(row["asserted_design"], row["asserted_design_label"]),
        "stated_outcomes": row["stated_outcomes"],
        "no_source": bool(row["no_source"]),
        "citations": citations,
        "fidelity": {"iri": row["assessment"], "verdict": row["verdict_label"], "key": key_of(row["verdict"]),
                     "reason": row["reason"], "discrepancies": row["discrepancies"],
                     "assessed_by": row["assessed_by"], "last_reviewed": row["last_reviewed"]},
    }


def citation_order(card):
    """Sort key of a claim's citations: supports first, then the strongest and largest study."""
    study = card["study"]
    direction = DIRECTION_ORDER.get(card["direction_key"], 9)
    return direction, study["design"]["level"], -(study["sample_size"] or 0)


def claim_cards(kb, **scope):
    """Return the claims in scope (claim=, condition=, source= IRIs, a condition's page=N)
    in reading order."""
    rows = kb.records("claims", **scope)
    studies, cited = {}, {}
    for link in kb.rows("citation-links", **scope):
        if link["study"] not in studies:  # one bound lookup per study, kept for the build
            studies[link["study"]] = kb.lookup("study", study=link["study"])
        cited.setdefault(link["claim"], []).append(citation({**studies[link["study"]], **link}))
    for citations in cited.values():  # within a direction, the strongest and largest study first
        citations.sort(key=citation_order)
    return [claim_card(row, cited.get(row["claim"], [])) for row in rows]


def cites_design(card, design_slug):
    """True when a claim cites a study of the design (or, for 'none', cites no study)."""
    if design_slug == "none":
        return not card["citations"]
    return any(links.slug_of(c["study"]["design"]["iri"]) == design_slug for c in card["citations"])


def fidelity_counts(row):
    """Return the non-zero verdict counts of an overview or source row, strongest first."""
    return [{"key": key.replace("_", "-"), "label": label, "count": row[key]}
            for key, label in VERDICTS if row.get(key)]


def condition_summary(row):
    """Return a condition's overview row with its one-line summary: its certainty, never a design label."""
    certainty = None
    if row["certainty"]:
        certainty = {"level": row["certainty_label"], "key": key_of(row["certainty"].rsplit("/", 1)[-1]),
                     "outcome": row["certainty_outcome_label"], "summary": row["certainty_summary"]}
    if not row["claims"]:
        text = "Named only, no claim of its own"
    else:
        parts = [plural(row["claims"], "claim")]
        if certainty:
            parts.append(f"certainty {certainty['summary']} ({certainty['outcome']})")
        else:
            parts.append("no study cited as evidence by the article")
        parts += [f"{c['count']} {c['label']}" for c in fidelity_counts(row)]
        text = " · ".join(parts)
    return {
        "iri": row["condition"], "slug": row["slug"], "label": row["label"],
        "page": links.page_url(row["condition"]), "claims": row["claims"],
        "supporting_studies": row["studies"],
        "group": ref(row["group"], row["group_label"]),
        "certainty": certainty,
        "fidelity": fidelity_counts(row), "summary": text,
    }


def condition_groups(kb):
    """Return every condition with its summary, grouped as the article groups them."""
    groups = []
    for row in kb.whole_kb_rows("conditions-overview"):
        if not groups or groups[-1]["iri"] != row["group"]:
            groups.append({**ref(row["group"], row["group_label"]), "slug": links.slug_of(row["group"]),
                           "conditions": []})
        groups[-1]["conditions"].append(condition_summary(row))
    return groups


def source_entry(row):
    """Return a source document with its fidelity counts."""
    return {"iri": row["source"], "page": links.page_url(row["source"]), "title": row["title"],
            "creator": row["creator"], "date": row["date"], "publisher": row["publisher"],
            "url": row["url"], "description": row["description"], "local_copy": row["local_copy"],
            "sha256": row["sha256"], "claims": row["claims"], "fidelity": fidelity_counts(row)}


def study_entry(row):
    """Return a study as a row of a list: title, design, size, year, PMID, status, claims."""
    card = study_card({**row, "reported_outcomes": []})
    return {**card, "claims": row["claims"]}


def design_entry(row):
    """Return a study design with its level of evidence and how often it is used."""
    return {"iri": row["design"], "slug": row["slug"], "page": links.page_url(row["design"]),
            "label": row["label"], "alt_labels": row["alt_labels"],
            "definition": row["definition"], "level": row["level"], "rank": row["rank"],
            "eco": row["eco"], "matches": row["matches"], "studies": row["studies"],
            "asserted_by": row["asserted_by"]}
