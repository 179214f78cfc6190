"""A real second SPARQL engine for the remote-store tests: ``oxigraph serve`` on 127.0.0.1.

``gcm_upstream`` holds the shipped graph, loaded by ``gcm_kg.services.load.load`` (what ``gcm-kg
load`` runs) through the Graph Store Protocol. (The protocol, linked-data and canned suites run on
a remote store too, through :mod:`tests.support.backends`.)
"""

from __future__ import annotations

import functools

import pytest

from gcm_kg.web.app import create_app
from gcm_kg.store.remote import RemoteStore
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..support.live_server import LiveServer
from ..support.oxigraph_server import shipped_graph_server

#: A gcm-kg app for the parity tests: many requests, kept alive.
AppServer = functools.partial(LiveServer, quiet=True, keep_alive=True)


# -- the shipped graph on oxigraph serve -----------------------------------------------------------

@pytest.fixture(scope="session")
def gcm_upstream():
    with shipped_graph_server() as server:
        yield server


@pytest.fixture(scope="session")
def embedded_store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


@pytest.fixture(scope="session")
def embedded_base(embedded_store):
    server = AppServer(create_app(Settings(max_body_bytes=200_000), embedded_store))
    yield server.base
    server.close()


@pytest.fixture(scope="session")
def remote_store(gcm_upstream) -> RemoteStore:
    store = RemoteStore(gcm_upstream.query_url, timeout=30.0, max_rows=Settings().max_rows)
    yield store
    store.close()


@pytest.fixture(scope="session")
def remote_base(remote_store):
    server = AppServer(create_app(Settings(max_body_bytes=200_000), remote_store))
    yield server.base
    server.close()
