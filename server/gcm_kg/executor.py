"""Queries that can be stopped: each web worker runs its queries in child processes it can kill.

pyoxigraph cannot cancel a running query: ``Store.query`` has no timeout, and although it releases
the GIL while it evaluates (measured: another Python thread keeps running at full speed during a
long ``query()``), nothing in the process can interrupt it — a signal handler only runs once the
query has returned. The one thing that truly stops the work is ending the process doing it.

So :class:`ProcessExecutor` gives each web worker one *query process* forked from it, with one
*lane* (a socket pair, and a thread in the child) per query the worker may run at once. A query is
sent down a lane as a tuple of short strings (query text, Accept, dataset IRIs, base IRI,
substitutions); the child runs it on its store, serialises the result with pyoxigraph's writers and
sends back the bytes. The parent waits at most ``timeout`` seconds; past that it SIGKILLs the
child, forks a fresh one, and raises :class:`~gcm_kg.store.QueryTimeout` (the view answers 503
with ``Retry-After``). A query running on another lane of the killed child was not at fault: it
is sent once more to the fresh child, within what is left of its own time limit (queries are
read-only, so running one twice is harmless). A child that dies on its own (e.g. a stack overflow
on an absurdly nested query) is replaced the same way; a query whose child dies under it twice
ends in a :class:`~gcm_kg.store.QueryExecutionError`. Other workers keep serving throughout.

Why one process with lanes rather than a process per lane: every process that scans the
in-memory store ends up with a private copy of most of its pages (pyoxigraph's reads update
reference counts inside the store, so copy-on-write copies the pages they touch — measured at
100k triples: 28 of 38 MB after one full scan), and on disk every process has its own RocksDB
caches. Halving the query processes halved that memory; the threads of one process run queries
in parallel all the same, since pyoxigraph releases the GIL while it evaluates.

Where a child's store comes from:

* **in memory** (``template``): the store built once in the gunicorn master (``preload_app``) is
  inherited through ``fork``; pages are shared copy-on-write until written (above), and a
  replacement child is ready in milliseconds;
* **on disk** (``path``): the child opens the RocksDB store read-only itself after the fork;
  opening takes milliseconds. The worker opens its own read-only handle too (for bounded lookups,
  after forking its first query process), so a replacement child inherits that open handle; it
  never uses it, and forking with it open was checked (100 forks while two threads read through
  the parent's handle: no hang, no failure). The master only probes the store and closes it.

One exception: a lookup that provably reads few quads (a single triple pattern with a constant
subject or object matching at most :data:`IN_THREAD_QUADS` quads; see :mod:`gcm_kg.bounded`) is
answered in the calling thread — from the in-memory store, or from the on-disk store the worker
opens read-only for this itself — there is nothing for a time limit to stop, and the round trip
below costs more than such a lookup.

The per-query cost is one round trip over a socket pair: a length-prefixed message of a few hundred
bytes (``marshal``-encoded strings; pickle only for substitution terms) and the result bytes back.
No store, no parsed query and no Python objects of the result cross it.
"""

from __future__ import annotations

import ctypes
import gc
import marshal
import multiprocessing
import os
import pickle
import queue
import select
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from .namespaces import BASE
from .store import (Dataset, EmbeddedStore, QueryError, QueryExecutionError, QueryOutput,
                    QuerySyntaxError, QueryTimeout, NotAcceptable, StoreCounts, StoreOpenError,
                    execute_on, recorded_counts)

_FORK = multiprocessing.get_context("fork")
_ERRORS = {cls.__name__: cls for cls in (QuerySyntaxError, QueryExecutionError, QueryTimeout)}


