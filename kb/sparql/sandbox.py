"""Run SPARQL queries where they can be stopped: a pool of worker processes.

pyoxigraph does all of a query's work inside one call into Rust, which no Python
thread can interrupt, so every query runs in a worker process that opens the
store read-only. A query past the time limit gets its worker killed (SIGKILL
stops the CPU at once) and a fresh worker takes its place; a query that
overflows the parser's stack or runs out of memory only takes down its worker.
Answers are collected up to the row cap inside the worker, so the web process
never streams a half-made answer.
"""

import atexit
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from kb.errors import KBError, QueryTimeout, StoreUnavailable
from kb.sparql.diagnose import explain
from kb.sparql.worker import Answer, Job, collect

__all__ = ["Answer", "ClientGone", "DirectRunner", "QueryFailed", "QueryStopped", "QuerySyntaxError",
           "Sandbox"]

POLL_SECONDS = 0.2  # how often a waiting request checks whether its client has gone


class QuerySyntaxError(KBError):
    """A query the parser rejects; the message names the line and column."""

    status = 400


class QueryFailed(KBError):
    """A query that parsed but failed while it ran (or that crashed its worker)."""

    status = 400


class QueryStopped(KBError):
    """A query stopped for using more than its share: memory, or a worker that died."""

    status = 503


class ClientGone(KBError):
    """The client disconnected before its answer was ready; the query was stopped."""

    status = 499


class _Worker:
    """One worker process (``python -m kb.sparql.worker``) and the web process's end of its socket."""

    def __init__(self, memory_mb, nice=0):
        ours, theirs = socket.socketpair()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")) if p)}
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kb.sparql.worker", str(theirs.fileno()), str(memory_mb), str(nice)],
                pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, env=env)
        self.conn = Connection(ours.detach())

    @property
    def pid(self):
        return self.process.pid

    @property
    def exitcode(self):
        return self.process.poll()

    def kill(self):
        """Stop the process at once, whatever it is doing, and reap it."""
        self.process.kill()
        self.process.wait()
        self.conn.close()


