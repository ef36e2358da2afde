"""Query results as plain Python rows, and their serializations through pyoxigraph."""

from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from kb import formats

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger",
                                   "positiveInteger", "nonPositiveInteger", "negativeInteger")}
DECIMAL_TYPES = {XSD + t for t in ("decimal", "double", "float")}

def to_python(term):
    """Return a JSON-friendly value for an RDF term: IRIs and strings as str, numbers as numbers."""
    if term is None:
        return None
    if type(term) is ox.NamedNode:  # the commonest term first: rows of thousands go through here
        return term.value
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in INTEGER_TYPES:
                return int(term.value)
            if datatype in DECIMAL_TYPES:
                number = Decimal(term.value)
                return int(number) if number == number.to_integral_value() else float(number)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except ArithmeticError:
            return term.value
        return term.value
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return term.value


@dataclass
class Rows:
    """The answer of a SELECT: column names and rows of plain values."""

    columns: list
    rows: list
    terms: list
    truncated: bool = False

    def serialize(self, fmt):
        """Serialize with pyoxigraph's SPARQL results writers (json, xml, csv, tsv)."""
        return serialize_rows(self.columns, self.terms, fmt)


def serialize_rows(columns, terms, fmt):
    """Serialize collected solutions through pyoxigraph's writers.

    The solutions are kept as terms; they go back through SPARQL TSV, whose cells
    are the terms' own N-Triples syntax, so pyoxigraph does all the real writing.
    """
    lines = ["\t".join("?" + c for c in columns)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in terms]
    solutions = ox.parse_query_results("\n".join(lines) + "\n", ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=formats.by_name(fmt, formats.RESULTS).writer)


def rows_from(solutions, limit=None):
    """Collect a pyoxigraph SELECT answer into Rows, up to a row limit."""
    columns = [v.value for v in solutions.variables]
    rows, terms, truncated = [], [], False
    for count, solution in enumerate(solutions):
        if limit is not None and count >= limit:
            truncated = True
            break
        values = list(solution)  # in the order of the variables; a lookup by name costs more
        terms.append(values)
        rows.append(dict(zip(columns, map(to_python, values), strict=True)))
    return Rows(columns, rows, terms, truncated)


def records(rows, lists):
    """Return rows as records whose list-valued columns are lists.

    ``lists`` maps a column to how its GROUP_CONCAT packed the values: "lines" (one value a
    line) or "words" (space-separated IRIs); a query's header declares them (``# lists:`` and
    ``# iri-lists:``). Both come back sorted: GROUP_CONCAT's order is the engine's own.
    """
    if not lists:
        return rows
    return [{**row, **{c: split(row.get(c), how) for c, how in lists.items()}} for row in rows]


def split(value, how):
    """Split one packed column value."""
    if how == "lines":  # a line of spaces is an empty part (CONCAT of unbound values, on Virtuoso)
        return sorted(v for v in (value or "").split("\n") if v.strip())
    return sorted(v for v in (value or "").split() if v)
