"""The facts of the shipped graph agree with their sources, and every entity is well formed."""

from __future__ import annotations

import csv
import re

import pytest

from gcm_kg.core.namespaces import ID
from gcm_kg.rdf.rdfio import read_quads, shipped_files
from gcm_kg.store.shipped import shipped_quads
from .gcmkg_data_helpers import OBJECTIVES_TSV, normalize, paper, raw_paper, select

ENTITY_IRI = re.compile(r"^https://w3id\.org/gcm-kg/id/[a-z0-9-]+/[a-z0-9-]+$")
OBJECTIVE_IRI = re.compile(r"^https://w3id\.org/gcm-kg/id/objective/[1-9][0-9]?$")


def section(text: str, start: str, end: str | None) -> str:
    begin = text.index(start)
    return text[begin:text.index(end, begin) if end else None]


@pytest.mark.parametrize("path_graph", shipped_files(include_shapes=False), ids=lambda pg: pg[0].name)
def test_every_file_parses_and_is_not_empty(path_graph):
    path, graph = path_graph
    assert read_quads(path, graph=graph)


def test_all_shipped_rdf_parses():
    quads = shipped_quads()
    graphs = {q.graph_name.value for q in quads}
    assert {"https://w3id.org/gcm-kg/graph/ontology", "https://w3id.org/gcm-kg/graph/gcm/objectives",
            "https://w3id.org/gcm-kg/graph/review-lac-2021/passages"} <= graphs


def test_objectives_match_the_resolution_table():
    if not OBJECTIVES_TSV.is_file():
        pytest.skip(f"objectives table not available at {OBJECTIVES_TSV}")
    with OBJECTIVES_TSV.open(encoding="utf-8") as f:
        table = {int(r["number"]): (int(r["paragraph"]), r["title"]) for r in csv.DictReader(f, delimiter="\t")}
    rows = select("""
    SELECT ?o ?title ?notation ?pos ?para WHERE {
      ?o a gcmo:Objective ; skos:prefLabel ?title ; skos:notation ?notation ; schema:position ?pos ;
         gcmo:setOutIn ?p ; skos:inScheme <scheme/objectives> ; skos:topConceptOf <scheme/objectives> .
      ?p eli:number ?para ; eli:is_part_of <compact/gcm> ; eli:is_about ?o .
      FILTER(langMatches(lang(?title), "en"))
    }""")
    assert len(rows) == len(table) == 23
    for r in rows:
        n = r["pos"]
        assert OBJECTIVE_IRI.match(r["o"]) and r["o"].endswith(f"/{n}")
        assert r["notation"] == str(n)
        assert r["title"] == table[n][1]
        assert int(r["para"]) == table[n][0] == 16 + n


def test_ordered_collection_lists_the_objectives_in_official_order():
    rows = select("""
    SELECT ?o (COUNT(?mid) AS ?index) WHERE {
      <collection/objectives> skos:memberList ?list .
      ?list rdf:rest* ?mid . ?mid rdf:rest* ?node . ?node rdf:first ?o .
    } GROUP BY ?o ORDER BY ?index""")
    assert [r["o"].rsplit("/", 1)[1] for r in rows] == [str(n) for n in range(1, 24)]


def test_fourteen_questions_occur_in_section_iv_in_order():
    part = section(paper(), "IV. Guiding questions", "V. Additional related resources")
    rows = select("""
    SELECT ?pos ?text WHERE {
      ?q a schema:Question ; schema:position ?pos ; schema:text ?text ; schema:isPartOf <section/lac-2021-rt3-4> .
    } ORDER BY ?pos""")
    assert [r["pos"] for r in rows] == list(range(1, 15))
    cursor = 0
    for r in rows:
        found = part.find(f"{r['pos']}. {normalize(r['text'])}", cursor)
        assert found >= cursor, f"question {r['pos']} not found after question {r['pos'] - 1}"
        cursor = found + 1


def test_every_question_names_a_theme_and_an_objective():
    rows = select("""
    SELECT ?q (COUNT(DISTINCT ?t) AS ?themes) (COUNT(DISTINCT ?o) AS ?objectives) WHERE {
      ?q a schema:Question .
      OPTIONAL { ?q dct:subject ?t . ?t a gcmo:Theme }
      OPTIONAL { ?q gcmo:servesObjective ?o . ?o a gcmo:Objective }
    } GROUP BY ?q""")
    assert len(rows) == 14
    assert all(r["themes"] >= 1 and r["objectives"] >= 1 for r in rows)


def test_statements_are_verbatim_sentences_of_section_ii_each_challenge_xor_opportunity():
    part = section(paper(), "II. What are key challenges", "III. What are key priority issues")
    rows = select("""
    SELECT ?s ?text (COUNT(DISTINCT ?kind) AS ?kinds) WHERE {
      ?s a schema:Claim ; schema:text ?text ; schema:isPartOf <section/lac-2021-rt3-2> .
      OPTIONAL { ?s a ?kind FILTER(?kind IN (gcmo:Challenge, gcmo:Opportunity)) }
    } GROUP BY ?s ?text""")
    assert len(rows) >= 10
    for r in rows:
        assert normalize(r["text"]) in part, r["s"]
        assert r["kinds"] == 1, r["s"]