def _die_with_parent() -> None:
    """Linux: the kernel kills this child when its parent dies, mid-query or not.

    The "parent" of ``PR_SET_PDEATHSIG`` is the *thread* that forked, so children are forked only by
    the executor's own long-lived spawner thread (see :class:`_Spawner`), never by a request thread.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


#: A query process returns freed heap to the system after a query that ran longer than this: glibc
#: keeps it otherwise, and each query process that ever ran a large join or GROUP BY stayed ~40 MB
#: larger (measured at 100k triples). Trimming costs about a millisecond, so lookups skip it.
_TRIM_AFTER_S = 0.05


#: A lookup (:mod:`gcm_kg.bounded`) over at most this many quads runs in the web worker's own
#: thread instead of a query process: ≈ 1 ms of work at most, so a time limit has nothing to stop,
#: and the round trip it saves costs more than the lookup itself.
IN_THREAD_QUADS = 1_000


def _malloc_trim():
    """glibc's ``malloc_trim`` (None elsewhere)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def prepare_to_fork() -> None:
    """Make what this process holds cheap to share with the children it is about to fork.

    Called in the gunicorn master once the store is built, and in each worker before its first
    query process. Freed heap (e.g. the garbage of parsing the data) goes back to the system
    instead of being inherited, and the objects built so far move to the garbage collector's
    permanent generation (``gc.freeze``), so a child's collections do not write to — and so
    copy — the pages it shares with its parent.
    """
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _child_main(conns, template: EmbeddedStore | None, path: Path | None, max_rows: int | None,
                parent_pid: int) -> None:
    """The query process: one thread per lane answers requests from its pipe until a pipe closes.

    The threads share the store (pyoxigraph releases the GIL while it evaluates, so queries on
    different lanes run in parallel); a closed pipe means the parent is done with this process.
    """
    _die_with_parent()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)  # forget gunicorn's worker handlers
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)
    try:
        store = template if template is not None else EmbeddedStore.open_read_only(path)
    except Exception as error:  # reported on every request
        store, open_error = None, f"cannot open the store: {error}"
    else:
        open_error = None
    for conn in conns[1:]:
        threading.Thread(target=_serve_lane, args=(conn, store, open_error, max_rows), daemon=True).start()
    _serve_lane(conns[0], store, open_error, max_rows)


def _serve_lane(conn, store: EmbeddedStore | None, open_error: str | None, max_rows: int | None) -> None:
    """Answer one lane's requests in order; end the whole process when the parent closes it."""
    send = lambda reply: conn.send_bytes(_encode(reply))  # noqa: E731
    trim = _malloc_trim()
    while True:
        try:
            message = _decode(conn.recv_bytes())
        except (EOFError, OSError):
            os._exit(0)
        if store is None:
            send(("QueryExecutionError", open_error))
            continue
        kind, args = message
        started = time.perf_counter()
        try:
            if kind == "execute":
                query, accept, media_type, dgu, ngu, base_iri, substitutions = args
                output = execute_on(store, query, accept=accept, media_type=media_type,
                                    dataset=Dataset(dgu, ngu), base_iri=base_iri,
                                    substitutions=substitutions, max_rows=max_rows)
                send(("ok", output.form, output.media_type, output.body, output.truncated, output.row_limit))
            elif kind == "counts":
                counts = store.counts()
                send(("ok", counts.triples, counts.graphs))
            else:
                send(("QueryExecutionError", f"unknown request {kind!r}"))
        except NotAcceptable as error:
            send(("NotAcceptable", error.form, error.offered))
        except QueryError as error:
            send((type(error).__name__, str(error)))
        except Exception as error:  # never leave the parent waiting
            send(("QueryExecutionError", f"{type(error).__name__}: {error}"))
        if trim is not None and time.perf_counter() - started > _TRIM_AFTER_S:
            trim(0)  # after the answer is sent: give the query's freed working memory back


def _encode(message) -> bytes:
    """A pipe message as bytes: ``marshal`` for plain data (strings, numbers, bytes, tuples, dicts —
    every query and every reply), ``pickle`` only when it carries pyoxigraph terms (substitutions)."""
    try:
        return b"m" + marshal.dumps(message)
    except ValueError:
        return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes):
    return marshal.loads(data[1:]) if data[:1] == b"m" else pickle.loads(data[1:])


