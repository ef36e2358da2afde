"""Generate a synthetic KB of N claims with the shape of the curated data, for benchmarks.

    python bench/generate.py 100000 --out bench/out/100000

It writes OUT/ontology (a copy of ontology/), OUT/data/vocab (a copy of data/vocab), synthetic
source texts with their records, studies and claims as Turtle files of 10,000 claims each. Every
quote is the text of its synthetic source at its offsets, so the build's checks run as on real
data. Deterministic from --seed. PMIDs are synthetic, from 900000001 up, so that they can never
be mistaken for the real records of the curated data.
"""

import argparse
import hashlib
import random
import shutil
from pathlib import Path

ID = "https://w3id.org/ketamine-kb/id/"

ROOT = Path(__file__).resolve().parent.parent
CLAIMS_PER_FILE = 10_000
CLAIMS_PER_SOURCE = 200
CLAIMS_PER_STUDY = 4
DESIGNS = [
    "systematic-review-meta-analysis",
    "rct",
    "non-randomized-controlled-trial",
    "cohort",
    "open-label-trial",
    "retrospective-chart-review",
    "case-series",
    "case-report",
    "animal-study",
    "narrative-review",
]
VERDICTS = [
    ("Exact", "NoDiscrepancy"),
    ("Rounded", "NoDiscrepancy"),
    ("Overstated", "CertaintyInflated"),
    ("Overstated", "PopulationGeneralised"),
    ("Mismatch", "NumberChanged"),
    ("NotAssessable", "NoSource"),
]
ROUTES = ["iv-infusion", "intranasal", "intraoperative-iv", "subcutaneous", "oral", "not-stated"]
TOPICS = ["efficacy", "duration", "numbers", "safety", "mechanism", "eligibility", "study"]
HEAD = """@prefix ev: <https://w3id.org/ketamine-kb/ontology#> .
@prefix claim: <https://w3id.org/ketamine-kb/id/claim/> .
@prefix study: <https://w3id.org/ketamine-kb/id/study/> .
@prefix cond: <https://w3id.org/ketamine-kb/id/condition/> .
@prefix design: <https://w3id.org/ketamine-kb/id/design/> .
@prefix route: <https://w3id.org/ketamine-kb/id/route/> .
@prefix drug: <https://w3id.org/ketamine-kb/id/intervention/> .
@prefix src: <https://w3id.org/ketamine-kb/id/source/> .
@prefix cito: <http://purl.org/spar/cito/> .
@prefix bibo: <http://purl.org/ontology/bibo/> .
@prefix fabio: <http://purl.org/spar/fabio/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <http://schema.org/> .
"""


def conditions():
    """Return the condition slugs of the curated vocabulary."""
    text = (ROOT / "data" / "vocab" / "conditions.ttl").read_text()
    return sorted(set(__import__("re").findall(r"^cond:([a-z0-9-]+) a ev:Condition", text, flags=8)))


def claim_text(rng, i, condition):
    return (
        f"Claim {i}: ketamine infusions helped {rng.randint(2, 99)} of {rng.randint(100, 200)} "
        f"patients with {condition.replace('-', ' ')} for {rng.randint(1, 12)} weeks."
    )