def test_section_headings_are_verbatim():
    text = paper()
    rows = select("SELECT ?s ?name WHERE { ?s schema:isPartOf+ <document/lac-2021-rt3-background-paper> ; "
                  "a schema:CreativeWork ; schema:name ?name }")
    assert len(rows) == 9
    for r in rows:
        assert normalize(r["name"]) in text, r["s"]


def link_targets(markdown: str) -> list[str]:
    return re.findall(r"\]\((https?://[^)\s]+)\)", markdown) + re.findall(r"<(https?://[^>\s]+)>", markdown)


def test_every_work_url_is_a_link_target_of_the_paper_and_every_section_v_link_is_a_work():
    raw = raw_paper()
    urls = {r["url"] for r in select("SELECT ?url WHERE { ?w schema:url ?url ; dct:type ?k }")}
    assert urls
    assert urls <= set(link_targets(raw)), urls - set(link_targets(raw))
    section_v = raw[raw.index("**V. Additional related resources**"):]
    assert set(link_targets(section_v)) == urls


def test_every_cited_work_is_listed_under_exactly_one_sub_heading_of_section_v():
    rows = select("""
    SELECT ?w (COUNT(DISTINCT ?sub) AS ?n) WHERE {
      <document/lac-2021-rt3-background-paper> cito:cites ?w .
      OPTIONAL { ?sub schema:isPartOf <section/lac-2021-rt3-5> ; cito:cites ?w }
    } GROUP BY ?w""")
    assert len(rows) == 12
    assert all(r["n"] == 1 for r in rows)


def test_every_gcm_iri_follows_the_uri_scheme():
    rows = select(f"""
    SELECT DISTINCT ?x WHERE {{
      {{ ?x ?p ?o }} UNION {{ ?s ?p ?x }}
      FILTER(isIRI(?x) && STRSTARTS(STR(?x), "{ID}"))
    }}""")
    assert len(rows) > 100
    for r in rows:
        iri = r["x"]
        assert ENTITY_IRI.match(iri), iri
        if "/objective/" in iri:
            assert OBJECTIVE_IRI.match(iri) and 1 <= int(iri.rsplit("/", 1)[1]) <= 23, iri


def test_every_entity_has_a_label_and_provenance():
    rows = select(f"""
    SELECT ?x (COUNT(?label) AS ?labels) (COUNT(?prov) AS ?provs) WHERE {{
      ?x a ?type . FILTER(STRSTARTS(STR(?x), "{ID}"))
      OPTIONAL {{ ?x rdfs:label|skos:prefLabel|schema:name|dct:title ?label }}
      OPTIONAL {{ ?x prov:wasDerivedFrom|oa:hasSource|oa:hasTarget ?prov }}
    }} GROUP BY ?x""")
    assert len(rows) > 100
    missing = [r["x"] for r in rows if not r["labels"] or not r["provs"]]
    assert not missing, missing


def test_every_minted_term_is_documented_in_english_and_spanish():
    rows = select("""
    SELECT ?t (GROUP_CONCAT(DISTINCT lang(?l)) AS ?labels) (GROUP_CONCAT(DISTINCT lang(?d)) AS ?defs)
           (COUNT(DISTINCT ?ex) AS ?examples) (COUNT(DISTINCT ?by) AS ?definedBy) WHERE {
      ?t ?p ?o . FILTER(STRSTARTS(STR(?t), STR(gcmo:)))
      OPTIONAL { ?t rdfs:label ?l } OPTIONAL { ?t skos:definition ?d }
      OPTIONAL { ?t skos:example ?ex } OPTIONAL { ?t rdfs:isDefinedBy ?by FILTER(?by = <https://w3id.org/gcm-kg/ontology>) }
    } GROUP BY ?t""")
    assert {r["t"].split("#")[1] for r in rows} == {
        "Objective", "Theme", "Challenge", "Opportunity", "ObjectiveNumber",
        "coversObjective", "servesObjective", "generalObjective", "setOutIn",
        "resultRowLimit", "queryTimeoutSeconds"}
    for r in rows:
        assert set(r["labels"].split()) == {"en", "es"}, r["t"]
        assert set(r["defs"].split()) == {"en", "es"}, r["t"]
        assert r["examples"] >= 1 and r["definedBy"] == 1, r["t"]


def test_ontology_examples_are_valid_turtle():
    import pyoxigraph as ox

    from gcm_kg.core.namespaces import PREFIXES

    header = "@base <https://w3id.org/gcm-kg/id/> .\n" + "".join(f"@prefix {p}: <{i}> .\n" for p, i in PREFIXES.items())
    rows = select("SELECT ?t ?ex WHERE { ?t skos:example ?ex FILTER(STRSTARTS(STR(?t), STR(gcmo:))) }")
    assert len(rows) >= 9
    for r in rows:
        assert list(ox.parse((header + r["ex"]).encode(), format=ox.RdfFormat.TURTLE)), r["t"]
