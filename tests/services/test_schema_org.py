"""gcm_kg.services.schema_org: the landing page's schema.org Dataset holds what the graph states
and nothing it does not."""

from __future__ import annotations

import pyoxigraph as ox

from gcm_kg.core.public_urls import PublicUrls
from gcm_kg.services import schema_org
from tests.support.paths import FIXTURES

DATASET = "https://w3id.org/gcm-kg/id/dataset/gcm-kg"
URLS = PublicUrls("https://example.org/kg/")


def _store(name: str) -> ox.Store:
    store = ox.Store()
    store.load(path=str(FIXTURES / "schema_org" / name), format=ox.RdfFormat.TURTLE)
    return store


def test_a_dataset_stating_only_its_title_gets_no_invented_creator_licence_version_or_sources():
    record = schema_org.dataset(_store("dataset-with-title-only.ttl"), DATASET, URLS, dumps=[])
    assert record["name"] == "A dataset stating nothing but its title"  # English first
    assert not {"description", "license", "creator", "publisher", "version", "dateModified", "keywords",
                "isBasedOn", "includedInDataCatalog"} & set(record)
    assert record["url"] == URLS.root and record["identifier"] == DATASET and record["distribution"] == []


def test_a_dataset_without_a_title_has_no_schema_org_record():
    assert schema_org.dataset(ox.Store(), DATASET, URLS, dumps=[]) is None


def test_each_dump_is_a_data_download_with_its_url_media_type_size_and_sha256():
    dump = {"label": "N-Quads", "url": "https://example.org/kg/download/gcm-kg.nq", "media_type": "application/n-quads",
            "size": "1.2 kB", "sha256": "ab" * 32}
    (download,) = schema_org.dataset(_store("dataset-with-title-only.ttl"), DATASET, URLS, [dump])["distribution"]
    assert download == {"@type": "DataDownload", "name": "gcm-kg as N-Quads", "contentUrl": dump["url"],
                        "encodingFormat": "application/n-quads", "contentSize": "1.2 kB", "sha256": "ab" * 32}
