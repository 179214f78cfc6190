"""Shared helpers for the data tests: the shipped graph and the source texts next to the repo.

The source paper and the objectives table live outside the repository (``../shared``); tests
that need them skip with a reason when they are absent.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.rdf.rdfio import read_quads, shipped_files

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
PAPER = SHARED / "seed" / "000_eb909a15e3417003.txt"
OBJECTIVES_TSV = SHARED / "sources" / "gcm-objectives.tsv"

SPARQL_PREFIXES = f"BASE <https://w3id.org/gcm-kg/id/>\n" + "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)\s]*\)")
MARKDOWN_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


def normalize(text: str) -> str:
    """The paper's text as printed, which is what passages quote: a Markdown link
    ``[text](target)`` is printed as its text and an autolink ``<https://…>`` as the address,
    Markdown emphasis (``*``, ``**``) is removed, ``\\_`` unescaped (also the doubled
    ``\\\\_`` of link texts) and whitespace runs collapsed."""
    text = MARKDOWN_AUTOLINK.sub(r"\1", MARKDOWN_LINK.sub(r"\1", text))
    text = text.replace("*", "").replace("\\\\_", "_").replace("\\_", "_")
    return re.sub(r"\s+", " ", text).strip()


def raw_paper() -> str:
    if not PAPER.is_file():
        pytest.skip(f"source paper not available at {PAPER}")
    return PAPER.read_text(encoding="utf-8")


def paper() -> str:
    return normalize(raw_paper())


@lru_cache(maxsize=1)
def store() -> ox.Store:
    """The shipped ontology and data files, each in its named graph (no shapes, no queries)."""
    s = ox.Store()
    for path, graph in shipped_files(include_shapes=False):
        s.bulk_extend(read_quads(path, graph=graph))
    return s


def select(query: str) -> list[dict[str, object]]:
    """Rows of a SELECT over the union of all shipped graphs, values as Python strings/ints."""
    solutions = store().query(SPARQL_PREFIXES + query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    rows = []
    for solution in solutions:
        row: dict[str, object] = {}
        for name in names:
            term = solution[name]
            if term is None:
                row[name] = None
            elif isinstance(term, ox.Literal) and term.datatype.value.endswith("#integer"):
                row[name] = int(term.value)
            else:
                row[name] = term.value
        rows.append(row)
    return rows
