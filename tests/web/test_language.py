"""gcm_kg.web.language: ``?lang=`` names a page's language over Accept-Language; links keep it;
pages name both versions (hreflang) and offer a switcher; RDF documents ignore it; Vary and the
page caches stay right."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from werkzeug.datastructures import LanguageAccept

from gcm_kg.core.errors import Refusal
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web import language, templating
from gcm_kg.web.app import create_app

BROWSER = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
#: One page of each kind (every template that extends ld/base.html).
PAGES = ["/", "/list/objective", "/doc/objective/9.html", "/ontology.html", "/shapes.html",
         "/graph/gcm/objectives.html", "/.well-known/void?format=html", "/validate", "/id/objective/99"]


def _vary(response) -> set[str]:
    return {v.strip() for v in response.headers.get("Vary", "").split(",") if v.strip()}


# -- the choice, as a plain function ------------------------------------------------------------------

@pytest.mark.parametrize("requested, header, expected", [
    (None, None, "en"),
    (None, [("es", 1.0)], "es"),
    (None, [("fr", 1.0), ("es", 0.5)], "es"),
    (None, [("fr", 1.0)], "en"),
    ("es", [("en", 1.0)], "es"),           # the URL wins over the header
    ("en", [("es", 1.0)], "en"),
    ("ES", None, "es"),
    ("", [("es", 1.0)], "es"),             # lang= empty: as if absent
])
def test_choose_language(requested, header, expected):
    assert language.choose_language(requested, LanguageAccept(header) if header else None) == expected


@pytest.mark.parametrize("requested", ["fr", "es-ES", "english", "<script>"])
def test_a_language_the_pages_are_not_in_is_a_400_naming_the_ones_there_are(requested):
    with pytest.raises(Refusal) as raised:
        language.choose_language(requested)
    assert raised.value.condition.value == "invalid-parameter"   # 400 in the one error table
    assert "en, es" in raised.value.detail and "lang" in raised.value.detail


# -- links, as plain functions in a request --------------------------------------------------------

@pytest.fixture()
def bare_app():
    app = Flask(__name__)
    app.extensions["gcm_kg.settings"] = Settings()
    return app


@pytest.mark.parametrize("href, expected", [
    ("/list/objective", "/list/objective?lang=es"),
    ("/sparql?query=SELECT%20*", "/sparql?query=SELECT+%2A&lang=es"),
    ("/ontology#Objective", "/ontology?lang=es#Objective"),
    ("/shapes.html?lang=en#S01", "/shapes.html?lang=es#S01"),
    ("/static/cite.js", "/static/cite.js"),             # the same file in every language
])
def test_links_keep_the_language_the_url_named(bare_app, href, expected):
    with bare_app.test_request_context("/doc/objective/9.html?lang=es"):
        assert language.with_language(href) == expected


def test_links_name_no_language_when_the_url_named_none_or_a_bad_one(bare_app):
    for url in ("/doc/objective/9.html", "/doc/objective/9.html?lang=fr"):
        with bare_app.test_request_context(url, headers={"Accept-Language": "es"}):
            assert language.with_language("/list/objective") == "/list/objective"


def test_site_is_the_one_place_links_get_the_language(bare_app):
    with bare_app.test_request_context("/kg/list/theme?lang=es", base_url="http://example.org/kg/"):
        assert templating.site_path("list/objective") == "/kg/list/objective?lang=es"


def test_language_versions_are_absolute_one_per_language_and_a_default(bare_app):
    with bare_app.test_request_context("/list/theme?lang=es&x=1", base_url="https://example.org/"):
        versions = language.language_versions("/list/theme?x=1&lang=es", "es")
    assert [(v.code, v.href, v.current) for v in versions] == [
        ("en", "https://example.org/list/theme?x=1&lang=en", False),
        ("es", "https://example.org/list/theme?x=1&lang=es", True),
        ("x-default", "https://example.org/list/theme?x=1", False),
    ]


# -- pages, through the app -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def client():
    return create_app(Settings(), EmbeddedStore.in_memory()).test_client()


@pytest.mark.parametrize("path", PAGES)
def test_lang_in_the_url_overrides_accept_language_on_every_page(client, path):
    joiner = "&" if "?" in path else "?"
    page = client.get(path + joiner + "lang=es", headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert page.status_code in (200, 404)
    text = page.get_data(as_text=True)
    assert '<html lang="es">' in text
    assert "Accept-Language" not in _vary(page)          # the URL chose the language, not the header
    english = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "en"})
    assert '<html lang="en">' in english.get_data(as_text=True)
    assert "Accept-Language" in _vary(english)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_names_both_language_versions_and_offers_a_switcher(client, path):
    text = client.get(path, headers={"Accept": BROWSER, "Accept-Language": "es"}).get_data(as_text=True)
    hreflang = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', text))
    assert set(hreflang) == {"en", "es", "x-default"}
    assert hreflang["en"].startswith("http://localhost/") and hreflang["en"].endswith("lang=en")
    assert hreflang["es"].endswith("lang=es") and "lang=" not in hreflang["x-default"]
    switcher = re.search(r'<nav class="languages"[^>]*>(.*?)</nav>', text, re.S).group(1)
    assert f'href="{hreflang["en"]}" hreflang="en" lang="en">English</a>' in switcher
    assert f'href="{hreflang["es"]}" hreflang="es" lang="es" aria-current="page">Español</a>' in switcher


def test_links_on_a_page_keep_the_language(client):
    text = client.get("/doc/objective/9.html?lang=es").get_data(as_text=True)
    internal = [href for href in re.findall(r'href="(/[^"]*)"', text)]
    pages = [h for h in internal if h.startswith(("/id/", "/list/", "/ontology?", "/ontology#"))]
    assert pages and all("lang=es" in h for h in pages), [h for h in pages if "lang=es" not in h]
    documents = [h for h in internal if h.startswith("/doc/objective/9.") and not h.startswith("/doc/objective/9.html")]
    assert documents and not any("lang=" in h for h in documents)    # RDF documents: Accept only
    # a GET form drops its action's query: the search box carries the language itself
    assert re.search(r'<input type="hidden" name="lang" value="es">', text)
    assert '<link rel="canonical" href="/doc/objective/9.html?lang=es">' in text


def test_a_thing_uri_keeps_the_language_on_its_way_to_the_page_only(client):
    to_page = client.get("/id/objective/9?lang=es", headers={"Accept": BROWSER})
    assert to_page.status_code == 303 and to_page.headers["Location"] == "/doc/objective/9.html?lang=es"
    to_rdf = client.get("/id/objective/9?lang=es", headers={"Accept": "text/turtle"})
    assert to_rdf.headers["Location"] == "/doc/objective/9.ttl"
    shape = client.get("/shapes/S01-objective?lang=es", headers={"Accept": BROWSER})
    assert shape.headers["Location"] == "/shapes.html?lang=es#S01-objective"


def test_rdf_documents_are_negotiated_by_accept_only(client):
    plain = client.get("/doc/objective/9.ttl")
    for query in ("?lang=es", "?lang=en", "?lang=fr"):
        other = client.get("/doc/objective/9.ttl" + query)
        assert other.status_code == 200 and other.data == plain.data and "Accept-Language" not in _vary(other)


def test_a_bad_lang_on_a_page_is_400_with_a_message(client):
    response = client.get("/list/objective?lang=fr", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "en, es" in response.get_json()["detail"]


def test_the_page_cache_keeps_apart_pages_whose_links_differ(client):
    """Spanish by Accept-Language and Spanish by ?lang=es are the same words with different links:
    whichever is asked first, the other is not served from the cache."""
    by_url = client.get("/list/theme?lang=es").get_data(as_text=True)
    by_header = client.get("/list/theme", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert '<html lang="es">' in by_url and '<html lang="es">' in by_header
    assert 'href="/list/objective"' in by_header and 'href="/list/objective?lang=es"' in by_url


def test_etags_of_the_two_languages_differ(client):
    es = client.get("/doc/objective/9.html?lang=es")
    en = client.get("/doc/objective/9.html?lang=en")
    assert es.headers["ETag"] != en.headers["ETag"]
    again = client.get("/doc/objective/9.html?lang=es", headers={"If-None-Match": es.headers["ETag"]})
    assert again.status_code == 304


def test_the_query_page_and_the_api_keep_their_etag_per_language_in_the_url(client):
    """/sparql and /api/queries hash the query string into their ETag (web/caching.py): a page
    asked for with another ?lang= is another entity."""
    first = client.get("/api/queries?lang=es", headers={"Accept": BROWSER})
    second = client.get("/api/queries?lang=en", headers={"Accept": BROWSER})
    assert first.status_code == second.status_code == 200
    assert first.headers["ETag"] != second.headers["ETag"]
