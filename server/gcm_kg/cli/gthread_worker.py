"""gunicorn's ``gthread`` worker, made to leave new connections to a worker with a free thread.

A ``gthread`` worker accepts connections as long as it holds fewer than ``worker_connections``
(1000), even when every one of its request threads is busy: a connection it accepts then waits in
its thread pool until one of them finishes — up to the query time limit when they run long queries
— while another worker has threads idle. The kernel hands a connection to whichever worker polls
the shared listening socket first, so with two long queries on one worker a quick request could
wait behind them (tests/reliability/test_runaway_queries.py caught it in one run in four to ten).

This worker stops polling the listener while all its request threads are busy, so the connection
goes to a worker that can answer it now; it takes connections again as soon as a thread is free.
Connections it already holds (kept alive) are served as before. The count of busy threads is kept
on the worker's main thread only: requests are queued (``enqueue_req``) and finished
(``finish_request``) there, so no lock is needed.
"""

from __future__ import annotations

from gunicorn.workers.gthread import ThreadWorker


class FreeThreadWorker(ThreadWorker):
    """A ``gthread`` worker that accepts a new connection only while one of its threads is free."""

    def __init__(self, *args, **kwargs):
        self._busy = 0          # requests queued or running in the thread pool
        self._connections = 0   # the configured worker_connections
        super().__init__(*args, **kwargs)

    # gthread's run loop accepts while ``nr_conns < worker_connections``: with every thread busy
    # the limit reads 0, so the loop stops polling the listener until a request finishes.
    @property
    def worker_connections(self) -> int:
        return self._connections if self._busy < self.cfg.threads else 0

    @worker_connections.setter
    def worker_connections(self, value: int) -> None:
        self._connections = value

    def enqueue_req(self, conn):
        self._busy += 1
        super().enqueue_req(conn)

    def finish_request(self, conn, fs):
        self._busy -= 1
        super().finish_request(conn, fs)
