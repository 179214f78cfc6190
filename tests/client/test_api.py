"""gcm_kg.client.api: query() at gcm-kg and at ``oxigraph serve``, canned() and search() through
every page, clear errors, the /api/queries snippet run as given, and a lean import."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import requests

from gcm_kg.client import IRI, EndpointError, LangString, canned, query, search
from gcm_kg.client.api import LONGEST_GET_URL, service_root

from ..support.live_server import LiveServer
from .conftest import MAX_ROWS

ID = "https://w3id.org/gcm-kg/id/"
TYPED = """
PREFIX schema: <https://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?objective ?number ?label ?share ?open ?start WHERE {
  ?objective schema:position ?number ; skos:prefLabel ?label .
  FILTER(STRSTARTS(STR(?objective), "https://w3id.org/gcm-kg/id/objective/") && LANG(?label) = "en")
  BIND(?number / 23 AS ?share)
  BIND(?number > 20 AS ?open)
  BIND(IF(?number = 9, "2018-12-19"^^xsd:date, ?unbound) AS ?start)
} ORDER BY ?number
"""


def _check_typed(frame: pd.DataFrame) -> None:
    assert list(frame.columns) == ["objective", "number", "label", "share", "open", "start"]
    assert frame["number"].tolist() == list(range(1, 24)) and str(frame["number"].dtype) == "Int64"
    assert all(type(v) is IRI for v in frame["objective"]) and frame["objective"].iloc[8] == ID + "objective/9"
    assert all(type(v) is LangString and v.lang == "en" for v in frame["label"])
    assert frame["share"].dtype == object and float(frame["share"].iloc[22]) == 1.0  # xsd:decimal, exact
    assert str(frame["open"].dtype) == "boolean" and frame["open"].sum() == 3
    assert pd.api.types.is_datetime64_dtype(frame["start"]) and frame["start"].notna().sum() == 1
    assert frame["start"].iloc[8] == pd.Timestamp("2018-12-19")


def test_query_types_the_columns_at_gcm_kg(gcm_server):
    _check_typed(query(TYPED, endpoint=gcm_server.url))


def test_query_works_at_any_sparql_endpoint_and_gives_the_same_frame(gcm_server, oxigraph_upstream):
    ours = query(TYPED, endpoint=gcm_server.url)
    theirs = query(TYPED, endpoint=oxigraph_upstream.query_url)
    _check_typed(theirs)
    pd.testing.assert_frame_equal(ours, theirs)


def test_ask_gives_a_bool(gcm_server, oxigraph_upstream):
    for endpoint in (gcm_server.url, oxigraph_upstream.query_url):
        assert query(f"ASK {{ <{ID}objective/9> ?p ?o }}", endpoint=endpoint) is True
        assert query(f"ASK {{ <{ID}objective/99> ?p ?o }}", endpoint=endpoint) is False


def test_a_long_query_is_posted(gcm_server):
    padding = "# " + "x" * LONGEST_GET_URL + "\n"
    frame = query(padding + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", endpoint=gcm_server.url)
    assert frame["n"].iloc[0] > 1000


def test_the_endpoint_comes_from_the_environment(gcm_server, monkeypatch):
    monkeypatch.setenv("GCM_KG_ENDPOINT", gcm_server.url)
    assert query("ASK {}") is True
    assert service_root(None) == gcm_server.base


def test_errors_carry_the_servers_problem_detail(gcm_server):
    with pytest.raises(EndpointError) as caught:
        query("SELECT ?x WHERE { ?x ", endpoint=gcm_server.url)
    assert caught.value.status == 400 and caught.value.title == "SPARQL syntax error" and caught.value.detail
    with pytest.raises(EndpointError) as caught:
        canned("theme-questions", endpoint=gcm_server.url, theme="not an iri")
    assert caught.value.status == 400 and "'theme'" in caught.value.detail


def test_a_construct_query_is_refused_clearly(gcm_server, oxigraph_upstream):
    with pytest.raises(EndpointError) as caught:
        query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", endpoint=gcm_server.url)
    assert caught.value.status == 406 and "text/turtle" in caught.value.detail
    with pytest.raises(EndpointError) as caught:
        query("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", endpoint=oxigraph_upstream.query_url)
    assert caught.value.status == 406


def _turtle_anyway(environ, start_response):
    """An endpoint that answers every query with Turtle, whatever was asked for."""
    start_response("200 OK", [("Content-Type", "text/turtle")])
    return [b"<https://example.org/s> <https://example.org/p> 1 .\n"]


def test_an_answer_that_is_not_a_sparql_result_is_refused_saying_why():
    with LiveServer(_turtle_anyway, quiet=True) as server:
        with pytest.raises(EndpointError, match="got text/turtle: query\\(\\) runs SELECT and ASK"):
            query("CONSTRUCT WHERE { ?s ?p ?o }", endpoint=server.url)


def test_canned_follows_every_page_and_matches_the_api(gcm_server):
    frame = canned("coverage-matrix", endpoint=gcm_server.url)
    assert len(frame) > MAX_ROWS  # more than one page
    rows, url = [], gcm_server.base + "/api/queries/coverage-matrix"
    while url:
        page = requests.get(url, timeout=30).json()
        rows += page["rows"]
        url = page["next"]
    assert frame["objective"].tolist() == [row["objective"] for row in rows]
    assert frame["questions"].tolist() == [int(row["questions"]) for row in rows]
    assert str(frame["questions"].dtype) == "Int64" and str(frame["instruments"].dtype) == "Int64"


def test_canned_binds_parameters_single_and_multiple(gcm_server):
    one = canned("theme-resources", endpoint=gcm_server.url, theme="consular-protection")
    both = canned("theme-resources", endpoint=gcm_server.url, theme=["consular-protection", "return-and-reintegration"])
    assert set(one["theme"]) == {ID + "theme/consular-protection"}
    assert set(both["theme"]) == {ID + "theme/consular-protection", ID + "theme/return-and-reintegration"}
    # a language-tagged value is sent as text@lang
    spanish = canned("concept-by-label", endpoint=gcm_server.url, label=LangString("Protección consular", "es"))
    assert ID + "theme/consular-protection" in spanish["concept"].tolist()
    assert canned("concept-by-label", endpoint=gcm_server.url, label=LangString("Protección consular", "en")).empty


def test_canned_and_search_need_a_gcm_kg_endpoint(oxigraph_upstream):
    with pytest.raises(ValueError, match="/sparql"):
        canned("coverage-matrix", endpoint=oxigraph_upstream.query_url)


def test_search_gives_ranked_hits_through_every_page(gcm_server):
    hits = search("migration", endpoint=gcm_server.url)
    assert hits.attrs["total"] == len(hits) > MAX_ROWS
    assert list(hits.columns) == ["iri", "label", "kind", "snippet", "score"]
    assert all(type(v) is IRI for v in hits["iri"]) and hits["score"].dtype == "float64"
    assert hits["score"].is_monotonic_decreasing
    first = search("migration", endpoint=gcm_server.url, limit=3)
    assert first["iri"].tolist() == hits["iri"].tolist()[:3] and first.attrs["total"] == len(hits)
    questions = search("consular protection", endpoint=gcm_server.url, kind="question", lang="en")
    assert len(questions) and set(questions["kind"]) == {"question"}
    assert questions["snippet"].str.contains("<mark>").all()


def test_no_hits_keeps_the_column_types(gcm_server):
    none = search("zzzzqqqq", endpoint=gcm_server.url)
    assert none.empty and none.attrs["total"] == 0
    assert none["score"].dtype == "float64" and isinstance(none["label"].dtype, pd.StringDtype)


def test_hostile_search_text_is_a_clear_error(gcm_server):
    with pytest.raises(EndpointError) as caught:
        search("*", endpoint=gcm_server.url)
    assert caught.value.status == 400 and caught.value.detail


def test_the_api_listing_client_snippet_runs_as_given(gcm_server):
    listing = requests.get(gcm_server.base + "/api/queries", headers={"Accept": "application/json"}, timeout=30).json()
    entry = next(e for e in listing["queries"] if e["name"] == "theme-resources")
    snippet = entry["snippets"]["client"]
    namespace: dict = {"print": lambda *args: None}
    exec(compile(snippet, "<snippet>", "exec"), namespace)
    expected = canned("theme-resources", endpoint=gcm_server.url)
    pd.testing.assert_frame_equal(namespace["rows"], expected)


def test_importing_the_client_loads_nothing_of_the_server():
    code = ("import sys, gcm_kg.client; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'flask', 'pyoxigraph', 'rdflib', 'pyshacl', 'werkzeug'} "
            "or (m.startswith('gcm_kg.') and not m.startswith('gcm_kg.client'))))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_readme_example_runs_as_written(gcm_server, oxigraph_upstream, monkeypatch):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Python client — `gcm_kg.client`.*?```python\n(.*?)```", readme, re.DOTALL).group(1)
    monkeypatch.setenv("GCM_KG_ENDPOINT", gcm_server.url)  # the examples without endpoint= use it
    namespace: dict = {}
    exec(compile(block.replace("http://127.0.0.1:7878/query", oxigraph_upstream.query_url), "README", "exec"), namespace)
    assert len(namespace["matrix"]) > MAX_ROWS and str(namespace["matrix"]["questions"].dtype) == "Int64"
    assert len(namespace["works"]) and set(namespace["works"]["kind"]) == {ID + "work-kind/video"}
    assert len(namespace["hits"]) and set(namespace["hits"]["kind"]) == {"question"}
    assert len(namespace["rows"]) and str(namespace["rows"]["position"].dtype) == "Int64"
