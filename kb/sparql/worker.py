"""The query worker process (``python -m kb.sparql.worker FD MEMORY_MB``): one job at a time.

It opens the store read-only, runs each query it is sent, reads the answer up to the row cap
and sends it back as plain data. kb/sandbox.py starts these processes and kills one whose
query runs past the time limit; nothing here needs to be interruptible.
"""

import os
import resource
import signal
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

import pyoxigraph as ox

from kb import formats


@dataclass(frozen=True)
class Job:
    """One query for a worker: the text (parameters already bound), its dataset and row cap."""

    store: str
    text: str
    row_limit: int
    byte_limit: int = 0  # most bytes of an answer (0: no cap); past it the answer is cut, like rows
    default_graph: tuple | None = None  # IRIs; None keeps the query's own dataset or the union
    named_graphs: tuple | None = None
    union: bool = True
    fmt: str | None = None  # write a SELECT answer straight in this format (its LIMIT is within the cap)
    base: str | None = None  # the IRI relative IRIs in the query resolve against (the endpoint's URL)


@dataclass
class Answer:
    """A query's answer as plain data: SELECT rows, an ASK boolean or CONSTRUCT triples.

    SELECT rows are SPARQL TSV as pyoxigraph writes it (one line per row, terms in their
    N-Triples syntax), so they cross the process boundary as one string and go back through
    pyoxigraph's parsers and writers unchanged.
    """

    form: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT and DESCRIBE)
    columns: list = field(default_factory=list)
    tsv: bytes = b""  # SELECT: a header line, then a line per row
    body: bytes | None = None  # SELECT written in the Job's format instead
    body_format: str | None = None
    rows: list = field(default_factory=list)  # GRAPH: triple lines
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
    if job.base:
        kwargs["base_iri"] = job.base
    return kwargs


class RowCapReached(Exception):
    """Raised from inside pyoxigraph's writer to stop a query at the row cap."""


class CappedLines:
    """A file for pyoxigraph's writers that stops the query once it has written enough lines or
    bytes (max_bytes 0: no byte cap)."""

    def __init__(self, lines, max_bytes=0):
        self.lines, self.max_bytes, self.seen, self.size, self.parts = lines, max_bytes, 0, 0, []

    def write(self, data):
        self.parts.append(bytes(data))
        self.seen += data.count(b"\n")
        self.size += len(data)
        if self.seen > self.lines or (self.max_bytes and self.size > self.max_bytes):
            raise RowCapReached
        return len(data)

    def flush(self):
        pass

    def text(self):
        """Return what was written, cut to the first `lines` whole lines within the byte cap."""
        data = b"".join(self.parts)
        if self.seen <= self.lines and not (self.max_bytes and self.size > self.max_bytes):
            return data
        lines, size = [], 0
        for line in data.split(b"\n")[:self.lines]:
            size += len(line) + 1
            if self.max_bytes and size > self.max_bytes:
                break
            lines.append(line + b"\n")
        return b"".join(lines)


def collect(result, limit, fmt=None, max_bytes=0, again=None):
    """Read an answer up to the row cap and the byte cap; stopping the writer stops the work.

    again() runs the query anew: a SELECT written straight in its format that passes the byte
    cap is read again as TSV, which can be cut between rows."""
    if isinstance(result, ox.QueryBoolean):
        return Answer("ASK", boolean=bool(result))
    rows, truncated, size = [], False, 0
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        if fmt:  # its own LIMIT keeps it within the row cap: no need to count rows
            out = CappedLines(sys.maxsize, max_bytes)  # a format's lines are not its rows
            try:
                result.serialize(out, format=formats.by_name(fmt, formats.RESULTS).writer)
                return Answer("SELECT", columns=columns, body=b"".join(out.parts), body_format=fmt)
            except RowCapReached:
                result = again()
        # pyoxigraph writes the rows natively, not a Python object per term; the writer stops it
        # one row past the cap.
        out = CappedLines(limit + 1, max_bytes)  # the header line and `limit` rows
        try:
            result.serialize(out, format=ox.QueryResultsFormat.TSV)
        except RowCapReached:
            truncated = True
        return Answer("SELECT", columns=columns, tsv=out.text(), truncated=truncated)
    for triple in result:
        line = str(triple)
        size += len(line) + 1
        if len(rows) >= limit or (max_bytes and size > max_bytes):
            truncated = True
            break
        rows.append(line)
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
    def run():
        return stores[job.store].query(job.text, **_query_kwargs(job))

    try:
        answer = collect(run(), job.row_limit, job.fmt, job.byte_limit, again=run)
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


def serve(fd, memory_mb, nice=0):
    """Serve jobs from the socket until it closes; this is the worker process's main loop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which kills us
    _die_with_parent()
    if nice:
        os.nice(nice)
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
    from kb.sparql.worker import serve as _serve  # the module's own classes, so answers unpickle

    _serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else 0)
