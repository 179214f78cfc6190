"""Thing URIs answer 303 to the right document; every document parses and is about its thing."""

from __future__ import annotations

import html

import pyoxigraph as ox
import pytest
import rdflib

from gcm_kg.rdf import rdfio
from gcm_kg.rdf import resources
from gcm_kg.core.namespaces import ID

from .conftest import minted_subjects

SUBJECTS = minted_subjects()
RDF_ACCEPT = {
    "text/turtle": ("ttl", ox.RdfFormat.TURTLE),
    "application/ld+json": ("jsonld", ox.RdfFormat.JSON_LD),
    "application/n-triples": ("nt", ox.RdfFormat.N_TRIPLES),
    "application/rdf+xml": ("rdf", ox.RdfFormat.RDF_XML),
}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
LABELS = ("http://www.w3.org/2004/02/skos/core#prefLabel", "http://www.w3.org/2000/01/rdf-schema#label",
          "https://schema.org/name")


def _labels() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for path in resources.rdf_files("data"):
        for q in rdfio.read_quads(path):
            if q.predicate.value in LABELS and isinstance(q.object, ox.Literal) and \
                    (q.object.language or "en").startswith("en"):
                out.setdefault(q.subject.value, set()).add(q.object.value)
    return out


LABEL_OF = _labels()


def test_there_are_many_subjects():
    assert len(SUBJECTS) > 150
    assert ID + "objective/9" in SUBJECTS


def _path(iri: str) -> str:
    return "/" + iri[len("https://w3id.org/gcm-kg/"):]


@pytest.mark.parametrize("iri", SUBJECTS)
def test_every_entity_dereferences_in_every_format(ld_server, http, iri):
    thing = ld_server + _path(iri)
    subject = ox.NamedNode(iri)
    for accept, (ext, fmt) in RDF_ACCEPT.items():
        r = http.get(thing, headers={"Accept": accept}, allow_redirects=False)
        assert r.status_code == 303, (accept, r.status_code)
        assert r.headers["Location"].endswith("." + ext)
        assert "Accept" in r.headers["Vary"]
        doc = http.get(ld_server + r.headers["Location"])
        assert doc.status_code == 200
        assert doc.headers["Content-Type"].split(";")[0] == accept
        triples = list(ox.parse(doc.content, format=fmt))
        assert any(t.subject == subject for t in triples), (accept, iri)
        assert any(t.predicate.value == "http://xmlns.com/foaf/0.1/primaryTopic" and t.object == subject
                   for t in triples)
    r = http.get(thing, headers={"Accept": BROWSER}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].endswith(".html")
    page = http.get(ld_server + r.headers["Location"])
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = html.unescape(page.text)
    assert iri in text
    for label in LABEL_OF.get(iri, ()):
        if label in text:
            break
    else:
        assert not LABEL_OF.get(iri), f"no label of {iri} on its page: {LABEL_OF.get(iri)}"


@pytest.mark.parametrize("accept,ext", [(None, "ttl"), ("*/*", "ttl"), ("image/png", "ttl"), (BROWSER, "html"),
                                        ("application/json", "jsonld"), ("text/turtle;q=0.5, application/ld+json", "jsonld"),
                                        ("application/xhtml+xml", "html")])
def test_303_by_accept_with_a_default(ld_server, http, accept, ext):
    headers = {"Accept": accept} if accept else {}
    if accept is None:
        headers = {"Accept": ""}
    r = http.get(ld_server + "/id/objective/9", headers=headers, allow_redirects=False)
    assert r.status_code == 303
    assert r.headers["Location"] == f"/doc/objective/9.{ext}"