def generate(n, out, seed=42):
    """Write a synthetic KB of n claims under out/; return the number of files written."""
    rng = random.Random(seed)
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(ROOT / "ontology", out / "ontology")
    shutil.copytree(ROOT / "data" / "vocab", out / "data" / "vocab")
    (out / "data" / "sources").mkdir(parents=True)
    (out / "data" / "claims").mkdir(parents=True)
    (out / "data" / "studies").mkdir(parents=True)
    conds = conditions()
    weights = [1 / (k + 1) for k in range(len(conds))]  # a few conditions get most claims, as in life
    n_studies = max(1, n // CLAIMS_PER_STUDY)
    write_studies(rng, out / "data" / "studies", n_studies)
    sources = write_sources_and_claims(rng, out / "data", n, conds, weights, n_studies)
    return sources


def write_studies(rng, folder, count):
    for first in range(0, count, CLAIMS_PER_FILE):
        lines = [HEAD]
        for s in range(first, min(count, first + CLAIMS_PER_FILE)):
            n = rng.choice([8, 12, 20, 40, 64, 120, 654])
            lines.append(
                f'study:s{s} a ev:Study ; ev:slug "s{s}" ; dcterms:title "Synthetic study {s}" ;\n'
                f'  bibo:pmid "{900000001 + s}" ; ev:journal "Synthetic J" ; '
                f'fabio:hasPublicationYear "{rng.randint(1995, 2022)}"^^xsd:gYear ;\n'
                f"  ev:studyDesign design:{rng.choice(DESIGNS)} ; ev:sampleSize {n} ; "
                f'ev:population "synthetic participants" ; ev:isAnimalStudy false ;\n'
                f'  ev:reportedOutcome [ a ev:Outcome ; ev:outcomeText "reported {s}" ; '
                f'ev:percent "{rng.randint(0, 100)}"^^xsd:decimal ] ;\n'
                f"  ev:verificationStatus ev:Unverified ; "
                f'dcterms:description "Synthetic benchmark record, not a real study." .\n'
            )
        (folder / f"studies-{first // CLAIMS_PER_FILE:04d}.ttl").write_text("\n".join(lines))


def write_sources_and_claims(rng, data, n, conds, weights, n_studies):
    sources, chunk, file_no = 0, [HEAD], 0
    for first in range(0, n, CLAIMS_PER_SOURCE):
        src = f"syn-{first // CLAIMS_PER_SOURCE:06d}"
        picks = [(i, rng.choices(conds, weights)[0]) for i in range(first, min(n, first + CLAIMS_PER_SOURCE))]
        texts, offsets, cursor = [], [], 0
        for i, condition in picks:
            text = claim_text(rng, i, condition)
            offsets.append((cursor, cursor + len(text)))
            texts.append(text)
            cursor += len(text) + 1
        raw = ("\n".join(texts) + "\n").encode("utf-8")
        (data / "sources" / f"{src}.txt").write_bytes(raw)
        chunk.append(
            f'src:{src} a ev:SourceDocument ; ev:slug "{src}" ; dcterms:title "Synthetic source {src}" ;\n'
            f'  dcterms:creator "bench/generate.py" ; dcterms:date "2022-06-09"^^xsd:date ;\n'
            f'  schema:url <https://example.org/{src}> ; ev:localCopy "sources/{src}.txt" ;\n'
            f'  ev:sha256 "{hashlib.sha256(raw).hexdigest()}" .\n'
        )
        sources += 1
        for (i, condition), text, (start, end) in zip(picks, texts, offsets, strict=True):
            chunk.append(claim(rng, i, condition, src, text, start, end, n_studies))
            if (i + 1) % CLAIMS_PER_FILE == 0:
                (data / "claims" / f"claims-{file_no:04d}.ttl").write_text("\n".join(chunk))
                chunk, file_no = [HEAD], file_no + 1
    if len(chunk) > 1:
        (data / "claims" / f"claims-{file_no:04d}.ttl").write_text("\n".join(chunk))
    return sources


def claim(rng, i, condition, src, text, start, end, n_studies):
    verdict, discrepancy = rng.choice(VERDICTS)
    if verdict == "NotAssessable":
        link = "  ev:noSourceGiven true ;\n"
    else:
        link = (
            f"  ev:citation [ a ev:Citation ; cito:hasCitingEntity claim:c{i} ; "
            f"cito:hasCitedEntity study:s{rng.randrange(n_studies)} ;\n"
            f'    ev:direction ev:Supports ; ev:identification "synthetic" ] ;\n'
        )
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return (
        f'claim:c{i} a ev:Claim ; ev:slug "c{i}" ; ev:source src:{src} ;\n'
        f'  ev:statement "{escaped}" ; ev:claimTopic "{rng.choice(TOPICS)}" ;\n'
        f"  ev:condition cond:{condition} ; ev:intervention drug:ketamine ; "
        f"ev:route route:{rng.choice(ROUTES)} ;\n"
        f"  ev:assertedStudyType design:{rng.choice(DESIGNS)} ;\n"
        f'  ev:statedOutcome [ a ev:Outcome ; ev:outcomeText "outcome {i}" ; '
        f'ev:percent "{rng.randint(0, 100)}"^^xsd:decimal ] ;\n'
        f'  ev:quote [ a ev:Quote ; ev:source src:{src} ; oa:exact "{escaped}" ;\n'
        f'    oa:start "{start}"^^xsd:nonNegativeInteger ; oa:end "{end}"^^xsd:nonNegativeInteger ] ;\n'
        f"{link}"
        f"  ev:fidelity <{ID}assessment/c{i}> .\n"
        f"<{ID}assessment/c{i}> a ev:FidelityAssessment ; ev:verdict ev:{verdict} ; "
        f'ev:discrepancy ev:{discrepancy} ;\n    ev:reason "synthetic verdict {i}" ; '
        f'prov:wasAttributedTo "bench" ; ev:lastReviewed "2026-11-29"^^xsd:date ;\n'
        f'    ev:review [ a ev:Review ; ev:reviewerRole "bench" ; prov:endedAtTime "2026-11-29"^^xsd:date ; '
        f'ev:change "synthetic" ] .\n'
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("claims", type=int, help="number of claims")
    parser.add_argument("--out", type=Path, help="output folder (default bench/out/N)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    out = args.out or ROOT / "bench" / "out" / str(args.claims)
    sources = generate(args.claims, out, args.seed)
    print(f"wrote {args.claims} claims from {sources} sources to {out}")


if __name__ == "__main__":
    main()
