"""The query page of /sparql in real headless Chromium, against a real server on 127.0.0.1.

Needs Debian's ``chromium`` (``apt-get install chromium``) at /usr/bin/chromium, driven by
Playwright for Python (``playwright install`` is never needed: the system browser is used).
"""

from __future__ import annotations

import base64
import os
import struct
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from werkzeug.exceptions import NotFound

from gcm_kg.web.app import create_app

from ..support.live_server import LiveServer

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

OBJECTIVES = """PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>
PREFIX schema: <https://schema.org/>
SELECT ?objective ?n WHERE { ?objective a gcmo:Objective ; schema:position ?n } ORDER BY ?n"""


def _wait_for_protocol(url: str) -> None:
    """The /sparql view is another module; give it a moment if the checkout is mid-change."""
    deadline = time.monotonic() + 20
    while True:
        response = requests.post(url + "/sparql", data="ASK {}", timeout=10, headers={
            "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        if response.status_code == 200:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"/sparql does not answer queries (HTTP {response.status_code})")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def server():
    live = LiveServer(create_app())
    try:
        _wait_for_protocol(live.base)
        yield live.base
    finally:
        live.close()


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def open_page(page, url: str):
    page.goto(url)
    page.wait_for_function("window.gcmQuery !== undefined")


def set_query(page, text: str):
    page.fill("#editor", text)


def test_type_a_query_run_it_and_see_rows(page, server):
    open_page(page, server + "/sparql")
    # Prefilled with our prefixes and highlighted.
    editor_text = page.input_value("#editor")
    assert "PREFIX gcm:" in editor_text and "PREFIX skos:" in editor_text
    assert page.locator("#highlight .t-keyword").count() > 0
    assert page.get_attribute("#editor", "id") == page.get_attribute("label.editor-label", "for")
    # Keep the prefixes, type a query with the keyboard, then Ctrl+Enter.
    page.fill("#editor", "PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>\n"
                         "PREFIX schema: <https://schema.org/>\n")
    page.focus("#editor")
    page.keyboard.press("Control+End")
    page.keyboard.type("SELECT ?objective ?n {?objective a gcmo:Objective; schema:position ?n} ORDER BY ?n")
    assert page.locator("#highlight .t-var").count() >= 4
    assert page.locator("#highlight .t-pname").count() >= 4
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("table.results tbody tr")
    rows = page.locator("table.results tbody tr")
    assert rows.count() == 23
    first = rows.nth(0).inner_text()
    assert "gcm:objective/1" in first
    assert page.locator("table.results th").all_inner_texts()[1:] == ["?objective", "?n"]
    assert "23 results" in page.inner_text("#status")
    # Downloads for a SELECT: CSV, TSV, JSON, XML.
    assert page.locator("#downloads a").all_inner_texts() == ["CSV", "TSV", "JSON", "XML"]
    # The address bar now holds a shareable link to this query.
    assert "query=" in page.url


def test_shared_link_opens_the_page_prefilled(page, server):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/gcm-kg/ontology#Objective> } LIMIT 3"
    open_page(page, f"{server}/sparql?query={quote(query)}")
    assert page.input_value("#editor") == query
    # "Copy link" gives the same kind of link, which opens the same query again.
    page.click("#share")
    link = page.input_value("#share-url")
    assert link.startswith(server + "/sparql?query=")
    open_page(page, link)
    assert page.input_value("#editor") == query


def test_syntax_error_shows_the_parser_message(page, server):
    open_page(page, server + "/sparql")
    set_query(page, "SELECT * WHERE {\n  ?s ?p \n}")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    text = page.inner_text("#error")
    assert "400" in text and "error at 3:" in text, text
    assert page.locator("#highlight .t-error").count() == 1
    assert page.locator("table.results").count() == 0


def test_ask_and_construct(page, server):
    open_page(page, server + "/sparql")
    set_query(page, "ASK { ?s a <https://w3id.org/gcm-kg/ontology#Objective> }")
    page.click("#run")
    page.wait_for_selector(".boolean")
    assert page.inner_text(".boolean strong") == "true"
    assert page.locator("#downloads a").all_inner_texts() == ["JSON", "XML"]

    set_query(page, "CONSTRUCT { ?o ?p ?v } WHERE { ?o a <https://w3id.org/gcm-kg/ontology#Objective> ; ?p ?v } LIMIT 5")
    page.click("#run")
    page.wait_for_selector("pre.graph")
    assert "<https://w3id.org/gcm-kg/id/objective/" in page.inner_text("pre.graph")
    assert page.locator("pre.graph .t-iri").count() > 0
    assert page.locator("#downloads a").all_inner_texts() == ["Turtle", "N-Triples", "JSON-LD", "RDF/XML"]


def test_download_csv(page, server):
    open_page(page, server + "/sparql")
    set_query(page, OBJECTIVES)
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    link = page.locator("#downloads a", has_text="CSV")
    assert "format=csv" in link.get_attribute("href")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "query-results.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert text.splitlines()[0] == "objective,n"
    assert len(text.strip().splitlines()) == 24


def test_examples_load_into_the_editor(page, server):
    listing = requests.get(server + "/api/queries", timeout=10)
    if listing.status_code != 200:
        pytest.skip("this checkout serves no /api/queries yet")
    open_page(page, server + "/sparql")
    page.wait_for_selector(".example-button")
    assert page.locator(".example-button").count() >= 1
    page.locator(".example-button").first.click()
    text = page.input_value("#editor")
    assert "SELECT" in text.upper()
    page.click("#run")
    page.wait_for_selector("table.results, #error:not([hidden])")
    assert page.locator("#error:not([hidden])").count() == 0


def test_page_works_without_the_examples_api(browser):
    app = create_app()

    def without_api(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/api/"):
            return NotFound()(environ, start_response)
        return app(environ, start_response)

    live = LiveServer(without_api)
    context = browser.new_context()
    try:
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        open_page(page, live.base + "/sparql")
        page.wait_for_selector("#examples li.muted:has-text('No examples')")
        set_query(page, OBJECTIVES)
        page.click("#run")
        page.wait_for_selector("table.results tbody tr")
        assert page.locator("table.results tbody tr").count() == 23
        assert not errors
    finally:
        context.close()
        live.close()


def test_tokenizer_classes(page, server):
    open_page(page, server + "/sparql")
    tokens = page.evaluate("""() => window.gcmQuery.tokenize(
        'PREFIX gcm: <https://w3id.org/gcm-kg/id/> # note\\nSELECT ?x (COUNT(*) AS ?n) ' +
        'WHERE { ?x a gcm:objective\\\\/9 ; rdfs:label "T\\\\"x"@en , 12.5e3, _:b1 }')
        .filter(t => t[0] !== 'space').map(t => [t[0], t[1]])""")
    kinds = {text: kind for kind, text in tokens}
    assert kinds["PREFIX"] == "keyword" and kinds["SELECT"] == "keyword" and kinds["a"] == "keyword"
    assert kinds["gcm:"] == "pname" and kinds["rdfs:label"] == "pname"
    assert kinds["<https://w3id.org/gcm-kg/id/>"] == "iri"
    assert kinds["# note"] == "comment"
    assert kinds["?x"] == "var" and kinds["?n"] == "var"
    assert kinds["COUNT"] == "function"
    assert kinds['"T\\"x"'] == "string" and kinds["@en"] == "langtag"
    assert kinds["12.5e3"] == "number" and kinds["_:b1"] == "bnode"
    assert page.evaluate("() => window.gcmQuery.queryForm('PREFIX a: <x:> # SELECT\\nASK {}')") == "ASK"


def test_keyboard_editing(page, server):
    open_page(page, server + "/sparql")
    page.fill("#editor", "")
    page.click("#editor")
    page.keyboard.type("SELECT * WHERE {")
    page.keyboard.press("Enter")
    page.keyboard.type("?s ?p ?o")
    assert page.input_value("#editor") == "SELECT * WHERE {\n  ?s ?p ?o"
    page.keyboard.press("Tab")
    assert page.input_value("#editor").endswith("?o  ")
    # Escape, then Tab leaves the editor (no keyboard trap).
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") != "editor"


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, from its signature and IHDR chunk (PNG spec §5.2, §11.2.2)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG file"
    assert data[12:16] == b"IHDR", "a PNG starts with its IHDR chunk"
    return struct.unpack(">II", data[16:24])


#: Counts the distinct colours of a PNG, in all of it and in a rectangle, with the browser's decoder.
COUNT_COLOURS = """async ([source, box]) => {
    const image = new Image();
    image.src = source;
    await image.decode();
    const canvas = document.createElement("canvas");
    canvas.width = image.width;
    canvas.height = image.height;
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const colours = (x, y, width, height) => {
        const pixels = context.getImageData(x, y, width, height).data;
        const seen = new Set();
        for (let i = 0; i < pixels.length; i += 4) seen.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
        return seen.size;
    };
    return [colours(0, 0, image.width, image.height), colours(box.x, box.y, box.width, box.height)];
}"""


def test_screenshot(page, server, tmp_path):
    """A full-page screenshot after a query, for a person to look at (kept in $GCM_KG_SCREENSHOTS if set).

    It must be a real PNG as wide as the window and at least as tall, and not blank: a page that
    failed to render (all one colour) or an editor drawn empty would fail here.
    """
    open_page(page, server + "/sparql")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    shots = Path(os.environ.get("GCM_KG_SCREENSHOTS", tmp_path))
    path = shots / "query-page.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.is_file()
    data = path.read_bytes()
    width, height = _png_size(data)
    assert width == page.viewport_size["width"] and height >= page.viewport_size["height"], (width, height)
    # The editor's place on the page (a full-page screenshot is in page coordinates).
    box = page.locator("#editor-box").bounding_box()
    scroll_x, scroll_y = page.evaluate("[window.scrollX, window.scrollY]")
    editor = {"x": round(box["x"] + scroll_x), "y": round(box["y"] + scroll_y),
              "width": round(box["width"]), "height": round(box["height"])}
    assert editor["width"] > 100 and editor["height"] > 50 and editor["y"] + editor["height"] <= height
    decoder = page.context.new_page()  # about:blank: no CSP, and the query page's state stays as it is
    try:
        page_colours, editor_colours = decoder.evaluate(COUNT_COLOURS, [
            "data:image/png;base64," + base64.b64encode(data).decode("ascii"), editor])
    finally:
        decoder.close()
    # Text, borders and the highlighter's colours: the rendered page has thousands of colours and its
    # editor hundreds; a blank page has a single colour.
    assert page_colours > 50, page_colours
    assert editor_colours > 8, editor_colours


def test_dataset_of_the_page_url_is_used_for_queries(page, server):
    graph = "https://w3id.org/gcm-kg/graph/ontology"
    expected = requests.post(server + "/sparql", data=f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
                             headers={"Content-Type": "application/sparql-query",
                                      "Accept": "application/sparql-results+json"}, timeout=10)
    n = expected.json()["results"]["bindings"][0]["n"]["value"]
    query = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    open_page(page, f"{server}/sparql?query={quote(query)}&default-graph-uri={quote(graph, safe='')}")
    assert graph in page.inner_text(".dataset")
    page.click("#run")
    page.wait_for_selector("table.results tbody tr")
    assert page.locator("table.results tbody td").nth(1).inner_text() == n
    assert "default-graph-uri=" in page.url


def test_add_missing_prefixes(page, server):
    open_page(page, server + "/sparql")
    set_query(page, "PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>\n"
                    "SELECT * { ?o a gcmo:Objective ; skos:prefLabel ?l ; schema:position ?n ; unknown:x ?y }")
    page.click("#add-prefixes")
    text = page.input_value("#editor")
    assert text.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                           "PREFIX schema: <https://schema.org/>\n")
    assert text.count("PREFIX gcmo:") == 1 and "PREFIX unknown:" not in text
    assert "skos, schema" in page.inner_text("#status")
    # The browser's undo takes the insertion back in one step.
    page.focus("#editor")
    page.keyboard.press("Control+z")
    assert not page.input_value("#editor").startswith("PREFIX skos:")
