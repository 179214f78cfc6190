"""Health, readiness, Prometheus metrics and CORS, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from contextlib import contextmanager

import pytest
import requests

from gcm_kg.web.app import create_app
from gcm_kg.web.cors import CorsPolicy, apply_cors, preflight_headers
from gcm_kg.core.settings import Settings

from ...support.live_server import LiveServer

ORIGIN = "https://partner.example"


@contextmanager
def live_server(settings: Settings | None = None, store=None):
    app = create_app(settings or Settings(), store)
    with LiveServer(app) as server:
        yield server.base


@pytest.fixture(scope="module")
def base():
    with live_server() as url:
        yield url


@pytest.fixture(scope="module")
def listed():
    with live_server(Settings(cors_origins=(ORIGIN, "http://localhost:8080"))) as url:
        yield url


@pytest.fixture(scope="module")
def anyone():
    with live_server(Settings(cors_origins=("*",), extra={"cors_allow_credentials": True})) as url:
        yield url


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one sample in a text exposition (None when absent)."""
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        match = re.match(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$", line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if found == {k: str(v) for k, v in labels.items()}:
            return float(match.group(3))
    return None


# -- health / ready --------------------------------------------------------------------------------
def test_health_is_ok_json(base):
    response = requests.get(base + "/health", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"]


def test_ready_reports_counts(base):
    response = requests.get(base + "/ready", timeout=10)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready"
    assert body["triples"] > 0 and body["graphs"] >= 1


class BrokenStore:
    """A real store object whose backend is gone: every query fails."""

    def execute(self, *args, **kwargs):
        raise OSError("store directory unreadable")

    def counts(self):
        raise OSError("store directory unreadable")


def test_ready_is_503_when_the_store_does_not_answer():
    with live_server(store=BrokenStore()) as url:
        response = requests.get(url + "/ready", timeout=10)
        assert response.status_code == 503
        assert response.headers["Content-Type"].startswith("application/problem+json")
        assert "unreadable" in response.json()["detail"]
        assert response.headers["Retry-After"]
        # Liveness does not depend on the store.
        assert requests.get(url + "/health", timeout=10).status_code == 200


# -- metrics ---------------------------------------------------------------------------------------
def test_metrics_text_format_and_counters_increase(base):
    before = requests.get(base + "/metrics", timeout=10)
    assert before.status_code == 200
    assert before.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    n0 = sample(before.text, "gcm_kg_http_requests_total", route="/health", method="GET", status=200) or 0
    h0 = sample(before.text, "gcm_kg_http_request_duration_seconds_count", route="/health", method="GET") or 0
    e0 = sample(before.text, "gcm_kg_http_errors_total", route="<unmatched>", method="GET", status=404) or 0
    for _ in range(3):
        requests.get(base + "/health", timeout=10)
    requests.get(base + "/no/such/page", timeout=10)
    after = requests.get(base + "/metrics", timeout=10).text
    assert sample(after, "gcm_kg_http_requests_total", route="/health", method="GET", status=200) == n0 + 3
    assert sample(after, "gcm_kg_http_request_duration_seconds_count", route="/health", method="GET") == h0 + 3
    assert sample(after, "gcm_kg_http_request_duration_seconds_bucket", route="/health", method="GET",
                  le="+Inf") == h0 + 3
    assert sample(after, "gcm_kg_http_errors_total", route="<unmatched>", method="GET", status=404) == e0 + 1
    assert sample(after, "gcm_kg_sparql_timeouts_total") is not None
    assert sample(after, "gcm_kg_store_triples") > 0
    assert "# TYPE gcm_kg_http_request_duration_seconds histogram" in after


def test_metrics_offers_openmetrics_when_asked(base):
    response = requests.get(base + "/metrics", headers={"Accept": "application/openmetrics-text"}, timeout=10)
    assert response.headers["Content-Type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


def test_route_labels_are_rule_templates_not_raw_paths(base):
    requests.get(base + "/static/does-not-exist.js", timeout=10)
    text = requests.get(base + "/metrics", timeout=10).text
    assert "does-not-exist" not in text


@pytest.mark.skipif(sys.platform == "win32", reason="gunicorn needs a POSIX system")
def test_metrics_aggregate_across_gunicorn_workers(tmp_path):
    """Two gunicorn workers, multi-process mode: /metrics sums both, whoever answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = tmp_path / "gunicorn_conf.py"
    config.write_text(
        "from gcm_kg.web.views import ops as ops_views\n"
        f"def on_starting(server):\n    ops_views.prepare_multiprocess_metrics({str(tmp_path / 'prom')!r})\n"
        "child_exit = ops_views.child_exit\n")
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config), "-w", "2", "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "2", "gcm_kg.web.app:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/health", timeout=5)
                break
            except requests.RequestException:  # not listening yet, or too busy booting to answer
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("gunicorn did not start: " + process.stderr.read().decode()[-2000:]
                                if process.poll() is not None else "gunicorn did not start in 60 s")
                time.sleep(0.2)
        # Fresh connections spread over both workers.
        total = 40
        for _ in range(total - 1):
            requests.get(url + "/health", headers={"Connection": "close"}, timeout=10)
        counts = []
        for _ in range(4):
            text = requests.get(url + "/metrics", headers={"Connection": "close"}, timeout=10).text
            counts.append(sample(text, "gcm_kg_http_requests_total", route="/health", method="GET", status=200))
        assert counts == [total] * 4
        assert len(list((tmp_path / "prom").glob("counter_*.db"))) >= 1
        assert sample(text, "gcm_kg_store_triples") > 0
    finally:
        process.terminate()
        process.wait(timeout=15)


# -- CORS ------------------------------------------------------------------------------------------
def test_no_cors_headers_by_default(base):
    response = requests.get(base + "/health", headers={"Origin": ORIGIN}, timeout=10)
    assert not any(h.lower().startswith("access-control-") for h in response.headers)
    preflight = requests.options(base + "/health", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in preflight.headers


def test_listed_origin_is_echoed_with_vary(listed):
    response = requests.get(listed + "/health", headers={"Origin": ORIGIN}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in [v.strip() for v in response.headers["Vary"].split(",")]
    exposed = [v.strip() for v in response.headers["Access-Control-Expose-Headers"].split(",")]
    assert {"Link", "X-Row-Limit", "Retry-After"} <= set(exposed)
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_origin_comparison_ignores_case_of_scheme_and_host(listed):
    response = requests.get(listed + "/health", headers={"Origin": "HTTPS://Partner.Example"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "HTTPS://Partner.Example"


def test_unknown_origin_gets_no_acao_but_vary(listed):
    for origin in ("https://evil.example", "https://partner.example.evil.example", "null"):
        response = requests.get(listed + "/health", headers={"Origin": origin}, timeout=10)
        assert "Access-Control-Allow-Origin" not in response.headers, origin
        assert "Origin" in response.headers["Vary"]
    # Without Origin too: the response varies by Origin, so caches must be told.
    assert "Origin" in requests.get(listed + "/health", timeout=10).headers["Vary"]


def test_preflight_for_sparql_query_post(listed):
    response = requests.options(listed + "/sparql", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, accept"}, timeout=10)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "OPTIONS"} <= methods
    allowed = {h.strip().lower() for h in response.headers["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "accept"} <= allowed
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    assert "Origin" in response.headers["Vary"]
    assert not response.content


def test_preflight_from_unknown_origin_is_not_approved(listed):
    response = requests.options(listed + "/sparql", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}, timeout=10)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Methods" not in response.headers


def test_wildcard_never_with_credentials(anyone):
    response = requests.get(anyone + "/health", headers={"Origin": "https://anywhere.example"}, timeout=10)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    preflight = requests.options(anyone + "/sparql", headers={
        "Origin": "https://anywhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"}, timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in preflight.headers


def test_cors_headers_on_error_responses(listed):
    response = requests.get(listed + "/no/such/thing", headers={"Origin": ORIGIN}, timeout=10)
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_policy_functions():
    policy = CorsPolicy.from_settings([ORIGIN + "/"], allow_credentials=True)
    headers: dict[str, str] = {"Vary": "Accept"}
    apply_cors(policy, ORIGIN, headers)
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert headers["Access-Control-Allow-Credentials"] == "true"  # opt-in, listed origin only
    assert headers["Vary"] == "Accept, Origin"
    apply_cors(policy, ORIGIN, headers)
    assert headers["Vary"] == "Accept, Origin"  # not repeated
    star = CorsPolicy.from_settings(["*", ORIGIN], allow_credentials=True)
    assert not star.allow_credentials
    assert "Access-Control-Allow-Credentials" not in preflight_headers(star, ORIGIN)
    assert preflight_headers(CorsPolicy(), ORIGIN) is None


def test_sparql_requests_are_counted_by_status(base):
    def count(text, status):
        return sample(text, "gcm_kg_http_requests_total", route="/sparql", method="POST", status=status) or 0

    before = requests.get(base + "/metrics", timeout=10).text
    headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
    assert requests.post(base + "/sparql", data="ASK {}", headers=headers, timeout=10).status_code == 200
    assert requests.post(base + "/sparql", data="ASK {", headers=headers, timeout=10).status_code == 400
    after = requests.get(base + "/metrics", timeout=10).text
    assert count(after, 200) == count(before, 200) + 1
    assert count(after, 400) == count(before, 400) + 1
    errors = sample(after, "gcm_kg_http_errors_total", route="/sparql", method="POST", status=400)
    assert errors >= 1


def test_timeouts_are_503s_of_the_sparql_routes():
    from gcm_kg.web.views.ops import HttpMetrics

    metrics = HttpMetrics()
    metrics.observe("/sparql", "POST", 503, 30.0)
    metrics.observe("/sparql", "GET", 503, 30.0)
    metrics.observe("/ready", "GET", 503, 0.01)  # not a query timeout
    metrics.observe("/sparql", "POST", 500, 0.2)
    assert metrics.registry.get_sample_value("gcm_kg_sparql_timeouts_total") == 2
    assert metrics.registry.get_sample_value(
        "gcm_kg_http_errors_total", {"route": "/ready", "method": "GET", "status": "503"}) == 1
    assert metrics.registry.get_sample_value(
        "gcm_kg_http_request_duration_seconds_bucket", {"route": "/sparql", "method": "POST", "le": "60.0"}) == 2


def test_the_query_executors_work_is_counted():
    """Queries (and of them bounded lookups answered in the worker), time limits and query-process
    restarts reach /metrics through the executor's stats listener."""
    from gcm_kg.store.executor import ProcessExecutor
    from gcm_kg.store.embedded import EmbeddedStore

    executor = ProcessExecutor(EmbeddedStore.in_memory(), timeout=0.5, max_rows=100, concurrency=1)
    names = ["gcm_kg_queries_total", "gcm_kg_queries_in_worker_total", "gcm_kg_query_timeouts_total",
             "gcm_kg_query_process_restarts_total", "gcm_kg_query_process_crashes_total"]
    try:
        with live_server(Settings(timeout=0.5), store=executor) as url:
            def counts():
                text = requests.get(url + "/metrics", timeout=10).text
                return [sample(text, name) or 0 for name in names]

            headers = {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"}
            before = counts()
            # bounded (one pattern, a constant subject with five triples): answered in the worker
            lookup = "SELECT ?p ?o { <https://w3id.org/gcm-kg/id/annotation/lac-2021-rt3-objective-10> ?p ?o }"
            join = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o . ?o ?q ?r }"
            runaway = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
            assert requests.post(url + "/sparql", data=lookup, headers=headers, timeout=10).status_code == 200
            assert requests.post(url + "/sparql", data=join, headers=headers, timeout=10).status_code == 200
            assert requests.post(url + "/sparql", data=runaway, headers=headers, timeout=10).status_code == 503
            assert [after - was for after, was in zip(counts(), before)] == [3, 1, 1, 1, 0]
    finally:
        executor.close()
