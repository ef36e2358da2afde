"""The web process's memory has a bound: every /sparql answer is cut in the worker at
KB_MAX_ANSWER_MB (and the row cap), so three huge CONSTRUCTs at once cannot fill the server, as
three of about 600 MB each did before. Measured on a real `kb serve` by its peak resident size."""

import threading
from pathlib import Path

import pytest
import requests

from .test_hardening import start_serving

# Each triple carries every quote of the KB four times over (about 60 KB); 10,000 of them would be
# some 600 MB of N-Triples.
HUGE = """CONSTRUCT { ?s <http://example.org/big> ?big } WHERE {
  { SELECT (GROUP_CONCAT(?q; SEPARATOR=" ") AS ?all) WHERE { ?x <http://www.w3.org/ns/oa#exact> ?q } }
  ?s ?p ?o .
  BIND(CONCAT(?all, ?all, ?all, ?all, STR(?s), STR(?p), STR(?o)) AS ?big)
}"""
CAP_MB = 4


def kib(pid, field):
    """Return a field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


@pytest.mark.server
def test_three_huge_constructs_at_once_leave_the_web_process_within_its_bound(store_spec):
    # Four workers, so that one client may run its three at once (never on every worker).
    proc, base = start_serving(store_spec, KB_MAX_ANSWER_MB=str(CAP_MB), KB_CLIENT_QUERIES="3",
                               KB_QUERY_WORKERS="4", KB_QUERY_TIMEOUT="60")
    try:
        requests.get(base + "/sparql", params={"query": "ASK {}"}, timeout=30)  # workers started
        before = kib(proc.pid, "VmRSS")
        answers = [None] * 3

        def ask(i):
            answers[i] = requests.post(base + "/sparql", data={"query": HUGE},
                                       headers={"Accept": "application/n-triples"}, timeout=120)

        threads = [threading.Thread(target=ask, args=(i,)) for i in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        peak = kib(proc.pid, "VmHWM")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    for answer in answers:
        assert answer.status_code == 200 and answer.headers["X-Truncated"] == "true"
        assert len(answer.content) <= CAP_MB * 2**20 * 1.1, "cut at the cap, in whole triples"
        assert answer.text.endswith(" .\n"), "whole triples only"
    # Three answers of at most 4 MiB, each held a few times over while written: well under 200 MiB.
    assert (peak - before) / 1024 < 200, f"the server grew by {(peak - before) / 1024:.0f} MiB"
