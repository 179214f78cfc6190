"""Queries that can be stopped: they run in a query process the service can kill.

pyoxigraph cannot cancel a running query: ``Store.query`` has no timeout, and although it releases
the GIL while it evaluates (measured: another Python thread keeps running at full speed during a
long ``query()``), nothing in the process can interrupt it — a signal handler only runs once the
query has returned. The one thing that truly stops the work is ending the process doing it.

So :class:`ProcessExecutor` runs queries in **one query process for the whole service**, forked by
a supervisor thread in the process that created the executor (under gunicorn: the master, before
it forks the web workers). Web workers connect to it over a Unix socket in a private directory, one
connection — a *lane* — per query they may run at once; the query process answers each lane in a
thread of its own (pyoxigraph releases the GIL, so lanes run in parallel). A query is sent down a
lane as a tuple of short strings (query text, Accept, dataset IRIs, base IRI, substitutions, time
limit); the query process runs it on its store, serialises the result with pyoxigraph's writers
and sends back the bytes. The worker waits at most ``timeout`` seconds; past that it SIGKILLs the
query process and raises :class:`~gcm_kg.store.embedded.QueryTimeout` (the view answers 503 with
``Retry-After``); the supervisor forks a fresh one at once. A query running on another lane of the
killed process (in this worker or another) was not at fault: it is sent once more, within what is
left of its own time limit (queries are read-only, so running one twice is harmless). A process
that dies on its own (e.g. a stack overflow on an absurdly nested query) is replaced the same way;
a query whose process dies under it twice ends in a :class:`~gcm_kg.store.embedded.QueryExecutionError`.

**A memory budget** caps what queries may allocate, all lanes together: the query process measures
what it holds at rest once it is forked (the inherited store, the on-disk store opened with room
for RocksDB's caches) and sets its own ``RLIMIT_DATA`` to that plus the budget (see
:class:`_MemoryLimit`, which also says why not ``RLIMIT_AS``). An allocation past it fails; Rust
(pyoxigraph) and C++ (RocksDB) then abort the process (SIGABRT). :mod:`faulthandler` writes, on
the way down, which thread aborted to a file of the process's own in the socket's directory; the
worker whose lane thread that was answers :class:`~gcm_kg.sparql.model.QueryMemoryExceeded`
(503), the queries on the other lanes are re-run once as after a time limit, and the supervisor
forks a fresh process. A query whose process ends under it a second time, once or twice by an abort,
is answered :class:`~gcm_kg.sparql.model.QueryMemoryExceeded` too: the budget left it no room.
Concurrent queries reach a shared budget together, so a second thread can abort while the first
one's report is being written: the report then shows an abort but may name another thread, or none
(see :meth:`_QueryService.aborted_by`); such a query is re-run, and ends in the 503 if it aborts again.
A query process cannot tell a failed allocation from another abort (e.g. glibc's heap checks): any
abort while a query ran counts as the budget.

The query process also watches its own lanes (every 0.1 s): a lane whose worker hung up mid-query
(the worker died) or whose query outlived its time limit by a second (its worker should have
killed it already) ends the process, so no query outlives the request it serves.

Why one process for the service: every process that reads the in-memory store ends up with a
private copy of most of its pages (pyoxigraph's reads update reference counts inside the store, so
copy-on-write copies the pages they touch — measured at 100k triples: 28 of 38 MB after one full
scan), and on disk every process has its own RocksDB caches. One reader instead of one per worker
saves one such copy per worker (see ``benchmarks/RESULTS.md``).

Where the query process's store comes from:

* **in memory** (``template``): the store built once in the gunicorn master (``preload_app``) is
  inherited through ``fork``; the master does not read it once the query process exists, so a
  fresh query process starts from the master's untouched pages in milliseconds;
* **on disk** (``path``): the query process opens the RocksDB store read-only itself after the
  fork (milliseconds). The master only probes the store and closes it.

One exception: a lookup that provably reads few quads (a single triple pattern with a constant
subject or object matching at most :data:`IN_THREAD_QUADS` quads; see :mod:`gcm_kg.sparql.bounded`) is
answered in the calling thread — from the in-memory store, or from the on-disk store each worker
opens read-only for this itself — there is nothing for a time limit to stop, and the round trip
costs more than such a lookup.

The per-query cost is one round trip over the lane: a length-prefixed message of a few hundred
bytes (``marshal``-encoded strings; pickle only for substitution terms) and the result bytes back.
No store, no parsed query and no Python objects of the result cross it.
"""

from __future__ import annotations

