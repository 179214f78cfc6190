"""The facts of the shipped graph agree with their sources, and every entity is well formed."""

from __future__ import annotations

import csv
import re

import pytest

from gcm_kg.core.namespaces import ID
from gcm_kg.rdf.rdfio import read_quads, shipped_files
from gcm_kg.store.shipped import shipped_quads
from .gcmkg_data_helpers import OBJECTIVES_TSV, normalize, paper, raw_paper, select

# {kind}/{key}, or an earlier release of a dataset: dataset/{key}/{version} (DCAT 3 versioning)
ENTITY_IRI = re.compile(r"^https://w3id\.org/gcm-kg/id/([a-z0-9-]+/[a-z0-9-]+|dataset/[a-z0-9-]+/\d+\.\d+\.\d+)$")
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


SECTION_HEADINGS = {
    1: ("I. Why does this thematic area matter??", "II. What are key challenges"),
    2: ("II. What are key challenges", "III. What are key priority issues"),
    3: ("III. What are key priority issues", "IV. Guiding questions"),
}


@pytest.mark.parametrize("number", sorted(SECTION_HEADINGS))
def test_every_statement_is_a_verbatim_sentence_of_its_section(number):
    start, end = SECTION_HEADINGS[number]
    part = section(paper(), start, end)
    rows = select(f"""
    SELECT ?s ?text (COUNT(DISTINCT ?kind) AS ?kinds) WHERE {{
      ?s a schema:Claim ; schema:text ?text ; schema:isPartOf <section/lac-2021-rt3-{number}> .
      OPTIONAL {{ ?s a ?kind FILTER(?kind IN (gcmo:Challenge, gcmo:Opportunity, gcmo:Finding)) }}
    }} GROUP BY ?s ?text""")
    assert rows
    for r in rows:
        assert normalize(r["text"]) in part, r["s"]
        assert r["kinds"] == 1, r["s"]


def test_section_i_findings_named_in_the_audit_are_statements():
    texts = {r["text"] for r in select("SELECT ?text WHERE { ?s a schema:Claim ; schema:isPartOf <section/lac-2021-rt3-1> ; schema:text ?text }")}
    for start in ("A challenge to be considered is the need to increase the rate of detection",
                  "Many lack information and effective access to justice",
                  "This situation is aggravated by the lack of regulations",
                  "It should be noted that smuggling networks take advantage of regulatory and procedural gaps",
                  "In addition, due to the impact of the pandemic",
                  "Consular offices must assist the nationals",
                  "Assisted voluntary return and reintegration (AVRR) aims at the return and reintegration"):
        assert any(t.startswith(start) for t in texts), start


def test_the_two_reintegration_sentences_of_section_ii_are_statements_as_printed():
    rows = select("""SELECT ?text WHERE { ?s a gcmo:Challenge ; schema:isPartOf <section/lac-2021-rt3-2> ; schema:text ?text
                     FILTER(STRSTARTS(?text, "As the Compact points out") || STRSTARTS(?text, "To achieve this goal")) }""")
    assert len(rows) == 2
    printed = [r["text"] for r in rows if r["text"].startswith("To achieve")]
    # the sentence runs over a page break and ends without a full stop
    assert printed and printed[0].endswith("and addresses structural factors")


def test_section_iii_repeats_the_six_objectives_and_leaves_priorities_to_participants():
    about = select("SELECT ?n WHERE { <section/lac-2021-rt3-3> schema:about ?o . ?o schema:position ?n }")
    assert sorted(r["n"] for r in about) == [9, 10, 11, 14, 21, 23]
    note = select("""SELECT ?text WHERE { ?s a gcmo:Finding ; schema:isPartOf <section/lac-2021-rt3-3> ;
                     schema:about <round-table/lac-2021-3> ; schema:text ?text }""")
    assert [r["text"] for r in note] == [
        "We decided not to set the priorities ourselves but to leave room for the participants at the table "
        "to refer to the contents of the PMM objectives included within this round table."]
    acronym = select("SELECT ?a WHERE { <compact/gcm> schema:alternateName ?a FILTER(lang(?a) = 'es') }")
    assert [r["a"] for r in acronym] == ["PMM"]
    assert " PMM " in f" {paper()} "


