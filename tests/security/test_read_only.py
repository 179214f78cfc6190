"""Every way to write is refused and changes nothing: SPARQL Update (``update=`` by GET and by form,
``application/sparql-update``), Graph Store Protocol verbs on every route, update operations and
``LOAD``/``file:`` tricks sent as queries. The proof is the store itself — its quad count and a
checksum of its sorted N-Quads, read directly from the store object and over HTTP — not the status.
"""

from __future__ import annotations

import pytest
import requests

from .conftest import CLIENT_TIMEOUT, PROBLEM, local_fingerprint, store_fingerprint

TRIPLE = b"<http://evil.example/s> <http://evil.example/p> \"written\" ."
UPDATES = [
    "INSERT DATA { <http://evil.example/s> <http://evil.example/p> \"written\" }",
    "INSERT DATA { GRAPH <https://w3id.org/gcm-kg/graph/themes> { <http://evil.example/s> <http://evil.example/p> 1 } }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p \"x\" } WHERE { ?s ?p ?o }",
    "WITH <https://w3id.org/gcm-kg/graph/themes> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <file:///etc/passwd>",
    "LOAD <http://127.0.0.1:1/data.ttl> INTO GRAPH <http://evil.example/g>",
    "CLEAR ALL", "CLEAR DEFAULT", "DROP ALL", "DROP GRAPH <https://w3id.org/gcm-kg/graph/ontology>",
    "CREATE GRAPH <http://evil.example/g>",
    "COPY <https://w3id.org/gcm-kg/graph/themes> TO <https://w3id.org/gcm-kg/graph/ontology>",
    "MOVE <https://w3id.org/gcm-kg/graph/themes> TO DEFAULT",
    "ADD <https://w3id.org/gcm-kg/graph/themes> TO <http://evil.example/g>",
    "ASK {} ; DROP ALL",
]
QUERY_TRICKS = UPDATES + [
    "SELECT * {} ; INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }",
    "SELECT * { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
    "SELECT * { SERVICE <http://127.0.0.1:1/sparql?update=DROP%20ALL> { ?s ?p ?o } }",
]
WRITE_PATHS = ["/sparql", "/sparql/", "/", "/store", "/data", "/update", "/sparql/update", "/statements",
               "/rdf-graph-store", "/graph", "/id/objective/1", "/doc/objective/1", "/doc/objective/1.ttl",
               "/ontology", "/ontology.ttl", "/shapes", "/shapes.ttl", "/download/gcm-kg.nt", "/api/queries",
               "/api/queries/concept-by-label", "/.well-known/void", "/static/query.js", "/health", "/metrics"]
GRAPH_PARAMS = ["", "?default", "?graph=http%3A%2F%2Fevil.example%2Fg",
                "?graph=https%3A%2F%2Fw3id.org%2Fgcm-kg%2Fgraph%2Fthemes"]


def write_attempts(base: str):
    """(description, request thunk) for every write the tests try."""
    url = base + "/sparql"
    form = {"Content-Type": "application/x-www-form-urlencoded", "Accept": PROBLEM}
    for update in UPDATES:
        yield f"GET update={update}", lambda u=update: requests.get(url, params={"update": u},
                                                                     timeout=CLIENT_TIMEOUT)
        yield f"form update={update}", lambda u=update: requests.post(url, data={"update": u}, headers=form,
                                                                       timeout=CLIENT_TIMEOUT)
        yield f"form query+update {update}", lambda u=update: requests.post(
            url, data={"query": "ASK {}", "update": u}, headers=form, timeout=CLIENT_TIMEOUT)
        for content_type in ("application/sparql-update", "Application/SPARQL-Update; charset=UTF-8"):
            yield f"{content_type}: {update}", lambda u=update, c=content_type: requests.post(
                url, data=u.encode(), headers={"Content-Type": c}, timeout=CLIENT_TIMEOUT)
    yield "using-graph-uri by GET", lambda: requests.get(
        url, params={"query": "ASK {}", "using-graph-uri": "http://evil.example/g"}, timeout=CLIENT_TIMEOUT)
    for query in QUERY_TRICKS:
        yield f"query={query}", lambda q=query: requests.post(
            url, data=q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=CLIENT_TIMEOUT)
        yield f"GET query={query}", lambda q=query: requests.get(url, params={"query": q}, timeout=CLIENT_TIMEOUT)
    for path in WRITE_PATHS:
        for params in GRAPH_PARAMS:
            for method in ("PUT", "POST", "DELETE", "PATCH"):
                yield f"{method} {path}{params}", lambda m=method, p=path + params: requests.request(
                    m, base + p, data=TRIPLE, headers={"Content-Type": "text/turtle"}, timeout=CLIENT_TIMEOUT)
    for method in ("PUT", "DELETE", "PATCH", "MKCOL", "COPY", "MOVE", "PROPPATCH", "QUERY", "TRACE"):
        yield f"{method} /sparql with a body", lambda m=method: requests.request(
            m, url, data=TRIPLE, headers={"Content-Type": "application/n-triples"}, timeout=CLIENT_TIMEOUT)
    yield "POST with X-HTTP-Method-Override: PUT", lambda: requests.post(
        url + "?graph=http%3A%2F%2Fevil.example%2Fg", data=TRIPLE,
        headers={"Content-Type": "text/turtle", "X-HTTP-Method-Override": "PUT"}, timeout=CLIENT_TIMEOUT)