import ctypes
import faulthandler
import gc
import marshal
import os
import pickle
import re
import resource
import select
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from gcm_kg.core.namespaces import BASE
from gcm_kg.sparql.model import (Dataset, QueryError, QueryExecutionError, QueryMemoryExceeded, QueryOutput,
                                 QuerySyntaxError, QueryTimeout, NotAcceptable)
from gcm_kg.store.embedded import EmbeddedStore, execute_on
from gcm_kg.store.base import StoreCounts, StoreOpenError
from gcm_kg.store import fingerprint as store_fingerprint
from gcm_kg.store.build import recorded_counts

_ERRORS = {cls.__name__: cls for cls in (QuerySyntaxError, QueryExecutionError, QueryTimeout)}

#: The query process's name in ``/proc/PID/comm`` (and ``ps``), so operators and tests can tell it
#: from the web workers.
PROCESS_NAME = "gcm-kg-query"

#: A query process returns freed heap to the system after a query that ran longer than this: glibc
#: keeps it otherwise, and a query process that ever ran a large join or GROUP BY stayed ~40 MB
#: larger (measured at 100k triples). Trimming costs about a millisecond, so lookups skip it.
_TRIM_AFTER_S = 0.05

#: How often the query process checks its busy lanes, and how long past a query's time limit it
#: waits for the worker to kill it before ending itself.
_WATCH_EVERY_S = 0.1
_OVERRUN_GRACE_S = 1.0

#: The formats :meth:`ProcessExecutor.query` reads answers back from: SPARQL TSV for SELECT (lossless,
#: and the quickest of them to write and read), JSON for ASK (TSV has no boolean), N-Triples for graphs.
_READ_BACK = "text/tab-separated-values, application/sparql-results+json;q=0.9, application/n-triples"

#: A lookup (:mod:`gcm_kg.sparql.bounded`) over at most this many quads runs in the web worker's own
#: thread instead of the query process: ≈ 1 ms of work at most, so a time limit has nothing to
#: stop, and the round trip it saves costs more than the lookup itself.
IN_THREAD_QUADS = 1_000

#: The default memory budget of queries: 1 GiB, or a quarter of the machine's memory (or of the
#: cgroup limit the service runs under) where that is less.
DEFAULT_MEMORY_CAP = 1 << 30
DEFAULT_MEMORY_SHARE = 0.25

#: How long the supervisor keeps the fatal-signal report of a query process that ended: a worker
#: reads it when its lane ends, and on a loaded machine it may only get there after the next
#: process has ended too (a re-run query can abort it within a second).
_REPORTS_KEPT_S = 120.0

#: The most of a report read: faulthandler dumps every thread (at most 100), ~1 KB each, and the
#: aborting thread's line can come after all of them.
_REPORT_READ_LIMIT = 1 << 20

#: With ``--store``, RocksDB's block caches fill as queries read and stay filled: oxigraph gives the
#: column families RocksDB's default 32 MiB block cache and its point-lookup one 128 MiB
#: (``optimize_for_point_lookup(128)``). They count as held at rest, not against the budget.
ROCKSDB_CACHES = 160 << 20


