"""Reading RDF files with errors that name the file, line and column.

Every loader in gcm-kg (store build, validation, export) goes through :func:`read_quads`, so a
malformed file is reported the same way everywhere and nothing is half-loaded: a file is parsed
completely before any of its quads are handed on.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from gcm_kg.rdf import formats, resources
from gcm_kg.core.namespaces import graph_iri_for


class RdfFileError(ValueError):
    """An RDF file could not be read or parsed. ``str()`` names the file and the position."""

    def __init__(self, path: Path | str, message: str, line: int | None = None, column: int | None = None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        where = self.path if line is None else f"{self.path}:{line}:{column or 0}"
        super().__init__(f"{where}: {message}")


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, by its extension (:func:`gcm_kg.rdf.formats.for_extension`)."""
    found = formats.for_extension(path.suffix) if path.suffix else None
    if found is None:
        known = ", ".join(f".{extension}" for f in formats.RDF for extension in f.extensions)
        raise RdfFileError(path, f"unknown RDF file extension {path.suffix!r} (known: {known})")
    return found.oxigraph


def syntax_error_to_rdf_error(path: Path | str, error: SyntaxError) -> RdfFileError:
    """Turn a pyoxigraph ``SyntaxError`` into an :class:`RdfFileError` keeping its position."""
    message = error.msg if isinstance(error.msg, str) else str(error)
    return RdfFileError(path, message, error.lineno, error.offset)


def parse_bytes(data: bytes, fmt: ox.RdfFormat, *, name: str, base_iri: str | None = None,
                graph: str | None = None) -> list[ox.Quad]:
    """Parse ``data`` completely; quads without a graph go to ``graph`` (default graph if None)."""
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri,
                              without_named_graphs=not formats.of(fmt).names_graphs))
    except SyntaxError as error:
        raise syntax_error_to_rdf_error(name, error) from None
    if graph is None:
        return quads
    target = ox.NamedNode(graph)
    return [ox.Quad(q.subject, q.predicate, q.object, target) if isinstance(q.graph_name, ox.DefaultGraph) else q
            for q in quads]


def read_quads(path: Path, *, graph: str | None = None) -> list[ox.Quad]:
    """All quads of the file at ``path``; raises :class:`RdfFileError` on any problem."""
    path = Path(path)
    fmt = rdf_format_for(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RdfFileError(path, error.strerror or str(error)) from None
    # No base IRI: a relative IRI in a shipped file is an error, never a file:// IRI.
    return parse_bytes(data, fmt, name=str(path), graph=graph)


def load_into(store: ox.Store, path: Path, *, graph: str) -> None:
    """Add the file at ``path`` to ``store``, its triples in ``graph``; all of it or nothing.

    Triple formats are parsed by pyoxigraph straight into the store (one transaction, no Python
    object per quad: a large file costs the store's memory only, not a heap of garbage as well);
    quad formats go through :func:`read_quads`. Raises :class:`RdfFileError` like it.
    """
    path = Path(path)
    fmt = rdf_format_for(path)
    if fmt.supports_datasets:  # may name graphs: read_quads refuses those the format does not keep
        store.extend(read_quads(path, graph=graph))
        return
    try:
        store.load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))
    except SyntaxError as error:
        raise syntax_error_to_rdf_error(path, error) from None
    except OSError as error:
        raise RdfFileError(path, error.strerror or str(error)) from None


def shipped_files(include_shapes: bool = True) -> list[tuple[Path, str]]:
    """The shipped RDF files with the named graph each belongs to, in load order."""
    folders = ["ontology", "data"] + (["shapes"] if include_shapes else [])
    pairs: list[tuple[Path, str]] = []
    for folder in folders:
        root = resources.resource_dir(folder)
        for path in resources.rdf_files(folder):
            stem = path.relative_to(root).with_suffix("").as_posix()
            pairs.append((path, graph_iri_for(folder, stem)))
    return pairs


