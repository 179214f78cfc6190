"""FAIR Signposting level 1 (https://signposting.org/FAIR/): typed links in the ``Link`` header.

A machine that reaches the landing page or an entity's document learns from the header alone how
to cite it, where its metadata are, what kind of thing it is and under which licence:

========================  ===================================================================
``cite-as``               the persistent URI to cite (RFC 8574): the dataset's or the thing's IRI
``describedby``           its RDF descriptions, each with its ``type`` (media type)
``type``                  its schema.org type (``AboutPage`` too, for the landing page)
``license``               the dataset's licence (RFC 4946)
``item``                  on the landing page: each dump, with its ``type``
``collection``            on an entity's document: the dataset it belongs to (its landing page)
========================  ===================================================================

Targets on this site are references under the site root (:meth:`PublicUrls.path`), resolved
against the request's URL as every ``Link`` of the site is (RFC 8288 §3.1); ``cite-as``,
``license`` and ``type`` name resources elsewhere and are absolute.
"""

from __future__ import annotations

from dataclasses import dataclass

from gcm_kg.core.namespaces import RDF_TYPE, SCHEMA
from gcm_kg.core.public_urls import PublicUrls
from gcm_kg.rdf import formats

#: The RDF formats a description is linked in (``describedby``), by file extension.
DESCRIPTION_FORMATS = formats.select(formats.RDF, "ttl", "jsonld", "nt", "rdf")


@dataclass(frozen=True)
class Link:
    """One typed link: its target, relation type and, when useful, the target's media type."""

    target: str
    rel: str
    media_type: str | None = None

    def __str__(self) -> str:
        return f'<{self.target}>; rel="{self.rel}"' + (f'; type="{self.media_type}"' if self.media_type else "")


def header(links: list[Link]) -> str:
    """The ``Link`` header value of ``links`` (RFC 8288 §3)."""
    return ", ".join(str(link) for link in links)


def schema_types(store, iri: str) -> list[str]:
    """The schema.org types ``iri`` has in the graph; ``schema:Thing`` when it has none."""
    rows = store.query(f"SELECT DISTINCT ?type WHERE {{ <{iri}> <{RDF_TYPE}> ?type . "
                       f"FILTER(STRSTARTS(STR(?type), \"{SCHEMA}\")) }}")
    return sorted(row["type"].value for row in rows) or [SCHEMA + "Thing"]


def landing_links(urls: PublicUrls, dataset_iri: str | None, licence: str | None, dumps: list[dict]) -> list[Link]:
    """The signposts of the landing page: the dataset, its VoID/DCAT description and its dumps
    (``dumps`` as :meth:`~gcm_kg.services.dataset_description.Publication.dumps` lists them)."""
    links = [Link(dataset_iri, "cite-as")] if dataset_iri else []
    links += [Link(urls.path(f".well-known/void?format={ext}"), "describedby", fmt.media_type)
              for ext, fmt in DESCRIPTION_FORMATS.items()]
    links += [Link(SCHEMA + "AboutPage", "type"), Link(SCHEMA + "Dataset", "type")]
    if licence:
        links.append(Link(licence, "license"))
    links += [Link(dump["href"], "item", dump["media_type"]) for dump in dumps]
    return links


def entity_links(urls: PublicUrls, iri: str, doc_key: str, types: list[str], licence: str | None,
                 current: str | None) -> list[Link]:
    """The signposts of the document of ``iri`` (at ``/doc/{doc_key}``) in format ``current``
    (its extension; the other RDF formats are its ``describedby``)."""
    links = [Link(iri, "cite-as")]
    links += [Link(urls.path(f"doc/{doc_key}.{ext}"), "describedby", fmt.media_type)
              for ext, fmt in DESCRIPTION_FORMATS.items() if ext != current]
    links += [Link(schema_type, "type") for schema_type in types]
    if licence:
        links.append(Link(licence, "license"))
    links.append(Link(urls.path(), "collection", "text/html"))
    return links
