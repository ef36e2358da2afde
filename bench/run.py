"""Benchmark the KB against raw pyoxigraph and the native Oxigraph server, and write RESULTS.md.

    python bench/run.py --sizes 10000,100000          # make bench
    python bench/run.py --sizes 10000,100000,1000000  # make bench-full

For each size it generates a synthetic KB (bench/generate.py) and measures, side by side:
the build against a raw on-disk bulk_load of the same files; every named query through `kb`
against the same text on raw pyoxigraph; HTTP throughput with 8 clients of `kb serve` against
`oxigraph serve-read-only` on the same store; the remote backend against the embedded one; and
the app's memory before and after the load. Ratios, not absolute times, are the results.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psutil
import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.engines import start_oxigraph  # noqa: E402
from bench.generate import generate  # noqa: E402
from kb import build as builder  # noqa: E402
from kb.knowledge import KnowledgeBase  # noqa: E402
from kb.query.binding import bind  # noqa: E402
from kb.query.catalogue import Catalogue  # noqa: E402
from kb.store import open_store  # noqa: E402

OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent
QUERIES = Catalogue(ROOT / "queries")
CLIENTS = 8
SAMPLES = {
    "condition": "cond:chronic-pain",
    "claim": "claim:c1",
    "study": "study:s1",
    "design": "design:rct",
    "source": "src:syn-000000",
    "q": "fibromyalgia",
    "concept": "cond:fibromyalgia",
    "resource": "cond:fibromyalgia",
    "iri": "cond:fibromyalgia",
    "discrepancy": "ev:CertaintyInflated",
    "verdict": "ev:Overstated",
    "group": "group:chronic-pain",
    "level": "4",
    "limit": "50",
    "offset": "0",
    "page": "1",
    "assertion": "claim:c1",
    "dataset": "https://example.org/void",
    "endpoint": "https://example.org/sparql",
}
SPARQL = (
    "PREFIX ev: <https://w3id.org/ketamine-kb/ontology#> SELECT ?claim ?statement WHERE { "
    "?claim ev:condition <https://w3id.org/ketamine-kb/id/condition/fibromyalgia> ; "
    "ev:statement ?statement } LIMIT 100"
)


def folder_size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def run_measured(code):
    """Run Python code in a child process; return (seconds, peak RSS in MiB, its stdout)."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    peak = json.loads(proc.stdout.strip().splitlines()[-1])
    return seconds, peak["rss_mib"], peak


PEAK = (
    "import resource, json\n"
    "print(json.dumps({'rss_mib': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **R}))"
)


def bench_build(data, work):
    """kb build (without SHACL) against a raw on-disk bulk_load of the same files."""
    files = sorted(str(p) for p in data.rglob("*.ttl"))
    raw_code = (
        f"import pyoxigraph as ox, shutil; shutil.rmtree({str(work / 'raw')!r}, ignore_errors=True)\n"
        f"s = ox.Store({str(work / 'raw')!r})\n"
        f"for f in {files!r}:\n"
        "    s.bulk_load(path=f, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode('urn:g:' + f))\n"
        f"R = {{'triples': len(s)}}\n" + PEAK
    )
    raw_s, raw_mib, raw = run_measured(raw_code)
    kb_code = (
        f"from kb import build as b\n"
        f"info = b.build('oxigraph:{work / 'kb'}', [{str(data / 'ontology')!r}, {str(data / 'data')!r}], "
        f"{str(ROOT / 'ontology' / 'shapes.ttl')!r}, {str(ROOT / 'queries')!r}, verbose=False, shacl=False)\n"
        f"R = {{'triples': info['triples'], 'stages': info['stages']}}\n" + PEAK
    )
    kb_s, kb_mib, built = run_measured(kb_code)
    return {
        "raw_seconds": raw_s,
        "raw_mib": raw_mib,
        "raw_triples": raw["triples"],
        "raw_disk_mib": folder_size(work / "raw") / 2**20,
        "kb_seconds": kb_s,
        "kb_mib": kb_mib,
        "kb_triples": built["triples"],
        "kb_stages": built["stages"],
        "kb_disk_mib": folder_size(work / "kb.builds") / 2**20,
    }


