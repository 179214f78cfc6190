"""The REST API over a real HTTP server: listing, formats, paging, errors, OpenAPI, examples."""

from __future__ import annotations

import csv
import io
import itertools
import urllib.parse
from xml.etree import ElementTree

import pyoxigraph as ox
import pytest
import requests
from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from gcm_kg.services import canned
from gcm_kg.sparql import catalogue

from . import paper
from .conftest import MAX_ROWS
from .paper import ID

HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # a browser's Accept


def get(base, path, accept="*/*", **params):
    return requests.get(base + path, params=params, headers={"Accept": accept}, timeout=30)


# -- listing -------------------------------------------------------------------------------------
def test_listing_json(api_base):
    response = get(api_base, "/api/queries")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("application/json")
    entries = {e["name"]: e for e in response.json()["queries"]}
    assert set(entries) == set(canned.load_queries())
    entry = entries["theme-questions"]
    assert entry["parameters"] == [{
        "name": "theme", "type": "iri", "required": False, "multiple": False,
        "description": canned.get_query("theme-questions").params[0].description,
        "default": f"{ID}theme/consular-protection", "example": f"{ID}theme/return-and-reintegration",
        "base": f"{ID}theme/"}]
    assert entry["url"] == api_base + "/api/queries/theme-questions"
    assert set(entry["snippets"]) == {"curl", "python", "r", "client"}
    assert "SPARQLWrapper" in entry["snippets"]["python"] and api_base + "/sparql" in entry["snippets"]["python"]
    assert entry["snippets"]["curl"].startswith("curl ") and "/api/queries/theme-questions" in entry["snippets"]["curl"]
    assert "read.csv(" in entry["snippets"]["r"] and "format=csv" in entry["snippets"]["r"]
    assert entry["snippets"]["client"].startswith("from gcm_kg.client import canned")
    assert f"canned('theme-questions', endpoint={api_base + '/sparql'!r}, theme=" in entry["snippets"]["client"]


def test_listing_permalink_opens_the_query_ui_with_a_runnable_query(api_base, canned_store):
    for entry in get(api_base, "/api/queries").json()["queries"]:
        url = urllib.parse.urlsplit(entry["permalink"])
        assert url.path == "/sparql"
        (text,) = urllib.parse.parse_qs(url.query)["query"]
        query = canned.get_query(entry["name"])
        assert text == query.bind().standalone_text()
        # the permalink's query gives what the API gives with the defaults
        assert len(list(canned_store.query(text))) == len(canned.run_table(canned_store, query.bind()).rows)


def test_listing_html_for_browsers(api_base):
    response = get(api_base, "/api/queries", accept=HTML)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = response.text
    for query in canned.load_queries().values():
        assert f"id='{query.name}'" in page
    assert "SPARQLWrapper" in page and "curl" in page and "read.csv" in page
    assert "/sparql?query=" in page


def test_the_snippet_python_code_runs_against_the_endpoint(api_base):
    pytest.importorskip("SPARQLWrapper")
    response = get(api_base, "/sparql", accept="application/sparql-results+json", query="ASK {}")
    if response.status_code == 404:
        pytest.skip("no /sparql endpoint in this build")
    entry = next(e for e in get(api_base, "/api/queries").json()["queries"] if e["name"] == "round-table-objectives")
    out = io.StringIO()
    import contextlib
    with contextlib.redirect_stdout(out):
        exec(compile(entry["snippets"]["python"], "snippet", "exec"), {})
    assert len(out.getvalue().splitlines()) == 6 and "Manage borders" in out.getvalue()


# -- running -------------------------------------------------------------------------------------
def test_run_json(api_base):
    response = get(api_base, "/api/queries/round-table-objectives")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert body["query"] == "round-table-objectives"
    assert body["columns"] == ["objective", "number", "title"]
    assert [(r["number"], r["title"]) for r in body["rows"]] == paper.ROUND_TABLE_OBJECTIVES
    assert (body["limit"], body["offset"], body["next"]) == (MAX_ROWS, 0, None)
    assert response.headers["X-Row-Limit"] == str(MAX_ROWS)


