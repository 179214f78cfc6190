"""Parameters are validated, then bound (substitution or a VALUES block of serialised terms),
never spliced: no value can change a query's shape. And the ``.rq`` header is parsed strictly."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gcm_kg.services import canned
from gcm_kg.sparql import catalogue

HOSTILE = [
    '"', "'", '"""', "'''", "<", ">", "{", "}", "#", "\\", "\n", "\r\n", "\t", "\x00", "\x7f",
    "\\u0022", "\\u003E", "\\U0000007D", "%3E", "%00", "%22",
    '" } ; DROP ALL ; #',
    "x> } UNION { ?s ?p ?o } #",
    '") } UNION { ?s ?p ?o } #',
    "') } UNION { ?s ?p ?o } #",
    "https://w3id.org/gcm-kg/id/theme/consular-protection> } UNION { ?s ?p ?o . } #",
    "https://w3id.org/gcm-kg/id/theme/consular-protection>",
    "<https://w3id.org/gcm-kg/id/theme/consular-protection>",
    "consular-protection\n} UNION { ?s ?p ?o }",
    "consular-protection } UNION { ?s ?p ?o }",
    "gcm:theme/x> ?p ?o } #",
    "gcm:theme/x\\u003E",
    "lac-2021-3 .\n?s ?p ?o",
    "14 } UNION { ?s ?p ?o",
    "14\x00",
    "1 || true", "1) || (1", "-1", "0", "24", "9999999999", "1e3", "0x10",
    '2021-04-27"^^xsd:date } #', "2021-02-30", "2021-4-27",
    "Protección consular@es } UNION { ?s ?p ?o } #",
    'Protección consular"@es',
    "@es", "x@", "x@e s",
    "video } UNION", "video\n",
    "\u202e", "ｘ", "\ufeff",
    "?s", "$s",
    "a" * 5000,
]


def _count(store, bound) -> tuple[list[str], int]:
    table = canned.run_table(store, bound)
    return table.columns, len(table.rows)


def _cases():
    for query in canned.load_queries().values():
        for param in query.params:
            yield pytest.param(query.name, param.name, id=f"{query.name}:{param.name}")


@pytest.mark.parametrize("name, param", list(_cases()))
def test_hostile_values_are_refused_or_harmless(canned_store, name, param):
    query = canned.get_query(name)
    benign_columns, benign_rows = _count(canned_store, query.bind())
    # the largest legitimate answer: the default, or the parameter left unset (no filter)
    universe = max(benign_rows, _count(canned_store, query.bind(use_defaults=False))[1]
                   if not query.param(param).required else 0)
    for value in HOSTILE:
        try:
            bound = query.bind({param: [value]})
        except canned.ParameterError as error:
            assert error.param == param and param in str(error)
            continue
        # accepted: the value is one term, and the query keeps its shape
        assert len(bound.values[param]) == 1
        columns, rows = _count(canned_store, bound)
        assert columns == benign_columns, value
        assert rows <= universe, value
        text = bound.standalone_text()
        assert ox.Store().query(text).variables == ox.Store().query(query.sparql).variables


@pytest.mark.parametrize("name, param", list(_cases()))
def test_control_characters_and_breakouts_are_refused(name, param):
    query = canned.get_query(name)
    for value in ("a\x00b", "a\nb", "x\r", "\x1b[31m"):
        with pytest.raises(canned.ParameterError) as caught:
            query.bind({param: [value]})
        assert caught.value.param == param


