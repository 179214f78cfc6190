"""VoID/DCAT counts are the store's; dumps parse, match their checksums and equal `gcm-kg export`."""

from __future__ import annotations

import gzip
import hashlib
import io
import subprocess
import sys

import pyoxigraph as ox
import pytest
import rdflib

from gcm_kg.rdf import export
from gcm_kg.store.embedded import shipped_store

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DS = rdflib.URIRef("https://w3id.org/gcm-kg/id/dataset/gcm-kg")


@pytest.fixture(scope="module")
def void(ld_server, http):
    r = http.get(ld_server + "/.well-known/void", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=r.text, format="turtle")


def _int(graph, s, p):
    return int(graph.value(s, rdflib.URIRef(VOID + p)))


def _count(store, query):
    return int(next(iter(store.query(query)))["n"].value)


def test_void_counts_equal_the_store(void, ld_store):
    assert _int(void, DS, "triples") == ld_store.counts().triples
    assert _int(void, DS, "triples") == _count(ld_store, "SELECT (COUNT(*) AS ?n) { SELECT DISTINCT ?s ?p ?o { ?s ?p ?o } }")
    assert _int(void, DS, "classes") == _count(ld_store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?s a ?c }")
    assert _int(void, DS, "properties") == _count(ld_store, "SELECT (COUNT(DISTINCT ?p) AS ?n) { ?s ?p ?o }")
    assert _int(void, DS, "distinctSubjects") == _count(ld_store, "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }")
    assert _int(void, DS, "entities") == _count(
        ld_store, 'SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o FILTER(STRSTARTS(STR(?s), "https://w3id.org/gcm-kg/id/")) }')
    subsets = list(void.objects(DS, rdflib.URIRef(VOID + "subset")))
    assert sum(_int(void, s, "triples") for s in subsets) == sum(ld_store.counts().graphs.values())
    partitions = list(void.objects(DS, rdflib.URIRef(VOID + "classPartition")))
    assert len(partitions) == _int(void, DS, "classes")


def test_void_access_points_and_static_part(void, ld_server):
    assert (DS, rdflib.URIRef(VOID + "sparqlEndpoint"), rdflib.URIRef(ld_server + "/sparql")) in void
    assert str(void.value(DS, rdflib.URIRef(VOID + "uriSpace"))) == "https://w3id.org/gcm-kg/id/"
    assert void.value(DS, rdflib.DCTERMS.license) is not None
    assert void.value(DS, rdflib.DCTERMS.title) is not None
    dumps = {str(d) for d in void.objects(DS, rdflib.URIRef(VOID + "dataDump"))}
    assert dumps == {f"{ld_server}/download/gcm-kg.{e}" for e in ("nt", "ttl", "jsonld", "nq")}


def test_void_states_the_shacl_result(void):
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = void.value(DS, rdflib.URIRef("http://www.w3.org/ns/dqv#hasQualityAnnotation"))
    assert report is not None
    assert void.value(report, sh.conforms) is not None
    assert void.value(report, rdflib.URIRef("http://www.w3.org/ns/prov#generatedAtTime")) is not None
    if void.value(report, sh.conforms).toPython() is True:
        assert (DS, rdflib.DCTERMS.conformsTo, rdflib.URIRef("https://w3id.org/gcm-kg/shapes")) in void


@pytest.mark.parametrize("ext,fmt", [("nt", ox.RdfFormat.N_TRIPLES), ("ttl", ox.RdfFormat.TURTLE),
                                     ("jsonld", ox.RdfFormat.JSON_LD), ("nq", ox.RdfFormat.N_QUADS)])
def test_dumps_parse_and_match_dcat(void, ld_server, http, ld_store, ext, fmt):
    url = f"{ld_server}/download/gcm-kg.{ext}"
    r = http.get(url, headers={"Accept-Encoding": "identity"})
    assert r.status_code == 200 and "Content-Encoding" not in r.headers
    body = r.content
    dist = rdflib.URIRef(url)
    assert (DS, rdflib.URIRef(DCAT + "distribution"), dist) in void
    assert int(void.value(dist, rdflib.URIRef(DCAT + "byteSize"))) == len(body)
    checksum = void.value(dist, rdflib.URIRef(SPDX + "checksum"))
    assert str(void.value(checksum, rdflib.URIRef(SPDX + "checksumValue"))) == hashlib.sha256(body).hexdigest()
    quads = list(ox.parse(body, format=fmt))
    if ext == "nq":
        assert len(quads) == sum(ld_store.counts().graphs.values())
    else:
        assert len(quads) == ld_store.counts().triples
    gz = http.get(url + ".gz")
    assert gz.headers["Content-Type"] == "application/gzip"
    assert gzip.decompress(gz.content) == body
    # gzip by Accept-Encoding (requests decodes it transparently)
    enc = http.get(url, headers={"Accept-Encoding": "gzip"})
    assert enc.headers["Content-Encoding"] == "gzip" and enc.content == body and "Accept-Encoding" in enc.headers["Vary"]
    # `gcm-kg export` writes the same bytes
    out = io.BytesIO()
    export.export(ext, out, shipped_store())
    assert out.getvalue() == body


def test_cli_export_writes_the_same_bytes(ld_server, http, tmp_path):
    target = tmp_path / "dump.nq"
    done = subprocess.run([sys.executable, "-m", "gcm_kg.cli.main", "export", "--format", "nq", "--output", str(target)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert target.read_bytes() == http.get(ld_server + "/download/gcm-kg.nq", headers={"Accept-Encoding": "identity"}).content


def test_void_html_and_other_formats(ld_server, http):
    page = http.get(ld_server + "/.well-known/void", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "sparqlEndpoint" not in page.text[:100]
    assert "/download/gcm-kg.nt" in page.text
    r = http.get(ld_server + "/.well-known/void", headers={"Accept": "application/ld+json"})
    assert r.headers["Content-Type"].startswith("application/ld+json") and r.headers["Vary"] == "Accept"
    assert list(ox.parse(r.content, format=ox.RdfFormat.JSON_LD))


def test_sitemap_lists_every_entity_and_robots_points_at_it(ld_server, http):
    from .conftest import minted_subjects

    sitemap = http.get(ld_server + "/sitemap.xml")
    assert sitemap.headers["Content-Type"].startswith("application/xml")
    import xml.etree.ElementTree as ET

    locs = {e.text for e in ET.fromstring(sitemap.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    for iri in minted_subjects():
        assert f"{ld_server}/doc/{iri[len('https://w3id.org/gcm-kg/id/'):]}.html" in locs, iri
    robots = http.get(ld_server + "/robots.txt").text
    assert f"Sitemap: {ld_server}/sitemap.xml" in robots
