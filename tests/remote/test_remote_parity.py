"""The same service over ``oxigraph serve`` (loaded by ``gcm-kg load``) as over the embedded store.

Two gcm-kg apps answer side by side — one over the embedded in-memory store, one over a
RemoteStore — and every canned query, every minted entity, the service description, the VoID
counts and ``gcm-kg query --endpoint`` must give the same answers from both.
"""

from __future__ import annotations

import html
import io
import threading
import time
from collections import Counter

import pyoxigraph as ox
import pytest
import rdflib
import requests
from rdflib.compare import isomorphic

from gcm_kg.services import canned
from gcm_kg.services.canned import run_cli_query

from ..linked_data.conftest import minted_subjects
from ..linked_data.test_ld_dereference import BROWSER, LABEL_OF
from ..linked_data.test_ld_validate import INVALID, VALID

SUBJECTS = minted_subjects()
RESULTS_JSON = "application/sparql-results+json"
_local = threading.local()


def http() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def _cell(term) -> str:
    if isinstance(term, ox.BlankNode):
        return "_:b"  # blank node labels are each store's own
    return "" if term is None else str(term)


def rows(body: bytes) -> Counter:
    """Solutions as a multiset of rows."""
    result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    variables = result.variables
    return Counter(tuple(_cell(solution[v]) for v in variables) for solution in result)


def _query_cases():
    cases = []
    for name, query in canned.load_queries().items():
        cases.append((name, {}))
        example = {p.name: list(p.example) for p in query.params if p.example}
        if example:
            cases.append((name, example))
    return cases


@pytest.mark.parametrize("name, params", _query_cases(), ids=lambda v: v if isinstance(v, str) else "example" if v else "defaults")
def test_every_canned_query_answers_the_same(embedded_base, remote_base, name, params):
    answers = []
    for base in (embedded_base, remote_base):
        response = http().get(f"{base}/api/queries/{name}", params=params, headers={"Accept": RESULTS_JSON}, timeout=60)
        assert response.status_code == 200, (base, response.text)
        answers.append(rows(response.content))
    assert answers[0] == answers[1]


@pytest.mark.parametrize("name", ["round-table-objectives", "theme-questions", "theme-resources"])
def test_canned_query_csv_and_simple_json_are_byte_identical(embedded_base, remote_base, name):
    # (GROUP_CONCAT's order is the engine's, SPARQL 1.1 Query §18.5.1.7: the service orders the
    # items of the list columns, so lists are byte-identical too)
    for accept in ("text/csv", "application/json"):
        a, b = (http().get(f"{base}/api/queries/{name}", headers={"Accept": accept}, timeout=60)
                for base in (embedded_base, remote_base))
        assert a.status_code == b.status_code == 200
        assert a.content.replace(embedded_base.encode(), b"") == b.content.replace(remote_base.encode(), b"")


def _graph(base: str, location: str) -> rdflib.Graph:
    """The Turtle document at ``location``, with the server's own address written as one placeholder."""
    text = http().get(base + location, timeout=60).text.replace(base, "http://gcm-kg.test")
    return rdflib.Graph().parse(data=text, format="turtle")


@pytest.mark.parametrize("iri", SUBJECTS)
def test_every_entity_dereferences_to_the_same_description(embedded_base, remote_base, iri):
    path = "/" + iri[len("https://w3id.org/gcm-kg/"):]
    graphs = []
    for base in (embedded_base, remote_base):
        r = http().get(base + path, headers={"Accept": "text/turtle"}, allow_redirects=False, timeout=60)
        assert r.status_code == 303 and r.headers["Location"].endswith(".ttl"), (base, r.status_code)
        graphs.append(_graph(base, r.headers["Location"]))
    assert len(graphs[0]) > 0
    assert isomorphic(graphs[0], graphs[1]), iri
    r = http().get(remote_base + path, headers={"Accept": BROWSER}, allow_redirects=False, timeout=60)
    assert r.status_code == 303 and r.headers["Location"].endswith(".html")
    page = http().get(remote_base + r.headers["Location"], timeout=60)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = html.unescape(page.text)
    assert iri in text
    labels = LABEL_OF.get(iri, ())
    assert not labels or any(label in text for label in labels), f"no label of {iri} on its page"


def test_service_description_and_void_counts_agree(embedded_base, remote_base):
    def counts(base):
        graph = _graph(base, "/.well-known/void")
        void = "http://rdfs.org/ns/void#"
        return sorted((str(s) if isinstance(s, rdflib.URIRef) else "_", int(o))
                      for s, o in graph.subject_objects(rdflib.URIRef(void + "triples")))
    assert counts(embedded_base) == counts(remote_base)
    ready = [_ready_with_search_index(base) for base in (embedded_base, remote_base)]
    assert ready[0] == ready[1] and ready[0]["status"] == "ready" and ready[0]["search"] == "ready"


def _ready_with_search_index(base: str) -> dict:
    """``/ready`` once the server's search index is built (in the background, from the store)."""
    deadline = time.monotonic() + 60
    while True:
        body = http().get(base + "/ready", timeout=30).json()
        if body.get("search") != "building" or time.monotonic() > deadline:
            return body
        time.sleep(0.1)


def test_landing_and_list_pages(remote_base):
    landing = http().get(remote_base + "/", timeout=60)
    assert landing.status_code == 200 and "/list/objective" in landing.text
    listing = http().get(remote_base + "/list/objective", timeout=60).text
    assert listing.count('href="/id/objective/') == 23


def test_validate_answers_alike(embedded_base, remote_base):
    reports = []
    for data in (INVALID, VALID):
        for base in (embedded_base, remote_base):
            r = http().post(base + "/validate", data=data.encode(), timeout=120,
                            headers={"Content-Type": "text/turtle", "Accept": "application/json"})
            assert r.status_code == 200, r.text
            reports.append(r.json()["conforms"])
    assert reports == [False, False, True, True]


def test_sparql_results_are_byte_identical_for_selects(embedded_base, remote_base):
    """SELECT results go through the same pyoxigraph writers, so the bytes match (without blank nodes)."""
    query = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?o ?label WHERE "
             "{ ?o skos:prefLabel ?label } ORDER BY ?o ?label")
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):
        a, b = (http().get(base + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=60)
                for base in (embedded_base, remote_base))
        assert a.status_code == b.status_code == 200
        assert a.headers["Content-Type"] == b.headers["Content-Type"]
        assert a.content == b.content, accept


def test_gcm_kg_query_endpoint_prints_what_the_embedded_store_prints(gcm_upstream, remote_base):
    outputs = []
    for endpoint in (None, gcm_upstream.query_url, remote_base + "/sparql"):
        out = io.StringIO()
        assert run_cli_query("round-table-objectives", [], "csv", endpoint, out) == 0
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(outputs[0].splitlines()) > 1
