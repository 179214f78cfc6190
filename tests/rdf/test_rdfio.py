"""Reading RDF files: errors name the file, line and column; nothing is half-read."""


import pyoxigraph as ox
import pytest

from gcm_kg.rdf import rdfio
from ..support.paths import FIXTURES as SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES / "rdf"


def _load_into_a_fresh_store(path, graph="http://example.org/g"):
    store = ox.Store()
    rdfio.load_into(store, path, graph=graph)
    return list(store)


#: Both ways a file is read: parsed into Python quads, or parsed by pyoxigraph into a store.
READERS = pytest.mark.parametrize("read", [rdfio.read_quads, _load_into_a_fresh_store],
                                  ids=["read_quads", "load_into"])


@READERS
def test_malformed_turtle_error_names_file_line_and_column(read):
    path = FIXTURES / "malformed-unterminated-literal.ttl"
    with pytest.raises(rdfio.RdfFileError) as caught:
        read(path)
    error = caught.value
    assert error.path == str(path)
    assert error.line == 3
    assert str(error).startswith(f"{path}:3:")


@READERS
def test_relative_iri_in_a_file_is_an_error_not_a_file_iri(read):
    with pytest.raises(rdfio.RdfFileError) as caught:
        read(FIXTURES / "relative-iri-without-base.ttl")
    assert "relative-iri-without-base.ttl:2:" in str(caught.value)


@READERS
def test_unknown_extension_is_named(read):
    with pytest.raises(rdfio.RdfFileError, match=r"unknown RDF file extension '\.txt'"):
        read(FIXTURES / "nothing.txt")


@READERS
def test_missing_file_is_an_rdf_file_error(read):
    with pytest.raises(rdfio.RdfFileError, match="missing.ttl"):
        read(FIXTURES / "missing.ttl")


@READERS
def test_triples_go_to_the_requested_named_graph(read):
    quads = read(FIXTURES / "one-triple.ttl", graph="http://example.org/g")
    assert [q.graph_name for q in quads] == [ox.NamedNode("http://example.org/g")]


def test_a_malformed_file_adds_nothing_to_the_store():
    store = ox.Store()
    with pytest.raises(rdfio.RdfFileError):
        rdfio.load_into(store, FIXTURES / "malformed-unterminated-literal.ttl", graph="http://example.org/g")
    assert len(store) == 0  # its first, well-formed triple included


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