def _prctl(option: int, arg: int | bytes) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, arg, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _malloc_trim():
    """glibc's ``malloc_trim`` (None elsewhere)."""
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def describe_size(size: int) -> str:
    """``size`` bytes the way an operator writes them: ``1 GiB``, ``256 MiB``, ``1.5 GiB``."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 1 << shift:
            return f"{round(size / (1 << shift), 2):g} {unit}"
    return f"{size} bytes"


def _cgroup_memory_limit() -> int | None:
    """The cgroup v2 ``memory.max`` this process runs under (None: no limit, or not cgroup v2)."""
    try:
        group = Path("/proc/self/cgroup").read_text().splitlines()[0].split("::", 1)[1]
        limit = (Path("/sys/fs/cgroup") / group.lstrip("/") / "memory.max").read_text().strip()
        return None if limit == "max" else int(limit)
    except (OSError, IndexError, ValueError):
        return None


def default_memory_budget() -> int:
    """:data:`DEFAULT_MEMORY_CAP`, or :data:`DEFAULT_MEMORY_SHARE` of this machine's memory (or of
    its cgroup limit) where that is less."""
    machine = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    cgroup = _cgroup_memory_limit()
    if cgroup is not None:
        machine = min(machine, cgroup)
    return min(DEFAULT_MEMORY_CAP, int(machine * DEFAULT_MEMORY_SHARE))


def prepare_to_fork() -> None:
    """Make what this process holds cheap to share with the children it is about to fork.

    Called in the gunicorn master once the store is built, before the query process and the
    workers fork, and in each worker. Freed heap (e.g. the garbage of parsing the data) goes back
    to the system instead of being inherited, and the objects built so far move to the garbage
    collector's permanent generation (``gc.freeze``), so a child's collections do not write to —
    and so copy — the pages it shares with its parent.
    """
    gc.collect()
    gc.freeze()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _encode(message) -> bytes:
    """A lane message as bytes: ``marshal`` for plain data (strings, numbers, bytes, tuples, dicts —
    every query and every reply), ``pickle`` only when it carries pyoxigraph terms (substitutions)."""
    try:
        return b"m" + marshal.dumps(message)
    except ValueError:
        return b"p" + pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)


def _decode(data: bytes):
    return marshal.loads(data[1:]) if data[:1] == b"m" else pickle.loads(data[1:])


# -- the query process -----------------------------------------------------------------------------
def _data_bytes() -> int | None:
    """This process's ``VmData`` (what ``RLIMIT_DATA`` is compared with), or None off Linux."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmData:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _lane_stack_bytes() -> int:
    """The stack each lane thread gets: what glibc gives a thread by default (``RLIMIT_STACK``, 8 MiB
    when unlimited), set explicitly so the limit can make room for it."""
    soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    return soft if soft != resource.RLIM_INFINITY and soft >= 1 << 20 else 8 << 20


class _MemoryLimit:
    """In the query process: the operating system's cap on what its queries may allocate.

    ``RLIMIT_DATA`` = data held at rest (measured once the store is there) + ``budget`` + one stack
    per lane thread (at most as many as were ever open at once). ``RLIMIT_DATA`` rather than
    ``RLIMIT_AS``: since Linux 4.7 it counts the process's private writable memory (heap, anonymous
    ``mmap``s, thread stacks) — what queries really allocate — whereas ``RLIMIT_AS`` also counts
    address space only reserved, which is large and unrelated to the queries: glibc reserves 64 MiB
    of ``PROT_NONE`` address space per malloc arena (one per lane thread), and shared libraries and
    RocksDB's files are mapped too. One limit for the process covers every lane: concurrent queries
    share the budget. ``budget=None`` sets no limit.

    What it does not see: memory glibc keeps mapped after a large query (returned with
    ``madvise``, so no longer resident) still counts, so after large queries the room left can be
    somewhat less than the budget, never more.
    """

    def __init__(self, budget: int | None, at_rest_extra: int = 0):
        self.budget = budget
        self._lock = threading.Lock()
        self._lanes = self._most_lanes = 0
        self._stack = _lane_stack_bytes()
        threading.stack_size(self._stack)
        self._rest = _data_bytes()
        if self._rest is not None:
            self._rest += at_rest_extra
        self._apply()

    def lane_opening(self) -> None:
        """Call before starting a lane thread: its stack needs room under the limit first."""
        with self._lock:
            self._lanes += 1
            if self._lanes > self._most_lanes:
                self._most_lanes = self._lanes
                self._apply()

    def lane_closed(self) -> None:
        with self._lock:
            self._lanes -= 1  # (glibc keeps the stacks of ended threads for reuse: no lowering)

    def _apply(self) -> None:
        if self.budget is None or self._rest is None:
            return
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        soft = self._rest + self.budget + self._most_lanes * self._stack
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _report_path(directory: str, pid: int) -> str:
    """Where query process ``pid`` writes what ended it, if a fatal signal did (:mod:`faulthandler`)."""
    return os.path.join(directory, f"{pid}.fatal")


class _Watchdog:
    """In the query process: ends it when a busy lane's worker hung up, or its query overran."""

    def __init__(self):
        self._lock = threading.Lock()
        self._busy: dict[int, float | None] = {}  # lane fd -> deadline (monotonic; None: no limit)
        threading.Thread(target=self._run, name="gcm-kg-query-watchdog", daemon=True).start()

    def started(self, fd: int, limit: float | None) -> None:
        with self._lock:
            self._busy[fd] = None if limit is None else time.monotonic() + limit + _OVERRUN_GRACE_S

    def finished(self, fd: int) -> None:
        with self._lock:
            self._busy.pop(fd, None)

    def _run(self) -> None:
        while True:
            time.sleep(_WATCH_EVERY_S)
            with self._lock:
                busy = list(self._busy.items())
            if not busy:
                continue
            now = time.monotonic()
            if any(deadline is not None and now > deadline for _, deadline in busy):
                os._exit(3)  # the worker should have killed us: do it ourselves
            poller = select.poll()
            for fd, _ in busy:  # a worker only waits while its query runs: any event is a hang-up
                poller.register(fd, select.POLLRDHUP | select.POLLHUP | select.POLLERR)
            hung_up = {fd for fd, _ in poller.poll(0)}
            if hung_up:
                with self._lock:  # (a query that ended meanwhile may have been closed normally)
                    if hung_up & self._busy.keys():
                        os._exit(4)  # nobody is waiting for that query any more


