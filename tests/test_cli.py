"""The kb command line through click's runner."""

import csv
import io
import json
import re

import pytest
import rdflib

from kb.cli import main

CONDITION = "kb:condition/cancer-pain"


def test_stats_prints_counts(runner):
    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    assert "claims" in result.output and "triples" in result.output


def test_query_binds_a_parameter_and_prints_json(runner):
    result = runner.invoke(main, ["query", "claims-for-condition", "-p", f"condition={CONDITION}",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    quotes = {b["quote"]["value"] for b in answer["results"]["bindings"]}
    assert "74% of the patients in the study reported evident reductions in pain." in quotes


@pytest.mark.parametrize("fmt,delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_as_csv_and_tsv(runner, fmt, delimiter):
    result = runner.invoke(main, ["query", "conditions-overview", "--format", fmt])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.output), delimiter=delimiter))
    assert rows[0][:3] == ["group", "group_label", "group_rank"] or rows[0][0].lstrip("?") == "group"
    assert len(rows) > 20


def test_query_table_is_readable(runner):
    result = runner.invoke(main, ["query", "stats"])
    assert result.exit_code == 0, result.output
    assert "1 row(s)" in result.output


def test_a_parameter_is_bound_not_pasted(runner):
    hostile = 'x> } ; DROP ALL ; SELECT * { <y'
    result = runner.invoke(main, ["query", "claims-for-condition", "-p", f"condition={hostile}"])
    assert result.exit_code == 1
    assert "parameter condition" in result.output and "not an absolute IRI" in result.output


@pytest.mark.parametrize("args,message", [
    (["query", "no-such-query"], "no query named 'no-such-query'"),
    (["query", "claims-for-condition"], "parameter condition is required"),
    (["query", "stats", "-p", "nope=1"], "unknown parameter(s) nope"),
    (["query", "stats", "-p", "novalue"], "expected KEY=VALUE"),
])
def test_bad_query_calls_get_clear_errors(runner, args, message):
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert message in result.output


@pytest.mark.parametrize("fmt,rdflib_format", [("turtle", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                                               ("rdfxml", "xml"), ("nq", "nquads"), ("trig", "trig")])
def test_export_parses_back_with_every_triple(runner, fmt, rdflib_format, tmp_path):
    out = tmp_path / f"kb.{fmt}"
    result = runner.invoke(main, ["export", "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt in ("nq", "trig"):
        graph = rdflib.Dataset()
        graph.parse(out, format=rdflib_format)
        count = sum(1 for _ in graph.quads((None, None, None, None)))
    else:
        graph = rdflib.Graph().parse(out, format=rdflib_format)
        count = len(graph)
    stats = runner.invoke(main, ["stats"]).output
    triples = int(re.search(r"triples\s+(\d+)", stats).group(1))
    assert count == triples if fmt in ("nq", "trig") else 0 < count <= triples


def test_build_with_a_broken_file_exits_nonzero_and_names_it(runner, data_copy, tmp_path, monkeypatch):
    target = data_copy[1] / "vocab" / "study-designs.ttl"
    target.write_text(target.read_text().replace("ev:cebmLevel 2 ;", 'ev:cebmLevel "two" ;', 1))
    monkeypatch.setenv("KB_DATA_DIRS", f"{data_copy[0]}:{data_copy[1]}")
    result = runner.invoke(main, ["build", "--quiet", "--store", f"oxigraph:{tmp_path}/s"])
    assert result.exit_code == 1
    assert "study-designs.ttl" in result.output and "ev:cebmLevel" in result.output
    assert "design:rct" in result.output


def test_a_build_steps_back_for_the_site_it_shares_the_cores_with(tmp_path):
    """`kb build` lowers its own priority (10 by default, --nice N), so that a site served from the
    same cores keeps answering while it builds."""
    import os
    import subprocess
    import sys
    import time
    from pathlib import Path

    from .conftest import ROOT

    kb = Path(sys.executable).parent / "kb"
    build = subprocess.Popen([str(kb), "build", "--quiet", "--no-shacl", "--nice", "7",
                              "--store", f"oxigraph:{tmp_path}/store"], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = set()
    while build.poll() is None:
        try:
            seen.add(int(Path(f"/proc/{build.pid}/stat").read_text().rsplit(")", 1)[1].split()[16]))
        except (OSError, IndexError, ValueError):
            pass
        time.sleep(0.01)
    # --nice is relative, as os.nice is: to wherever this test process already is
    assert build.returncode == 0 and min(19, os.nice(0) + 7) in seen