def test_irregular_migration_and_administrative_detention_are_themes_where_the_paper_names_them():
    text = paper()
    assert "irregular migration" in text and "administrative detention" in text
    questions = {r["q"].rsplit("-", 1)[1] for r in select(
        "SELECT ?q WHERE { ?q a schema:Question ; dct:subject <theme/irregular-migration> }")}
    for n in questions:
        wording = select(f"SELECT ?t WHERE {{ <question/lac-2021-rt3-{n}> schema:text ?t }}")[0]["t"]
        assert "irregular" in wording, n
    assert {"8", "9", "10"} <= questions
    detention = select("SELECT ?q WHERE { ?q a schema:Question ; dct:subject <theme/administrative-detention> }")
    assert [r["q"].rsplit("-", 1)[1] for r in detention] == ["14"]


def test_every_link_to_an_objective_follows_the_linking_rule():
    """A question or statement serves each objective its themes match (skos:relatedMatch), and
    serves any other objective only with an rdfs:comment that names that objective."""
    rows = select("""
    SELECT ?x ?n (SAMPLE(?why) AS ?comment) (COUNT(?via) AS ?viaThemes) WHERE {
      ?x gcmo:servesObjective ?o . ?o schema:position ?n .
      OPTIONAL { ?x rdfs:comment ?why }
      OPTIONAL { ?x dct:subject ?t . ?t skos:relatedMatch ?o . BIND(?t AS ?via) }
    } GROUP BY ?x ?n""")
    assert len(rows) > 50
    for r in rows:
        if not r["viaThemes"]:
            assert r["comment"] and re.search(rf"objectives? [0-9, and]*\b{r['n']}\b", r["comment"]), (r["x"], r["n"])
    missing = select("""
    SELECT ?x ?n WHERE {
      ?x dct:subject ?t . ?t skos:relatedMatch ?o . ?o schema:position ?n .
      { ?x a schema:Question } UNION { ?x a schema:Claim }
      FILTER NOT EXISTS { ?x gcmo:servesObjective ?o }
    }""")
    assert not missing, missing


def test_question_links_the_audit_doubted_carry_their_reason_or_are_gone():
    def links(n):
        return {r["o"] for r in select(f"SELECT ?o WHERE {{ <question/lac-2021-rt3-{n}> gcmo:servesObjective/schema:position ?o }}")}
    assert 23 not in links(8)                       # collaboration within a country is not international cooperation
    assert 13 in links(14) and 5 in links(10)       # "administrative detention", "regular and formal transit"
    for n in (6, 9, 10):                            # border management read from "local governments" / "border areas"
        comment = select(f"SELECT ?c WHERE {{ <question/lac-2021-rt3-{n}> rdfs:comment ?c }}")[0]["c"]
        assert "objective 11" in comment, n


def test_avrr_is_under_return_and_readmission_and_sustainable_reintegration():
    rows = select("SELECT ?b WHERE { <theme/assisted-voluntary-return-and-reintegration> skos:broader ?b }")
    assert {r["b"].rsplit("/", 1)[1] for r in rows} == {"return-and-readmission", "sustainable-reintegration"}
    assert "aims at the return and reintegration" in paper()


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
      # an earlier release's record (written by gcm-kg release) is a version of the dataset, whose
      # sources it shares
      OPTIONAL {{ ?x prov:wasDerivedFrom|oa:hasSource|oa:hasTarget|dcat:isVersionOf ?prov }}
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
        "Objective", "Theme", "Challenge", "Opportunity", "Finding", "ObjectiveNumber",
        "coversObjective", "servesObjective", "inferredPublisher", "generalObjective", "setOutIn",
        "resultRowLimit", "queryTimeoutSeconds", "Part", "Action", "firstParagraph", "lastParagraph",
        "actionLetter", "mentionsPrinciple"}
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


