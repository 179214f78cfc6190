"""The HTML pages: labels in the reader's language, and text from anywhere written as text.

Page builders are called directly (gcm_kg.web.pages, gcm_kg.web.vocab_pages) and through the
app's Flask ``test_client()``, over the shipped graph plus small fixture files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree
from urllib.parse import quote

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import BASE, SKOS
from gcm_kg.core.settings import Settings
from gcm_kg.services import canned
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web import pages, templating, vocab_pages
from gcm_kg.web.app import create_app
from gcm_kg.web.problems import Problem, problem_html
from gcm_kg.web.views import api

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile_literals.ttl"
HOSTILE_THEME = BASE + "id/theme/hostile-text"
OBJECTIVE_9 = BASE + "id/objective/9"
HTML = "text/html"


@pytest.fixture(scope="module")
def hostile_store() -> EmbeddedStore:
    """The shipped graph plus things whose labels and texts are markup."""
    return EmbeddedStore.in_memory(extra_files=[HOSTILE])


@pytest.fixture(scope="module")
def client(hostile_store):
    return create_app(Settings(), hostile_store).test_client()


def get(client, path: str, lang: str = "en", accept: str = HTML):
    return client.get(path, headers={"Accept": accept, "Accept-Language": lang})


def assert_no_markup_from_data(page: str) -> None:
    """None of the markup written in the fixtures and requests made it into the page as markup."""
    for raw in ("<script>alert", "<img src=x", "<b>bold", "<i>", "<u>tagged", '"quoted"', '"citada"', '"message"'):
        assert raw not in page, raw


def url_for_extension(ext: str) -> str:
    return f"/doc/objective/9.{ext}"


# -- labels of reused terms in the reader's language -------------------------------------------------

def test_labeller_reads_reused_terms_labels_in_the_readers_language(hostile_store):
    assert pages.Labeller(hostile_store, "es").label(SKOS + "prefLabel") == "etiqueta preferida"
    assert pages.Labeller(hostile_store, "en").label(SKOS + "prefLabel") == "preferred label"
    assert pages.Labeller(hostile_store, "es").label(SKOS + "ConceptScheme") == "esquema de conceptos"


def test_a_label_from_the_graph_wins_only_in_its_own_language():
    store = EmbeddedStore.in_memory(extra_files=[FIXTURES / "graph_labels_a_reused_term.ttl"])
    assert pages.Labeller(store, "es").label(SKOS + "prefLabel") == "etiqueta del grafo"
    assert pages.Labeller(store, "en").label(SKOS + "prefLabel") == "preferred label"


def test_entity_page_builder_writes_spanish_property_labels_for_spanish_readers(hostile_store):
    es = pages.entity_html(hostile_store, BASE, OBJECTIVE_9, "es", url_for_extension, "/doc/objective/9.html")
    en = pages.entity_html(hostile_store, BASE, OBJECTIVE_9, "en", url_for_extension, "/doc/objective/9.html")
    assert ">etiqueta preferida</a>" in es and "preferred label" not in es
    assert ">correspondencia relacionada</a>" in es and "related match" not in es
    assert ">preferred label</a>" in en and "etiqueta preferida" not in en


def test_pages_through_the_app_follow_accept_language(client):
    es, en = get(client, "/doc/objective/9.html", "es"), get(client, "/doc/objective/9.html", "en")
    assert es.status_code == en.status_code == 200
    assert '<html lang="es">' in es.text and ">etiqueta preferida</a>" in es.text
    assert '<html lang="en">' in en.text and ">preferred label</a>" in en.text
    void_es = get(client, "/.well-known/void", "es").text
    assert "<h2>Clases</h2>" in void_es and "<h2>Propiedades</h2>" in void_es and ">tripletas</a>" in void_es
    void_en = get(client, "/.well-known/void", "en").text
    assert "<h2>Classes</h2>" in void_en and "<h2>Properties</h2>" in void_en


def test_ontology_page_in_spanish_names_reused_terms_in_spanish(client):
    page = get(client, "/ontology.html", "es").text
    assert 'title="http://www.w3.org/2002/07/owl#Class">clase</a>' in page
    assert 'title="http://purl.org/vocab/vann/preferredNamespacePrefix">prefijo preferido del espacio de nombres</a>' in page
    assert "preferred namespace prefix" not in page and ">class</a>" not in page


# -- text from the graph and from requests is escaped on every kind of page -------------------------

def test_entity_page_and_its_diagram_escape_labels(hostile_store, client):
    page = pages.entity_html(hostile_store, BASE, HOSTILE_THEME, "en", url_for_extension, "/doc/theme/hostile-text.html")
    assert_no_markup_from_data(page)
    title = "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; &#34;quoted&#34;"
    assert f"<h1>{title}</h1>" in page
    assert f'aria-label="{title}"' in page                         # the diagram's own label
    assert "&lt;img src=x onerror=alert(&#39;neighbour&#39;)&gt;" in page     # a neighbour's box
    assert 'class="lead">&lt;/p&gt;&lt;img' in page
    spanish = get(client, "/doc/theme/hostile-text.html", "es").text
    assert_no_markup_from_data(spanish)
    assert "<h1>&lt;script&gt;alert(&#39;etiqueta&#39;)&lt;/script&gt; &#34;citada&#34;</h1>" in spanish


def test_list_and_landing_pages_escape_labels(hostile_store, client):
    page = pages.list_html(hostile_store, BASE, "theme", "en")
    assert_no_markup_from_data(page)
    assert "&lt;script&gt;alert(&#39;label&#39;)" in page
    assert get(client, "/", "en").status_code == 200


def test_not_found_page_escapes_the_iri(hostile_store, client):
    iri = BASE + 'id/theme/"><script>alert(1)</script>'
    page = pages.not_found_html(hostile_store, BASE, iri, "en")
    assert "<script>alert(1)" not in page and "&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    response = get(client, "/id/theme/%22%3E%3Cimg%20src=x%3E")
    assert response.status_code == 404 and "<img src=x>" not in response.text
    assert "&#34;&gt;&lt;img src=x&gt;" in response.text


def test_shapes_page_escapes_labels_messages_and_constraint_values():
    store = ox.Store()
    store.load(path=str(FIXTURES / "hostile_shape.ttl"), format=ox.RdfFormat.TURTLE,
               to_graph=ox.NamedNode(vocab_pages.SHAPES_GRAPH))
    page = vocab_pages.html("shapes", EmbeddedStore(store), Settings(), "en", lambda ext: f"/shapes.{ext}")
    assert_no_markup_from_data(page)
    assert "<h3>&lt;script&gt;alert(&#39;shape&#39;)&lt;/script&gt;</h3>" in page
    assert "&lt;b&gt;bold&lt;/b&gt; &#34;message&#34;" in page
    assert "<code>^&lt;script&gt;$</code>" in page                           # a short literal
    assert "<code>&lt;i&gt;</code>, <code>plain</code>" in page               # an RDF list
    assert '&lt;u&gt;tagged&lt;/u&gt;<span class="lang">en</span>' in page    # a language-tagged literal
    assert '<code title="https://w3id.org/gcm-kg/ontology#Objective">gcmo:Objective</code>' in page


def test_problem_pages_escape_every_member(client):
    body = Problem(400, "<b>bold</b>", "<script>alert(1)</script> \"quoted\"", members={"parameter": "<i>"}).body()
    page = problem_html(body)
    assert_no_markup_from_data(page)
    assert "<title>400 &lt;b&gt;bold&lt;/b&gt;</title>" in page
    assert "<dt>detail</dt><dd><pre>&lt;script&gt;alert(1)&lt;/script&gt; &#34;quoted&#34;</pre></dd>" in page
    assert "<dt>parameter</dt><dd><pre>&lt;i&gt;</pre></dd>" in page
    response = get(client, "/list/%3Cimg%20src=x%3E")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<img src=x>" not in response.text and "&lt;img src=x&gt;" in response.text


def test_validate_form_echoes_posted_data_as_text(client):
    data = "</textarea><script>alert(1)</script>"
    response = client.post("/validate", data={"data": data, "format": "turtle"}, headers={"Accept-Language": "es"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "<script>alert(1)" not in response.text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text
    assert "<title>Validar · gcm-kg</title>" in response.text


def test_query_page_writes_the_query_and_the_dataset_as_text(client):
    hostile = "</textarea><script>alert(1)</script>"
    response = get(client, f"/sparql?query={quote(hostile)}&default-graph-uri={quote(hostile)}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "<script>alert(1)" not in response.text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text
    config = re.search(r'<script type="application/json" id="gcm-config">(.*?)</script>', response.text, re.S)
    assert json.loads(config.group(1))["dataset"] == [["default-graph-uri", hostile]]
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_api_result_page_escapes_parameters_and_cells(client):
    label = "<script>alert('label')</script> \"quoted\"@en"
    response = get(client, "/api/queries/concept-by-label?format=html&label=" + quote(label))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert_no_markup_from_data(response.text)
    assert "label = &lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; &#34;quoted&#34;@en" in response.text
    # the matched label, in a cell of the table
    assert "<td>&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; &#34;quoted&#34;" in response.text
    assert f"<a href='http://localhost/{HOSTILE_THEME[len(BASE):]}'>" in response.text


def test_api_listing_page_lists_every_query(client):
    page = get(client, "/api/queries").text
    for query in canned.load_queries().values():
        assert f"<section id='{query.name}'>" in page


def test_api_result_cells(client):
    with client.application.test_request_context("/"):
        assert api._cell(None) == {"text": "", "href": None}
        assert api._cell(ox.NamedNode(OBJECTIVE_9)) == {"text": "gcm:objective/9", "href": "http://localhost/id/objective/9"}
        assert api._cell(ox.Literal("<b>")) == {"text": "<b>", "href": None}


def test_downloads_and_sitemap_templates_escape_their_values():
    dumps = [{"href": "/download/x.ttl?a=1&b=<2>", "name": "<b>x</b>", "label": "Turtle", "size": "1 kB", "sha256": "00"}]
    page = templating.render("ld/downloads.html", dumps=dumps, void_path="/kg/.well-known/void?x=<1>")
    assert "<b>x</b>" not in page and '<a href="/download/x.ttl?a=1&amp;b=&lt;2&gt;">&lt;b&gt;x&lt;/b&gt;</a>' in page
    assert 'href="/kg/.well-known/void?x=&lt;1&gt;"' in page
    sitemap = templating.render("ld/sitemap.xml", urls=["https://example.org/doc?a=1&b=<2>"])
    assert "<loc>https://example.org/doc?a=1&amp;b=&lt;2&gt;</loc>" in sitemap
    (url,) = ElementTree.fromstring(sitemap)  # well-formed XML, the URL as it was
    assert url[0].text == "https://example.org/doc?a=1&b=<2>"


def test_landing_page_lists_the_compacts_parts_actions_and_instruments(client):
    en, es = get(client, "/", "en").text, get(client, "/", "es").text
    for heading in ("Parts of the Compact", "Actions of the Compact", "Instruments named in the Compact"):
        assert heading in en
    for heading in ("Partes del Pacto", "Acciones del Pacto", "Instrumentos nombrados en el Pacto"):
        assert heading in es
    actions = get(client, "/list/action", "en")
    assert actions.status_code == 200
    assert "A/RES/73/195, paragraph 26 (a)" in actions.text and "A/RES/73/195, paragraph 39 (e)" in actions.text


def test_an_action_page_links_its_paragraph_objective_instruments_and_the_text(client):
    page = get(client, "/doc/action/gcm-26-a.html", "en")
    assert page.status_code == 200
    for target in ("/id/paragraph/gcm-26", "/id/objective/10", "/id/instrument/trafficking-in-persons-protocol",
                   "https://undocs.org/en/A/RES/73/195"):
        assert target in page.text, target
