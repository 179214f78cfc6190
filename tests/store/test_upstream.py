"""Answers of other engines read the same way (gcm_kg.store.upstream), from fixture files written
as Virtuoso 7.2 writes them."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.store import upstream

FIXTURES = Path(__file__).parent / "fixtures"
XSD = "http://www.w3.org/2001/XMLSchema#"


def _read(name: str, media_type: str):
    return upstream.standard_results((FIXTURES / name).read_bytes(), media_type)


@pytest.mark.parametrize("name,media_type", [
    ("virtuoso_bnodes_typed_literals.srj", "application/sparql-results+json"),
    ("virtuoso_bnodes_typed_literals.srx", "application/sparql-results+xml"),
])
def test_virtuoso_blank_nodes_and_legacy_terms_become_standard(name, media_type):
    rows = list(_read(name, media_type))
    first, second = rows
    # nodeID://b10000 twice: one valid label, the same node in both rows
    assert isinstance(first["o"], ox.BlankNode) and first["o"] == second["s"]
    assert second["o"] == ox.Literal("x", language="en")
    assert first["n"] == ox.Literal("2", datatype=ox.NamedNode(XSD + "integer"))  # "typed-literal"
    assert second["n"] == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))  # Virtuoso's "1"
    # and it can be written in every format
    for fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV):
        assert _read(name, media_type).serialize(format=fmt)


def test_distinct_engine_labels_stay_distinct():
    rows = list(_read("virtuoso_bnodes_typed_literals.srj", "application/sparql-results+json"))
    assert rows[0]["s"] != rows[0]["o"]


def test_virtuoso_s_ask_row_is_the_boolean():
    result = _read("virtuoso_ask.srj", "application/sparql-results+json")
    assert isinstance(result, ox.QueryBoolean) and bool(result) is True


@pytest.mark.parametrize("data", [b"not json", b"[]", b'{"head": {}}',
                                  b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": 1}]}}'])
def test_a_malformed_answer_says_so(data):
    with pytest.raises(upstream.MalformedAnswer):
        upstream.standard_results(data, "application/sparql-results+json")


def test_an_unexpected_media_type_is_malformed():
    with pytest.raises(upstream.MalformedAnswer):
        upstream.standard_results(b"s\n<a>\n", "text/tab-separated-values")


def test_nodeid_iris_in_a_graph_are_blank_nodes_and_booleans_canonical():
    data = (b'<http://e/s> <http://e/p> <nodeID://b1> .\n<nodeID://b1> <http://e/q> "1"^^<' + XSD.encode() +
            b'boolean> .\n')
    triples = upstream.standard_triples(data, ox.RdfFormat.N_TRIPLES)
    assert isinstance(triples[0].object, ox.BlankNode) and triples[0].object == triples[1].subject
    assert triples[1].object == ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
