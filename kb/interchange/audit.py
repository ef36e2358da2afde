"""The audit of a source's claims, built once from the queries/audit-*.rq answers.

`kb audit` prints it as text, JSON or CSV and /audit renders it; both take the dict
``build(kb, source)`` returns, so the page, the command and the counts on / agree.
"""

import csv
import io
import json
from dataclasses import dataclass

from kb.build.derive import PAGE_SIZE
from kb.namespaces import PREFIXES
from kb.query.catalogue import expand_iri


@dataclass(frozen=True)
class Section:
    key: str  # the anchor on /audit and the key in JSON
    query: str
    title: str
    counts: str  # what the count counts: the distinct values of this column
    label: str  # the column that names an item
    detail: str  # the column that says what is wrong with it


SECTIONS = [
    Section("no-source", "audit-claims-without-source", "Claims with no source given", "claim",
            "statement", "quote"),
    Section("unverified-study", "audit-unverified-studies", "Claims whose study is unverified", "claim",
            "statement", "missing"),
    Section("discrepancies", "audit-discrepancies", "Claims rated overstated or mismatch, by discrepancy",
            "claim", "statement", "reason"),
    Section("numbers-changed", "audit-numbers-changed", "Numbers the article changed", "claim",
            "statement", "measure"),
    Section("animal-as-human", "audit-animal-as-human", "Animal results presented as human", "claim",
            "statement", "reason"),
    Section("weak-conditions", "audit-weak-conditions", "Conditions whose only evidence is level 4-5",
            "condition", "label", "best_level"),
    Section("strong-language", "audit-strong-language", "Wording stronger than the evidence", "claim",
            "statement", "phrase"),
]
BY_KEY = {s.key: s for s in SECTIONS}


def source_iri(text):
    """Return the IRI of a source given as a slug, src:SLUG or a full IRI."""
    if text is None or text == "":
        return None
    if ":" not in text:
        text = "src:" + text
    return expand_iri(text, "source")


def build(kb, source=None, page=None, only=None, size=PAGE_SIZE):
    """Return the audit (of one source, or all) as one dict: every section's count and its rows.

    page=N keeps the Nth window of `size` rows of each section (of the section `only` names; the
    others keep their counts and no rows); page=None keeps every row (the CLI, the JSON export).
    Rows and counts come from the answers the build kept (kb/kept.py), or from the queries when a
    store has none."""
    iri = source_iri(source)
    sections = []
    for section in SECTIONS:
        question = kb.catalogue.get(section.query).question
        shown = only is None or only == section.key
        count, total, rows = section_rows(kb, section, iri, page if shown else 0, size)
        entry = {"key": section.key, "title": section.title, "question": question, "query": section.query,
                 "count": count, "total_rows": total, "rows": rows}
        if section.key == "discrepancies":
            entry["groups"] = group_by(rows, "discrepancy_label")
        sections.append(entry)
    return {"source": iri, "counts": {s["key"]: s["count"] for s in sections}, "sections": sections}


def section_rows(kb, section, iri, page, size):
    """Return (count of distinct items, rows, the rows of the page) of one section; page 0: none."""
    if page is None:
        rows = list(kb.kept_rows(section.query, iri))
        return len({r[section.counts] for r in rows}), len(rows), rows
    rows, total, count = kb.kept_page(section.query, page, size, iri)
    return count, total, rows


def all_rows(kb, source=None):
    """Yield (section key, row) for every finding, a section at a time, without holding them all."""
    iri = source_iri(source)
    for section in SECTIONS:
        for row in kb.kept_rows(section.query, iri):
            yield section.key, row


def group_by(rows, column):
    """Return rows grouped by a column, groups in first-seen order."""
    groups = {}
    for row in rows:
        groups.setdefault(row[column], []).append(row)
    return [{"label": label, "count": len({r["claim"] for r in members}), "rows": members}
            for label, members in groups.items()]


def short(iri):
    """Return an IRI as a CURIE with the KB's prefixes, for text and CSV."""
    text = str(iri or "")
    for prefix, ns in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if text.startswith(ns) and prefix not in ("kb",):
            return f"{prefix}:{text[len(ns):]}"
    return text


def one_line(text, width=110):
    """Collapse whitespace and cut to a width, for the text report."""
    text = " ".join(str(text or "").split())
    return text if len(text) <= width else text[:width - 1] + "…"


def item_lines(key, row):
    """Return the lines the text report prints for one row of a section."""
    if key == "weak-conditions":
        return [f"{short(row['condition'])}  {row['label']}: best level {row['best_level']}, "
                f"{row['claims']} claim(s), {row['studies']} supporting study(ies)"]
    lines = [f"{short(row['claim'])}  {one_line(row['statement'], 100)}"]
    if key == "no-source":
        lines.append(f'    "{one_line(row["quote"], 100)}"')
    elif key == "unverified-study":
        lines.append(f"    {row['direction_label']} {short(row['study'])}: {one_line(row['missing'], 90)}")
    elif key == "discrepancies":
        lines.append(f"    {row['verdict_label']}, level {row['level']}: {one_line(row['reason'], 90)}")
    elif key == "numbers-changed":
        lines.append(f"    {row['measure']}: claimed {one_line(row['claimed'], 45)} | reported "
                     f"{one_line(row['reported'], 45)}  ({short(row['study'])})")
    elif key == "animal-as-human":
        flag = "flagged by curator" if row["flagged_by_curator"] else "rests on an animal study"
        lines.append(f"    {flag}; study {short(row['study']) or '-'}: {one_line(row['reason'], 70)}")
    elif key == "strong-language":
        lines.append(f"    '{row['phrase']}' needs level {row['warranted_up_to']} or better; "
                     f"the evidence is level {row['level']}")
    return lines


def render_text(audit):
    """Return the audit as a plain-text report."""
    out = [f"Audit of {short(audit['source']) if audit['source'] else 'every source'}", ""]
    out += [f"  {audit['counts'][s.key]:>4}  {s.title}" for s in SECTIONS]
    for section in audit["sections"]:
        out += ["", f"== {section['title']} ({section['count']})"]
        if section["key"] == "discrepancies":
            for group in section["groups"]:
                out.append(f"-- {group['label']} ({group['count']})")
                for row in group["rows"]:
                    out += item_lines(section["key"], row)
        else:
            for row in section["rows"]:
                out += item_lines(section["key"], row)
    return "\n".join(out) + "\n"


def render_json(audit):
    """Return the audit as JSON text."""
    return json.dumps(audit, indent=2, ensure_ascii=False) + "\n"


CSV_COLUMNS = ["section", "item", "label", "detail", "study", "level", "claimed", "reported", "source"]


def csv_lines(findings):
    """Yield the audit as CSV lines, one per finding (section key, row), the section first."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for key, row in findings:
        spec = BY_KEY[key]
        writer.writerow({
            "section": key, "item": row[spec.counts], "label": row[spec.label],
            "detail": row.get("discrepancy_label") or row.get(spec.detail),
            "study": row.get("study"), "level": row.get("level", row.get("best_level")),
            "claimed": row.get("claimed"), "reported": row.get("reported"), "source": row["source"]})
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def render_csv(audit):
    """Return the audit as CSV text: one row per finding, the section first."""
    return "".join(csv_lines((s["key"], row) for s in audit["sections"] for row in s["rows"]))


RENDERERS = {"text": render_text, "json": render_json, "csv": render_csv}
