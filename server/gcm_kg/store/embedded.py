"""The triple store behind the service, kept behind a small interface.

:class:`GraphStore` is what the rest of gcm-kg needs from a store: run a SPARQL query over a
dataset, describe a resource, count what is there. :class:`EmbeddedStore` implements it over an
embedded pyoxigraph store (in memory, or a persistent on-disk store opened read-only); a remote
SPARQL 1.1 Protocol store can implement the same interface.

The default graph of every query is the union of all graphs, so ``SELECT * { ?s ?p ?o }`` finds
everything, while each named graph stays addressable with ``GRAPH``. A protocol request that
names its own dataset (``default-graph-uri`` / ``named-graph-uri``) replaces that default.
"""

from __future__ import annotations

from itertools import islice
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from gcm_kg.rdf import rdfio
from gcm_kg.sparql.bounded import SinglePattern, lookup_pattern
from gcm_kg.core.namespaces import BASE
from gcm_kg.sparql.lexer import names_its_dataset
from gcm_kg.sparql.model import Dataset, QueryExecutionError, QueryOutput, QuerySyntaxError
from gcm_kg.sparql.results import serialize_result
from gcm_kg.store import fingerprint as store_fingerprint
from gcm_kg.store.base import StoreCounts, StoreOpenError, extra_graph_iri
from gcm_kg.store.shipped import shipped_quads


def execute_on(store: "EmbeddedStore", query: str, *, accept: str | None, media_type: str | None = None,
               dataset: Dataset = Dataset(), base_iri: str | None = BASE,
               substitutions: dict[ox.Variable, ox.Term] | None = None, max_rows: int | None = None,
               rows_at_most: int | None = None) -> QueryOutput:
    """Run ``query`` on ``store`` and serialise the result; errors become :class:`QueryError` subclasses.

    The one place a query is evaluated and written, whether in a query process, in a web worker's
    thread (bounded lookups) or in a plain :class:`EmbeddedStore`.
    """
    try:
        result = store.query(query, dataset=dataset, base_iri=base_iri, substitutions=substitutions)
        return serialize_result(result, accept, media_type=media_type, max_rows=max_rows,
                                rows_at_most=rows_at_most)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error)) from None
    except (OSError, RuntimeError, ValueError) as error:
        raise QueryExecutionError(str(error)) from None


