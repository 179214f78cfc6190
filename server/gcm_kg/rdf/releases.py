"""Frozen releases: the dumps of each published version, kept byte for byte under ``releases/``.

A release ``X.Y.Z`` is the folder ``releases/X.Y.Z/`` holding the four dumps of
:mod:`gcm_kg.rdf.export`, gzipped reproducibly (``gcm-kg.nt.gz`` …), and ``SHA256SUMS`` in the
format of coreutils' ``sha256sum`` with one line per compressed file and one per dump as it is
when uncompressed, so ``sha256sum -c --ignore-missing SHA256SUMS`` checks the files and
:func:`FrozenRelease.recorded_sha256` gives the sum of each dump (the one DCAT states). A
folder is written once by :func:`write_release` and never rewritten: the URLs
``/download/X.Y.Z/…`` that serve it must answer the same bytes for ever.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from gcm_kg.rdf import export, resources

#: A release version: three numbers (Semantic Versioning 2.0.0 §2, without pre-release tags), so
#: it can be a path segment and versions sort by number.
VERSION_PATTERN = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
SUMS_FILE = "SHA256SUMS"
FOLDER = "releases"


class ReleaseError(ValueError):
    """A release that cannot be made or read (the message says why)."""


def version_key(version: str) -> tuple[int, int, int]:
    """``"0.10.2"`` → ``(0, 10, 2)``; raises :class:`ReleaseError` for anything else."""
    match = VERSION_PATTERN.fullmatch(version)
    if match is None:
        raise ReleaseError(f"{version!r} is not a release version (three numbers, e.g. 0.2.0)")
    return tuple(int(part) for part in match.groups())


def file_name(fmt: str, *, gz: bool = False) -> str:
    return f"{export.DUMP_NAME}.{fmt}" + (".gz" if gz else "")


@dataclass(frozen=True)
class FrozenRelease:
    """One published release folder."""

    version: str
    folder: Path

    def dump_gz(self, fmt: str) -> bytes:
        """The gzipped dump in ``fmt`` exactly as it was published."""
        return (self.folder / file_name(fmt, gz=True)).read_bytes()

    def dump(self, fmt: str) -> bytes:
        return gzip.decompress(self.dump_gz(fmt))

    def recorded_sha256(self) -> dict[str, str]:
        """File name → SHA-256 (hex) as ``SHA256SUMS`` records them."""
        sums = {}
        for number, line in enumerate((self.folder / SUMS_FILE).read_text("ascii").splitlines(), 1):
            if not line.strip():
                continue
            digest, sep, name = line.partition("  ")
            if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest):
                raise ReleaseError(f"{self.folder / SUMS_FILE}:{number}: not a 'SHA-256  name' line")
            sums[name] = digest
        return sums

    def damaged_files(self) -> list[str]:
        """The files whose bytes no longer have their recorded sum (empty when the release is intact)."""
        recorded = self.recorded_sha256()
        damaged = []
        for fmt in export.DUMP_FORMATS:
            compressed = self.dump_gz(fmt)
            if export.sha256(compressed) != recorded.get(file_name(fmt, gz=True)):
                damaged.append(file_name(fmt, gz=True))
            if export.sha256(gzip.decompress(compressed)) != recorded.get(file_name(fmt)):
                damaged.append(file_name(fmt))
        return damaged


def releases_root() -> Path:
    """The ``releases/`` folder shipped with the package (the repository's in a checkout)."""
    return resources.resource_dir(FOLDER)


def published(root: Path | None = None) -> dict[str, FrozenRelease]:
    """Every release folder under ``root`` (default :func:`releases_root`), oldest first."""
    root = releases_root() if root is None else Path(root)
    found = [FrozenRelease(path.name, path) for path in root.iterdir()
             if path.is_dir() and VERSION_PATTERN.fullmatch(path.name) and (path / SUMS_FILE).is_file()]
    return {release.version: release for release in sorted(found, key=lambda r: version_key(r.version))}


def latest(root: Path | None = None) -> FrozenRelease | None:
    """The newest published release under ``root``, or None."""
    return named("latest", published(root))


def named(version: str, releases: dict[str, FrozenRelease]) -> FrozenRelease | None:
    """The release ``version`` names among ``releases`` (as :func:`published` gives them): the
    newest for ``latest``; None when there is no such release."""
    if version == "latest":
        return releases[next(reversed(releases))] if releases else None
    return releases.get(version)


def write_release(version: str, quads: Iterable[ox.Quad], root: Path) -> FrozenRelease:
    """Freeze the dumps of ``quads`` as release ``version`` under ``root``.

    Refuses (:class:`ReleaseError`) a malformed version or one whose folder exists: a published
    release never changes. The folder is filled under a temporary name and renamed once complete.
    """
    version_key(version)
    folder = Path(root) / version
    if folder.exists():
        raise ReleaseError(f"release {version} exists already ({folder}); a published release never changes: "
                           f"choose a new version")
    quads = list(quads)
    partial = Path(root) / f".{version}.part"
    partial.mkdir(parents=True)
    lines = []
    for fmt in export.DUMP_FORMATS:
        data = export.dump_bytes(quads, fmt)
        compressed = export.gzip_bytes(data)
        (partial / file_name(fmt, gz=True)).write_bytes(compressed)
        lines += [f"{export.sha256(compressed)}  {file_name(fmt, gz=True)}", f"{export.sha256(data)}  {file_name(fmt)}"]
    (partial / SUMS_FILE).write_text("\n".join(lines) + "\n", "ascii")
    partial.rename(folder)
    return FrozenRelease(version, folder)
