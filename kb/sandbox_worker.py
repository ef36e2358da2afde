"""The query worker process (``python -m kb.sandbox_worker FD MEMORY_MB``): one job at a time.

It opens the store read-only, runs each query it is sent, reads the answer up to the row cap
and sends it back as plain data. kb/sandbox.py starts these processes and kills one whose
query runs past the time limit; nothing here needs to be interruptible.
"""

import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pyoxigraph as ox


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text (parameters already bound), its dataset and row cap."""

    store: str
    text: str
    row_limit: int
    default_graph: tuple | None = None  # IRIs; None keeps the query's own dataset or the union
    named_graphs: tuple | None = None
    union: bool = True


@dataclass
class Answer:
    """A query's answer as plain data: SELECT rows, an ASK boolean or CONSTRUCT triples.

    Terms are kept in N-Triples syntax so they cross the process boundary cheaply
    and go back through pyoxigraph's parsers and writers unchanged.
    """

    form: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT and DESCRIBE)
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)  # SELECT: lists of terms or None; GRAPH: triple lines
    boolean: bool | None = None
    truncated: bool = False
    seconds: float = 0.0


def _query_kwargs(job):
    kwargs = {}
    if job.default_graph is not None:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in job.default_graph]
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs or ()]
    elif job.union:
        kwargs["use_default_graph_as_union"] = True
    return kwargs


def collect(result, limit):
    """Read an answer up to the row cap; stopping the iterator stops the work."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    rows, truncated = [], False
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        for solution in result:
            if len(rows) >= limit:
                truncated = True
                break
            rows.append([None if solution[c] is None else str(solution[c]) for c in columns])
        return Answer("SELECT", columns=columns, rows=rows, truncated=truncated)
    for triple in result:
        if len(rows) >= limit:
            truncated = True
            break
        rows.append(str(triple))
    return Answer("GRAPH", rows=rows, truncated=truncated)


def execute(job, stores):
    """Run one job; return ("ok", Answer) or (the kind of failure, its message)."""
    started = time.perf_counter()
    if job.store not in stores:
        stores.clear()  # a new build: let the old one go
        try:
            stores[job.store] = ox.Store.read_only(job.store)
        except OSError as exc:
            return ("store", f"the store at {job.store} cannot be opened: {exc}")
    try:
        answer = collect(stores[job.store].query(job.text, **_query_kwargs(job)), job.row_limit)
    except SyntaxError as exc:
        return ("syntax", str(exc))
    except MemoryError:
        return ("memory", "the query needed more memory than a query may use")
    # The worker must outlive any error a query raises and report it to the web process.
    except Exception as exc:
        return ("error", str(exc) or type(exc).__name__)
    answer.seconds = round(time.perf_counter() - started, 4)
    return ("ok", answer)


def _die_with_parent():
    """Ask Linux to kill this worker if the web process dies, so no query outlives it."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(fd, memory_mb):
    """Serve jobs from the socket until it closes; this is the worker process's main loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which kills us
    _die_with_parent()
    if memory_mb:
        limit = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    conn = Connection(fd)
    stores = {}
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(execute(job, stores))


if __name__ == "__main__":
    from kb.sandbox_worker import serve as _serve  # the module's own classes, so answers unpickle

    _serve(int(sys.argv[1]), int(sys.argv[2]))
