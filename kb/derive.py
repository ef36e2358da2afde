"""Derived triples: run every queries/construct-*.rq on a loaded store into the derived graph.

A construct query may read what an earlier one derived; it says so with a header line
``# after: NAME`` and runs after NAME. The others run in name order. A header line
``# graph: NAME`` sends its triples to graph/NAME instead of graph/derived/levels.

Then every claim gets its page number within its condition's list in reading order
(ev:conditionPage), so that a page of a condition with thousands of claims is a lookup.
"""

import pyoxigraph as ox

from .errors import UnknownQuery
from .namespaces import EV, GRAPH

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


def derive(store, catalogue, graph=DERIVED_LEVELS):
    """Insert what every construct query derives into the named graph; return how many triples."""
    added = 0
    for query in ordered(catalogue.all(role="construct")):
        target = ox.NamedNode(GRAPH + query.meta["graph"] if "graph" in query.meta else str(graph))
        triples = list(store.query(query.text, use_default_graph_as_union=True))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        added += len(triples)
    return added + derive_pages(store, catalogue)


def derive_pages(store, catalogue):
    """Number every claim's page within its condition, in the order the pages list claims."""
    rows = store.query(catalogue.get("claims-reading-order").text, use_default_graph_as_union=True)
    page_of = ox.NamedNode(EV + "conditionPage")
    target = ox.NamedNode(str(DERIVED_PAGES))
    quads, position, current = [], 0, None
    for row in rows:  # sorted by condition, then reading order
        if row["condition"] != current:
            current, position = row["condition"], 0
        page = position // PAGE_SIZE + 1
        quads.append(ox.Quad(row["claim"], page_of, ox.Literal(str(page), datatype=XSD_INTEGER), target))
        position += 1
    store.bulk_extend(quads)
    return len(quads)
