"""Named-graph IRIs (``https://w3id.org/gcm-kg/graph/…``) dereference like things: 303 to a document
Accept chooses, which says what the graph is and holds its statements; the root leads RDF clients
to the dataset's description."""

from __future__ import annotations

import html

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import BASE, SD

from .test_ld_dereference import BROWSER, RDF_ACCEPT

GRAPHS = ["gcm/objectives", "shapes", "ontology", "review-lac-2021/passages"]


@pytest.mark.parametrize("name", GRAPHS)
def test_a_named_graph_dereferences_in_every_format(ld_server, http, ld_store, name):
    iri = BASE + "graph/" + name
    statements = {(t.subject, t.predicate, t.object) for t in ld_store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} FILTER(isIRI(?s) && !isBlank(?o)) }}")}
    for accept, (ext, fmt) in RDF_ACCEPT.items():
        r = http.get(f"{ld_server}/graph/{name}", headers={"Accept": accept}, allow_redirects=False)
        assert r.status_code == 303 and r.headers["Location"] == f"/graph/{name}.{ext}", accept
        assert "Accept" in r.headers["Vary"]
        doc = http.get(ld_server + r.headers["Location"])
        assert doc.status_code == 200 and doc.headers["Content-Type"].split(";")[0] == accept
        triples = {(t.subject, t.predicate, t.object) for t in ox.parse(doc.content, format=fmt)}
        assert (ox.NamedNode(iri), ox.NamedNode(SD + "name"), ox.NamedNode(iri)) in triples, accept
        assert statements <= triples, accept   # every statement of the graph (blank nodes aside)
    r = http.get(f"{ld_server}/graph/{name}", headers={"Accept": BROWSER}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == f"/graph/{name}.html"
    page = http.get(ld_server + r.headers["Location"])
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert iri in html.unescape(page.text)


def test_the_graph_page_links_to_what_the_graph_is_about(ld_server, http):
    page = html.unescape(http.get(f"{ld_server}/graph/gcm/objectives.html").text)
    assert 'href="/id/objective/9"' in page


@pytest.mark.parametrize("path", ["/graph/no-such-graph", "/graph/no-such-graph.ttl", "/graph/gcm",
                                  "/graph/gcm/objectives.exe"])
def test_what_names_no_graph_is_404_with_a_message(ld_server, http, path):
    r = http.get(ld_server + path, headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert r.status_code == 404
    assert "graph/" in r.text


def test_a_bad_format_parameter_on_a_graph_is_400(ld_server, http):
    r = http.get(f"{ld_server}/graph/shapes?format=png", allow_redirects=False)
    assert r.status_code == 400 and "format" in r.text


@pytest.mark.parametrize("accept, ext", [(a, ext) for a, (ext, _) in RDF_ACCEPT.items()])
def test_the_root_leads_rdf_clients_to_the_dataset_description(ld_server, http, accept, ext):
    r = http.get(ld_server + "/", headers={"Accept": accept}, allow_redirects=False)
    assert r.status_code == 303 and r.headers["Location"] == f"/.well-known/void?format={ext}"
    assert "Accept" in r.headers["Vary"]
    doc = http.get(ld_server + r.headers["Location"])
    assert doc.headers["Content-Type"].split(";")[0] == accept
    assert any(t.subject == ox.NamedNode(BASE + "id/dataset/gcm-kg")
               for t in ox.parse(doc.content, format=RDF_ACCEPT[accept][1]))


@pytest.mark.parametrize("accept", [None, "*/*", BROWSER])
def test_the_root_is_the_landing_page_for_browsers_and_for_any_type(ld_server, http, accept):
    r = http.get(ld_server + "/", headers={"Accept": accept} if accept else {}, allow_redirects=False)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert BASE + "id/dataset/gcm-kg" in r.text
