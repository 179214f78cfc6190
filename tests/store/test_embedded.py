"""The embedded store: union default graph, protocol datasets, build, read-only open."""


import pyoxigraph as ox
import pytest

from gcm_kg.store.shipped import shipped_quads
from gcm_kg.rdf import rdfio
from gcm_kg.sparql.model import Dataset, NotAcceptable, QuerySyntaxError
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.base import StoreOpenError
from gcm_kg.store.build import build_store, recorded_counts
from ..support.paths import FIXTURES as SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES / "rdf"
EX = "http://example.org/"


@pytest.fixture(scope="module")
def two_graph_store() -> EmbeddedStore:
    store = ox.Store()
    for name in ("g1", "g2"):
        store.add(ox.Quad(ox.NamedNode(EX + name), ox.NamedNode(EX + "p"), ox.Literal(name), ox.NamedNode(EX + name)))
    return EmbeddedStore(store)


def test_default_graph_is_the_union_of_all_graphs(two_graph_store):
    rows = list(two_graph_store.query("SELECT ?o { ?s ?p ?o } ORDER BY ?o"))
    assert [r["o"].value for r in rows] == ["g1", "g2"]


def test_named_graphs_stay_addressable(two_graph_store):
    rows = list(two_graph_store.query(f"SELECT ?o {{ GRAPH <{EX}g2> {{ ?s ?p ?o }} }}"))
    assert [r["o"].value for r in rows] == ["g2"]


def test_protocol_dataset_replaces_the_union(two_graph_store):
    result = two_graph_store.query("SELECT ?o { ?s ?p ?o }", dataset=Dataset(default_graph_uris=(EX + "g1",)))
    assert [r["o"].value for r in result] == ["g1"]


def test_relative_iris_resolve_against_the_service_base(two_graph_store):
    output = two_graph_store.execute("CONSTRUCT { <s> <p> 1 } WHERE {}", accept="application/n-triples")
    assert b"<https://w3id.org/gcm-kg/s>" in output.body


def test_execute_negotiates_and_refuses_what_cannot_carry_a_boolean(two_graph_store):
    assert two_graph_store.execute("ASK {}", accept="application/sparql-results+xml").media_type \
        == "application/sparql-results+xml"
    with pytest.raises(NotAcceptable):
        two_graph_store.execute("ASK {}", accept="text/csv")


def test_syntax_error_keeps_the_parser_position(two_graph_store):
    with pytest.raises(QuerySyntaxError, match=r"1:\d+"):
        two_graph_store.execute("SELECT * { ?s ?p }")


def test_counts_per_graph(two_graph_store):
    counts = two_graph_store.counts()
    assert counts.triples == 2
    assert counts.graphs == {EX + "g1": 1, EX + "g2": 1}


def test_in_memory_store_holds_every_shipped_quad():
    store = EmbeddedStore.in_memory()
    assert store.counts().triples == len(set(shipped_quads()))


def test_build_then_open_read_only(tmp_path):
    built = build_store(tmp_path / "store", [FIXTURES / "one-triple.ttl"])
    assert built.counts().graphs["https://w3id.org/gcm-kg/graph/extra/one-triple"] == 1
    reopened = EmbeddedStore.open_read_only(tmp_path / "store")
    assert reopened.counts().triples == built.counts().triples


def test_build_records_counts_that_hold_only_while_the_files_are_unchanged(tmp_path):
    built = build_store(tmp_path / "store", [FIXTURES / "one-triple.ttl"])
    counts = recorded_counts(tmp_path / "store")
    assert counts == built.counts()
    reopened = EmbeddedStore.open_read_only(tmp_path / "store")  # reading changes no file
    assert len(reopened.store) == counts.triples
    assert recorded_counts(tmp_path / "store") == counts
    table = max((tmp_path / "store").glob("*.sst"), key=lambda p: p.stat().st_size)
    table.write_bytes(table.read_bytes())  # same bytes, rewritten: no longer the build's file
    assert recorded_counts(tmp_path / "store") is None


def test_the_build_record_is_not_trusted_for_a_store_a_writer_opened(tmp_path):
    build_store(tmp_path / "store")
    writer = ox.Store(str(tmp_path / "store"))
    del writer
    assert recorded_counts(tmp_path / "store") is None


def test_build_with_a_malformed_file_leaves_nothing_behind(tmp_path):
    with pytest.raises(rdfio.RdfFileError, match="malformed-unterminated-literal.ttl:3:"):
        build_store(tmp_path / "store", [FIXTURES / "malformed-unterminated-literal.ttl"])
    assert list(tmp_path.iterdir()) == []


def test_build_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "keep.txt").write_text("precious")
    with pytest.raises(FileExistsError):
        build_store(tmp_path / "store")
    assert (tmp_path / "store" / "keep.txt").read_text() == "precious"


def test_opening_a_missing_store_names_the_path(tmp_path):
    with pytest.raises(StoreOpenError, match=str(tmp_path / "nowhere")):
        EmbeddedStore.open_read_only(tmp_path / "nowhere")
