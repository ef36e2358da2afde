"""Derived triples: run every queries/construct-*.rq on a loaded store into the derived graph.

A construct query may read what an earlier one derived; it says so with a header line
``# after: NAME`` and runs after NAME. The others run in name order. A header line
``# graph: NAME`` sends its triples to graph/NAME instead of graph/derived/levels.

First every claim gets, for each of its conditions, a listing with its page number within that
condition's list in reading order (ev:listing, ev:conditionPage), so that a page of a condition
with thousands of claims is a lookup.
"""

import pyoxigraph as ox

from kb.errors import UnknownQuery
from kb.namespaces import EV, GRAPH

DERIVED_LEVELS = GRAPH["derived/levels"]
DERIVED_PAGES = GRAPH["derived/pages"]
PAGE_SIZE = 50  # claims on a page of a condition; the web app pages with the same number
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def ordered(queries):
    """Return the construct queries so that each runs after the ones its '# after:' line names."""
    by_name = {q.name: q for q in queries}
    done, order = set(), []

    def visit(query, path):
        if query.name in done:
            return
        if query.name in path:
            raise UnknownQuery(f"{query.path}: '# after:' lines form a cycle: {' -> '.join(path)}")
        for name in query.meta.get("after", "").split():
            if name not in by_name:
                raise UnknownQuery(f"{query.path}: '# after: {name}' names no construct query")
            visit(by_name[name], (*path, query.name))
        done.add(query.name)
        order.append(query)

    for query in sorted(queries, key=lambda q: q.name):
        visit(query, ())
    return order


def derive(store, kb, graph=DERIVED_LEVELS):
    """Insert what every construct query derives into the named graph; return how many triples.

    store is the staging pyoxigraph store written to; kb reads it (kb/knowledge.py)."""
    # Pages and summaries first: they read only curated triples, and read them faster before
    # the derived triples land.
    added = derive_pages(store, kb) + derive_study_pages(store, kb)
    for query in ordered(kb.catalogue.all(role="construct")):
        target = ox.NamedNode(GRAPH + query.meta["graph"] if "graph" in query.meta else str(graph))
        # Written and read back as N-Triples by pyoxigraph: no Python object per triple.
        body = kb.store.query(query.render()).serialize(format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=target)
        added += body.count(b"\n")
    return added


def derive_pages(store, kb):
    """Number every claim's page within each of its conditions, in the order the pages list claims
    (queries/claims.rq: by source, then position in the source, then IRI): one ev:Listing per
    claim and condition, since a claim names one or more conditions."""
    rows = kb.rows("claims-reading-order")
    order = sorted((r["condition"], r["source"], int(r["start"]), r["claim"]) for r in rows)
    listing, condition_of = ox.NamedNode(EV + "listing"), ox.NamedNode(EV + "listedUnder")
    page_of, kind = ox.NamedNode(EV + "conditionPage"), ox.NamedNode(EV + "Listing")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    target = ox.NamedNode(str(DERIVED_PAGES))
    pages = page_numbers(len(order))
    quads, position, current = [], 0, None
    for condition, _, _, claim in order:
        if condition != current:
            current, position = condition, 0
        node = ox.BlankNode()
        quads += [ox.Quad(ox.NamedNode(claim), listing, node, target),
                  ox.Quad(node, rdf_type, kind, target),
                  ox.Quad(node, condition_of, ox.NamedNode(condition), target),
                  ox.Quad(node, page_of, pages[position // PAGE_SIZE], target)]
        position += 1
    store.bulk_extend(quads)
    return len(quads) + derive_claim_pages(store, rows)


def derive_claim_pages(store, rows):
    """Number every claim's page in the list of every claim (ev:claimPage: by source, position,
    IRI) and within its source (ev:sourcePage), so /claims and a source's page are lookups."""
    order = sorted({(r["source"], int(r["start"]), r["claim"]) for r in rows})
    overall, within = ox.NamedNode(EV + "claimPage"), ox.NamedNode(EV + "sourcePage")
    target = ox.NamedNode(str(DERIVED_PAGES))
    pages = page_numbers(len(order))
    quads, position, current = [], 0, None
    for index, (source, _, claim) in enumerate(order):
        if source != current:
            current, position = source, 0
        quads += [ox.Quad(ox.NamedNode(claim), overall, pages[index // PAGE_SIZE], target),
                  ox.Quad(ox.NamedNode(claim), within, pages[position // PAGE_SIZE], target)]
        position += 1
    store.bulk_extend(quads)
    return len(quads)


def derive_study_pages(store, kb):
    """Number every study's page in the list of studies (queries/studies-by-design.rq's order:
    strongest design first, then the largest, then by title), and within its design's page."""
    order = sorted((r["rank"], -(r["sample_size"] or 0), r["title"], r["study"], r["design"])
                   for r in kb.rows("studies-reading-order"))
    page_of, target = ox.NamedNode(EV + "studyPage"), ox.NamedNode(str(DERIVED_PAGES))
    design_page = ox.NamedNode(EV + "designPage")
    pages = page_numbers(len(order))
    quads, positions = [], {}
    for i, (_, _, _, study, design) in enumerate(order):
        position = positions[design] = positions.get(design, -1) + 1
        quads += [ox.Quad(ox.NamedNode(study), page_of, pages[i // PAGE_SIZE], target),
                  ox.Quad(ox.NamedNode(study), design_page, pages[position // PAGE_SIZE], target)]
    store.bulk_extend(quads)
    return len(quads)


def integer(value):
    """Return an xsd:integer literal."""
    return ox.Literal(str(value), datatype=XSD_INTEGER)


def page_numbers(count):
    """Return the page-number literals a list of count items needs (pages of PAGE_SIZE), 1 first."""
    return [integer(n) for n in range(1, count // PAGE_SIZE + 2)]