def _query_process_main(listener: socket.socket, template: EmbeddedStore | None, path: Path | None,
                        max_rows: int | None, memory_budget: int | None, directory: str, *,
                        supervisor: int) -> None:
    """The query process: accept lanes, answer each in a thread of its own, until it is killed."""
    _prctl(1, signal.SIGKILL)          # PR_SET_PDEATHSIG: die with the supervisor (the master)
    if os.getppid() != supervisor:     # it died before prctl took effect
        os._exit(0)
    _prctl(15, PROCESS_NAME.encode())  # PR_SET_NAME
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP, signal.SIGUSR1,
                signal.SIGUSR2, signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)  # forget gunicorn's handlers
    # A fatal signal (SIGABRT from a failed allocation, SIGSEGV) is written down, with the thread it
    # hit, before the process ends: its workers read which lane's query it was (aborted_by).
    report = open(_report_path(directory, os.getpid()), "w")
    faulthandler.enable(file=report, all_threads=True)
    try:
        store = template if template is not None else EmbeddedStore.open_read_only(path)
    except Exception as error:  # reported on every request
        store, open_error = None, f"cannot open the store: {error}"
    else:
        open_error = None
    watchdog = _Watchdog()
    memory = _MemoryLimit(memory_budget, ROCKSDB_CACHES if path is not None else 0)
    while True:
        sock, _ = listener.accept()
        memory.lane_opening()
        try:
            threading.Thread(target=_open_lane, args=(sock, store, open_error, max_rows, watchdog, memory),
                             daemon=True).start()
        except (RuntimeError, MemoryError):  # no room for another thread: the worker sees the lane end
            memory.lane_closed()
            sock.close()


def _open_lane(sock: socket.socket, store: EmbeddedStore | None, open_error: str | None,
               max_rows: int | None, watchdog: _Watchdog, memory: _MemoryLimit) -> None:
    """A lane's thread: greet the worker with this process's pid and this thread's id (named by the
    fatal-signal report, see :meth:`_QueryService.aborted_by`), then serve the lane."""
    conn = Connection(sock.detach())
    try:
        conn.send_bytes(_encode(("hello", os.getpid(), threading.get_ident())))
    except (EOFError, OSError):
        conn.close()
    else:
        _serve_lane(conn, store, open_error, max_rows, watchdog)
    finally:
        memory.lane_closed()


def _serve_lane(conn: Connection, store: EmbeddedStore | None, open_error: str | None,
                max_rows: int | None, watchdog: _Watchdog) -> None:
    """Answer one lane's requests in order, until its worker closes it."""
    trim = _malloc_trim()
    while True:
        try:
            message = _decode(conn.recv_bytes())
        except (EOFError, OSError):
            break
        started = time.perf_counter()
        if store is None:
            reply = ("QueryExecutionError", open_error)
        else:
            reply = _answer(store, message, max_rows, watchdog, conn.fileno())
        try:
            conn.send_bytes(_encode(reply))
        except (EOFError, OSError):  # the worker went away while we answered
            break
        if trim is not None and time.perf_counter() - started > _TRIM_AFTER_S:
            trim(0)  # after the answer is sent: give the query's freed working memory back
    conn.close()


def _answer(store: EmbeddedStore, message, max_rows: int | None, watchdog: _Watchdog, fd: int) -> tuple:
    """The reply to one lane message; never raises (the worker must not be left waiting)."""
    kind, args = message
    try:
        if kind == "execute":
            query, accept, media_type, dgu, ngu, base_iri, substitutions, limit = args
            watchdog.started(fd, limit)
            try:
                output = execute_on(store, query, accept=accept, media_type=media_type,
                                    dataset=Dataset(dgu, ngu), base_iri=base_iri,
                                    substitutions=substitutions, max_rows=max_rows)
            finally:
                watchdog.finished(fd)
            return ("ok", output.form, output.media_type, output.body, output.truncated, output.row_limit)
        if kind == "counts":
            counts = store.counts()
            return ("ok", counts.triples, counts.graphs)
        return ("QueryExecutionError", f"unknown request {kind!r}")
    except NotAcceptable as error:
        return ("NotAcceptable", error.form, error.offered)
    except MemoryError:  # Python's own allocation failed under the budget (the engine's aborts)
        return ("QueryMemoryExceeded", "")
    except QueryError as error:
        return (type(error).__name__, str(error))
    except Exception as error:  # noqa: BLE001
        return ("QueryExecutionError", f"{type(error).__name__}: {error}")


