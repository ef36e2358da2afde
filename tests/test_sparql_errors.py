"""What a researcher reads when the parser rejects a query: the line and column, the text there,
what was expected in words, and a missing PREFIX named first with the declaration to add."""

import pytest

JSON = "application/sparql-results+json"


def error_of(client, query):
    response = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    assert response.status_code == 400
    return response.get_json()["error"]


def test_a_missing_prefix_is_said_first_with_the_line_to_add(client):
    message = error_of(client, "SELECT * WHERE { ?claim a ev:Claim }")
    assert message.startswith("The prefix ev: is used but not declared; add PREFIX ev: "
                              "<https://w3id.org/ketamine-kb/ontology#> at the top.")
    assert "line 1, column" in message


def test_an_unknown_prefix_is_named_without_an_invented_namespace(client):
    message = error_of(client, "SELECT * WHERE { ?s foo:bar ?o }")
    assert message.startswith("The prefix foo: is used but not declared; add a PREFIX foo: <…> line")


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "unterminated }',
    "PREFIX ev <https://w3id.org/ketamine-kb/ontology#> SELECT * {}",
    "SELECT * WHERE { ?s ?p ?o } LIMT 3",
])
def test_the_parser_s_unicode_ranges_become_words(client, query):
    message = error_of(client, query)
    assert "\\u{" not in message and "..=" not in message and "[_]" not in message
    assert "line 1, column" in message and "the parser expected" in message


def test_the_error_quotes_the_text_where_the_parser_stopped(client):
    message = error_of(client, "PREFIX ev <https://w3id.org/ketamine-kb/ontology#> SELECT * {}")
    assert 'near "<https://w3id.org/ketamine-kb/' in message
    assert "a letter" in message, "a character class is named, not listed by code point"


def test_prefixed_names_inside_strings_iris_and_comments_are_not_prefixes(client):
    query = ('SELECT * WHERE { ?s <http://x.org/a:b> "c:d" } # e:f\nLIMT 1')
    assert not error_of(client, query).startswith("The prefix")
