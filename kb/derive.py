"""Derived triples: run every queries/construct-*.rq on a loaded store into the derived graph.

A construct query may read what an earlier one derived; it says so with a header line
``# after: NAME`` and runs after NAME. The others run in name order.
"""

import pyoxigraph as ox

from .errors import UnknownQuery
from .namespaces import GRAPH

DERIVED_LEVELS = GRAPH["derived/levels"]


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
    target = ox.NamedNode(str(graph))
    added = 0
    for query in ordered(catalogue.all(role="construct")):
        triples = list(store.query(query.text, use_default_graph_as_union=True))
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in triples)
        added += len(triples)
    return added
