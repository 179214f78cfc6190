"""Fixtures of the canned-query tests: one in-memory store of the shipped graph, and the app served
by a real HTTP server on 127.0.0.1 (session-scoped, so the graph is loaded once)."""

from __future__ import annotations

import pytest

from gcm_kg.web.app import create_app
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..live_server import LiveServer

#: A small row cap, so that paging and the cap can be tested on the small shipped graph.
MAX_ROWS = 25


@pytest.fixture(scope="session")
def canned_store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


@pytest.fixture(scope="session")
def api_base(canned_store) -> str:
    app = create_app(Settings(max_rows=MAX_ROWS), canned_store)
    with LiveServer(app) as server:
        yield server.base
