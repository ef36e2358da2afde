"""`kb import`: create or update study records from PubMed XML or BibTeX files.

Every import is checked before anything is written: the file is parsed whole, compared with
the curated studies (a different value is a conflict unless --prefer-import), the result is
written to a temporary copy of the data and validated like `kb validate`, and only then
written to data/. New studies go to data/studies/imported-STEM.ttl, marked unverified.
"""

import dataclasses
import hashlib
import shutil
import tempfile
from datetime import date
from pathlib import Path

from kb import build as builder
from kb.build.load import data_root
from kb.errors import ValidationFailed
from kb.interchange.importers import bibtex, pubmed
from kb.interchange.importers.merge import Curated, plan
from kb.interchange.importers.records import ImportConflict, ImportFailed, slugify
from kb.interchange.importers.turtle import apply_replacements, imported_file_text

PARSERS = {"pubmed": pubmed.parse, "bibtex": bibtex.parse}

__all__ = ["ImportConflict", "ImportFailed", "run"]


def target_path(data_dir, source):
    """Return the data file an import of a source file writes."""
    return Path(data_dir) / "studies" / f"imported-{slugify(Path(source).stem) or 'file'}.ttl"


def run(kind, source, dirs, shapes, queries_dir, prefer_import=False, today=None):
    """Import one file into the data folder of dirs; return what was created, added and replaced."""
    source = Path(source)
    if not source.is_file():
        raise ImportFailed(f"{source}: no such file")
    records = PARSERS[kind](source)
    data_dir = data_root(dirs)
    curated = Curated.load(data_dir)
    result = plan(records, curated, source.name, prefer_import=prefer_import)
    if result.conflicts:
        raise ImportConflict(result.conflicts)
    summary = {"file": str(source), "entries": len(records),
               "new": [{"study": str(iri), "entry": r.entry, "design": str(d)} for r, iri, d in result.new],
               "added": [{"study": str(s), "property": str(p), "value": str(v)}
                         for s, p, v in result.additions],
               "replaced": [{"study": str(s), "property": str(p), "curated": str(o), "imported": str(n)}
                            for s, p, o, n, _ in result.replacements],
               "unchanged": [str(s) for s in result.unchanged], "written": []}
    if not result.changes:
        return summary
    stamp = (today or date.today()).isoformat()
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = target_path(data_dir, source)
    files = apply_replacements(result, curated, target, source.name, stamp)
    files[target] = imported_file_text(result, files.get(target, curated.files.get(target)), source.name,
                                       digest, stamp, kind)
    check_copy(files, dirs, shapes, queries_dir)
    for path, text in files.items():
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(text, encoding="utf-8")
    summary["written"] = [str(p) for p in files]
    return summary


def check_copy(files, dirs, shapes, queries_dir):
    """Write the changed files into a copy of the data folders and validate it like `kb validate`."""
    with tempfile.TemporaryDirectory(prefix="kb-import-") as tmp:
        copies = {}
        for folder in map(Path, dirs):
            copies[folder.resolve()] = Path(tmp) / folder.name
            shutil.copytree(folder, copies[folder.resolve()])
        for path, text in files.items():
            copy = relocate(Path(path), copies)
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_text(text, encoding="utf-8")
        try:
            builder.validate([str(c) for c in copies.values()], shapes, queries_dir, verbose=False)
        except ValidationFailed as exc:
            back = {str(c): str(f) for f, c in copies.items()}
            problems = [dataclasses.replace(p, file=unlocate(p.file, back)) for p in exc.problems]
            raise ValidationFailed(problems) from None


def relocate(path, copies):
    """Return where a file of one of the data folders lies in their temporary copy."""
    path = path.resolve()
    for folder, copy in copies.items():
        if path.is_relative_to(folder):
            return copy / path.relative_to(folder)
    raise ImportFailed(f"{path} is outside the data folders {', '.join(map(str, copies))}")


def unlocate(file, back):
    """Name a problem's file by its real path, not its temporary copy."""
    for copy, real in back.items():
        if str(file).startswith(copy):
            return real + str(file)[len(copy):]
    return file