def test_typed_validation_messages_name_the_parameter():
    cases = [("round-table-objectives", "roundtable", "not an iri"),
             ("objective-resources", "objective", "24"), ("objective-resources", "objective", "nine"),
             ("events-on-date", "date", "2021-02-30"), ("events-on-date", "date", "27/04/2021"),
             ("theme-resources", "kind", "podcast"), ("concept-by-label", "label", "no language"),
             ("questions-mentioning", "text", "   ")]
    for name, param, value in cases:
        with pytest.raises(canned.ParameterError, match=f"parameter '{param}'"):
            canned.get_query(name).bind({param: [value]})
    with pytest.raises(canned.ParameterError, match="unknown parameter"):
        canned.get_query("theme-questions").bind({"query": ["SELECT * {?s ?p ?o}"]})
    with pytest.raises(canned.ParameterError, match="takes one value"):
        canned.get_query("theme-questions").bind({"theme": ["consular-protection", "border-management"]})


def test_values_are_bound_as_typed_terms():
    q = canned.get_query
    assert q("objective-resources").bind({"objective": ["+09"]}).values["objective"] == (
        ox.Literal("9", datatype=ox.NamedNode(canned.XSD + "integer")),)
    assert q("events-on-date").bind({"date": ["2021-04-27"]}).values["date"] == (
        ox.Literal("2021-04-27", datatype=ox.NamedNode(canned.XSD + "date")),)
    assert q("concept-by-label").bind({"label": ["a@b.c@ES"]}).values["label"] == (ox.Literal("a@b.c", language="es"),)
    assert q("theme-resources").bind({"kind": ["video"]}).values["kind"] == (
        ox.NamedNode("https://w3id.org/gcm-kg/id/work-kind/video"),)
    assert q("theme-questions").bind({"theme": ["gcm:theme/border-management"]}).values["theme"] == (
        ox.NamedNode("https://w3id.org/gcm-kg/id/theme/border-management"),)


def test_single_values_use_substitution_and_multiple_values_a_values_block():
    bound = canned.get_query("objective-sdg-targets").bind({"objective": ["10"]})
    assert list(bound.substitutions()) == [ox.Variable("objective")]  # projected: SEP-0007 substitution
    assert "VALUES" not in bound.embedded_text().split("WHERE", 1)[1].split("\n", 2)[1]
    bound = canned.get_query("theme-resources").bind({"theme": ['consular-protection', 'border-management'],
                                                      "kind": ["video"]})
    text = bound.embedded_text()
    assert ("VALUES ?theme { <https://w3id.org/gcm-kg/id/theme/consular-protection> "
            "<https://w3id.org/gcm-kg/id/theme/border-management> }") in text
    assert "VALUES ?kind { <https://w3id.org/gcm-kg/id/work-kind/video> }" in text


def test_standalone_text_serialises_literals_safely():
    bound = canned.get_query("questions-mentioning").bind({"text": ['a"} UNION { ?s ?p ?o } \\u0022 #']})
    text = bound.standalone_text()
    assert 'VALUES ?text { "a\\"} UNION { ?s ?p ?o } \\\\u0022 #" }' in text
    assert ox.Store().query(text).variables == [ox.Variable("question"), ox.Variable("number"), ox.Variable("wording")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=40))
def test_any_text_is_refused_or_finds_at_most_every_question(canned_store, text):
    query = canned.get_query("questions-mentioning")
    try:
        bound = query.bind({"text": [text]})
    except canned.ParameterError:
        return
    table = canned.run_table(canned_store, bound)
    assert table.columns == ["question", "number", "wording"] and len(table.rows) <= 14


# -- the header format ---------------------------------------------------------------------------
GOOD = """#+ title: T
#+ description: D
#+ keywords: a, b
#+ param: x
#+   type: iri
#+   description: the thing
SELECT ?x ?y WHERE { ?x ?p ?y }
"""

CHARTED = GOOD.replace("#+ param: x", "#+ chart: bar\n#+   x: x\n#+   value: y\n#+ param: x")


def test_a_good_header_parses():
    query = catalogue.parse_query_text(GOOD, "good-one")
    assert (query.title, query.keywords, query.params[0].name, query.params[0].type) == ("T", ("a", "b"), "x", "iri")
    assert query.sparql.startswith("SELECT")


