"""services.dataset_description as plain functions: the VoID / DCAT description of the store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import DCAT, VOID
from gcm_kg.core.settings import Settings
from gcm_kg.rdf import export
from gcm_kg.services import dataset_description as dd
from gcm_kg.store.embedded import EmbeddedStore

ROOT = "https://example.org/kg/"


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


@pytest.fixture(scope="module")
def void(store) -> list[ox.Triple]:
    settings = Settings()
    return dd.void_triples(store, settings, settings.public_urls(ROOT), with_validation=False)


def objects(triples, predicate: str) -> list:
    return [t.object for t in triples if t.predicate.value == predicate]


def test_counts_are_the_stores(store, void):
    dataset = ox.NamedNode(dd.dataset_iri(Settings()))
    (triples,) = [t.object for t in void if t.subject == dataset and t.predicate.value == VOID + "triples"]
    assert int(triples.value) == store.counts().triples
    subsets = {t.object for t in void if t.subject == dataset and t.predicate.value == VOID + "subset"}
    assert {s.value for s in subsets} == set(store.counts().graphs)


def test_endpoint_and_dumps_are_under_the_public_root(void):
    assert [o.value for o in objects(void, VOID + "sparqlEndpoint")] == [ROOT + "sparql"]
    dumps = [o.value for o in objects(void, VOID + "dataDump")]
    assert len(dumps) == len(export.DUMP_FORMATS) and all(d.startswith(ROOT + "download/") for d in dumps)
    downloads = [o.value for o in objects(void, DCAT + "downloadURL")]
    assert downloads and all(d.startswith(ROOT + "download/") for d in downloads)


def test_each_distribution_states_the_checksum_of_the_bytes_served(store):
    publication = dd.publication(store)
    for dump in publication.dumps(Settings().public_urls(ROOT)):
        name = dump["name"]
        fmt = name.rsplit(".", 1)[1]
        assert dump["sha256"] == export.sha256(export.dump_bytes(export.store_quads(store), fmt))
