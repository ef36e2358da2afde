"""Load a build's files into a staging store, derive, then check it with the named queries."""

import contextlib
import time
from pathlib import Path

import pyoxigraph as ox

from kb.build import checks
from kb.build.certainty import derive_certainty
from kb.build.derive import derive
from kb.errors import ValidationFailed
from kb.knowledge import KnowledgeBase
from kb.namespaces import GRAPH
from kb.query.catalogue import Catalogue
from kb.store.embedded import LocalStore


def graph_name(path, roots):
    """Return the named graph IRI of a source file: its path relative to the repository."""
    path = Path(path).resolve()
    for root in roots:
        base = Path(root).resolve().parent
        if path.is_relative_to(base):
            return ox.NamedNode(GRAPH + path.relative_to(base).as_posix())
    return ox.NamedNode(GRAPH + path.name)


def data_root(dirs):
    """Return the folder that source documents' local copies are relative to."""
    for folder in dirs:
        if Path(folder).name == "data":
            return Path(folder)
    return Path(dirs[-1])


@contextlib.contextmanager
def timed(stages, name):
    """Add the seconds the block takes to stages[name] (reported by kb build and the benchmark)."""
    started = time.perf_counter()
    yield
    stages[name] = round(stages.get(name, 0) + time.perf_counter() - started, 3)


def check_problems(kb):
    """Run every queries/check-*.rq on the loaded store; each row is a problem."""
    problems = []
    for query in kb.catalogue.all(role="check"):
        found = kb.run(query)
        for row in found.rows:
            values = ", ".join(f"{c}={row[c]}" for c in found.columns if row[c] is not None)
            problems.append(checks.Problem(str(query.path), f"check failed: {query.title}", value=values))
    return problems


def load(store, files, dirs, queries_dir, bar, stages=None):
    """Load each file into its own named graph, derive, then check quotes and run every check;
    return the KnowledgeBase that reads the loaded store."""
    stages = {} if stages is None else stages
    graphs = {}
    with timed(stages, "load"):
        for path in files:
            graph = graph_name(path, dirs)
            graphs[graph.value] = str(path)
            store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=graph)
            bar.update(1)
    kb = KnowledgeBase(LocalStore(store), Catalogue(queries_dir), row_limit=None)
    with timed(stages, "optimize"):
        store.optimize()  # bulk loading leaves many small files that the derive queries join over
    with timed(stages, "derive"):
        derive(store, kb)  # derived levels, before the checks see the store
        derive_certainty(store, kb)
    with timed(stages, "checks"):
        def file_of(claim):
            found = kb.first("claim-graph", claim=claim)
            graph = found["graph"] if found else ""
            return graphs.get(graph, graph)

        problems = checks.quote_problems(kb.rows("source-quotes"), kb.rows("source-copies"),
                                         data_root(dirs), file_of)
        problems += check_problems(kb)
    if problems:
        raise ValidationFailed(problems)
    return kb
