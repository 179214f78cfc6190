"""Full-text search over the graph's human-readable literals (no Flask here).

The index is built from any :class:`~gcm_kg.store.base.GraphStore` by SPARQL alone (so extra
files, a ``--store`` and a remote ``--endpoint`` are searchable the same way) into SQLite's FTS5,
which ships with Python's ``sqlite3``:

* the tokenizer ``porter unicode61 remove_diacritics 2`` folds case and accents (``migracion``
  finds ``Migración``, including accents on the characters Unicode decomposes into several code
  points) and stems English (``smuggled`` finds ``smuggling``); Spanish words are folded but not
  stemmed, which keeps ``reintegr*``-style prefixes the way to reach their inflections;
* ranking is FTS5's BM25 (``bm25()``), and ``snippet()`` cuts a highlighted passage per hit;
* it needs no extra dependency, runs in-process in microseconds for this graph's size, and one
  file (``DIR/search.sqlite``) holds a prebuilt index beside a store built by ``gcm-kg build``.

A user's query is never handed to FTS5's own query language: :func:`parse_query` reads words,
``"quoted phrases"`` and ``prefix*`` terms and writes each as a quoted FTS5 string, so FTS
operators, column filters and stray quotes in the input are just text. A search is bounded like
a query: a time limit (SQLite's progress handler interrupts it → :class:`QueryTimeout`) and a row
cap on the page size.
"""

from __future__ import annotations

import html
import json
import os
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence, TextIO

import pyoxigraph as ox

from gcm_kg.core.errors import Refusal
from gcm_kg.core.namespaces import DCT, GCMO, OA, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from gcm_kg.sparql.model import QueryTimeout
from gcm_kg.store.base import GraphStore

ELI = "http://data.europa.eu/eli/ontology#"
ORG = "http://www.w3.org/ns/org#"

#: The kinds a hit can be, each with the classes that make a resource that kind. A resource with
#: classes of several kinds gets the first kind listed (a schema:Claim that is a gcmo:Challenge is
#: a statement; a section of the Compact typed eli:LegalResourceSubdivision is a passage).
KINDS: dict[str, tuple[str, ...]] = {
    "objective": (GCMO + "Objective",),
    "theme": (GCMO + "Theme",),
    "question": (SCHEMA + "Question",),
    "statement": (GCMO + "Challenge", GCMO + "Opportunity", GCMO + "Finding", SCHEMA + "Claim"),
    "passage": (OA + "SpecificResource", ELI + "LegalResourceSubdivision"),
    "organization": (ORG + "Organization", SCHEMA + "Organization"),
    "event": (SCHEMA + "Event",),
    "work": (SCHEMA + "CreativeWork", SCHEMA + "Book", SCHEMA + "Report", SCHEMA + "Legislation",
             SCHEMA + "VideoObject", SCHEMA + "WebSite", SCHEMA + "WebPage", ELI + "LegalResource"),
    "concept": (SKOS + "Concept",),
}
_KIND_OF_CLASS = {cls: kind for kind, classes in reversed(KINDS.items()) for cls in classes}
_KIND_ORDER = {kind: rank for rank, kind in enumerate(KINDS)}

#: The human-readable texts indexed; editorial notes (rdfs:comment), identifiers and keywords are not.
#: The label predicates come first, in the order a hit's label is chosen by.
LABEL_PREDICATES = (SKOS + "prefLabel", SCHEMA + "name", DCT + "title", RDFS + "label")
TEXT_PREDICATES = LABEL_PREDICATES + (SKOS + "altLabel", SCHEMA + "alternateName", SKOS + "definition",
                                      SCHEMA + "text", SCHEMA + "description", DCT + "description")
#: Quoted passages: the text of a web annotation's selector (W3C Web Annotation Data Model §4.2.4).
QUOTE = OA + "exact"

