"""gcm_kg.web.labels: the English and Spanish labels of the reused vocabulary terms (vocabulary.ttl)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import ADMS, BASE, DQV, PREFIXES, RDF_TYPE, RDFS, VANN
from gcm_kg.core.settings import Settings
from gcm_kg.services import dataset_description as dd
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.labels import VOCABULARY_FILE, vocabulary_labels

#: Where the terms of the file may come from: the vocabularies the graph reuses, and licences.
KNOWN_NAMESPACES = tuple(ns for prefix, ns in PREFIXES.items() if not ns.startswith(BASE)) + (
    DQV, VANN, ADMS, "http://spdx.org/rdf/terms#", "https://creativecommons.org/licenses/", "http://creativecommons.org/licenses/")


@pytest.fixture(scope="module")
def shipped_store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


def test_the_file_holds_only_labels_of_iris_of_known_vocabularies():
    triples = list(ox.parse(path=VOCABULARY_FILE, format=ox.RdfFormat.TURTLE))
    assert len(triples) > 200
    for triple in triples:
        assert isinstance(triple.subject, ox.NamedNode) and triple.predicate.value == RDFS + "label", triple
        assert triple.subject.value.startswith(KNOWN_NAMESPACES), triple.subject


def test_every_label_in_the_file_has_english_and_spanish():
    labels = vocabulary_labels()
    for iri, literals in labels.items():
        assert sorted(literal.language for literal in literals) == ["en", "es"], iri
        assert all(literal.value.strip() == literal.value and literal.value for literal in literals), iri


def test_the_file_is_parsed_once():
    assert vocabulary_labels() is vocabulary_labels()


def test_every_reused_term_the_pages_show_has_a_label(shipped_store):
    """Predicates and classes of the shipped graph and of its VoID description, outside our own
    namespaces, and the vocabularies the VoID description lists: all labelled in both languages."""
    terms = {row["t"].value for row in shipped_store.query(
        "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } FILTER(isIRI(?t)) }")}
    settings = Settings()
    void = dd.void_triples(shipped_store, settings, settings.public_urls("http://localhost/"), with_validation=False)
    terms |= {t.predicate.value for t in void}
    terms |= {t.object.value for t in void if t.predicate.value == RDF_TYPE}
    terms |= {t.object.value for t in void if t.predicate.value == PREFIXES["void"] + "vocabulary"}
    reused = {t for t in terms if not t.startswith(BASE)}
    assert len(reused) > 100
    assert sorted(reused - set(vocabulary_labels())) == []
