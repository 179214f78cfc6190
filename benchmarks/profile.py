"""Where a request's time goes: our service against `oxigraph serve` on the same storage.

    python -m benchmarks.profile [--size 10k] [--queries lookup,join] [--store] [--duration S]
                                 [--concurrency 8] [--py-spy] [--markdown FILE]

For each query, the CPU time per request is split by who spends it, so a ratio that misses its
target in ``benchmarks.run`` can be traced to a layer:

* **engine** — pyoxigraph evaluating the query and writing the result, called directly in this
  process (what ``oxigraph serve`` also has to do);
* **our app** — the WSGI application called in this process, as gunicorn calls it, minus the
  engine when the query is answered in the web worker (bounded lookups); for queries sent to the
  query process, what the worker itself spends on them (parsing, policy, the lane round trip,
  headers, metrics);
* under ``wrk`` load (c clients on 127.0.0.1), from ``/proc``: each **web worker**'s CPU per
  request (gunicorn + our app), the **query process**'s (engine + its lane), the gunicorn master's,
  and ``oxigraph serve``'s whole process for the same requests. **gunicorn** ≈ web workers − our
  app. The workers' shares show how the kernel spread the connections over them: a worker that
  took no connection served nothing.
* with ``--py-spy`` (PyPI ``py-spy``), where the service's Python code runs: samples of threads
  holding the GIL, grouped by the package of the innermost frame (the engine releases the GIL, so
  its own work is in the CPU figures above, not here).

Measured on the same machine as the load generator (``wrk`` runs beside the servers): compare the
rows of one run, not figures across machines.
"""

from __future__ import annotations

import argparse
import collections
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import generate, harness

SPARQL_JSON = harness.SPARQL_JSON


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__.splitlines()[0])
    p.add_argument("--size", default="10k", help="10k, 100k, 1m or a triple count (default 10k)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--queries", default="lookup,join", help="benchmark queries to profile (default lookup,join)")
    p.add_argument("--store", action="store_true", help="profile `serve --store` against `oxigraph serve-read-only`")
    p.add_argument("--duration", type=float, default=8.0, help="seconds of wrk load per server (default 8)")
    p.add_argument("--concurrency", type=int, default=8, help="wrk connections (default 8)")
    p.add_argument("--calls", type=int, default=2000, help="in-process calls for the engine and app figures")
    p.add_argument("--py-spy", action="store_true", help="also sample the service's processes with py-spy")
    p.add_argument("--cache-dir", type=Path, default=harness.default_cache_dir())
    p.add_argument("--markdown", type=Path, help="also write the report to FILE")
    return p.parse_args(argv)


# -- in process -----------------------------------------------------------------------------------
def _cpu_ms_per_call(function, calls: int) -> float:
    function()  # warm: the first call compiles the query's plan caches, imports lazily
    started = time.process_time()
    for _ in range(calls):
        function()
    return (time.process_time() - started) / calls * 1e3


def in_process_figures(data: harness.Data, query: harness.Query, calls: int, store_dir: Path | None) -> dict:
    """Engine and app CPU ms per request, in this process (see the module docstring)."""
    from gcm_kg.core.settings import Settings
    from gcm_kg.store.embedded import EmbeddedStore, execute_on
    from gcm_kg.store.factory import open_store
    from gcm_kg.web.app import create_app

    settings = Settings(store_path=store_dir) if store_dir else Settings(extra_files=(data.extra_nt,))
    embedded = (EmbeddedStore.open_read_only(store_dir) if store_dir
                else EmbeddedStore.in_memory(settings.extra_files))
    bodies = [r.body for r in query.requests]
    index = iter(range(10**9))

    def engine():
        execute_on(embedded, bodies[next(index) % len(bodies)], accept=SPARQL_JSON, max_rows=settings.max_rows)

    figures = {"engine_ms": _cpu_ms_per_call(engine, calls)}
    service = open_store(settings, killable=True)
    service.start()
    try:
        app = create_app(settings, store=service)

        def request():
            body = bodies[next(index) % len(bodies)].encode()
            environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/sparql", "QUERY_STRING": "",
                       "CONTENT_TYPE": "application/sparql-query", "CONTENT_LENGTH": str(len(body)),
                       "wsgi.input": io.BytesIO(body), "HTTP_ACCEPT": SPARQL_JSON, "SERVER_NAME": harness.HOST,
                       "SERVER_PORT": "80", "HTTP_HOST": harness.HOST, "wsgi.url_scheme": "http"}
            statuses = []
            b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
            if not statuses[0].startswith("200"):
                raise RuntimeError(f"{query.name}: the app answered {statuses[0]}")

        figures["app_ms"] = _cpu_ms_per_call(request, calls)
    finally:
        service.close()
    return figures


