"""Reliability load test of the gcm-kg service: mixed queries from many keep-alive clients.

    python -m benchmarks.load [--clients 32] [--duration 30] [--size 10k] [--store] [--url URL]

Starts ``gcm-kg serve`` (in memory, default settings, over the shipped graph plus a synthetic
graph of ``--size`` triples; ``--store`` serves a built store instead) on a free 127.0.0.1 port —
or uses the running service at ``--url`` — and has ``--clients`` closed-loop clients send a mix of
SPARQL queries (lookups, joins, GROUP BY, CONTAINS, OPTIONAL/ORDER BY, DESCRIBE), linked-data
dereferences and canned API queries for ``--duration`` seconds. Prints the status counts and
p50/p99 latency; exits 1 on any 5xx answer, connection error or timeout (and on any other
non-2xx/3xx answer, as every request of the mix is valid), 0 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from . import generate, harness


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def mixed_requests(data: harness.Data, port: int) -> list[tuple[str, harness.Request]]:
    """(query name, request) pairs, interleaved so every client meets every kind of query."""
    queries = harness.benchmark_queries(data, n_iris=50) + harness.ours_only_queries(data, port, n_iris=50)
    by_query = [[(q.name, r) for r in q.requests] for q in queries]
    mixed = []
    for i in range(max(len(x) for x in by_query)):
        for requests in by_query:
            mixed.append(requests[i % len(requests)])
    return mixed


def run_load(port: int, mix: list[tuple[str, harness.Request]], clients: int, duration: float,
             sparql_path: str = "/sparql", timeout: float = 60) -> dict:
    statuses: collections.Counter = collections.Counter()
    failures: collections.Counter = collections.Counter()
    latencies: dict[str, list[float]] = collections.defaultdict(list)
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    server = harness.Server("target", [], port, sparql_path=sparql_path, log_dir=Path(tempfile.gettempdir()))

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(harness.HOST, port, timeout=timeout)
        my_status: collections.Counter = collections.Counter()
        my_failures: collections.Counter = collections.Counter()
        my_latency: dict[str, list[float]] = collections.defaultdict(list)
        n = k * 7  # each client starts elsewhere in the mix
        try:
            while time.monotonic() < deadline:
                name, request = mix[n % len(mix)]
                n += 1
                started = time.perf_counter()
                try:
                    status = harness._one(conn, server, request)
                except (OSError, http.client.HTTPException) as error:
                    my_failures[f"{type(error).__name__} on {name}"] += 1
                    conn.close()
                    conn = http.client.HTTPConnection(harness.HOST, port, timeout=timeout)
                    continue
                my_latency[name].append(time.perf_counter() - started)
                my_status[status] += 1
                if status >= 400:
                    my_failures[f"HTTP {status} on {name}"] += 1
        finally:
            conn.close()
            with lock:
                statuses.update(my_status)
                failures.update(my_failures)
                for key, values in my_latency.items():
                    latencies[key].extend(values)

    elapsed = harness.run_clients(client, clients, duration + timeout + 10)
    everything = [x for values in latencies.values() for x in values]
    return {
        "clients": clients, "seconds": elapsed, "requests": len(everything),
        "statuses": dict(statuses), "failures": dict(failures),
        "server_errors": sum(n for s, n in statuses.items() if s >= 500),
        "connection_errors": sum(n for f, n in failures.items() if not f.startswith("HTTP ")),
        "p50_ms": harness.percentile(everything, 50) * 1e3, "p99_ms": harness.percentile(everything, 99) * 1e3,
        "by_query": {name: {"requests": len(v), "p50_ms": harness.percentile(v, 50) * 1e3,
                            "p99_ms": harness.percentile(v, 99) * 1e3} for name, v in sorted(latencies.items())},
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--duration", type=float, default=30.0)
    p.add_argument("--size", default="10k", help="synthetic triples added to the shipped graph (default 10k)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--store", action="store_true", help="serve a store built by `gcm-kg build` (--store)")
    p.add_argument("--url", help="load-test this running gcm-kg service (http://127.0.0.1:PORT) instead")
    p.add_argument("--cache-dir", type=Path, default=harness.default_cache_dir())
    args = p.parse_args(argv)
    if args.clients < 1 or args.duration <= 0:
        p.error("--clients and --duration must be positive")

    data = harness.prepare_data(args.size.lower(), generate.parse_size(args.size), args.seed, args.cache_dir, log)
    with harness.Servers() as servers:
        if args.url:
            parsed = urllib.parse.urlparse(args.url)
            if parsed.hostname not in ("127.0.0.1", "localhost"):
                p.error("--url must be on 127.0.0.1")
            port = parsed.port or 80
        else:
            if harness.tool("gcm-kg") is None:
                log("cannot run: gcm-kg is not installed (pip install -e .)")
                return 2
            if args.store:
                harness.build_ours(data, log)
            log_dir = Path(tempfile.mkdtemp(prefix="gcm-kg-load-"))
            server = servers.add(harness.ours_server(data, log_dir, store=args.store), ready_timeout=600)
            port = server.port
            log(f"{server.name} ready after {server.ready_after:.2f} s (log: {server.log_path})")
        mix = mixed_requests(data, port)
        log(f"{args.clients} clients, {args.duration:g} s, {len(mix)} distinct requests in the mix …")
        result = run_load(port, mix, args.clients, args.duration)

    print(f"requests: {result['requests']} in {result['seconds']:.1f} s "
          f"({result['requests'] / result['seconds']:.1f} req/s), {result['clients']} clients")
    print(f"statuses: {result['statuses']}")
    print(f"latency: p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms")
    for name, q in result["by_query"].items():
        print(f"  {name:24} {q['requests']:7d} requests  p50 {q['p50_ms']:8.1f} ms  p99 {q['p99_ms']:8.1f} ms")
    if result["failures"]:
        print("FAILED: " + ", ".join(f"{k} ×{n}" for k, n in sorted(result["failures"].items())))
        return 1
    if not result["requests"]:
        print("FAILED: no request was answered")
        return 1
    print("ok: zero 5xx, zero connection errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
