"""Fixtures of the canned-query tests: the shipped graph on each kind of store
(:mod:`tests.support.backends`), and the app served over it by a real HTTP server on 127.0.0.1
(session-scoped, so each backend is set up once)."""

from __future__ import annotations

import pytest

from gcm_kg.web.app import create_app
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..support.backends import backend_params, open_backend
from ..support.live_server import LiveServer

#: A small row cap, so that paging and the cap can be tested on the small shipped graph.
MAX_ROWS = 25


@pytest.fixture(scope="session", params=backend_params())
def backend_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def canned_store(backend_kind):
    """The shipped graph on ``backend_kind`` (time limit generous: these queries are all quick)."""
    opened = open_backend(backend_kind, EmbeddedStore.in_memory().store, timeout=30.0, max_rows=None)
    yield opened.store
    opened.close()


@pytest.fixture(scope="session")
def api_base(canned_store) -> str:
    app = create_app(Settings(max_rows=MAX_ROWS), canned_store)
    with LiveServer(app) as server:
        yield server.base
