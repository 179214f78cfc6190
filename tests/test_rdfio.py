"""Reading RDF files: errors name the file, line and column; nothing is half-read."""

from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg import rdfio

FIXTURES = Path(__file__).parent / "fixtures" / "rdf"


def test_malformed_turtle_error_names_file_line_and_column():
    path = FIXTURES / "malformed-unterminated-literal.ttl"
    with pytest.raises(rdfio.RdfFileError) as caught:
        rdfio.read_quads(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3:")


def test_relative_iri_in_a_file_is_an_error_not_a_file_iri():
    with pytest.raises(rdfio.RdfFileError) as caught:
        rdfio.read_quads(FIXTURES / "relative-iri-without-base.ttl")
    assert "relative-iri-without-base.ttl:2:" in str(caught.value)


def test_unknown_extension_is_named():
    with pytest.raises(rdfio.RdfFileError, match=r"unknown RDF file extension '\.txt'"):
        rdfio.read_quads(FIXTURES / "nothing.txt")


def test_missing_file_is_an_rdf_file_error():
    with pytest.raises(rdfio.RdfFileError, match="missing.ttl"):
        rdfio.read_quads(FIXTURES / "missing.ttl")


def test_triples_go_to_the_requested_named_graph():
    quads = rdfio.read_quads(FIXTURES / "one-triple.ttl", graph="http://example.org/g")
    assert [q.graph_name for q in quads] == [ox.NamedNode("http://example.org/g")]


def test_shipped_files_are_assigned_graphs_by_folder():
    pairs = rdfio.shipped_files()
    assert pairs, "no shipped RDF files found"
    for path, graph in pairs:
        if "ontology" in path.parts:
            assert graph == "https://w3id.org/gcm-kg/graph/ontology"
        elif "shapes" in path.parts:
            assert graph == "https://w3id.org/gcm-kg/graph/shapes"
        else:  # data/x/y.ttl -> graph/x/y
            relative = path.as_posix().split("/data/", 1)[1].rsplit(".", 1)[0]
            assert graph == "https://w3id.org/gcm-kg/graph/" + relative
