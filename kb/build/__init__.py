"""Build the store: validate every file, load each into its own named graph, swap atomically.

The steps, each in its own module: ``checks`` (syntax, SHACL shapes, quotes against their
source), ``load`` (one named graph per file, then the derived graphs and the check queries),
``derive`` (what queries/construct-*.rq infer). The store's backend stages the build and
switches readers to it only when every step passed (kb/store/).
"""

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from kb import kept, search
from kb.build import checks
from kb.build.load import load, timed
from kb.errors import KBError
from kb.interchange import downloads
from kb.progress import progress
from kb.sparql.service import VOID_DATASET, VOID_ENDPOINT, VOID_NAME
from kb.store import open_store


def build_id(files):
    """Return an id that sorts by time and names the content it was built from."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(Path(path).read_bytes())
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + digest.hexdigest()[:10]


def prepare(dirs, shapes, shacl=True, verbose=True):
    """Collect the files and check their syntax and, unless skipped, their shapes."""
    files = checks.collect_files(dirs)
    with progress("validating", total=1, enabled=verbose) as bar:
        if shacl:
            checks.validate_shapes(files, shapes)  # checks every file's syntax first
        else:
            checks.check_syntax_all(files)
        bar.update(1)
    return files


def validate(dirs, shapes, queries_dir, verbose=True):
    """Validate without keeping anything: syntax, shapes, then quotes and checks in memory."""
    files = prepare(dirs, shapes, verbose=verbose)
    store = ox.Store()
    with progress("checking", total=len(files), enabled=verbose) as bar:
        load(store, files, dirs, queries_dir, bar)
    return {"files": len(files), "triples": len(store)}


def build(store_spec, dirs, shapes, queries_dir, verbose=True, shacl=True):
    """Validate, load into a fresh staging store, run the checks, then switch readers to it.

    shacl=False skips pyshacl (which parses everything with rdflib) for bulk loads of
    generated data; syntax, quotes and the check queries still run.
    """
    started = time.perf_counter()
    stages = {}
    with timed(stages, "validate"):
        files = prepare(dirs, shapes, shacl=shacl, verbose=verbose)
    staging = open_store(store_spec).stage(build_id(files), verbose=verbose)
    ident = staging.build_id  # a remote store resumes an unfinished upload of the same files
    info = {"build": ident, "files": [str(f) for f in files], "shacl": shacl, "stages": stages}
    try:
        with progress("loading", total=len(files), enabled=verbose) as bar:
            kb = load(staging.store, files, dirs, queries_dir, bar, stages)
        with timed(stages, "kept answers"):
            kept.write_kept(kb, staging.artefact(kept.KEPT_NAME))
        with timed(stages, "search index"):
            search.write_index(kb.records("search-documents"), staging.artefact(search.INDEX_NAME))
        with timed(stages, "downloads"):
            downloads.write_downloads(kb, staging.artefact(downloads.FOLDER), ident)
        with timed(stages, "void"):
            void = kb.run_query("void-description", dataset=VOID_DATASET, endpoint=VOID_ENDPOINT)
            staging.artefact(VOID_NAME).write_bytes(ox.serialize(void, format=ox.RdfFormat.N_TRIPLES))
        with timed(stages, "commit"):
            info["triples"] = staging.commit(info)
    except (KBError, OSError) as exc:
        exc.__traceback__ = None  # its frames would keep the staging store open
        staging.discard()
        raise exc from None
    info["seconds"] = round(time.perf_counter() - started, 3)
    return info
