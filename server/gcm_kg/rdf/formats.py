"""The formats the service reads and writes: one registry over pyoxigraph's own format objects.

pyoxigraph's :class:`~pyoxigraph.RdfFormat` and :class:`~pyoxigraph.QueryResultsFormat` already
know a format's media type, file extension, name and W3C IRI, and they are its writers and
parsers. A :class:`Format` adds only what the service says on top: the short names clients may
use (``format=json``, ``?format=ttl``, a form's ``turtle``), the other media types that name the
same format (``application/json``, ``text/plain``…) and the other file extensions (``.owl``).
Every table of formats elsewhere is a selection from :data:`RESULTS` and :data:`RDF`.

Order matters: it is the server's preference when a client accepts several formats equally (a
bare ``*/*`` gets SPARQL JSON for SELECT/ASK and Turtle for a graph).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from gcm_kg.core.namespaces import FORMATS


@dataclass(frozen=True)
class Format:
    """One format: pyoxigraph's format object and the service's names for it."""

    oxigraph: ox.RdfFormat | ox.QueryResultsFormat
    #: Short names besides the file extension (``format=``, ``output=``, ``?format=``, forms).
    other_names: tuple[str, ...] = ()
    #: Media types besides the format's own that name it, when reading and when negotiating.
    aliases: tuple[str, ...] = ()
    #: File extensions besides pyoxigraph's.
    other_extensions: tuple[str, ...] = ()

    @property
    def media_type(self) -> str:
        """The format's media type, without parameters (pyoxigraph adds ``charset`` to CSV and TSV)."""
        return self.oxigraph.media_type.partition(";")[0].strip()

    @property
    def extension(self) -> str:
        return self.oxigraph.file_extension

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension,) + self.other_extensions

    @property
    def names(self) -> tuple[str, ...]:
        """Every short name, the file extension first."""
        return (self.extension,) + self.other_names

    @property
    def label(self) -> str:
        """A human name: ``Turtle``, ``RDF/XML``, ``SPARQL Results in CSV``…"""
        return self.oxigraph.name

    @property
    def iri(self) -> str:
        """The format's IRI in W3C's "Unique URIs for File Formats" (http://www.w3.org/ns/formats/),
        as a Service Description names it (``sd:resultFormat``). pyoxigraph gives JSON-LD
        another IRI (``…/formats/data/JSON-LD``); the registered one is ``…/formats/JSON-LD``."""
        return FORMATS + "JSON-LD" if self.oxigraph == ox.RdfFormat.JSON_LD else self.oxigraph.iri

    @property
    def is_graph(self) -> bool:
        """An RDF format (it carries triples), not a query results format."""
        return isinstance(self.oxigraph, ox.RdfFormat)

    @property
    def names_graphs(self) -> bool:
        """Each statement may name its graph: N-Quads and TriG. JSON-LD can express named graphs
        too (pyoxigraph's ``supports_datasets``), but the service reads and writes it as one graph."""
        return self.oxigraph in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)

    @property
    def carries_boolean(self) -> bool:
        """Can hold an ASK result: SPARQL 1.1 Query Results CSV and TSV cannot (§1 of their spec)."""
        return self.oxigraph in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML)

    @property
    def lossless(self) -> bool:
        """Reading it back gives the same RDF terms: CSV drops datatypes, language tags and the
        difference between IRIs, blank nodes and literals (SPARQL 1.1 Query Results CSV/TSV §2)."""
        return self.oxigraph != ox.QueryResultsFormat.CSV


#: SPARQL 1.1 query results formats, in the server's order of preference.
RESULTS: tuple[Format, ...] = (
    Format(ox.QueryResultsFormat.JSON, ("json",), ("application/json",)),
    Format(ox.QueryResultsFormat.XML, ("xml",), ("application/xml",)),
    Format(ox.QueryResultsFormat.CSV),
    Format(ox.QueryResultsFormat.TSV),
)
#: RDF formats, in the server's order of preference.
RDF: tuple[Format, ...] = (
    Format(ox.RdfFormat.TURTLE, ("turtle",), ("application/x-turtle",)),
    Format(ox.RdfFormat.N_TRIPLES, ("ntriples", "n-triples"), ("text/plain",)),
    Format(ox.RdfFormat.JSON_LD, ("json-ld", "json"), ("application/json",)),
    Format(ox.RdfFormat.RDF_XML, ("rdfxml", "rdf+xml", "rdf-xml", "rdf/xml", "xml"), ("application/xml", "text/xml"),
           ("owl",)),
    Format(ox.RdfFormat.N_QUADS, ("nquads", "n-quads")),
    Format(ox.RdfFormat.TRIG),
)


def named(name: str, among: Iterable[Format]) -> Format | None:
    """The format of ``among`` with the short name ``name`` (any case), or None."""
    name = name.strip().lower()
    return next((f for f in among if name in f.names), None)


def select(among: Iterable[Format], *names: str) -> dict[str, Format]:
    """The formats of ``among`` with these short names, in this order, by name."""
    chosen = {name: named(name, among) for name in names}
    unknown = [name for name, f in chosen.items() if f is None]
    if unknown:
        raise KeyError(f"no format named {', '.join(unknown)}")
    return chosen


def by_media_type(among: Iterable[Format]) -> dict[str, Format]:
    """The formats of ``among`` by every media type that names them: each format's own media type
    in their order, then the aliases (so a tie between them goes to the format's own)."""
    among = tuple(among)
    table = {f.media_type: f for f in among}
    for f in among:
        for alias in f.aliases:
            table.setdefault(alias, f)
    return table


def of(oxigraph: ox.RdfFormat | ox.QueryResultsFormat) -> Format:
    """The registry's entry for one of pyoxigraph's format objects (KeyError for one it has not)."""
    for f in RESULTS + RDF:
        if f.oxigraph == oxigraph:
            return f
    raise KeyError(oxigraph.name)


def for_extension(extension: str) -> Format | None:
    """The RDF format of a file extension (``ttl``, ``.owl``…; any case), or None."""
    extension = extension.lower().lstrip(".")
    return next((f for f in RDF if extension in f.extensions), None)


#: Media type → format, for negotiating what a query writes (SPARQL 1.1 Protocol §2.1.6).
RESULTS_FORMATS: dict[str, Format] = by_media_type(RESULTS)
BOOLEAN_FORMATS: dict[str, Format] = by_media_type(f for f in RESULTS if f.carries_boolean)
GRAPH_FORMATS: dict[str, Format] = by_media_type(RDF)


def content_type(media_type: str) -> str:
    """The Content-Type header for a media type: text formats are written in UTF-8 and say so."""
    if media_type.startswith("text/") or media_type.endswith(("+xml", "+json", "/xml", "/json")) \
            or media_type in ("application/n-triples", "application/n-quads", "application/trig"):
        return f"{media_type}; charset=utf-8"
    return media_type
