"""Absurd Accept, Accept-Language and Origin headers get a sane answer (never a 5xx), and CORS never
grants more than the policy says: never credentials with ``*``, never an unlisted origin echoed."""

from __future__ import annotations

import pytest
import requests

from .conftest import CLIENT_TIMEOUT, MAX_ROWS, TIMEOUT, LiveServer

from gcm_kg.web.app import create_app
from gcm_kg.core.settings import Settings

PARTNER = "https://partner.example"
ROUTES = [
    "/sparql?query=ASK%20%7B%7D",
    "/sparql",
    "/",
    "/doc/objective/1",
    "/id/objective/1",
    "/ontology",
    "/shapes.ttl",
    "/.well-known/void",
    "/api/queries",
    "/download/",
    "/health",
    "/no/such/page",
]
ACCEPTS = {
    "10 kB of one type": "text/" + "x" * 10_000,
    "10 kB of ranges": ", ".join(["application/sparql-results+json;q=0.5"] * 300),
    "thousands of ranges": ",".join(f"a{i}/b{i};q=0.{i % 10}" for i in range(3000)),
    "q=NaN": "application/sparql-results+json;q=NaN, text/html;q=nan",
    "q=1e400": "text/turtle;q=1e400, application/sparql-results+json;q=-1e400",
    "q=inf and -0": "text/csv;q=inf, text/turtle;q=-0, */*;q=-inf",
    "q=garbage": "text/csv;q=, text/turtle;q=;;;, */*;q=0x1p3",
    "only commas and semicolons": ",,,;;;,;,;=,=;",
    "parameters without values": "text/turtle;;;charset;level=;=1",
    "a non-UTF-8 charset": "text/csv;charset=utf-16, application/sparql-results+json;charset=latin-1",
    "everything refused": "*/*;q=0",
    "wildcard subtype only": "*/json, */*/*, /",
    "non-ASCII (UTF-8 bytes)": "tëxt/tûrtle;q=0.9, アプリ/json".encode(),
}
LANGUAGES = {
    "10 kB": "en-" + "x" * 10_000,
    "thousands of tags": ",".join(f"x{i};q=0.{i % 10}" for i in range(2000)),
    "q=NaN and 1e400": "es;q=NaN, en;q=1e400, fr;q=-1",
    "wildcards and garbage": "*;q=0, *-*, -, ;;;, en-US-x-private-very-long-subtag",
    "non-ASCII (UTF-8 bytes)": "español, 日本語;q=0.5".encode(),
}
ORIGINS = {
    "10 kB": "https://" + "a" * 10_000 + ".example",
    "null": "null",
    "a wildcard": "*",
    "a listed origin as a suffix": "https://evil.example" + ".partner.example",
    "the listed origin as a prefix": PARTNER + ".evil.example",
    "the listed origin with userinfo": "https://partner.example@evil.example",
    "the listed origin in the query": "https://evil.example?" + PARTNER,
    "two origins": f"{PARTNER} https://evil.example",
    "the listed origin with another port": PARTNER + ":8443",
    "the listed origin over http": "http://partner.example",
    "a file origin": "file://",
}


def get(base: str, route: str, headers: dict) -> requests.Response:
    return requests.get(base + route, headers=headers, timeout=CLIENT_TIMEOUT, allow_redirects=False)


@pytest.fixture(scope="module")
def cors_servers(query_process):
    """(listed, anyone): an allow-list with one origin; '*' with credentials asked for (must be ignored)."""
    listed = Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, cors_origins=(PARTNER,),
                      extra={"cors_allow_credentials": True})
    anyone = Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, cors_origins=("*",), extra={"cors_allow_credentials": True})
    with LiveServer(create_app(listed, query_process)) as a, LiveServer(create_app(anyone, query_process)) as b:
        yield a, b


@pytest.mark.parametrize("name", list(ACCEPTS))
def test_absurd_accept_headers_get_a_sane_answer(live, name):
    for route in ROUTES:
        response = get(live.base, route, {"Accept": ACCEPTS[name]})
        assert response.status_code < 500, (route, response.status_code, response.text[:300])
        assert response.status_code in (200, 204, 303, 400, 404, 406), (route, response.status_code)


@pytest.mark.parametrize("name", list(LANGUAGES))
def test_absurd_accept_language_headers_get_a_sane_answer(live, name):
    for route in ROUTES:
        response = get(live.base, route, {"Accept-Language": LANGUAGES[name], "Accept": "text/html"})
        assert response.status_code < 500, (route, response.status_code, response.text[:300])


def test_a_query_with_an_absurd_accept_still_runs_or_is_406(live):
    for name, accept in ACCEPTS.items():
        response = requests.post(live.url, data=b"ASK {}", timeout=CLIENT_TIMEOUT,
                                 headers={"Content-Type": "application/sparql-query", "Accept": accept})
        assert response.status_code in (200, 406), (name, response.status_code)


@pytest.mark.parametrize("name", list(ORIGINS))
def test_hostile_origins_are_never_granted_by_an_allow_list(cors_servers, name):
    listed, _ = cors_servers
    origin = ORIGINS[name]
    for route in ROUTES[:4]:
        response = get(listed.base, route, {"Origin": origin})
        assert response.status_code < 500, (route, response.status_code)
        assert "Access-Control-Allow-Origin" not in response.headers, (route, response.headers)
        assert "Access-Control-Allow-Credentials" not in response.headers
        assert "Origin" in response.headers.get("Vary", "")
    preflight = requests.options(listed.url, timeout=CLIENT_TIMEOUT, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code < 500
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_the_listed_origin_is_granted_and_its_credentials_only_to_it(cors_servers):
    listed, _ = cors_servers
    response = get(listed.base, ROUTES[0], {"Origin": PARTNER})
    assert response.headers["Access-Control-Allow-Origin"] == PARTNER


@pytest.mark.parametrize("name", list(ORIGINS) + ["the listed origin"])
def test_a_wildcard_policy_never_grants_credentials(cors_servers, name):
    _, anyone = cors_servers
    origin = ORIGINS.get(name, PARTNER)
    for route in ROUTES[:4] + ["/no/such/page"]:
        response = get(anyone.base, route, {"Origin": origin, "Cookie": "session=1",
                                            "Authorization": "Basic dXNlcjpwYXNz"})
        assert response.status_code < 500
        assert response.headers.get("Access-Control-Allow-Origin") == "*", (route, response.headers)
        assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = requests.options(anyone.url, timeout=CLIENT_TIMEOUT, headers={
        "Origin": origin, "Access-Control-Request-Method": "POST"})
    assert preflight.headers.get("Access-Control-Allow-Origin") == "*"
    assert "Access-Control-Allow-Credentials" not in preflight.headers