def test_run_csv(api_base):
    for response in (get(api_base, "/api/queries/round-table-objectives", accept="text/csv"),
                     get(api_base, "/api/queries/round-table-objectives", format="csv")):
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
        assert rows[0] == ["objective", "number", "title"]
        assert [(int(n), t) for _, n, t in rows[1:]] == paper.ROUND_TABLE_OBJECTIVES


def test_run_sparql_result_formats(api_base):
    response = get(api_base, "/api/queries/theme-questions", accept="application/sparql-results+json")
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    results = response.json()
    assert results["head"]["vars"] == ["question", "number", "wording", "objectives"]
    assert [b["number"]["value"] for b in results["results"]["bindings"]] == ["13", "14"]
    for accept, fmt in (("application/sparql-results+xml", ox.QueryResultsFormat.XML),
                        ("text/tab-separated-values", ox.QueryResultsFormat.TSV)):
        response = get(api_base, "/api/queries/theme-questions", accept=accept)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(accept)
        solutions = ox.parse_query_results(response.content, format=fmt)
        assert [s["number"].value for s in solutions] == ["13", "14"]


def test_every_format_gives_the_items_of_a_list_column_in_order(api_base):
    # Question 14 serves objectives 9, 10, 13 and 14: numbers by value, whatever the engine's order.
    ordered = "9, 10, 13, 14"
    assert get(api_base, "/api/queries/theme-questions").json()["rows"][1]["objectives"] == ordered
    for fmt in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV):
        response = get(api_base, "/api/queries/theme-questions", accept=fmt.media_type)
        assert [s["objectives"].value for s in ox.parse_query_results(response.content, format=fmt)][1] == ordered
    rows = list(csv.DictReader(io.StringIO(get(api_base, "/api/queries/theme-questions", format="csv").text)))
    assert rows[1]["objectives"] == ordered
    assert f"<td>{ordered}</td>" in get(api_base, "/api/queries/theme-questions", accept=HTML).text


def test_run_html_for_browsers(api_base):
    response = get(api_base, "/api/queries/questions-mentioning", accept=HTML, text="<script>alert(1)</script>")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    assert "<script>alert" not in response.text and "&lt;script&gt;" in response.text


def test_multiple_values_by_repeating_the_parameter(api_base):
    response = get(api_base, "/api/queries/theme-resources", theme=["return-and-reintegration", "consular-protection"],
                   kind="video")
    assert {r["url"] for r in response.json()["rows"]} == {paper.AVRR_VIDEO, paper.AVRR_BRAZIL}


# -- paging --------------------------------------------------------------------------------------
def _links(response) -> dict[str, str]:
    return {link["rel"]: link["url"] for link in requests.utils.parse_header_links(response.headers["Link"])}


def test_paging_with_link_headers(api_base, canned_store):
    everything = get(api_base, "/api/queries/coverage-matrix", limit=1000).json()["rows"]
    # six objectives x seven top-level themes, capped at the row cap
    assert len(everything) == 42 > MAX_ROWS or len(everything) == MAX_ROWS
    pages, url = [], api_base + "/api/queries/coverage-matrix?limit=7"
    while url:
        response = requests.get(url, headers={"Accept": "application/json"}, timeout=30)
        assert response.status_code == 200
        body = response.json()
        pages.append(body["rows"])
        links = _links(response)
        assert body["next"] == links.get("next")
        assert "first" in links and ("prev" in links) == (body["offset"] > 0)
        url = links.get("next")
    assert [len(p) for p in pages] == [7, 7, 7, 7, 7, 7]
    whole = canned.run_table(canned_store, canned.get_query("coverage-matrix").bind())
    assert sum(pages, []) == whole.records()


