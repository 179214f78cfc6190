"""A real SPARQL endpoint on 127.0.0.1 for the protocol tests.

The store holds the W3C protocol suite's three one-triple graphs (``tests/protocol/fixtures``) as
named graphs, plus a generated graph of 300 triples that makes a 4-way self-join run for hours.
Queries go through the :class:`~gcm_kg.store.executor.ProcessExecutor` with a 1 s time limit and a
50-row cap, exactly as under ``gcm-kg serve``; the HTTP server is werkzeug's threaded server.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.web.app import create_app
from gcm_kg.store.executor import ProcessExecutor
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..live_server import LiveServer

FIXTURES = Path(__file__).parent / "fixtures"
DATA_GRAPH = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
GENERATED = "http://example.org/generated"
GENERATED_SIZE = 300
TIMEOUT = 1.0
MAX_ROWS = 50
MAX_BODY = 20_000


def closed_port() -> int:
    """A local port nothing listens on (a SERVICE call to it fails at once)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


DEAD_SERVICE = f"http://127.0.0.1:{closed_port()}/sparql"


def protocol_store() -> ox.Store:
    store = ox.Store()
    for n in (1, 2, 3):
        store.load(path=str(FIXTURES / f"data{n}.nt"), format=ox.RdfFormat.N_TRIPLES,
                   to_graph=ox.NamedNode(DATA_GRAPH.format(n)))
    store.extend(ox.Quad(ox.NamedNode(f"http://example.org/item/{i}"), ox.NamedNode("http://example.org/value"),
                         ox.Literal(str(i)), ox.NamedNode(GENERATED)) for i in range(GENERATED_SIZE))
    return store


@pytest.fixture(scope="session")
def executor():
    executor = ProcessExecutor(EmbeddedStore(protocol_store()), timeout=TIMEOUT, max_rows=MAX_ROWS, concurrency=4)
    yield executor
    executor.close()


@pytest.fixture(scope="session")
def settings():
    return Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, max_body_bytes=MAX_BODY, allow_service=(DEAD_SERVICE,))


@pytest.fixture(scope="session")
def timeout_status() -> int:
    """A query stopped at the time limit: 503 here (the remote-store suite expects 504)."""
    return 503


@pytest.fixture(scope="session")
def failure_status() -> int:
    """A query that fails while running: 500 here (the remote-store suite expects 502)."""
    return 500


@pytest.fixture(scope="session")
def live(executor, settings):
    with LiveServer(create_app(settings, executor)) as server:
        yield server
