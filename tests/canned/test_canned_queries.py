"""Each canned query gives, on the shipped graph, exactly what the background paper says
(expected values in :mod:`paper`, written down from the paper, never from query output)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.services import canned
from gcm_kg.sparql.catalogue import ParameterError

from . import paper
from .paper import ID


def run(store, name: str, **params) -> list[dict]:
    raw = {k: v if isinstance(v, list) else [v] for k, v in params.items()}
    return canned.run_table(store, canned.get_query(name).bind(raw)).records()


def test_every_query_file_loads_and_documents_itself():
    queries = canned.load_queries()
    assert set(queries) >= {"round-table-objectives", "theme-questions", "theme-resources", "objective-resources",
                            "organisation-works", "entity-passages", "questions-mentioning", "coverage-matrix",
                            "objective-sdg-targets", "concept-by-label", "events-on-date",
                            "actions-naming-instrument", "objective-actions"}
    for query in queries.values():
        assert query.title and query.description and query.keywords
        assert all(p.description for p in query.params)


# -- objectives of a round table -----------------------------------------------------------------
def test_round_table_objectives_in_official_order(canned_store):
    rows = run(canned_store, "round-table-objectives")
    assert [(r["number"], r["title"]) for r in rows] == paper.ROUND_TABLE_OBJECTIVES
    assert [r["objective"] for r in rows] == [f"{ID}objective/{n}" for n, _ in paper.ROUND_TABLE_OBJECTIVES]


def test_round_table_given_by_key_or_prefixed_name(canned_store):
    expected = run(canned_store, "round-table-objectives")
    assert run(canned_store, "round-table-objectives", roundtable="lac-2021-3") == expected
    assert run(canned_store, "round-table-objectives", roundtable="gcm:round-table/lac-2021-3") == expected
    assert run(canned_store, "round-table-objectives", roundtable="lac-2021-9") == []  # no such round table


# -- guiding questions on a theme ----------------------------------------------------------------
def questions_on(theme: str) -> list[tuple[int, str, set[int]]]:
    return [(n, paper.QUESTIONS[n], objectives) for n, (themes, objectives) in sorted(paper.QUESTION_LINKS.items())
            if themes & paper.below(theme)]


@pytest.mark.parametrize("theme", ["consular-protection", "return-and-reintegration", "trafficking-and-smuggling",
                                   "smuggling-of-migrants", "border-management", "international-cooperation",
                                   "assisted-voluntary-return-and-reintegration"])
def test_theme_questions(canned_store, theme):
    rows = run(canned_store, "theme-questions", theme=theme)
    got = [(r["number"], r["wording"], {int(n) for n in r["objectives"].split(", ")}) for r in rows]
    assert got == questions_on(theme)
    assert all(r["question"] == f"{ID}question/lac-2021-rt3-{r['number']}" for r in rows)


def test_theme_questions_default_is_consular_protection(canned_store):
    # Questions 13 and 14 are the two that speak of consular services and consular officers.
    rows = run(canned_store, "theme-questions")
    assert [r["number"] for r in rows] == [13, 14]
    assert {int(n) for n in rows[0]["objectives"].split(", ")} == {14, 21}
    assert {int(n) for n in rows[1]["objectives"].split(", ")} == {14, 10, 9, 13}  # 13: administrative detention


# -- resources for a theme or an objective -------------------------------------------------------
@pytest.mark.parametrize("theme", paper.TOP_THEMES + ["sustainable-reintegration", "trafficking-in-persons"])
def test_theme_resources(canned_store, theme):
    rows = run(canned_store, "theme-resources", theme=theme)
    assert {r["url"] for r in rows} == paper.works_on(theme)
    assert len(rows) == len(paper.works_on(theme))  # one row per work
    for row in rows:
        if row["url"] in paper.WORK_KIND:
            assert row["kind"] == f"{ID}work-kind/{paper.WORK_KIND[row['url']]}"


def test_consular_resources_with_publishers(canned_store):
    rows = {r["url"]: r for r in run(canned_store, "theme-resources")}
    assert set(rows) == {paper.UNICEF_PROTOCOL, paper.OC_16_99, paper.VIENNA}
    assert rows[paper.OC_16_99]["publishers"] == "Inter-American Court of Human Rights"  # printed (author)
    assert rows[paper.OC_16_99]["inferredPublishers"] == "Inter-American Court of Human Rights"  # corteidh.or.cr
    # the paper names no organisation for these two: their publishers are only inferred from the link
    assert not rows[paper.UNICEF_PROTOCOL]["publishers"]
    assert rows[paper.UNICEF_PROTOCOL]["inferredPublishers"] == "United Nations Children's Fund"  # unicef.org
    assert not rows[paper.VIENNA]["publishers"]
    assert rows[paper.VIENNA]["inferredPublishers"] == "Organization of American States"  # oas.org
    assert all(r["languages"] == "es" for r in rows.values())  # Spanish titles, Spanish documents


def test_theme_resources_several_themes_and_kinds(canned_store):
    rows = run(canned_store, "theme-resources", theme=["return-and-reintegration", "consular-protection"])
    assert {(r["theme"], r["url"]) for r in rows} == (
        {(f"{ID}theme/return-and-reintegration", u) for u in paper.works_on("return-and-reintegration")}
        | {(f"{ID}theme/consular-protection", u) for u in paper.works_on("consular-protection")})
    videos = run(canned_store, "theme-resources", theme=["return-and-reintegration", "consular-protection"],
                 kind="video")
    assert {r["url"] for r in videos} == {paper.AVRR_VIDEO, paper.AVRR_BRAZIL}
    both = run(canned_store, "theme-resources", theme="consular-protection", kind=["treaty", "protocol"])
    assert {r["url"] for r in both} == {paper.VIENNA, paper.UNICEF_PROTOCOL}


@pytest.mark.parametrize("objective", [9, 10, 11, 14, 21, 23, 1])
def test_objective_resources(canned_store, objective):
    rows = run(canned_store, "objective-resources", objective=str(objective))
    assert {r["url"] for r in rows} == paper.works_for_objective(objective)


# -- everything an organisation published --------------------------------------------------------
def test_organisation_works_unodc(canned_store):
    # "Reporte Global sobre Trata de Personas UNODC, 2020"; the study is only on unodc.org.
    rows = run(canned_store, "organisation-works")
    assert [(r["url"], r["role"]) for r in rows] == [(paper.GLOSOM, "inferred publisher"), (paper.GLOTIP, "publisher")]
    assert [r["date"] for r in rows] == [None, "2020"]


def test_organisation_works_iom_and_ilo(canned_store):
    # "Reintegration handbook IOM 2019" and the platform on iom.int; the two videos name no publisher.
    iom = run(canned_store, "organisation-works", organisation="iom")
    assert {(r["url"], r["role"]) for r in iom} == {(paper.IOM_HANDBOOK, "publisher"),
                                                    (paper.IOM_PLATFORM, "inferred publisher")}
    assert {r["kind"] for r in iom} == {f"{ID}work-kind/handbook", f"{ID}work-kind/web-platform"}
    # "OIT-PNUD (2021) …" and its English version: ILO authored both; both links are on ilo.org.
    ilo = run(canned_store, "organisation-works", organisation="gcm:organization/ilo")
    assert {(r["url"], r["role"]) for r in ilo} == {(u, role) for u in (paper.ILO_ES, paper.ILO_EN)
                                                    for role in ("author", "inferred publisher")}
    undp = run(canned_store, "organisation-works", organisation="undp")
    assert {(r["url"], r["role"]) for r in undp} == {(paper.ILO_ES, "author"), (paper.ILO_EN, "author")}


# -- passages an entity was drawn from -----------------------------------------------------------
def test_entity_passages_of_a_question(canned_store):
    rows = run(canned_store, "entity-passages")  # question 5
    assert len(rows) == 1
    assert rows[0]["exact"] == paper.QUESTIONS[5]
    assert rows[0]["via"] == "prov:wasDerivedFrom"
    assert rows[0]["section"] == f"{ID}section/lac-2021-rt3-4"  # section IV, Guiding questions
    assert rows[0]["source"] == f"{ID}document/lac-2021-rt3-background-paper"


def test_entity_passages_of_an_objective_through_its_annotation(canned_store):
    rows = run(canned_store, "entity-passages", entity="gcm:objective/9")
    assert [(r["via"], r["exact"]) for r in rows] == [
        ("oa:hasBody", "GCM Objective #9. Strengthen the transnational response to smuggling of migrants")]


def test_entity_passages_of_a_theme_quote_the_paper(canned_store):
    rows = run(canned_store, "entity-passages", entity=f"{ID}theme/consular-protection")
    exacts = {r["exact"] for r in rows}
    # the bold phrase of section I, the section V heading, and the objective 14 heading
    assert "Protección consular" in exacts
    assert any("protection, assistance and consular cooperation" in e for e in exacts)
    assert any(e.startswith("GCM Objective #14.") for e in exacts)
    assert run(canned_store, "entity-passages", entity="https://example.org/nothing") == []


# -- keyword search ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, numbers", [
    ("smuggling", [2, 5, 12, 14]),            # "smugglers" (question 3) does not contain "smuggling"
    ("SMUGGL", [2, 3, 5, 12, 14]),
    ("consular", [13, 14]),
    ("trafficking", [1, 2, 14]),
    ("régular", [2, 5, 7, 8, 9, 10]),          # accents folded on the parameter side; "irregular" too
    ("REGULAR MIGRATION", [5, 8, 9, 10]),
    ("Binational and/or", [10]),
    ("(This could include", [10]),
    ("pandemia", []),
])
def test_questions_mentioning(canned_store, text, numbers):
    rows = run(canned_store, "questions-mentioning", text=text)
    assert [r["number"] for r in rows] == numbers
    assert [r["wording"] for r in rows] == [paper.QUESTIONS[n] for n in numbers]


def test_keyword_search_folds_accents_on_the_data_side_too():
    # A real store holding one question with accented Spanish text: the same query finds it
    # with or without the accents, in any case.
    store = ox.Store()
    q, schema = ox.NamedNode("https://example.org/q"), "https://schema.org/"
    store.add(ox.Quad(q, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(schema + "Question")))
    store.add(ox.Quad(q, ox.NamedNode(schema + "position"), ox.Literal("1", datatype=ox.NamedNode(canned.XSD + "integer"))))
    store.add(ox.Quad(q, ox.NamedNode(schema + "text"), ox.Literal("¿Cómo fortalecer la PROTECCIÓN consular y la niñez?", language="es")))
    query = canned.get_query("questions-mentioning")
    for text in ("proteccion consular", "PROTECCIÓN", "Protección", "ninez", "NIÑEZ", "como"):
        bound = query.bind({"text": [text]})
        assert len(list(store.query(bound.embedded_text(), substitutions=bound.substitutions()))) == 1, text
    bound = query.bind({"text": ["protecciones"]})
    assert list(store.query(bound.embedded_text(), substitutions=bound.substitutions())) == []


# -- coverage matrix -----------------------------------------------------------------------------
def expected_matrix() -> list[tuple[int, str, int, int]]:
    rows = []
    for number, _title in paper.ROUND_TABLE_OBJECTIVES:
        for theme in sorted(paper.TOP_THEMES):
            questions = sum(1 for themes, objectives in paper.QUESTION_LINKS.values()
                            if number in objectives and themes & paper.below(theme))
            instruments = len(paper.works_on(theme) & paper.works_for_objective(number))
            rows.append((number, theme, questions, instruments))
    return rows


def test_coverage_matrix(canned_store):
    rows = run(canned_store, "coverage-matrix")
    got = [(r["number"], r["theme"].rsplit("/", 1)[1], r["questions"], r["instruments"]) for r in rows]
    assert got == expected_matrix()
    # spot checks read straight off the paper: questions 13 and 14 on consular protection serve
    # objective 14, with the three resources listed under "Protección consular".
    cell = {(n, t): (q, i) for n, t, q, i in got}
    assert cell[(14, "consular-protection")] == (2, 3)
    assert cell[(21, "return-and-reintegration")] == (3, 5)


# -- SDG targets ---------------------------------------------------------------------------------
def test_objective_sdg_targets_none_yet(canned_store):
    # The background paper never mentions the Sustainable Development Goals and the shipped data
    # holds no SDG mapping of the objectives, so there is nothing to list yet. A mapping file in
    # data/mappings/ would make this query return rows (and this test would then pin them).
    assert run(canned_store, "objective-sdg-targets") == []
    assert run(canned_store, "objective-sdg-targets", objective="10") == []


def test_objective_sdg_targets_finds_a_mapping_when_there_is_one():
    store = ox.Store()
    objective = ox.NamedNode(ID + "objective/10")
    store.add(ox.Quad(objective, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://w3id.org/gcm-kg/ontology#Objective")))
    store.add(ox.Quad(objective, ox.NamedNode("https://schema.org/position"),
                      ox.Literal("10", datatype=ox.NamedNode(canned.XSD + "integer"))))
    store.add(ox.Quad(objective, ox.NamedNode("http://www.w3.org/2004/02/skos/core#relatedMatch"),
                      ox.NamedNode("http://metadata.un.org/sdg/16.2")))
    bound = canned.get_query("objective-sdg-targets").bind({"objective": ["10"]})
    rows = canned.solutions_table(store.query(bound.embedded_text(), substitutions=bound.substitutions())).records()
    assert [(r["objective"], r["target"]) for r in rows] == [(10, "http://metadata.un.org/sdg/16.2")]


# -- labels and dates ----------------------------------------------------------------------------
@pytest.mark.parametrize("label, concepts", [
    # the section V heading, and the UN Network's Spanish short name of objective 14
    ("Protección consular@es", ["objective/14", "theme/consular-protection"]),
    ("protección CONSULAR@es", ["objective/14", "theme/consular-protection"]),
    ("Erradicar la trata de personas@es", ["objective/10"]),            # short name of objective 10
    ("Eradicate trafficking@en", ["objective/10"]),
    ("Centrada en las personas@es", ["guiding-principle/people-centred"]),
    ("Retorno y reintegración@es", ["theme/return-and-reintegration"]),
    ("Trata de personas y tráfico ilícito de migrantes@es", ["theme/trafficking-and-smuggling"]),
    ("Manage borders in an integrated, secure and coordinated manner@en", ["objective/11"]),
    ("Protección consular@en", []),                                     # not an English label
])
def test_concept_by_label(canned_store, label, concepts):
    rows = run(canned_store, "concept-by-label", label=label)
    assert [r["concept"] for r in rows] == [ID + c for c in concepts]


@pytest.mark.parametrize("date, events", [
    ("2021-04-26", ["review/lac-2021", "round-table/lac-2021-3"]),    # "26-28 April 2021"
    ("2021-04-27", ["review/lac-2021", "round-table/lac-2021-3"]),
    ("2021-04-28", ["review/lac-2021", "round-table/lac-2021-3"]),
    ("2021-04-25", []),
    ("2021-04-29", []),
])
def test_events_on_date(canned_store, date, events):
    rows = run(canned_store, "events-on-date", date=date)
    assert sorted(r["event"] for r in rows) == [ID + e for e in events]


# -- the Compact around the round table (facts from the UN Network on Migration's pages) ----------
# Written down from https://migrationnetwork.un.org/hub (English) and /es/hub (Spanish), which list
# the guiding principles of paragraph 15 and the objectives' short names.
GUIDING_PRINCIPLES = [
    ("People-centred", "Centrada en las personas"), ("International cooperation", "Cooperación internacional"),
    ("National sovereignty", "Soberanía nacional"),
    ("Rule of law and due process", "Estado de derecho y garantías procesales"),
    ("Sustainable development", "Desarrollo sostenible"), ("Human rights", "Derechos humanos"),
    ("Gender-responsive", "Perspectiva de género"), ("Child-sensitive", "Perspectiva infantil"),
    ("Whole-of-government approach", "Enfoque pangubernamental"), ("Whole-of-society approach", "Enfoque pansocial"),
]


def test_guiding_principles_in_english_and_spanish(canned_store):
    rows = run(canned_store, "guiding-principles")
    assert [(r["number"], r["english"], r["spanish"]) for r in rows] == [
        (n, en, es) for n, (en, es) in enumerate(GUIDING_PRINCIPLES, 1)]


def test_objective_names_of_a_round_table_objective(canned_store):
    rows = run(canned_store, "objective-names", objective="10")
    assert rows == [{"number": 10, "title": paper.ROUND_TABLE_OBJECTIVES[1][1],
                     "titleEs": "Prevenir, combatir y erradicar la trata de personas en el contexto de la migración internacional",
                     "shortName": "Eradicate trafficking", "shortNameEs": "Erradicar la trata de personas"}]


def test_objective_names_all_have_short_names_and_spanish_titles_only_where_sourced(canned_store):
    rows = run(canned_store, "objective-names")
    assert [r["number"] for r in rows] == list(range(1, 24))
    assert all(r["shortName"] and r["shortNameEs"] for r in rows)
    assert {r["number"] for r in rows if r["titleEs"]} == {2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 18, 19, 21, 22}
    titles_es = {r["number"]: r["titleEs"] for r in rows}
    assert titles_es[8] == "Salvar vidas y emprender iniciativas internacionales coordinadas sobre los migrantes desaparecidos"
    assert titles_es[11] == "Gestionar las fronteras de manera integrada, segura y coordinada"
    assert titles_es[13] == "Utilizar la detención de migrantes solo como último recurso y buscar otras alternativas"
    short = {r["number"]: (r["shortName"], r["shortNameEs"]) for r in rows}
    assert short[14] == ("Consular protection", "Protección consular")
    assert short[21] == ("Dignified return and reintegration", "Retorno y reintegración dignos")
    assert short[13] == ("Alternatives to detention", "Alternativas a la detención")


@pytest.mark.parametrize("date, events", [
    ("2021-04-12", ["consultation/lac-2021-processes"]),          # ECLAC's event page
    ("2021-04-14", ["consultation/lac-2021-stakeholders"]),
])
def test_preparatory_consultations_on_their_dates(canned_store, date, events):
    rows = run(canned_store, "events-on-date", date=date)
    assert sorted(r["event"] for r in rows) == [ID + e for e in events]


# -- the Compact's actions and the instruments they name (A/RES/73/195, as data/sources.ttl) -----
UNTOC = "United Nations Convention against Transnational Organized Crime"
SMUGGLING_PROTOCOL = ("Protocol against the Smuggling of Migrants by Land, Sea and Air, supplementing the "
                      "United Nations Convention against Transnational Organized Crime")
TRAFFICKING_PROTOCOL = ("Protocol to Prevent, Suppress and Punish Trafficking in Persons, Especially Women and "
                        "Children, supplementing the United Nations Convention against Transnational Organized Crime")
GLOBAL_PLAN = "United Nations Global Plan of Action to Combat Trafficking in Persons"
UNODC_TOOLKIT = "United Nations Office on Drugs and Crime (UNODC) Toolkit to Combat Trafficking in Persons"
AGENDA_2030 = "2030 Agenda for Sustainable Development"
OHCHR_BORDERS = ("Office of the United Nations High Commissioner for Human Rights Recommended Principles and "
                 "Guidelines on Human Rights at International Borders")
ILO_R202 = "ILO Social Protection Floors Recommendation, 2012 (No. 202)"
ACTIONS_NAMING = {  # (objective, paragraph, letter, instrument name)
    (1, "17", "d", AGENDA_2030),
    (9, "25", "a", SMUGGLING_PROTOCOL), (9, "25", "a", UNTOC),
    (10, "26", "a", TRAFFICKING_PROTOCOL), (10, "26", "a", UNTOC),
    (10, "26", "b", GLOBAL_PLAN), (10, "26", "b", UNODC_TOOLKIT),
    (11, "27", "g", OHCHR_BORDERS),
    (22, "38", "a", ILO_R202),
    (23, "39", "b", AGENDA_2030),
}
OHCHR_WORK = ID + "work/ohchr-border-principles-guidelines"
OFFICIAL_TEXT = "https://undocs.org/en/A/RES/73/195"


def naming(rows) -> set[tuple]:
    return {(r["number"], r["paragraph"], r["letter"], r["name"]) for r in rows}


def test_actions_naming_an_instrument(canned_store):
    rows = run(canned_store, "actions-naming-instrument")
    assert len(rows) == len(ACTIONS_NAMING) and naming(rows) == ACTIONS_NAMING
    for r in rows:
        assert r["action"] == f"{ID}action/gcm-{r['paragraph']}-{r['letter']}"
        assert r["instrument"].startswith(f"{ID}instrument/") and r["url"] == OFFICIAL_TEXT
        # only OHCHR's border principles are a work the background paper cites (its Spanish edition)
        assert r["citedWork"] == (OHCHR_WORK if r["name"] == OHCHR_BORDERS else None), r


@pytest.mark.parametrize("params, expected", [
    ({"text": "TRAFFICKING"}, {a for a in ACTIONS_NAMING if "Trafficking" in a[3]}),
    ({"text": "smuggling of migrants"}, {(9, "25", "a", SMUGGLING_PROTOCOL)}),
    ({"objective": "9"}, {a for a in ACTIONS_NAMING if a[0] == 9}),
    ({"objective": "10", "text": "convention"}, {(10, "26", "a", TRAFFICKING_PROTOCOL), (10, "26", "a", UNTOC)}),
    ({"objective": "14"}, set()),           # its actions (a)-(f) name no instrument
    ({"objective": "11"}, {(11, "27", "g", OHCHR_BORDERS)}),
    ({"text": "human rights at international borders"}, {(11, "27", "g", OHCHR_BORDERS)}),
    ({"text": "Vienna"}, set()),
])
def test_actions_naming_an_instrument_by_keyword_or_objective(canned_store, params, expected):
    assert naming(run(canned_store, "actions-naming-instrument", **params)) == expected


def test_actions_naming_an_instrument_refuses_an_objective_outside_1_to_23():
    query = canned.get_query("actions-naming-instrument")
    with pytest.raises(ParameterError, match="parameter 'objective': expected an integer from 1 to 23"):
        query.bind({"objective": ["24"]})


def test_objective_actions_default_is_objective_10(canned_store):
    rows = run(canned_store, "objective-actions")
    assert sorted({r["letter"] for r in rows}) == list("abcdefghij")  # (j) is the last
    assert {(r["paragraph"], r["part"]) for r in rows} == {("26", "Objectives and commitments")}
    assert all(r["action"] == f"{ID}action/gcm-26-{r['letter']}" and r["url"] == OFFICIAL_TEXT for r in rows)
    # One row per action and instrument, in letter order; an action naming none has one row.
    assert [(r["letter"], r["name"]) for r in rows] == [
        ("a", TRAFFICKING_PROTOCOL), ("a", UNTOC), ("b", GLOBAL_PLAN), ("b", UNODC_TOOLKIT),
        ("c", None), ("d", None), ("e", None), ("f", None), ("g", None), ("h", None), ("i", None), ("j", None)]
    assert all((r["instrument"] is None) == (r["name"] is None) for r in rows)


@pytest.mark.parametrize("objective, paragraph, letters", [
    (9, "25", "abcdef"), (11, "27", "abcdefg"), (14, "30", "abcdef"), (21, "37", "abcdefghi"), (23, "39", "abcde"),
    (1, "17", "abcdefghijk"), (16, "32", "abcdefghi"), (22, "38", "abc"),
])
def test_objective_actions_of_each_round_table_objective(canned_store, objective, paragraph, letters):
    rows = run(canned_store, "objective-actions", objective=str(objective))
    assert "".join(sorted({r["letter"] for r in rows})) == letters
    assert all(r["paragraph"] == paragraph for r in rows)


# -- where the Compact mentions each guiding principle (the UN Network's principle pages) ---------
PRINCIPLE_PAGE = {"rule-of-law-and-due-process": "https://migrationnetwork.un.org/taxonomy/term/741",
                  "whole-of-government-approach": "https://migrationnetwork.un.org/taxonomy/term/737",
                  "national-sovereignty": "https://migrationnetwork.un.org/taxonomy/term/detail/742"}


def sections(rows) -> list[tuple]:
    return [(r["number"], r["paragraph"], r["letter"]) for r in rows]


@pytest.mark.parametrize("principle, expected", [
    # the three lists read whole, as their pages print them
    ("rule-of-law-and-due-process", [(2, "18", "b"), (3, "19", "d"), (7, "23", "c"), (7, "23", "g"), (8, "24", "a"),
                                     (10, "26", "e"), (10, "26", "h"), (11, "27", "c"), (11, "27", "f"),
                                     (13, "29", "c"), (13, "29", "d"), (13, "29", "e"), (13, "29", "f"),
                                     (21, "37", "e"), (21, "37", "h")]),
    ("whole-of-government-approach", [(11, "27", "a"), (23, "39", "a")]),
    ("national-sovereignty", [(11, "27", None)]),  # the whole paragraph, no letter
])
def test_objectives_by_guiding_principle(canned_store, principle, expected):
    rows = run(canned_store, "objectives-by-guiding-principle", principle=principle)
    assert sections(rows) == expected
    for r in rows:
        assert r["principle"] == f"{ID}guiding-principle/{principle}" and r["source"] == PRINCIPLE_PAGE[principle]
        assert r["url"] == OFFICIAL_TEXT
        assert r["section"] == (f"{ID}action/gcm-{r['paragraph']}-{r['letter']}" if r["letter"]
                                else f"{ID}paragraph/gcm-{r['paragraph']}")


def test_objectives_by_guiding_principle_of_one_objective_in_principle_order(canned_store):
    rows = run(canned_store, "objectives-by-guiding-principle", objective="11")
    assert [(r["name"], r["letter"]) for r in rows] == [
        ("National sovereignty", None), ("Rule of law and due process", "c"), ("Rule of law and due process", "f"),
        ("Human rights", "a"), ("Human rights", "c"), ("Human rights", "g"), ("Whole-of-government approach", "a")]


def test_objectives_by_guiding_principle_lists_nothing_for_a_principle_whose_list_was_not_read(canned_store):
    assert run(canned_store, "objectives-by-guiding-principle", principle="child-sensitive") == []
    everything = run(canned_store, "objectives-by-guiding-principle")
    # every link the principle pages read give (26 human rights, 15 rule of law, 8 sustainable
    # development, 5 international cooperation, 2 whole-of-government, 1 each for the other two),
    # each once, with the page of its own principle
    assert len(everything) == len({(r["principle"], r["section"]) for r in everything}) == 58
