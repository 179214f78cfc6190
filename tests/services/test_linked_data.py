"""services.linked_data as plain functions: paths ↔ IRIs, format choice, and what a document holds."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.services import linked_data as ld
from gcm_kg.store.embedded import EmbeddedStore

from ..support.paths import FIXTURES

BASE = "https://example.org/"
THING = BASE + "id/thing"


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    graph = ox.Store()
    graph.load(path=str(FIXTURES / "linked_data" / "thing-with-blank-node-and-incoming-link.ttl"),
               format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("https://example.org/graph/g"))
    return EmbeddedStore(graph)


@pytest.mark.parametrize("accept, expected", [
    (None, ("ttl", True)),                                    # no Accept means */*: Turtle
    ("*/*", ("ttl", True)),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", ("html", True)),  # a browser
    ("application/ld+json", ("jsonld", True)),
    ("application/json", ("jsonld", True)),
    ("application/n-triples;q=0.5, application/rdf+xml", ("rdf", True)),
    ("image/png", ("ttl", False)),                            # nothing we write: Turtle anyway
])
def test_choose_extension(accept, expected):
    assert ld.choose_extension(accept) == expected


@pytest.mark.parametrize("path, expected", [
    ("objective/9.ttl", ("objective/9", "ttl")),
    ("objective/9.html", ("objective/9", "html")),
    ("objective/9", ("objective/9", None)),
    ("work/v1.2", ("work/v1.2", None)),        # not a document extension
    (".ttl", (".ttl", None)),                  # nothing before the dot
])
def test_split_extension(path, expected):
    assert ld.split_extension(path) == expected


def test_paths_and_iris_are_inverse_under_the_base_only():
    assert ld.path_for_iri(BASE, THING) == "/id/thing"
    assert ld.iri_for_path(BASE, "/id/thing") == THING
    assert ld.path_for_iri(BASE, "https://elsewhere.org/id/thing") is None
    assert ld.path_for_iri(BASE, BASE) is None
    assert ld.doc_path("thing", "ttl") == "/doc/thing.ttl"


def test_a_path_that_is_no_iri_names_nothing(store):
    assert ld.exists(store, THING)
    assert not ld.exists(store, BASE + "id/no such\\thing")
    assert not ld.exists(store, BASE + "id/nothing")


def test_description_holds_the_cbd_labels_of_links_incoming_links_and_the_primary_topic(store):
    triples = ld.description(store, THING, document=BASE + "doc/thing")
    subjects = {t.subject for t in triples}
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
    assert '"deepest"' in text                                   # blank nodes closed, at any depth
    assert '"The target"@en' in text and "not in the document" not in text  # only the label of a link
    assert '"The source"@en' in text and "<https://example.org/id/pointsAt>" in text  # incoming, labelled
    assert "Nothing to do with the thing" not in text
    assert ox.NamedNode(BASE + "doc/thing") in subjects
    assert ox.Triple(ox.NamedNode(BASE + "doc/thing"), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"),
                     ox.NamedNode(THING)) in triples
    assert len(triples) == len(set(triples))                     # no duplicates


def test_turtle_gets_one_prefix_per_kind_of_instance():
    objective, question = ox.NamedNode(BASE + "id/objective/9"), ox.NamedNode(BASE + "id/question/q-1")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    triples = [ox.Triple(question, ox.NamedNode("https://example.org/about"), objective),
               ox.Triple(objective, label, ox.Literal("Nine"))]
    assert ld.kind_prefixes(triples, BASE + "id/") == {"objective": BASE + "id/objective/",
                                                       "question": BASE + "id/question/"}
    turtle = ld.serialize(triples, "ttl", id_namespace=BASE + "id/").decode()
    assert "objective:9" in turtle and "question:q-1" in turtle and "rdfs:label" in turtle
    assert {q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)} == set(triples)
    with pytest.raises(ValueError):
        ld.serialize(triples, "html")


# -- the root and the named graphs ------------------------------------------------------------------

@pytest.mark.parametrize("accept, expected", [
    (None, "html"),                                           # the landing page, as always
    ("*/*", "html"),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle", "ttl"),                                   # an RDF client: the dataset's description
    ("application/ld+json", "jsonld"),
    ("application/rdf+xml, text/html;q=0.5", "rdf"),
    ("text/turtle;q=0.5, text/html", "html"),
    ("text/turtle, text/html", "html"),                       # equal weights: the page
    ("image/png", "html"),
])
def test_choose_root_extension(accept, expected):
    assert ld.choose_root_extension(accept) == expected


def test_graph_paths_and_iris():
    assert ld.graph_iri(BASE, "gcm/objectives") == BASE + "graph/gcm/objectives"
    assert ld.graph_path("gcm/objectives") == "/graph/gcm/objectives"
    assert ld.graph_path("gcm/objectives", "ttl") == "/graph/gcm/objectives.ttl"


def test_a_graph_document_says_what_the_graph_is_then_holds_its_statements(store):
    graph, dataset, doc = BASE + "graph/g", BASE + "id/dataset/d", BASE + "graph/g.ttl"
    size = ld.named_graph_sizes(store)[graph]
    triples = ld.graph_description(store, graph, dataset, size, doc)
    g = ox.NamedNode(graph)
    assert ox.Triple(g, ox.NamedNode(ld.RDF_TYPE), ox.NamedNode(ld.SD + "NamedGraph")) in triples
    assert ox.Triple(g, ox.NamedNode(ld.SD + "name"), g) in triples
    assert ox.Triple(ox.NamedNode(dataset), ox.NamedNode(ld.VOID + "subset"), g) in triples
    assert ox.Triple(ox.NamedNode(doc), ox.NamedNode(ld.FOAF + "primaryTopic"), g) in triples
    stated = list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))
    assert size == len(stated) > 0
    count = [t.object.value for t in triples if t.subject == g and t.predicate.value == ld.VOID + "triples"]
    assert count == [str(size)]
    assert len(triples) == 7 + size
    assert all(any(t.subject == s.subject and t.predicate == s.predicate for t in triples) for s in stated)