def test_cited_works_are_what_the_paper_says_they_are():
    names = {r["name"] for r in select("SELECT ?name WHERE { ?s cito:cites ?w . ?w schema:name ?name }")}
    assert "English version" not in names  # link text, not a title
    oc = select("SELECT ?t WHERE { <work/iacthr-oc-16-99> a ?t }")
    assert [r["t"] for r in oc] == ["https://schema.org/CreativeWork"]  # a court's advisory opinion, not legislation
    assert select("SELECT ?i WHERE { <work/iacthr-oc-16-99> schema:identifier ?i }") == [{"i": "OC-16/99"}]


def test_publishers_are_printed_or_marked_inferred():
    """schema:publisher and schema:author only where the paper prints the organisation with the
    work (or with the work it translates); a publisher read from a link's host is
    gcmo:inferredPublisher, and then the link really is on that host."""
    text = paper()
    printed = select("""
    SELECT ?w ?exact (GROUP_CONCAT(?alias; separator="|") AS ?aliases) WHERE {
      ?w schema:publisher|schema:author ?org .
      ?w (schema:translationOfWork?)/prov:wasDerivedFrom/oa:hasSelector/oa:exact ?exact .
      ?org schema:name|schema:alternateName ?alias .
    } GROUP BY ?w ?org ?exact""")
    by_work: dict[str, list[bool]] = {}
    for r in printed:
        by_work.setdefault(r["w"], []).append(any(a in r["exact"] for a in r["aliases"].split("|")))
    assert by_work and all(any(found) for found in by_work.values()), by_work
    hosts = {"unodc": "unodc.org", "ohchr": "ohchr.org", "iom": "iom.int", "ilo": "ilo.org",
             "unicef": "unicef.org", "iacthr": "corteidh.or.cr", "oas": "oas.org"}
    inferred = select("SELECT ?w ?org ?url WHERE { ?w gcmo:inferredPublisher ?org ; schema:url ?url }")
    assert len(inferred) == 8
    for r in inferred:
        host = re.match(r"https?://([^/]+)/", r["url"])[1]
        assert host.endswith(hosts[r["org"].rsplit("/", 1)[1]]), r
    both = select("SELECT ?w WHERE { ?w gcmo:inferredPublisher ?o ; schema:publisher ?o }")
    assert not both
    assert "UNICEF" not in text and "OAS" not in text.replace("oas.org", "")


def test_acronyms_the_paper_does_not_print_come_from_a_cited_source():
    text = f" {paper()} "
    rows = select("""
    SELECT ?org ?acronym (COUNT(?page) AS ?pages) WHERE {
      ?org a schema:Organization ; schema:alternateName ?acronym .
      OPTIONAL { ?org prov:wasDerivedFrom ?page . ?page a schema:WebPage ; schema:url ?url }
    } GROUP BY ?org ?acronym""")
    assert rows
    unprinted = {r["acronym"] for r in rows if not re.search(rf"[\s(-]{re.escape(r['acronym'])}[\s,)-]", text)}
    assert unprinted == {"OHCHR", "UNICEF", "OAS", "ECLAC"}
    for r in rows:
        if r["acronym"] in unprinted:
            assert r["pages"] >= 1, r


def test_every_source_page_gives_its_own_address_and_what_it_states():
    rows = select("""SELECT ?page ?url ?what WHERE { ?page a schema:WebPage ; schema:url ?url ; dct:description ?what }""")
    assert rows
    for r in rows:
        assert r["page"] == r["url"] and r["what"]
    cited = select("SELECT DISTINCT ?page WHERE { ?x prov:wasDerivedFrom ?page FILTER(STRSTARTS(STR(?page), 'http') "
                   "&& !STRSTARTS(STR(?page), 'https://w3id.org/gcm-kg/')) }")
    assert {r["page"] for r in cited} <= {r["page"] for r in rows}


