"""Page data for query answers: tables whose cells link to the KB's pages, and download links."""

from urllib.parse import urlencode

import pyoxigraph as ox

from kb.namespaces import PREFIXES
from kb.sparql import protocol as sparql

from . import links

XSD = "http://www.w3.org/2001/XMLSchema#"
PLAIN = {XSD + t for t in ("string", "integer", "decimal", "double", "float", "boolean", "int", "long",
                           "nonNegativeInteger", "positiveInteger")}


def curie(iri):
    """Write an IRI with the longest known prefix, or return it unchanged."""
    matches = [(len(ns), p) for p, ns in PREFIXES.items() if iri.startswith(ns) and len(iri) > len(ns)]
    if not matches:
        return iri
    length, prefix = max(matches)
    return f"{prefix}:{iri[length:]}"


def href(iri):
    """Return where a link to an IRI goes: the KB's own page, the IRI if it is a web address, else None.

    Answers can hold any IRI a query makes up (IRI("javascript:...")), so only http(s) ones link.
    """
    page = links.page_url(iri)
    if page:
        return page
    return iri if iri.lower().startswith(("http://", "https://")) else None


def cell(term):
    """Return one table cell: its text, and a link for an IRI (the KB's own page when it has one)."""
    if term is None:
        return {"kind": "unbound", "text": ""}
    if isinstance(term, ox.NamedNode):
        return {"kind": "iri", "text": curie(term.value), "href": href(term.value), "iri": term.value}
    if isinstance(term, ox.BlankNode):
        return {"kind": "bnode", "text": f"_:{term.value}"}
    if isinstance(term, ox.Literal):
        # Numbers and booleans read as such; other datatypes (dates, durations, IRIs) say what they are.
        note = term.language or ("" if term.datatype.value in PLAIN else curie(term.datatype.value))
        return {"kind": "literal", "text": term.value, "note": note}
    return {"kind": "other", "text": str(term)}


def download_links(text, form):
    """Return (label, href, name, media type) of a query's answer in every format offered for its form."""
    return [(fmt.label, "/sparql?" + urlencode({"query": text, "format": fmt.name}), fmt.name,
             fmt.media_type) for fmt in sparql.formats_for(form)]


def table(answer):
    """Return the page data of an Answer: columns and rows of cells (or a boolean), with counts."""
    data = {"form": answer.form, "truncated": answer.truncated, "seconds": answer.seconds}
    if answer.form == "ASK":
        return {**data, "boolean": answer.boolean, "columns": [], "rows": [], "count": 1}
    if answer.form == "SELECT":
        terms = sparql.rows_of(answer).terms
        return {**data, "columns": list(answer.columns), "count": len(terms),
                "rows": [[cell(t) for t in row] for row in terms]}
    triples = sparql.triples_of(answer)
    return {**data, "columns": ["subject", "predicate", "object"], "count": len(triples),
            "rows": [[cell(t.subject), cell(t.predicate), cell(t.object)] for t in triples]}


def plain(answer):
    """Return an Answer as plain JSON values: rows of dicts, a boolean, or triples as N-Triples lines."""
    if answer.form == "ASK":
        return {"boolean": answer.boolean}
    if answer.form == "SELECT":
        return {"columns": list(answer.columns), "rows": sparql.rows_of(answer).rows}
    return {"triples": [f"{t} ." for t in sparql.triples_of(answer)]}
