"""The store interface (:class:`GraphStore`) and the value types and errors every backend shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyoxigraph as ox

from gcm_kg.core.namespaces import BASE
from gcm_kg.sparql.model import Dataset, QueryExecutionError, QueryOutput, QueryTimeout


class UpstreamError(QueryExecutionError):
    """A remote store's SPARQL endpoint could not be reached or answered with an error (→ 502)."""


class UpstreamTimeout(QueryTimeout):
    """A remote store's SPARQL endpoint did not answer within the time limit (→ 504)."""


@dataclass
class StoreCounts:
    triples: int
    graphs: dict[str, int] = field(default_factory=dict)


class GraphStore(Protocol):
    """What gcm-kg needs from a store. Results are pyoxigraph result objects."""

    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None):
        """Run ``query``; raises ``SyntaxError`` (with the parser's message) on bad syntax."""

    def execute(self, query: str, *, accept: str | None = None, media_type: str | None = None,
                dataset: Dataset = Dataset(), base_iri: str | None = BASE,
                substitutions: dict[ox.Variable, ox.Term] | None = None,
                timeout: float | None = None) -> QueryOutput:
        """Run ``query`` and serialise its result for ``accept`` (or the forced ``media_type``).

        Raises :class:`QuerySyntaxError`, :class:`NotAcceptable`, :class:`QueryTimeout` or
        :class:`QueryExecutionError`. This is the call every HTTP view uses.
        """

    def describe(self, iri: str) -> list[ox.Triple]:
        """The description of ``iri`` as served by linked data (see :mod:`gcm_kg.store.embedded`)."""

    def counts(self) -> StoreCounts:
        """Triple counts, in total and per named graph."""

    def fingerprint(self) -> str | None:
        """A short string that changes whenever what the store holds may change, for HTTP validators
        (:mod:`gcm_kg.store.fingerprint`); None when the store cannot tell (then nothing is cached)."""


class StoreOpenError(RuntimeError):
    """A persistent store could not be opened; ``str()`` names the path."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"cannot open store {path}: {message}")


def extra_graph_iri(path: Path) -> str:
    """Named graph for an extra file given to ``build``: one graph per file name."""
    return BASE + "graph/extra/" + path.stem