# -- facts from sources other than the paper: each with its source page ---------------------------
HUB_EN = "https://migrationnetwork.un.org/hub?text=&gcm_objectives=288&cross_cutting_theme=All&region=All&country=All"
HUB_ES = "https://migrationnetwork.un.org/es/hub?gcm_objectives=288&page=2"
# Objectives whose official Spanish title a UN Network page in the graph prints; the others have none.
SPANISH_TITLED_OBJECTIVES = [2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 19, 21, 22]


def test_guiding_principles_form_a_scheme_of_ten_from_paragraph_15_with_their_sources():
    rows = select(f"""
    SELECT ?p ?n (COUNT(DISTINCT ?label) AS ?labels) WHERE {{
      ?p skos:inScheme <scheme/guiding-principles> ; skos:topConceptOf <scheme/guiding-principles> ;
         schema:position ?n ; skos:prefLabel ?label ;
         prov:wasDerivedFrom <paragraph/gcm-15> , <{HUB_EN}> , <{HUB_ES}> .
    }} GROUP BY ?p ?n ORDER BY ?n""")
    assert [r["n"] for r in rows] == list(range(1, 11))
    assert all(r["labels"] == 2 for r in rows)  # one English, one Spanish
    para = select("SELECT ?n WHERE { <paragraph/gcm-15> eli:number ?n ; eli:is_part_of <compact/gcm> }")
    assert para == [{"n": "15"}]


def test_every_objective_has_network_short_names_with_their_sources():
    rows = select(f"""
    SELECT ?o (COUNT(DISTINCT ?alt) AS ?alts) WHERE {{
      ?o a gcmo:Objective ; skos:altLabel ?alt ; prov:wasDerivedFrom <{HUB_EN}> , <{HUB_ES}> .
    }} GROUP BY ?o""")
    assert len(rows) == 23 and all(r["alts"] == 2 for r in rows)


def test_spanish_titles_only_with_a_page_that_prints_them():
    rows = select("""
    SELECT ?o ?title ?page ?what WHERE {
      ?o a gcmo:Objective ; skos:prefLabel ?title FILTER(lang(?title) = "es")
      OPTIONAL { ?o prov:wasDerivedFrom ?page . ?page a schema:WebPage ; dct:description ?what
                 FILTER(CONTAINS(?what, "Spanish title")) }
    }""")
    assert sorted(int(r["o"].rsplit("/", 1)[1]) for r in rows) == SPANISH_TITLED_OBJECTIVES
    assert all(r["page"] and r["page"].startswith("https://migrationnetwork.un.org/es/") for r in rows), rows
    # The page that gives an objective's title is that objective's page: it names the paragraph
    # that sets the objective out (16 + n).
    for r in rows:
        number = int(r["o"].rsplit("/", 1)[1])
        assert f"objective {number} " in r["what"] and f"paragraph {16 + number}," in r["what"], r


def test_the_review_context_as_its_organisers_state_it():
    page = "https://pactomigracion.cepal.org/en/event-information"
    organisers = select(f"""SELECT ?acronym WHERE {{ <review/lac-2021> schema:organizer ?o ;
                            prov:wasDerivedFrom <{page}> . ?o schema:alternateName ?acronym }}""")
    assert sorted(r["acronym"] for r in organisers) == ["ECLAC", "IOM"]
    mode = select("SELECT ?m WHERE { <review/lac-2021> schema:eventAttendanceMode ?m }")
    assert mode == [{"m": "https://schema.org/OnlineEventAttendanceMode"}]
    consultations = select(f"""SELECT ?start ?end WHERE {{ ?c schema:superEvent <review/lac-2021> ;
                               schema:startDate ?start ; schema:endDate ?end ; prov:wasDerivedFrom <{page}> }}
                               ORDER BY ?start""")
    assert [(r["start"], r["end"]) for r in consultations] == [("2021-04-12", "2021-04-12"), ("2021-04-13", "2021-04-15")]


