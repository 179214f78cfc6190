"""What a store holds, in one short string: the store's part of an HTTP validator (the ETag).

A fingerprint changes whenever the answers the store gives may change, and only then, so that a
cache in front of the service may keep an answer for as long as the fingerprint stays the same:

* the in-memory store: a hash of the bytes of every file it was loaded from — the shipped
  ontology, data, shapes and canned queries, and each extra file with the graph it went into;
* an on-disk store (``--store``): a hash of the record ``gcm-kg build`` wrote and of the list of
  the store's immutable files (a writer adds new ones, so a store changed after the build, even
  one whose record was left alone, gets another fingerprint);
* a remote store (``--endpoint``): only what the operator declares (``--data-version``) — nothing
  here can see when another server's data change, so without it there is no fingerprint (None),
  and answers carry no validators.

The fingerprint is computed once, when the store is opened: the store is read-only while served.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from gcm_kg.rdf import resources
from gcm_kg.rdf.rdfio import shipped_files

#: Bumped when what a fingerprint covers changes, so that no old validator matches a new one.
_SCHEME = b"gcm-kg-fingerprint-1"


class _Digest:
    """A SHA-256 over labelled parts; the length prefixes keep ``("ab", "c")`` and ``("a", "bc")`` apart."""

    def __init__(self, kind: str):
        self._hash = hashlib.sha256(_SCHEME)
        self.add(kind.encode())

    def add(self, part: bytes) -> None:
        self._hash.update(len(part).to_bytes(8, "big"))
        self._hash.update(part)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _add_file(digest: _Digest, label: str, path: Path) -> None:
    digest.add(label.encode())
    digest.add(Path(path).read_bytes())


def loaded_files(extra_files: Iterable[tuple[Path, str]] = ()) -> str:
    """The fingerprint of an in-memory store: the shipped files, then ``extra_files`` as
    ``(path, graph IRI)`` pairs (the graph is part of what the store holds)."""
    digest = _Digest("memory")
    for path, graph in shipped_files(include_shapes=True):
        _add_file(digest, graph, path)
    try:
        canned = sorted(resources.resource_dir("queries").glob("*.rq"))
    except FileNotFoundError:
        canned = []
    for path in canned:  # the canned queries are in the store too (graph/queries)
        _add_file(digest, "queries/" + path.name, path)
    for path, graph in extra_files:
        _add_file(digest, "extra " + graph, path)
    return digest.hexdigest()


#: The file ``gcm-kg build`` writes into the store directory (RocksDB ignores it).
BUILD_RECORD = "gcm-kg-store.json"


def store_files(directory: Path) -> list[list]:
    """``[name, size, mtime_ns]`` of the store's immutable RocksDB files, sorted by name.

    Tables (``*.sst``), write-ahead logs (``*.log``), ``MANIFEST-*``, ``CURRENT`` and ``OPTIONS-*``:
    RocksDB never rewrites one in place, and opening the store read-only changes none of them
    (checked: sizes, mtimes and inodes are the same after a read-only open and a full read),
    while any writer creates new ones. One ``stat`` per file, no data read.
    """
    files = []
    with os.scandir(directory) as entries:
        for entry in entries:
            name = entry.name
            if (name.endswith((".sst", ".log")) or name.startswith(("MANIFEST-", "OPTIONS-"))
                    or name == "CURRENT") and entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                files.append([name, stat.st_size, stat.st_mtime_ns])
    return sorted(files)


def on_disk(directory: Path) -> str:
    """The fingerprint of an on-disk store: its build record (when there is one) and the list of its
    immutable files (:func:`store_files`)."""
    digest = _Digest("disk")
    try:
        digest.add((Path(directory) / BUILD_RECORD).read_bytes())
    except OSError:
        digest.add(b"no build record")
    for name, size, mtime_ns in store_files(Path(directory)):
        digest.add(f"{name} {size} {mtime_ns}".encode())
    return digest.hexdigest()


def declared(endpoint: str, data_version: str | None) -> str | None:
    """The fingerprint of a remote store whose operator declared ``data_version``; None without one."""
    if data_version is None:
        return None
    digest = _Digest("remote")
    digest.add(endpoint.encode())
    digest.add(data_version.encode())
    return digest.hexdigest()
