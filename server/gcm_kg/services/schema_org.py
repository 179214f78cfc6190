"""The landing page's schema.org ``Dataset``, as JSON-LD, for dataset search engines.

Only what the graph states about ``gcm:dataset/gcm-kg`` goes in: its English title and
description (``name``, ``description``: the two properties Google Dataset Search requires), IRI
(``identifier``, and ``@id``), licence, creator (the graph names no person: its creator is a
name, given as an ``Organization``, the type schema.org and Google accept for a group), release
(``version``, ``datePublished``, ``dateModified``), keywords, sources (``isBasedOn``: the
resolution A/RES/73/195 and the background paper, with the types and names the graph gives them)
and a ``DataDownload`` per dump with its URL, media type, size and SHA-256. A property the graph
does not state (publisher, ``includedInDataCatalog``…) is left out, never made up.
"""

from __future__ import annotations

from gcm_kg.core.namespaces import DCAT, DCT, PROV, RDF_TYPE, SCHEMA
from gcm_kg.core.public_urls import PublicUrls

#: schema.org properties of a source kept in ``isBasedOn`` (its name and official identifier).
_SOURCE_PROPERTIES = {SCHEMA + "name": "name", SCHEMA + "legislationIdentifier": "legislationIdentifier",
                      SCHEMA + "url": "url"}


def _english_first(values: list) -> str | None:
    """The English value among literals, else the first one."""
    for value in values:
        if getattr(value, "language", None) == "en":
            return value.value
    return values[0].value if values else None


def _statements(store, iri: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for row in store.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}"):
        found.setdefault(row["p"].value, []).append(row["o"])
    return found


def _source(store, iri: str) -> dict:
    stated = _statements(store, iri)
    types = sorted(t.value[len(SCHEMA):] for t in stated.get(RDF_TYPE, []) if t.value.startswith(SCHEMA))
    source = {"@type": types[0] if len(types) == 1 else (types or "CreativeWork"), "@id": iri}
    for predicate, key in _SOURCE_PROPERTIES.items():
        value = _english_first(stated.get(predicate, []))
        if value:
            source[key] = value
    return source


def dataset(store, dataset_iri: str, urls: PublicUrls, dumps: list[dict]) -> dict | None:
    """The schema.org ``Dataset`` of ``dataset_iri`` (None when the graph has no title for it)."""
    stated = _statements(store, dataset_iri)
    name = _english_first(stated.get(DCT + "title", []))
    if name is None:
        return None
    record: dict = {"@context": "https://schema.org/", "@type": "Dataset", "@id": dataset_iri, "name": name}
    description = _english_first(stated.get(DCT + "description", []))
    if description:
        record["description"] = description
    record["url"] = urls.root
    record["identifier"] = dataset_iri
    licences = [o.value for o in stated.get(DCT + "license", [])]
    if licences:
        record["license"] = licences[0] if len(licences) == 1 else licences
    creators = [{"@type": "Organization", "name": o.value} for o in stated.get(DCT + "creator", [])]
    if creators:
        record["creator"] = creators
    for predicate, key in ((DCAT + "version", "version"), (DCT + "issued", "datePublished"),
                           (DCT + "modified", "dateModified"), (DCT + "created", "dateCreated")):
        if stated.get(predicate):
            record[key] = stated[predicate][0].value
    keywords = sorted(o.value for o in stated.get(DCAT + "keyword", []) if getattr(o, "language", None) in (None, "en"))
    if keywords:
        record["keywords"] = keywords
    sources = sorted({o.value for predicate in (DCT + "source", PROV + "wasDerivedFrom")
                      for o in stated.get(predicate, []) if o.value.startswith(("http://", "https://"))})
    if sources:
        record["isBasedOn"] = [_source(store, iri) for iri in sources]
    record["distribution"] = [{"@type": "DataDownload", "name": f"gcm-kg as {dump['label']}",
                               "contentUrl": dump["url"], "encodingFormat": dump["media_type"],
                               "contentSize": dump["size"], "sha256": dump["sha256"]} for dump in dumps]
    return record