# -- the Compact's structure: parts, the objectives' actions, the instruments they name ----------
ROUND_TABLE_OBJECTIVES = [9, 10, 11, 14, 21, 23]
OFFICIAL_DOCUMENT = "https://undocs.org/en/A/RES/73/195"
# The letters of each objective's actions (data/sources.ttl): every list is whole. The resolution's
# pages show where the lists of paragraphs 20, 26, 38 and 39 end; a transcription gives every
# paragraph's letters and agrees with every letter those pages show.
ACTION_LETTERS = {1: "abcdefghijk", 2: "abcdefghijkl", 3: "abcde", 4: "abcdefg", 5: "abcdefghij",
                  6: "abcdefghijkl", 7: "abcdefghijkl", 8: "abcdef", 9: "abcdef", 10: "abcdefghij",
                  11: "abcdefg", 12: "abcde", 13: "abcdefgh", 14: "abcdef", 15: "abcdef", 16: "abcdefghi",
                  17: "abcdefg", 18: "abcdefghijkl", 19: "abcdefghij", 20: "abcdefghijkl", 21: "abcdefghi",
                  22: "abc", 23: "abcde"}
WHOLE_LISTS = {4: "g", 10: "j", 22: "c", 23: "e"}
TRANSCRIPTION = ("https://github.com/franckalbinet/iomeval/blob/93e0e09ea2b80b997bc527504c287a3bf552aeb3/"
                 "iomeval/files/themes/gcms_long.md")


def test_the_compact_links_its_official_document():
    assert select("SELECT ?url WHERE { <compact/gcm> schema:url ?url }") == [{"url": OFFICIAL_DOCUMENT}]


def test_parts_have_their_paragraph_ranges_in_order_without_overlap_each_from_source_pages():
    rows = select("""
    SELECT ?part ?name ?first ?last (COUNT(DISTINCT ?page) AS ?pages) WHERE {
      ?part a gcmo:Part ; schema:name ?name ; schema:isPartOf <compact/gcm> ;
            gcmo:firstParagraph ?first ; gcmo:lastParagraph ?last ;
            prov:wasDerivedFrom ?page . ?page a schema:WebPage ; schema:url ?url .
    } GROUP BY ?part ?name ?first ?last ORDER BY ?first""")
    assert [(r["name"], r["first"], r["last"]) for r in rows] == [
        ("Preamble", 1, 7), ("Our cooperative framework", 16, 16), ("Objectives and commitments", 17, 39),
        ("Implementation", 40, 47), ("Follow-up and review", 48, 54)]
    # The pages of a part show where it begins and where the next begins (or where it ends); the
    # preamble's end is where the UN Network's principle pages place paragraphs 7 and 8 (two pages).
    assert [r["pages"] for r in rows] == [3, 2, 2, 2, 2], rows
    preamble = select("""SELECT ?what WHERE { <part/gcm-preamble> prov:wasDerivedFrom ?page .
                         ?page dct:description ?what }""")
    whats = " | ".join(r["what"] for r in preamble)
    assert "heading 'Preamble' followed by paragraph 1" in whats and "paragraph 7 of the preamble" in whats
    assert "paragraphs 8, 10, 12 and 15 under the heading it calls 'Vision and Guiding Principles'" in whats
    # Paragraphs 15 to 39 are in the graph; those that set out objectives are all in one part.
    assert select("""SELECT ?n WHERE { ?p eli:is_about ?o ; eli:number ?n .
                     <part/gcm-objectives-and-commitments> gcmo:firstParagraph ?f ; gcmo:lastParagraph ?l
                     FILTER(xsd:integer(?n) < ?f || xsd:integer(?n) > ?l) }""") == []


