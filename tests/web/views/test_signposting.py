"""FAIR Signposting and schema.org over HTTP (Flask ``test_client()``), read by independent
readers: the PyPI ``signposting`` package for the ``Link`` headers and ``extruct`` for the JSON-LD
the pages embed; the landing page's ``Dataset`` is checked against what Google Dataset Search
requires (``name``, ``description`` of 50 to 5000 characters) and the recommended properties the
graph states. All site URLs are under the public root, path prefix included."""

from __future__ import annotations

import json

import extruct
import pyoxigraph as ox
import pytest
import signposting as reader

from gcm_kg.core.settings import Settings
from gcm_kg.rdf import export
from gcm_kg.services import releases
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app

ROOT = "https://example.org/kg/"
DATASET = "https://w3id.org/gcm-kg/id/dataset/gcm-kg"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(public_url=ROOT), EmbeddedStore.in_memory()).test_client()


def _local(url: str) -> str:
    """The path the app answers ``url`` (under the public root) at."""
    assert url.startswith(ROOT), url
    return "/" + url[len(ROOT):]


def _signposts(response, url: str):
    return reader.find_signposting_http_link(response.headers.getlist("Link"), url)


def test_the_landing_page_signposts_read_by_the_signposting_package(client):
    found = _signposts(client.get("/", headers={"Accept": "text/html"}), ROOT)
    assert found.citeAs.target == DATASET
    assert found.license.target == CC_BY
    assert {t.target for t in found.types} == {"https://schema.org/AboutPage", "https://schema.org/Dataset"}
    described = {(d.target, d.type) for d in found.describedBy}
    assert (ROOT + ".well-known/void?format=ttl", "text/turtle") in described
    assert (ROOT + ".well-known/void?format=jsonld", "application/ld+json") in described
    assert {(i.target, i.type) for i in found.items} == {
        (f"{ROOT}download/gcm-kg.{ext}", fmt.media_type) for ext, fmt in export.DUMP_FORMATS.items()}
    for signpost in found.describedBy | found.items:  # every target answers, in the type it was announced in
        response = client.get(_local(signpost.target))
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(signpost.type)


@pytest.mark.parametrize("path", ["/doc/compact/gcm.html", "/doc/compact/gcm.ttl", "/doc/compact/gcm"])
def test_an_entity_document_signposts_its_thing_its_descriptions_and_its_dataset(client, path):
    found = _signposts(client.get(path, headers={"Accept": "application/ld+json"}), ROOT + path.lstrip("/"))
    assert found.citeAs.target == "https://w3id.org/gcm-kg/id/compact/gcm"
    assert found.license.target == CC_BY
    assert {t.target for t in found.types} == {"https://schema.org/Legislation"}
    assert found.collection.target == ROOT
    assert {d.type for d in found.describedBy} >= {"text/turtle", "application/n-triples", "application/rdf+xml"} - {
        "text/turtle" if path.endswith(".ttl") else ""}
    for signpost in found.describedBy:
        response = client.get(_local(signpost.target))
        assert response.status_code == 200 and response.headers["Content-Type"].startswith(signpost.type)
        statements = ox.parse(response.data, format=ox.RdfFormat.from_media_type(signpost.type))
        assert ox.NamedNode("https://w3id.org/gcm-kg/id/compact/gcm") in {q.subject for q in statements}


def _jsonld(client, path: str) -> list[dict]:
    page = client.get(path, headers={"Accept": "text/html"}).text
    return extruct.extract(page, base_url=ROOT + path.lstrip("/"), syntaxes=["json-ld"])["json-ld"]


def test_the_landing_page_embeds_a_schema_org_dataset_with_what_google_dataset_search_reads(client):
    (dataset,) = _jsonld(client, "/")
    assert dataset["@type"] == "Dataset" and dataset["@context"].rstrip("/") == "https://schema.org"
    # required by Google Dataset Search
    assert dataset["name"].startswith("gcm-kg: a knowledge graph of the Global Compact")
    assert 50 <= len(dataset["description"]) <= 5000
    # recommended, as the graph states them
    record = releases.current(EmbeddedStore.in_memory())
    assert dataset["url"] == ROOT and dataset["identifier"] == DATASET == dataset["@id"]
    assert dataset["license"] == CC_BY
    assert dataset["creator"] == [{"@type": "Organization", "name": "gcm-kg contributors"}]
    assert "publisher" not in dataset and "includedInDataCatalog" not in dataset
    assert dataset["version"] == record.version and dataset["dateModified"] == record.issued
    assert {"migration", "trafficking in persons", "linked data"} <= set(dataset["keywords"])
    based_on = {source["@id"]: source for source in dataset["isBasedOn"]}
    assert based_on["https://w3id.org/gcm-kg/id/compact/gcm"]["legislationIdentifier"] == "A/RES/73/195"
    assert based_on["https://w3id.org/gcm-kg/id/document/lac-2021-rt3-background-paper"]["@type"] == "Report"
    downloads = {d["contentUrl"]: d for d in dataset["distribution"]}
    assert set(downloads) == {f"{ROOT}download/gcm-kg.{ext}" for ext in export.DUMP_FORMATS}
    for ext, fmt in export.DUMP_FORMATS.items():
        download = downloads[f"{ROOT}download/gcm-kg.{ext}"]
        assert download["@type"] == "DataDownload" and download["encodingFormat"] == fmt.media_type
        body = client.get(f"/download/gcm-kg.{ext}").data
        assert download["contentSize"].endswith(("B", "kB", "MB")) and download["sha256"] == export.sha256(body)


def test_an_entity_page_embeds_its_own_json_ld_the_same_as_its_json_ld_document(client):
    embedded = _jsonld(client, "/doc/compact/gcm.html")  # extruct gives the nodes of the embedded array
    document = client.get("/doc/compact/gcm.jsonld").data
    assert len(embedded) > 1 and {"@id": "https://w3id.org/gcm-kg/id/compact/gcm"}.items() <= embedded[0].items() \
        or any(node.get("@id") == "https://w3id.org/gcm-kg/id/compact/gcm" for node in embedded)
    assert _quads(json.dumps(embedded).encode()) == _quads(document)


def _quads(data: bytes) -> set[ox.Quad]:
    return set(ox.parse(data, format=ox.RdfFormat.JSON_LD))


def test_json_ld_cannot_end_its_script_element(client):
    page = client.get("/doc/compact/gcm.html").text
    script = page.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script and ">" not in script
