"""gcm_kg.rdf.diff: statements added and removed between two dumps, grouped by entity; blank
nodes compare by structure; quads when both sides name graphs."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest

from gcm_kg.rdf import diff
from gcm_kg.rdf.rdfio import RdfFileError
from gcm_kg.rdf.releases import write_release
from tests.support.paths import FIXTURES

HERE = FIXTURES / "diff"
ID = "https://w3id.org/gcm-kg/id/"


def _compare(old: str, new: str) -> diff.Diff:
    return diff.compare(diff.read_side(str(HERE / old)), diff.read_side(str(HERE / new)))


def test_a_changed_label_and_a_changed_quote_in_a_blank_node_are_grouped_by_the_entity_they_describe():
    result = _compare("objective-before.ttl", "objective-after-label-and-quote-changed.ttl")
    assert set(result.added) == set(result.removed) == {ID + "objective/1", ID + "annotation/1"}
    assert [q.object.value for q in result.added[ID + "objective/1"]] == ["Collect and utilize accurate data"]
    assert [q.object.value for q in result.removed[ID + "objective/1"]] == ["Collect data"]
    # the blank-node chain annotation → target → selector belongs to the annotation: all of it differs
    assert {q.object.value for q in result.added[ID + "annotation/1"] if isinstance(q.object, ox.Literal)} == {"new quote"}
    assert len(result.added[ID + "annotation/1"]) == len(result.removed[ID + "annotation/1"]) == 3
    assert ID + "objective/2" not in result.added and not result.empty


def test_blank_nodes_labelled_differently_in_another_syntax_are_no_change():
    assert _compare("objective-before.ttl", "objective-before-blank-nodes-relabelled.nt").empty


def test_the_text_report_counts_and_lists_minus_and_plus_lines_under_each_entity():
    text = diff.as_text(_compare("objective-before.ttl", "objective-after-label-and-quote-changed.ttl"))
    lines = text.splitlines()
    assert lines[2] == "4 statements added, 4 removed, in 2 entities (compared as triples of the union graph)"
    at = lines.index(f"<{ID}objective/1>")
    assert lines[at + 1] == f'  - <{ID}objective/1> <http://www.w3.org/2004/02/skos/core#prefLabel> "Collect data"@en .'
    assert lines[at + 2].startswith(f"  + <{ID}objective/1> ") and "Collect and utilize" in lines[at + 2]


def test_the_rdf_report_is_trig_with_an_added_and_a_removed_graph():
    result = _compare("objective-before.ttl", "objective-after-label-and-quote-changed.ttl")
    quads = list(ox.parse(diff.as_rdf(result), format=ox.RdfFormat.TRIG))
    by_graph = {g: {q.object.value for q in quads if q.graph_name.value == g and isinstance(q.object, ox.Literal)}
                for g in (diff.ADDED_GRAPH, diff.REMOVED_GRAPH)}
    assert by_graph == {diff.ADDED_GRAPH: {"Collect and utilize accurate data", "new quote"},
                        diff.REMOVED_GRAPH: {"Collect data", "old quote"}}
    assert len(quads) == 8


def test_quads_compare_with_their_graph_when_both_sides_name_graphs():
    moved = _compare("objective-in-first-graph.nq", "objective-moved-to-another-graph.nq")
    assert moved.as_quads and moved.count(moved.added) == moved.count(moved.removed) == 1
    assert " <https://w3id.org/gcm-kg/graph/a> ." in diff.as_text(moved)
    # against a triple format, the union graph is compared: the statement is still there
    against_triples = diff.compare(diff.read_side(str(HERE / "objective-in-first-graph.nq")),
                                   diff.read_side(str(HERE / "objective-before.ttl")))
    assert not against_triples.as_quads and against_triples.removed == {}


def test_gzipped_dumps_release_folders_and_release_versions_are_read(tmp_path):
    quads = diff.read_side(str(HERE / "objective-before.ttl")).quads
    gz = tmp_path / "before.ttl.gz"
    gz.write_bytes(gzip.compress((HERE / "objective-before.ttl").read_bytes()))
    release = write_release("1.2.3", quads, tmp_path / "releases")
    from_gz = diff.read_side(str(gz))
    from_folder = diff.read_side(str(release.folder))
    from_version = diff.read_side("1.2.3", releases_root=tmp_path / "releases")
    assert from_folder.names_graphs and from_folder.name == "release 1.2.3" == from_version.name
    assert diff.compare(from_gz, from_folder).empty and diff.compare(from_version, from_gz).empty


@pytest.mark.parametrize("name, message", [("missing.ttl", "No such file"), ("notes.txt", "unknown RDF file extension"),
                                           ("9.9.9", "no published release 9.9.9")])
def test_what_cannot_be_read_is_an_rdf_file_error_naming_it(tmp_path, name, message):
    (tmp_path / "notes.txt").write_text("hello")
    target = name if name == "9.9.9" else str(tmp_path / name)
    with pytest.raises(RdfFileError, match=message):
        diff.read_side(target, releases_root=tmp_path)


def test_a_file_that_is_not_gzip_behind_a_gz_name_is_an_rdf_file_error(tmp_path):
    fake = tmp_path / "dump.nt.gz"
    fake.write_bytes(b"<a:b> <a:c> <a:d> .\n")
    with pytest.raises(RdfFileError, match="not a gzip file"):
        diff.read_side(str(fake))