def test_each_round_table_objective_has_its_commitment_paragraph_and_its_actions_in_letter_order():
    rows = select("""
    SELECT ?objective ?paragraph ?number ?letter ?label ?url ?subject WHERE {
      ?action a gcmo:Action ; schema:isPartOf ?p ; gcmo:actionLetter ?letter ; rdfs:label ?label ;
              dct:subject ?subject ; schema:url ?url .
      ?p eli:number ?number ; eli:is_about ?o . ?o schema:position ?objective .
      ?o gcmo:setOutIn ?paragraph .
    } ORDER BY ?objective ?letter""")
    letters: dict[int, str] = {}
    for r in rows:
        n = r["objective"]
        letters[n] = letters.get(n, "") + r["letter"]
        assert r["paragraph"] == f"{ID}paragraph/gcm-{16 + n}" and r["number"] == str(16 + n), r
        assert r["subject"] == f"{ID}objective/{n}", r  # the objective its paragraph sets out
        assert r["label"] == f"A/RES/73/195, paragraph {16 + n} ({r['letter']})", r
        assert r["url"] == OFFICIAL_DOCUMENT, r  # a link to the text, not the text
    assert letters == ACTION_LETTERS
    assert all("abcdefghijklmnopqrstuvwxyz".startswith(v) for v in letters.values())  # a, b, c … no gap
    assert set(ROUND_TABLE_OBJECTIVES) <= set(letters)
    # The transcription gives every action's letter, and only letters: its description lists them.
    described = select(f"SELECT ?what WHERE {{ <{TRANSCRIPTION}> dct:description ?what }}")[0]["what"]
    for objective, v in letters.items():
        assert f"paragraph {16 + objective} (a) to ({v[-1]})" in described, objective
    untranscribed = select(f"SELECT ?a WHERE {{ ?a a gcmo:Action FILTER NOT EXISTS {{ ?a prov:wasDerivedFrom <{TRANSCRIPTION}> }} }}")
    assert untranscribed == []
    # Where a page shows a list end, it says so in what it states about its paragraph.
    for objective, last in WHOLE_LISTS.items():
        assert letters[objective].endswith(last)
    ends = select("""SELECT ?what WHERE { ?page a schema:WebPage ; dct:description ?what
                     FILTER(CONTAINS(?what, "is the last action of paragraph")) }""")
    stated = re.findall(r"\((\w)\) is the last action of paragraph (\d+)", " ".join(r["what"] for r in ends))
    # (objective 23's page prints "Implementation" after 39 (e): the part's heading, tested above)
    assert sorted(stated) == sorted((last, str(16 + n)) for n, last in WHOLE_LISTS.items() if n != 23)


def test_actions_copy_no_sentence_and_each_comes_from_a_page_that_prints_its_paragraph():
    assert select("SELECT ?a WHERE { ?a a gcmo:Action ; schema:text|schema:description|rdfs:comment ?t }") == []
    rows = select("""
    SELECT ?action ?number ?letter (GROUP_CONCAT(?what; separator=" | ") AS ?whats) WHERE {
      ?action a gcmo:Action ; gcmo:actionLetter ?letter ; schema:isPartOf/eli:number ?number ;
              prov:wasDerivedFrom ?page . ?page a schema:WebPage ; dct:description ?what .
    } GROUP BY ?action ?number ?letter""")
    assert len(rows) == sum(len(v) for v in ACTION_LETTERS.values())
    for r in rows:
        assert f"paragraph {r['number']}" in r["whats"], r


