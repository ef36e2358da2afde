"""Each SHACL shape has a valid example and invalid ones that break exactly one rule each."""

from pathlib import Path

import pytest
import rdflib

from kb.build import checks

from .conftest import DATA_DIRS, SHAPES

HERE = Path(__file__).parent / "shapes"
CONTEXT = [*(p for p in sorted(DATA_DIRS[0].glob("*.ttl")) if p.name != "shapes.ttl"),
           *sorted((DATA_DIRS[1] / "vocab").glob("*.ttl")), *sorted((DATA_DIRS[1] / "sources").glob("*.ttl"))]


def problems_for(example):
    data, owner = checks.parse_all([*CONTEXT, example])
    shapes = rdflib.Graph().parse(SHAPES, format="turtle")
    return checks.shape_problems(data, shapes, owner)


def expectation(path):
    for line in path.read_text().splitlines():
        if line.startswith("# expect:"):
            prop, constraint = line.split(":", 1)[1].split()
            return (None if prop == "-" else prop), f"sh:{constraint}ConstraintComponent"
    raise AssertionError(f"{path.name} has no '# expect:' line")


@pytest.mark.parametrize("example", sorted((HERE / "valid").glob("*.ttl")), ids=lambda p: p.stem)
def test_valid_example_conforms(example):
    assert problems_for(example) == []


@pytest.mark.parametrize("example", sorted((HERE / "invalid").glob("*.ttl")), ids=lambda p: p.stem)
def test_invalid_example_breaks_exactly_its_rule(example):
    prop, constraint = expectation(example)
    problems = problems_for(example)
    report = "\n".join(map(str, problems))
    assert len(problems) == 1, report
    assert problems[0].constraint == constraint, report
    assert problems[0].path == prop, report
    assert problems[0].file.endswith(example.name), report