class _Lane:
    """The parent's end of one pipe to a query process: one query at a time travels on it."""

    def __init__(self, conn, child: "_Child"):
        self.conn, self.child = conn, child
        self.poller = select.poll()  # one poll object per lane: no selector built per query
        self.poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)

    def wait(self, seconds: float | None) -> bool:
        """True when the answer (or the pipe's end) is readable within ``seconds`` (None: no limit)."""
        if seconds is None:
            return bool(self.poller.poll())
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                return bool(self.poller.poll(max(1, int(remaining * 1000 + 0.999))))
            except InterruptedError:  # (Python retries EINTR itself; kept for clarity)
                continue


class _Child:
    """One query process and its ``lanes`` pipes (one per query it may run at once)."""

    def __init__(self, template, path, max_rows, lanes: int):
        pairs = [_FORK.Pipe(duplex=True) for _ in range(lanes)]
        self.process = _FORK.Process(target=_child_main, name="gcm-kg-query",
                                     args=([child_end for _, child_end in pairs], template, path, max_rows,
                                           os.getpid()), daemon=True)
        self.process.start()
        for _, child_end in pairs:
            child_end.close()
        self.lanes = [_Lane(parent_end, self) for parent_end, _ in pairs]

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        for lane in self.lanes:
            try:
                lane.conn.close()
            except OSError:
                pass


class _Spawner:
    """A daemon thread that forks every query process, so that they outlive request threads."""

    def __init__(self, make):
        self._make = make
        self._requests: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="gcm-kg-query-spawner", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            reply = self._requests.get()
            try:
                reply.put((self._make(), None))
            except BaseException as error:  # hand the failure to the waiting thread
                reply.put((None, error))

    def spawn(self) -> _Child:
        if threading.current_thread() is self._thread:
            return self._make()
        reply: queue.Queue = queue.Queue(maxsize=1)
        self._requests.put(reply)
        child, error = reply.get()
        if error is not None:
            raise error
        return child


@dataclass
class ExecutorStats:
    """What this executor did, counted in this process.

    ``listener``, when set, is called with the field's name on each event, after the count: the
    app's metrics (:mod:`gcm_kg.ops_views`) set it to feed Prometheus counters, which — unlike
    these plain numbers — add up over all gunicorn workers.
    """

    queries: int = 0
    in_thread: int = 0      # of which answered in the calling thread (bounded lookups)
    timeouts: int = 0       # queries stopped at their time limit
    crashes: int = 0        # query processes that ended under a query without being killed for time
    respawns: int = 0       # query processes replaced, for either reason
    listener: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def count(self, event: str) -> None:
        setattr(self, event, getattr(self, event) + 1)
        if self.listener is not None:
            self.listener(event)


