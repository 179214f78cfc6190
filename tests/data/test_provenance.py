"""Every quoted passage of the graph is really in the source paper.

``oa:exact`` must occur verbatim in the paper once Markdown emphasis is removed, ``\\_`` is
unescaped and whitespace runs are collapsed; with its ``oa:prefix``/``oa:suffix`` the selector
must pick out exactly one place.
"""

from __future__ import annotations

import pytest

from .gcmkg_data_helpers import normalize, paper, select

SELECTORS = select("""
SELECT ?passage ?source ?exact ?prefix ?suffix WHERE {
  ?passage a oa:SpecificResource ; oa:hasSource ?source ; oa:hasSelector ?sel .
  ?sel a oa:TextQuoteSelector ; oa:exact ?exact .
  OPTIONAL { ?sel oa:prefix ?prefix } OPTIONAL { ?sel oa:suffix ?suffix }
} ORDER BY ?passage""")


def test_normalize_drops_emphasis_unescapes_and_collapses_whitespace():
    assert normalize("**GCM Objective #9.**  Strengthen\n\nthe *response*") == \
        "GCM Objective #9. Strengthen the response"
    assert normalize("OHCHR\\_Recommended OHCHR\\\\_Principles") == "OHCHR_Recommended OHCHR_Principles"


def test_normalize_prints_markdown_links_as_their_text():
    assert normalize("[https://a.org/x\\\\_y](https://a.org/x\\_y) and <https://b.org/z>") == \
        "https://a.org/x_y and https://b.org/z"


def test_every_cited_work_url_is_in_a_passage_it_is_derived_from():
    rows = select("""
    SELECT ?w ?url (GROUP_CONCAT(?exact; separator=" | ") AS ?quotes) WHERE {
      ?s cito:cites ?w . ?w schema:url ?url .
      OPTIONAL { ?w prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact }
    } GROUP BY ?w ?url""")
    assert len(rows) == 12
    for r in rows:
        assert r["url"] in (r["quotes"] or ""), r["w"]


def test_there_are_passages():
    assert len(SELECTORS) >= 50


@pytest.mark.parametrize("row", SELECTORS, ids=lambda r: r["passage"].rsplit("/", 1)[-1])
def test_exact_occurs_verbatim_and_selector_is_unique(row):
    text = paper()
    assert row["source"].endswith("/document/lac-2021-rt3-background-paper"), "quotes are from the paper"
    exact = row["exact"]
    assert exact == exact.strip() and exact, "oa:exact is non-empty and not padded"
    assert normalize(exact) == exact, f"quote the printed text, not Markdown: {exact!r}"
    assert exact in text, f"not in the paper: {exact!r}"
    quote = normalize((row["prefix"] or "") + exact + (row["suffix"] or ""))
    found = text.count(quote)
    assert found == 1, f"prefix + exact + suffix occurs {found} times: {exact[:60]!r}"
    if row["prefix"] or row["suffix"]:
        assert text.count(exact) > 1, f"oa:prefix/oa:suffix given but the quote occurs once: {exact[:60]!r}"


def test_every_passage_has_one_source_and_one_selector():
    rows = select("""
    SELECT ?p (COUNT(DISTINCT ?src) AS ?n) (COUNT(DISTINCT ?sel) AS ?m) WHERE {
      ?p a oa:SpecificResource . OPTIONAL { ?p oa:hasSource ?src } OPTIONAL { ?p oa:hasSelector ?sel }
    } GROUP BY ?p""")
    assert rows
    bad = [r["p"] for r in rows if r["n"] != 1 or r["m"] != 1]
    assert not bad


def test_objective_annotations_target_the_heading_that_names_the_objective():
    rows = select("""
    SELECT ?n ?title ?exact WHERE {
      ?a a oa:Annotation ; oa:motivatedBy oa:identifying ; oa:hasBody ?o ; oa:hasTarget ?p .
      ?o a gcmo:Objective ; skos:notation ?n ; skos:prefLabel ?title .
      ?p oa:hasSelector/oa:exact ?exact .
      FILTER(lang(?title) = "en")  # the paper prints the English titles
    }""")
    assert sorted(int(r["n"]) for r in rows) == [9, 10, 11, 14, 21, 23]
    for r in rows:
        assert r["exact"] == f"GCM Objective #{r['n']}. {r['title']}"


def test_every_derivation_points_to_something_described():
    rows = select("""
    SELECT DISTINCT ?x ?src WHERE {
      ?x prov:wasDerivedFrom ?src .
      FILTER NOT EXISTS { ?src ?p ?o }
    }""")
    assert not rows, rows
