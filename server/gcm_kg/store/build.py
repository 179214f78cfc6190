"""``gcm-kg build``: bulk-load a persistent store once, and the build record ``serve --store`` trusts."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Sequence

import pyoxigraph as ox

from gcm_kg.rdf import rdfio
from gcm_kg.store.base import StoreCounts, extra_graph_iri
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.fingerprint import BUILD_RECORD, store_files
from gcm_kg.store.shipped import shipped_quads


def build_store(directory: Path, extra_files: Sequence[Path] = ()) -> EmbeddedStore:
    """Bulk-load ontology, data, shapes and ``extra_files`` into a new on-disk store.

    The store is built in a staging directory beside ``directory`` and renamed into place only
    when every file loaded, so a malformed file (reported with its line) leaves nothing behind.
    ``directory`` must not hold anything already.
    """
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty: remove it or choose another --store directory")
    shipped = rdfio.shipped_files()
    files = shipped + [(Path(p), extra_graph_iri(Path(p))) for p in extra_files]
    for path, _graph in files:  # fail early, before anything is written
        rdfio.rdf_format_for(path)
        if not os.access(path, os.R_OK):
            raise rdfio.RdfFileError(path, "not readable")
    # Build beside the target and rename at the end, so a malformed file never leaves a
    # half-built store where `serve --store` would find it.
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    store = ox.Store(str(staging))
    try:
        # The shipped files are small: one bulk write for all of them (each bulk write adds its own
        # files to every index, and fewer files mean less memory per reader and faster opening).
        store.bulk_extend(shipped_quads())
        for path, graph in files[len(shipped):]:
            try:
                store.bulk_load(path=str(path), format=rdfio.rdf_format_for(path), to_graph=ox.NamedNode(graph))
            except SyntaxError as error:
                raise rdfio.syntax_error_to_rdf_error(path, error) from None
        store.optimize()
        store.flush()
    except BaseException:
        del store  # close the database before its files are removed
        shutil.rmtree(staging, ignore_errors=True)
        raise
    del store
    if directory.exists():
        directory.rmdir()
    staging.rename(directory)
    built = EmbeddedStore.open_read_only(directory)
    write_build_record(directory, built.counts())
    return built


_RECORD_FORMAT = 1


def write_build_record(directory: Path, counts: StoreCounts) -> None:
    """Write the counts and the list of the store's files beside them, atomically."""
    directory = Path(directory)
    record = {"format": _RECORD_FORMAT, "triples": counts.triples, "graphs": counts.graphs,
              "files": store_files(directory)}
    handle, temporary = tempfile.mkstemp(prefix=f".{BUILD_RECORD}.", dir=directory)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, sort_keys=True)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, directory / BUILD_RECORD)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def recorded_counts(directory: Path) -> StoreCounts | None:
    """The counts ``gcm-kg build`` recorded, when the store's files are still exactly those it wrote.

    None when there is no record, it cannot be read, or any file was added, removed, resized or
    rewritten since the build (then the caller reads the whole store to check and count it). This
    catches a store changed by a program; it does not detect silent media corruption that leaves
    sizes and times alone (RocksDB's block checksums report that when the damaged block is read).
    """
    try:
        record = json.loads((Path(directory) / BUILD_RECORD).read_text(encoding="utf-8"))
        if (not isinstance(record, dict) or record.get("format") != _RECORD_FORMAT
                or record.get("files") != store_files(Path(directory)) or not record["files"]):
            return None
        graphs = record["graphs"]
        if not isinstance(record["triples"], int) or not isinstance(graphs, dict) or not all(
                isinstance(k, str) and isinstance(v, int) for k, v in graphs.items()):
            return None
        return StoreCounts(record["triples"], dict(graphs))
    except (OSError, ValueError, KeyError, TypeError):
        return None
