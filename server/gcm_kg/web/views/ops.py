"""Operations: liveness, readiness, Prometheus metrics and CORS for every response.

* ``GET /health`` — liveness: ``200 {"status": "ok"}`` while the process serves requests.
* ``GET /ready`` — readiness: ``200`` once the store answers ``ASK {}`` and its triple counts are
  known, else ``503`` (``application/problem+json``, with ``Retry-After``).
* ``GET /metrics`` — Prometheus text exposition format 0.0.4 (OpenMetrics when the scraper asks
  for it): requests by route, method and status, a latency histogram, errors (4xx/5xx), query
  timeouts (``503`` from ``/sparql``), what the query executor did (queries, of which answered in
  the web worker, time limits reached, queries whose process ended under them, query processes
  killed at a time limit, queries stopped at the memory budget) and the store's triple counts.

Several worker processes (gunicorn) aggregate through ``prometheus_client``'s multi-process
mode: call :func:`prepare_multiprocess_metrics` once in the parent *before* the app is created
(it empties the directory and sets ``PROMETHEUS_MULTIPROC_DIR``), and install
:func:`child_exit` as gunicorn's ``child_exit`` server hook. ``/metrics`` then sums over all
workers, whichever worker answers the scrape.

Per-request cost is two dictionary look-ups, one counter increment and one histogram observation
(label children are cached per route/method/status).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from flask import Flask, Response, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder

from gcm_kg.core.errors import Refusal
from gcm_kg.web.context import request_accept
from gcm_kg.web.views.search import search_index
from gcm_kg.web.cors import CorsPolicy, apply_cors, is_preflight, preflight_headers

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
_T0 = "gcm_kg.t0"
_PREFLIGHT = "gcm_kg.preflight"
_NO_STORE = {"Cache-Control": "no-store"}
READY_TIMEOUT = 5.0  # seconds: a store that cannot answer ASK {} in this time is not ready


# -- multi-process metrics (gunicorn) ------------------------------------------------------------
def prepare_multiprocess_metrics(directory: str | os.PathLike) -> Path:
    """Switch ``prometheus_client`` to multi-process mode, writing to a fresh ``directory``.

    Call it once in the parent process before any app is created (e.g. in the ``serve`` command
    before starting gunicorn, or in gunicorn's ``on_starting`` hook). Stale ``*.db`` files of an
    earlier run are removed, since they would otherwise be summed into the new counts.
    """
    path = Path(directory)
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(path)
    from prometheus_client import values

    values.ValueClass = values.get_value_class()  # metrics created from now on use mmap files
    return path


def child_exit(server, worker) -> None:
    """gunicorn ``child_exit`` hook: retire a dead worker's live gauges (counters are kept)."""
    if os.environ.get(MULTIPROC_ENV):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def multiprocess_enabled() -> bool:
    return bool(os.environ.get(MULTIPROC_ENV))


# -- metrics -------------------------------------------------------------------------------------
#: The query executor's events (``ExecutorStats`` fields) and the counters they feed.
_EXECUTOR_COUNTERS = {
    "queries": ("gcm_kg_queries", "Queries the executor ran, from every route (SPARQL, API, linked data, pages)."),
    "in_thread": ("gcm_kg_queries_in_worker",
                  "Of gcm_kg_queries, bounded lookups answered in the web worker's own thread."),
    "timeouts": ("gcm_kg_query_timeouts", "Queries stopped at their time limit, from every route."),
    "crashes": ("gcm_kg_query_process_crashes",
                "Queries whose query process ended under them (a crash, or killed for another query's "
                "time limit); each is run once more."),
    "respawns": ("gcm_kg_query_process_restarts",
                 "Query processes killed at a query's time limit (the next one is forked at once)."),
    "memory_exceeded": ("gcm_kg_query_memory_exceeded",
                        "Queries stopped at the memory budget of the queries running at once, from every "
                        "route (their query process aborted and is replaced)."),
}


class HttpMetrics:
    """The request metrics of one app, in their own registry (apps in one process don't clash)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("gcm_kg_http_requests", "HTTP requests answered, by route, method and status.",
                                ["route", "method", "status"], registry=self.registry)
        self.latency = Histogram("gcm_kg_http_request_duration_seconds",
                                 "Time from request to response headers, by route and method.",
                                 ["route", "method"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.errors = Counter("gcm_kg_http_errors", "Error responses (4xx and 5xx), by route, method and status.",
                              ["route", "method", "status"], registry=self.registry)
        self.timeouts = Counter("gcm_kg_sparql_timeouts",
                                "SPARQL queries answered 503 from /sparql: stopped at the time limit (or at the "
                                "memory budget: see gcm_kg_query_memory_exceeded_total).",
                                registry=self.registry)
        # One counter per ExecutorStats field (gcm_kg.store.executor), fed through its listener.
        self.executor_events = {event: Counter(name, help_text, registry=self.registry)
                                for event, (name, help_text) in _EXECUTOR_COUNTERS.items()}
        self._children: dict[tuple[str, str, int], tuple] = {}
        if not multiprocess_enabled():
            from prometheus_client import GC_COLLECTOR, PLATFORM_COLLECTOR, PROCESS_COLLECTOR

            for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
                self.registry.register(collector)

    def executor_event(self, event: str) -> None:
        """``ExecutorStats.listener``: count one event of the query executor."""
        self.executor_events[event].inc()

    def observe(self, route: str, method: str, status: int, seconds: float | None) -> None:
        key = (route, method, status)
        children = self._children.get(key)
        if children is None:
            children = (
                self.requests.labels(route, method, str(status)),
                self.latency.labels(route, method),
                self.errors.labels(route, method, str(status)) if status >= 400 else None,
                status == 503 and route.startswith("/sparql"),
            )
            self._children[key] = children
        requests, latency, errors, timeout = children
        requests.inc()
        if seconds is not None:
            latency.observe(seconds)
        if errors is not None:
            errors.inc()
        if timeout:
            self.timeouts.inc()


class StoreCollector:
    """Triple counts of the store, read at scrape time (the store counts once, then caches)."""

    def __init__(self, app: Flask):
        self.app = app

    def describe(self):  # lets the registry check names without counting the store
        yield GaugeMetricFamily("gcm_kg_store_triples", "")
        yield GaugeMetricFamily("gcm_kg_store_graph_triples", "", labels=["graph"])

    def collect(self):
        try:
            counts = self.app.extensions["gcm_kg.store"].counts()
        except Exception:  # noqa: BLE001 — a scrape must not fail because the store is not ready
            return
        total = GaugeMetricFamily("gcm_kg_store_triples", "Triples in the store (union of all graphs).")
        total.add_metric([], counts.triples)
        yield total
        per_graph = GaugeMetricFamily("gcm_kg_store_graph_triples", "Triples per named graph.", labels=["graph"])
        for graph, n in sorted(counts.graphs.items()):
            per_graph.add_metric([graph], n)
        yield per_graph


def _scrape_registry(app: Flask) -> CollectorRegistry:
    metrics: HttpMetrics = app.extensions["gcm_kg.metrics"]
    if multiprocess_enabled():
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(app.extensions["gcm_kg.store_collector"])
        return registry
    return metrics.registry


# -- hooks ---------------------------------------------------------------------------------------
def _start_timer():
    environ = request.environ
    environ[_T0] = time.perf_counter()
    if is_preflight(request.method, request.headers):
        headers = preflight_headers(current_app.extensions["gcm_kg.cors"], request.headers.get("Origin"))
        if headers is not None:
            environ[_PREFLIGHT] = True
            response = Response(status=204, headers=headers)
            del response.headers["Content-Type"]
            return response
    return None


def _finish(response: Response) -> Response:
    app = current_app
    environ = request.environ
    if not environ.get(_PREFLIGHT):
        apply_cors(app.extensions["gcm_kg.cors"], request.headers.get("Origin"), response.headers)
    t0 = environ.get(_T0)
    rule = request.url_rule
    method = request.method if request.method in _METHODS else "OTHER"
    app.extensions["gcm_kg.metrics"].observe(rule.rule if rule is not None else "<unmatched>", method,
                                             response.status_code, time.perf_counter() - t0 if t0 else None)
    return response


# -- views ---------------------------------------------------------------------------------------
def health() -> Response:
    return Response('{"status":"ok"}\n', mimetype="application/json", headers=_NO_STORE)


def ready() -> Response:
    store = current_app.extensions["gcm_kg.store"]
    try:
        output = store.execute("ASK {}", accept="application/sparql-results+json", timeout=READY_TIMEOUT)
        if json.loads(output.body).get("boolean") is not True:
            raise RuntimeError("the store answered ASK {} with false")
        counts = store.counts()
    except Exception as error:  # noqa: BLE001 — any failure means "not ready", with its reason
        raise Refusal.not_ready(f"store not ready: {error}") from error
    # The store answers: the service is ready, even while the search index is still being built
    # (only /api/search and /search wait for it, with their own 503); the body says how it stands.
    body = {"status": "ready", "triples": counts.triples, "graphs": len(counts.graphs),
            "search": search_index(current_app).status}
    cap_warning = getattr(store, "row_cap_warning", lambda: None)()
    if cap_warning:  # ready, but the operator should know (see RemoteStore.row_cap_warning)
        body["warnings"] = [cap_warning]
    return Response(json.dumps(body) + "\n", mimetype="application/json", headers=_NO_STORE)


def metrics() -> Response:
    encoder, content_type = choose_encoder(request_accept() or "")
    body = encoder(_scrape_registry(current_app))
    return Response(body, headers={"Content-Type": content_type, **_NO_STORE})


def register(app: Flask) -> None:
    settings = app.extensions["gcm_kg.settings"]
    app.extensions["gcm_kg.cors"] = CorsPolicy.from_settings(
        settings.cors_origins, allow_credentials=bool(settings.extra.get("cors_allow_credentials")))
    app.extensions["gcm_kg.metrics"] = HttpMetrics()
    stats = getattr(app.extensions["gcm_kg.store"], "stats", None)
    if stats is not None and hasattr(stats, "listener"):  # a ProcessExecutor (other stores have none)
        stats.listener = app.extensions["gcm_kg.metrics"].executor_event
    collector = StoreCollector(app)
    app.extensions["gcm_kg.store_collector"] = collector
    if not multiprocess_enabled():
        app.extensions["gcm_kg.metrics"].registry.register(collector)
    # First before-request hook: times everything and answers preflights before any other hook.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_timer)
    # After-request hooks run in reverse order of registration: put this one first, so it runs
    # last and sees (and times) the response every other hook has finished.
    app.after_request_funcs.setdefault(None, []).insert(0, _finish)
    app.add_url_rule("/health", "ops_health", health, methods=["GET"])
    app.add_url_rule("/ready", "ops_ready", ready, methods=["GET"])
    app.add_url_rule("/metrics", "ops_metrics", metrics, methods=["GET"])

