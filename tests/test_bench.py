"""bench/run.py's report: every target of the scale issue as a ratio, met or missed."""

from bench.run import render

MACHINE = {"date": "2026-11-26 09:00 UTC", "cpu": "x86_64", "cores": 2, "memory_gib": 23.5,
           "python": "3.11", "pyoxigraph": "0.5.13", "oxigraph": "oxigraph 0.5.13"}


def http_row(rps, p99):
    return {"rps": rps, "p50": p99 / 2, "p99": p99, "errors": 0}


def entry():
    return {
        "build": {"raw_seconds": 10.0, "raw_mib": 100, "raw_triples": 1000, "raw_disk_mib": 1,
                  "kb_seconds": 30.0, "kb_mib": 120, "kb_triples": 1500, "kb_disk_mib": 2,
                  "kb_stages": {"load": 9.5, "derive": 15.0}},
        "queries": [{"query": "a", "kb_ms": 10.0, "kb_p99": 11.0, "raw_ms": 10.0, "raw_p99": 11.0},
                    {"query": "b", "kb_ms": 13.0, "kb_p99": 14.0, "raw_ms": 10.0, "raw_p99": 11.0}],
        "memory": {"load_seconds": 3.0, "rss_mib": 500,
                   "queries": [{"query": "a", "disk_ms": 4.0, "memory_ms": 1.0}]},
        "http": {"condition page (HTML)": http_row(60, 90),
                 "native: the page's own queries": http_row(100, 50),
                 "/sparql (kb), light query": http_row(700, 30),
                 "/query (native), light query": http_row(1000, 25),
                 "app memory MiB after each phase": [100, 150, 152, 151]},
    }


def test_the_report_states_each_target_as_a_ratio_met_or_missed():
    report = render({"machine": MACHINE, "sizes": {1000000: entry()}})
    assert "## 1,000,000 claims" in report
    assert "build / raw bulk_load: 3.00× (target ≤ 1.5×, **missed**); load stage alone 0.95×" in report
    assert "named queries kb / raw: median 1.15×, worst 1.30× (target ≤ 1.2×, **missed**)" in report
    assert "/sparql, light query: throughput 0.70× native (target ≥ 0.8×, **missed**), p99 1.20× " \
           "(target ≤ 1.5×, met)" in report
    assert "condition page: throughput 0.60× the native server running its queries (target ≥ 0.5×, met), " \
           "p99 90 ms (target < 100 ms at 1M, met)" in report
    assert "100 → 150 → 152 → 151" in report
    assert "| a | 4.00 | 1.00 | 4.00 |" in report


def test_the_remote_report_gives_build_switch_and_server_memory_per_engine():
    from bench.remote import render as remote_render

    result = {"size": 100000, "engine": "virtuoso", "triples": 5738436, "build_s": 466.4,
              "embedded_build_s": 910.6, "embedded_built_at": "2026-11-29T23:13:00+00:00",
              "stages": {"upload": 125.6, "switch": 1.238}, "rebuild_stages": {}, "server_peak_gib": 1.23,
              "queries": [{"query": "claims", "embedded": 2.0, "remote": 8.0},
                          {"query": "search-documents", "embedded": 5.0, "remote": None,
                           "remote_error": "SR066"}]}
    text = remote_render([result])
    assert ("| 100,000 | virtuoso | 5,738,436 | 466 s | 911 s | 0.51x | 126 s | 1.24 s | - | 1.2 GiB |"
            in text)
    assert "| 100,000 | virtuoso | claims | 2.0 | 8.0 | 4.0x |" in text
    assert "| search-documents | 5.0 | - | SR066 |" in text
