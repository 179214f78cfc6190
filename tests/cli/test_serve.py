"""``gcm-kg serve``: gunicorn on a free port, real HTTP, and a clean exit 2 for a bad --store."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from ..support.paths import FIXTURES as SHARED_FIXTURES

GCM_KG = [sys.executable, "-m", "gcm_kg.cli.main"]
FIXTURES = SHARED_FIXTURES / "rdf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if process.poll() is not None:
            raise AssertionError(f"serve exited with {process.returncode}: {process.stderr.read()}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up within {limit} s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err


def start(*args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(GCM_KG + ["serve", "--host", "127.0.0.1", "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return process, f"http://127.0.0.1:{port}/sparql"


def query_processes_of(pid: int) -> list[int]:
    """The pids of all descendants of ``pid`` (Linux /proc)."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def test_serve_in_memory_under_gunicorn_answers_and_stops_runaway_queries():
    process, url = start("--workers", "2", "--timeout", "1")
    try:
        wait_until_up(url, process)
        sd = requests.get(url, headers={"Accept": "text/turtle"}, timeout=10)
        assert sd.headers["Server"].startswith("gunicorn")
        graph = list(ox.parse(sd.content, format=ox.RdfFormat.TURTLE))
        endpoint = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#endpoint")
        assert [t.object for t in graph if t.predicate == endpoint] == [ox.NamedNode(url)]
        answer = requests.get(url, params={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
                              headers={"Accept": "application/sparql-results+json"}, timeout=10).json()
        assert int(answer["results"]["bindings"][0]["n"]["value"]) > 100
        started = time.monotonic()
        runaway = requests.post(url, data={"query": "SELECT (COUNT(*) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i }"},
                                timeout=30)
        assert runaway.status_code == 503 and runaway.headers["Retry-After"]
        assert time.monotonic() - started < 5
        assert requests.get(url, params={"query": "ASK {}"}, timeout=10).json()["boolean"] is True
    finally:
        err = stop(process)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert not query_processes_of(process.pid)


def test_serve_an_on_disk_store_read_only(tmp_path):
    store_dir = tmp_path / "store"
    built = subprocess.run(GCM_KG + ["build", "--store", str(store_dir)], capture_output=True, text=True, timeout=120)
    assert built.returncode == 0, built.stderr
    process, url = start("--workers", "1", "--store", str(store_dir))
    try:
        wait_until_up(url, process)
        answer = requests.post(url, data="ASK { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query",
                                                                   "Accept": "application/sparql-results+json"},
                               timeout=10)
        assert answer.json()["boolean"] is True
    finally:
        stop(process)


def test_serve_holds_extra_files_in_memory_each_in_its_own_graph():
    process, url = start("--workers", "1", str(FIXTURES / "one-triple.ttl"))
    try:
        wait_until_up(url, process)
        answer = requests.get(url, params={"query": 'SELECT ?g { GRAPH ?g { <http://example.org/thing> '
                                                    '<http://example.org/label> "a thing" } }'},
                              headers={"Accept": "application/sparql-results+json"}, timeout=10).json()
        assert [b["g"]["value"] for b in answer["results"]["bindings"]] == [
            "https://w3id.org/gcm-kg/graph/extra/one-triple"]
    finally:
        stop(process)


def _sd_endpoint(url: str, headers: dict) -> list[ox.NamedNode]:
    sd = requests.get(url, headers={"Accept": "text/turtle", **headers}, timeout=10)
    endpoint = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#endpoint")
    return [t.object for t in ox.parse(sd.content, format=ox.RdfFormat.TURTLE) if t.predicate == endpoint]


def test_serve_trusts_forwarded_headers_from_the_proxy_only_with_proxy_headers():
    """gunicorn on its own would take X-Forwarded-Proto from a peer on 127.0.0.1; only
    --proxy-headers makes the service believe a proxy, on the fast path of /sparql as well."""
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy.example", "X-Forwarded-Prefix": "/kg"}
    plain, plain_url = start("--workers", "1")
    proxied, proxied_url = start("--workers", "1", "--proxy-headers")
    try:
        wait_until_up(plain_url, plain)
        wait_until_up(proxied_url, proxied)
        assert _sd_endpoint(plain_url, forwarded) == [ox.NamedNode(plain_url)]
        assert _sd_endpoint(proxied_url, forwarded) == [ox.NamedNode("https://proxy.example/kg/sparql")]
        answer = requests.post(proxied_url, data="ASK {}", timeout=10, headers={
            **forwarded, "Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        assert answer.json()["boolean"] is True
    finally:
        errors = [stop(plain), stop(proxied)]
    assert "Traceback" not in "".join(errors)


def test_serve_reads_a_public_url_ending_in_sparql_as_the_root_and_says_so():
    process, url = start("--workers", "1", "--public-url", "https://example.org/kg/sparql")
    try:
        wait_until_up(url, process)
        assert _sd_endpoint(url, {}) == [ox.NamedNode("https://example.org/kg/sparql")]
        void = requests.get(url.removesuffix("sparql") + ".well-known/void", headers={"Accept": "text/turtle"},
                            timeout=60)
        assert "<https://example.org/kg/download/gcm-kg.nt>" in void.text
    finally:
        err = stop(process)
    assert "gcm-kg serve: warning: public URL https://example.org/kg/sparql names the SPARQL endpoint" in err


def test_serve_with_a_malformed_extra_file_exits_2_naming_file_and_line():
    bad = FIXTURES / "malformed-unterminated-literal.ttl"
    result = subprocess.run(GCM_KG + ["serve", "--port", str(free_port()), str(bad)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"{bad}:3:" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("where", [["--store", "some-store"], ["--endpoint", "http://127.0.0.1:9/sparql"]])
def test_serve_refuses_extra_files_that_would_not_be_served(where):
    result = subprocess.run(GCM_KG + ["serve", "--port", str(free_port()), *where, str(FIXTURES / "one-triple.ttl")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "EXTRA_FILES are served from memory only" in result.stderr
    assert ("gcm-kg build" if where[0] == "--store" else "gcm-kg load") in result.stderr


@pytest.mark.parametrize("kind", ["missing", "not-a-store", "corrupt"])
def test_serve_with_a_bad_store_exits_2_naming_the_path(tmp_path, kind):
    path = tmp_path / kind
    if kind == "not-a-store":
        path.mkdir()
    elif kind == "corrupt":
        path.mkdir()
        (path / "CURRENT").write_text("garbage\n")
    result = subprocess.run(GCM_KG + ["serve", "--port", str(free_port()), "--store", str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_app_made_without_a_store_holds_the_settings_extra_files():
    """``create_app(Settings(extra_files=…))`` (e.g. under a gunicorn of one's own) serves what
    ``gcm-kg serve FILE`` serves."""
    from gcm_kg.web.app import create_app
    from gcm_kg.core.settings import Settings

    app = create_app(Settings(extra_files=(FIXTURES / "one-triple.ttl",)))
    graphs = app.extensions["gcm_kg.store"].counts().graphs
    assert graphs["https://w3id.org/gcm-kg/graph/extra/one-triple"] == 1