#: The facets of the results page: what a hit is about, by the predicates that say so in this graph.
FACETS: dict[str, tuple[str, tuple[str, ...]]] = {
    "theme": (GCMO + "Theme", (DCT + "subject", SCHEMA + "about")),
    "objective": (GCMO + "Objective", (GCMO + "servesObjective", GCMO + "coversObjective", SCHEMA + "about",
                                       ELI + "is_about")),
}

LANGUAGES = ("en", "es")
#: Longer input is no search anyone types: refused before it reaches the tokenizer.
MAX_QUERY_CHARS = 500
MAX_TERMS = 32
DEFAULT_LIMIT = 20
#: The rows one SPARQL request of the build asks for (the store's row cap may cut it shorter).
BUILD_PAGE = 5000
INDEX_FILE = "search.sqlite"

_SCHEMA = """
CREATE VIRTUAL TABLE texts USING fts5(text, iri UNINDEXED, lang UNINDEXED,
                                      tokenize = 'porter unicode61 remove_diacritics 2');
CREATE TABLE resources (iri TEXT PRIMARY KEY, kind TEXT NOT NULL, labels TEXT NOT NULL);
CREATE TABLE facets (iri TEXT NOT NULL, facet TEXT NOT NULL, target TEXT NOT NULL,
                     PRIMARY KEY (iri, facet, target));
CREATE INDEX facets_by_target ON facets (facet, target);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""

# Snippet markers: control characters that cannot survive parse_query's refusal of control
# characters, nor occur in the indexed literals' snippets as markup, so highlight() can escape the
# text and then turn exactly these into <mark> elements.
_OPEN, _CLOSE = "\x02", "\x03"
_ELLIPSIS = "…"
_SNIPPET_TOKENS = 14


# -- the query language ---------------------------------------------------------------------------
_TERM = re.compile(r'"([^"]*)("?)|(\S+)')
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def parse_query(text: str) -> str:
    """The FTS5 expression of a search: every word, ``"phrase"`` and ``prefix*`` must match (AND).

    Each term is written as an FTS5 string (SQLite FTS5 §3.1: ``"…"``, a quote doubled inside),
    so nothing the user types is an FTS5 operator. A quote left open runs to the end; a term with
    no letter or digit (``*``, ``-``, ``""``) is dropped. Raises a ``search-syntax``
    :class:`Refusal` for a control character, input over :data:`MAX_QUERY_CHARS`, or nothing left
    to search for.
    """
    if len(text) > MAX_QUERY_CHARS:
        raise Refusal.search_syntax(f"the search is {len(text)} characters long; at most {MAX_QUERY_CHARS} are allowed")
    if _CONTROL.search(text):
        raise Refusal.search_syntax("the search contains a control character")
    terms = []
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(3)
        if word is not None:
            prefix = word.endswith("*")
            word = word.rstrip("*").replace('"', "")
            if any(c.isalnum() for c in word):
                terms.append(_fts_string(word) + ("*" if prefix else ""))
        elif phrase is not None and any(c.isalnum() for c in phrase):
            terms.append(_fts_string(phrase))
    if not terms:
        raise Refusal.search_syntax("the search has no word to look for (words, \"a phrase\" or a prefix*)")
    if len(terms) > MAX_TERMS:
        raise Refusal.search_syntax(f"the search has {len(terms)} terms; at most {MAX_TERMS} are allowed")
    return " AND ".join(terms)


def _fts_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def highlight(snippet: str) -> str:
    """A snippet as HTML: the text escaped, each match in ``<mark>``."""
    return html.escape(snippet, quote=False).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


# -- results --------------------------------------------------------------------------------------
@dataclass
class Hit:
    iri: str
    label: str
    kind: str
    snippet: str  # HTML: escaped text with <mark> around the matches
    score: float  # higher is better (BM25, FTS5's bm25() negated)

    def to_json(self) -> dict:
        return {"iri": self.iri, "label": self.label, "kind": self.kind, "snippet": self.snippet,
                "score": self.score}


@dataclass
class Facet:
    value: str   # a kind name, or the IRI of a theme or objective
    label: str
    count: int


@dataclass
class SearchPage:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[Facet]] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"query": self.query, "total": self.total, "results": [hit.to_json() for hit in self.hits]}


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()
    lang: str | None = None
    theme: str | None = None
    objective: str | None = None

    def check(self) -> "Filters":
        for kind in self.kinds:
            if kind not in KINDS:
                raise Refusal.invalid_parameter("kind", f"parameter 'kind': {kind!r} is not one of {', '.join(KINDS)}")
        if self.lang is not None and self.lang not in LANGUAGES:
            raise Refusal.invalid_parameter("lang", f"parameter 'lang': expected one of {', '.join(LANGUAGES)}")
        return self


# -- the index ------------------------------------------------------------------------------------
class SearchIndex:
    """An FTS5 index of the graph's texts; one connection, searches serialised by a lock (each
    takes milliseconds, and SQLite connections are not to be shared between threads unguarded)."""

    def __init__(self, connection: sqlite3.Connection):
        self._db = connection
        self._lock = threading.Lock()

    # building --------------------------------------------------------------------------------
    @classmethod
    def build(cls, store: GraphStore, *, timeout: float | None = None) -> "SearchIndex":
        """The index of everything ``store`` answers to SPARQL (held in memory)."""
        started = time.perf_counter()
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        kinds = _resource_kinds(store, timeout)
        labels: dict[str, dict[str, tuple[int, str]]] = {}
        rows = set()
        for row in _select_all(store, _texts_query(), timeout):
            subject, predicate, text = row["s"].value, row["p"].value, row["text"]
            if subject not in kinds:
                continue
            lang = text.language or ""
            rows.add((text.value, subject, lang))
            if predicate in LABEL_PREDICATES:
                rank = LABEL_PREDICATES.index(predicate)
                current = labels.setdefault(subject, {}).get(lang)
                if current is None or (rank, text.value) < current:
                    labels[subject][lang] = (rank, text.value)
        db.executemany("INSERT INTO texts (text, iri, lang) VALUES (?, ?, ?)", sorted(rows))
        db.executemany("INSERT INTO resources VALUES (?, ?, ?)",
                       [(iri, kind, json.dumps({lang: label for lang, (_, label) in labels.get(iri, {}).items()},
                                               ensure_ascii=False, sort_keys=True))
                        for iri, kind in sorted(kinds.items())])
        facets = {(row["s"].value, row["facet"].value, row["target"].value)
                  for row in _select_all(store, _facets_query(), timeout) if row["s"].value in kinds}
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)", sorted(facets))
        db.execute("INSERT INTO meta VALUES ('build_seconds', ?)", (f"{time.perf_counter() - started:.3f}",))
        db.commit()
        return cls(db)

    def save(self, path: Path) -> None:
        """Write the index to ``path`` (a new file), as ``gcm-kg build --store`` does."""
        target = sqlite3.connect(str(path))
        try:
            with self._lock:
                self._db.backup(target)
        finally:
            target.close()

    @classmethod
    def open(cls, path: Path) -> "SearchIndex":
        """A saved index, read-only."""
        return cls(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False))

    @property
    def size(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM resources").fetchone()[0]

    @property
    def build_seconds(self) -> float:
        with self._lock:
            return float(self._db.execute("SELECT value FROM meta WHERE key = 'build_seconds'").fetchone()[0])

    # searching -------------------------------------------------------------------------------
    def search(self, text: str, filters: Filters = Filters(), *, limit: int = DEFAULT_LIMIT, offset: int = 0,
               timeout: float | None = None, with_facets: bool = False) -> SearchPage:
        """One page of the resources whose texts match ``text``, best first.

        Raises a ``search-syntax`` :class:`Refusal` for a search that cannot be read and
        :class:`QueryTimeout` when it runs past ``timeout`` seconds.
        """
        expression = parse_query(text)
        filters.check()
        where, parameters = _hit_filter(expression, filters)
        # FTS5's auxiliary functions cannot run inside an aggregate: rank every matching text first,
        # then keep each resource's best one (SQLite takes the bare column snippet from the MIN row).
        matches = (f"SELECT iri, bm25(texts) AS rank, snippet(texts, 0, '{_OPEN}', '{_CLOSE}', '{_ELLIPSIS}', "
                   f"{_SNIPPET_TOKENS}) AS snippet FROM texts {where}")
        # (LIMIT -1 keeps SQLite from flattening the subquery into the aggregate.)
        hits_sql = f"SELECT iri, MIN(rank) AS rank, snippet FROM ({matches} LIMIT -1) GROUP BY iri"
        with self._lock, _deadline(self._db, timeout):
            try:
                total = self._db.execute(f"SELECT COUNT(*) FROM ({hits_sql})", parameters).fetchone()[0]
                rows = self._db.execute(
                    f"SELECT h.*, r.kind, r.labels FROM ({hits_sql}) h JOIN resources r ON r.iri = h.iri "
                    "ORDER BY h.rank, h.iri LIMIT ? OFFSET ?", [*parameters, limit, offset]).fetchall()
                facets = self._facets(hits_sql, parameters, filters.lang) if with_facets else {}
            except sqlite3.OperationalError as error:
                if "interrupted" in str(error):
                    raise QueryTimeout(f"the search took longer than the time limit ({timeout:g} s)") from None
                raise Refusal.search_syntax(f"the search cannot be read: {error}") from None
        hits = [Hit(iri, _label(labels, filters.lang, iri), kind, highlight(snippet), round(-rank, 4))
                for iri, rank, snippet, kind, labels in rows]
        return SearchPage(text, total, hits, facets)

    def _facets(self, hits_sql: str, parameters: list, lang: str | None) -> dict[str, list[Facet]]:
        kinds = self._db.execute(f"SELECT r.kind, COUNT(*) FROM ({hits_sql}) h JOIN resources r ON r.iri = h.iri "
                                 "GROUP BY r.kind", parameters).fetchall()
        result = {"kind": sorted((Facet(kind, kind, n) for kind, n in kinds), key=lambda f: _KIND_ORDER[f.value])}
        for facet in FACETS:
            counted = self._db.execute(
                f"SELECT f.target, COUNT(*), r.labels FROM ({hits_sql}) h JOIN facets f ON f.iri = h.iri "
                "LEFT JOIN resources r ON r.iri = f.target WHERE f.facet = ? GROUP BY f.target "
                "ORDER BY COUNT(*) DESC, f.target", [*parameters, facet]).fetchall()
            result[facet] = [Facet(target, _label(labels or "{}", lang, target), n) for target, n, labels in counted]
        return result


def _hit_filter(expression: str, filters: Filters) -> tuple[str, list]:
    clauses, parameters = ["texts MATCH ?"], [expression]
    if filters.lang:
        # BCP 47 ranges: "en" also takes en-GB (RFC 4647 §3.3.1 basic filtering).
        clauses.append("(lang = ? OR lang LIKE ? || '-%')")
        parameters += [filters.lang, filters.lang]
    if filters.kinds:
        clauses.append(f"iri IN (SELECT iri FROM resources WHERE kind IN ({', '.join('?' * len(filters.kinds))}))")
        parameters += list(filters.kinds)
    for facet in FACETS:
        target = getattr(filters, facet)
        if target:
            clauses.append("iri IN (SELECT iri FROM facets WHERE facet = ? AND target = ?)")
            parameters += [facet, target]
    return "WHERE " + " AND ".join(clauses), parameters


def _label(labels_json: str, lang: str | None, iri: str) -> str:
    labels = json.loads(labels_json)
    for choice in (lang, "en", "es", ""):
        if choice is not None and choice in labels:
            return labels[choice]
    return next(iter(labels.values()), iri)


class _deadline:
    """Interrupt the connection's statements after ``timeout`` seconds (SQLite's progress
    handler, checked every few thousand virtual-machine steps)."""

    def __init__(self, db: sqlite3.Connection, timeout: float | None):
        self.db, self.timeout = db, timeout

    def __enter__(self):
        if self.timeout is not None:
            ends = time.monotonic() + self.timeout
            self.db.set_progress_handler(lambda: time.monotonic() > ends, 2000)

    def __exit__(self, *exc):
        self.db.set_progress_handler(None, 0)


# -- SPARQL for the build -------------------------------------------------------------------------
def _values(variable: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{variable} {{ {' '.join(f'<{iri}>' for iri in iris)} }}"


def _kinds_query() -> str:
    return (f"SELECT DISTINCT ?s ?type WHERE {{ {_values('type', _KIND_OF_CLASS)} ?s <{RDF_TYPE}> ?type "
            "FILTER(isIRI(?s)) } ORDER BY ?s ?type")


def _texts_query() -> str:
    plain = f"(lang(?text) != \"\" || datatype(?text) = <{XSD}string>)"
    return (f"SELECT DISTINCT ?s ?p ?text WHERE {{ {{ {_values('p', TEXT_PREDICATES)} ?s ?p ?text }} UNION "
            f"{{ ?s <{OA}hasSelector> ?selector . ?selector <{QUOTE}> ?text BIND(<{QUOTE}> AS ?p) }} "
            f"FILTER(isIRI(?s) && isLiteral(?text) && {plain}) }} ORDER BY ?s ?p ?text")


def _facets_query() -> str:
    parts = [f"{{ {_values('p', predicates)} ?s ?p ?target . ?target <{RDF_TYPE}> <{cls}> "
             f"BIND(\"{facet}\" AS ?facet) }}" for facet, (cls, predicates) in FACETS.items()]
    return (f"SELECT DISTINCT ?s ?facet ?target WHERE {{ {' UNION '.join(parts)} FILTER(isIRI(?s)) }} "
            "ORDER BY ?s ?facet ?target")


def _select_all(store: GraphStore, query: str, timeout: float | None) -> Iterable:
    """Every solution of ``query`` (which has an ORDER BY), a page at a time, so the store's
    row cap never silently cuts the index short."""
    offset = 0
    while True:
        output = store.execute(f"{query} LIMIT {BUILD_PAGE} OFFSET {offset}",
                               media_type="application/sparql-results+json", timeout=timeout)
        solutions = list(ox.parse_query_results(output.body, format=ox.QueryResultsFormat.JSON))
        yield from solutions
        if not solutions or (len(solutions) < BUILD_PAGE and not getattr(output, "truncated", False)):
            return
        offset += len(solutions)


def _resource_kinds(store: GraphStore, timeout: float | None) -> dict[str, str]:
    kinds: dict[str, str] = {}
    for row in _select_all(store, _kinds_query(), timeout):
        subject, kind = row["s"].value, _KIND_OF_CLASS[row["type"].value]
        if subject not in kinds or _KIND_ORDER[kind] < _KIND_ORDER[kinds[subject]]:
            kinds[subject] = kind
    return kinds


# -- building in the background -------------------------------------------------------------------
class BackgroundIndex:
    """The index an app searches: prebuilt, or built in a thread from the store at start.

    Until it is built, :meth:`get` raises a ``not-ready`` :class:`Refusal` (503 with
    ``Retry-After``); a build that failed (the store was down) is started again by the next
    :meth:`get`, at most once per :attr:`RETRY_SECONDS`.

    Each process has its own: gunicorn creates the app in its master and forks the workers, and
    neither the build thread nor an SQLite connection survives a fork (SQLite FAQ, "Can I use
    SQLite across fork()": do not carry a connection into the child), so a forked process starts
    its own build the first time it asks.
    """

    RETRY_SECONDS = 5.0

    def __init__(self, build: Callable[[], SearchIndex], *, start: bool = True):
        self._build = build
        self._reset()
        if start:
            self.start()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._index: SearchIndex | None = None
        self._error: BaseException | None = None
        self._failed_at = 0.0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def _started(self) -> None:
        if self._pid != os.getpid() or (self._thread is None and self._index is None):
            self.start()

    @classmethod
    def ready(cls, build: Callable[[], SearchIndex]) -> "BackgroundIndex":
        """A holder whose index ``build`` makes at once, here (opening a saved index)."""
        holder = cls(build, start=False)
        holder._index = build()
        return holder

    def start(self) -> None:
        """Start building in a thread of this process, unless built or building already."""
        if self._pid != os.getpid():
            self._reset()
        with self._lock:
            if self._index is not None or (self._thread is not None and self._thread.is_alive()):
                return
            self._thread = threading.Thread(target=self._run, name="gcm-kg search index", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            self._index = self._build()
        except Exception as error:  # noqa: BLE001 — reported by status() and get(), retried later
            self._error, self._failed_at = error, time.monotonic()

    def wait(self, timeout: float | None = None) -> bool:
        """Build (if not started yet) and wait up to ``timeout`` seconds; True once built."""
        self._started()
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._index is not None

    @property
    def status(self) -> str:
        self._started()
        if self._index is not None:
            return "ready"
        return "failed" if self._error is not None and not self._building else "building"

    @property
    def _building(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def get(self) -> SearchIndex:
        self._started()
        if self._index is not None:
            return self._index
        if not self._building and self._error is not None:
            if time.monotonic() - self._failed_at >= self.RETRY_SECONDS:
                self.start()
            raise Refusal.not_ready(f"the search index could not be built: {self._error}; retrying")
        raise Refusal.not_ready("the search index is being built from the store; retry shortly")


def index_for_store(store: GraphStore, store_path: Path | None, timeout: float | None) -> BackgroundIndex:
    """The index of an app: the one ``gcm-kg build`` saved beside ``store_path`` if there is one,
    else one built from ``store`` in a background thread, started by :meth:`BackgroundIndex.start`
    (``gcm-kg serve`` does in each worker as it starts) or by the first request that needs it — not
    here: under gunicorn the app is created in the master before the query process runs."""
    if store_path is not None and (Path(store_path) / INDEX_FILE).is_file():
        return BackgroundIndex.ready(lambda: SearchIndex.open(Path(store_path) / INDEX_FILE))
    return BackgroundIndex(lambda: SearchIndex.build(store, timeout=timeout), start=False)


def parse_kinds(values: Sequence[str]) -> tuple[str, ...]:
    """``kind`` parameters, repeated or comma-separated."""
    return tuple(kind.strip() for value in values for kind in value.split(",") if kind.strip())


# -- the command line -----------------------------------------------------------------------------
def save_index(store: GraphStore, directory: Path) -> SearchIndex:
    """Build the index of ``store`` and save it as ``directory/search.sqlite`` (``gcm-kg build``),
    where ``gcm-kg serve --store`` and ``gcm-kg search --store`` open it instead of building one."""
    index = SearchIndex.build(store)
    target = Path(directory) / INDEX_FILE
    target.unlink(missing_ok=True)
    index.save(target)
    return index


def run_cli_search(store: GraphStore, store_path: Path | None, text: str, filters: Filters, *, limit: int,
                   offset: int, fmt: str, timeout: float | None, out: TextIO, err: TextIO) -> int:
    """``gcm-kg search``: one page of hits as text (score, kind, label, IRI, snippet) or JSON.
    Exit 0 with hits, 1 with none, 2 for a search that cannot be read."""
    holder = index_for_store(store, store_path, timeout)
    holder.wait()
    try:
        page = holder.get().search(text, filters, limit=limit, offset=offset, timeout=timeout)
    except Refusal as refusal:
        err.write(f"gcm-kg search: {refusal.detail}\n")
        return 2
    if fmt == "json":
        out.write(json.dumps(page.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        for hit in page.hits:
            snippet = html.unescape(re.sub(r"</?mark>", "**", hit.snippet))
            out.write(f"{hit.score:7.3f}  {hit.kind:<12} {hit.label}\n{'':9}{hit.iri}\n{'':9}{snippet}\n")
        shown = f"{offset + 1}–{offset + len(page.hits)} of " if page.hits else ""
        out.write(f"{shown}{page.total} hit{'s' if page.total != 1 else ''} for {text!r}\n")
    return 0 if page.total else 1
