"""A real headless Chromium looks at an entity page and the landing page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser_server():
    """One server for the browser tests, over the embedded store: the browser is the point here, and
    the other backends' documents are checked by the rest of this folder. (Not ``ld_server``: its
    backends would start a browser per backend, and forking a query process while the browser's
    driver is up has hung Playwright's start.)"""
    from gcm_kg.core.settings import Settings
    from gcm_kg.store.embedded import EmbeddedStore
    from gcm_kg.web.app import create_app

    from ..support.live_server import LiveServer

    with LiveServer(create_app(Settings(), EmbeddedStore.in_memory()), quiet=True) as server:
        yield server.base


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


def test_entity_page_in_a_browser(browser_server, page, tmp_path_factory):
    failed = []  # responses >= 400 (a plain-text Turtle view makes Chromium ask for /favicon.ico)
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    response = page.goto(browser_server + "/id/objective/9")
    assert response.ok and page.url.endswith("/doc/objective/9.html")  # followed the 303
    assert page.locator("h1").inner_text() == "Strengthen the transnational response to smuggling of migrants"
    assert page.locator("svg.diagram a").count() >= 5               # the diagram's nodes are links
    assert page.locator("table.props").first.is_visible()
    page.locator("svg.diagram a").first.click()                     # the diagram navigates
    page.wait_for_load_state()
    assert "/doc/" in page.url
    page.goto(browser_server + "/id/objective/9")
    page.get_by_role("link", name="Turtle").click()
    assert page.url.endswith("/doc/objective/9.ttl")
    shots = Path(os.environ.get("GCM_KG_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    page.goto(browser_server + "/id/theme/trafficking-in-persons")
    page.screenshot(path=str(shots / "entity.png"), full_page=True)
    assert failed == []


def test_landing_page_in_a_browser(browser_server, page, tmp_path_factory):
    page.goto(browser_server + "/")
    assert "Global Compact" in page.locator("h1").inner_text()
    cards = page.locator("ul.grid li")
    assert cards.count() >= 6
    page.get_by_role("link", name="Objectives").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/list/objective")
    assert page.locator("ol.items li").count() == 23
    shots = Path(os.environ.get("GCM_KG_SCREENSHOTS", tmp_path_factory.mktemp("shots")))
    page.goto(browser_server + "/")
    page.screenshot(path=str(shots / "landing.png"), full_page=True)
