"""A real gcm-kg server on 127.0.0.1 (werkzeug, in a thread) for the linked-data tests, over the
shipped graph on each kind of store (:mod:`tests.support.backends`)."""

from __future__ import annotations


import pyoxigraph as ox
import pytest
import requests

from gcm_kg.rdf import rdfio
from gcm_kg.rdf import resources
from gcm_kg.web.app import create_app
from gcm_kg.core.namespaces import ID
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..support.backends import backend_params, open_backend
from ..support.live_server import LiveServer


def minted_subjects() -> list[str]:
    """Every IRI under https://w3id.org/gcm-kg/id/ that a file of data/ states something about."""
    subjects = set()
    for path in resources.rdf_files("data"):
        for quad in rdfio.read_quads(path):
            if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(ID):
                subjects.add(quad.subject.value)
    return sorted(subjects)


@pytest.fixture(scope="session", params=backend_params())
def backend_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def ld_store(backend_kind):
    opened = open_backend(backend_kind, EmbeddedStore.in_memory().store, timeout=30.0, max_rows=Settings().max_rows)
    yield opened.store
    opened.close()


@pytest.fixture(scope="session")
def ld_server(ld_store):
    """Base URL (no trailing slash) of a live server over the shipped graph."""
    app = create_app(Settings(max_body_bytes=200_000), ld_store)
    with LiveServer(app, quiet=True, keep_alive=True) as server:  # thousands of requests
        yield server.base


@pytest.fixture(scope="session")
def http():
    with requests.Session() as session:
        yield session
