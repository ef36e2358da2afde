"""A study record as a bibliographic file gives it, and the errors an import reports."""

import re
import unicodedata
from dataclasses import dataclass, field

from kb.errors import KBError


class ImportFailed(KBError):
    """A file that cannot be read as the format it claims (names the file and the entry)."""

    status = 400


class ImportConflict(KBError):
    """An imported value that differs from a curated one; nothing was written."""

    status = 409

    def __init__(self, conflicts):
        self.conflicts = list(conflicts)
        lines = [f"{len(self.conflicts)} conflict(s) with curated values; nothing was changed "
                 "(rerun with --prefer-import to take the imported values):"]
        lines += [f"  {c}" for c in self.conflicts]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Conflict:
    file: str  # the imported file
    entry: str  # 'PMID 17434801' or "entry 'key'"
    study: str  # the curated study's IRI
    field: str
    curated: str
    imported: str
    curated_in: str  # the data file holding the curated value

    def __str__(self):
        return (f"{self.file}: {self.entry} ({self.study}): {self.field}: curated {self.curated!r} "
                f"(in {self.curated_in}) vs imported {self.imported!r}")


@dataclass
class StudyRecord:
    entry: str  # how messages name the record: 'PMID 17434801', "entry 'jones-2018'"
    title: str
    pmid: str | None = None
    doi: str | None = None
    pmcid: str | None = None
    journal: str | None = None
    year: str | None = None
    authors: list = field(default_factory=list)  # 'Surname Initials', in order
    authors_complete: bool = True  # False when the file says 'and others'
    publication_types: list = field(default_factory=list)
    key: str | None = None  # the BibTeX key


def clean(text):
    """Collapse runs of whitespace; None and '' become None."""
    text = " ".join(str(text or "").split())
    return text or None


def initials_of(given):
    """Return 'J. L.' or 'Jing Li' as 'JL'."""
    return "".join(part[0].upper() for part in re.split(r"[\s.\-]+", given or "") if part)


def slugify(text, words=None):
    """Return lowercase ASCII words joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    parts = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(parts[:words] if words else parts)


STOPWORDS = {"a", "an", "the", "of", "for", "in", "on", "and", "or", "to", "with", "as", "by", "at", "from"}


def mint_slug(record, taken):
    """Return a new study slug: the BibTeX key if it fits, else surname-year-title-words."""
    if record.key and re.fullmatch(r"[a-z0-9-]+", record.key) and record.key not in taken:
        return record.key
    words = [w for w in slugify(record.title).split("-") if w not in STOPWORDS][:4]
    surname = slugify(record.authors[0].rsplit(" ", 1)[0]) if record.authors else ""
    base = "-".join(p for p in (surname, record.year or "", "-".join(words)) if p) or "study"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