def bench_shacl(data):
    """pyshacl over the whole KB, its own line: only at sizes where rdflib fits."""
    code = (
        f"import time; from kb.build import checks\n"
        f"files = checks.collect_files([{str(data / 'ontology')!r}, {str(data / 'data')!r}])\n"
        f"t = time.perf_counter()\n"
        f"n = checks.validate_shapes(files, {str(ROOT / 'ontology' / 'shapes.ttl')!r})\n"
        f"R = {{'seconds': time.perf_counter() - t, 'triples': n}}\n" + PEAK
    )
    _, mib, result = run_measured(code)
    return {"seconds": result["seconds"], "mib": mib}


def timings(fn, budget=2.0, least=3, most=200):
    """Run fn repeatedly within a time budget; return (median ms, p99 ms)."""
    samples, started = [], time.perf_counter()
    while len(samples) < least or (time.perf_counter() - started < budget and len(samples) < most):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def bench_queries(spec, remote_spec=None, least=3, on_row=None, cost=None):
    """Every named question through kb against the same text on raw pyoxigraph.

    cost (query name -> ms at a smaller size) runs the cheap queries first; on_row(rows) is
    called after each query, so a run stopped half-way keeps what it measured."""
    kb = KnowledgeBase(open_store(spec), QUERIES, row_limit=10**9)
    raw = kb.store.raw()
    remote = KnowledgeBase(open_store(remote_spec), QUERIES, row_limit=10**9) if remote_spec else None
    rows = []
    for query in sorted(QUERIES.all(role="question"), key=lambda q: (cost or {}).get(q.name, 0)):
        params = {p.name: SAMPLES[p.name] for p in query.params if p.name in SAMPLES}
        text = bind(query.text, query.bindings(params))  # the same text kb sends
        kb_med, kb_p99 = timings(lambda q=query, p=params: kb.run(q, p), least=least)
        raw_med, raw_p99 = timings(
            lambda t=text: list(raw.query(t, use_default_graph_as_union=True)), least=least
        )
        row = {"query": query.name, "kb_ms": kb_med, "kb_p99": kb_p99, "raw_ms": raw_med, "raw_p99": raw_p99}
        if remote:
            row["remote_ms"], row["remote_p99"] = timings(
                lambda q=query, p=params: remote.run(q, p), least=least
            )
        rows.append(row)
        if on_row:
            on_row(rows)
    return rows


def smaller_costs(size):
    """Each named query's kb time at the largest smaller size measured, to order a long run."""
    sizes = sorted(int(p.stem.split("-")[1]) for p in OUT.glob("results-*.json"))
    for smaller in reversed([n for n in sizes if n < size]):
        entry = json.loads((OUT / f"results-{smaller}.json").read_text())["entry"]
        if entry.get("queries"):
            return {q["query"]: q["kb_ms"] for q in entry["queries"]}
    return None


def bench_memory(spec, work, least=3):
    """The named questions on the on-disk store against an in-memory copy of it.

    The copy goes through an N-Quads file (pyoxigraph writes and bulk-loads it), so the
    in-memory store holds exactly the built quads; its load time and size are reported too."""
    disk = open_store(spec).raw()
    dump = work / "memory.nq"
    started = time.perf_counter()
    disk.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    memory = ox.Store()
    memory.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    load_seconds = time.perf_counter() - started
    dump.unlink()
    rows = []
    for query in QUERIES.all(role="question"):
        params = {p.name: SAMPLES[p.name] for p in query.params if p.name in SAMPLES}
        text = bind(query.text, query.bindings(params))
        disk_ms, _ = timings(lambda t=text: list(disk.query(t, use_default_graph_as_union=True)), least=least)
        memory_ms, _ = timings(lambda t=text: list(memory.query(t, use_default_graph_as_union=True)),
                               least=least)
        rows.append({"query": query.name, "disk_ms": disk_ms, "memory_ms": memory_ms})
    return {"load_seconds": load_seconds, "rss_mib": psutil.Process().memory_info().rss / 2**20,
            "queries": rows}


