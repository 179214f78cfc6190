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

import contextlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Iterable, Protocol, Sequence

import pyoxigraph as ox

from . import formats, rdfio
from .bounded import SinglePattern, lookup_pattern
from .conneg import negotiate
from .namespaces import BASE


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset given by the protocol (SPARQL 1.1 Protocol §2.1.4); empty means 'the store's'."""

    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()

    @property
    def is_given(self) -> bool:
        return bool(self.default_graph_uris or self.named_graph_uris)


class QueryError(Exception):
    """Base of the errors a query can end in; ``str()`` is safe to show to the client."""


class QuerySyntaxError(QueryError):
    """The query is not SPARQL 1.1 (→ 400). The message is the parser's, with its position."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped (→ 503 with Retry-After)."""


class QueryExecutionError(QueryError):
    """The query parsed but failed while running (→ 500)."""


class UpstreamError(QueryExecutionError):
    """A remote store's SPARQL endpoint could not be reached or answered with an error (→ 502)."""


class UpstreamTimeout(QueryTimeout):
    """A remote store's SPARQL endpoint did not answer within the time limit (→ 504)."""


class NotAcceptable(QueryError):
    """No format the client accepts can carry this query's results (→ 406)."""

    def __init__(self, form: str, offered: list[str]):
        self.form, self.offered = form, offered
        super().__init__(f"{form} results are available as: {', '.join(offered)}")


@dataclass
class QueryOutput:
    """A serialised query result: the query form, the chosen media type and the body."""

    form: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT/DESCRIBE)
    media_type: str
    body: bytes
    truncated: bool = False         # SELECT rows were cut at ``row_limit``
    row_limit: int | None = None    # the row cap that applied to a SELECT (None: no cap)


def offered_types(form: str) -> list[str]:
    """The media types the service can write for a query form, best first."""
    table = {"SELECT": formats.RESULTS_FORMATS, "ASK": formats.BOOLEAN_FORMATS}.get(form, formats.GRAPH_FORMATS)
    return list(table)


class _RowCapReached(Exception):
    """Raised from inside pyoxigraph's writer to stop evaluation once the row cap is passed."""


class _TsvSink:
    """A binary sink for pyoxigraph's TSV writer that stops it after ``limit`` rows (+1 to detect more).

    SPARQL TSV writes exactly one line per solution (newlines inside literals are escaped), after
    one header line, so counting ``\\n`` counts rows.
    """

    __slots__ = ("chunks", "lines", "stop_after")

    def __init__(self, limit: int):
        self.chunks: list[bytes] = []
        self.lines = 0
        self.stop_after = limit + 2  # header + limit rows + one more row proves truncation

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.lines += data.count(b"\n")
        if self.lines >= self.stop_after:
            raise _RowCapReached()
        return len(data)

    def flush(self) -> None:
        pass


def _capped_solutions(result: "ox.QuerySolutions", max_rows: int) -> tuple[bytes, bool]:
    """SPARQL TSV of at most ``max_rows`` solutions of ``result``, and whether rows were cut.

    Evaluation stops as soon as one row beyond the cap is produced, so a huge result costs no more
    than the cap. TSV is lossless for RDF terms, so it is re-read to write any other format.
    """
    sink = _TsvSink(max_rows)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _RowCapReached:
        pass
    data = b"".join(sink.chunks)
    if sink.lines <= max_rows + 1:
        return data, False
    cut = -1
    for _ in range(max_rows + 1):  # keep the header line and max_rows rows
        cut = data.index(b"\n", cut + 1)
    return data[:cut + 1], True