class ProcessExecutor:
    """A :class:`~gcm_kg.store.GraphStore` whose queries run in killable child processes.

    Give either ``template`` (an in-memory :class:`EmbeddedStore` the children inherit through
    ``fork``) or ``path`` (an on-disk store each child opens read-only). ``timeout`` is the default
    time limit in seconds; ``max_rows`` caps SELECT results; ``concurrency`` is the most queries one
    web worker runs at once (use its thread count): its query process gets that many lanes.
    """

    def __init__(self, template: EmbeddedStore | None = None, *, path: Path | None = None,
                 timeout: float | None = 30.0, max_rows: int | None = 10_000, concurrency: int = 1):
        if (template is None) == (path is None):
            raise ValueError("give exactly one of template= or path=")
        self.template, self.path = template, Path(path) if path is not None else None
        self.timeout, self.max_rows, self.concurrency = timeout, max_rows, max(1, concurrency)
        self.stats = ExecutorStats()
        self._counts: StoreCounts | None = None
        self._reset()

    @classmethod
    def in_memory(cls, store: EmbeddedStore, **options) -> "ProcessExecutor":
        return cls(store, **options)

    @classmethod
    def on_disk(cls, path: Path, **options) -> "ProcessExecutor":
        """Checks that the store opens (raises ``StoreOpenError`` naming the path) and counts it.

        The counts come from the record ``gcm-kg build`` wrote while the store's files are still
        the ones it wrote (a ``stat`` per file, milliseconds); otherwise — a store changed or
        damaged since, or built before the record existed — every quad is read and counted
        (seconds per million triples).
        """
        probe = EmbeddedStore.open_read_only(path)
        counts = recorded_counts(Path(path))
        if counts is None:
            try:
                # Reading every quad checks the data blocks' checksums: a damaged store fails here
                # with RocksDB's message (measured: a COUNT query over such a store can instead
                # allocate memory without bound).
                len(probe.store)
                counts = probe.counts()
            except (OSError, RuntimeError, ValueError) as error:
                raise StoreOpenError(Path(path), str(error)) from None
        executor = cls(path=path, **options)
        executor._counts = counts
        del probe
        return executor

    # -- the query process and its lanes ----------------------------------------------------------
    def _reset(self) -> None:
        """Start with no query process; also after a fork (a gunicorn worker must not share its master's)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._child: _Child | None = None   # the current query process
        self._idle: list[_Lane] = []        # its lanes no query is using
        self._spawner: _Spawner | None = None
        self._direct: EmbeddedStore | None | bool = None  # see _direct_store (False: cannot open)

    def _check_pid(self) -> None:
        if self._pid != os.getpid():
            self._reset()

    def _spawn(self) -> _Child:
        with self._lock:
            if self._spawner is None:
                self._spawner = _Spawner(lambda: _Child(self.template, self.path, self.max_rows, self.concurrency))
            spawner = self._spawner
        return spawner.spawn()

    def _take_lane(self) -> _Lane:
        """An idle lane of the current query process, forking one first if there is none.

        A caller holds one of ``concurrency`` slots, and a process has that many lanes, so an idle
        lane is always there (lanes of a retired process are never handed out again).
        """
        with self._lock:
            if self._child is not None:
                return self._idle.pop()
        child = self._spawn()
        with self._lock:
            if self._child is None:  # no other thread installed one meanwhile
                self._child, self._idle = child, list(child.lanes)
            else:
                child.kill()
            return self._idle.pop()

    def _give_back(self, lane: _Lane) -> None:
        with self._lock:
            if lane.child is self._child:
                self._idle.append(lane)

    def _retire(self, child: _Child) -> bool:
        """Kill ``child`` and fork its replacement right away, so the next query does not wait
        for it. True if this call retired it (False: another thread already had)."""
        with self._lock:
            if child is not self._child:
                return False
            self._child, self._idle = None, []
        child.kill()
        self.stats.count("respawns")
        try:
            self._give_back(self._take_lane())
        except Exception:  # the next query forks it again (and reports what goes wrong)
            pass
        return True

    def _direct_store(self) -> EmbeddedStore | None:
        """The store this process reads itself, for bounded lookups: the in-memory template, or the
        on-disk store opened read-only once per process (None when it cannot be opened: the query
        process then reports why)."""
        if self.template is not None:
            return self.template
        self._check_pid()
        if self._direct is None:
            with self._lock:
                if self._direct is None:
                    try:
                        self._direct = EmbeddedStore.open_read_only(self.path)
                    except StoreOpenError:
                        self._direct = False
        return self._direct if isinstance(self._direct, EmbeddedStore) else None

    def warm_up(self) -> None:
        """Fork the query process now (e.g. in gunicorn's ``post_worker_init``) instead of on first
        use, then open the store this process reads bounded lookups from."""
        self._check_pid()
        self._give_back(self._take_lane())
        self._direct_store()

    def close(self) -> None:
        self._check_pid()
        with self._lock:
            child, self._child, self._idle = self._child, None, []
            self._direct = None  # (an on-disk store this process opened closes when collected)
        if child is not None:
            child.kill()

    def _call(self, message, timeout: float | None):
        """Send ``message`` to the query process and return its reply, within the time limit.

        A query whose process ends under it — killed because *another* query on it ran out of
        time, or crashed — is sent once more to the fresh process (queries are read-only, so
        running one twice is harmless) within what is left of its own time limit.
        """
        self._check_pid()
        limit = timeout if timeout is not None else self.timeout
        data = _encode(message)
        self._slots.acquire()
        try:
            deadline = None if limit is None else time.monotonic() + limit
            for _attempt in (1, 2):
                if deadline is not None and time.monotonic() >= deadline:
                    break  # (only after a first attempt ended with its process)
                lane = self._take_lane()
                # No liveness check per query (a waitpid each time): a process that died while idle
                # has closed its end of the socket pair, so the send fails and a fresh one is forked.
                try:
                    lane.conn.send_bytes(data)
                except (OSError, ValueError):
                    self._retire(lane.child)
                    continue
                if not lane.wait(None if deadline is None else deadline - time.monotonic()):
                    self._retire(lane.child)
                    break
                try:
                    reply = _decode(lane.conn.recv_bytes())
                except Exception:  # EOF, or anything else that leaves this lane unusable
                    if self._retire(lane.child):
                        self.stats.count("crashes")
                    continue
                self._give_back(lane)
                return reply
            else:
                raise QueryExecutionError("the query engine process ended while running this query "
                                          "(the query is probably too large or too deeply nested)")
            self.stats.count("timeouts")
            raise QueryTimeout(f"the query ran longer than the {limit:g} s time limit and was stopped; "
                               f"make it more selective (or add a LIMIT) and try again")
        finally:
            self._slots.release()

    # -- GraphStore -------------------------------------------------------------------------------
    def execute(self, query: str, *, accept: str | None = None, media_type: str | None = None,
                dataset: Dataset = Dataset(), base_iri: str | None = BASE,
                substitutions: dict[ox.Variable, ox.Term] | None = None,
                timeout: float | None = None) -> QueryOutput:
        self.stats.count("queries")
        direct = self._direct_store()
        if direct is not None:
            output = direct.execute_if_bounded(
                query, IN_THREAD_QUADS, max_rows=self.max_rows, accept=accept, media_type=media_type,
                dataset=dataset, base_iri=base_iri, substitutions=substitutions)
            if output is not None:
                self.stats.count("in_thread")
                return output
        reply = self._call(("execute", (query, accept, media_type, tuple(dataset.default_graph_uris),
                                        tuple(dataset.named_graph_uris), base_iri, substitutions)), timeout)
        status = reply[0]
        if status == "ok":
            _, form, chosen, body, truncated, row_limit = reply
            return QueryOutput(form, chosen, body, truncated, row_limit)
        if status == "NotAcceptable":
            raise NotAcceptable(reply[1], reply[2])
        raise _ERRORS.get(status, QueryExecutionError)(reply[1])

    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None, timeout: float | None = None):
        """Run ``query`` in a child and return pyoxigraph results re-read from its answer.

        SELECT/ASK come back as :class:`pyoxigraph.QuerySolutions` / ``QueryBoolean`` (from SPARQL
        JSON), CONSTRUCT/DESCRIBE as a list of triples. Raises ``SyntaxError`` on bad syntax like
        :meth:`EmbeddedStore.query`, and :class:`QueryTimeout` past the time limit.
        """
        try:
            output = self.execute(query, accept="application/sparql-results+json, application/n-triples",
                                  dataset=dataset, base_iri=base_iri, substitutions=substitutions,
                                  timeout=timeout)
        except QuerySyntaxError as error:
            raise SyntaxError(str(error)) from None
        if output.form == "GRAPH":
            return [quad.triple for quad in ox.parse(output.body, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(output.body, format=ox.QueryResultsFormat.JSON)

    def describe(self, iri: str) -> list[ox.Triple]:
        return self.query(f"DESCRIBE <{ox.NamedNode(iri).value}>")

    def counts(self) -> StoreCounts:
        if self._counts is None:
            if self.template is not None:
                self._counts = self.template.counts()
            else:
                reply = self._call(("counts", ()), None)
                if reply[0] != "ok":
                    raise QueryExecutionError(reply[1])
                self._counts = StoreCounts(reply[1], reply[2])
        return self._counts

