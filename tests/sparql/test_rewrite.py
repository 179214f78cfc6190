"""Query texts made to mean the same on any engine (gcm_kg.sparql.rewrite), checked by running the
rewritten text on pyoxigraph where the meaning matters."""

import pyoxigraph as ox
import pytest

from gcm_kg.sparql import rewrite
from gcm_kg.sparql.model import Dataset, QuerySyntaxError

BASE = "https://w3id.org/gcm-kg/"


@pytest.mark.parametrize("query", ["", "   \n", "SELEC * { ?s ?p ?o }", "SELECT * { ?s ?p ?o",
                                   "ASK { ?s ?p }", "# only a comment",
                                   # unnamed projections (an engine would invent callret-0)
                                   "SELECT (COUNT(*)) WHERE { ?s ?p ?o }", "SELECT COUNT(*) WHERE { ?s ?p ?o }"])
def test_empty_or_malformed_queries_are_refused_before_any_engine(query):
    with pytest.raises(QuerySyntaxError):
        rewrite.check_syntax(query, BASE)


@pytest.mark.parametrize("query", ["SELECT * { ?s ?p ?o }", "ASK { ?s ?p ?o }", "ASK { ?s ?p ?o } GROUP BY ?s",
                                   "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <x>",
                                   "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"])
def test_well_formed_queries_pass_without_being_run(query):
    rewrite.check_syntax(query, BASE)  # the SERVICE one would fail if it were evaluated


def test_an_ask_error_speaks_of_the_ask():
    with pytest.raises(QuerySyntaxError) as caught:
        rewrite.check_syntax("ASK { ?s ?p }", BASE)
    assert "__gcm_kg" not in str(caught.value)


@pytest.mark.parametrize("query,expected", [
    ("SELECT * { ?s ?p ?o }", "SELECT * { ?s ?p ?o }\nLIMIT 51\n"),
    ("SELECT * { ?s ?p ?o } LIMIT 10", "SELECT * { ?s ?p ?o } LIMIT 10"),
    ("SELECT * { ?s ?p ?o } LIMIT 1000 OFFSET 5", "SELECT * { ?s ?p ?o } LIMIT 51 OFFSET 5"),
    ("SELECT * { ?s ?p ?o } OFFSET 5", "SELECT * { ?s ?p ?o } OFFSET 5\nLIMIT 51\n"),
    ("SELECT * { { SELECT * { ?s ?p ?o } LIMIT 1000 } }", "SELECT * { { SELECT * { ?s ?p ?o } LIMIT 1000 } }\nLIMIT 51\n"),
    ("SELECT * { ?s ?p ?o } VALUES ?s { <a> }", "SELECT * { ?s ?p ?o } LIMIT 51\nVALUES ?s { <a> }"),
    ("SELECT * { ?s ?p 'LIMIT 1000' } # LIMIT 1000", "SELECT * { ?s ?p 'LIMIT 1000' } # LIMIT 1000\nLIMIT 51\n"),
])
def test_a_select_asks_for_at_most_the_row_cap_plus_one(query, expected):
    assert rewrite.with_row_limit(query, 51) == expected
    rewrite.check_syntax(expected, BASE)


def test_the_protocol_dataset_replaces_the_query_s_from_clauses():
    store = ox.Store()
    for g in ("a", "b"):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{g}"), ox.NamedNode("http://e/p"), ox.Literal(g), ox.NamedNode(f"http://e/{g}")))
    query = "SELECT ?o FROM <http://e/a> FROM NAMED <http://e/a> WHERE { ?s ?p ?o }"
    rewritten = rewrite.with_dataset(query, Dataset(("http://e/b",), ()))
    assert rewritten.split() == "SELECT ?o FROM <http://e/b> WHERE { ?s ?p ?o }".split()
    assert [row["o"].value for row in store.query(rewritten)] == ["b"]  # SPARQL 1.1 Protocol §2.1.4


def test_a_query_without_from_is_left_to_the_protocol_parameters():
    query = "SELECT * WHERE { ?s ?p ?o } # FROM <x>"
    assert rewrite.with_dataset(query, Dataset(("http://e/b",), ())) == query


def test_relative_iris_are_sent_resolved():
    query = "BASE <http://example.org/a/> SELECT (STR(<b>) AS ?iri) { FILTER(?x != <../c>) }"
    assert rewrite.absolute_iris(query, BASE) == \
        "BASE <http://example.org/a/> SELECT (STR(<http://example.org/a/b>) AS ?iri) { FILTER(?x != <http://example.org/c>) }"
    assert rewrite.absolute_iris("SELECT * { <x> ?p '<y>' }", BASE) == "SELECT * { <https://w3id.org/gcm-kg/x> ?p '<y>' }"
    relative_base = "BASE <sub/> ASK { <z> ?p ?o }"
    assert rewrite.absolute_iris(relative_base, BASE) == \
        "BASE <https://w3id.org/gcm-kg/sub/> ASK { <https://w3id.org/gcm-kg/sub/z> ?p ?o }"


def test_an_empty_values_block_is_dropped_and_means_the_same():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    query = "SELECT * WHERE { VALUES () { () } ?s ?p ?o }"
    rewritten = rewrite.without_empty_values(query)
    assert "VALUES" not in rewritten
    assert len(list(store.query(rewritten))) == len(list(store.query(query))) == 1
    kept = "SELECT * WHERE { VALUES ?s { <http://e/s> } ?s ?p ?o }"
    assert rewrite.without_empty_values(kept) == kept


def test_consecutive_values_blocks_become_one_with_the_same_solutions():
    store = ox.Store()
    for s_, k in (("a", "x"), ("a", "y"), ("b", "x")):
        store.add(ox.Quad(ox.NamedNode(f"http://e/{s_}"), ox.NamedNode("http://e/kind"), ox.NamedNode(f"http://e/{k}")))
    query = ('PREFIX e: <http://e/> SELECT ?s ?k WHERE {\n  VALUES ?s { <http://e/a> e:b }\n'
             '  VALUES ?k { <http://e/x> e:y }\n  ?s <http://e/kind> ?k }')
    merged = rewrite.merged_values(query)
    assert merged.count("VALUES") == 1 and "VALUES (?s ?k)" in merged and "(e:b e:y)" in merged

    def solutions(text):
        return sorted(tuple(str(row[v]) for v in ("s", "k")) for row in store.query(text))

    assert solutions(merged) == solutions(query) and len(solutions(query)) == 3


def test_values_blocks_apart_of_literals_or_of_several_variables_are_left_alone():
    for query in ("SELECT * { VALUES ?a { <a> } ?s ?p ?o VALUES ?b { <b> } }",
                  "SELECT * { VALUES (?a ?b) { (<a> <b>) } VALUES ?c { <c> } }",
                  'SELECT * { VALUES ?a { "t"@en } VALUES ?c { <c> } }',
                  "SELECT * { ?s ?p ?o } VALUES ?a { <a> }"):
        assert rewrite.merged_values(query) == query
