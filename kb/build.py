"""Build the store: validate every file, load each into its own named graph, swap atomically."""

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from . import validate as checks
from .errors import KBError, ValidationFailed
from .namespaces import GRAPH
from .progress import progress
from .queries import Catalogue
from .store import BuildFolder, StoreSpec


def graph_name(path, roots):
    """Return the named graph IRI of a source file: its path relative to the repository."""
    path = Path(path).resolve()
    for root in roots:
        base = Path(root).resolve().parent
        if path.is_relative_to(base):
            return ox.NamedNode(GRAPH + path.relative_to(base).as_posix())
    return ox.NamedNode(GRAPH + path.name)


def build_id(files):
    """Return an id that sorts by time and names the content it was built from."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(Path(path).read_bytes())
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f") + "-" + digest.hexdigest()[:10]


def data_root(dirs):
    """Return the folder that source documents' local copies are relative to."""
    for folder in dirs:
        if Path(folder).name == "data":
            return Path(folder)
    return Path(dirs[-1])


def check_problems(store, catalogue):
    """Run every queries/check-*.rq on the loaded store; each row is a problem."""
    problems = []
    for query in catalogue.all(role="check"):
        results = store.query(query.text, use_default_graph_as_union=True)
        for row in results:
            values = ", ".join(f"{v.value}={row[v].value}" for v in results.variables
                               if row[v] is not None)
            problems.append(checks.Problem(str(query.path), f"check failed: {query.title}",
                                           value=values))
    return problems


def validate(dirs, shapes, queries_dir, verbose=True):
    """Validate without loading: syntax, shapes, quotes, then the check queries."""
    files = checks.collect_files(dirs)
    with progress("validating", total=3, enabled=verbose) as bar:
        data = checks.validate_files(files, shapes, data_root(dirs))
        bar.update(1)
        memory = ox.Store()
        for path in files:
            memory.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph_name(path, dirs))
        bar.update(1)
        problems = check_problems(memory, Catalogue(queries_dir))
        bar.update(1)
    if problems:
        raise ValidationFailed(problems)
    return {"files": len(files), "triples": len(data)}


def build(store_spec, dirs, shapes, queries_dir, verbose=True):
    """Validate, load into a fresh folder, run the checks, then swap it in."""
    spec = StoreSpec.parse(store_spec)
    if spec.kind != "oxigraph":
        from .remote import build_remote

        return build_remote(spec, dirs, shapes, queries_dir, verbose=verbose)
    started = time.perf_counter()
    files = checks.collect_files(dirs)
    with progress("validating", total=1, enabled=verbose) as bar:
        checks.validate_files(files, shapes, data_root(dirs))
        bar.update(1)
    folder = BuildFolder(spec.location, build_id(files))
    try:
        store = folder.open()
        with progress("loading", total=len(files), enabled=verbose) as bar:
            for path in files:
                store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE,
                                to_graph=graph_name(path, dirs))
                bar.update(1)
        store.optimize()
        problems = check_problems(store, Catalogue(queries_dir))
        if problems:
            raise ValidationFailed(problems)
        triples = len(store)
        store.flush()
        del store
        info = {"build": folder.path.name, "files": [str(f) for f in files], "triples": triples,
                "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "seconds": round(time.perf_counter() - started, 3)}
        folder.commit(info)
        return info
    except (KBError, OSError):
        folder.discard()
        raise