def load(url, seconds=10.0, clients=CLIENTS, method="GET", requester=None, **kwargs):
    """Hit url with n client threads for a while; return requests/s, p50 and p99 in ms, errors."""
    latencies, errors, stop = [], [0], time.perf_counter() + seconds
    lock = threading.Lock()

    def client():
        session = requests.Session()
        send = requester or session.request
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                response = send(method, url, timeout=30, **kwargs)
                ok = response.status_code == 200
            except requests.RequestException:
                ok = False
            with lock:
                (
                    latencies.append((time.perf_counter() - t) * 1000)
                    if ok
                    else errors.__setitem__(0, errors[0] + 1)
                )

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    pick = (
        (lambda q: latencies[min(len(latencies) - 1, int(len(latencies) * q))])
        if latencies
        else (lambda q: 0)
    )
    return {"rps": len(latencies) / elapsed, "p50": pick(0.5), "p99": pick(0.99), "errors": errors[0]}


PAGE_CONDITION = "cond:fibromyalgia"


def bound(name, **params):
    """A named query's text with its parameters substituted, for a server that takes text."""
    query = QUERIES.get(name)
    values = {k: v for k, v in params.items() if k in {p.name for p in query.params}}
    return bind(query.text, query.bindings(values))


def page_queries(spec, condition=PAGE_CONDITION):
    """The texts the condition page sends, in its order (webapp/views/conditions.py): the
    condition, its summary, the claims and citation links of page 1, one lookup per study."""
    scope = {"condition": condition, "page": "1"}
    kb = KnowledgeBase(open_store(spec), QUERIES, row_limit=10**9)
    studies = dict.fromkeys(link["study"] for link in kb.rows("citation-links", **scope))
    texts = [bound(n, **scope) for n in ("condition", "conditions-overview", "claims", "citation-links")]
    return texts + [bound("study", study=s) for s in studies]


def load_sequence(url, texts, seconds):
    """Like load(), but one 'request' is every query of a page in turn, as the page runs them."""
    session_local = threading.local()

    class Page:
        status_code = 200

    def run_page(method, target, timeout, **kwargs):
        session = getattr(session_local, "s", None) or requests.Session()
        session_local.s = session
        for text in texts:
            response = session.post(
                url,
                data={"query": text, "union-default-graph": ""},
                timeout=timeout,
                headers={"Accept": "application/sparql-results+json"},
            )
            if response.status_code != 200:
                return response
        return Page()

    return load(url, seconds, requester=run_page)


def serve(command, url, env=None):
    proc = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    for _ in range(150):
        try:
            requests.get(url, timeout=60)  # the first page after a build computes the whole-KB counts
            return proc
        except requests.RequestException:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{command[0]} did not start")


def bench_http(spec, seconds, rounds=3):
    """kb serve against oxigraph serve-read-only on the same store, 8 clients each.

    The app's memory is sampled after every phase; the condition page is then loaded
    `rounds` more times to show whether memory keeps growing with requests."""
    store_dir = str((Path(spec.split(":", 1)[1]).parent / os.readlink(spec.split(":", 1)[1])).resolve())
    app = serve([str(BIN / "kb"), "serve", "--port", "5601", "--store", spec], "http://127.0.0.1:5601/")
    native = serve(
        [str(BIN / "oxigraph"), "serve-read-only", "--location", store_dir, "--bind", "127.0.0.1:5602"],
        "http://127.0.0.1:5602/",
    )
    kb_sparql, native_query = "http://127.0.0.1:5601/sparql", "http://127.0.0.1:5602/query"
    heavy = bound("claims", condition=PAGE_CONDITION, page="1")  # the page's own claims query

    def post(url, text):
        extra = {"union-default-graph": ""} if url == native_query else {}
        return load(url, seconds, method="POST", data={"query": text, **extra},
                    headers={"Accept": "application/sparql-results+json"})

    try:
        proc = psutil.Process(app.pid)
        memory = [proc.memory_info().rss / 2**20]
        rows = {}
        page = "http://127.0.0.1:5601/conditions/fibromyalgia"
        phases = [
            ("condition page (HTML)", lambda: load(page, seconds)),
            ("condition page (.json)", lambda: load(page + ".json", seconds)),
            ("native: the page's own queries",
             lambda: load_sequence(native_query, page_queries(spec), seconds)),
            ("/sparql (kb), light query", lambda: post(kb_sparql, SPARQL)),
            ("/query (native), light query", lambda: post(native_query, SPARQL)),
            ("/sparql (kb), condition query", lambda: post(kb_sparql, heavy)),
            ("/query (native), condition query", lambda: post(native_query, heavy)),
        ]
        phases += [(f"condition page (HTML), again ({n})", lambda: load(page, seconds))
                   for n in range(2, rounds + 1)]
        for name, run in phases:
            rows[name] = run()
            memory.append(proc.memory_info().rss / 2**20)
        rows["app memory MiB after each phase"] = memory
        return rows
    finally:
        for p in (app, native):
            p.terminate()
            p.wait(timeout=20)


