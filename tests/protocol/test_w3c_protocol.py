"""The W3C SPARQL 1.1 Protocol test suite, case by case, over HTTP against a live endpoint."""

from __future__ import annotations


import pyoxigraph as ox
import pytest
import requests

from .w3c_protocol_cases import CASES, CLIENT_ERROR, OK

RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                "text/csv": ox.QueryResultsFormat.CSV,
                "text/tab-separated-values": ox.QueryResultsFormat.TSV}
RDF_TYPES = {"text/turtle": ox.RdfFormat.TURTLE, "application/n-triples": ox.RdfFormat.N_TRIPLES,
             "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/ld+json": ox.RdfFormat.JSON_LD}


def send(live, step) -> requests.Response:
    headers = {}
    if step["content_type"]:
        headers["Content-Type"] = step["content_type"]
    body = step["body"].encode("utf-8") if isinstance(step["body"], str) else step["body"]
    return requests.request(step["method"], live.url + "/" + step["path"], data=body, headers=headers, timeout=30)


def media_type(response) -> str:
    return response.headers.get("Content-Type", "").split(";")[0].strip()


def check_format(response, expected, boolean):
    mt = media_type(response)
    if expected == "boolean":
        assert mt in ("application/sparql-results+json", "application/sparql-results+xml"), mt
        answer = ox.parse_query_results(response.content, format=RESULT_TYPES[mt])
        assert isinstance(answer, ox.QueryBoolean)
        if boolean is not None:
            assert bool(answer) is boolean
    elif expected == "tabular":
        assert mt in RESULT_TYPES, mt
        if mt != "text/csv":  # pyoxigraph has no CSV parser (CSV is lossy); check the shape instead
            assert isinstance(ox.parse_query_results(response.content, format=RESULT_TYPES[mt]), ox.QuerySolutions)
        else:
            assert response.text.splitlines()[0] == "value"
    elif expected == "RDF":
        assert mt in RDF_TYPES, mt
        list(ox.parse(response.content, format=RDF_TYPES[mt]))


@pytest.mark.parametrize("name", list(CASES))
def test_w3c_protocol_case(live, name):
    for step in CASES[name]:
        response = send(live, step)
        if step["status"] == OK:
            assert 200 <= response.status_code < 400, (response.status_code, response.text)
        else:
            assert step["status"] == CLIENT_ERROR
            assert 400 <= response.status_code < 500, (response.status_code, response.text)
            assert response.text.strip(), "an error response explains itself"
        if step["format"]:
            check_format(response, step["format"], step["boolean"])


def test_construct_with_relative_iris_uses_the_service_base(live):
    response = send(live, CASES["query_content_type_construct"][0])
    triples = list(ox.parse(response.content, format=RDF_TYPES[media_type(response)]))
    assert [t.subject.value for t in triples] == ["https://w3id.org/gcm-kg/s"]


def test_update_requests_are_refused_with_403_and_a_message(live):
    for name in ("update_post_form", "update_post_direct", "bad_update_get", "bad_multiple_updates"):
        response = send(live, CASES[name][0])
        assert response.status_code == 403, name
    response = requests.post(live.url, data="CLEAR ALL", headers={"Content-Type": "application/sparql-update",
                                                                  "Accept": "application/problem+json"}, timeout=30)
    assert "read-only" in response.json()["detail"]
