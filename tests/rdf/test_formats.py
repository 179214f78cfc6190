"""The format registry: built over pyoxigraph's own format objects, and the views the service
negotiates with."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.rdf import formats

EVERY = formats.RESULTS + formats.RDF


@pytest.mark.parametrize("f", EVERY, ids=lambda f: f.label)
def test_media_type_and_extension_are_pyoxigraph_s(f):
    kind = type(f.oxigraph)
    assert kind.from_media_type(f.media_type) == f.oxigraph and ";" not in f.media_type
    assert kind.from_extension(f.extension) == f.oxigraph
    assert f.names[0] == f.extension and f.extensions[0] == f.extension


@pytest.mark.parametrize("f", [f for f in EVERY if f.aliases], ids=lambda f: f.label)
def test_aliases_name_the_same_format_for_pyoxigraph_too(f):
    assert all(type(f.oxigraph).from_media_type(alias) == f.oxigraph for alias in f.aliases)


def test_short_names_are_unique_within_results_and_within_rdf():
    for among in (formats.RESULTS, formats.RDF):
        names = [name for f in among for name in f.names]
        assert len(names) == len(set(names))


def test_a_short_name_may_mean_a_results_and_an_rdf_format():
    assert formats.named("JSON", formats.RESULTS).oxigraph == ox.QueryResultsFormat.JSON
    assert formats.named(" json", formats.RDF).oxigraph == ox.RdfFormat.JSON_LD
    assert formats.named("srx", formats.RDF) is None


def test_select_keeps_the_order_asked_for_and_refuses_unknown_names():
    assert [f.media_type for f in formats.select(formats.RDF, "nq", "ttl").values()] == \
        ["application/n-quads", "text/turtle"]
    with pytest.raises(KeyError, match="nope"):
        formats.select(formats.RDF, "ttl", "nope")


def test_negotiation_tables_put_the_default_first_and_aliases_after_every_own_media_type():
    for table, first in ((formats.RESULTS_FORMATS, "application/sparql-results+json"),
                         (formats.BOOLEAN_FORMATS, "application/sparql-results+json"),
                         (formats.GRAPH_FORMATS, "text/turtle")):
        keys = list(table)
        assert keys[0] == first
        own = [key for key in keys if table[key].media_type == key]
        assert keys[:len(own)] == own
    assert formats.RESULTS_FORMATS["application/json"].oxigraph == ox.QueryResultsFormat.JSON
    assert formats.GRAPH_FORMATS["application/json"].oxigraph == ox.RdfFormat.JSON_LD
    assert formats.GRAPH_FORMATS["text/plain"].oxigraph == ox.RdfFormat.N_TRIPLES


def test_booleans_only_in_json_and_xml():
    """SPARQL 1.1 Query Results CSV and TSV §1: no boolean (pyoxigraph writes a bare 'true')."""
    assert {f.oxigraph for f in formats.BOOLEAN_FORMATS.values()} == {ox.QueryResultsFormat.JSON,
                                                                      ox.QueryResultsFormat.XML}


@pytest.mark.parametrize("f", formats.RESULTS, ids=lambda f: f.label)
def test_lossless_formats_give_back_the_terms_they_were_given(f):
    query = """SELECT ?iri ?blank ?typed ?tagged { BIND(<http://example.org/a> AS ?iri) BIND(BNODE("b") AS ?blank)
               BIND(42 AS ?typed) BIND("x\ty\\n"@en AS ?tagged) }"""
    written = ox.Store().query(query).serialize(format=f.oxigraph)
    if not f.lossless:  # pyoxigraph will not even read CSV back
        with pytest.raises(SyntaxError, match="lossy"):
            ox.parse_query_results(written, format=f.oxigraph)
        return
    [original] = list(ox.Store().query(query))
    [back] = list(ox.parse_query_results(written, format=f.oxigraph))
    assert [back[v] for v in ("iri", "typed", "tagged")] == [original[v] for v in ("iri", "typed", "tagged")]
    assert isinstance(back["blank"], ox.BlankNode)


def test_only_n_quads_and_trig_name_graphs():
    assert [f.extension for f in formats.RDF if f.names_graphs] == ["nq", "trig"]
    assert all(f.is_graph for f in formats.RDF) and not any(f.is_graph for f in formats.RESULTS)


def test_format_iris_are_w3c_s():
    """http://www.w3.org/ns/formats/ — where pyoxigraph's JSON-LD IRI differs, the registered one."""
    assert all(f.iri.startswith("http://www.w3.org/ns/formats/") for f in EVERY)
    assert formats.named("jsonld", formats.RDF).iri == "http://www.w3.org/ns/formats/JSON-LD"
    assert formats.named("csv", formats.RESULTS).iri == ox.QueryResultsFormat.CSV.iri


def test_file_extensions():
    assert formats.for_extension(".OWL").oxigraph == ox.RdfFormat.RDF_XML
    assert formats.for_extension("trig").oxigraph == ox.RdfFormat.TRIG
    assert formats.for_extension("txt") is None and formats.for_extension("srj") is None


def test_of_finds_the_entry_of_a_pyoxigraph_format():
    assert formats.of(ox.RdfFormat.TURTLE).names == ("ttl", "turtle")
    with pytest.raises(KeyError):
        formats.of(ox.RdfFormat.N3)


@pytest.mark.parametrize("media_type, header", [("text/csv", "text/csv; charset=utf-8"),
                                                ("application/sparql-results+json",
                                                 "application/sparql-results+json; charset=utf-8"),
                                                ("application/n-quads", "application/n-quads; charset=utf-8"),
                                                ("application/gzip", "application/gzip")])
def test_content_type_says_utf_8_for_text(media_type, header):
    assert formats.content_type(media_type) == header
