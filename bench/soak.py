"""A 60-second soak of `kb serve` on this machine: many clients, idle sockets, slow clients, runaway
queries, a killed worker and a build swapped in the middle. Prints what happened.

    python bench/soak.py [--seconds 60] [--clients 200] [--code PATH]

Every request goes to 127.0.0.1. --code runs another checkout's `kb` (to compare before and after).
It reports requests and errors by kind, p50/p99 of pages and of light queries, and the peak resident
memory of the server and of its worker processes.
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.server import start  # noqa: E402

PAGES = ["/", "/conditions/crps", "/conditions/fibromyalgia.json",
         "/studies/cheung-2020-palliative-care-unit", "/claims/crps-weeks-pain-free"]
LIGHT = "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUGE = "CONSTRUCT { ?s ?p ?o . ?a ?b ?c } WHERE { ?s ?p ?o . ?a ?b ?c }"


def kb(code, *args, env=None):
    """Return the command that runs `kb ARGS` from the checkout on PYTHONPATH."""
    return [sys.executable, "-c", "import sys; from kb.cli import main; sys.argv[0] = 'kb'; main()", *args]


class Soak:
    def __init__(self, base, seconds):
        self.base, self.deadline = base, time.monotonic() + seconds
        self.lock = threading.Lock()
        self.times = {"page": [], "light": []}
        self.outcomes = {}

    def note(self, kind, started, outcome):
        with self.lock:
            if outcome == "200":
                self.times[kind].append((time.monotonic() - started) * 1000)
            key = f"{kind} {outcome}"
            self.outcomes[key] = self.outcomes.get(key, 0) + 1

    def client(self, n):
        session = requests.Session()
        # Each soak client is a client of its own, as behind a reverse proxy (KB_TRUSTED_PROXY):
        # /sparql's per-client share then applies per client, not to the whole soak at once.
        session.headers["X-Forwarded-For"] = f"10.0.{n // 250}.{n % 250 + 1}"
        i = n
        while time.monotonic() < self.deadline:
            kind, path = ("light", LIGHT) if i % 3 == 0 else ("page", PAGES[i % len(PAGES)])
            i += 1
            started = time.monotonic()
            try:
                response = session.get(self.base + path, timeout=15)
                self.note(kind, started, str(response.status_code))
            except requests.RequestException as exc:
                self.note(kind, started, type(exc).__name__)

    def heavy(self, query):
        while time.monotonic() < self.deadline:
            try:
                requests.get(self.base + "/sparql", params={"query": query}, timeout=20,
                             headers={"Accept": "text/turtle" if query.startswith("CONSTRUCT") else "*/*"})
            except requests.RequestException:
                pass

    def idle(self, count, port):
        sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
        while time.monotonic() < self.deadline:
            time.sleep(0.5)
        for sock in sockets:
            sock.close()

    def slow_loris(self, port):
        while time.monotonic() < self.deadline:
            try:
                sock = socket.create_connection(("127.0.0.1", port))
                for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                    if time.monotonic() > self.deadline:
                        break
                    sock.send(bytes([byte]))
                    time.sleep(1)
            except OSError:
                time.sleep(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--code", type=Path, default=ROOT)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kb-soak-"))
    env = {**os.environ, "PYTHONPATH": str(args.code), "KB_STORE": f"oxigraph:{folder}/store",
           "KB_DATA_DIRS": f"{args.code}/ontology{os.pathsep}{args.code}/data",
           "KB_SHAPES": f"{args.code}/ontology/shapes.ttl", "KB_QUERIES_DIR": f"{args.code}/queries",
           "KB_TRUSTED_PROXY": "127.0.0.1"}
    subprocess.run(kb(args.code, "build", "--quiet", env=env), check=True, env=env, cwd=args.code)
    server, base = start(kb(args.code, "serve"), env, cwd=args.code, probe="/")
    port = int(base.rsplit(":", 1)[1])
    requests.get(base + LIGHT, timeout=15)  # start the workers
    soak = Soak(base, args.seconds)
    threads = [threading.Thread(target=soak.client, args=(n,)) for n in range(args.clients)]
    threads += [threading.Thread(target=soak.heavy, args=(RUNAWAY,)) for _ in range(4)]
    threads += [threading.Thread(target=soak.heavy, args=(HUGE,)) for _ in range(3)]
    threads += [threading.Thread(target=soak.idle, args=(100, port))]
    threads += [threading.Thread(target=soak.slow_loris, args=(port,)) for _ in range(2)]
    peak, events = {}, []
    for thread in threads:
        thread.start()
    started = time.monotonic()
    killed = swapped = False
    process = psutil.Process(server.pid)
    while any(t.is_alive() for t in threads):
        elapsed = time.monotonic() - started
        children = process.children(recursive=True)
        for proc in [process, *children]:
            try:
                name = "server" if proc.pid == server.pid else f"worker {proc.pid}"
                peak[name] = max(peak.get(name, 0), proc.memory_info().rss)
            except psutil.NoSuchProcess:
                pass
        if not killed and elapsed > args.seconds / 3 and children:
            children[0].kill()
            killed = True
            events.append(f"killed worker {children[0].pid} at {elapsed:.0f} s")
        if not swapped and elapsed > args.seconds / 2:
            subprocess.Popen(kb(args.code, "build", "--quiet", env=env), env=env, cwd=args.code)
            swapped = True
            events.append(f"build started at {elapsed:.0f} s")
        time.sleep(0.5)
    server.terminate()
    server.wait(timeout=30)
    report(args, soak, peak, events)


def report(args, soak, peak, events):
    def p(values, q):
        values = sorted(values)
        return f"{values[int(q * (len(values) - 1))]:.0f}" if values else "-"

    print(f"soak of {args.code}: {args.seconds} s, {args.clients} clients, 100 idle sockets, 2 slow clients, "
          "4 runaway queries, 3 huge CONSTRUCTs, one worker killed, one build swapped in")
    print("events: " + "; ".join(events))
    for kind in ("page", "light"):
        times = soak.times[kind]
        print(f"{kind}: {len(times)} answered, p50 {p(times, 0.5)} ms, p99 {p(times, 0.99)} ms"
              + (f", median {statistics.median(times):.0f} ms" if times else ""))
    print("outcomes: " + ", ".join(f"{k}: {v}" for k, v in sorted(soak.outcomes.items())))
    workers = [v for k, v in peak.items() if k.startswith("worker")]
    print(f"peak memory: server {peak.get('server', 0) / 2**20:.0f} MiB; largest worker "
          f"{max(workers, default=0) / 2**20:.0f} MiB over {len(workers)} worker processes")


if __name__ == "__main__":
    main()
