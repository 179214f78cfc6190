"""The HTTP caching hit path: a revalidation answered ``304`` against the full ``200``, over HTTP.

Starts ``gcm-kg serve`` (default settings, in memory) on 127.0.0.1 over the shipped graph plus a
synthetic one (``--size``, as in :mod:`benchmarks.run`), takes the ``ETag`` of each request's first
answer, then measures, alternating inside each round, the same request without ``If-None-Match``
(the query runs and its result is sent: ``200``) and with it (``304``: no query, no body — what a
cache in front of gcm-kg pays to refresh an answer). ``wrk`` drives the load when installed,
otherwise a bounded Python client (threads, keep-alive). Every measurement is bounded by
``--duration``; every server started is stopped.

    python -m benchmarks.caching --size 10k --duration 5 --concurrency 8 --rounds 3
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from . import generate, harness

SCHEMA = "https://schema.org/"


@dataclass
class Target:
    name: str
    path: str      # path and query string of a GET
    accept: str


def targets(question_iri: str) -> list[Target]:
    def sparql(name: str, text: str) -> Target:
        return Target(name, "/sparql?" + urllib.parse.urlencode({"query": text}), harness.SPARQL_JSON)

    return [
        sparql("lookup", f"SELECT ?p ?o WHERE {{ <{question_iri}> ?p ?o }}"),
        sparql("join", f"SELECT ?q ?p ?o ?o2 WHERE {{ ?q a <{SCHEMA}Question> ; ?p ?o . ?o ?p2 ?o2 }} LIMIT 1000"),
        sparql("group-by", "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)"),
        Target("api", "/api/queries/guiding-principles", "application/json"),
    ]


def _wrk(port: int, target: Target, headers: dict[str, str], concurrency: int, duration: float) -> tuple[float, float]:
    """req/s and mean latency (ms) measured by wrk; raises on any 4xx/5xx or socket error."""
    argv = [harness.tool("wrk"), "-t", str(min(2, concurrency)), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s"]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    done = subprocess.run(argv + [f"http://{harness.HOST}:{port}{target.path}"], capture_output=True, text=True,
                          timeout=duration + 30)
    out = done.stdout
    if done.returncode != 0 or "Non-2xx or 3xx responses" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk: errors measuring {target.name}: {out}{done.stderr}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", out).groups()
    return rate, float(value) * {"us": 1e-3, "ms": 1.0, "s": 1e3}[unit]


def _python(port: int, target: Target, headers: dict[str, str], concurrency: int, duration: float,
            expected: int) -> tuple[float, float]:
    """req/s and mean latency (ms) from ``concurrency`` keep-alive clients, for ``duration`` seconds."""
    latencies: list[float] = []
    failures: list[str] = []
    deadline = time.monotonic() + duration

    def client() -> None:
        conn = http.client.HTTPConnection(harness.HOST, port, timeout=60)
        try:
            while time.monotonic() < deadline:
                started = time.perf_counter()
                conn.request("GET", target.path, headers=headers)
                response = conn.getresponse()
                response.read()
                latencies.append(time.perf_counter() - started)
                if response.status != expected:
                    failures.append(str(response.status))
                    return
        finally:
            conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(duration + 60)
    if failures:
        raise RuntimeError(f"{target.name}: unexpected statuses {failures}")
    return len(latencies) / (time.monotonic() - started), statistics.fmean(latencies) * 1e3


def etag_of(port: int, target: Target) -> str:
    status, headers, _ = harness.http_request(port, "GET", target.path, headers={"Accept": target.accept})
    if status != 200 or "etag" not in headers:
        raise RuntimeError(f"{target.name}: expected a 200 with an ETag, got {status}")
    revalidated, _, body = harness.http_request(port, "GET", target.path,
                                                headers={"Accept": target.accept, "If-None-Match": headers["etag"]})
    if revalidated != 304 or body:
        raise RuntimeError(f"{target.name}: revalidation answered {revalidated}, not an empty 304")
    return headers["etag"]


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.caching", description=__doc__.split("\n\n")[0])
    p.add_argument("--size", default="10k", help="synthetic triples beside the shipped graph: 10k, 100k, 1m (default 10k)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (default 5)")
    p.add_argument("--concurrency", type=int, default=8, help="clients at once (default 8)")
    p.add_argument("--rounds", type=int, default=3, help="alternating 200/304 rounds; the median is shown (default 3)")
    p.add_argument("--cache-dir", type=Path, default=harness.default_cache_dir())
    p.add_argument("--python-client", action="store_true", help="use the Python client even if wrk is installed")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if harness.tool("gcm-kg") is None:
        print("cannot benchmark: gcm-kg is not installed (pip install -e .)", file=sys.stderr)
        return 2
    use_wrk = bool(harness.tool("wrk")) and not args.python_client
    data = harness.prepare_data(args.size.lower(), generate.parse_size(args.size), args.seed, args.cache_dir,
                                lambda text: print(text, file=sys.stderr))
    log_dir = Path(tempfile.mkdtemp(prefix="gcm-kg-bench-caching-"))
    rows = []
    with harness.Servers() as servers:
        server = servers.add(harness.ours_server(data, log_dir), ready_timeout=120)
        for target in targets(data.question_iris[0]):
            etag = etag_of(server.port, target)
            plain, conditional = {"Accept": target.accept}, {"Accept": target.accept, "If-None-Match": etag}
            measured = {"200": [], "304": []}
            for _ in range(args.rounds):
                for label, headers in (("200", plain), ("304", conditional)):
                    if use_wrk:
                        result = _wrk(server.port, target, headers, args.concurrency, args.duration)
                    else:
                        result = _python(server.port, target, headers, args.concurrency, args.duration, int(label))
                    measured[label].append(result)
            rate = {k: statistics.median(r for r, _ in v) for k, v in measured.items()}
            latency = {k: statistics.median(ms for _, ms in v) for k, v in measured.items()}
            rows.append((target.name, rate["200"], latency["200"], rate["304"], latency["304"]))
    print(f"gcm-kg serve (defaults), {data.triples} triples, c={args.concurrency}, {args.duration:g} s × "
          f"{args.rounds} rounds (median), driver: {'wrk' if use_wrk else 'python'}\n")
    print("| request | 200 req/s | 200 mean ms | 304 req/s | 304 mean ms | 304 / 200 |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, rate200, ms200, rate304, ms304 in rows:
        print(f"| {name} | {rate200:.0f} | {ms200:.2f} | {rate304:.0f} | {ms304:.2f} | {rate304 / rate200:.1f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
