"""Read study records from a BibTeX file, with bibtexparser."""

import re

import bibtexparser
from bibtexparser.model import DuplicateBlockKeyBlock, ParsingFailedBlock

from kb.interchange.importers.records import ImportFailed, StudyRecord, clean, initials_of

UNESCAPE = {r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_"}


def unescape(text):
    """Undo the escapes kb export writes, and drop protective braces."""
    text = clean(text) or ""
    for escaped, plain in UNESCAPE.items():
        text = text.replace(escaped, plain)
    return clean(re.sub(r"(?<!\\)[{}]", "", text))


def authors_of(value):
    """Return ('Surname Initials' list, complete?) from a BibTeX author field."""
    names, complete = [], True
    for name in re.split(r"\s+and\s+", unescape(value) or ""):
        if name.strip().lower() == "others":
            complete = False
            continue
        if "," in name:
            family, given = (p.strip() for p in name.split(",", 1))
        else:
            family, _, given = name.strip().rpartition(" ") if " " in name.strip() else (name, "", "")
            family, given = (family, given) if family else (given, "")
        initials = initials_of(given)
        names.append(f"{family} {initials}" if initials else family)
    return [n for n in names if n], complete


def label_of(block, text):
    """Name a block that failed to parse by its line and, if it shows one, its title."""
    following = "\n".join(text.splitlines()[block.start_line:]).split("\n@", 1)[0]
    title = re.search(r"title\s*=\s*[{\"]([^}\"]*)", following, re.IGNORECASE)
    shown = f" (title {clean(title.group(1))!r})" if title else ""
    return f"the entry at line {block.start_line + 1}{shown}"


def record_of(entry, path):
    """Return the StudyRecord of one parsed entry, or raise naming the file and the entry."""
    fields = {f.key.lower(): f.value for f in entry.fields}
    if not entry.key.strip():
        title = unescape(fields.get("title"))
        raise ImportFailed(f"{path}: the @{entry.entry_type} entry at line {entry.start_line + 1}"
                           f"{f' (title {title!r})' if title else ''} has no key; nothing was changed")
    name = f"entry '{entry.key}'"
    title = unescape(fields.get("title"))
    if not title:
        raise ImportFailed(f"{path}: {name} has no title; nothing was changed")
    authors, complete = authors_of(fields.get("author"))
    year = unescape(fields.get("year"))
    pmid = unescape(fields.get("pmid"))
    return StudyRecord(entry=f"{name}{f' (PMID {pmid})' if pmid else ''}", title=title, pmid=pmid,
                       doi=unescape(fields.get("doi")), pmcid=unescape(fields.get("pmcid")),
                       journal=unescape(fields.get("journal")), year=year[:4] if year else None,
                       authors=authors, authors_complete=complete, key=entry.key)


def parse(path):
    """Return the StudyRecords of a BibTeX file; a malformed entry raises ImportFailed."""
    try:
        text = open(path, encoding="utf-8").read()
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{path}: not UTF-8 text ({exc}); nothing was changed") from None
    library = bibtexparser.parse_string(text)
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock):
            raise ImportFailed(f"{path}: entry '{block.key}' at line {block.start_line + 1} repeats a key; "
                               "nothing was changed")
        if isinstance(block, ParsingFailedBlock):
            reason = "has no key" if re.match(r"@\w+\s*\{\s*\w+\s*=", block.raw or "") else "cannot be parsed"
            raise ImportFailed(f"{path}: {label_of(block, text)} {reason}; nothing was changed")
    records = [record_of(e, path) for e in library.entries]
    if not records:
        raise ImportFailed(f"{path}: no BibTeX entries; nothing was changed")
    return records