def test_rdflib_parses_an_entity_url(ld_server):
    graph = rdflib.Graph()
    graph.parse(ld_server + "/id/objective/9")
    thing = rdflib.URIRef(ID + "objective/9")
    assert (thing, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"), None) in graph
    assert len(graph) > 10


def test_negotiated_document_headers(ld_server, http):
    r = http.get(ld_server + "/doc/objective/9", headers={"Accept": "application/ld+json"})
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/ld+json")
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Content-Location"] == "/doc/objective/9.jsonld"
    links = r.headers["Link"]
    for ext, media in [("ttl", "text/turtle"), ("nt", "application/n-triples"), ("rdf", "application/rdf+xml"),
                       ("html", "text/html")]:
        assert f'</doc/objective/9.{ext}>; rel="alternate"; type="{media}"' in links
    assert ".jsonld>" not in links
    again = http.get(ld_server + "/doc/objective/9", headers={"Accept": "application/ld+json",
                                                             "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_extension_and_format_parameter(ld_server, http):
    r = http.get(ld_server + "/doc/objective/9.nt")
    assert r.headers["Content-Type"].startswith("application/n-triples")
    assert "Content-Location" not in r.headers
    r = http.get(ld_server + "/doc/objective/9?format=rdfxml")
    assert r.headers["Content-Type"].startswith("application/rdf+xml")
    r = http.get(ld_server + "/id/objective/9?format=html", allow_redirects=False)
    assert r.headers["Location"] == "/doc/objective/9.html"
    r = http.get(ld_server + "/doc/objective/9?format=pdf", headers={"Accept": "application/problem+json"})
    assert r.status_code == 400 and "turtle" in r.json()["detail"]


def test_description_is_cbd_plus_labels_and_inverse_links(ld_server, http):
    g = rdflib.Graph().parse(data=http.get(ld_server + "/doc/objective/9.ttl").text, format="turtle")
    thing = rdflib.URIRef(ID + "objective/9")
    serves = rdflib.URIRef("https://w3id.org/gcm-kg/ontology#servesObjective")
    questions = set(g.subjects(serves, thing))
    assert questions, "inverse links are in the document"
    assert any((q, rdflib.RDFS.label, None) in g for q in questions), "with the labels of their subjects"
    paragraph = rdflib.URIRef(ID + "paragraph/gcm-25")
    assert (paragraph, rdflib.RDFS.label, None) in g, "labels of what the thing links to"
    # blank nodes closed: the passage's selector and its exact quote
    passage = http.get(ld_server + "/doc/passage/lac-2021-rt3-objective-9.nt").content
    triples = list(ox.parse(passage, format=ox.RdfFormat.N_TRIPLES))
    selectors = [t.object for t in triples if t.predicate.value == "http://www.w3.org/ns/oa#hasSelector"]
    assert selectors and all(isinstance(s, ox.BlankNode) for s in selectors)
    assert any(t.subject == selectors[0] and t.predicate.value == "http://www.w3.org/ns/oa#exact" for t in triples)


def test_unknown_entities_are_404(ld_server, http):
    r = http.get(ld_server + "/id/objective/99", headers={"Accept": "application/problem+json"}, allow_redirects=False)
    assert r.status_code == 404 and r.headers["Content-Type"] == "application/problem+json"
    assert "objective/99" in r.json()["detail"]
    r = http.get(ld_server + "/id/objective/99", headers={"Accept": BROWSER})
    assert r.status_code == 404 and r.headers["Content-Type"].startswith("text/html")
    assert "/list/objective" in r.text
    for path in ("/doc/objective/99", "/doc/objective/99.ttl", "/id/nothing/here", "/doc/", "/ontology/9.9.9",
                 "/shapes/NoSuchShape", "/list/nothing", "/download/other.nt"):
        assert http.get(ld_server + path, allow_redirects=False).status_code == 404, path


def test_html_language_and_links(ld_server, http):
    es = http.get(ld_server + "/doc/theme/trafficking-and-smuggling.html", headers={"Accept-Language": "es"})
    assert es.headers["Vary"] == "Accept-Language"
    assert "<html lang=\"es\">" in es.text
    assert "<h1>Trata de personas y tráfico ilícito de migrantes</h1>" in es.text
    en = http.get(ld_server + "/doc/theme/trafficking-and-smuggling.html")
    assert "<h1>Trafficking in persons and smuggling of migrants</h1>" in en.text
    page = http.get(ld_server + "/doc/question/lac-2021-rt3-1.html").text
    assert 'href="/id/objective/' in page                      # internal links stay here
    assert "/sparql?query=DESCRIBE%20%3Chttps%3A%2F%2Fw3id.org%2Fgcm-kg%2Fid%2Fquestion%2Flac-2021-rt3-1%3E" in page
    assert 'href="/doc/question/lac-2021-rt3-1.ttl"' in page and 'href="/doc/question/lac-2021-rt3-1.rdf"' in page
    assert '<blockquote class="quote"' in page                 # provenance: the quoted passage
    assert "<svg" in page and "serves objective" in page
    work = http.get(ld_server + "/doc/work/" + _a_work(http, ld_server) + ".html").text
    assert 'class="ext"' in work                               # external links open the source


def _a_work(http, root) -> str:
    r = http.get(root + "/list/work")
    import re

    return re.search(r'href="/id/work/([^"]+)"', r.text).group(1)


def test_list_and_landing_pages(ld_server, http):
    r = http.get(ld_server + "/id/objective/", allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/list/objective"
    page = http.get(ld_server + "/list/objective").text
    assert page.count('href="/id/objective/') == 23
    assert page.index("/id/objective/2\"") < page.index("/id/objective/10\"")  # official order
    landing = http.get(ld_server + "/").text
    for link in ("/sparql", "/list/objective", "/list/theme", "/list/question", "/list/work", "/list/organization",
                 "/download/gcm-kg.ttl", "/.well-known/void", "/ontology", "/shapes", "/validate"):
        assert f'href="{link}' in landing, link
