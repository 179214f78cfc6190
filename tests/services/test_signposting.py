"""gcm_kg.services.signposting: the typed links of FAIR Signposting level 1, as plain data."""

from __future__ import annotations

from gcm_kg.core.public_urls import PublicUrls
from gcm_kg.services import signposting
from gcm_kg.store.embedded import EmbeddedStore

URLS = PublicUrls("https://example.org/kg/")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def test_a_link_is_written_as_rfc_8288_with_its_media_type_when_it_has_one():
    links = [signposting.Link("https://w3id.org/gcm-kg/id/objective/9", "cite-as"),
             signposting.Link("/kg/doc/objective/9.ttl", "describedby", "text/turtle")]
    assert signposting.header(links) == ('<https://w3id.org/gcm-kg/id/objective/9>; rel="cite-as", '
                                         '</kg/doc/objective/9.ttl>; rel="describedby"; type="text/turtle"')


def test_the_landing_page_names_the_dataset_its_descriptions_its_types_its_licence_and_each_dump():
    dumps = [{"href": "/kg/download/gcm-kg.nt", "media_type": "application/n-triples"}]
    links = signposting.landing_links(URLS, "https://w3id.org/gcm-kg/id/dataset/gcm-kg", CC_BY, dumps)
    by_rel = {}
    for link in links:
        by_rel.setdefault(link.rel, []).append((link.target, link.media_type))
    assert by_rel["cite-as"] == [("https://w3id.org/gcm-kg/id/dataset/gcm-kg", None)]
    assert ("/kg/.well-known/void?format=ttl", "text/turtle") in by_rel["describedby"]
    assert {media for _, media in by_rel["describedby"]} == {"text/turtle", "application/ld+json",
                                                             "application/n-triples", "application/rdf+xml"}
    assert by_rel["type"] == [("https://schema.org/AboutPage", None), ("https://schema.org/Dataset", None)]
    assert by_rel["license"] == [(CC_BY, None)]
    assert by_rel["item"] == [("/kg/download/gcm-kg.nt", "application/n-triples")]


def test_without_a_dataset_iri_or_licence_the_landing_page_claims_none():
    rels = {link.rel for link in signposting.landing_links(URLS, None, None, [])}
    assert "cite-as" not in rels and "license" not in rels and "describedby" in rels


def test_an_entity_document_names_its_thing_its_other_descriptions_and_its_dataset():
    links = signposting.entity_links(URLS, "https://w3id.org/gcm-kg/id/objective/9", "objective/9",
                                     ["https://schema.org/Thing"], CC_BY, current="ttl")
    described = [(link.target, link.media_type) for link in links if link.rel == "describedby"]
    assert ("/kg/doc/objective/9.ttl", "text/turtle") not in described and len(described) == 3
    assert signposting.Link("/kg/", "collection", "text/html") in links
    assert signposting.Link("https://w3id.org/gcm-kg/id/objective/9", "cite-as") in links


def test_schema_types_are_the_things_schema_org_types_else_thing():
    store = EmbeddedStore.in_memory()
    assert signposting.schema_types(store, "https://w3id.org/gcm-kg/id/compact/gcm") == ["https://schema.org/Legislation"]
    assert signposting.schema_types(store, "https://w3id.org/gcm-kg/id/objective/9") == ["https://schema.org/Thing"]
