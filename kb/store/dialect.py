"""What a remote store changes between the KB and a SPARQL server, and changes back.

- **Build graphs.** Each build writes its graphs under names of its own
  (``graph:build/ID/claims`` for ``graph:claims``), so that switching readers to a new build is
  one small update whatever the KB's size. Queries are sent with the KB's graph namespace turned
  into the build's, and answers come back with it turned into the KB's again: a researcher's query
  naming ``graph:claims`` (in full, by prefix, or in a string) sees the current build's graph under
  that name. Only an IRI assembled piece by piece in a query could reach a build's own name.
- **Blank nodes.** They are sent as well-known genid IRIs (RFC 7511 section 3.5 "skolem" IRIs), so
  that a large graph can be uploaded in chunks (a blank node must not split in two across
  requests), that Virtuoso takes them in ``INSERT DATA`` and that an interrupted upload can be sent
  again without duplicates. Answers turn them back into blank nodes; in a query, ``isBlank()``
  sees an IRI.
- **Answers some servers write their own way** (Virtuoso 7's blank node labels and ASK rows).
"""

import hashlib
import json
import re

import pyoxigraph as ox

from kb.namespaces import BASE, GRAPH

GENID = BASE + ".well-known/genid/"
GENID_NT = re.compile(rb"<" + re.escape(GENID.encode()) + rb"([A-Za-z0-9_]+)>")
BNODE_CHARS = re.compile(r"[^A-Za-z0-9_]")


class BuildNames:
    """The KB's graph names and one build's, in both directions."""

    def __init__(self, build):
        self.build = build
        self.kb = str(GRAPH)
        self.server = f"{GRAPH}build/{build}/"

    def graph(self, name):
        """Return the server's name of the KB graph name (an IRI string)."""
        return self.server + name[len(self.kb):] if name.startswith(self.kb) else name

    def query(self, text):
        """Return the query as the server must read it: the KB's graphs are the build's."""
        return text.replace(self.kb, self.server)

    def answer(self, body):
        """Return an answer's bytes with the build's graph names back as the KB's."""
        return body.replace(self.server.encode(), self.kb.encode())


def build_of(graph):
    """Return the build id in a server graph name, or None for another graph."""
    prefix = f"{GRAPH}build/"
    return graph[len(prefix):].split("/", 1)[0] if graph.startswith(prefix) else None


def skolem_labels(quads):
    """Return a genid label for every blank node of the quads that is the same whenever the same
    files are built (parsers number blank nodes at random): a hash of the triples around it,
    summed so that their order does not matter. Two blank nodes alike in every triple are told
    apart by a counter; if that order changes, a resumed upload sees a changed chunk and sends it
    again, so the labels only save work and never decide what is sent."""
    sums = {}
    for quad in quads:
        subject, obj = quad.subject, quad.object
        if isinstance(subject, ox.BlankNode):
            around = f"{quad.graph_name} s {quad.predicate} {'_' if isinstance(obj, ox.BlankNode) else obj}"
            sums[subject.value] = sums.get(subject.value, 0) + _hash(around)
        if isinstance(obj, ox.BlankNode):
            near = "_" if isinstance(subject, ox.BlankNode) else subject
            around = f"{quad.graph_name} o {near} {quad.predicate}"
            sums[obj.value] = sums.get(obj.value, 0) + _hash(around)
    labels, seen = {}, {}
    for node, total in sums.items():
        label = f"{total % 2**64:016x}"
        seen[label] = seen.get(label, 0) + 1
        labels[node] = label if seen[label] == 1 else f"{label}_{seen[label]}"
    return labels


def _hash(text):
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def skolemized(triples, labels):
    """Return the triples with every blank node as its genid IRI (labels from skolem_labels)."""
    def term(value):
        return ox.NamedNode(GENID + labels[value.value]) if isinstance(value, ox.BlankNode) else value

    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]


def ntriples_answer(body):
    """Turn genid IRIs in N-Triples back into blank nodes."""
    return GENID_NT.sub(rb"_:\1", body) if GENID.encode() in body else body


def standard_results(body, form):
    """Return SPARQL JSON results as the standard writes them, from what some servers send.

    Genid IRIs become blank nodes again. Virtuoso 7 labels blank nodes "nodeID://b10006", which
    is no blank node label, and answers ASK with one row of __ASK_RETVAL 1 or 0; other servers'
    answers pass unchanged."""
    genid = GENID.encode() in body
    if not genid and b'"bnode"' not in body and not (form == "ASK" and b"__ASK_RETVAL" in body):
        return body
    data = json.loads(body)
    if form == "ASK" and "boolean" not in data:
        rows = data.get("results", {}).get("bindings", [])
        value = next(iter(rows[0].values()), {}).get("value", "0") if rows else "0"
        return json.dumps({"head": {}, "boolean": value in ("1", "true")}).encode()
    for row in data.get("results", {}).get("bindings", []):
        for term in row.values():
            if term.get("type") == "uri" and term["value"].startswith(GENID):
                term.update(type="bnode", value=term["value"][len(GENID):])
            elif term.get("type") == "bnode":
                term["value"] = BNODE_CHARS.sub("_", term["value"])
    return json.dumps(data).encode()
