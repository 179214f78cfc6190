"""gcm_kg.client.transport: errors with the server's problem detail, Link paging, retrying a 503
that says when to come back — against real HTTP servers on 127.0.0.1."""

from __future__ import annotations

import json
from email.message import Message

import pytest

from gcm_kg.client import EndpointError
from gcm_kg.client.transport import Answer, fetch, next_link, pages

from ..support.live_server import LiveServer
from ..support.oxigraph_server import free_port


def _answer(*links: str) -> Answer:
    headers = Message()
    for link in links:
        headers["Link"] = link
    return Answer("http://127.0.0.1:1/api/queries/x?limit=5", "application/json", headers, b"{}")


@pytest.mark.parametrize("links, expected", [
    (['<http://h/a?offset=5>; rel="first", <http://h/a?offset=10>; rel="next"'], "http://h/a?offset=10"),
    (['</api/queries/x?limit=5&offset=5>; rel=next'], "http://127.0.0.1:1/api/queries/x?limit=5&offset=5"),
    (['<http://h/p>; rel="prev"', '<http://h/n>; type="text/html"; rel="next last"'], "http://h/n"),
    (['<http://h/f>; rel="first", <http://h/openapi.json>; rel="service-desc"; type="application/openapi+json"'], None),
    ([], None),
])
def test_next_link_follows_rfc_8288(links, expected):
    assert next_link(_answer(*links)) == expected


def test_a_problem_document_becomes_the_error(gcm_server):
    with pytest.raises(EndpointError) as caught:
        fetch(gcm_server.base + "/api/queries/no-such-query", accept="application/json", timeout=30)
    error = caught.value
    assert error.status == 404 and error.title == "Not Found" and "no-such-query" in error.detail
    assert "404 Not Found" in str(error) and error.url.endswith("/api/queries/no-such-query")
    with pytest.raises(EndpointError) as caught:
        fetch(gcm_server.base + "/api/queries/theme-questions?theme=%22bad", accept="application/json", timeout=30)
    assert caught.value.status == 400 and "'theme'" in caught.value.detail
    assert caught.value.type.startswith("https://w3id.org/gcm-kg/problem/")


def test_another_engines_plain_text_error_keeps_its_body(oxigraph_upstream):
    with pytest.raises(EndpointError) as caught:
        fetch(oxigraph_upstream.query_url + "?query=SELEC", accept="application/sparql-results+json", timeout=30)
    assert caught.value.status == 400 and caught.value.title == "Bad Request"
    assert caught.value.detail and caught.value.type == "about:blank"


def test_an_endpoint_that_cannot_be_reached():
    with pytest.raises(EndpointError) as caught:
        fetch(f"http://127.0.0.1:{free_port()}/sparql", accept="application/json", timeout=5)
    assert caught.value.status is None and caught.value.title == "endpoint unreachable"


def _warming_up(calls: list[str]):
    """A service answering 503 with ``Retry-After: 0`` twice, then pages linked by ``next``."""
    def app(environ, start_response):
        calls.append(environ["PATH_INFO"] + ("?" + environ["QUERY_STRING"] if environ["QUERY_STRING"] else ""))
        if len(calls) <= 2:
            start_response("503 Service Unavailable", [("Retry-After", "0"), ("Content-Type", "application/problem+json")])
            return [json.dumps({"title": "Not ready", "status": 503, "detail": "building"}).encode()]
        headers = [("Content-Type", "application/json")]
        if not environ["QUERY_STRING"]:
            headers.append(("Link", '</x?offset=1>; rel="next"'))
        start_response("200 OK", headers)
        return [json.dumps({"path": calls[-1]}).encode()]
    return app


def test_a_503_with_retry_after_is_retried_and_pages_are_followed():
    calls: list[str] = []
    with LiveServer(_warming_up(calls), quiet=True) as server:
        answers = list(pages(server.base + "/x", accept="application/json", timeout=10))
    assert [a.json()["path"] for a in answers] == ["/x", "/x?offset=1"]
    assert calls == ["/x", "/x", "/x", "/x?offset=1"]
