"""The ontology and the shapes are published like the things: 303, conneg, documentation pages."""

from __future__ import annotations

import html

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import GRAPH

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
GCMO = "https://w3id.org/gcm-kg/ontology#"


def _graph(store, name):
    return {(r["s"], r["p"], r["o"]) for r in store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH}{name}> {{ ?s ?p ?o }} }}")}


# /ontology/0.1.0 is the prior version: it stays dereferenceable and leads to the current ontology
@pytest.mark.parametrize("path", ["/ontology", "/ontology/0.2.0", "/ontology/0.1.0", "/ontology/alignments/schema"])
def test_ontology_iris_303(ld_server, http, path):
    r = http.get(ld_server + path, headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/ontology.ttl" and "Accept" in r.headers["Vary"]
    r = http.get(ld_server + path, headers={"Accept": BROWSER}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/ontology.html"


@pytest.mark.parametrize("path", ["/ontology/9.9.9", "/shapes/9.9.9"])
def test_versions_the_vocabulary_never_had_are_not_found(ld_server, http, path):
    r = http.get(ld_server + path, headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert r.status_code == 404


def test_the_shapes_prior_version_leads_to_the_shapes(ld_server, http):
    r = http.get(ld_server + "/shapes/0.1.0", headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"].startswith("/shapes.ttl")


@pytest.mark.parametrize("ext,fmt", [("ttl", ox.RdfFormat.TURTLE), ("jsonld", ox.RdfFormat.JSON_LD),
                                     ("nt", ox.RdfFormat.N_TRIPLES), ("rdf", ox.RdfFormat.RDF_XML)])
def test_ontology_document_is_the_ontology_graph(ld_server, http, ld_store, ext, fmt):
    r = http.get(ld_server + f"/ontology.{ext}")
    assert r.status_code == 200
    triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(r.content, format=fmt)]
    expected = _graph(ld_store, "ontology")
    assert len(triples) == len(expected) + 2  # + <doc> a foaf:Document ; foaf:primaryTopic <ontology>
    assert ox.Triple(ox.NamedNode(ld_server + f"/ontology.{ext}"), ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic"),
                     ox.NamedNode("https://w3id.org/gcm-kg/ontology")) in triples
    assert 'rel="alternate"' in r.headers["Link"]


def test_ontology_html_documents_every_term(ld_server, http, ld_store):
    page = html.unescape(http.get(ld_server + "/ontology.html").text)
    terms = sorted({s.value for s, _p, _o in _graph(ld_store, "ontology")
                    if isinstance(s, ox.NamedNode) and s.value.startswith(GCMO)})
    assert len(terms) >= 8
    for term in terms:
        local = term[len(GCMO):]
        assert f'id="{local}"' in page, local
        assert f"gcmo:{local}" in page
    # labels, definitions, domains/ranges, sub-class links, examples, usage in the data
    for text in ("Objective", "covers objective", "Domain", "Range", "Example", "Used in the data", "claim"):
        assert text in page, text
    es = http.get(ld_server + "/ontology.html", headers={"Accept-Language": "es"}).text
    assert "Objetivo" in es and 'lang="es"' in es


def test_hash_term_resolves_through_the_ontology(ld_server, http):
    r = http.get(ld_server + "/ontology", headers={"Accept": BROWSER})  # the browser keeps #Objective
    assert r.status_code == 200 and 'id="Objective"' in r.text


def test_shapes_are_published(ld_server, http, ld_store):
    r = http.get(ld_server + "/shapes", headers={"Accept": "application/ld+json"}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/shapes.jsonld"
    r = http.get(ld_server + "/shapes/S01-objective", headers={"Accept": BROWSER}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == "/shapes.html#S01-objective"
    doc = http.get(ld_server + "/shapes.nt")
    assert len(list(ox.parse(doc.content, format=ox.RdfFormat.N_TRIPLES))) == len(_graph(ld_store, "shapes")) + 2
    page = html.unescape(http.get(ld_server + "/shapes.html").text)
    shapes = {s.value for s, p, o in _graph(ld_store, "shapes")
              if p.value.endswith("#type") and o.value == "http://www.w3.org/ns/shacl#NodeShape"
              and isinstance(s, ox.NamedNode)}
    assert shapes
    for shape in shapes:
        assert f'id="{shape.rsplit("/", 1)[-1]}"' in page
    for text in ("targetClass", "Violation", "skos:prefLabel", "minCount", "Valid", "Invalid", "SELECT"):
        assert text in page, text
