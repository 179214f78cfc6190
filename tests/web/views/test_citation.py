"""Citations over HTTP (Flask ``test_client()``): negotiation on a thing's URI and on its document,
the citation documents ``/doc/…{.csl.json,.bib,.ris}``, and the Cite box of the HTML page."""

from __future__ import annotations

import html
import json
import re

import pytest

from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app

BIBTEX, RIS, CSL = "application/x-bibtex", "application/x-research-info-systems", "application/vnd.citationstyles.csl+json"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
WORK = "work/unodc-glotip-2020"


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(), EmbeddedStore.in_memory()).test_client()


def _vary(response) -> set[str]:
    return {v.strip().lower() for v in response.headers.get("Vary", "").split(",") if v.strip()}


@pytest.mark.parametrize("accept, ext", [(BIBTEX, "bib"), (RIS, "ris"), (CSL, "csl.json"),
                                         (f"text/turtle;q=0.2, {BIBTEX}", "bib")])
@pytest.mark.parametrize("key", [WORK, "dataset/gcm-kg", "document/lac-2021-rt3-background-paper",
                                 "question/lac-2021-rt3-1", "passage/lac-2021-rt3-heading-1"])
def test_a_thing_uri_sends_a_citation_client_to_the_citation(client, key, accept, ext):
    response = client.get(f"/id/{key}", headers={"Accept": accept})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/doc/{key}.{ext}")
    assert "accept" in _vary(response)


@pytest.mark.parametrize("accept, ext", [(None, "ttl"), ("*/*", "ttl"), (BROWSER, "html"),
                                         ("application/ld+json", "jsonld"), (f"{BIBTEX};q=0.5, text/turtle", "ttl")])
def test_other_clients_are_sent_where_they_were_before(client, accept, ext):
    response = client.get(f"/id/{WORK}", headers={"Accept": accept} if accept else {})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/doc/{WORK}.{ext}")


def test_what_cannot_be_cited_leads_to_its_description_still(client):
    response = client.get("/id/objective/9", headers={"Accept": BIBTEX})
    assert response.status_code == 303 and response.headers["Location"].endswith("/doc/objective/9.ttl")


@pytest.mark.parametrize("ext, media_type", [("bib", BIBTEX), ("ris", RIS), ("csl.json", CSL)])
def test_citation_documents_have_their_media_type(client, ext, media_type):
    response = client.get(f"/doc/{WORK}.{ext}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == f"{media_type}; charset=utf-8"
    assert "Content-Location" not in response.headers and "accept" not in _vary(response)
    text = response.get_data(as_text=True)
    assert "Reporte Global sobre Trata de Personas" in text and "2020" in text
    assert "https://www.unodc.org/unodc/data-and-analysis/glotip.html" in text
    others = {m for m in (BIBTEX, RIS, CSL) if m != media_type}
    assert set(re.findall(r'type="([^"]+)"', response.headers["Link"])) == others
    again = client.get(f"/doc/{WORK}.{ext}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_document_url_negotiates_a_citation_too(client):
    response = client.get(f"/doc/{WORK}", headers={"Accept": CSL})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(CSL)
    assert response.headers["Content-Location"].endswith(f"/doc/{WORK}.csl.json")
    assert "accept" in _vary(response)
    assert json.loads(response.get_data(as_text=True))[0]["title"] == "Reporte Global sobre Trata de Personas"


def test_the_document_url_keeps_rdf_for_rdf_clients(client):
    response = client.get(f"/doc/{WORK}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")


def test_a_citation_of_what_cannot_be_cited_is_a_clear_404(client):
    response = client.get("/doc/objective/9.bib")
    assert response.status_code == 404
    assert "is not something that can be cited" in response.get_json()["detail"]
    assert client.get("/doc/work/no-such-work.ris").status_code == 404


def _cite_box(page: str) -> str:
    match = re.search(r'<section class="cite" id="cite">(.*?)</section>', page, re.S)
    assert match, "no Cite box"
    return match.group(1)


def test_the_page_of_a_work_has_a_cite_box_with_apa_chicago_copy_buttons_and_files(client):
    response = client.get("/doc/work/iacthr-oc-16-99.html")
    assert response.status_code == 200
    box = _cite_box(response.get_data(as_text=True))
    title = ("El Derecho a la Información sobre la Asistencia Consular en el Marco de las Garantías del "
             "Debido Proceso Legal")
    url = "https://corteidh.or.cr/docs/opiniones/seriea_16_esp.pdf"
    apa = re.search(r'<p id="cite-apa">(.*?)</p>', box, re.S).group(1)
    assert html.unescape(apa) == f"Inter-American Court of Human Rights. (1999, October 1). {title} (OC-16/99). {url}"
    chicago = html.unescape(re.search(r'<p id="cite-chicago">(.*?)</p>', box, re.S).group(1))
    assert chicago.startswith("Inter-American Court of Human Rights. 1999. ") and url in chicago
    assert re.findall(r'<button type="button" class="copy" data-copy="([^"]+)">Copy</button>', box) == \
        ["cite-apa", "cite-chicago"]
    links = re.findall(r'<a href="([^"]+)" type="([^"]+)">', box)
    assert links == [("/doc/work/iacthr-oc-16-99.csl.json", CSL), ("/doc/work/iacthr-oc-16-99.bib", BIBTEX),
                     ("/doc/work/iacthr-oc-16-99.ris", RIS)]
    for href, media_type in links:
        assert client.get(href).headers["Content-Type"].startswith(media_type)


def test_the_copy_script_is_a_file_of_the_site_not_inline(client):
    page = client.get("/doc/dataset/gcm-kg.html").get_data(as_text=True)
    _cite_box(page)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
    # The one element with a body is the page's JSON-LD: a data block, never run (HTML §4.12.1).
    data_blocks = [(attributes, body) for attributes, body in scripts if attributes == ' type="application/ld+json"']
    assert len(data_blocks) == 1 and json.loads(data_blocks[0][1])
    executable = [script for script in scripts if script not in data_blocks]
    assert executable and all('src="' in attributes and not body.strip() for attributes, body in executable)
    script = client.get("/static/cite.js")
    assert script.status_code == 200 and "javascript" in script.headers["Content-Type"]
    assert "data-copy" in script.get_data(as_text=True)


def test_the_cite_box_speaks_spanish_on_a_spanish_page(client):
    page = client.get("/doc/question/lac-2021-rt3-1.html", headers={"Accept-Language": "es"}).get_data(as_text=True)
    box = _cite_box(page)
    assert "<h2>Citar</h2>" in box and ">Copiar</button>" in box and "Background Paper" in box


def test_a_page_of_what_cannot_be_cited_has_no_cite_box(client):
    page = client.get("/doc/objective/9.html").get_data(as_text=True)
    assert 'class="cite"' not in page and "cite.js" not in page
