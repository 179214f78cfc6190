"""Charts beside the result table of the query page, and on a canned query's page, in real headless
Chromium against a real server on 127.0.0.1 (the fixtures of ``test_query_page``)."""

from __future__ import annotations

import base64
from pathlib import Path
from xml.etree import ElementTree

from .test_query_page import (COUNT_COLOURS, _png_size, browser, open_page, page, pytestmark,  # noqa: F401
                              server, set_query)

OBJECTIVES = """PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>
PREFIX schema: <https://schema.org/>
# Objectives and their numbers
SELECT ?objective ?n WHERE { ?objective a gcmo:Objective ; schema:position ?n } ORDER BY ?n"""

#: Counts the pixels that differ between two PNG images (over the area they share), in the browser.
DIFFERING_PIXELS = """async ([first, second]) => {
    const load = async (source) => { const image = new Image(); image.src = source; await image.decode(); return image; };
    const [a, b] = [await load(first), await load(second)];
    const width = Math.min(a.width, b.width), height = Math.min(a.height, b.height);
    const pixels = (image) => {
        const canvas = document.createElement("canvas");
        canvas.width = width; canvas.height = height;
        const context = canvas.getContext("2d");
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, width, height).data;
    };
    const [p, q] = [pixels(a), pixels(b)];
    let differing = 0;
    for (let i = 0; i < p.length; i += 4) if (p[i] !== q[i] || p[i + 1] !== q[i + 1] || p[i + 2] !== q[i + 2]) differing++;
    return [differing, width * height];
}"""


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def in_blank_page(page, script: str, argument):
    """Run ``script`` in about:blank (no CSP there, and the query page keeps its state)."""
    helper = page.context.new_page()
    try:
        return helper.evaluate(script, argument)
    finally:
        helper.close()


def run(page, query: str):
    set_query(page, query)
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")


def chart_marks(page) -> int:
    return page.locator("#chart svg .mark").count()


def test_a_chart_beside_the_table_with_title_axis_labels_and_one_mark_per_row(page, server):
    open_page(page, server + "/sparql")
    run(page, OBJECTIVES)
    page.wait_for_selector("#chart svg[data-kind=bar]")
    assert page.locator("#chart svg > title").text_content() == "Objectives and their numbers"
    assert page.locator("#chart svg .axis-title").all_text_contents() == ["objective", "n"]
    assert chart_marks(page) == page.locator("table.results tbody tr").count() == 23
    assert page.locator("#chart svg .mark").first.locator("title").text_content() == "gcm:objective/1 — n: 1"
    # The chart is beside the table, not instead of it; its view is pressed, those that fit enabled.
    assert page.locator("table.results").is_visible() and page.locator("#chart svg").is_visible()
    assert page.get_attribute("#chart-views [data-kind=bar]", "aria-pressed") == "true"
    assert page.is_disabled("#chart-views [data-kind=heatmap]") and page.is_disabled("#chart-views [data-kind=line]")
    assert "Bar chart of 23 rows" in page.inner_text("#chart-note")
    # Accessible: an image labelled by its title and description.
    assert page.get_attribute("#chart svg", "role") == "img"
    assert page.get_attribute("#chart svg", "aria-labelledby") == "chart-title chart-desc"


def test_the_coverage_matrix_reads_as_a_heat_map_and_the_views_switch(page, server):
    open_page(page, server + "/sparql")
    page.locator(".example-button", has_text="Coverage matrix").click()
    page.click("#run")
    page.wait_for_selector("#chart svg[data-kind=heatmap]")
    rows = page.locator("table.results tbody tr").count()
    assert rows == chart_marks(page) == 42
    # The header's chart: objective numbers across, theme labels down, questions in the cells.
    assert page.locator("#chart svg > title").text_content() == "Coverage matrix of objectives and themes"
    assert page.locator("#chart svg .axis-title").all_text_contents() == ["number", "label"]
    assert "Border management" in page.locator("#chart svg .tick").all_text_contents()
    page.click("#chart-views [data-kind=bar]")
    page.wait_for_selector("#chart svg[data-kind=bar]")
    assert chart_marks(page) == 42
    assert page.get_attribute("#chart-views [data-kind=bar]", "aria-pressed") == "true"
    assert page.get_attribute("#chart-views [data-kind=heatmap]", "aria-pressed") == "false"
    page.click("#chart-views [data-kind=none]")
    assert not page.locator("#chart").is_visible() and page.locator("table.results").is_visible()
    page.click("#chart-views [data-kind=heatmap]")
    page.wait_for_selector("#chart svg[data-kind=heatmap]")
    assert page.locator("#chart").is_visible() and chart_marks(page) == 42


