"""``GET /api/search`` and ``GET /search`` through Flask's test client over the shipped graph: the
JSON shape, paging ``Link`` headers, the OpenAPI entry, the HTML page with its facets, the search
box on every page, problems for bad input, and 503 until the index is built."""

from __future__ import annotations

import re
import threading

import pytest

from gcm_kg.core.errors import Condition
from gcm_kg.core.settings import Settings
from gcm_kg.services.search import BackgroundIndex, SearchIndex
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app
from gcm_kg.web.views.search import INDEX, search_index

from ..test_errors import expect_problem


@pytest.fixture(scope="module")
def app():
    app = create_app(Settings(max_rows=50))
    assert search_index(app).wait(60)
    return app


@pytest.fixture()
def client(app):
    return app.test_client()


def _links(response) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="([^"]+)"', response.headers["Link"])}


def test_json_shape(client):
    response = client.get("/api/search?q=migracion&lang=es")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"query", "total", "results"} and body["query"] == "migracion" and body["total"] > 0
    for hit in body["results"]:
        assert set(hit) == {"iri", "label", "kind", "snippet", "score"}
        assert hit["iri"].startswith("https://w3id.org/gcm-kg/id/") and "<mark>" in hit["snippet"]
    scores = [hit["score"] for hit in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_paging_link_headers_walk_every_hit_once(client):
    everything = client.get("/api/search?q=reintegr*&limit=50").get_json()
    assert everything["total"] > 3
    seen, url = [], "/api/search?q=reintegr*&limit=2"
    for _ in range(everything["total"]):  # bounded: one page per hit at most
        response = client.get(url)
        seen += [hit["iri"] for hit in response.get_json()["results"]]
        links = _links(response)
        assert links["first"].endswith("limit=2&offset=0") and links["service-desc"].endswith("/openapi.json")
        if "next" not in links:
            break
        url = links["next"].removeprefix("http://localhost")
    assert seen == [hit["iri"] for hit in everything["results"]]
    assert "prev" in _links(client.get("/api/search?q=reintegr*&limit=2&offset=2"))


def test_the_kind_filter_and_the_row_cap(client):
    body = client.get("/api/search?q=migration&kind=theme,objective&limit=500").get_json()
    assert body["results"] and {hit["kind"] for hit in body["results"]} <= {"theme", "objective"}
    assert len(body["results"]) <= 50  # the app's row cap, not the 500 asked for
    assert client.get("/api/search?q=migration").headers["X-Row-Limit"] == "50"


@pytest.mark.parametrize("query,condition,parameter", [
    ("", Condition.INVALID_PARAMETER, "q"),
    ("q=*", Condition.SEARCH_SYNTAX, None),
    ("q=%22", Condition.SEARCH_SYNTAX, None),
    ("q=a%00b", Condition.SEARCH_SYNTAX, None),
    ("q=" + "x" * 10_000, Condition.SEARCH_SYNTAX, None),
    ("q=migration&kind=planet", Condition.INVALID_PARAMETER, "kind"),
    ("q=migration&lang=fr", Condition.INVALID_PARAMETER, "lang"),
    ("q=migration&limit=0", Condition.INVALID_PARAMETER, "limit"),
    ("q=migration&offset=-1", Condition.INVALID_PARAMETER, "offset"),
    ("q=a&q=b", Condition.INVALID_PARAMETER, "q"),
])
def test_bad_searches_are_400_problems(client, query, condition, parameter):
    body = expect_problem(client.get("/api/search?" + query), condition)
    if parameter:
        assert body["parameter"] == parameter


def test_fts_syntax_is_searched_as_text(client):
    for text in ("NEAR(migration detention)", "text:migration", "migration OR", "{iri}: x", '"unclosed'):
        response = client.get("/api/search", query_string={"q": text})
        assert response.status_code == 200, (text, response.data)


def test_openapi_describes_the_search(client):
    document = client.get("/openapi.json").get_json()
    operation = document["paths"]["/api/search"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "kind", "lang", "theme", "objective", "limit",
                                                             "offset"}
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == \
        "#/components/schemas/SearchResults"
    assert document["components"]["schemas"]["SearchResults"]["required"] == ["query", "total", "results"]


def test_the_results_page_has_hits_and_facets(client):
    response = client.get("/search?q=detention", headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert {"kind", "theme", "objective"} <= set(re.findall(r'data-facet="(\w+)"', html))
    assert html.count('class="hit"') > 1 and "<mark>detention</mark>" in html.lower()
    theme_link = re.search(r'data-facet="theme">.*?<a href="([^"]+)"', html, re.S).group(1)
    narrowed = client.get(theme_link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'aria-current="true"' in narrowed and narrowed.count('class="hit"') <= html.count('class="hit"')


def test_the_results_page_shows_a_bad_search_as_a_400_page(client):
    response = client.get("/search?q=*")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "no word to look for" in response.get_data(as_text=True)


def test_every_page_has_the_search_box_under_the_path_prefix():
    app = create_app(Settings(public_url="https://example.org/kg/"))
    client = app.test_client()
    for path in ("/", "/list/objective", "/sparql", "/api/queries?format=html", "/search"):
        html = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
        assert 'action="/kg/search"' in html, path


def test_503_with_retry_after_until_the_index_is_built_and_ready_says_so():
    release = threading.Event()
    app = create_app(Settings(), EmbeddedStore.in_memory())
    store = app.extensions["gcm_kg.store"]

    def slow_build():
        release.wait(30)
        return SearchIndex.build(store)

    app.extensions[INDEX] = BackgroundIndex(slow_build)
    client = app.test_client()
    expect_problem(client.get("/api/search?q=migration"), Condition.NOT_READY)
    ready = client.get("/ready")
    assert ready.status_code == 200 and ready.get_json()["search"] == "building"
    release.set()
    assert search_index(app).wait(30)
    assert client.get("/api/search?q=migration").status_code == 200
    assert client.get("/ready").get_json()["search"] == "ready"