class _QueryService:
    """The listening socket and the supervisor thread that keeps one query process running.

    Lives in the process that created it (the gunicorn master); the socket's directory is private
    to the user running the service (mode 0700). The supervisor forks the query process, waits for
    it to end (a ``pidfd``: gunicorn's master may reap the child before we can) and forks the next.
    The directory also holds each query process's fatal-signal report (see :meth:`aborted_by`).
    """

    def __init__(self, template: EmbeddedStore | None, path: Path | None, max_rows: int | None,
                 memory_budget: int | None):
        self.directory = tempfile.mkdtemp(prefix="gcm-kg-query-")
        self._args = (template, path, max_rows, memory_budget, self.directory)
        self.memory_budget = memory_budget
        self.address = os.path.join(self.directory, "lanes.sock")
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(self.address)
        self._listener.listen(128)
        self.owner = os.getpid()
        self.pid: int | None = None
        self._ended: list[tuple[float, int]] = []  # (monotonic time, pid) of ended query processes
        self._stopping = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._supervise, name="gcm-kg-query-supervisor", daemon=True)
        self._thread.start()
        self._ready.wait(30)

    def _supervise(self) -> None:
        quick_deaths = 0
        while not self._stopping.is_set():
            born = time.monotonic()
            pid = os.fork()
            if pid == 0:  # the query process
                try:
                    _query_process_main(self._listener, *self._args, supervisor=self.owner)
                finally:
                    os._exit(0)
            self.pid = pid
            self._ready.set()
            self._wait_for_end(pid)
            if self._stopping.is_set():
                return
            self._log_fatal_end(pid)
            # A process that keeps dying at once (e.g. it cannot run at all) is not forked in a
            # tight loop; queries meanwhile wait, within their own time limits.
            quick_deaths = quick_deaths + 1 if time.monotonic() - born < 1 else 0
            if quick_deaths > 3:
                time.sleep(min(1.0, 0.05 * quick_deaths))

    def aborted_by(self, pid: int) -> int | None:
        """How query process ``pid`` ended, as far as a worker can tell after its lane ended.

        The thread id (``threading.get_ident()`` in that process) that aborted it — an allocation
        past the memory budget failed in that thread, and Rust or C++ aborted (SIGABRT) — or 0 when
        it aborted but the report names no thread; None when it did not abort: it was killed
        (SIGKILL: a time limit, or the kernel), crashed otherwise (SIGSEGV), or exited. Read from the
        report :mod:`faulthandler` wrote before the process ended (see :func:`read_fatal_report`).
        Other aborts (glibc's heap checks, a panic while panicking) look the same: in this process
        they are far rarer than a failed allocation.
        """
        try:
            with open(_report_path(self.directory, pid)) as report:
                text = report.read(_REPORT_READ_LIMIT)
        except OSError:
            return None
        return read_fatal_report(text)

    def _log_fatal_end(self, pid: int) -> None:
        """Say in the service log why query process ``pid`` ended, if a fatal signal ended it, and
        remove the reports of processes that ended more than :data:`_REPORTS_KEPT_S` ago."""
        try:
            with open(_report_path(self.directory, pid)) as report:
                first_line = report.readline().strip()
        except OSError:
            first_line = ""
        if self.aborted_by(pid) is not None and self.memory_budget is not None:
            print(f"gcm-kg: the query process (pid {pid}) aborted: its queries reached the "
                  f"{describe_size(self.memory_budget)} memory budget; starting a fresh one",
                  file=sys.stderr, flush=True)
        elif first_line:
            print(f"gcm-kg: the query process (pid {pid}) ended: {first_line}; starting a fresh one",
                  file=sys.stderr, flush=True)
        # Not the reports of the processes just before: a worker whose lane to one of them ended
        # may not have read it yet (it was descheduled while a re-run query ended the next one).
        now = time.monotonic()
        self._ended.append((now, pid))
        while self._ended and now - self._ended[0][0] > _REPORTS_KEPT_S:
            _, old = self._ended.pop(0)
            try:
                os.unlink(_report_path(self.directory, old))
            except OSError:
                pass

    @staticmethod
    def _wait_for_end(pid: int) -> None:
        try:
            pidfd = os.pidfd_open(pid)
        except (AttributeError, OSError):
            pidfd = None
        if pidfd is not None:
            try:
                select.select([pidfd], [], [])
            finally:
                os.close(pidfd)
        else:  # no pidfd (old kernel): poll for the process's end
            while True:
                try:
                    if os.waitpid(pid, os.WNOHANG)[0]:
                        return
                except ChildProcessError:  # reaped by someone else (gunicorn's master)
                    return
                time.sleep(0.05)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass

    def close(self) -> None:
        """Stop supervising, end the query process and remove the socket (owner process only)."""
        self._stopping.set()
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._thread.join(5)
        self._listener.close()
        shutil.rmtree(self.directory, ignore_errors=True)


