"""Build the store: validate every file, load each into its own named graph, swap atomically."""

import contextlib
import gc
import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from . import validate as checks
from .derive import derive
from .errors import KBError, ValidationFailed
from .namespaces import GRAPH
from .progress import progress
from .queries import Catalogue, bind
from .results import rows_from
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


def query_store(store, catalogue, name, **params):
    """Run a named query on a store being built, over the union of its graphs."""
    query = catalogue.get(name)
    return store.query(bind(query.text, query.bindings(params)), use_default_graph_as_union=True)


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


@contextlib.contextmanager
def timed(stages, name):
    """Add the seconds the block takes to stages[name] (reported by kb build and the benchmark)."""
    started = time.perf_counter()
    yield
    stages[name] = round(stages.get(name, 0) + time.perf_counter() - started, 3)


def load(store, files, dirs, queries_dir, bar, stages=None):
    """Load each file into its own named graph, derive, then check quotes and run every check."""
    stages = {} if stages is None else stages
    graphs = {}
    with timed(stages, "load"):
        for path in files:
            graph = graph_name(path, dirs)
            graphs[graph.value] = str(path)
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            bar.update(1)
    catalogue = Catalogue(queries_dir)
    with timed(stages, "optimize"):
        # Bulk loading leaves many small files; the derive queries join over all of them
        # (the condition summaries took 27 s at 100,000 claims before, 9 s after).
        store.optimize()
    with timed(stages, "derive"):
        derive(store, catalogue)  # derived levels, before the checks see the store
    with timed(stages, "checks"):
        def file_of(claim):
            found = rows_from(query_store(store, catalogue, "claim-graph", claim=claim)).rows
            graph = found[0]["graph"] if found else ""
            return graphs.get(graph, graph)

        copies = rows_from(query_store(store, catalogue, "source-copies")).rows
        problems = checks.quote_problems(query_store(store, catalogue, "source-quotes"), copies,
                                         data_root(dirs), file_of)
        problems += check_problems(store, catalogue)
    if problems:
        raise ValidationFailed(problems)


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
    """Validate, load into a fresh store, run the checks, then switch readers to it.

    shacl=False skips pyshacl (which parses everything with rdflib) for bulk loads of
    generated data; syntax, quotes and the check queries still run.
    """
    spec = StoreSpec.parse(store_spec)
    started = time.perf_counter()
    stages = {}
    with timed(stages, "validate"):
        files = prepare(dirs, shapes, shacl=shacl, verbose=verbose)
    ident = build_id(files)
    info = {"build": ident, "files": [str(f) for f in files], "shacl": shacl, "stages": stages}
    if spec.kind == "sparql":
        info["triples"] = _build_remote(spec, ident, files, dirs, queries_dir, verbose)
    else:
        info["triples"] = _build_embedded(spec, ident, files, dirs, queries_dir, verbose, info)
    info["seconds"] = round(time.perf_counter() - started, 3)
    return info


def _build_embedded(spec, ident, files, dirs, queries_dir, verbose, info):
    folder = BuildFolder(spec.location, ident)
    store = None
    try:
        store = folder.open()
        with progress("loading", total=len(files), enabled=verbose) as bar:
            load(store, files, dirs, queries_dir, bar, info["stages"])
        with timed(info["stages"], "optimize"):
            # Without it an on-disk store answers joins many times slower than in memory.
            store.optimize()
            triples = len(store)
            store.flush()
        del store
        folder.commit({**info, "triples": triples,
                       "built_at": datetime.now(UTC).isoformat(timespec="seconds")})
        return triples
    except (KBError, OSError) as exc:
        # The traceback's frames still hold the store open; RocksDB would write its files
        # again after the folder is removed. Drop them, close the store, then remove it.
        store = None  # noqa: F841 - unbinding it is what closes it
        exc.__traceback__ = None
        gc.collect()
        folder.discard()
        raise exc from None


def _build_remote(spec, ident, files, dirs, queries_dir, verbose):
    """Check in memory, stage every graph on the server, then switch in one update."""
    from .remote import RemoteStore

    remote = RemoteStore(spec)
    previous = remote.current_graphs()
    store = ox.Store()
    with progress("checking", total=len(files), enabled=verbose) as bar:
        load(store, files, dirs, queries_dir, bar)
    staged = {}
    with progress("uploading", total=len(files), enabled=verbose) as bar:
        for graph in store.named_graphs():
            staging = f"{GRAPH}staging/{ident}/{graph.value[len(GRAPH):]}"
            remote.put_graph(staging, [q.triple for q in store.quads_for_pattern(None, None, None, graph)])
            staged[graph.value] = staging
            bar.update(1)
    remote.switch(ident, staged, previous)
    return len(store)