def test_row_cap_is_announced_and_applied(api_base):
    response = get(api_base, "/api/queries/coverage-matrix", limit=1000)
    body = response.json()
    assert response.headers["X-Row-Limit"] == str(MAX_ROWS)
    assert body["limit"] == MAX_ROWS and len(body["rows"]) == MAX_ROWS
    assert _links(response)["next"].endswith(f"limit={MAX_ROWS}&offset={MAX_ROWS}")
    rest = requests.get(_links(response)["next"], timeout=30).json()
    assert len(rest["rows"]) == 42 - MAX_ROWS and rest["next"] is None


def test_paging_keeps_the_parameters_and_works_for_csv(api_base):
    response = get(api_base, "/api/queries/theme-questions", accept="text/csv", theme="return-and-reintegration",
                   limit=2, offset=0)
    assert len(list(csv.reader(io.StringIO(response.text)))) == 3  # header + 2
    nxt = _links(response)["next"]
    assert "theme=return-and-reintegration" in nxt and "offset=2" in nxt
    rest = requests.get(nxt, headers={"Accept": "text/csv"}, timeout=30)
    assert len(list(csv.reader(io.StringIO(rest.text)))) == 2  # header + question 13
    assert "next" not in _links(rest) and "prev" in _links(rest)


# -- errors --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, params, status, parameter", [
    ("/api/queries/theme-questions", {"theme": "x> } UNION { ?s ?p ?o } #"}, 400, "theme"),
    ("/api/queries/theme-questions", {"theme": "a\x00b"}, 400, "theme"),
    ("/api/queries/theme-questions", {"thme": "border-management"}, 400, "thme"),
    ("/api/queries/objective-resources", {"objective": "24"}, 400, "objective"),
    ("/api/queries/events-on-date", {"date": "2021-13-01"}, 400, "date"),
    ("/api/queries/theme-resources", {"kind": "podcast"}, 400, "kind"),
    ("/api/queries/round-table-objectives", {"limit": "0"}, 400, "limit"),
    ("/api/queries/round-table-objectives", {"limit": "ten"}, 400, "limit"),
    ("/api/queries/round-table-objectives", {"offset": "-1"}, 400, "offset"),
    ("/api/queries/round-table-objectives", {"format": "yaml"}, 400, "format"),
])
def test_bad_parameters_are_400_problems_naming_the_parameter(api_base, path, params, status, parameter):
    response = get(api_base, path, accept="application/json", **params)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["parameter"] == parameter and parameter in problem["detail"]


def test_hostile_values_over_http(api_base):
    hostile = ['"', ">", "}", "\n", "\\u0022", "\x00", '" } UNION { ?s ?p ?o } #', "%3E%7D"]
    session = requests.Session()
    for query in canned.load_queries().values():
        benign = len(get(api_base, f"/api/queries/{query.name}").json()["rows"])
        for param in query.params:
            for value in hostile:
                response = session.get(f"{api_base}/api/queries/{query.name}", params={param.name: value}, timeout=30)
                assert response.status_code in (200, 400), (query.name, param.name, value)
                if response.status_code == 200:
                    assert len(response.json()["rows"]) <= max(benign, 14), (query.name, param.name, value)


def test_unknown_query_is_404_and_unacceptable_type_is_406(api_base):
    response = get(api_base, "/api/queries/no-such-query", accept="application/json")
    assert response.status_code == 404 and "round-table-objectives" in response.json()["detail"]
    response = get(api_base, "/api/queries/round-table-objectives", accept="image/png")
    assert response.status_code == 406


# -- charts --------------------------------------------------------------------------------------
SVG_NS = "{http://www.w3.org/2000/svg}"


def _marks(svg_text: str) -> list:
    root = ElementTree.fromstring(svg_text.encode("utf-8"))
    return [e for e in root.iter() if e.get("class") == "mark"]


