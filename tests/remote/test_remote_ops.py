"""``gcm-kg load`` / ``serve`` / ``validate`` with ``--endpoint``, and an upstream that fails.

All against real ``oxigraph serve`` processes: loading twice leaves the same counts, the count
check catches a Graph Store that is not the store the query endpoint reads, an upstream that is
down gives 502s and a 503 from ``/ready`` until it is back, and the service recovers by itself.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
import requests

from gcm_kg.web.app import create_app
from gcm_kg.cli.main import main
from gcm_kg.services.load import load, run_validate_remote
from gcm_kg.store.remote import RemoteStore
from gcm_kg.core.settings import Settings
from gcm_kg.services.validation import run_validate

from ..cli.test_serve import start, stop, wait_until_up
from ..support.oxigraph_server import OxigraphServer, free_port
from .conftest import AppServer

GCM_KG = [sys.executable, "-m", "gcm_kg.cli.main"]


def graph_counts(query_url: str) -> dict[str, int]:
    return RemoteStore(query_url, timeout=30).counts().graphs


def test_load_twice_leaves_the_same_data(gcm_upstream):
    before = graph_counts(gcm_upstream.query_url)
    run = subprocess.run(GCM_KG + ["load", "--endpoint", gcm_upstream.query_url, "--graph-store", gcm_upstream.store_url],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert graph_counts(gcm_upstream.query_url) == before
    lines = run.stdout.splitlines()
    assert len([line for line in lines if line.endswith(" ok")]) == len(before)
    assert lines[-1].startswith(f"loaded {sum(before.values())} triples in {len(before)} graphs")
    assert "100%" in run.stderr  # the progress lines (one per graph when stderr is not a terminal)


@pytest.fixture
def other_upstream():
    """A second engine that holds none of the shipped graphs."""
    server = OxigraphServer().start()
    yield server
    server.cleanup()


def test_count_check_catches_a_graph_store_the_endpoint_does_not_read(gcm_upstream, other_upstream):
    """PUT into one store, count through another: every graph is reported as a mismatch, exit 1."""
    out, err = io.StringIO(), io.StringIO()
    from gcm_kg.services.load import run_load

    status = run_load(other_upstream.query_url, gcm_upstream.store_url, None, [], out, err)
    assert status == 1
    assert "MISMATCH: the store holds 0" in out.getvalue()
    assert "do not hold what was sent" in err.getvalue()


def test_a_wrong_graph_store_url_is_a_clear_error(gcm_upstream):
    run = subprocess.run(GCM_KG + ["load", "--endpoint", gcm_upstream.query_url], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 2
    assert "--graph-store" in run.stderr and "/store" in run.stderr


def test_bad_credentials_options_exit_2(capsys):
    os.environ.pop("GCM_KG_TEST_NO_SUCH_VAR", None)
    assert main(["load", "--endpoint", "http://127.0.0.1:9/query", "--auth-env", "GCM_KG_TEST_NO_SUCH_VAR"]) == 2
    assert "GCM_KG_TEST_NO_SUCH_VAR" in capsys.readouterr().err
    assert main(["validate", "--endpoint", "http://127.0.0.1:9/query", "--auth", "no-colon"]) == 2
    assert main(["load", "--endpoint", "ftp://example.org/query"]) == 2


def test_upstream_down_gives_502_and_ready_503_then_recovers():
    port = free_port()
    store = RemoteStore(f"http://127.0.0.1:{port}/query", timeout=5)
    app = AppServer(create_app(Settings(timeout=5), store))
    upstream = OxigraphServer(port=port)
    problem = {"Accept": "application/problem+json"}

    def statuses():
        return (requests.get(app.base + "/ready", timeout=30).status_code,
                requests.get(app.base + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code,
                requests.get(app.base + "/id/objective/9", headers={"Accept": "text/turtle"},
                             allow_redirects=False, timeout=30).status_code,
                requests.get(app.base + "/api/queries/round-table-objectives", timeout=30).status_code)

    try:
        assert statuses() == (503, 502, 502, 502)
        r = requests.get(app.base + "/sparql", params={"query": "ASK {}"}, headers=problem, timeout=30)
        assert r.json()["title"] == "Upstream SPARQL endpoint error"
        assert "cannot be reached" in r.json()["detail"] and str(port) not in r.json()["detail"]
        assert "cannot be reached" in requests.get(app.base + "/ready", headers=problem, timeout=30).json()["detail"]

        upstream.start()
        assert all(r.ok for r in load(upstream.query_url, upstream.store_url, progress_stream=None))
        assert statuses() == (200, 200, 303, 200)
        assert requests.get(app.base + "/ready", timeout=30).json()["status"] == "ready"

        upstream.stop()  # the kept-alive connection dies with it
        assert statuses()[:2] == (503, 502)
        upstream.start()  # same store directory: the data is back
        assert statuses() == (200, 200, 303, 200)
    finally:
        app.close()
        store.close()
        upstream.cleanup()


def test_validate_endpoint_reports_as_validate_does(gcm_upstream):
    local, remote = io.StringIO(), io.StringIO()
    assert run_validate(None, None, "text", local) == run_validate_remote(gcm_upstream.query_url, None, "text", remote)
    assert remote.getvalue() == local.getvalue()
    assert run_validate_remote(f"http://127.0.0.1:{free_port()}/query", None, "text", io.StringIO()) == 2


def test_serve_endpoint_under_gunicorn(gcm_upstream):
    process, url = start("--endpoint", gcm_upstream.query_url, "--workers", "1", "--timeout", "10")
    try:
        base = url.removesuffix("/sparql")
        wait_until_up(base + "/ready", process)
        r = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) { ?s a ?t }"},
                         headers={"Accept": "text/csv"}, timeout=30)
        assert r.status_code == 200 and r.text.startswith("n\r\n")
        assert requests.get(base + "/id/objective/9", allow_redirects=False, timeout=30).status_code == 303
    finally:
        err = stop(process)
    assert gcm_upstream.query_url in err  # the startup line names the endpoint it serves from
