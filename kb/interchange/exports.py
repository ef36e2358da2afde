"""Exports researchers cite with: BibTeX, RIS and CSL-JSON of studies, nanopublications of
claims (TriG), and claims as a flat CSV. Every value comes from a queries/export-*.rq answer.
"""

import csv
import io
import json
from datetime import UTC, datetime
from typing import NamedTuple

import pyoxigraph as ox

from kb import formats
from kb.errors import InvalidParameter
from kb.interchange import audit
from kb.namespaces import BASE, PREFIXES

NP = "http://www.nanopub.org/nschema#"
NANOPUB_BASE = BASE + "np/"
NANOPUB_PREFIXES = {**PREFIXES, "np": NP}
BIBTEX_SPECIAL = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}
UNVERIFIED_NOTE = "Not verified by the Ketamine evidence KB"


# ---------------------------------------------------------------- names

def split_name(name):
    """Split 'Surname Initials' (PubMed style) into (family, initials); initials may be ''."""
    parts = str(name).split()
    if len(parts) > 1 and parts[-1].isalpha() and parts[-1].isupper() and len(parts[-1]) <= 4:
        return " ".join(parts[:-1]), parts[-1]
    return str(name), ""


def dotted(initials):
    """Return 'JL' as 'J. L.'."""
    return " ".join(f"{letter}." for letter in initials)


def authors_of(record):
    """Return [(family, initials)] of a study's authors, and whether the list is complete."""
    if record.get("authors"):
        return [split_name(a) for a in record["authors"].split("; ") if a], True
    if record.get("first_author"):
        return [split_name(record["first_author"])], False
    return [], True


# ---------------------------------------------------------------- BibTeX, RIS, CSL-JSON

def bibtex_escape(text):
    """Escape the characters BibTeX gives a meaning to."""
    return "".join(BIBTEX_SPECIAL.get(c, c) for c in str(text))


def bibtex_entry(record):
    """Return one study as a BibTeX entry keyed by its slug."""
    names, complete = authors_of(record)
    authors = [f"{family}, {dotted(initials)}" if initials else f"{{{family}}}" for family, initials in names]
    if names and not complete:
        authors.append("others")
    fields = [("title", record["title"]), ("author", " and ".join(authors)),
              ("journal", record.get("journal")), ("year", record.get("year")),
              ("doi", record.get("doi")), ("pmid", record.get("pmid")), ("pmcid", record.get("pmcid")),
              ("note", note_of(record))]
    body = ",\n".join(f"  {key} = {{{bibtex_escape(value) if key != 'author' else value}}}"
                      for key, value in fields if value not in (None, ""))
    kind = "article" if record.get("journal") else "misc"
    return f"@{kind}{{{record['slug']},\n{body}\n}}\n"


def note_of(record):
    """Return the note a reference manager should keep: unverified studies say so."""
    if record.get("status", "").endswith("#Unverified"):
        return UNVERIFIED_NOTE
    return None


def ris_entry(record):
    """Return one study as an RIS record."""
    names, _ = authors_of(record)
    lines = [("TY", "JOUR" if record.get("journal") else "GEN"), ("ID", record["slug"]),
             ("TI", record["title"])]
    lines += [("AU", f"{family}, {dotted(initials)}" if initials else family) for family, initials in names]
    lines += [("T2", record.get("journal")), ("PY", record.get("year")), ("DO", record.get("doi")),
              ("AN", record.get("pmid")), ("C2", record.get("pmcid")),
              ("UR", f"https://pubmed.ncbi.nlm.nih.gov/{record['pmid']}/" if record.get("pmid") else None),
              ("N1", note_of(record)), ("ER", "")]
    return "".join(f"{tag}  - {value}\n" for tag, value in lines if value is not None)


def csl_item(record):
    """Return one study as a CSL-JSON item."""
    names, _ = authors_of(record)
    item = {"id": record["slug"], "type": "article-journal" if record.get("journal") else "article",
            "title": record["title"]}
    if names:
        item["author"] = [{"family": f, "given": dotted(i)} if i else {"literal": f} for f, i in names]
    optional = {"container-title": record.get("journal"), "DOI": record.get("doi"),
                "PMID": record.get("pmid"), "PMCID": record.get("pmcid"), "note": note_of(record)}
    item.update({k: v for k, v in optional.items() if v})
    if record.get("year"):
        item["issued"] = {"date-parts": [[int(record["year"])]]}
    return item


def study_records(kb, study=None):
    """Return the export-studies rows, every study or one (an IRI or study:SLUG)."""
    rows = kb.rows("export-studies", **({"study": study} if study else {}))
    for row in rows:
        row["slug"] = row["slug"] or row["study"].rsplit("/", 1)[-1]
        row["year"] = str(row["year"]) if row.get("year") is not None else None
    return rows


def bibtex(records):
    return "\n".join(bibtex_entry(r) for r in records).encode("utf-8")


def ris(records):
    return "\n".join(ris_entry(r) for r in records).encode("utf-8")


def csljson(records):
    return (json.dumps([csl_item(r) for r in records], indent=2, ensure_ascii=False) + "\n").encode("utf-8")


STUDY_FORMATS = {"bibtex": bibtex, "ris": ris, "csljson": csljson}


