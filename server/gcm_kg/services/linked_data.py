"""Linked data: which IRI a path is about, which document format a client gets, what a document says.

Plain functions, no Flask. The views in :mod:`gcm_kg.web.views.linked_data` call them.

* **Paths and IRIs.** Every IRI minted under :attr:`Settings.base_uri <gcm_kg.core.settings.Settings>` is
  served at the same path on this server: ``{base}id/objective/9`` ↔ ``/id/objective/9``. Its
  description lives at ``/doc/objective/9`` (negotiated) and ``/doc/objective/9.{ttl,jsonld,nt,rdf,html}``.
* **Formats.** :data:`DOC_FORMATS` is the table of document formats; :func:`choose_extension`
  turns an ``Accept`` header into one of them. A client with no usable Accept gets Turtle
  (:data:`DEFAULT_EXTENSION`), never a 406: a thing URI always leads somewhere.
* **Descriptions.** :func:`description` is what a document about a thing holds: all its triples as
  subject with blank nodes closed (the Concise Bounded Description), the labels of what it links to,
  the statements pointing at it (and their subjects' labels), and ``<doc> foaf:primaryTopic <thing>``.
* **Named graphs.** Each named graph ``{base}graph/{name}`` is served at ``/graph/{name}`` too:
  :func:`graph_description` is what its document holds (what the graph is, in VoID and the SPARQL
  1.1 Service Description vocabulary, then every statement in it).
  Everything is computed with SPARQL on pyoxigraph and serialised by pyoxigraph's own writers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox

from gcm_kg.core.negotiation import negotiate, parse_accept, quality
from gcm_kg.rdf import formats
from gcm_kg.core.namespaces import DCT, FOAF, PREFIXES, RDF_TYPE, RDFS, SCHEMA, SD, SKOS, VOID, XSD


#: Properties whose values name a thing, best first (used for labels in documents and pages).
LABEL_PROPERTIES = (SKOS + "prefLabel", RDFS + "label", SCHEMA + "name", DCT + "title", FOAF + "name")


@dataclass(frozen=True)
class DocFormat:
    extension: str
    media_type: str
    label: str
    rdf_format: ox.RdfFormat | None  # None: HTML
    aliases: tuple[str, ...] = ()    # other media types that ask for it
    names: tuple[str, ...] = ()      # the names ``format=`` takes for it


def _rdf_document(rdf: formats.Format) -> DocFormat:
    return DocFormat(rdf.extension, rdf.media_type, rdf.label, rdf.oxigraph, rdf.aliases, rdf.names)


RDF_EXTENSIONS = ("ttl", "jsonld", "nt", "rdf")
DEFAULT_EXTENSION = "ttl"
#: The document formats, in the order offered to clients (Turtle first: the default): four RDF
#: formats of the registry (:mod:`gcm_kg.rdf.formats`) and HTML.
DOC_FORMATS: dict[str, DocFormat] = {
    **{ext: _rdf_document(rdf) for ext, rdf in formats.select(formats.RDF, *RDF_EXTENSIONS).items()},
    "html": DocFormat("html", "text/html", "HTML", None, ("application/xhtml+xml",), ("html",)),
}

#: Media types a client may ask for, in server preference order, and the document each gets:
#: each format's own media type first, then the aliases. Ties keep this order, so ``*/*`` (or no
#: Accept) gets Turtle and a browser gets HTML.
_NEGOTIABLE: dict[str, str] = {
    **{doc.media_type: ext for ext, doc in DOC_FORMATS.items()},
    **{alias: ext for ext, doc in DOC_FORMATS.items() for alias in doc.aliases},
}

#: The media types a document can be negotiated in, in server preference order.
NEGOTIABLE_MEDIA_TYPES: tuple[str, ...] = tuple(_NEGOTIABLE)

#: Names accepted by the ``format=`` query parameter (plus every media type of :data:`_NEGOTIABLE`).
_FORMAT_NAMES: dict[str, str] = {name: ext for ext, doc in DOC_FORMATS.items() for name in doc.names}


def choose_extension(accept: str | None) -> tuple[str, bool]:
    """The document extension for an ``Accept`` header, and whether Accept chose it.

    No Accept, ``*/*`` or only media types we cannot write: Turtle (``matched`` is False in the
    last case), so that a thing URI always leads to a document.
    """
    chosen = negotiate(accept, list(_NEGOTIABLE))
    if chosen is None:
        return DEFAULT_EXTENSION, False
    return _NEGOTIABLE[chosen], True


def choose_root_extension(accept: str | None) -> str:
    """The document for the site's root: the landing page (``html``) unless Accept gives one of the
    RDF formats a higher weight than HTML, when the root's RDF is the dataset's VoID description in
    that format. ``*/*``, no Accept and browsers get the page, as the root always answered."""
    rdf_types = [m for m, ext in _NEGOTIABLE.items() if ext != "html"]
    chosen = negotiate(accept, rdf_types)
    if chosen is None:
        return "html"
    ranges = parse_accept(accept)
    return _NEGOTIABLE[chosen] if quality(chosen, ranges) > quality(DOC_FORMATS["html"].media_type, ranges) else "html"


def extension_for_format_param(value: str) -> str | None:
    """The extension a ``format=`` value names (``ttl``, ``turtle``, ``text/turtle``…), or None."""
    value = value.strip().lower()
    return _FORMAT_NAMES.get(value) or _NEGOTIABLE.get(value.split(";")[0].strip())


def format_names() -> list[str]:
    return sorted(set(_FORMAT_NAMES) | set(_NEGOTIABLE))


def split_extension(path: str) -> tuple[str, str | None]:
    """``objective/9.ttl`` → (``objective/9``, ``ttl``); a path without a known extension is unchanged."""
    stem, dot, ext = path.rpartition(".")
    if dot and "/" not in ext and ext in DOC_FORMATS and stem:
        return stem, ext
    return path, None


# -- paths and IRIs ---------------------------------------------------------------------------------

def iri_for_path(base_uri: str, path: str) -> str:
    """The IRI a local path is about: ``/id/objective/9`` → ``{base}id/objective/9``."""
    return base_uri + path.lstrip("/")


def path_for_iri(base_uri: str, iri: str) -> str | None:
    """The local path of an IRI minted under ``base_uri`` (fragment kept), or None for others."""
    if iri.startswith(base_uri) and len(iri) > len(base_uri):
        return "/" + iri[len(base_uri):]
    return None


def thing_iri(base_uri: str, key: str) -> str:
    """``objective/9`` → ``{base}id/objective/9``."""
    return base_uri + "id/" + key


def doc_path(key: str, extension: str | None = None) -> str:
    """``objective/9`` → ``/doc/objective/9`` (or ``/doc/objective/9.ttl``)."""
    return f"/doc/{key}" + (f".{extension}" if extension else "")


def alternate_links(url_for_extension, current: str | None) -> str:
    """A ``Link`` header value naming every document format but ``current`` as ``rel="alternate"``."""
    return ", ".join(f'<{url_for_extension(ext)}>; rel="alternate"; type="{fmt.media_type}"'
                     for ext, fmt in DOC_FORMATS.items() if ext != current)


# -- descriptions -----------------------------------------------------------------------------------

def _iri(value: str) -> str:
    return f"<{ox.NamedNode(value).value}>"


_LABEL_VALUES = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)


def is_iri(value: str) -> bool:
    """Whether ``value`` is a valid absolute IRI (request paths can hold anything)."""
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def exists(store, iri: str) -> bool:
    """Whether the store says anything about ``iri`` (as subject, or as object of a statement).

    A string that is not a valid IRI (a request path with a backslash, say) names nothing: False.
    """
    if not is_iri(iri):
        return False
    return bool(store.query(f"ASK {{ {{ {_iri(iri)} ?p ?o }} UNION {{ ?s ?p {_iri(iri)} }} }}"))


def description(store, iri: str, document: str | None = None) -> list[ox.Triple]:
    """The triples a document about ``iri`` carries (see the module docstring), without duplicates.

    Order: the thing's own statements (CBD, blank nodes closed), labels of what it links to,
    statements pointing at it with their subjects' labels, then ``<document> foaf:primaryTopic``.
    """
    thing = _iri(iri)
    parts: list[Iterable[ox.Triple]] = [
        store.describe(iri),
        store.query(f"""CONSTRUCT {{ ?o ?lp ?l }} WHERE {{
            {thing} ?p ?o . FILTER(isIRI(?o)) VALUES ?lp {{ {_LABEL_VALUES} }} ?o ?lp ?l }}"""),
        store.query(f"""CONSTRUCT {{ ?s ?p {thing} . ?s ?lp ?l }} WHERE {{
            ?s ?p {thing} . FILTER(isIRI(?s)) OPTIONAL {{ VALUES ?lp {{ {_LABEL_VALUES} }} ?s ?lp ?l }} }}"""),
    ]
    seen: set[ox.Triple] = set()
    triples: list[ox.Triple] = []
    for part in parts:
        for triple in part:
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
    if document:
        doc = ox.NamedNode(document)
        triples.append(ox.Triple(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")))
        triples.append(ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(iri)))
    return triples


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str] = PREFIXES) -> dict[str, str]:
    """The prefixes of ``prefixes`` whose namespace some IRI in ``triples`` starts with."""
    iris = {t.predicate.value for t in triples}
    iris |= {term.value for t in triples for term in (t.subject, t.object) if isinstance(term, ox.NamedNode)}
    return {p: ns for p, ns in prefixes.items() if any(i.startswith(ns) for i in iris)}


def kind_prefixes(triples: list[ox.Triple], id_namespace: str) -> dict[str, str]:
    """One prefix per kind of our instances (``objective: <{base}id/objective/>``) used in ``triples``.

    Instance IRIs then read ``objective:9`` and ``question:lac-2021-rt3-1`` in Turtle instead of
    ``gcm:objective\\/9`` (prefixed names cannot hold an unescaped ``/``).
    """
    kinds = set()
    for t in triples:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(id_namespace):
                kind, slash, rest = term.value[len(id_namespace):].partition("/")
                if slash and _PN_PREFIX.fullmatch(kind) and kind not in PREFIXES:
                    kinds.add(kind)
    return {kind: f"{id_namespace}{kind}/" for kind in sorted(kinds)}


_PN_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


def serialize(triples: Iterable[ox.Triple], extension: str, *, id_namespace: str | None = None,
              prefixes: dict[str, str] = PREFIXES) -> bytes:
    """``triples`` in the RDF format of ``extension``, by pyoxigraph.

    Turtle and RDF/XML get the prefixes they use; Turtle also gets one prefix per kind of instance
    under ``id_namespace`` (see :func:`kind_prefixes`).
    """
    triples = list(triples)
    fmt = DOC_FORMATS[extension].rdf_format
    if fmt is None:
        raise ValueError(f"{extension} is not an RDF format")
    if fmt == ox.RdfFormat.TURTLE:
        used = used_prefixes(triples, {p: ns for p, ns in prefixes.items() if ns != id_namespace})
        if id_namespace:
            used.update(kind_prefixes(triples, id_namespace))
        return ox.serialize(triples, format=fmt, prefixes=used)
    if fmt == ox.RdfFormat.RDF_XML:
        return ox.serialize(triples, format=fmt, prefixes=used_prefixes(triples, prefixes))
    return ox.serialize(triples, format=fmt)


# -- named graphs -----------------------------------------------------------------------------------

def graph_iri(base_uri: str, name: str) -> str:
    """``gcm/objectives`` → ``{base}graph/gcm/objectives``."""
    return base_uri + "graph/" + name


def graph_path(name: str, extension: str | None = None) -> str:
    """``gcm/objectives`` → ``/graph/gcm/objectives`` (or ``/graph/gcm/objectives.ttl``)."""
    return f"/graph/{name}" + (f".{extension}" if extension else "")


def named_graph_sizes(store) -> dict[str, int]:
    """How many statements each named graph of the store holds, by graph IRI."""
    return store.counts().graphs


def graph_description(store, iri: str, dataset: str, triples: int, document: str | None = None) -> list[ox.Triple]:
    """What the document of the named graph ``iri`` holds: the graph as a ``void:Dataset`` and an
    ``sd:NamedGraph`` of the SPARQL 1.1 Service Description (§3.2.5) with its size, the subset of
    ``dataset`` it is (as the VoID description says), ``<document> foaf:primaryTopic`` it, then every
    statement of the graph (as triples: a document has no graphs of its own)."""
    graph, subject = ox.NamedNode(iri), ox.NamedNode(dataset)
    described = [
        ox.Triple(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
        ox.Triple(graph, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "NamedGraph")),
        ox.Triple(graph, ox.NamedNode(SD + "name"), graph),
        ox.Triple(graph, ox.NamedNode(VOID + "triples"), ox.Literal(str(triples), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(subject, ox.NamedNode(VOID + "subset"), graph),
    ]
    if document:
        doc = ox.NamedNode(document)
        described.append(ox.Triple(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")))
        described.append(ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), graph))
    seen = set(described)
    statements = [t for t in store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(iri)} {{ ?s ?p ?o }} }}")
                  if t not in seen]
    return described + statements


def minted_subjects(store, base_uri: str) -> list[str]:
    """Every IRI under ``{base}id/`` that is the subject of a statement, sorted."""
    prefix = base_uri + "id/"
    rows = store.query(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o .
        FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(prefix)})) }}""")
    return sorted(row["s"].value for row in rows)