def test_run_svg_the_chart_a_query_declares(api_base):
    rows = get(api_base, "/api/queries/coverage-matrix").json()["rows"]
    assert len(rows) == min(42, MAX_ROWS)  # the chart is of one page of rows, as the other formats
    by_format = get(api_base, "/api/queries/coverage-matrix", format="svg")
    by_accept = get(api_base, "/api/queries/coverage-matrix", accept="image/svg+xml")
    for response in (by_format, by_accept):
        assert response.status_code == 200 and response.headers["Content-Type"] == "image/svg+xml; charset=utf-8"
        assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")
        root = ElementTree.fromstring(response.content)
        assert root.tag == SVG_NS + "svg" and root.get("data-kind") == "heatmap"
        assert root.find(SVG_NS + "title").text == "Coverage matrix of objectives and themes"
        assert len(_marks(response.text)) == len(rows)
    # Chosen by Accept, the answer says it varies with Accept (RFC 9110 §12.5.5).
    assert "Accept" in [v.strip() for v in by_accept.headers["Vary"].split(",")]
    # A browser's Accept still gets the HTML page; */* the JSON.
    assert get(api_base, "/api/queries/coverage-matrix", accept=HTML).headers["Content-Type"].startswith("text/html")
    assert get(api_base, "/api/queries/coverage-matrix").headers["Content-Type"] == "application/json"


def test_svg_of_a_query_without_a_chart_is_400_by_format_and_406_by_accept(api_base):
    response = get(api_base, "/api/queries/theme-questions", format="svg")
    assert response.status_code == 400 and response.json()["parameter"] == "format"
    assert "declares no chart" in response.json()["detail"]
    response = get(api_base, "/api/queries/theme-questions", accept="image/svg+xml")
    assert response.status_code == 406 and "Accept" in response.headers["Vary"]
    response = get(api_base, "/api/queries/theme-questions", accept="image/svg+xml, application/problem+json;q=0.1")
    assert response.status_code == 406 and "image/svg+xml" not in response.json()["offered"]


def test_listing_html_offers_svg_only_for_queries_with_a_chart(api_base):
    page = get(api_base, "/api/queries", accept=HTML).text
    sections = {name: page[page.index(f"<section id='{name}'>"):] for name in ("coverage-matrix", "theme-questions")}
    sections = {name: text[:text.index("</section>")] for name, text in sections.items()}
    assert "<option>svg</option>" in sections["coverage-matrix"] and "heatmap chart (SVG)" in sections["coverage-matrix"]
    assert "<option>svg</option>" not in sections["theme-questions"] and "(SVG)" not in sections["theme-questions"]


def test_html_page_of_a_query_shows_its_chart(api_base):
    response = get(api_base, "/api/queries/coverage-matrix", accept=HTML)
    inline = response.text[response.text.index("<svg "):response.text.index("</svg>") + 6]
    assert response.text.count("<svg ") == 1 and len(_marks(inline)) == min(42, MAX_ROWS)
    assert "format=svg" in response.text and "<?xml" not in response.text
    assert "<svg " not in get(api_base, "/api/queries/theme-questions", accept=HTML).text


