"""Parameters are written into the query text as validated terms; pyoxigraph's own
``substitutions=`` is the oracle they must agree with on every named query."""

import pyoxigraph as ox
import pytest

from kb.knowledge import KnowledgeBase
from kb.query.binding import bind
from kb.query.catalogue import Catalogue
from kb.store import open_store

from .conftest import QUERIES
from .test_remote import SAMPLES, canonical

CATALOGUE = Catalogue(QUERIES)
WITH_PARAMS = [q.name for q in CATALOGUE.all() if q.params]


def oracle_of(query, params):
    """Return the query text and substitutions pyoxigraph binds them with: its own substitutions
    for projected variables, a VALUES block at the top of the WHERE clause for the others (such
    as the condition and page a claim's listing is found by, which the answer does not show)."""
    bindings = query.bindings(params)
    if query.form != "SELECT":
        return query.text, bindings
    projected = {b: t for b, t in bindings.items() if b.value in query.columns}
    inline = [f"VALUES ?{b.value} {{ {t} }}" for b, t in bindings.items() if b.value not in query.columns]
    text = query.text
    if inline:
        where = text.index("WHERE {") + len("WHERE {")
        text = text[:where] + " " + " ".join(inline) + " " + text[where:]
    return text, projected


@pytest.mark.parametrize("name", WITH_PARAMS)
def test_text_binding_answers_as_pyoxigraph_substitutions_do(name, store_spec):
    kb = KnowledgeBase(open_store(store_spec), CATALOGUE)
    query = CATALOGUE.get(name)
    params = {p.name: SAMPLES[p.name] for p in query.params}
    text, substitutions = oracle_of(query, params)
    oracle = kb.store.raw().query(text, substitutions=substitutions, use_default_graph_as_union=True)
    if isinstance(oracle, ox.QuerySolutions):
        from kb.query.rows import rows_from

        oracle = rows_from(oracle, limit=kb.row_limit)
    elif isinstance(oracle, ox.QueryBoolean):
        oracle = bool(oracle)
    else:
        oracle = list(oracle)
    assert canonical(kb.run(query, params)) == canonical(oracle)


def test_strings_iris_and_comments_keep_their_text():
    text = ('SELECT ?x WHERE { ?x <http://e.org/?x> "?x" . # ?x\n'
            "FILTER(?x != '?x') }")
    bound = bind(text, {ox.Variable("x"): ox.NamedNode("http://e.org/a")})
    assert bound == ('SELECT (<http://e.org/a> AS ?x) WHERE { '
                     '<http://e.org/a> <http://e.org/?x> "?x" . # ?x\n'
                     "FILTER(<http://e.org/a> != '?x') }")


def test_a_bound_variable_stays_in_the_answer_and_in_group_by():
    text = "SELECT ?x (COUNT(*) AS ?n) WHERE { ?s ?p ?x } GROUP BY ?x ORDER BY ?x"
    bound = bind(text, {ox.Variable("x"): ox.Literal("a")})
    assert bound == ('SELECT ("a" AS ?x) (COUNT(*) AS ?n) WHERE { ?s ?p "a" } '
                     'GROUP BY ("a") ORDER BY ("a")')
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p"), ox.Literal("a")))
    [row] = list(store.query(bound))
    assert row["x"] == ox.Literal("a") and row["n"].value == "1"


def test_a_string_parameter_with_quotes_and_braces_is_one_literal(client):
    value = 'crps" } UNION { ?s ?p ?o } #'
    response = client.get("/queries/search.json", query_string={"q": value})
    assert response.status_code == 200
    assert response.get_json()["answer"]["rows"] == []
