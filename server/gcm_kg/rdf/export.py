"""Dumps of the whole graph: N-Triples, Turtle, JSON-LD (the union graph) and N-Quads (named graphs).

A dump is a pure function of the quads it is made from: blank nodes get canonical labels
(RDF Dataset Canonicalization, RDFC-1.0, by pyoxigraph) and statements are sorted, so the same
data always gives the same bytes. ``gcm-kg export`` and the server's ``/download/`` files are made by
the same code from a pyoxigraph store holding the shipped files, so they are byte-identical and
the checksums in the DCAT description hold for both.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

import pyoxigraph as ox

from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.rdf import formats


#: The dumps by file extension. A format that names graphs (N-Quads) keeps the named graphs; the
#: others hold the union graph.
DUMP_FORMATS: dict[str, formats.Format] = formats.select(formats.RDF, "nt", "ttl", "jsonld", "nq")

DUMP_NAME = "gcm-kg"


def store_quads(store) -> list[ox.Quad]:
    """Every quad of a :class:`~gcm_kg.store.embedded.GraphStore`, in its named graph."""
    return [ox.Quad(row["s"], row["p"], row["o"], row["g"])
            for row in store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")]


def _sort_key(term) -> tuple:
    return (0 if isinstance(term, ox.NamedNode) else 1 if isinstance(term, ox.BlankNode) else 2, str(term))


def canonical(quads: Iterable[ox.Quad], *, keep_graphs: bool) -> list[ox.Quad]:
    """``quads`` (or their triples, in the default graph) with canonical blank-node labels, sorted."""
    dataset = ox.Dataset()
    for quad in quads:
        dataset.add(quad if keep_graphs else ox.Quad(quad.subject, quad.predicate, quad.object))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return sorted(dataset, key=lambda q: (_sort_key(q.graph_name) if keep_graphs else (), _sort_key(q.subject),
                                          _sort_key(q.predicate), _sort_key(q.object)))


def dump_bytes(quads: Iterable[ox.Quad], fmt: str) -> bytes:
    """The dump of ``quads`` in ``fmt`` (``nt``, ``ttl``, ``jsonld`` or ``nq``)."""
    spec = DUMP_FORMATS[fmt]
    statements = canonical(quads, keep_graphs=spec.names_graphs)
    if not spec.names_graphs:
        statements = [ox.Triple(q.subject, q.predicate, q.object) for q in statements]
    prefixes = PREFIXES if spec.oxigraph == ox.RdfFormat.TURTLE else None
    return ox.serialize(statements, format=spec.oxigraph, prefixes=prefixes)


def gzip_bytes(data: bytes) -> bytes:
    """Reproducible gzip (no file name, mtime 0), so the ``.gz`` dumps have stable checksums too."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()




def export(fmt: str, out: BinaryIO, store) -> None:
    """Write the dump in ``fmt`` of ``store`` to ``out``."""
    if fmt not in DUMP_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(DUMP_FORMATS)})")
    out.write(dump_bytes(store_quads(store), fmt))


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], None]) -> None:
    """Make the file ``path`` with ``write(file)``: written beside it under a temporary name and
    renamed over it only once complete, so an export that fails or is killed midway leaves the
    previous file (or none) — never half a dump."""
    path = Path(path)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as open() would have made it, not mkstemp's 0600
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
