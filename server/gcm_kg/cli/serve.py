"""``gcm-kg serve``: the Flask app under gunicorn, with queries in killable child processes.

Process model (measured on 2 cores; see the README):

* Flask request handling holds the GIL, and a second thread over one in-memory store gains only
  ×1.2–1.6, so throughput comes from **worker processes** (default: one per core), each with a
  couple of threads (gunicorn ``gthread``: keep-alive, and one request's HTTP work overlaps
  another's query). A worker whose threads are all busy takes no new connection, so the kernel
  hands it to another worker (:class:`~gcm_kg.cli.gthread_worker.FreeThreadWorker`).
* Queries do not run in the web worker: pyoxigraph cannot cancel a query, so the workers send
  them to one *query process* that any of them kills at a query's time limit
  (:class:`~gcm_kg.store.executor.ProcessExecutor`: a child of the master, kept running by a supervisor
  thread there, with a lane per worker thread). Its ``RLIMIT_DATA`` caps what the queries running
  at once allocate (``--query-memory``): one past it aborts the process, which is replaced.
* **In memory (default):** the shipped graph (and any extra files, parsed by pyoxigraph straight
  into the store) is loaded once, in the gunicorn master, before the query process and the
  workers fork (``preload_app``); they inherit it copy-on-write.
  The in-memory store is the fastest for joins, but a large graph costs ≈ 345 MB per million
  triples — fine for the GCM graph, not for big extra data.
* **On disk (``--store DIR``):** a store built by ``gcm-kg build`` is opened read-only by the
  query process and by each worker for its bounded lookups (the master only checks that it opens,
  and counts it). It costs little memory whatever its size, at the price of slower queries
  (measured at 100k: lookups ≈ 0.7×, joins 0.2–0.3× the in-memory store). Use it for large graphs.
* **Remote (``--endpoint URL``):** any SPARQL 1.1 Protocol endpoint answers the queries
  (:class:`~gcm_kg.store.remote.RemoteStore`); there are no query processes, the time limit is an
  HTTP deadline on the upstream request, and an upstream that is down gives 502s (not an exit).

A store that is missing, corrupt or cannot be opened ends ``serve`` with exit status 2 and a
message naming the path (raised as :class:`~gcm_kg.store.embedded.StoreOpenError`, printed by the CLI).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from gcm_kg.core.public_urls import PublicUrls
from gcm_kg.core.settings import Settings

#: Threads per worker (and so its lanes to the query process: queries it runs at once).
THREADS = 2


def _metrics_hooks():
    """Turn on prometheus_client's multi-process mode for gunicorn: (child_exit hook, its directory)."""
    from gcm_kg.web.views import ops as ops_views

    directory = tempfile.mkdtemp(prefix="gcm-kg-metrics-")
    ops_views.prepare_multiprocess_metrics(directory)
    return ops_views.child_exit, directory


def gunicorn_options(settings: Settings, host: str, port: int, workers: int) -> dict:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # gthread, but a worker whose threads are all busy leaves new connections to another
        # (gcm_kg/cli/gthread_worker.py): a quick request no longer waits behind long queries.
        "worker_class": "gcm_kg.cli.gthread_worker.FreeThreadWorker",
        "threads": THREADS,
        "preload_app": True,                 # build / check the store once, in the master
        # The heartbeat runs in the worker's main thread, not in the request threads, so a
        # long query does not get its worker killed; the query limit is the executor's job.
        "timeout": int(max(30, (settings.timeout or 0) + 30)),
        "graceful_timeout": int(min(max(5, settings.timeout or 0), 60)),
        "keepalive": 5,
        "limit_request_line": 8190,          # gunicorn's maximum; longer GET queries → use POST
        "limit_request_field_size": 8190,
        # Per-request access logging costs a measurable share of a trivial lookup; opt in with
        # GCM_KG_ACCESS_LOG=- (stdout) or a file path.
        "accesslog": os.environ.get("GCM_KG_ACCESS_LOG") or None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "gcm-kg",
        "control_socket_disable": True,      # gunicorn ≥ 24 would open a control socket in $HOME
        # gunicorn would take X-Forwarded-Proto (and a SCRIPT_NAME header) from any peer on
        # 127.0.0.1 by default; whether proxy headers count is --proxy-headers' decision alone
        # (Settings.proxy_headers → ProxyFix in create_app), so gunicorn trusts no peer's.
        "forwarded_allow_ips": "",
    }