def remote_server(data, work, timeout=3600):
    """Start `oxigraph serve` and `kb build` into it; return (process, store setting, build seconds)."""
    proc, spec = start_oxigraph(work / "remote")
    spec += f",timeout=120,build_timeout={timeout},artefacts={work / 'remote-artefacts'}"
    started = time.perf_counter()
    try:
        builder.build(
            spec,
            [str(data / "ontology"), str(data / "data")],
            str(ROOT / "ontology" / "shapes.ttl"),
            str(ROOT / "queries"),
            verbose=False,
            shacl=False,
        )
    except Exception as exc:
        rss = psutil.Process(proc.pid).memory_info().rss / 2**30
        proc.kill()
        proc.wait(timeout=20)
        raise RuntimeError(f"after {time.perf_counter() - started:.0f} s (server RSS {rss:.1f} GiB): "
                           f"{exc}") from exc
    return proc, spec, time.perf_counter() - started


PHASES = ("build", "queries", "memory", "http")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each HTTP load")
    parser.add_argument("--shacl-max", type=int, default=10000, help="largest size to run pyshacl on")
    parser.add_argument(
        "--remote-max", type=int, default=100000, help="largest size to load into a remote server"
    )
    parser.add_argument(
        "--remote-queries-max", type=int, default=10000,
        help="largest size to run every named query through the remote server too (at 100,000 "
        "claims some whole-KB queries ran past 120 s on `oxigraph serve` with the build's dataset)",
    )
    parser.add_argument(
        "--memory-max", type=int, default=100000, help="largest size to copy into an in-memory store"
    )
    parser.add_argument("--least", type=int, default=3, help="fewest runs of each named query")
    parser.add_argument(
        "--phases", default=",".join(PHASES),
        help="phases to run (build, queries, memory, http); the others keep their saved results",
    )
    args = parser.parse_args()
    phases = set(args.phases.split(","))
    results = {"machine": machine(), "sizes": {}}
    for size in [int(s) for s in args.sizes.split(",")]:
        work = OUT / f"work-{size}"
        data = OUT / str(size)
        saved = OUT / f"results-{size}.json"
        entry = {} if "build" in phases or not saved.exists() else json.loads(saved.read_text())["entry"]
        spec = f"oxigraph:{work / 'kb'}"
        if "build" in phases:
            if not (data / "data").exists():
                generate(size, data)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            entry["build"] = bench_build(data, work)
            print(f"{size}: build {entry['build']}", flush=True)
            if size <= args.shacl_max:
                entry["shacl"] = bench_shacl(data)
        if "queries" in phases:
            remote, remote_spec = None, None
            if size <= args.remote_max:
                try:
                    remote, remote_spec, entry["remote_build_seconds"] = remote_server(data, work)
                except Exception as exc:  # a remote build that fails is a result, not the end of the run
                    entry["remote_build_error"] = str(exc)[:300]
            def keep(rows, entry=entry, saved=saved):
                entry["queries"] = rows
                saved.write_text(json.dumps({"machine": results["machine"], "entry": entry}, default=list))

            try:
                compare = remote_spec if size <= args.remote_queries_max else None
                entry["queries"] = bench_queries(spec, compare, args.least, keep, smaller_costs(size))
            finally:
                if remote:
                    remote.terminate()
                    remote.wait(timeout=20)
        if "memory" in phases and size <= args.memory_max:
            entry["memory"] = bench_memory(spec, work, args.least)
        if "http" in phases:
            entry["http"] = bench_http(spec, args.seconds)
        results["sizes"][size] = entry
        saved.write_text(json.dumps({"machine": results["machine"], "entry": entry}, default=list))
        print(json.dumps(entry, default=str)[:2000], flush=True)
    for path in sorted(OUT.glob("results-*.json"), key=lambda p: int(p.stem.split("-")[1])):
        saved = json.loads(path.read_text())  # sizes measured in earlier runs (make bench-full)
        size = int(path.stem.split("-")[1])
        results["sizes"].setdefault(size, saved["entry"])
    results["sizes"] = dict(sorted(results["sizes"].items()))
    report = render(results)
    print(report)
    (ROOT / "bench" / "RESULTS.md").write_text(report)