def test_instruments_are_named_as_printed_from_their_pages_and_only_the_actions_name_them():
    rows = select("""
    SELECT ?action ?instrument ?name (COUNT(DISTINCT ?page) AS ?pages) WHERE {
      ?action a gcmo:Action ; schema:mentions ?instrument .
      ?instrument schema:name ?name ; prov:wasDerivedFrom ?page . ?page a schema:WebPage .
    } GROUP BY ?action ?instrument ?name ORDER BY ?action ?name""")
    named = {(r["action"].rsplit("/", 1)[1], r["name"]) for r in rows}
    assert named == {
        ("gcm-17-d", "2030 Agenda for Sustainable Development"),
        ("gcm-38-a", "ILO Social Protection Floors Recommendation, 2012 (No. 202)"),
        ("gcm-27-g", "Office of the United Nations High Commissioner for Human Rights Recommended Principles and "
                     "Guidelines on Human Rights at International Borders"),
        ("gcm-25-a", "Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the "
                     "United Nations Convention against Transnational Organized Crime"),
        ("gcm-25-a", "United Nations Convention against Transnational Organized Crime"),
        ("gcm-26-a", "Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and "
                     "Children, supplementing the United Nations Convention against Transnational Organized Crime"),
        ("gcm-26-a", "United Nations Convention against Transnational Organized Crime"),
        ("gcm-26-b", "United Nations Global Plan of Action to Combat Trafficking in Persons"),
        ("gcm-26-b", "United Nations Office on Drugs and Crime (UNODC) Toolkit to Combat Trafficking in Persons"),
        ("gcm-39-b", "2030 Agenda for Sustainable Development"),
    }
    # The page an instrument's name comes from is a page that prints one of the actions naming it.
    pages = select("""
    SELECT ?instrument ?page WHERE {
      ?instrument prov:wasDerivedFrom ?page . ?action schema:mentions ?instrument .
      FILTER NOT EXISTS { ?action prov:wasDerivedFrom ?page }
      FILTER NOT EXISTS { ?other schema:mentions ?instrument ; prov:wasDerivedFrom ?page }
    }""")
    assert pages == []
    # Only actions name instruments.
    assert select("SELECT ?p WHERE { ?p a eli:LegalResourceSubdivision ; schema:mentions ?i }") == []
    # Where an instrument is a work the paper cites, it says so, and only then: OHCHR's border
    # principles, whose Spanish edition the paper cites in section V.
    assert select("SELECT ?i ?w WHERE { ?i owl:sameAs ?w FILTER NOT EXISTS { ?d cito:cites ?w } }") == []
    assert select("SELECT ?i ?w WHERE { ?i owl:sameAs ?w }") == [{
        "i": f"{ID}instrument/ohchr-recommended-principles-and-guidelines-on-human-rights-at-international-borders",
        "w": f"{ID}work/ohchr-border-principles-guidelines"}]


# -- where the Compact mentions each guiding principle ----------------------------------------------
def test_every_principle_mention_comes_from_that_principles_page_which_lists_the_section():
    links = select("SELECT ?section ?principle WHERE { ?section gcmo:mentionsPrinciple ?principle }")
    rows = select("""
    SELECT ?section ?principle ?number ?letter ?what WHERE {
      ?section gcmo:mentionsPrinciple ?principle ; prov:wasDerivedFrom ?page .
      ?page a schema:WebPage ; schema:about ?principle ; dct:description ?what .
      ?principle skos:inScheme <scheme/guiding-principles> .
      { ?section a gcmo:Action ; gcmo:actionLetter ?letter ; schema:isPartOf/eli:number ?number }
      UNION { ?section a eli:LegalResourceSubdivision ; eli:number ?number ; eli:is_about ?objective }
    }""")
    assert len(rows) == len(links) == 58  # each link once, from the page of its own principle
    for r in rows:
        listed = re.search(rf"paragraph {r['number']}((?: \([a-z]\),?)*)", r["what"])
        assert listed, r
        if r["letter"]:
            assert f"({r['letter']})" in listed.group(1), r
        else:  # the page lists the paragraph itself, without letters
            assert listed.group(1) == "", r


def test_principle_pages_say_whether_their_list_was_read_whole():
    rows = select("""SELECT ?principle ?what WHERE { ?page schema:about ?principle ; dct:description ?what .
                     ?principle skos:inScheme <scheme/guiding-principles> }""")
    whole = {r["principle"].rsplit("/", 1)[1] for r in rows if "(the whole list)" in r["what"]}
    partial = {r["principle"].rsplit("/", 1)[1] for r in rows if "where the page as read ends" in r["what"]}
    assert whole == {"rule-of-law-and-due-process", "national-sovereignty", "whole-of-government-approach"}
    assert partial == {"human-rights", "sustainable-development", "international-cooperation", "whole-of-society-approach"}
