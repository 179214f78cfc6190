"""services.charts: SVG charts of result tables — one mark per row, title, axis labels, escaping,
the kind chosen from the columns, the row cap — read back with an XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import XSD
from gcm_kg.core.settings import Settings
from gcm_kg.services import canned, charts
from gcm_kg.sparql import catalogue
from gcm_kg.sparql.catalogue import ChartSpec
from gcm_kg.store.factory import open_store

FIXTURES = Path(__file__).parent / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"


def integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def date(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))


def iri(key: str) -> ox.NamedNode:
    return ox.NamedNode("https://w3id.org/gcm-kg/id/" + key)


#: Objectives × themes with a count each (a matrix), and the objective's number (an identifier).
MATRIX_COLUMNS = ["number", "objective", "theme", "count"]
MATRIX_ROWS = [[integer(n), iri(f"objective/{n}"), ox.Literal(theme, language="en"), integer(n * k)]
               for n in (9, 10, 11) for k, theme in enumerate(("Border management", "Consular protection"))]


def parse(svg: str) -> ET.Element:
    assert svg.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    return ET.fromstring(svg.encode("utf-8"))


def marks(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == "mark"]


def texts(root: ET.Element, css_class: str) -> list[str]:
    return [e.text for e in root.iter(SVG + "text") if e.get("class") == css_class]


# -- what each kind draws ------------------------------------------------------------------------
def test_bar_chart_one_bar_per_row_with_title_and_axis_labels():
    rows = [[ox.Literal(name), integer(n)] for name, n in (("a", 3), ("b", 0), ("c", 12))]
    root = parse(charts.render_svg(["thing", "n"], rows, title="Things counted"))
    assert root.get("data-kind") == "bar" and root.get("role") == "img"
    assert root.find(SVG + "title").text == "Things counted"
    assert root.get("aria-labelledby") == "chart-title chart-desc" and root.find(SVG + "desc").text
    bars = marks(root)
    assert [bar.tag for bar in bars] == [SVG + "rect"] * 3
    assert [bar.find(SVG + "title").text for bar in bars] == ["a — n: 3", "b — n: 0", "c — n: 12"]
    assert texts(root, "axis-title") == ["thing", "n"]
    assert texts(root, "tick")[-3:] == ["a", "b", "c"]
    heights = [float(bar.get("height")) for bar in bars]
    assert heights[2] > heights[0] > heights[1]  # the bars are to scale


def test_heat_map_one_cell_per_row_coloured_by_value():
    spec = ChartSpec("heatmap", x="number", y="theme", value="count")
    root = parse(charts.render_svg(MATRIX_COLUMNS, MATRIX_ROWS, spec, title="Matrix"))
    cells = marks(root)
    assert len(cells) == len(MATRIX_ROWS) and root.get("data-kind") == "heatmap"
    assert cells[1].find(SVG + "title").text == "9 × Consular protection — count: 9"
    assert texts(root, "axis-title") == ["number", "theme"]
    colours = {cell.find(SVG + "title").text.rsplit(": ", 1)[1]: cell.get("fill") for cell in cells}
    assert colours["0"] == "#f7fbff" and colours["11"] == "#08306b"  # lightest and darkest
    assert texts(root, "cell-value") == [str(row[3].value) for row in MATRIX_ROWS]


def test_line_chart_one_point_per_row_in_date_order():
    rows = [[date(d), integer(n)] for d, n in (("2021-04-28", 5), ("2021-04-26", 1), ("2021-04-27", 3))]
    root = parse(charts.render_svg(["day", "events"], rows))
    points = marks(root)
    assert root.get("data-kind") == "line" and [p.tag for p in points] == [SVG + "circle"] * 3
    xs = [float(p.get("cx")) for p in points]
    assert xs == sorted(xs)  # drawn along the time axis, whatever the rows' order
    assert [p.find(SVG + "title").text for p in points][0] == "2021-04-26 — events: 1"
    assert texts(root, "axis-title") == ["day", "events"]
    assert root.find(SVG + "polyline") is not None


def test_every_kind_a_header_may_declare_is_drawn():
    assert set(charts.KINDS) == set(catalogue.CHART_ROLES)
    for kind in charts.KINDS:
        spec = ChartSpec(kind, "number", "count", "theme" if kind == "heatmap" else None)
        assert len(marks(parse(charts.render_svg(MATRIX_COLUMNS, MATRIX_ROWS, spec)))) == len(MATRIX_ROWS)


def test_rows_without_a_number_are_left_out_and_the_chart_says_so():
    rows = [[ox.Literal("a"), integer(2)], [ox.Literal("b"), None], [ox.Literal("c"), ox.Literal("many")]]
    root = parse(charts.render_svg(["thing", "n"], rows, ChartSpec("bar", "thing", "n")))
    assert len(marks(root)) == 1
    assert texts(root, "chart-note") == ["2 rows without a number in ?n not drawn"]


# -- bounds --------------------------------------------------------------------------------------
def test_too_many_rows_are_not_drawn_but_said():
    rows = [[ox.Literal(f"t{i}"), integer(i)] for i in range(charts.MAX_MARKS + 1)]
    svg = charts.render_svg(["thing", "n"], rows, title="Big")
    root = parse(svg)
    assert not marks(root) and len(svg) < 2000
    assert texts(root, "chart-message") == [f"More than {charts.MAX_MARKS} rows: too many for a chart. Narrow the "
                                            "query, or group the rows (GROUP BY) to count them."]
    assert root.find(SVG + "title").text == "Big" and root.get("data-rows") == str(charts.MAX_MARKS + 1)
    # At the cap, every row is drawn.
    assert len(marks(parse(charts.render_svg(["thing", "n"], rows[:charts.MAX_MARKS])))) == charts.MAX_MARKS


def test_no_rows_no_chart():
    root = parse(charts.render_svg(["thing", "n"], [], ChartSpec("bar", "thing", "n")))
    assert texts(root, "chart-message") == ["No rows to chart."] and not marks(root)


# -- escaping ------------------------------------------------------------------------------------
def test_hostile_labels_and_title_are_text_never_markup():
    body = (FIXTURES / "chart_results_with_hostile_labels.srj").read_bytes()
    title = '</title><script>alert("t")</script><foreignObject/>'
    svg = charts.chart_of_results(body, title=title)
    root = parse(svg)  # well-formed XML: a NUL or form feed in a label would make it unreadable
    elements = {e.tag for e in root.iter()}
    assert elements <= {SVG + t for t in ("svg", "title", "desc", "rect", "line", "text", "polyline", "circle")}
    assert root.find(SVG + "title").text == title
    assert [m.find(SVG + "title").text for m in marks(root)] == [
        "<script>alert(1)</script> — count: 3",
        "\"quoted\" & 'apostrophes' ]]> <!-- --> <?pi?> — count: 5",
        "NUL and form feed dropped — count: 1.5",
        "javascript:alert(1) — count: 2"]
    # Nothing that fetches or runs: no reference out of the document, no script, no style.
    assert "<script" not in svg and "href" not in svg and "style" not in svg and "url(" not in svg
    assert svg.count("http") == 1  # the SVG namespace name, never fetched


def test_id_prefix_keeps_ids_unique_and_is_escaped():
    rows = [[ox.Literal("a"), integer(1)]]
    root = parse(charts.render_svg(["thing", "n"], rows, id_prefix='q"1'))
    assert root.find(SVG + "title").get("id") == 'q"1-title'


# -- choosing the kind from the columns ----------------------------------------------------------
def test_a_matrix_of_two_category_columns_is_a_heat_map_of_the_measure():
    fits = charts.fitting_charts(MATRIX_COLUMNS, MATRIX_ROWS)
    # Labels before IRIs; the objective's number identifies one side of the pair, so it is not
    # what the cells show: the count is.
    assert fits["heatmap"] == ChartSpec("heatmap", x="objective", y="theme", value="count")
    assert list(fits) == ["heatmap", "bar"]
    assert charts.choose_chart(MATRIX_COLUMNS, MATRIX_ROWS) == fits["heatmap"]
    # The bars too show the count, not the number that only names an objective.
    assert fits["bar"] == ChartSpec("bar", x="theme", value="count")


def test_a_one_to_one_pair_is_not_a_matrix():
    rows = [[iri(f"theme/{k}"), ox.Literal(k), integer(i)] for i, k in enumerate(("a", "b", "c"))]
    assert list(charts.fitting_charts(["theme", "label", "n"], rows)) == ["bar"]
    assert charts.choose_chart(["theme", "label", "n"], rows) == ChartSpec("bar", "label", "n")


def test_dates_or_ordered_numbers_make_a_line():
    by_day = [[date(f"2021-04-2{d}"), integer(d)] for d in (6, 7, 8)]
    assert charts.choose_chart(["day", "n"], by_day) == ChartSpec("line", "day", "n")
    squares = [[integer(n), integer(n * n)] for n in range(1, 6)]
    assert charts.choose_chart(["n", "square"], squares) == ChartSpec("line", "n", "square")


def test_no_number_no_chart():
    rows = [[iri("objective/9"), ox.Literal("Nine")]]
    assert charts.fitting_charts(["objective", "label"], rows) == {}
    with pytest.raises(charts.ChartError, match="no chart fits") as caught:
        charts.choose_chart(["objective", "label"], rows)
    assert caught.value.parameter == "kind"


@pytest.mark.parametrize("kind, roles, parameter, message", [
    ("pie", {}, "kind", "chart kind 'pie' is not one of: auto, bar, line, heatmap"),
    ("bar", {"x": "nope"}, "x", "x: the results have no column ?nope"),
    ("bar", {"y": "theme"}, "y", "a bar chart has no 'y' column"),
    ("bar", {"value": "theme"}, "value", "value: the column ?theme holds no numbers"),
    ("line", {}, "kind", "a line chart does not fit these results; name its columns (x, value)"),
    ("auto", {"x": "theme"}, "kind", "name the chart kind"),
])
def test_a_chart_that_cannot_be_drawn_names_the_parameter(kind, roles, parameter, message):
    with pytest.raises(charts.ChartError, match=message.replace("?", r"\?").replace("(", r"\(").replace(")", r"\)")) \
            as caught:
        charts.choose_chart(MATRIX_COLUMNS, MATRIX_ROWS, kind, **roles)
    assert caught.value.parameter == parameter


def test_named_columns_override_the_chosen_ones():
    spec = charts.choose_chart(MATRIX_COLUMNS, MATRIX_ROWS, "heatmap", x="number")
    assert spec == ChartSpec("heatmap", x="number", y="theme", value="count")


# -- results posted by the query page ------------------------------------------------------------
@pytest.mark.parametrize("body, message", [
    (b"{not json", "not SPARQL 1.1 JSON results"),
    (b'{"head": {}, "boolean": true}', "not an ASK answer"),
    (b"\xff\xfe", "not SPARQL 1.1 JSON results"),
])
def test_a_body_that_is_not_select_results_is_refused(body, message):
    with pytest.raises(charts.ChartError, match=message) as caught:
        charts.chart_of_results(body)
    assert caught.value.parameter is None


def test_the_coverage_matrix_reads_as_a_heat_map():
    query = canned.get_query("coverage-matrix")
    table = canned.run_table(open_store(Settings(max_rows=None)), query.bind())
    root = parse(charts.render_svg(table.columns, table.rows, query.chart, title=query.title))
    assert root.get("data-kind") == "heatmap" and len(marks(root)) == len(table.rows) == 42
    assert texts(root, "axis-title") == ["number", "label"]
    assert "Border management" in texts(root, "tick")
    # Chosen without the header too: objectives against themes, the questions in the cells.
    assert charts.choose_chart(table.columns, table.rows) == ChartSpec("heatmap", "objective", "questions", "label")
