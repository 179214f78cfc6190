"""A real headless Chromium looks at an entity page and the landing page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def page():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_entity_page_in_a_browser(ld_server, page, tmp_path_factory):
    failed = []  # responses >= 400 (a plain-text Turtle view makes Chromium ask for /favicon.ico)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    response = page.goto(ld_server + "/id/objective/9")
    assert response.ok and page.url.endswith("/doc/objective/9.html")  # followed the 303
    assert page.locator("h1").inner_text() == "Strengthen the transnational response to smuggling of migrants"
    assert page.locator("svg.diagram a").count() >= 5               # the diagram's nodes are links
    assert page.locator("table.props").first.is_visible()
    page.locator("svg.diagram a").first.click()                     # the diagram navigates
    page.wait_for_load_state()
    assert "/doc/" in page.url
    page.goto(ld_server + "/id/objective/9")
    page.get_by_role("link", name="Turtle").click()
    assert page.url.endswith("/doc/objective/9.ttl")
    shots = Path(os.environ.get("GCM_KG_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    page.goto(ld_server + "/id/theme/trafficking-in-persons")
    page.screenshot(path=str(shots / "entity.png"), full_page=True)
    assert failed == []


def test_landing_page_in_a_browser(ld_server, page, tmp_path_factory):
    page.goto(ld_server + "/")
    assert "Global Compact" in page.locator("h1").inner_text()
    cards = page.locator("ul.grid li")
    assert cards.count() >= 6
    page.get_by_role("link", name="Objectives").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/list/objective")
    assert page.locator("ol.items li").count() == 23
    shots = Path(os.environ.get("GCM_KG_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    page.goto(ld_server + "/")
    page.screenshot(path=str(shots / "landing.png"), full_page=True)
