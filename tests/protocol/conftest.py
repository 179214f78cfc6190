"""A real SPARQL endpoint on 127.0.0.1 for the protocol tests, on every kind of store.

The dataset holds the W3C protocol suite's three one-triple graphs (``tests/protocol/fixtures``) as
named graphs, plus a generated graph of 300 triples that makes a 4-way self-join run for hours.
It is served on each backend of :mod:`tests.support.backends` in turn — the embedded store, the
:class:`~gcm_kg.store.executor.ProcessExecutor` (exactly as under ``gcm-kg serve``) and a
:class:`~gcm_kg.store.remote.RemoteStore` in front of ``oxigraph serve`` — with a 1 s time limit
and a 50-row cap; the HTTP server is werkzeug's threaded server. Answers that differ by design
come from ``failure_status`` and ``timeout_status``.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.core.settings import Settings
from gcm_kg.web.app import create_app

from ..support.backends import FAILURE_STATUS, TIMEOUT_STATUS, backend_params, open_backend
from ..support.live_server import LiveServer

FIXTURES = Path(__file__).parent / "fixtures"
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
GENERATED = "http://example.org/generated"
GENERATED_SIZE = 300
TIMEOUT = 1.0
MAX_ROWS = 50
MAX_BODY = 20_000


#: A local port held for the whole test session, bound but never listening: a connection to it is
#: refused at once, and no server started later in the session can take it (a port that was only
#: free when the suite started was once taken by one of the suite's own servers, which then
#: answered the "dead" SERVICE call).
_HELD = socket.socket()
_HELD.bind(("127.0.0.1", 0))


def closed_port() -> int:
    """A local port nothing listens on (a SERVICE call to it fails at once)."""
    return _HELD.getsockname()[1]


DEAD_SERVICE = f"http://127.0.0.1:{closed_port()}/sparql"


def protocol_store() -> ox.Store:
    store = ox.Store()
    for n in (1, 2, 3):
        store.load(path=str(FIXTURES / f"data{n}.nt"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(DATA_GRAPH.format(n)))
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/item/{i}"), ox.NamedNode("http://example.org/value"),
                         ox.Literal(str(i)), ox.NamedNode(GENERATED)) for i in range(GENERATED_SIZE))
    return store


@pytest.fixture(scope="session", params=backend_params())
def backend_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def backend(backend_kind):
    """The store behind ``live``: the protocol dataset on ``backend_kind``."""
    opened = open_backend(backend_kind, protocol_store(), timeout=TIMEOUT, max_rows=MAX_ROWS)
    yield opened.store
    opened.close()


@pytest.fixture(scope="session")
def settings():
    return Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, max_body_bytes=MAX_BODY, allow_service=(DEAD_SERVICE,))


@pytest.fixture(scope="session")
def timeout_status(backend_kind) -> int | None:
    """A query stopped at the time limit: 503, or 504 when a remote engine missed the deadline."""
    return TIMEOUT_STATUS[backend_kind]


@pytest.fixture(scope="session")
def failure_status(backend_kind) -> int:
    """A query that fails while running: 500, or 502 when it failed inside a remote engine."""
    return FAILURE_STATUS[backend_kind]


@pytest.fixture(scope="session")
def live(backend, settings):
    with LiveServer(create_app(settings, backend)) as server:
        yield server