def machine():
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "pyoxigraph": ox.__version__,
        "oxigraph": subprocess.run(
            [str(BIN / "oxigraph"), "--version"], capture_output=True, text=True
        ).stdout.strip(),
    }


def render(results):
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cores']} cores, {m['memory_gib']} GiB, {m['cpu']}; Python {m['python']}, "
        f"pyoxigraph {m['pyoxigraph']}, {m['oxigraph']}; run {m['date']}. "
        "Generated by `bench/run.py`; synthetic data from `bench/generate.py` (seed 42). "
        "What the figures mean and what stands in the way of each missed target: "
        "[bench/ANALYSIS.md](ANALYSIS.md).",
        "",
    ]
    for size, entry in results["sizes"].items():
        b = entry["build"]
        lines += [
            f"## {int(size):,} claims",
            "",
            "| load | seconds | triples | triples/s | peak MiB | disk MiB | ratio to raw |",
            "|---|---|---|---|---|---|---|",
            f"| raw `Store.bulk_load` | {b['raw_seconds']:.1f} | {b['raw_triples']:,} | "
            f"{b['raw_triples'] / b['raw_seconds']:,.0f} | {b['raw_mib']:.0f} | "
            f"{b['raw_disk_mib']:.0f} | 1.00 |",
            f"| `kb build --no-shacl` | {b['kb_seconds']:.1f} | {b['kb_triples']:,} | "
            f"{b['kb_triples'] / b['kb_seconds']:,.0f} | {b['kb_mib']:.0f} | {b['kb_disk_mib']:.0f} | "
            f"{b['kb_seconds'] / b['raw_seconds']:.2f} |",
        ]
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in b.get("kb_stages", {}).items())
        lines.append(f"| (kb build stages: {stages}) | | | | | | |")
        if "shacl" in entry:
            lines.append(
                f"| pyshacl (own line) | {entry['shacl']['seconds']:.1f} | | | "
                f"{entry['shacl']['mib']:.0f} | | |"
            )
        if "remote_build_error" in entry:
            failed = entry["remote_build_error"].replace("|", "/")
            lines.append(f"| `kb build` into `oxigraph serve` (remote) | failed {failed} | | | | | |")
        if "remote_build_seconds" in entry:
            remote_s = entry["remote_build_seconds"]
            lines.append(
                f"| `kb build` into `oxigraph serve` (remote) | {remote_s:.1f} | | | | | "
                f"{remote_s / b['raw_seconds']:.2f} |"
            )
        lines += [
            "",
            "| named query | kb median ms | kb p99 | raw median ms | raw p99 | kb/raw | remote median ms "
            "| remote/kb |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for q in entry.get("queries", []):
            lines.append(
                f"| {q['query']} | {q['kb_ms']:.2f} | {q['kb_p99']:.2f} | {q['raw_ms']:.2f} | "
                f"{q['raw_p99']:.2f} | {q['kb_ms'] / max(q['raw_ms'], 1e-6):.2f} | "
                f"{q.get('remote_ms', 0):.2f} | {q.get('remote_ms', 0) / max(q['kb_ms'], 1e-6):.2f} |"
            )
        lines += [
            "",
            f"| HTTP, {CLIENTS} clients | req/s | p50 ms | p99 ms | errors |",
            "|---|---|---|---|---|",
        ]
        for name, r in entry["http"].items():
            if not isinstance(r, dict):
                continue
            lines.append(f"| {name} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} |")
        if "memory" in entry:
            lines += ["", *memory_table(entry["memory"])]
        lines += ["", memory_line(entry["http"]), "", *ratio_lines(size, entry), ""]
    analysis = ROOT / "bench" / "ANALYSIS.md"
    if analysis.exists():  # what stands in the way of each missed target, written by hand
        body = analysis.read_text().split("\n", 1)[1].replace("\n## ", "\n### ")
        lines += ["## What the figures say, and what stands in the way (bench/ANALYSIS.md)", body]
    return "\n".join(lines) + "\n"


def memory_table(memory):
    """On disk against in memory, for the queries where either takes at least a millisecond."""
    rows = [q for q in memory["queries"] if max(q["disk_ms"], q["memory_ms"]) >= 1]
    ratios = sorted(q["disk_ms"] / max(q["memory_ms"], 1e-6) for q in rows)
    summary = (f"disk/memory median {statistics.median(ratios):.2f}×, from {ratios[0]:.2f}× "
               f"to {ratios[-1]:.2f}×" if ratios else "no query took a millisecond")
    lines = [f"On-disk (optimized) against an in-memory copy (loaded in {memory['load_seconds']:.0f} s; "
             f"bench process RSS {memory['rss_mib']:.0f} MiB): {summary}.",
             "", "| named query | on disk ms | in memory ms | disk/memory |", "|---|---|---|---|"]
    lines += [f"| {q['query']} | {q['disk_ms']:.2f} | {q['memory_ms']:.2f} | "
              f"{q['disk_ms'] / max(q['memory_ms'], 1e-6):.2f} |" for q in rows]
    return lines


def memory_line(http):
    memory = http.get("app memory MiB after each phase")
    if memory is None:  # results saved before the per-phase samples
        before, after = http["app memory MiB (before, after)"]
        return f"App memory: {before:.0f} MiB before the load, {after:.0f} MiB after."
    return ("App memory (RSS of `kb serve`, MiB) before the load, then after each phase: "
            + " → ".join(f"{m:.0f}" for m in memory) + ".")


def ratio_lines(size, entry):
    """The targets of the issue, each as the ratio measured and whether it was met."""
    b, http = entry["build"], entry["http"]
    ratios = [q["kb_ms"] / max(q["raw_ms"], 1e-6) for q in entry.get("queries", [])]

    def rate(kb, native):
        if kb not in http or native not in http:
            return None
        throughput = http[kb]["rps"] / max(http[native]["rps"], 1e-9)
        return throughput, http[kb]["p99"] / max(http[native]["p99"], 1e-9)

    def met(ok):
        return "met" if ok else "**missed**"

    build = b["kb_seconds"] / b["raw_seconds"]
    lines = [f"Ratios at {int(size):,} claims against the targets:", "",
             f"- build / raw bulk_load: {build:.2f}× (target ≤ 1.5×, {met(build <= 1.5)}); "
             f"load stage alone {b.get('kb_stages', {}).get('load', 0) / b['raw_seconds']:.2f}×"]
    if ratios:
        worst = max(ratios)
        total = len(QUERIES.all(role="question"))
        partial = (f"; {len(ratios)} of {total} queries measured, the cheapest first, before the run "
                   "was stopped" if len(ratios) < total else "")
        lines.append(f"- named queries kb / raw: median {statistics.median(ratios):.2f}×, worst {worst:.2f}× "
                     f"(target ≤ 1.2×, {met(worst <= 1.2)}){partial}")
    for label in ("light query", "condition query"):
        found = rate(f"/sparql (kb), {label}", f"/query (native), {label}")
        if found:
            lines.append(f"- /sparql, {label}: throughput {found[0]:.2f}× native "
                         f"(target ≥ 0.8×, {met(found[0] >= 0.8)}), "
                         f"p99 {found[1]:.2f}× (target ≤ 1.5×, {met(found[1] <= 1.5)})")
    found = rate("condition page (HTML)", "native: the page's own queries")
    if found:
        p99 = http["condition page (HTML)"]["p99"]
        lines.append(f"- condition page: throughput {found[0]:.2f}× the native server running its queries "
                     f"(target ≥ 0.5×, {met(found[0] >= 0.5)}), p99 {p99:.0f} ms (target < 100 ms at 1M, "
                     f"{met(p99 < 100)})")
    return lines


if __name__ == "__main__":
    main()
