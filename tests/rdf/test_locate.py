"""gcm_kg.rdf.locate: the line and column where each subject is described, per RDF syntax."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.rdf import rdfio
from gcm_kg.rdf.locate import Position, index_file, index_text
from ..support.paths import FIXTURES

LOCATE = FIXTURES / "locate"
EX = "http://example.org/"


def test_turtle_subjects_after_prefixes_base_and_nesting():
    index = index_file(LOCATE / "subjects-with-prefixes-base-and-blank-nodes.ttl")
    assert index.subjects == {
        EX + "prefixed": Position(5, 1),                       # the first description counts, not line 13
        EX + "base/relative": Position(8, 1),                  # resolved against @base
        "_:labelled": Position(9, 3),                          # column after the indentation
        EX + "sparql-style/escaped/local": Position(12, 1),    # PREFIX without a dot, \/ unescaped
    }
    # Objects, terms inside strings, brackets and lists are no subjects.
    for not_a_subject in ("not-a-subject", "inside-brackets", "in-a-list", "object-of-anonymous-subject"):
        assert not index.describes(EX + not_a_subject)


def test_every_iri_subject_the_parser_finds_is_located():
    """The locator and pyoxigraph agree on the subjects of the Turtle-family fixtures."""
    for name in ("subjects-with-prefixes-base-and-blank-nodes.ttl", "graph-blocks.trig",
                 "one-statement-per-line.nt", "one-statement-per-line.nq"):
        parsed = {q.subject.value for q in rdfio.read_quads(LOCATE / name) if isinstance(q.subject, ox.NamedNode)}
        located = {key for key in index_file(LOCATE / name).subjects if not key.startswith("_:")}
        assert located == parsed, name


def test_trig_graph_names_are_not_subjects():
    index = index_file(LOCATE / "graph-blocks.trig")
    assert index.subjects == {EX + "in-graph-one": Position(4, 5), EX + "second-in-graph-one": Position(5, 5),
                              EX + "in-graph-two": Position(6, 22), EX + "in-default-graph": Position(7, 1)}


def test_n_triples_and_n_quads():
    assert index_file(LOCATE / "one-statement-per-line.nt").subjects == {
        EX + "first": Position(2, 1), EX + "indented": Position(3, 4), "_:b0": Position(4, 1)}
    assert index_file(LOCATE / "one-statement-per-line.nq").subjects == {
        EX + "first": Position(1, 1), EX + "second": Position(2, 1)}


def test_json_ld_node_objects_with_absolute_ids_only():
    index = index_file(LOCATE / "node-objects.jsonld")
    # A node object that only refers ({"@id": …} alone) describes nothing; the description does.
    assert index.find("https://example.org/described") == Position(6, 14)
    assert index.find("https://example.org/id-last") == Position(11, 55)
    assert not index.describes("https://example.org/only-referenced-here-first")
    # A compact IRI needs the @context: the file describes it, the position is not claimed.
    compact = "https://schema.org/compact-iri-needs-the-context"
    assert index.find(compact) is None and index.describes(compact)
    assert index.find("schema:compact-iri-needs-the-context") is None


def test_rdf_xml_about_attributes():
    index = index_file(LOCATE / "node-elements.rdf")
    assert index.find(EX + "typed-node?a=1&b=2") == Position(3, 3)   # &amp; read as &
    assert index.find(EX + "description") == Position(6, 3)          # the element's start
    assert not index.describes(EX + "only-a-reference")
    # Relative to xml:base: described, position not claimed.
    assert index.find(EX + "dir/relative-needs-xml-base") is None
    assert index.describes(EX + "dir/relative-needs-xml-base")


def test_columns_count_code_points_and_crlf_ends_lines():
    text = '@prefix ex: <http://example.org/> .\r\n"é" .\r\n  ex:after ex:p "ü" .\r\n'
    # (a stray literal statement is not Turtle, but the locator must not lose count on it)
    assert index_text(text, ox.RdfFormat.TURTLE).find(EX + "after") == Position(3, 3)


def test_index_follows_changes_to_the_file(tmp_path):
    path = tmp_path / "changing.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> 1 .\n")
    assert index_file(path).find(EX + "a") == Position(1, 1)
    path.write_text("\n\n<http://example.org/a> <http://example.org/p> 1 .\n")
    import os
    os.utime(path, ns=(1, 10**18))   # a new mtime even on coarse-grained file systems
    assert index_file(path).find(EX + "a") == Position(3, 1)


def test_missing_file_is_an_rdf_file_error(tmp_path):
    with pytest.raises(rdfio.RdfFileError):
        index_file(tmp_path / "missing.ttl")
