"""The KB built into the SPARQL servers large deployments run, measured against the embedded store.

    python bench/remote.py --sizes 10000,100000 --engines oxigraph,virtuoso   # make bench-remote

For each size (the synthetic KB of bench/generate.py, generated once under bench/out/N/) and each
engine (bench/engines.py: `oxigraph serve`, Virtuoso 7), on a fresh server: `kb build --no-shacl`
into it, with the server's resident memory sampled every half second; the build's stages (the
upload, the switch of readers, the drop of old builds) and its time against the embedded build of
the same files; a second build, to time a switch over a server that already holds one; then every
named question on the server against the same question on the embedded store. It writes
bench/out/remote-N.json and, with --write, bench/REMOTE.md and its table into bench/RESULTS.md.
"""

import argparse
import json
import platform
import shutil
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engines import start_oxigraph, start_virtuoso, stop  # noqa: E402
from bench.generate import generate  # noqa: E402
from bench.run import OUT, QUERIES, SAMPLES, timings  # noqa: E402
from kb import build as builder  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.store import open_store  # noqa: E402

STARTERS = {"oxigraph": start_oxigraph, "virtuoso": lambda folder: start_virtuoso(folder, buffers=400_000)}


class PeakMemory:
    """The highest resident memory of a process (and its children), sampled every half second."""

    def __init__(self, pid):
        self.process, self.peak, self._stop = psutil.Process(pid), 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self):
        while not self._stop.wait(0.5):
            try:
                rss = self.process.memory_info().rss
                rss += sum(c.memory_info().rss for c in self.process.children(recursive=True))
            except psutil.Error:
                continue
            self.peak = max(self.peak, rss)

    def stop(self):
        self._stop.set()
        self._thread.join()
        return round(self.peak / 2**30, 2)


def data_for(size):
    folder = OUT / str(size)
    if not (folder / "data").is_dir():
        generate(size, folder)
    return folder


def build_into(spec, folder):
    started = time.perf_counter()
    info = builder.build(spec, [str(folder / "ontology"), str(folder / "data")],
                         str(ROOT / "ontology" / "shapes.ttl"), str(ROOT / "queries"),
                         verbose=False, shacl=False)
    return round(time.perf_counter() - started, 1), info


def embedded_build(folder):
    """The embedded build of the same files: the one bench/run.py or bench/routes.py made, or a new one."""
    record = folder / "store" / "build.json"
    if not record.exists():
        build_into(f"oxigraph:{folder / 'store'}", folder)
    info = json.loads(record.read_text())
    return round(sum(info["stages"].values()), 1), info["built_at"]


def time_queries(spec, remote_spec, least):
    local = KnowledgeBase(open_store(spec), QUERIES, row_limit=10**9)
    remote = KnowledgeBase(open_store(remote_spec), QUERIES, row_limit=10**9)
    rows = []
    for query in QUERIES.all(role="question"):
        params = {p.name: SAMPLES[p.name] for p in query.params if p.name in SAMPLES}
        row = {"query": query.name}
        for key, kb in (("embedded", local), ("remote", remote)):
            try:
                row[key] = timings(lambda q=query, p=params, kb=kb: kb.run(q, p), least=least)[0]
            except Exception as exc:  # a server's own limit or error: recorded, not fatal
                row[key] = None
                row[key + "_error"] = str(exc).splitlines()[0][:160]
        rows.append(row)
        print(f"  {query.name}: {row}", flush=True)
    return rows


def measure(size, engine, least, rebuild):
    folder = data_for(size)
    work = OUT / f"remote-{engine}-{size}"
    shutil.rmtree(work, ignore_errors=True)
    proc, spec = STARTERS[engine](work / "server")
    spec += f",timeout=120,build_timeout=7200,artefacts={work / 'artefacts'}"
    try:
        memory = PeakMemory(proc.pid)
        seconds, info = build_into(spec, folder)
        again, second = build_into(spec, folder) if rebuild else (None, {"stages": {}})
        queries = time_queries(f"oxigraph:{folder / 'store'}", spec, least) if least else []
        peak = memory.stop()
    finally:
        stop(proc)
    embedded, built_at = embedded_build(folder)
    return {"size": size, "engine": engine, "build_s": seconds, "stages": info["stages"],
            "rebuild_s": again, "rebuild_stages": second["stages"], "triples": info["triples"],
            "embedded_build_s": embedded, "embedded_built_at": built_at, "server_peak_gib": peak,
            "queries": queries}


