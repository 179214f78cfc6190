"""Releases over HTTP (Flask ``test_client()``): the frozen dumps at ``/download/{version}/`` and
``/download/latest/``, their DCAT distributions with checksums, the version in the VoID/DCAT
description, the Service Description and the landing page, all under the public root."""

from __future__ import annotations

import gzip

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import ADMS, DCAT, DCT, SD
from gcm_kg.core.settings import Settings
from gcm_kg.rdf import export
from gcm_kg.rdf.releases import latest
from gcm_kg.services import releases
from gcm_kg.services.dataset_description import SPDX
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app

ROOT = "https://example.org/kg/"
RELEASE = latest()


@pytest.fixture(scope="module")
def client():
    return create_app(Settings(public_url=ROOT), EmbeddedStore.in_memory()).test_client()


@pytest.mark.parametrize("fmt", list(export.DUMP_FORMATS))
@pytest.mark.parametrize("version", [RELEASE.version, "latest"])
def test_a_release_dump_is_the_frozen_file_byte_for_byte(client, version, fmt):
    plain = client.get(f"/download/{version}/gcm-kg.{fmt}")
    assert plain.status_code == 200 and plain.data == RELEASE.dump(fmt)
    assert plain.headers["Content-Type"].startswith(export.DUMP_FORMATS[fmt].media_type)
    compressed = client.get(f"/download/{version}/gcm-kg.{fmt}.gz")
    assert compressed.data == RELEASE.dump_gz(fmt) and compressed.headers["Content-Type"] == "application/gzip"
    encoded = client.get(f"/download/{version}/gcm-kg.{fmt}", headers={"Accept-Encoding": "gzip"})
    assert encoded.headers["Content-Encoding"] == "gzip" and gzip.decompress(encoded.data) == RELEASE.dump(fmt)
    again = client.get(f"/download/{version}/gcm-kg.{fmt}", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304


def test_a_version_url_may_be_cached_for_good_and_latest_only_for_an_hour(client):
    assert client.get(f"/download/{RELEASE.version}/gcm-kg.nt").headers["Cache-Control"] == \
        "public, max-age=31536000, immutable"
    assert client.get("/download/latest/gcm-kg.nt").headers["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("path", ["/download/9.9.9/gcm-kg.nt", "/download/v1/gcm-kg.nt",
                                  f"/download/{RELEASE.version}/gcm-kg.txt", f"/download/{RELEASE.version}/SHA256SUMS"])
def test_an_unknown_release_or_file_is_a_404_with_a_message(client, path):
    response = client.get(path, headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "/download/" in response.json["detail"]


def _void(client) -> list[ox.Triple]:
    response = client.get("/.well-known/void", headers={"Accept": "application/n-triples"})
    return [q.triple for q in ox.parse(response.data, format=ox.RdfFormat.N_TRIPLES)]


def test_the_void_description_has_the_version_and_each_frozen_dump_with_its_checksum(client):
    triples = _void(client)
    dataset = ox.NamedNode(releases.DATASET)
    record = releases.current(EmbeddedStore.in_memory())
    date = ox.Literal(record.issued, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    for triple in [ox.Triple(dataset, ox.NamedNode(DCAT + "version"), ox.Literal(record.version)),
                   ox.Triple(dataset, ox.NamedNode(DCT + "issued"), date),
                   ox.Triple(dataset, ox.NamedNode(DCT + "modified"), date)]:
        assert triple in triples
    assert any(t.predicate.value == ADMS + "versionNotes" for t in triples if t.subject == dataset)
    recorded = RELEASE.recorded_sha256()
    for fmt in export.DUMP_FORMATS:
        url = ox.NamedNode(f"{ROOT}download/{RELEASE.version}/gcm-kg.{fmt}")
        assert ox.Triple(dataset, ox.NamedNode(DCAT + "distribution"), url) in triples
        assert ox.Triple(url, ox.NamedNode(DCAT + "downloadURL"), url) in triples
        size = [t.object.value for t in triples if t.subject == url and t.predicate.value == DCAT + "byteSize"]
        assert size == [str(len(RELEASE.dump(fmt)))]
        (checksum,) = [t.object for t in triples if t.subject == url and t.predicate.value == SPDX + "checksum"]
        values = [t.object.value for t in triples if t.subject == checksum and t.predicate.value == SPDX + "checksumValue"]
        assert values == [recorded[f"gcm-kg.{fmt}"]]


def test_the_service_description_states_the_release(client):
    triples = list(ox.parse(client.get("/sparql", headers={"Accept": "text/turtle"}).data, format=ox.RdfFormat.TURTLE))
    (default_dataset,) = [t.object for t in triples if t.predicate.value == SD + "defaultDataset"]
    versions = [t.object.value for t in triples if t.subject == default_dataset and t.predicate.value == DCAT + "version"]
    assert versions == [RELEASE.version]


def test_the_landing_page_and_the_download_page_show_the_release(client):
    record = releases.current(EmbeddedStore.in_memory())
    page = client.get("/").text
    assert f"Release <strong>{record.version}</strong>, {record.issued}" in page
    assert f'href="/kg/download/#release-{record.version}"' in page
    downloads = client.get("/download/").text
    assert f'id="release-{record.version}"' in downloads
    assert f'href="/kg/download/{record.version}/gcm-kg.nq"' in downloads
    assert RELEASE.recorded_sha256()["gcm-kg.nq"] in downloads
