"""``POST /api/chart`` through Flask's test client over the shipped graph: the SVG of posted SPARQL
JSON results, the kind by parameter, and a problem for everything it cannot draw."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from gcm_kg.core.errors import Condition
from gcm_kg.core.settings import Settings
from gcm_kg.web.app import create_app

from ..test_errors import expect_problem

RESULTS_JSON = "application/sparql-results+json"
SVG_NS = "{http://www.w3.org/2000/svg}"
KINDS_OF_THINGS = "SELECT ?class (COUNT(?thing) AS ?things) { ?thing a ?class } GROUP BY ?class ORDER BY DESC(?things)"


@pytest.fixture(scope="module")
def app():
    return create_app(Settings(max_body_bytes=200_000))


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def results(app) -> bytes:
    """The SPARQL JSON results of a query, as the query page receives them from /sparql."""
    response = app.test_client().post("/sparql", data=KINDS_OF_THINGS, headers={
        "Content-Type": "application/sparql-query", "Accept": RESULTS_JSON})
    assert response.status_code == 200
    return response.data


def post(client, body: bytes, query_string: str = "", **headers):
    return client.post("/api/chart" + query_string, data=body,
                       headers={"Content-Type": RESULTS_JSON, **headers})


def test_the_chart_of_posted_results(client, results):
    rows = len(json.loads(results)["results"]["bindings"])
    response = post(client, results, "?title=Kinds%20of%20things", Accept="image/svg+xml")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'self'"
    assert "Accept" in response.headers["Vary"]
    root = ElementTree.fromstring(response.data)
    assert root.get("data-kind") == "bar" and root.find(SVG_NS + "title").text == "Kinds of things"
    assert len([e for e in root.iter() if e.get("class") == "mark"]) == rows > 10


def test_the_kind_and_columns_by_parameter(client, results):
    response = post(client, results, "?kind=bar&x=class&value=things")
    root = ElementTree.fromstring(response.data)
    assert (root.get("data-kind"), root.get("data-x"), root.get("data-value")) == ("bar", "class", "things")


@pytest.mark.parametrize("query_string, parameter", [
    ("?kind=pie", "kind"),
    ("?kind=heatmap", "kind"),  # one category column: no matrix
    ("?kind=bar&value=class", "value"),  # IRIs, not numbers
    ("?kind=bar&x=nothing", "x"),
    ("?kind=bar&kind=line", "kind"),
    ("?colour=red", "colour"),
    ("?title=" + "t" * 501, "title"),
])
def test_what_cannot_be_drawn_is_a_400_naming_the_parameter(client, results, query_string, parameter):
    body = expect_problem(post(client, results, query_string), Condition.INVALID_PARAMETER)
    assert body["parameter"] == parameter


@pytest.mark.parametrize("body", [b"", b"{", b'{"head": {"vars": ["a"]}, "results": {"bindings": [{"a": 1}]}}',
                                  b'{"head": {}, "boolean": false}', "x\u0000".encode()])
def test_a_body_that_is_not_select_results_is_a_400(client, body):
    expect_problem(post(client, body), Condition.BAD_REQUEST)


def test_other_media_types_methods_and_sizes(client, results):
    response = client.post("/api/chart", data=results, headers={"Content-Type": "text/csv"})
    expect_problem(response, Condition.UNSUPPORTED_MEDIA_TYPE)
    assert response.headers["Accept-Post"] == RESULTS_JSON
    body = expect_problem(post(client, results, Accept="image/png, application/problem+json;q=0.1"),
                          Condition.NOT_ACCEPTABLE)
    assert body["offered"] == ["image/svg+xml"]
    response = client.get("/api/chart", headers={"Accept": "application/problem+json"})
    assert response.status_code == 405 and "POST" in response.headers["Allow"]
    expect_problem(post(client, b" " * 300_000), Condition.CONTENT_TOO_LARGE)


@pytest.mark.parametrize("name, value", [
    ("title", "</title><script>alert(1)</script>"), ("title", "nul \x00 bell \x07"), ("title", "\ufffe\uffff non-characters"),
    ("kind", "<svg onload=alert(1)>"), ("x", '"><script>alert(1)</script>'), ("value", "things\x00"),
])
def test_hostile_parameters_are_text_or_a_400_never_markup(client, results, name, value):
    query = {"kind": "bar", name: value} if name in ("x", "value") else {name: value}
    response = client.post("/api/chart", query_string=query, data=results, headers={"Content-Type": RESULTS_JSON})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        root = ElementTree.fromstring(response.data)
        assert {e.tag for e in root.iter()} <= {SVG_NS + t for t in ("svg", "title", "desc", "rect", "line", "text")}
        assert b"<script" not in response.data