def read_fatal_report(text: str) -> int | None:
    """What a query process's :mod:`faulthandler` report says: the id of the thread whose abort
    (SIGABRT) ended the process, 0 for an abort that names no thread, None for no abort.

    The report is written by the aborting thread before the process ends; with all threads dumped,
    that thread's ``Current thread 0x…`` line comes after the threads started after it, however
    long their part. Two threads aborting at once (concurrent queries reach the shared budget
    together) can interleave the header — ``faulthandler`` writes it in pieces — and the second
    abort ends the process while the first is still writing: the abort shows, the thread may not.
    """
    if not re.match(r"(?:Fatal Python error: )+Aborted", text):
        return None
    thread = re.search(r"^Current thread 0x([0-9a-f]+)", text, re.MULTILINE)
    return int(thread.group(1), 16) if thread else 0


# -- the worker's side ------------------------------------------------------------------------------
class _Lane:
    """A worker's connection to the query process: one query at a time travels on it."""

    def __init__(self, conn: Connection, pid: int, thread: int):
        self.conn, self.pid, self.thread = conn, pid, thread  # thread: its thread in the query process
        self.poller = select.poll()  # one poll object per lane: no selector built per query
        self.poller.register(conn.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)

    def wait(self, seconds: float | None) -> bool:
        """True when the answer (or the lane's end) is readable within ``seconds`` (None: no limit)."""
        if seconds is None:
            return bool(self.poller.poll())
        deadline = time.monotonic() + seconds
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            if self.poller.poll(max(1, int(remaining * 1000 + 0.999))):
                return True

    def ended(self) -> bool:
        """An idle lane with something to read has ended (its process died or was replaced)."""
        return bool(self.poller.poll(0))

    def close(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass


def _connect(address: str, seconds: float | None) -> _Lane:
    """A new lane, once the query process has greeted it (it may be being replaced: then the
    connection waits in the socket's backlog for the fresh one)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(seconds if seconds is None else max(0.001, seconds))
        sock.connect(address)
        sock.settimeout(None)
    except OSError:
        sock.close()
        raise
    conn = Connection(sock.detach())
    lane = _Lane(conn, pid=0, thread=0)
    if not lane.wait(seconds):
        lane.close()
        raise TimeoutError("the query process did not answer")
    try:
        kind, lane.pid, lane.thread = _decode(conn.recv_bytes())
    except (EOFError, OSError):
        lane.close()
        raise
    return lane


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@dataclass
class ExecutorStats:
    """What this executor did, counted in this process.

    ``listener``, when set, is called with the field's name on each event, after the count: the
    app's metrics (:mod:`gcm_kg.web.views.ops`) set it to feed Prometheus counters, which — unlike
    these plain numbers — add up over all gunicorn workers.
    """

    queries: int = 0
    in_thread: int = 0      # of which answered in the calling thread (bounded lookups)
    timeouts: int = 0       # queries stopped at their time limit
    crashes: int = 0        # queries whose process ended under them (a crash, or another query's limit)
    respawns: int = 0       # query processes this process killed at a time limit
    memory_exceeded: int = 0  # queries stopped at the memory budget
    listener: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def count(self, event: str) -> None:
        setattr(self, event, getattr(self, event) + 1)
        if self.listener is not None:
            self.listener(event)


class ProcessExecutor:
    """A :class:`~gcm_kg.store.embedded.GraphStore` whose queries run in a killable query process.

    Give either ``template`` (an in-memory :class:`EmbeddedStore` the query process inherits
    through ``fork``) or ``path`` (an on-disk store it opens read-only). ``timeout`` is the default
    time limit in seconds; ``max_rows`` caps SELECT results; ``memory_budget`` is what the queries
    running at once may allocate together, in bytes, on top of what the query process holds at rest
    (None: no limit); ``concurrency`` is the most queries one web worker runs at once (use its
    thread count). Call :meth:`start` in the process that should
    supervise the query process (the gunicorn master, before it forks workers); otherwise the first
    query starts it in the process that created the executor.
    """

    def __init__(self, template: EmbeddedStore | None = None, *, path: Path | None = None,
                 timeout: float | None = 30.0, max_rows: int | None = 10_000,
                 memory_budget: int | None = None, concurrency: int = 1):
        if (template is None) == (path is None):
            raise ValueError("give exactly one of template= or path=")
        self.template, self.path = template, Path(path) if path is not None else None
        self.timeout, self.max_rows, self.concurrency = timeout, max_rows, max(1, concurrency)
        self.memory_budget = memory_budget
        self.stats = ExecutorStats()
        self._counts: StoreCounts | None = None
        self._fingerprint: str | None = None
        self._owner = os.getpid()
        self._service: _QueryService | None = None
        self._start_lock = threading.Lock()
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
        executor._fingerprint = probe.fingerprint()
        del probe
        return executor

    # -- the query process and the lanes ----------------------------------------------------------
    def start(self) -> None:
        """Start the query process and its supervisor in this process (once; the creator only)."""
        with self._start_lock:
            if self._service is None:
                if os.getpid() != self._owner:
                    raise QueryExecutionError("the query process was not started before the workers forked")
                self._service = _QueryService(self.template, self.path, self.max_rows, self.memory_budget)

    @property
    def query_process_pid(self) -> int | None:
        """The current query process (as the supervisor last forked it; None before :meth:`start`)."""
        return self._service.pid if self._service is not None else None

    def _reset(self) -> None:
        """No lanes yet; also after a fork (a gunicorn worker must not share its master's lanes)."""
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self._idle: list[_Lane] = []
        self._direct: EmbeddedStore | None | bool = None  # see _direct_store (False: cannot open)

    def _check_pid(self) -> None:
        if self._pid != os.getpid():
            self._reset()

    def _take_lane(self, deadline: float | None) -> _Lane:
        """An idle lane to the live query process, or a new one."""
        with self._lock:
            while self._idle:
                lane = self._idle.pop()
                if not lane.ended():
                    return lane
                lane.close()
        if self._service is None:
            self.start()
        return _connect(self._service.address, None if deadline is None else deadline - time.monotonic())

    def _give_back(self, lane: _Lane) -> None:
        with self._lock:
            self._idle.append(lane)

    def _drop(self, pid: int) -> None:
        """Forget the idle lanes to query process ``pid`` (it is gone)."""
        with self._lock:
            gone = [lane for lane in self._idle if lane.pid == pid]
            self._idle = [lane for lane in self._idle if lane.pid != pid]
        for lane in gone:
            lane.close()

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
        """Connect a first lane now (e.g. in gunicorn's ``post_worker_init``) instead of on first
        use, and open the store this process reads bounded lookups from."""
        self._check_pid()
        try:
            self._give_back(self._take_lane(time.monotonic() + 10))
        except (OSError, TimeoutError, EOFError, QueryError):
            pass  # the first query connects again, and reports what goes wrong
        self._direct_store()

    def close(self) -> None:
        """Close this process's lanes; in the process that started the query process, also end it."""
        self._check_pid()
        with self._lock:
            idle, self._idle = self._idle, []
            self._direct = None  # (an on-disk store this process opened closes when collected)
        for lane in idle:
            lane.close()
        if self._service is not None and os.getpid() == self._service.owner:
            self._service.close()
            self._service = None

    def _call(self, message, timeout: float | None):
        """Send ``message`` to the query process and return its reply, within the time limit.

        A query whose process ends under it — killed because *another* query on it ran out of
        time, aborted at the memory budget in another query's thread (or in a thread the report
        does not name), or crashed — is sent once more to the fresh process (queries are read-only,
        so running one twice is harmless) within what is left of its own time limit. A query whose
        own thread aborted at the budget is not: it gets :class:`QueryMemoryExceeded`, as does one
        whose process ended under it twice when either end was an abort.
        """
        self._check_pid()
        limit = timeout if timeout is not None else self.timeout
        kind, args = message
        data = _encode((kind, args + (limit,)) if kind == "execute" else message)
        self._slots.acquire()
        try:
            deadline = None if limit is None else time.monotonic() + limit
            ended_under_it, aborted_under_it, tries = 0, 0, 0
            while ended_under_it < 2 and tries < 2 + 2 * self.concurrency:  # (stale idle lanes are retried)
                tries += 1
                if deadline is not None and time.monotonic() >= deadline:
                    break
                try:
                    lane = self._take_lane(deadline)
                except (OSError, TimeoutError, EOFError):
                    if deadline is None:
                        raise QueryExecutionError("the query process cannot be reached") from None
                    break  # (it did not greet us within the time limit)
                try:
                    lane.conn.send_bytes(data)
                except (OSError, ValueError):  # it ended while the lane was idle: not this query's run
                    lane.close()
                    self._drop(lane.pid)
                    continue
                if not lane.wait(None if deadline is None else deadline - time.monotonic()):
                    _kill(lane.pid)  # the only way to stop a query; the supervisor forks the next
                    self.stats.count("respawns")
                    lane.close()
                    self._drop(lane.pid)
                    break
                try:
                    reply = _decode(lane.conn.recv_bytes())
                except Exception:  # EOF, or anything else that leaves this lane unusable
                    lane.close()
                    self._drop(lane.pid)
                    aborted_by = self._service.aborted_by(lane.pid)
                    if aborted_by == lane.thread:  # this query's allocation failed at the budget
                        raise self._memory_exceeded() from None
                    self.stats.count("crashes")
                    ended_under_it += 1
                    aborted_under_it += aborted_by is not None
                    continue
                self._give_back(lane)
                return reply
            else:
                if aborted_under_it:  # the budget left it no room (its own allocations may be why)
                    raise self._memory_exceeded()
                raise QueryExecutionError("the query engine process ended while running this query "
                                          "(the query is probably too large or too deeply nested)")
            self.stats.count("timeouts")
            raise QueryTimeout(f"the query ran longer than the {limit:g} s time limit and was stopped; "
                               f"make it more selective (or add a LIMIT) and try again")
        finally:
            self._slots.release()

    def _memory_exceeded(self) -> QueryMemoryExceeded:
        self.stats.count("memory_exceeded")
        budget = describe_size(self.memory_budget) if self.memory_budget is not None else "available"
        return QueryMemoryExceeded(f"the query needed more than the {budget} of memory that the queries "
                                   f"running at once may use, and was stopped; make it more selective "
                                   f"(fewer rows to join, sort or group) and try again")

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
        if status == "QueryMemoryExceeded":
            raise self._memory_exceeded()
        raise _ERRORS.get(status, QueryExecutionError)(reply[1])

    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None, timeout: float | None = None):
        """Run ``query`` and return pyoxigraph results: SELECT/ASK as :class:`pyoxigraph.QuerySolutions`
        / ``QueryBoolean``, CONSTRUCT/DESCRIBE as a list of triples.

        A bounded lookup (see :meth:`execute`) within the row cap is run in this thread and its
        result returned as it is; any other query runs in the query process, and its answer
        (SPARQL TSV, JSON for ASK, N-Triples) is read back here. Raises ``SyntaxError`` on bad
        syntax like :meth:`EmbeddedStore.query`, and :class:`QueryTimeout` past the time limit.
        """
        direct = self._direct_store()
        if direct is not None:
            within_cap = IN_THREAD_QUADS if self.max_rows is None else min(IN_THREAD_QUADS, self.max_rows)
            result = direct.query_if_bounded(query, within_cap, dataset=dataset, base_iri=base_iri,
                                             substitutions=substitutions)
            if result is not None:
                self.stats.count("queries")
                self.stats.count("in_thread")
                return result if isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)) else list(result)
        try:
            output = self.execute(query, accept=_READ_BACK, dataset=dataset, base_iri=base_iri,
                                  substitutions=substitutions, timeout=timeout)
        except QuerySyntaxError as error:
            raise SyntaxError(str(error)) from None
        if output.form == "GRAPH":
            return [quad.triple for quad in ox.parse(output.body, format=ox.RdfFormat.N_TRIPLES)]
        return ox.parse_query_results(output.body, format=ox.QueryResultsFormat.from_media_type(output.media_type))

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

    def fingerprint(self) -> str | None:
        """The store's (:meth:`EmbeddedStore.fingerprint`); computed in this process, no query process call."""
        if self.template is not None:
            return self.template.fingerprint()
        if self._fingerprint is None:
            self._fingerprint = store_fingerprint.on_disk(self.path)
        return self._fingerprint