def test_screenshots_of_the_heat_map_and_the_bar_chart_differ_and_are_not_blank(page, server, tmp_path):
    open_page(page, server + "/sparql")
    page.locator(".example-button", has_text="Coverage matrix").click()
    page.click("#run")
    page.wait_for_selector("#chart svg[data-kind=heatmap]")
    heat_map = page.locator("#chart svg").screenshot(path=str(tmp_path / "heat-map.png"))
    page.click("#chart-views [data-kind=bar]")
    page.wait_for_selector("#chart svg[data-kind=bar]")
    bar_chart = page.locator("#chart svg").screenshot(path=str(tmp_path / "bar-chart.png"))
    for shot in (heat_map, bar_chart):
        width, height = _png_size(shot)
        assert width > 300 and height > 200
        colours, _ = in_blank_page(page, COUNT_COLOURS, [data_url(shot), {"x": 0, "y": 0, "width": 1, "height": 1}])
        assert colours > 20, colours  # text, axes and marks; a blank chart would be one colour
    # The heat map's cells shade from light to dark blue: many more colours than the bar chart's one blue.
    differing, shared = in_blank_page(page, DIFFERING_PIXELS, [data_url(heat_map), data_url(bar_chart)])
    assert differing > shared * 0.05, (differing, shared)


def test_download_the_chart_as_svg_and_png(page, server):
    open_page(page, server + "/sparql")
    run(page, OBJECTIVES)
    page.wait_for_selector("#chart svg[data-kind=bar]")
    with page.expect_download() as info:
        page.click("#chart-svg")
    assert info.value.suggested_filename == "query-chart.svg"
    root = ElementTree.fromstring(Path(info.value.path()).read_bytes())
    assert len([e for e in root.iter() if e.get("class") == "mark"]) == 23
    width, height = float(root.get("width")), float(root.get("height"))
    with page.expect_download() as info:
        page.click("#chart-png")
    assert info.value.suggested_filename == "query-chart.png"
    png = Path(info.value.path()).read_bytes()
    assert _png_size(png) == (round(width * 2), round(height * 2))  # drawn at twice the size
    colours, _ = in_blank_page(page, COUNT_COLOURS, [data_url(png), {"x": 0, "y": 0, "width": 1, "height": 1}])
    assert colours > 20, colours


def test_results_a_chart_does_not_fit_or_too_many_rows(page, server):
    open_page(page, server + "/sparql")
    run(page, "SELECT ?s ?label { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } LIMIT 5")
    page.wait_for_selector("#chart-note:has-text('No chart')")
    assert "needs a column of numbers" in page.inner_text("#chart-note") and chart_marks(page) == 0
    run(page, "SELECT ?s (1 AS ?n) { ?s ?p ?o } LIMIT 600")
    page.wait_for_selector("#chart svg[data-kind=none]")
    assert "More than 500 rows" in page.text_content("#chart svg") and chart_marks(page) == 0


def test_hostile_labels_are_shown_as_text(page, server):
    hostile = "<img src=x onerror=alert(1)><script>alert(2)</script>"  # no quote: a plain SPARQL string
    open_page(page, server + "/sparql")
    run(page, f'SELECT ?label ?n {{ VALUES (?label ?n) {{ ("{hostile}" 3) ("&amp;" 1) }} }}')
    page.wait_for_selector("#chart svg[data-kind=bar]")
    assert page.locator("#chart img, #chart script, #chart foreignObject").count() == 0
    titles = [page.locator("#chart svg .mark").nth(i).locator("title").text_content() for i in range(2)]
    assert titles == [f"{hostile} — n: 3", "&amp; — n: 1"]


def test_a_canned_query_page_shows_its_chart(page, server):
    page.goto(server + "/api/queries/coverage-matrix")
    assert page.locator("figure.chart svg[data-kind=heatmap]").is_visible()
    assert page.locator("figure.chart svg > title").text_content() == "Coverage matrix of objectives and themes"
    assert page.locator("figure.chart svg .mark").count() == page.locator("table tr").count() - 1 == 42
    assert page.locator("figure.chart svg .axis-title").all_text_contents() == ["number", "label"]