def _exit_worker(code: int) -> None:
    """End a gunicorn worker now that it has closed its lanes to the query process (``worker_exit``).

    A worker is forked from a master that opened the on-disk store (to check it), so it inherits
    RocksDB's process-wide state without the background threads behind it; the C++ static
    destructors that run on a normal interpreter exit then fail to join those threads
    (``std::system_error: Invalid argument``) and abort the worker (gunicorn: "sent SIGABRT").
    Flushing the logs and leaving with ``os._exit`` skips those destructors; the only store the
    worker may hold is opened read-only (for bounded lookups), so there is nothing to flush.
    """
    import logging

    try:
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, workers: int | None = None) -> int:
    """Run the service under gunicorn until it is stopped; returns the exit status."""
    from gunicorn.app.base import BaseApplication

    from gcm_kg.store.factory import open_store
    from gcm_kg.web.app import create_app
    from gcm_kg.web.views.search import search_index
    from gcm_kg.store.executor import describe_size, prepare_to_fork
    from gcm_kg.sparql.model import QueryError

    workers = workers or os.cpu_count() or 1
    master_pid = os.getpid()  # gunicorn workers are forked inside run() and unwind through here too
    child_exit, metrics_dir = _metrics_hooks()
    executor = None
    try:
        executor = open_store(settings, killable=True, concurrency=THREADS)
        try:
            counts = executor.counts()
            holds = f"{counts.triples} triples in {len(counts.graphs)} graphs"
            cap_warning = getattr(executor, "row_cap_warning", lambda: None)()
            if cap_warning:  # an engine that would cut answers silently (RemoteStore.row_cap_warning)
                print(f"gcm-kg: warning: {cap_warning}", file=sys.stderr, flush=True)
        except QueryError as error:  # a remote endpoint that is down: serve anyway, /ready says so
            if not settings.endpoint:
                raise
            holds = f"not answering yet: {error}"
        app = create_app(settings, executor)
        prepare_to_fork()
        if hasattr(executor, "start"):  # the query process, supervised from here (the master)
            executor.start()
        where = settings.endpoint or (str(settings.store_path) if settings.store_path else "in memory")
        public = f" (public: {PublicUrls(settings.public_url).endpoint})" if settings.public_url else ""
        budget = getattr(executor, "memory_budget", None)
        memory = f", query memory {describe_size(budget)}" if budget is not None else ""
        print(f"gcm-kg: {holds} ({where}); "
              f"serving http://{host}:{port}/sparql{public} with {workers} worker(s) x {THREADS} threads, "
              f"query time limit {settings.timeout:g} s{memory}, row cap {settings.max_rows}",
              file=sys.stderr, flush=True)

        def post_worker_init(worker):
            prepare_to_fork()
            executor.warm_up()
            search_index(app).start()  # each worker builds its own, in the background

        def worker_exit(server, worker):
            executor.close()

        class Service(BaseApplication):
            def load_config(self):
                for key, value in gunicorn_options(settings, host, port, workers).items():
                    if key in self.cfg.settings:  # skip settings this gunicorn does not know
                        self.cfg.set(key, value)
                self.cfg.set("post_worker_init", post_worker_init)
                self.cfg.set("worker_exit", worker_exit)
                self.cfg.set("child_exit", child_exit)

            def load(self):
                return app

        try:
            Service().run()
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        else:
            code = 0
        if os.getpid() != master_pid:
            _exit_worker(code)
        return code
    finally:
        if os.getpid() == master_pid:
            shutil.rmtree(metrics_dir, ignore_errors=True)
            if executor is not None:
                executor.close()  # ends the query process and removes its socket
