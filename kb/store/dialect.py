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
- **Virtuoso's join planner.** Given a query of some forty triple patterns, Virtuoso 7 spends
  minutes choosing a join order (a condition page's claims: 112 s on 10,000 triples); told to
  join in the order written (``DEFINE sql:select-option "order"``), 0.04 s. Left to its own order,
  it also answers some queries wrongly (an OPTIONAL sub-select whose aggregate has no rows removes
  the row it should leave alone: a study design with no studies had no page). So every query sent
  to Virtuoso carries that line, and the named queries are written in the order a good plan takes.
  The price: a few whole-KB questions written for Oxigraph's planner are far slower there
  (bench/REMOTE.md); the pages read those from the build's kept answers, not from the server.
  A DESCRIBE is asked for a Concise Bounded Description, which Oxigraph gives (Virtuoso's own
  description differs).
- **Virtuoso's durations.** Virtuoso 7 keeps an ``xsd:duration`` as a number of seconds or months
  ("P1D" and "PT24H" both become 86400.0, "P1Y" becomes 12): the text is lost. On Virtuoso each
  duration is sent as a literal of a datatype of ours whose text is a sort key (seconds, a month
  counted as 30 days) and the duration as written, ``"000000086400|P1D"``; answers give back
  ``"P1D"^^xsd:duration`` (and the plain "P1D" where a query took its STR()). Durations still sort
  by length, and compare equal only when written alike; a query that asks a term's DATATYPE() sees
  ours.
"""

import hashlib
import json
import re

import pyoxigraph as ox

from kb.namespaces import BASE, GRAPH

GENID = BASE + ".well-known/genid/"
GENID_NT = re.compile(rb"<" + re.escape(GENID.encode()) + rb"([A-Za-z0-9_]+)>")
BNODE_CHARS = re.compile(r"[^A-Za-z0-9_]")
XSD_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
KEPT_DURATION = BASE + ".well-known/duration"
DURATION_KEY = re.compile(rb"\b\d{12}\|(-?P[0-9YMWDTHS.]*)")
DURATION_PARTS = re.compile(r"(\d+(?:\.\d+)?)([YMWDHS])")
SECONDS = {"Y": 365 * 86400, "M": 30 * 86400, "W": 7 * 86400, "D": 86400}
TIME_SECONDS = {"H": 3600, "M": 60, "S": 1}
VIRTUOSO_ORDER = 'DEFINE sql:select-option "order"\n'
VIRTUOSO_CBD = 'DEFINE sql:describe-mode "CBD"\n'  # DESCRIBE as Oxigraph answers it


def is_virtuoso(server):
    return "virtuoso" in (server or "").lower()


def for_engine(server, text, form="SELECT"):
    """Return the query as the server (its HTTP Server header) should receive it."""
    if not is_virtuoso(server):
        return text
    return VIRTUOSO_ORDER + (VIRTUOSO_CBD if form == "DESCRIBE" else "") + text


def kept_duration(literal):
    """Return an xsd:duration literal as Virtuoso must keep it (see above)."""
    date, _, time = literal.value.partition("T")
    seconds = sum(float(n) * SECONDS[u] for n, u in DURATION_PARTS.findall(date))
    seconds += sum(float(n) * TIME_SECONDS[u] for n, u in DURATION_PARTS.findall(time))
    key = min(int(seconds), 10**12 - 1)
    return ox.Literal(f"{key:012d}|{literal.value}", datatype=ox.NamedNode(KEPT_DURATION))


def durations_answer(body, virtuoso=True):
    """Give back the durations kept_duration encoded, in N-Triples or SPARQL JSON."""
    if not virtuoso or b"|" not in body:
        return body
    body = body.replace(f'<{KEPT_DURATION}>'.encode(), f'<{XSD_DURATION}>'.encode())
    body = body.replace(f'"{KEPT_DURATION}"'.encode(), f'"{XSD_DURATION}"'.encode())
    return DURATION_KEY.sub(rb"\1", body)


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

    def kb_name(self, graph):
        """Return the KB's name of one of the build's graphs."""
        return self.answer(graph.encode()).decode()

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


def skolemized(triples, labels, virtuoso=False):
    """Return the triples with every blank node as its genid IRI (labels from skolem_labels), and
    on Virtuoso each duration as kept_duration writes it."""
    def term(value):
        if isinstance(value, ox.BlankNode):
            return ox.NamedNode(GENID + labels[value.value])
        if virtuoso and isinstance(value, ox.Literal) and value.datatype.value == XSD_DURATION:
            return kept_duration(value)
        return value

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