class Sandbox:
    """A pool of worker processes that run queries under a time limit and a row cap."""

    def __init__(self, store_link, workers=2, timeout=10.0, row_limit=10000, memory_mb=0, answer_mb=0,
                 nice=0):
        self.link = Path(store_link)
        self.byte_limit = int(answer_mb) * 2**20  # 0: no cap (the pages' own queries)
        self.size = max(1, int(workers))
        self.timeout = float(timeout)
        self.row_limit = int(row_limit)
        self.memory_mb = int(memory_mb)
        self.nice = int(nice)  # how far the workers step back for the web process
        self.counts = {"queries": 0, "timeouts": 0, "crashes": 0, "abandoned": 0}
        self.killed = []  # pids of workers stopped, newest last (kept short)
        self._idle = queue.Queue()
        self._workers = set()
        self._lock = threading.Lock()
        self._started = False
        self._spawner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-sandbox-spawner")

    def _start(self):
        with self._lock:
            if not self._started:
                for _ in range(self.size):
                    self._add_worker()
                self._started = True
                atexit.register(_close, weakref.ref(self))

    def _add_worker(self):
        # Started from one long-lived thread: Linux sends a worker its parent-death signal
        # when the *thread* that started it ends, and request threads may come and go.
        worker = self._spawner.submit(_Worker, self.memory_mb, self.nice).result()
        self._workers.add(worker)
        self._idle.put(worker)

    def _replace(self, worker, reason):
        worker.kill()
        with self._lock:
            self._workers.discard(worker)
            self.counts[reason] += 1
            self.killed = [*self.killed[-9:], worker.pid]
            self._add_worker()

    def worker_pids(self):
        """Return the pids of the live workers."""
        return sorted(w.pid for w in self._workers)

    def store_path(self):
        """Return the folder of the build the store link points to now."""
        try:
            return str(self.link.parent / os.readlink(self.link))
        except OSError as exc:
            raise StoreUnavailable(f"no store at {self.link}: run `kb build` first ({exc})") from None

    def run(self, text, *, default_graph=None, named_graphs=None, union=True,
            timeout=None, row_limit=None, cancelled=None, fmt=None, base=None):
        """Run one query in a worker; return an Answer or raise the KB error that fits.

        fmt, for a query whose own LIMIT is within the row cap, has the worker write a
        SELECT answer in that result format (json, xml, csv, tsv) directly."""
        self._start()
        timeout = self.timeout if timeout is None else float(timeout)
        job = Job(store=self.store_path(), text=text, fmt=fmt,
                  row_limit=self.row_limit if row_limit is None else int(row_limit),
                  byte_limit=self.byte_limit,
                  default_graph=None if default_graph is None else tuple(default_graph),
                  named_graphs=None if named_graphs is None else tuple(named_graphs), union=union,
                  base=base)
        deadline = time.monotonic() + timeout
        try:
            worker = self._idle.get(timeout=max(timeout, 0.001))
        except queue.Empty:
            raise QueryTimeout(f"every query worker stayed busy for the whole time limit ({timeout:g} s); "
                               "try again shortly") from None
        with self._lock:
            self.counts["queries"] += 1
        status, payload = self._wait(worker, job, deadline, timeout, cancelled)
        if status == "ok":
            return payload
        if status == "syntax":
            raise QuerySyntaxError(explain(text, payload))
        if status == "memory":
            raise QueryStopped(f"the query was stopped: {payload}")
        if status == "store":
            raise StoreUnavailable(payload)
        raise QueryFailed(f"the query failed while it ran: {payload}")

    def _wait(self, worker, job, deadline, timeout, cancelled):
        """Send the job and wait for its answer; kill the worker on time-out or disconnect."""
        try:
            worker.conn.send(job)
            while not worker.conn.poll(max(0.0, min(POLL_SECONDS, deadline - time.monotonic()))):
                if time.monotonic() >= deadline:
                    self._replace(worker, "timeouts")
                    raise QueryTimeout(f"the query ran past the time limit of {timeout:g} s and was "
                                       "stopped; add a LIMIT, or narrow its patterns")
                if cancelled is not None and cancelled():
                    self._replace(worker, "abandoned")
                    raise ClientGone("the client disconnected; the query was stopped")
            result = worker.conn.recv()
        except (EOFError, OSError):
            code = worker.process.wait(timeout=5)
            self._replace(worker, "crashes")
            error = QueryFailed if code == -signal.SIGSEGV else QueryStopped
            raise error(crash_message(code)) from None
        self._idle.put(worker)
        return result

    def close(self):
        """Stop every worker."""
        with self._lock:
            for worker in list(self._workers):
                worker.kill()
            self._workers.clear()
            self._idle = queue.Queue()
            self._started = False


class DirectRunner:
    """Run queries on a store that enforces its own time limit (a remote server), with the row cap."""

    def __init__(self, store, row_limit=10000, answer_mb=0):
        self.store = store
        self.row_limit = int(row_limit)
        self.byte_limit = int(answer_mb) * 2**20

    def run(self, text, *, default_graph=None, named_graphs=None, union=True,
            timeout=None, row_limit=None, cancelled=None, fmt=None, base=None):
        """Run one query in this thread; return an Answer (a remote server resolves relative IRIs
        against its own base)."""
        graphs = None if default_graph is None else [ox.NamedNode(g) for g in default_graph]
        named = None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs]
        started = time.perf_counter()

        def again():
            return self.store.query(text, default_graph=graphs, named_graphs=named)

        try:
            answer = collect(again(), self.row_limit if row_limit is None else int(row_limit), fmt,
                             self.byte_limit, again)
        except SyntaxError as exc:
            raise QuerySyntaxError(explain(text, str(exc))) from None
        answer.seconds = round(time.perf_counter() - started, 4)
        return answer


def crash_message(exitcode):
    """Explain why a worker died while it ran a query."""
    if exitcode == -signal.SIGSEGV:
        return ("the query is too deeply nested or too long for the parser (it overflowed the "
                "worker's stack); simplify it")
    return (f"the query stopped the worker that ran it (exit code {exitcode}); it may need more "
            "memory than a query may use")


def _close(ref):
    sandbox = ref()
    if sandbox is not None:
        sandbox.close()