def serialize_result(result, accept: str | None, *, media_type: str | None = None,
                     max_rows: int | None = None, rows_at_most: int | None = None) -> QueryOutput:
    """Serialise a pyoxigraph query result with pyoxigraph's own writers, negotiating by Accept.

    ``media_type`` forces a format (it must be one the form offers). ``max_rows`` caps SELECT
    results; the output then says whether rows were cut. ``rows_at_most`` is a bound on the rows
    the caller has proved (see :mod:`gcm_kg.bounded`): within the cap, the rows are written
    directly instead of through the capping pass. Raises :class:`NotAcceptable`.
    """
    if isinstance(result, ox.QuerySolutions):
        form, table = "SELECT", formats.RESULTS_FORMATS
    elif isinstance(result, ox.QueryBoolean):
        form, table = "ASK", formats.BOOLEAN_FORMATS
    else:
        form, table = "GRAPH", formats.GRAPH_FORMATS
    chosen = media_type if media_type in table else negotiate(accept, list(table))
    if chosen is None:
        raise NotAcceptable(form, list(table))
    if form == "GRAPH":
        body = ox.serialize(result, format=table[chosen], prefixes=None) if table[chosen] not in (
            ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG) else ox.serialize(
            (ox.Quad(t.subject, t.predicate, t.object) for t in result), format=table[chosen])
    elif form == "SELECT" and max_rows is not None and (rows_at_most is None or rows_at_most > max_rows):
        tsv, truncated = _capped_solutions(result, max_rows)
        if table[chosen] == ox.QueryResultsFormat.TSV:
            body = tsv
        else:
            body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=table[chosen])
        return QueryOutput(form, chosen, body, truncated, max_rows)
    else:
        body = result.serialize(format=table[chosen])
    return QueryOutput(form, chosen, body, row_limit=max_rows if form == "SELECT" else None)


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
        """The description of ``iri`` as served by linked data (see :mod:`gcm_kg.store`)."""

    def counts(self) -> StoreCounts:
        """Triple counts, in total and per named graph."""


class EmbeddedStore:
    """A :class:`GraphStore` over an embedded pyoxigraph :class:`~pyoxigraph.Store`."""

    def __init__(self, store: ox.Store, *, path: Path | None = None, max_rows: int | None = None):
        self.store = store
        self.path = path
        self.max_rows = max_rows  # row cap of SELECT results in execute() (None: no cap)
        self._counts: StoreCounts | None = None

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def in_memory(cls, extra_files: Iterable[Path] = ()) -> "EmbeddedStore":
        """A fresh in-memory store holding ontology, data and shapes (plus ``extra_files``)."""
        store = ox.Store()
        store.extend(rdfio.shipped_quads())
        for path in extra_files:
            rdfio.load_into(store, Path(path), graph=extra_graph_iri(Path(path)))
        return cls(store)

    @classmethod
    def open_read_only(cls, path: Path) -> "EmbeddedStore":
        """Open a store built by :func:`build_store`; raises ``StoreOpenError`` naming the path."""
        path = Path(path)
        if not path.is_dir():
            raise StoreOpenError(path, "no such store directory (build it with `gcm-kg build --store DIR`)")
        try:
            return cls(ox.Store.read_only(str(path)), path=path)
        except (OSError, RuntimeError, ValueError) as error:  # RocksDB reports corruption as RuntimeError
            raise StoreOpenError(path, str(error)) from None

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

    def execute_if_bounded(self, query: str, limit: int, *, max_rows: int | None, **options) -> QueryOutput | None:
        """Answer ``query`` here if it provably reads at most ``limit`` quads, else return None.

        "Provably": :mod:`gcm_kg.bounded` recognises a one-pattern lookup or a ``DESCRIBE <iri>``
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


def names_its_dataset(query: str) -> bool:
    """True when ``query`` has a FROM or FROM NAMED clause (outside strings, comments and IRIs)."""
    if "from" not in query.lower():
        return False
    from .protocol import _tokens

    return any(kind == "word" and text.upper() == "FROM" for kind, text in _tokens(query))


class StoreOpenError(RuntimeError):
    """A persistent store could not be opened; ``str()`` names the path."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"cannot open store {path}: {message}")


def extra_graph_iri(path: Path) -> str:
    """Named graph for an extra file given to ``build``: one graph per file name."""
    return BASE + "graph/extra/" + path.stem


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
        store.bulk_extend(rdfio.shipped_quads())
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


# -- the build record: counts written by `gcm-kg build`, trusted while the store's files are unchanged --

#: The file ``gcm-kg build`` writes into the store directory (RocksDB ignores it).
BUILD_RECORD = "gcm-kg-store.json"
_RECORD_FORMAT = 1


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
