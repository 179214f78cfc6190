"""Fixtures of the client tests: gcm-kg served for real on 127.0.0.1 (a small row cap, so that the
client has to follow pages), and ``oxigraph serve`` holding the same graph as another SPARQL 1.1
engine."""

from __future__ import annotations

import pytest

from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app
from gcm_kg.web.views.search import search_index

from ..support.live_server import LiveServer
from ..support.oxigraph_server import shipped_graph_server

#: Rows per page: small enough that the shipped coverage matrix (42 rows) takes several pages.
MAX_ROWS = 10


@pytest.fixture(scope="session")
def gcm_server():
    app = create_app(Settings(max_rows=MAX_ROWS), EmbeddedStore.in_memory())
    assert search_index(app).wait(60)
    with LiveServer(app, quiet=True) as server:
        yield server


@pytest.fixture(scope="session")
def oxigraph_upstream():
    with shipped_graph_server() as server:
        yield server
