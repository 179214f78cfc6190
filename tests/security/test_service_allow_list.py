"""SPARQL SERVICE (federation): refused by default; with ``allow_service`` only to the listed
endpoints — checked against two real SPARQL endpoints on 127.0.0.1 that count every request they
get, so a query that slips past the policy is caught by the endpoint it reached, not by its status.
"""

from __future__ import annotations

import json
import threading

import pytest
import requests
from werkzeug.wrappers import Request, Response

from .conftest import CLIENT_TIMEOUT, PROBLEM, SPARQL_JSON, TIMEOUT, MAX_ROWS, LiveServer

from gcm_kg.web.app import create_app
from gcm_kg.core.settings import Settings

REMOTE_ROW = "answered-by-the-remote-endpoint"


class FakeEndpoint:
    """A minimal SPARQL endpoint: every request is recorded and answered with one solution."""

    def __init__(self):
        self.requests: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        request = Request(environ)
        with self.lock:
            self.requests.append(request.values.get("query") or request.get_data(as_text=True))
        body = {"head": {"vars": ["remote"]},
                "results": {"bindings": [{"remote": {"type": "literal", "value": REMOTE_ROW}}]}}
        return Response(json.dumps(body), content_type=SPARQL_JSON)(environ, start_response)


@pytest.fixture(scope="module")
def endpoints():
    """(allowed, forbidden): two live fake endpoints; only the first is on the allow-list."""
    allowed, forbidden = FakeEndpoint(), FakeEndpoint()
    with LiveServer(allowed) as a, LiveServer(forbidden) as f:
        yield (a.url, allowed), (f.url, forbidden)


@pytest.fixture(scope="module")
def federated(query_process, endpoints):
    (allowed_url, _), _ = endpoints
    settings = Settings(timeout=TIMEOUT, max_rows=MAX_ROWS, allow_service=(allowed_url,))
    with LiveServer(create_app(settings, query_process)) as server:
        yield server


def query(url: str, text: str) -> requests.Response:
    return requests.post(url, data=text.encode(), timeout=CLIENT_TIMEOUT,
                         headers={"Content-Type": "application/sparql-query",
                                  "Accept": f"{SPARQL_JSON}, {PROBLEM};q=0.5"})


def test_service_is_refused_by_default_and_the_endpoint_is_never_called(live, endpoints):
    (allowed_url, allowed), _ = endpoints
    before = len(allowed.requests)
    response = query(live.url, f"SELECT * {{ SERVICE <{allowed_url}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 403
    assert "SERVICE" in response.json()["detail"]
    assert len(allowed.requests) == before


def test_sd_announces_federation_only_when_enabled(live, federated):
    feature = "sd:BasicFederatedQuery"
    default = requests.get(live.url, headers={"Accept": "text/turtle"}, timeout=CLIENT_TIMEOUT).text
    enabled = requests.get(federated.url, headers={"Accept": "text/turtle"}, timeout=CLIENT_TIMEOUT).text
    assert feature not in default and feature in enabled


def test_an_allowed_endpoint_is_queried(federated, endpoints):
    (allowed_url, allowed), _ = endpoints
    before = len(allowed.requests)
    response = query(federated.url, f"SELECT ?remote {{ SERVICE <{allowed_url}> {{ ?s ?p ?remote }} }}")
    assert response.status_code == 200, response.text
    assert [b["remote"]["value"] for b in response.json()["results"]["bindings"]] == [REMOTE_ROW]
    assert len(allowed.requests) > before


# Each template names the forbidden endpoint {f} (and its parts) in a way a naive policy might miss;
# OPTIONAL {} keeps one solution alive so that the engine really calls SERVICE if the policy let it.
BYPASSES = {
    "plain": "SELECT * {{ SERVICE <{f}> {{ ?s ?p ?o }} }}",
    "mixed case and SILENT": "SELECT * {{ sErViCe SiLeNt <{f}> {{ ?s ?p ?o }} }}",
    "prefixed name": "PREFIX e: <{root}> SELECT * {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
    "relative IRI against BASE": "BASE <{root}> SELECT * {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
    "\\u escapes in the IRI": "SELECT * {{ SERVICE <{root}\\u0073parql> {{ ?s ?p ?o }} }}",
    "a variable endpoint": "SELECT * {{ VALUES ?e {{ <{f}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
    "inside a sub-select": "SELECT * {{ {{ SELECT * {{ SERVICE <{f}> {{ ?s ?p ?o }} }} }} }}",
    "inside FILTER EXISTS": "ASK {{ FILTER EXISTS {{ SERVICE <{f}> {{ ?s ?p ?o }} }} }}",
    "a comment ended by a carriage return": "SELECT * {{ OPTIONAL {{}} # hidden?\rSERVICE <{f}> {{ ?s ?p ?o }} }}",
    "'#' escaped in a local name": ("PREFIX ex: <http://example.org/> SELECT * {{ OPTIONAL {{ ?s ?p ex:a\\#b }} "
                                    "SERVICE <{f}> {{ ?x ?y ?z }} }}"),
    "a quote escaped in a local name": ("PREFIX ex: <http://example.org/> SELECT * {{ OPTIONAL {{ ?s ?p ex:a\\'b }} "
                                        "SERVICE <{f}> {{ ?x ?y ?z }} }} # '"),
    "'#' after a \\u escape in an IRI": ("SELECT * {{ OPTIONAL {{ ?s ?p <http://example.org/\\u0061#> }} "
                                         "SERVICE <{f}> {{ ?x ?y ?z }} }}"),
    "the allowed IRI with a suffix": "SELECT * {{ SERVICE <{allowed}?x=1> {{ ?s ?p ?o }} }}",
    "the allowed IRI with a dot-segment": "SELECT * {{ SERVICE <{allowed}/../../other> {{ ?s ?p ?o }} }}",
    # The engine reads a keyword glued to what follows it: SERVICE:x is SERVICE then :x.
    "SERVICE glued to a prefixed name": "PREFIX : <{root}> SELECT * {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
    "SERVICE glued to its prefix": "PREFIX e: <{root}> SELECT * {{ SERVICEe:sparql {{ ?s ?p ?o }} }}",
    "SILENT glued to a prefix declared as the allowed endpoint": (
        "PREFIX SILENTe: <{allowed}> PREFIX e: <{root}> SELECT * {{ SERVICE SILENTe: {{ ?s ?p ?o }} }}"),
}


@pytest.mark.parametrize("name", list(BYPASSES))
def test_a_forbidden_endpoint_is_refused_and_never_called(federated, endpoints, name):
    (allowed_url, allowed), (forbidden_url, forbidden) = endpoints
    host = forbidden_url.split("/")[2]
    text = BYPASSES[name].format(f=forbidden_url, root=f"http://{host}/", host=host, allowed=allowed_url)
    before_forbidden, before_allowed = len(forbidden.requests), len(allowed.requests)
    response = query(federated.url, text)
    assert response.status_code in (400, 403), (response.status_code, response.text[:300])
    assert len(forbidden.requests) == before_forbidden, f"the policy let {name!r} through"
    assert len(allowed.requests) == before_allowed  # (a suffixed or dotted allowed IRI is another endpoint)