# -- OpenAPI -------------------------------------------------------------------------------------
def test_openapi_is_valid_3_1_and_covers_every_query(api_base):
    response = get(api_base, "/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)
    for query in canned.load_queries().values():
        operation = document["paths"][f"/api/queries/{query.name}"]["get"]
        names = [p["name"] for p in operation["parameters"]]
        assert names == [p.name for p in query.params] + ["limit", "offset", "format"]
    kind = next(p for p in document["paths"]["/api/queries/theme-resources"]["get"]["parameters"] if p["name"] == "kind")
    assert kind["schema"]["type"] == "array" and "video" in kind["schema"]["items"]["enum"] and kind["explode"]
    objective = document["paths"]["/api/queries/objective-resources"]["get"]["parameters"][0]
    assert objective["schema"] == {"type": "integer", "minimum": 1, "maximum": 23, "default": 14}
    assert document["servers"] == [{"url": api_base}]
    # The chart: svg for the queries that declare one, and POST /api/chart.
    for name, charted in (("coverage-matrix", True), ("theme-questions", False)):
        operation = document["paths"][f"/api/queries/{name}"]["get"]
        assert ("svg" in operation["parameters"][-1]["schema"]["enum"]) is charted
        assert ("image/svg+xml" in operation["responses"]["200"]["content"]) is charted
    chart = document["paths"]["/api/chart"]["post"]
    assert list(chart["requestBody"]["content"]) == ["application/sparql-results+json"]
    assert list(chart["responses"]["200"]["content"]) == ["image/svg+xml"]


# -- the queries as RDF --------------------------------------------------------------------------
SH = "http://www.w3.org/ns/shacl#"


def test_sparql_examples_turtle(api_base):
    response = get(api_base, "/.well-known/sparql-examples", accept="text/turtle")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
    executables = {t.subject.value for t in triples
                   if t.predicate.value.endswith("#type") and t.object.value == SH + "SPARQLSelectExecutable"}
    assert executables == {q.iri for q in canned.load_queries().values()}
    selects = [t for t in triples if t.predicate.value == SH + "select"]
    assert len(selects) == len(executables)
    for t in selects:  # each sh:select is a runnable SPARQL query
        ox.Store().query(t.object.value)
    assert get(api_base, "/.well-known/sparql-examples", accept=HTML).url.endswith("/api/queries")
    nq = get(api_base, "/.well-known/sparql-examples", accept="application/n-quads")
    assert f"<{catalogue.QUERIES_GRAPH}>" in nq.text


def test_queries_graph_is_queryable_in_the_store(canned_store):
    rows = list(canned_store.query(f"""
        PREFIX sh: <{SH}> PREFIX schema: <https://schema.org/>
        SELECT ?q ?text WHERE {{ GRAPH <{catalogue.QUERIES_GRAPH}> {{
            ?q a sh:SPARQLExecutable, sh:SPARQLSelectExecutable ; sh:select ?text ;
               schema:target <{catalogue.ENDPOINT}> ; schema:keywords "objectives" . }} }}"""))
    assert {r["q"].value for r in rows} >= {ID + "query/round-table-objectives", ID + "query/coverage-matrix"}


def test_queries_graph_is_queryable_at_the_endpoint(api_base):
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{catalogue.QUERIES_GRAPH}> {{ ?q a <{SH}SPARQLSelectExecutable> }} }}"
    response = requests.post(api_base + "/sparql", data={"query": query},
                             headers={"Accept": "application/sparql-results+json"}, timeout=30)
    if response.status_code == 404:
        pytest.skip("no /sparql endpoint in this build")
    assert response.status_code == 200
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == len(canned.load_queries())


# -- every listed call, on every engine ----------------------------------------------------------
@pytest.fixture(scope="module")
def embedded_api():
    """The same API over the embedded store: the answers every engine must give."""
    from gcm_kg.core.settings import Settings
    from gcm_kg.store.embedded import EmbeddedStore
    from gcm_kg.web.app import create_app

    return create_app(Settings(max_rows=MAX_ROWS), EmbeddedStore.in_memory()).test_client()


@pytest.mark.parametrize("name", sorted(canned.load_queries()))
def test_every_listed_example_and_default_call_gives_the_embedded_store_s_rows(api_base, embedded_api, backend_kind,
                                                                               name):
    entry = next(e for e in get(api_base, "/api/queries").json()["queries"] if e["name"] == name)
    # The API's JSON, and SPARQL JSON: the terms themselves, language tags and datatypes included.
    for url, accept in itertools.product((entry["url"], entry["example"]),
                                         ("application/json", "application/sparql-results+json")):
        response = requests.get(url, headers={"Accept": accept}, timeout=30)
        assert response.status_code == 200, (url, response.text)
        expected = embedded_api.get(url.removeprefix(api_base), headers={"Accept": accept})
        assert expected.status_code == 200
        rows, expected_rows = (_rows(response.json()), _rows(expected.json))
        assert sorted(map(repr, rows)) == sorted(map(repr, expected_rows)), (url, accept)


def _rows(body: dict) -> list[dict]:
    return body["rows"] if "rows" in body else body["results"]["bindings"]