# -- under load ------------------------------------------------------------------------------------
def _role(pid: int, master: int) -> str:
    if pid == master:
        return "gunicorn master"
    try:
        name = Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "gone"
    return "query process" if name == "gcm-kg-query" else "web worker"


def _cpu_by_process(root: int) -> dict[int, float]:
    """User + system CPU seconds of each live process of the tree (its own, not its children's)."""
    seconds = {pid: harness.process_cpu_seconds(pid) for pid in harness.tree_pids(root)}
    return {pid: value for pid, value in seconds.items() if value is not None}


def under_load(server: harness.Server, query: harness.Query, concurrency: int, duration: float,
               workdir: Path, py_spy: bool) -> dict:
    """CPU ms per request of each process of ``server``'s tree while wrk loads it."""
    harness.wait_idle(server)
    before = _cpu_by_process(server.pid)
    sampler = None
    if py_spy and server.ours:
        raw = workdir / f"py-spy-{harness.slug(server.name)}-{query.name}.txt"
        # --gil: only samples of a thread holding the GIL, i.e. Python code running (a thread
        # waiting on a socket, or inside pyoxigraph, which releases the GIL, is not sampled)
        sampler = subprocess.Popen([harness.tool("py-spy"), "record", "--pid", str(server.pid), "--subprocesses",
                                    "--gil", "--nonblocking", "--format", "raw", "--rate", "250", "--duration",
                                    str(max(1, round(duration))), "-o", str(raw)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = harness.run_wrk(server, query, concurrency, duration, workdir)
    after = _cpu_by_process(server.pid)
    out = {"rps": result.rps, "requests": result.requests, "driver_busy": result.driver_busy, "processes": []}
    for pid, seconds in sorted(after.items()):
        spent = seconds - before.get(pid, 0.0)
        out["processes"].append({"pid": pid, "role": _role(pid, server.pid) if server.ours else server.name,
                                 "cpu_ms_per_request": 1e3 * spent / max(1, result.requests)})
    if sampler is not None:
        try:
            sampler.wait(duration + 30)
            out["py_spy"] = top_frames(raw)
        except subprocess.TimeoutExpired:
            sampler.kill()
    return out


def top_frames(raw: Path, limit: int = 12) -> list[tuple[str, float]]:
    """py-spy's raw (collapsed) stacks: the share of samples by the package of the innermost frame
    — a frame that calls into pyoxigraph counts as pyoxigraph (its Rust code has no Python frames)."""
    by_package: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        by_package[_package(frames[-1])] += int(count)
        total += int(count)
    return [(name, n / total) for name, n in by_package.most_common(limit)] if total else []


def _package(frame: str) -> str:
    """``function (path/to/module.py:line)`` → the package that owns it (gcm_kg modules by name)."""
    function, _, where = frame.rpartition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    if "gcm_kg/" in path:
        module = path.split("gcm_kg/", 1)[1].removesuffix(".py").replace("/", ".")
        if function.split(".")[-1] in ("query", "serialize", "quads_for_pattern") or "write_capped" in function:
            return f"pyoxigraph (called from gcm_kg.{module})"
        return f"gcm_kg.{module}"
    parts = Path(path).parts
    for package in ("gunicorn", "werkzeug", "flask", "prometheus_client", "multiprocessing", "concurrent"):
        if package in parts:
            return package
    return Path(path).stem or function  # a standard-library module (selectors, threading, socket …)


def render(report: dict) -> str:
    lines = [f"# Where the time goes ({report['size']}, {report['triples']} triples, "
             f"{'on disk' if report['store'] else 'in memory'}, wrk c={report['concurrency']})", ""]
    for entry in report["queries"]:
        ours, anchor = entry["ours"], entry["anchor"]
        workers = [p for p in ours["processes"] if p["role"] == "web worker"]
        worker_ms = sum(p["cpu_ms_per_request"] for p in workers)
        query_ms = sum(p["cpu_ms_per_request"] for p in ours["processes"] if p["role"] == "query process")
        anchor_ms = sum(p["cpu_ms_per_request"] for p in anchor["processes"])
        app_in_worker = entry["app_ms"]
        lines += [f"## {entry['query']}", "",
                  f"req/s: gcm-kg {ours['rps']:.0f}, {anchor['name']} {anchor['rps']:.0f} "
                  f"(ratio {ours['rps'] / anchor['rps']:.2f}×); wrk's threads busy "
                  f"{100 * (ours['driver_busy'] or 0):.0f} % / {100 * (anchor['driver_busy'] or 0):.0f} %", "",
                  "| CPU ms per request | gcm-kg | oxigraph serve |", "|---|---:|---:|",
                  f"| engine: pyoxigraph evaluates and writes (in process, no HTTP) | {entry['engine_ms']:.3f} | |",
                  f"| our app: the WSGI app, called in process | {app_in_worker:.3f} | |",
                  f"| under load: web workers (gunicorn + our app) | {worker_ms:.3f} | |",
                  f"| under load: gunicorn alone (web workers − our app) | {max(0.0, worker_ms - app_in_worker):.3f} | |",
                  f"| under load: query process (engine + lane) | {query_ms:.3f} | |",
                  f"| under load: whole server | {worker_ms + query_ms:.3f} | {anchor_ms:.3f} |", "",
                  "Web workers' shares of the load: " + ", ".join(
                      f"{100 * p['cpu_ms_per_request'] / worker_ms:.0f} %" for p in workers) if worker_ms else "", ""]
        if ours.get("py_spy"):
            lines += ["py-spy: samples of the service's threads holding the GIL (Python running), by package of "
                      "the innermost frame:", "",
                      "| package | share |", "|---|---:|"]
            lines += [f"| {name} | {100 * share:.1f} % |" for name, share in ours["py_spy"]]
            lines.append("")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    missing = harness.missing_tools() + ([] if harness.tool("wrk") else ["wrk (Debian package wrk)"])
    if args.py_spy and not harness.tool("py-spy"):
        missing.append("py-spy (pip install py-spy)")
    if missing:
        log("cannot profile, missing: " + "; ".join(missing))
        return 2
    data = harness.prepare_data(args.size.lower(), generate.parse_size(args.size), args.seed, args.cache_dir, log)
    store_dir = None
    if args.store:
        harness.build_ours(data, log)
        harness.build_oxigraph(data, log)
        store_dir = data.store_dir("gcm-kg")
    wanted = [name.strip() for name in args.queries.split(",") if name.strip()]
    queries = {q.name: q for q in harness.benchmark_queries(data)}
    unknown = [name for name in wanted if name not in queries]
    if unknown:
        log(f"unknown queries {unknown}; known: {sorted(queries)}")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="gcm-kg-profile-"))
    report = {"size": args.size, "triples": data.triples, "store": args.store, "concurrency": args.concurrency,
              "queries": []}
    try:
        for name in wanted:
            log(f"{name}: engine and app in process …")
            entry = {"query": name, **in_process_figures(data, queries[name], args.calls, store_dir)}
            with harness.Servers() as servers:
                ours = servers.add(harness.ours_server(data, workdir, store=args.store), ready_timeout=600)
                anchor = servers.add(harness.oxigraph_server(data, workdir, storage="disk" if args.store else "memory"),
                                     ready_timeout=600)
                log(f"{name}: under load …")
                entry["ours"] = under_load(ours, queries[name], args.concurrency, args.duration, workdir, args.py_spy)
                entry["anchor"] = {"name": anchor.name, **under_load(anchor, queries[name], args.concurrency,
                                                                     args.duration, workdir, False)}
            report["queries"].append(entry)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    markdown = render(report)
    print(markdown)
    if args.markdown:
        args.markdown.write_text(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
