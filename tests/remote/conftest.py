"""A real second SPARQL engine for the remote-store tests: ``oxigraph serve`` on 127.0.0.1.

Two session-scoped upstream servers, each with its own temporary store:

* ``gcm_upstream``: the shipped graph, loaded by ``gcm_kg.services.load.load`` (what ``gcm-kg load``
  runs) through the Graph Store Protocol;
* ``protocol_upstream``: the protocol suite's graphs (the same data as ``tests/protocol``), so the
  protocol tests run a second time with the remote store behind ``/sparql``.

Both run with ``--union-default-graph`` (gcm-kg's default graph is the union of its graphs) and
``--timeout-s`` a little above our limit, so a runaway query we cut at our deadline also stops
upstream instead of burning a core for hours.
"""

from __future__ import annotations

import functools
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.web.app import create_app
from gcm_kg.services.load import load
from gcm_kg.store.remote import RemoteStore
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..live_server import LiveServer
from ..protocol.conftest import DEAD_SERVICE, MAX_BODY, MAX_ROWS, TIMEOUT, protocol_store

UPSTREAM_TIMEOUT_S = 5  # the upstream engine's own limit (ours, for the protocol tests, is 1 s)


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).with_name("oxigraph")
    return str(beside) if beside.exists() else shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class OxigraphServer:
    """``oxigraph serve`` in a child process with its own store directory; stopped by its PID."""

    def __init__(self, port: int | None = None, location: Path | None = None):
        binary = oxigraph_binary()
        if binary is None:
            pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
        self.binary = binary
        self.port = port or free_port()
        self._own_dir = location is None
        self.location = Path(location or tempfile.mkdtemp(prefix="gcm-kg-oxigraph-"))
        self.base = f"http://127.0.0.1:{self.port}"
        self.query_url, self.store_url = self.base + "/query", self.base + "/store"
        self.process: subprocess.Popen | None = None

    def start(self) -> "OxigraphServer":
        self.process = subprocess.Popen(
            [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}",
             "--union-default-graph", "--timeout-s", str(UPSTREAM_TIMEOUT_S)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("oxigraph serve did not answer within 20 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.location, ignore_errors=True)

    def put_graph(self, graph: str, triples) -> None:
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(self.store_url + "?graph=" + urllib.request.quote(graph, safe=""),
                                         data=data, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)


#: A gcm-kg app for the parity tests: many requests, kept alive.
AppServer = functools.partial(LiveServer, quiet=True, keep_alive=True)


# -- the shipped graph on oxigraph serve -----------------------------------------------------------

@pytest.fixture(scope="session")
def gcm_upstream():
    server = OxigraphServer().start()
    try:
        results = load(server.query_url, server.store_url, progress_stream=None)
        assert all(r.ok for r in results), results
        yield server
    finally:
        server.cleanup()


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


# -- the protocol suite's data on oxigraph serve: `live`, `executor`, `settings` as in tests/protocol --

@pytest.fixture(scope="session")
def protocol_upstream():
    server = OxigraphServer().start()
    try:
        quads = list(protocol_store())
        for graph in sorted({q.graph_name.value for q in quads}):
            server.put_graph(graph, (q.triple for q in quads if q.graph_name.value == graph))
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def executor(protocol_upstream):
    """The store behind ``live``: here a RemoteStore (the name is the protocol suite's)."""
    store = RemoteStore(protocol_upstream.query_url, timeout=TIMEOUT, max_rows=MAX_ROWS)
    yield store
    store.close()


@pytest.fixture(scope="session")
def settings():
    return Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, max_body_bytes=MAX_BODY, allow_service=(DEAD_SERVICE,))


@pytest.fixture(scope="session")
def timeout_status() -> int:
    """Past the time limit the upstream request is cut: a gateway timeout."""
    return 504


@pytest.fixture(scope="session")
def failure_status() -> int:
    """A query failing inside the upstream engine is the upstream's failure: a bad gateway."""
    return 502


@pytest.fixture(scope="session")
def live(executor, settings):
    with LiveServer(create_app(settings, executor)) as server:
        yield server

