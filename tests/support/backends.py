"""One way to put a dataset behind the service on each kind of store, for suites that run on all.

``open_backend(kind, store)`` returns a :class:`~gcm_kg.store.base.GraphStore` holding the quads of
the pyoxigraph ``store``:

* ``embedded``: an :class:`~gcm_kg.store.embedded.EmbeddedStore` in this process (what
  ``create_app`` builds by default); it cannot stop a query at the time limit, so tests marked
  ``needs_time_limit`` are skipped on it;
* ``query-process``: a :class:`~gcm_kg.store.executor.ProcessExecutor`, as under ``gcm-kg serve``;
* ``remote``: a :class:`~gcm_kg.store.remote.RemoteStore` in front of ``oxigraph serve`` holding the
  same graphs (PUT one by one through the Graph Store Protocol);
* ``virtuoso``: a :class:`~gcm_kg.store.remote.RemoteStore` in front of Virtuoso (Debian's
  ``virtuoso-opensource``) holding the same graphs, loaded as its DBA through the
  Digest-authenticated Graph Store, as ``gcm-kg load --auth`` does.

The suites parametrise their session fixtures over :data:`BACKENDS` with :func:`backend_params`,
so each of their tests runs once per backend, with the test id showing which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import pyoxigraph as ox
import pytest

from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.executor import ProcessExecutor
from gcm_kg.store.remote import RemoteStore

from .oxigraph_server import OxigraphServer
from .virtuoso_server import VirtuosoServer

BACKENDS = ("embedded", "query-process", "remote", "virtuoso")

#: What a query that fails while running, or that is cut at the time limit, answers on each
#: backend: the remote engine's failure is a bad gateway, its missed deadline a gateway timeout.
FAILURE_STATUS = {"embedded": 500, "query-process": 500, "remote": 502, "virtuoso": 502}
TIMEOUT_STATUS = {"embedded": None, "query-process": 503, "remote": 504, "virtuoso": 504}


def backend_params(kinds: tuple[str, ...] = BACKENDS) -> list:
    return [pytest.param(kind, id=kind) for kind in kinds]


@dataclass
class Backend:
    kind: str
    store: object
    _closers: list[Callable[[], None]] = field(default_factory=list)

    def close(self) -> None:
        for close in reversed(self._closers):
            close()


def open_backend(kind: str, store: ox.Store, *, timeout: float, max_rows: int | None,
                 concurrency: int = 4) -> Backend:
    """``store``'s quads behind a store of ``kind`` (see the module docstring)."""
    if kind == "embedded":
        return Backend(kind, EmbeddedStore(store, max_rows=max_rows))
    if kind == "query-process":
        executor = ProcessExecutor(EmbeddedStore(store), timeout=timeout, max_rows=max_rows, concurrency=concurrency)
        return Backend(kind, executor, [executor.close])
    if kind in ("remote", "virtuoso"):
        server = OxigraphServer() if kind == "remote" else VirtuosoServer()
        backend = Backend(kind, None, [server.cleanup])
        try:
            server.start()
            server.put_graphs(store)
            backend.store = RemoteStore(server.query_url, timeout=timeout, max_rows=max_rows)
        except BaseException:
            backend.close()
            raise
        backend._closers.append(backend.store.close)
        backend.upstream = server
        return backend
    raise ValueError(f"unknown backend {kind!r} (known: {', '.join(BACKENDS)})")
