"""``oxigraph serve`` (PyPI ``oxigraph``) on 127.0.0.1 as a real second SPARQL engine for the tests.

Started with ``--union-default-graph`` (gcm-kg's default graph is the union of its graphs) and
``--timeout-s`` a little above the tests' own limits, so a runaway query cut at our deadline also
stops upstream instead of burning a core for hours.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest

from gcm_kg.services.load import load

from .processes import stop_child

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
        stop_child(self.process)
        if self.process is not None and self.process.stderr:
            self.process.stderr.close()
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        if self._own_dir:
            shutil.rmtree(self.location, ignore_errors=True)

    def put_graphs(self, store: ox.Store) -> None:
        """Every named graph of ``store``, PUT one by one through the Graph Store Protocol."""
        for graph in sorted({q.graph_name.value for q in store if isinstance(q.graph_name, ox.NamedNode)}):
            self.put_graph(graph, (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))

    def put_graph(self, graph: str, triples) -> None:
        data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(self.store_url + "?graph=" + urllib.request.quote(graph, safe=""),
                                         data=data, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status in (200, 201, 204)


@contextmanager
def shipped_graph_server() -> Iterator[OxigraphServer]:
    """``oxigraph serve`` holding the shipped graph, loaded by ``gcm_kg.services.load.load`` (what
    ``gcm-kg load`` runs) through the Graph Store Protocol; removed afterwards."""
    server = OxigraphServer().start()
    try:
        results = load(server.query_url, server.store_url, progress_stream=None)
        assert all(r.ok for r in results), results
        yield server
    finally:
        server.cleanup()
