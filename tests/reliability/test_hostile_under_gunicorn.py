"""The hostile inputs of tests/security once more through gunicorn, as deployed: each gets a 4xx
(a hostile search: a 4xx or a result),
the workers that parsed them are the same processes afterwards (none died), and an oversized
request line or header is refused by gunicorn itself with a 4xx."""

from __future__ import annotations

import http.client
import time

import requests

from .conftest import CLIENT_TIMEOUT, ask
from ..security.test_hostile_search import HOSTILE_SEARCHES
from ..security.test_hostile_sparql import HOSTILE_BODIES
from ..security.test_path_traversal import SECRETS, traversal_paths


def test_hostile_queries_leave_every_worker_alive(serve):
    served = serve("--workers", "2", "--timeout", "2")
    workers = served.workers()
    for name, body in HOSTILE_BODIES.items():
        response = requests.post(served.url, data=body, timeout=CLIENT_TIMEOUT, headers={
            "Content-Type": "application/sparql-query", "Accept": "application/problem+json"})
        assert 400 <= response.status_code < 500, (name, response.status_code, response.text[:200])
    assert served.workers() == workers, served.log
    assert "Traceback" not in served.log
    assert ask(served.url).json()["boolean"] is True


def test_oversized_request_lines_and_headers_are_refused_with_4xx(serve):
    served = serve("--workers", "1")
    long_get = requests.get(served.url, params={"query": "ASK { FILTER(\"" + "x" * 20_000 + "\" != \"\") }"},
                            timeout=CLIENT_TIMEOUT)
    assert 400 <= long_get.status_code < 500
    huge_header = requests.get(served.url, params={"query": "ASK {}"}, headers={"Accept": "text/" + "x" * 20_000},
                               timeout=CLIENT_TIMEOUT)
    assert 400 <= huge_header.status_code < 500
    many = {f"X-Filler-{i}": "y" for i in range(200)}
    assert 400 <= requests.get(served.url, headers=many, timeout=CLIENT_TIMEOUT).status_code < 500
    assert ask(served.url).json()["boolean"] is True


def test_no_traversal_reaches_a_file_through_gunicorn(serve):
    """gunicorn decodes the path itself (not werkzeug's server): the same traversal set, a sample."""
    served = serve("--workers", "1")
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        for path in traversal_paths()[::7]:
            conn.putrequest("GET", path, skip_accept_encoding=True)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read().decode("utf-8", "replace")
            assert response.status < 500, (path, response.status)
            assert not any(marker in body for marker in SECRETS.values()), path
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    finally:
        conn.close()


def test_hostile_searches_leave_every_worker_alive(serve):
    """Each worker builds its search index at start; once they have, every hostile search of
    tests/security is a 400 or a result there too, and no worker died."""
    served = serve("--workers", "2", "--timeout", "2")
    workers = served.workers()
    ready_in_a_row, deadline = 0, time.monotonic() + 60
    while ready_in_a_row < 10 and time.monotonic() < deadline:  # both workers, whichever answers
        state = requests.get(served.base + "/ready", timeout=CLIENT_TIMEOUT).json().get("search")
        ready_in_a_row = ready_in_a_row + 1 if state == "ready" else 0
        time.sleep(0.05)
    assert ready_in_a_row == 10, served.log
    for text in HOSTILE_SEARCHES:
        response = requests.get(served.base + "/api/search", params={"q": text}, timeout=CLIENT_TIMEOUT)
        # 10 kB in a request line is refused by gunicorn itself (414) before it reaches the app.
        assert response.status_code == 200 or 400 <= response.status_code < 500, \
            (text[:40], response.status_code, response.text[:200])
    assert served.workers() == workers, served.log
    assert "Traceback" not in served.log