@pytest.mark.parametrize("text, message", [
    (GOOD.replace("#+ title: T\n", ""), "missing '#+ title:'"),
    (GOOD.replace("#+ keywords", "#+ colour: red\n#+ keywords"), "unknown key 'colour'"),
    (GOOD.replace("#+ title: T", "#+ title: T\n#+ title: U"), "'title' given twice"),
    (GOOD.replace("#+   type: iri", "#+   type: uri"), "type must be one of"),
    (GOOD.replace("#+   type: iri", "#+   type: enum"), "'values' is required for enum"),
    (GOOD.replace("#+   description: the thing", "#+   description: the thing\n#+   colour: red"), "unknown parameter key"),
    (GOOD.replace("#+   type", "#+  type"), "three or more"),
    (GOOD.replace("#+ param: x", "#+ param: limit"), "reserved"),
    (GOOD.replace("#+ param: x", "#+ param: z"), "never uses ?z"),
    (GOOD.replace("}\n", "} LIMIT 5\n"), "must not page itself"),
    (GOOD.replace("SELECT ?x ?y WHERE { ?x ?p ?y }", "ASK { ?x ?p ?y }"), "SELECT"),
    (GOOD.replace("?x ?p ?y }", "?x ?p ?y "), "does not parse"),
    (GOOD.replace("#+   description: the thing", "#+   description: the thing\n#+   default: not an iri"),
     "invalid default"),
    (GOOD.replace("#+ title: T", "#+title: T"), "expected '#+ key: value'"),
    (CHARTED.replace("#+ chart: bar", "#+ chart: pie"), "chart must be one of bar, line, heatmap"),
    (CHARTED.replace("#+   value: y\n", ""), "a bar chart needs '#+   value: COLUMN'"),
    (CHARTED.replace("#+   value: y", "#+   value: z"), "chart value: the query has no result column ?z"),
    (CHARTED.replace("#+   value: y", "#+   value: y\n#+   y: x"), "unknown bar chart key 'y'"),
    (CHARTED.replace("#+   value: y", "#+   value: y\n#+   value: x"), "'value' given twice"),
    (CHARTED.replace("#+ chart: bar", "#+ chart: bar\n#+ chart: line"), "'chart' given twice"),
    (GOOD.replace("#+   type: iri", "#+   type: iri\n#+ chart: line"), "query key 'chart' after the parameters"),
    (GOOD.replace("#+ keywords: a, b", "#+ keywords: a, b\n#+   x: y"), "indented key outside a 'param' or 'chart'"),
])
def test_bad_headers_are_errors_naming_file_and_line(text, message):
    with pytest.raises(catalogue.QueryFileError, match=re.escape(message)) as caught:
        catalogue.parse_query_text(text, "bad-one")
    assert str(caught.value).startswith("bad-one:")


def test_a_chart_declared_in_the_header():
    query = catalogue.parse_query_text(CHARTED, "charted")
    assert query.chart == catalogue.ChartSpec("bar", "x", "y")
    assert query.to_json()["chart"] == {"kind": "bar", "x": "x", "value": "y"}
    heatmap = GOOD.replace("#+ param: x", "#+ chart: heatmap\n#+   x: x\n#+   y: p\n#+   value: y\n#+ param: x")
    assert catalogue.parse_query_text(heatmap.replace("SELECT ?x ?y", "SELECT ?x ?p ?y"), "heat").chart == \
        catalogue.ChartSpec("heatmap", "x", "y", "p")
    assert catalogue.parse_query_text(GOOD, "plain").chart is None


def test_the_coverage_matrix_declares_a_heat_map_of_objectives_and_themes():
    chart = catalogue.load_queries()["coverage-matrix"].chart
    assert chart == catalogue.ChartSpec("heatmap", x="number", value="questions", y="label")


def test_query_names_are_kebab_case():
    with pytest.raises(catalogue.QueryFileError, match="kebab-case"):
        catalogue.parse_query_text(GOOD, "Bad_Name")