class EmbeddedStore:
    """A :class:`GraphStore` over an embedded pyoxigraph :class:`~pyoxigraph.Store`."""

    def __init__(self, store: ox.Store, *, path: Path | None = None, max_rows: int | None = None,
                 content_fingerprint: str | None = None):
        self.store = store
        self.path = path
        self.max_rows = max_rows  # row cap of SELECT results in execute() (None: no cap)
        self._counts: StoreCounts | None = None
        self._fingerprint = content_fingerprint  # None: built by the caller, contents unknown

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def in_memory(cls, extra_files: Iterable[Path] = ()) -> "EmbeddedStore":
        """A fresh in-memory store holding ontology, data and shapes (plus ``extra_files``)."""
        store = ox.Store()
        store.extend(shipped_quads())
        extras = [(Path(path), extra_graph_iri(Path(path))) for path in extra_files]
        for path, graph in extras:
            rdfio.load_into(store, path, graph=graph)
        return cls(store, content_fingerprint=store_fingerprint.loaded_files(extras))

    @classmethod
    def open_read_only(cls, path: Path) -> "EmbeddedStore":
        """Open a store built by :func:`build_store`; raises ``StoreOpenError`` naming the path."""
        path = Path(path)
        if not path.is_dir():
            raise StoreOpenError(path, "no such store directory (build it with `gcm-kg build --store DIR`)")
        try:
            opened = ox.Store.read_only(str(path))
        except (OSError, RuntimeError, ValueError) as error:  # RocksDB reports corruption as RuntimeError
            raise StoreOpenError(path, str(error)) from None
        return cls(opened, path=path, content_fingerprint=store_fingerprint.on_disk(path))

    # -- GraphStore -----------------------------------------------------------------------------
    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None):
        if dataset.is_given:
            return self.store.query(
                query,
                base_iri=base_iri,
                default_graph=[ox.NamedNode(u) for u in dataset.default_graph_uris] or ox.DefaultGraph(),
                named_graphs=[ox.NamedNode(u) for u in dataset.named_graph_uris],
                substitutions=substitutions,
            )
        # The union default graph only when the query names no dataset itself: pyoxigraph's
        # use_default_graph_as_union would override a FROM / FROM NAMED clause.
        return self.store.query(query, base_iri=base_iri, use_default_graph_as_union=not names_its_dataset(query),
                                substitutions=substitutions)

    def execute(self, query: str, *, accept: str | None = None, media_type: str | None = None,
                dataset: Dataset = Dataset(), base_iri: str | None = BASE,
                substitutions: dict[ox.Variable, ox.Term] | None = None,
                timeout: float | None = None) -> QueryOutput:
        """In-process execution: ``timeout`` is not enforced here (see the server's executor)."""
        return execute_on(self, query, accept=accept, media_type=media_type, dataset=dataset,
                          base_iri=base_iri, substitutions=substitutions, max_rows=self.max_rows)

    def count_up_to(self, pattern: SinglePattern, limit: int) -> int:
        """How many quads, in any graph, match the constants of ``pattern`` — counting stops at
        ``limit + 1``, so the cost is bounded by ``limit`` whatever the store holds."""
        matching = self.store.quads_for_pattern(pattern.subject, pattern.predicate, pattern.object, None)
        return sum(1 for _ in islice(matching, limit + 1))

    def reads_at_most(self, pattern: SinglePattern, limit: int) -> bool:
        """True when a query over ``pattern`` reads at most ``limit`` quads: at most that many match
        its constants, in any graph, and — for a DESCRIBE — none of them has a blank-node object."""
        if not pattern.describes:
            return self.count_up_to(pattern, limit) <= limit
        matching = self.store.quads_for_pattern(pattern.subject, pattern.predicate, pattern.object, None)
        count = 0
        for quad in islice(matching, limit + 1):
            if isinstance(quad.object, ox.BlankNode):
                return False
            count += 1
        return count <= limit

    def query_if_bounded(self, query: str, limit: int, **options):
        """:meth:`query`'s result if ``query`` provably reads at most ``limit`` quads (see
        :meth:`execute_if_bounded`), else None."""
        pattern = lookup_pattern(query)
        if pattern is None or not self.reads_at_most(pattern, limit):
            return None
        return self.query(query, **options)

    def execute_if_bounded(self, query: str, limit: int, *, max_rows: int | None, **options) -> QueryOutput | None:
        """Answer ``query`` here if it provably reads at most ``limit`` quads, else return None.

        "Provably": :mod:`gcm_kg.sparql.bounded` recognises a one-pattern lookup or a ``DESCRIBE <iri>``
        and :meth:`reads_at_most` checks the quads matching its constants (in all graphs, so the
        bound holds for any dataset the request names). Used by the server's executor to answer
        lookups without a query-process round trip; everything else returns None.
        """
        pattern = lookup_pattern(query)
        if pattern is None or not self.reads_at_most(pattern, limit):
            return None
        return execute_on(self, query, max_rows=max_rows, rows_at_most=limit, **options)

    def describe(self, iri: str) -> list[ox.Triple]:
        return list(self.query(f"DESCRIBE <{ox.NamedNode(iri).value}>"))

    def counts(self) -> StoreCounts:
        if self._counts is None:  # the store is read-only while served: count once
            graphs = {}
            for solution in self.store.query(
                    "SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"):
                graphs[solution["g"].value] = int(solution["n"].value)
            total = int(next(iter(self.store.query(
                "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", use_default_graph_as_union=True)))["n"].value)
            self._counts = StoreCounts(total, graphs)
        return self._counts

    def fingerprint(self) -> str | None:
        return self._fingerprint


def shipped_store() -> EmbeddedStore:
    """A fresh in-memory store of the shipped ontology, data and shapes."""
    return EmbeddedStore.in_memory()
