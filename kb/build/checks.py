"""Checks that data must pass before it is loaded: syntax, SHACL shapes, quote offsets.

Every problem names where to fix it: the file and line for a syntax error, the
file, focus node, property, constraint and value for a shape violation.
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate
from rdflib.namespace import RDF, SH

from kb.errors import ValidationFailed
from kb.namespaces import PREFIXES

TURTLE_SUFFIXES = (".ttl",)


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    line: int | None = None
    node: str | None = None
    path: str | None = None
    value: str | None = None
    constraint: str | None = None

    def __str__(self):
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [f"{where}: {self.message}"]
        for label in ("node", "path", "value", "constraint"):
            if getattr(self, label):
                parts.append(f"{label}={getattr(self, label)}")
        return "  ".join(parts)


def collect_files(dirs):
    """Return every Turtle file under the given folders, in a stable order."""
    files = []
    for folder in dirs:
        folder = Path(folder)
        if folder.is_file():
            files.append(folder)
            continue
        if not folder.is_dir():
            raise ValidationFailed([Problem(str(folder), "data folder does not exist")])
        files.extend(sorted(p for p in folder.rglob("*") if p.suffix in TURTLE_SUFFIXES))
    return files


def check_syntax(path):
    """Parse one file with pyoxigraph and return a Problem naming the line, or None."""
    try:
        with open(path, "rb") as fh:
            for _ in ox.parse(fh, format=ox.RdfFormat.TURTLE, base_iri=Path(path).resolve().as_uri()):
                pass
    except SyntaxError as exc:
        line = re.search(r"line (\d+)", str(exc))
        return Problem(str(path), f"Turtle syntax error: {exc}",
                       line=int(line.group(1)) if line else None)
    except UnicodeDecodeError as exc:
        return Problem(str(path), f"not UTF-8 text: {exc}")
    return None


def parse_all(files):
    """Parse the files into one rdflib graph, remembering which file held each subject."""
    check_syntax_all(files)
    union, owner = rdflib.Graph(), {}
    for path in files:
        graph = rdflib.Graph().parse(path, format="turtle")
        for subject in set(graph.subjects()):
            owner.setdefault(subject, path)
        union += graph
    return union, owner


def shape_problems(data, shapes, owner):
    """Validate the data graph against the SHACL shapes; return Problems."""
    conforms, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none",
                                         advanced=True, allow_warnings=False)
    if conforms:
        return []
    problems = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        file, subject = locate(focus, data, owner)
        problems.append(Problem(
            file=str(file) if file else "<data>",
            line=line_of(file, subject) if file else None,
            message=str(report.value(result, SH.resultMessage) or "shape violation"),
            node=short(subject if subject is not None else focus),
            path=short(path), value=short(value),
            constraint=short(report.value(result, SH.sourceConstraintComponent))))
    return sorted(problems, key=lambda p: (p.file, p.line or 0, p.message))


def locate(node, data, owner, depth=0):
    """Return (file, named subject) for a node; a blank node is traced to its named parent."""
    if node in owner and not isinstance(node, rdflib.BNode):
        return owner[node], node
    if isinstance(node, rdflib.BNode) and depth < 5:
        for parent in data.subjects(None, node):
            return locate(parent, data, owner, depth + 1)
    return owner.get(node), None


def line_of(file, node):
    """Return the first line of a file where the node is the subject of a statement."""
    if node is None or not isinstance(node, rdflib.URIRef):
        return None
    iri = str(node)
    needles = {f"<{iri}>"}
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            needles.add(f"{prefix}:{iri[len(ns):]}")
    text = Path(file).read_text(encoding="utf-8")
    for prefix, ns in re.findall(r"@prefix\s+(\w*):\s*<([^>]*)>", text):
        if iri.startswith(ns) and re.fullmatch(r"[\w.-]+", iri[len(ns):]):
            needles.add(f"{prefix}:{iri[len(ns):]}")
    for number, line in enumerate(text.splitlines(), 1):
        if any(line.startswith(n) and line[len(n):len(n) + 1] in (" ", "\t", "") for n in needles):
            return number
    return None


def short(term):
    """Render a term with a known prefix, for messages."""
    if term is None:
        return None
    text = str(term)
    if isinstance(term, rdflib.URIRef):
        matches = [(len(ns), p) for p, ns in PREFIXES.items() if text.startswith(ns)]
        if matches:
            length, prefix = max(matches)
            return f"{prefix}:{text[length:]}"
    if isinstance(term, rdflib.Literal):
        return f'"{term}"^^{short(term.datatype)}' if term.datatype else f'"{term}"'
    return text


def quote_problems(quotes, copies, data_root, file_of):
    """Check every quote against its source text.

    quotes are rows of queries/source-quotes.rq, copies rows of source-copies.rq and
    file_of(claim) names the file a claim comes from. Runs on the loaded store, so a large KB
    is checked without parsing it with rdflib; only a failing quote costs a lookup.
    """
    problems, texts = [], {}
    copy_of = {row["source"]: row for row in copies}
    for row in quotes:
        source = row["source"]
        if source not in texts:
            copy = copy_of.get(source)
            texts[source] = (_source_text(Path(data_root) / copy["local_copy"], copy["sha256"])
                             if copy else (None, None))  # the shapes ask for a local copy
            if texts[source][1]:
                problems.append(Problem(file_of(row["claim"]),
                                        f"source {short(rdflib.URIRef(source))}: {texts[source][1]}"))
        text, error = texts[source]
        if text is None or error:
            continue
        exact, start, end = row["exact"], int(row["start"]), int(row["end"])
        if text[start:end] == exact:
            continue
        found = text.find(exact)
        hint = (f"the quote is at {found}-{found + len(exact)}" if found >= 0
                else "the quote is not in the source text at all")
        claim = rdflib.URIRef(row["claim"])
        file = file_of(str(claim))
        problems.append(Problem(file, f"quote does not match the source at {start}-{end}; {hint}",
                                line=line_of(file, claim), node=short(claim), value=exact[:60]))
    return problems


def _source_text(path, sha256):
    """Return (text, error) for a source's local copy, checking its checksum."""
    if not path.is_file():
        return None, f"local copy {path} not found"
    raw = path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != sha256:
        return None, f"sha256 of {path} is {digest}, not the {sha256} recorded"
    return raw.decode("utf-8"), None


def check_syntax_all(files):
    """Parse every file with pyoxigraph; raise ValidationFailed naming each file and line."""
    problems = [p for p in (check_syntax(f) for f in files) if p]
    if problems:
        raise ValidationFailed(problems)


def validate_shapes(files, shapes_path):
    """Validate the files against the SHACL shapes with pyshacl; return the triple count."""
    data, owner = parse_all(files)
    shapes = rdflib.Graph().parse(shapes_path, format="turtle")
    problems = shape_problems(data, shapes, owner)
    if problems:
        raise ValidationFailed(problems)
    return len(data)
