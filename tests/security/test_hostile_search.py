"""Hostile full-text searches against a live server over HTTP (queries in the query process, as
under ``gcm-kg serve``): FTS5 syntax, quotes, ``*`` alone, 10 kB strings, NUL, bytes that are not
UTF-8. Each gets a 400 problem with a message or an ordinary (maybe empty) result, never a 5xx,
and the server keeps answering."""

from __future__ import annotations

import time

import pytest
import requests

from .conftest import CLIENT_TIMEOUT, PROBLEM, is_problem

HOSTILE_SEARCHES = [
    "*", "**", '"', '""', '"""', "'", "-", "^", "(", ")", "NEAR(", "NEAR(migration detention, 2)",
    "migration OR", "AND", "NOT migration", "text:migration", "{text iri}: migration", "iri:x",
    "migration*  *", '"unclosed phrase', 'mi"gra"tion', "x" * 10_000, "migration " * 1_000,
    "migration\x00", "\x00", "\x1b[2J", "'; DROP TABLE texts; --", "%", "\\", "\u202emigration",
    "😀" * 100, "ﬁ ß İ", "a\u0301",
]
#: Raw query strings, percent-encoded the way a hostile client may send them.
HOSTILE_RAW = ["q=%FF%FE", "q=%C0%80", "q=%00", "q=" + "%E2%80%AE" * 500, "q=migration&q=x", "q", "q=&kind=",
               "q=migration&kind=" + "a," * 2_000, "q=migration&limit=99999999999", "q=migration&offset=1e3",
               "q=migration&lang=en-x-" + "a" * 500, "q=migration&theme=%00", "q=migration&objective=<>"]


@pytest.fixture(scope="module")
def searchable(live):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the index is built in the background at start
        ready = requests.get(live.base + "/ready", timeout=CLIENT_TIMEOUT)
        if ready.status_code == 200 and ready.json().get("search") == "ready":
            return live.base
        time.sleep(0.2)
    pytest.fail("the search index was not built within 60 s")


def _answered(response: requests.Response) -> bool:
    if response.status_code == 200:
        body = response.json()
        return set(body) == {"query", "total", "results"} and body["total"] >= 0
    return is_problem(response) and response.headers["Content-Type"].startswith(PROBLEM)


@pytest.mark.parametrize("text", HOSTILE_SEARCHES, ids=[repr(t[:20]) for t in HOSTILE_SEARCHES])
def test_a_hostile_search_is_a_400_or_a_result(searchable, text):
    response = requests.get(searchable + "/api/search", params={"q": text}, timeout=CLIENT_TIMEOUT)
    assert _answered(response), (response.status_code, response.text[:300])
    page = requests.get(searchable + "/search", params={"q": text}, timeout=CLIENT_TIMEOUT)
    assert page.status_code in (200, 400) and page.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("raw", HOSTILE_RAW, ids=[repr(r[:24]) for r in HOSTILE_RAW])
def test_hostile_parameters_are_a_400_or_a_result(searchable, raw):
    response = requests.get(searchable + "/api/search?" + raw, timeout=CLIENT_TIMEOUT)
    assert _answered(response), (response.status_code, response.text[:300])


def test_the_server_still_searches_afterwards(searchable):
    response = requests.get(searchable + "/api/search", params={"q": "migracion"}, timeout=CLIENT_TIMEOUT)
    assert response.status_code == 200 and response.json()["total"] > 0
