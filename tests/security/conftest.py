"""Live endpoints on 127.0.0.1 for the hostile-input tests.

``live`` serves the shipped graph the way ``gcm-kg serve`` does — queries run in killable query
processes (:class:`~gcm_kg.store.executor.ProcessExecutor`) with a short time limit — on werkzeug's
threaded server (one process is enough here; the gunicorn worker tests are in tests/reliability).
``inprocess`` serves the same graph with queries run directly on an in-process store, so a test
can look at the very store object the views use.
"""

from __future__ import annotations

import functools
import hashlib

import pytest
import requests

from gcm_kg.web.app import create_app
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore

from ..support import live_server
from ..support.backends import open_backend

TIMEOUT = 2.0        # the query time limit of the live server, seconds
MAX_ROWS = 500
CLIENT_TIMEOUT = (5, 30)  # connect, read: no test request may hang
SPARQL_JSON = "application/sparql-results+json"
PROBLEM = "application/problem+json"


#: Hundreds of hostile requests: servers here keep the output readable.
LiveServer = functools.partial(live_server.LiveServer, quiet=True)


@pytest.fixture(scope="session")
def shipped_store():
    return EmbeddedStore.in_memory()


@pytest.fixture(scope="session")
def query_process(shipped_store):
    """The shipped graph behind a query process, as under ``gcm-kg serve``."""
    opened = open_backend("query-process", shipped_store.store, timeout=TIMEOUT, max_rows=MAX_ROWS, concurrency=3)
    yield opened.store
    opened.close()


@pytest.fixture(scope="session")
def live(query_process):
    settings = Settings(timeout=TIMEOUT, max_rows=MAX_ROWS)
    with LiveServer(create_app(settings, query_process)) as server:
        yield server


@pytest.fixture(scope="session")
def inprocess():
    """(server, store): queries run on ``store`` itself, in the server's process."""
    store = EmbeddedStore.in_memory()
    with LiveServer(create_app(Settings(timeout=TIMEOUT, max_rows=MAX_ROWS), store)) as server:
        yield server, store


def ask(url: str, query: str = "ASK { ?s ?p ?o }") -> bool:
    """The boolean a working endpoint answers (raises on anything else)."""
    response = requests.post(url, data=query.encode(), timeout=CLIENT_TIMEOUT,
                             headers={"Content-Type": "application/sparql-query", "Accept": SPARQL_JSON})
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return response.json()["boolean"]


def store_fingerprint(url: str) -> tuple[int, str]:
    """(triples, sha256) of the whole dataset as seen over HTTP: each named graph's CONSTRUCT as
    N-Triples, turned into N-Quads lines, sorted; plus the union default graph."""
    graphs = requests.post(url, data=b"SELECT DISTINCT ?g { GRAPH ?g { } }", timeout=CLIENT_TIMEOUT,
                           headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"})
    assert graphs.status_code == 200, graphs.text
    names = sorted(line for line in graphs.text.splitlines()[1:] if line)
    lines = []
    for name in names + [None]:
        query = (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {name} {{ ?s ?p ?o }} }}" if name
                 else "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        response = requests.post(url, data=query.encode(), timeout=CLIENT_TIMEOUT,
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": "application/n-triples"})
        assert response.status_code == 200, response.text[:300]
        suffix = f" {name or '<union>'} ."
        lines += [line[:-2] + suffix for line in response.text.splitlines() if line.endswith(" .")]
    lines.sort()
    union = sum(1 for line in lines if line.endswith(" <union> ."))
    return union, hashlib.sha256("\n".join(lines).encode()).hexdigest()


def local_fingerprint(store: EmbeddedStore) -> tuple[int, str]:
    """(quads, sha256 of the sorted N-Quads) of a store object, read directly."""
    lines = sorted(str(quad) for quad in store.store.quads_for_pattern(None, None, None, None))
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()


def is_problem(response: requests.Response) -> bool:
    """A 4xx that explains itself (problem JSON with a detail, or a non-empty text)."""
    if not 400 <= response.status_code < 500:
        return False
    if response.headers.get("Content-Type", "").startswith(PROBLEM):
        body = response.json()
        return body.get("status") == response.status_code and bool(str(body.get("detail", "")).strip())
    return bool(response.text.strip())