def render(results):
    lines = ["## Remote builds", "", f"Machine: {platform.machine()}, {psutil.cpu_count()} cores, "
             f"{psutil.virtual_memory().total / 2**30:.0f} GiB; {time.strftime('%Y-%m-%d')}.", "",
             "| claims | engine | triples | build | embedded build | ratio | upload | switch | "
             "2nd build: switch, drop of old | server peak |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        st, nd = r["stages"], r["rebuild_stages"]
        lines.append(f"| {r['size']:,} | {r['engine']} | {r['triples']:,} | {r['build_s']:.0f} s | "
                     f"{r['embedded_build_s']:.0f} s | {r['build_s'] / r['embedded_build_s']:.2f}x | "
                     f"{st.get('upload', 0):.0f} s | {st.get('switch', 0):.2f} s | "
                     f"{_second(nd)} | {r['server_peak_gib']:.1f} GiB |")
    lines += ["", "The embedded build is the one bench/out/N/store/build.json records for the same files "
              "on this "
              "machine (" + ", ".join(sorted({f"{r['size']:,}: {r['embedded_built_at']}" for r in results}))
              + "). A remote build checks the KB in an in-memory store, where the embedded one writes and "
              "compacts an on-disk store, so it is faster before its upload. The switch is one update of the "
              "pointer graph; the server's peak covers the build and, where they ran, the named questions "
              "(Virtuoso takes its page cache, NumberOfBuffers, as it needs it)."]
    notes = [f"- {r['size']:,} on {r['engine']}: {r['queries_note']}"
             for r in results if r.get("queries_note")]
    notes += [""] if notes else []
    lines += ["", "Named questions, median ms (embedded store / remote server):", "", *notes,
              "| claims | engine | query | embedded | remote | ratio |", "|---|---|---|---|---|---|"]
    for r in results:
        for q in r["queries"]:
            e, m = q.get("embedded"), q.get("remote")
            ratio = f"{m / e:.1f}x" if e and m else q.get("remote_error", "-")
            lines.append(f"| {r['size']:,} | {r['engine']} | {q['query']} | {e or '-'} | {m or '-'} "
                         f"| {ratio} |")
    return "\n".join(lines) + "\n"


def _second(stages):
    return f"{stages['switch']:.2f} s, {stages.get('drop', 0):.1f} s" if "switch" in stages else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--engines", default="oxigraph,virtuoso")
    parser.add_argument("--least", type=int, default=3, help="runs of each named question (0: none)")
    parser.add_argument("--rebuild", action="store_true", help="build twice: time a switch over a held build")
    parser.add_argument("--write", action="store_true", help="write bench/REMOTE.md and its RESULTS.md block")
    parser.add_argument("--report", action="store_true", help="only write the report from bench/out/")
    args = parser.parse_args()
    if args.report:
        return write_report()
    results = []
    for size in map(int, args.sizes.split(",")):
        for engine in args.engines.split(","):
            print(f"{engine} at {size:,} claims", flush=True)
            result = measure(size, engine, args.least, args.rebuild)
            (OUT / f"remote-{engine}-{size}.json").write_text(json.dumps(result, indent=2))
            results.append(result)
    print(render(results))
    if args.write:
        write_report()


def write_report():
    """Write every measured size and engine into bench/REMOTE.md and a block of bench/RESULTS.md."""
    found = [json.loads(p.read_text()) for p in OUT.glob("remote-*.json")]
    text = render(sorted(found, key=lambda r: (r["size"], r["engine"])))
    (ROOT / "bench" / "REMOTE.md").write_text("# " + text[3:])
    results = ROOT / "bench" / "RESULTS.md"
    start, end = "<!-- remote: written by bench/remote.py -->", "<!-- /remote -->"
    summary = text.split("\n\nNamed questions")[0]
    block = f"{start}\n{summary}\n\nEvery named question on each engine: bench/REMOTE.md.\n{end}"
    old = results.read_text()
    if start in old:
        old = old[:old.index(start)] + old[old.index(end) + len(end):].lstrip("\n")
    results.write_text(old.rstrip("\n") + "\n\n" + block + "\n")


if __name__ == "__main__":
    main()