def study_export(kb, fmt, study=None):
    """Return one study (or all) as BibTeX, RIS or CSL-JSON bytes; [] rows mean no such study."""
    records = study_records(kb, study)
    return STUDY_FORMATS[fmt](records) if records else None


# ---------------------------------------------------------------- nanopublications

def nanopub_quads(kb, claim, created):
    """Return the quads of one claim's nanopublication: head, assertion, provenance, pubinfo."""
    slug = claim.rsplit("/", 1)[-1]
    this = ox.NamedNode(NANOPUB_BASE + slug)
    head, assertion, provenance, pubinfo = (ox.NamedNode(f"{this.value}#{part}")
                                            for part in ("Head", "assertion", "provenance", "pubinfo"))

    def node(iri):
        return ox.NamedNode(iri)

    quads = [ox.Quad(this, node(PREFIXES["rdf"] + "type"), node(NP + "Nanopublication"), head),
             ox.Quad(this, node(NP + "hasAssertion"), assertion, head),
             ox.Quad(this, node(NP + "hasProvenance"), provenance, head),
             ox.Quad(this, node(NP + "hasPublicationInfo"), pubinfo, head)]
    quads += [ox.Quad(t.subject, t.predicate, t.object, assertion)
              for t in kb.run_query("export-nanopub-assertion", claim=claim)]
    quads += [ox.Quad(t.subject, t.predicate, t.object, provenance)
              for t in kb.run_query("export-nanopub-provenance", claim=claim, assertion=assertion.value)]
    stamp = ox.Literal(created, datatype=node(PREFIXES["xsd"] + "dateTime"))
    quads += [ox.Quad(this, node(PREFIXES["dcterms"] + "created"), stamp, pubinfo),
              ox.Quad(this, node(PREFIXES["dcterms"] + "creator"), ox.Literal("Ketamine evidence KB"),
                      pubinfo),
              ox.Quad(this, node(PREFIXES["prov"] + "wasDerivedFrom"), node(claim), pubinfo),
              ox.Quad(this, node(PREFIXES["rdfs"] + "seeAlso"), node(claim), pubinfo)]
    return quads


def nanopubs(kb, claim=None, source=None):
    """Return the nanopublications of one claim, or of every claim (of a source), as TriG bytes."""
    claims = [claim] if claim else [r["claim"] for r in claims_rows(kb, source)]
    created = datetime.now(UTC).isoformat(timespec="seconds")
    quads = [q for iri in claims for q in nanopub_quads(kb, iri, created)]
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=NANOPUB_PREFIXES)


# ---------------------------------------------------------------- claims CSV

CLAIM_COLUMNS = ["claim", "source", "condition", "condition_label", "interventions", "route_label",
                 "asserted_design_label", "level", "outcome", "percent", "responders", "denominator",
                 "sample_size", "duration", "studies", "pmids", "dois", "verdict_label", "discrepancies",
                 "quote"]


def claims_rows(kb, source=None):
    return kb.rows("export-claims", **({"source": source} if source else {}))


def claims_csv(kb, source=None):
    """Return every claim as one CSV row (UTF-8 with a BOM, so spreadsheets read the accents)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CLAIM_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in claims_rows(kb, source):
        writer.writerow({k: " ".join(str(v).split()) if k == "quote" else v for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# ---------------------------------------------------------------- the catalogue

class Export(NamedTuple):
    file: str  # its name on /download
    format: formats.Format
    holds: str


EXPORTS = {
    "bibtex": Export("studies.bib", formats.by_name("bibtex"), "every study as BibTeX, keyed by its slug"),
    "ris": Export("studies.ris", formats.by_name("ris"), "every study as RIS"),
    "csljson": Export("studies.csl.json", formats.by_name("csljson"), "every study as CSL-JSON"),
    "nanopub": Export("nanopubs.trig", formats.NANOPUB,
                      "every claim as a nanopublication: assertion, provenance and publication info graphs"),
    "claims-csv": Export("claims.csv", formats.by_name("claims-csv"),
                         "one row per claim: condition, intervention, route, design, level, outcome "
                         "numbers, study PMID/DOI, verdict, discrepancy, quote"),
    "audit-csv": Export("audit.csv", formats.by_name("audit-csv"),
                        "the audit of every source: one row per finding (no source given, unverified "
                        "study, overstated, changed number, animal as human, weak evidence, strong wording)"),
}
BY_FILE = {export.file: fmt for fmt, export in EXPORTS.items()}


def export(kb, fmt):
    """Return one of the EXPORTS of the whole KB as bytes."""
    if fmt in STUDY_FORMATS:
        return STUDY_FORMATS[fmt](study_records(kb))
    if fmt == "nanopub":
        return nanopubs(kb)
    if fmt == "claims-csv":
        return claims_csv(kb)
    if fmt == "audit-csv":
        return "".join(audit.csv_lines(audit.all_rows(kb))).encode("utf-8")
    raise InvalidParameter(f"format {fmt!r}: expected one of {', '.join(EXPORTS)}")


def catalogue(kb):
    """Return every export with its download path, media type and size in bytes."""
    return [{"format": fmt, "name": e.file, "href": f"/download/{e.file}", "media_type": e.format.media_type,
             "holds": e.holds, "bytes": len(export(kb, fmt))}
            for fmt, e in EXPORTS.items()]