def check_refused(description: str, response: requests.Response) -> None:
    assert 400 <= response.status_code < 500, (description, response.status_code, response.text[:200])
    assert "root:" not in response.text, (description, "a local file leaked")


def test_every_write_is_refused_and_the_store_object_is_unchanged(inprocess):
    server, store = inprocess
    before = local_fingerprint(store)
    count = 0
    for description, attempt in write_attempts(server.base):
        check_refused(description, attempt())
        count += 1
    assert count > 400
    assert local_fingerprint(store) == before


def test_every_write_is_refused_and_the_served_dataset_is_unchanged(live):
    """The same over the query processes: the dataset they answer from has the same checksum."""
    before = store_fingerprint(live.url)
    assert before[0] > 3000
    for description, attempt in write_attempts(live.base):
        check_refused(description, attempt())
    assert store_fingerprint(live.url) == before


def test_validating_posted_rdf_does_not_add_it_to_the_store(inprocess):
    server, store = inprocess
    before = local_fingerprint(store)
    response = requests.post(server.base + "/validate", data=TRIPLE, headers={"Content-Type": "text/turtle"},
                             timeout=CLIENT_TIMEOUT)
    assert response.status_code < 500, response.text[:300]
    assert local_fingerprint(store) == before
    found = requests.get(server.base + "/sparql", params={"query": "ASK { ?s <http://evil.example/p> ?o }"},
                         headers={"Accept": "application/sparql-results+json"}, timeout=CLIENT_TIMEOUT)
    assert found.json()["boolean"] is False


@pytest.mark.parametrize("update", ["INSERT DATA { <http://evil.example/s> <http://evil.example/p> 1 }", "DROP ALL"])
def test_the_refusal_says_the_endpoint_is_read_only(live, update):
    response = requests.post(live.url, data=update.encode(), timeout=CLIENT_TIMEOUT,
                             headers={"Content-Type": "application/sparql-update", "Accept": PROBLEM})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


@pytest.mark.parametrize("query", [
    "SELECT * FROM <file:///etc/passwd> { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/passwd> { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
])
def test_file_iris_in_the_dataset_read_no_file(live, query):
    """FROM / GRAPH name graphs of the store; a ``file:`` IRI is just a graph name that holds nothing."""
    response = requests.post(live.url, data=query.encode(), timeout=CLIENT_TIMEOUT,
                             headers={"Content-Type": "application/sparql-query", "Accept": "text/csv, text/turtle"})
    assert response.status_code == 200, response.text[:300]
    assert len(response.text.strip().splitlines()) <= 1  # a CSV header, or an empty graph
    assert "root:" not in response.text


def test_from_selects_the_named_graph_not_the_union(live):
    """pyoxigraph's union-default-graph option would override FROM: the store must not pass it then."""
    graph = "https://w3id.org/gcm-kg/graph/themes"
    count = "SELECT (COUNT(*) AS ?n) {from} WHERE {{ ?s ?p ?o }}"
    numbers = []
    for clause in ("", f"FROM <{graph}>"):
        response = requests.get(live.url, params={"query": count.format(**{"from": clause})},
                                headers={"Accept": "text/csv"}, timeout=CLIENT_TIMEOUT)
        numbers.append(int(response.text.splitlines()[1]))
    in_graph = requests.get(live.url, params={"query": f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
                            headers={"Accept": "text/csv"}, timeout=CLIENT_TIMEOUT)
    assert numbers[1] == int(in_graph.text.splitlines()[1]) < numbers[0]
