"""gcm_kg.cli.gthread_worker: a worker stops taking new connections while its threads are all busy.

The behaviour end to end (a quick request answered by another worker while long queries hold one)
is tested on a real ``gcm-kg serve`` in tests/reliability/test_runaway_queries.py; here, the count
the worker keeps and the limit gthread's run loop reads from it."""

from __future__ import annotations

from types import SimpleNamespace

from gunicorn.workers.gthread import ThreadWorker

from gcm_kg.cli import serve
from gcm_kg.cli.gthread_worker import FreeThreadWorker


def _worker(monkeypatch, threads=2, connections=1000):
    calls = []
    monkeypatch.setattr(ThreadWorker, "enqueue_req", lambda self, conn: calls.append(("enqueue", conn)))
    monkeypatch.setattr(ThreadWorker, "finish_request", lambda self, conn, fs: calls.append(("finish", conn)))
    worker = object.__new__(FreeThreadWorker)  # gunicorn's __init__ wants a live arbiter
    worker._busy = 0
    worker.cfg = SimpleNamespace(threads=threads)
    worker.worker_connections = connections
    return worker, calls


def test_the_limit_is_the_configured_one_while_a_thread_is_free_and_zero_when_none_is(monkeypatch):
    worker, calls = _worker(monkeypatch)
    assert worker.worker_connections == 1000
    worker.enqueue_req("a")
    assert worker.worker_connections == 1000          # one of two threads busy
    worker.enqueue_req("b")
    assert worker.worker_connections == 0             # both busy: gthread stops polling the listener
    worker.enqueue_req("c")                           # a kept-alive client's next request still queues
    worker.finish_request("a", None)
    assert worker.worker_connections == 0             # b and c still hold both threads
    worker.finish_request("b", None)
    assert worker.worker_connections == 1000          # a thread is free: accept again
    assert calls == [("enqueue", "a"), ("enqueue", "b"), ("enqueue", "c"), ("finish", "a"), ("finish", "b")]


def test_serve_runs_this_worker():
    options = serve.gunicorn_options(SimpleNamespace(timeout=1), "127.0.0.1", 0, 2)
    assert options["worker_class"] == "gcm_kg.cli.gthread_worker.FreeThreadWorker"
    assert options["threads"] == serve.THREADS
