"""Where the shipped RDF lives: ontology, data, shapes, canned queries and frozen releases.

In an installed wheel the five folders are packaged under ``gcm_kg/_resources``; in a source
checkout (editable install, tests) they are the repository's top-level folders. Callers never
build these paths themselves.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parents[1] / "_resources"   # gcm_kg/_resources in a wheel
_CHECKOUT = Path(__file__).resolve().parents[3]   # the repository root

RDF_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl")


def resource_dir(name: str) -> Path:
    """The folder ``name`` (``ontology``, ``data``, ``shapes``, ``queries`` or ``releases``)."""
    for root in (_PACKAGED, _CHECKOUT):
        candidate = root / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"gcm-kg resource folder {name!r} not found under {_PACKAGED} or {_CHECKOUT}")


def source_checkout() -> Path | None:
    """The source tree the package runs from (its ``data/`` and ``releases/`` are the editable
    ones), or None in an installed wheel."""
    if (_PACKAGED / "data").is_dir() or not (_CHECKOUT / "pyproject.toml").is_file():
        return None
    return _CHECKOUT


def rdf_files(name: str) -> list[Path]:
    """Every RDF file below the resource folder ``name``, in a stable (sorted) order."""
    root = resource_dir(name)
    return sorted(p for p in root.rglob("*") if p.suffix in RDF_SUFFIXES and p.is_file())
