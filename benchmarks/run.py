"""Benchmark the gcm-kg service against `oxigraph serve` on the same storage (and rdflib-endpoint).

    python -m benchmarks.run [--size 10k|100k|1m] [--duration S] [--concurrency 1,8,32] [--rounds R]
                             [--servers …] [--markdown FILE] [--json FILE]

Same storage, like for like: ``gcm-kg serve FILE`` (in memory) is compared with ``oxigraph
serve`` in memory (loaded through its Graph Store endpoint), and ``gcm-kg serve --store DIR``
with ``oxigraph serve-read-only --location DIR`` (RocksDB both). Steps: generate the synthetic
graph (cached), build the stores (``gcm-kg build`` and ``oxigraph load`` + ``optimize``, timed),
start the servers on free 127.0.0.1 ports, check that every server answers every query with the
same rows (multisets of bindings; the benchmark refuses to run otherwise), then measure each
query at each concurrency, the servers alternating round-robin inside each (query, concurrency)
cell. Reported: req/s, p50/p99 latency, server CPU per request (/proc of the process tree), the
load generator's own CPU (wrk: how busy its threads were — a figure near 100 % would be wrk's,
not the server's), peak memory of each process tree, each of our servers' ratios to its
same-storage anchor, the cold start of ``gcm-kg serve --store``, build time and store size, and
the issue's targets.
Exit status: 0 done, 2 missing tools, 3 the servers disagree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import tempfile
from pathlib import Path

from . import generate, harness
from .harness import ANCHORS

#: The targets, each against ``oxigraph serve`` on the same storage (harness.ANCHORS): the same
#: engine, so 1.0× is the physical limit and what is under it is our HTTP and IPC overhead.
HEAVY_VS_OXIGRAPH, HEAVY_VS_RDFLIB = 0.9, 20.0
LOOKUP_VS_OXIGRAPH, LOOKUP_VS_RDFLIB = 0.4, 5.0
TARGET_CONCURRENCIES = (8, 32)
#: Above this share of its threads' time the load generator, not the server, may set the rate.
DRIVER_BUSY_LIMIT = 0.8
COLD_START_1M_S = 1.0
MEMORY_PER_WORKER_VS_OXIGRAPH = 1.3


def _shown_args(args: list[str]) -> str:
    """The command line without the options that only name local files."""
    shown, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in ("--cache-dir", "--markdown", "--json"):
            skip = True
        elif not arg.startswith(("--cache-dir=", "--markdown=", "--json=")):
            shown.append(arg)
    return " ".join(shown)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv):
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    p.add_argument("--size", default="100k", help="10k, 100k, 1m or a triple count (default 100k)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--duration", type=float, default=5.0, help="seconds per measurement (default 5)")
    p.add_argument("--concurrency", default="1,8,32", help="comma-separated client counts (default 1,8,32)")
    p.add_argument("--rounds", type=int, default=1, help="round-robin rounds per cell (default 1)")
    p.add_argument("--queries", help="comma-separated query names to run (default: all)")
    p.add_argument("--servers", default="gcm-kg,oxigraph-memory,gcm-kg-store,oxigraph-disk",
                   help="servers to compare (default gcm-kg,oxigraph-memory,gcm-kg-store,oxigraph-disk; also "
                        "rdflib-endpoint): gcm-kg is `gcm-kg serve` in memory, compared with oxigraph-memory "
                        "(`oxigraph serve`, in memory, loaded through its Graph Store); gcm-kg-store is "
                        "`gcm-kg serve --store` over the built store, compared with oxigraph-disk "
                        "(`oxigraph serve-read-only --location` over the store `oxigraph load` built)")
    p.add_argument("--cold-starts", type=int, default=3, help="cold starts of `gcm-kg serve --store` (default 3)")
    p.add_argument("--cache-dir", type=Path, default=harness.default_cache_dir())
    p.add_argument("--python-client", action="store_true", help="use the Python client even if wrk is installed")
    p.add_argument("--markdown", type=Path, help="also write the report as Markdown to FILE")
    p.add_argument("--json", type=Path, help="also write the raw results as JSON to FILE")
    p.add_argument("--render", type=Path, metavar="JSON", help="only re-render the report of a saved --json file")
    return p.parse_args(argv)


def start_servers(names, data, log_dir, servers: harness.Servers) -> list[harness.Server]:
    started = []
    for name in names:
        if name == "gcm-kg":
            server = harness.ours_server(data, log_dir)
        elif name == "gcm-kg-store":
            server = harness.ours_server(data, log_dir, store=True)
        elif name in ("oxigraph-memory", "oxigraph-disk"):
            server = harness.oxigraph_server(data, log_dir, storage=name.split("-")[1])
        elif name == "rdflib-endpoint":
            server = harness.rdflib_server(data, log_dir)
        else:
            raise SystemExit(f"unknown server {name!r}")
        log(f"starting {server.name} …")
        servers.add(server, ready_timeout=1800)
        log(f"  {server.name} answers after {server.ready_after:.2f} s (pid {server.pid})")
        started.append(server)
    return started


def cold_starts(data: harness.Data, log_dir: Path, times: int, factory) -> list[float]:
    """Seconds from process start to the first answered query, ``times`` times."""
    out = []
    for _ in range(times):
        with harness.Servers() as servers:
            server = servers.add(factory(data, log_dir), ready_timeout=300)
            out.append(server.ready_after)
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render:
        report = json.loads(args.render.read_text())
        report["targets"] = evaluate_targets(report)
        markdown = render(report)
        print(markdown)
        if args.markdown:
            args.markdown.write_text(markdown)
        return 0
    missing = harness.missing_tools()
    if missing:
        log("cannot benchmark, missing: " + "; ".join(missing))
        return 2
    use_wrk = bool(harness.tool("wrk")) and not args.python_client
    size_label = args.size.lower()
    n_triples = generate.parse_size(args.size)
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    names = [n.strip() for n in args.servers.split(",") if n.strip()]

    data = harness.prepare_data(size_label, n_triples, args.seed, args.cache_dir, log)
    log(f"dataset {data.directory}: {data.triples} triples ({n_triples} synthetic asked, plus the shipped graph)")
    builds = {"gcm-kg build": harness.build_ours(data, log), "oxigraph load + optimize": harness.build_oxigraph(data, log)}

    report: dict = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m benchmarks.run " + _shown_args(argv if argv is not None else sys.argv[1:]),
        "machine": harness.machine(), "versions": harness.versions(), "driver": "wrk" if use_wrk else "python",
        "size": size_label, "triples": data.triples, "duration": args.duration, "rounds": args.rounds,
        "builds": builds, "cells": [], "memory": {}, "ready_after": {}, "cold_start": {},
    }
    log_dir = Path(tempfile.mkdtemp(prefix="gcm-kg-bench-logs-"))
    log(f"server logs and wrk scripts: {log_dir}")

    with harness.Servers() as servers:
        running = start_servers(names, data, log_dir, servers)
        report["ready_after"] = {s.name: s.ready_after for s in running}
        ours = [s for s in running if s.ours]
        queries = harness.benchmark_queries(data)
        if ours:
            queries += harness.ours_only_queries(data, ours[0].port)
        if args.queries:
            wanted = set(args.queries.split(","))
            queries = [q for q in queries if q.name in wanted]

        log("checking that every server answers every query with the same rows …")
        problems = harness.check_correctness(running, queries, log=log)
        if problems:
            log("REFUSING TO BENCHMARK: the servers disagree:\n  " + "\n  ".join(problems))
            return 3
        log(f"  all {len(running)} servers agree on {len(queries)} queries")

        samplers = {s.name: harness.MemorySampler(s.pid).__enter__() for s in running}
        try:
            cell_index = 0
            for query in queries:
                for c in concurrencies:
                    targets = [s for s in running if s.ours or not query.ours_only]
                    results = {s.name: [] for s in targets}
                    for r in range(args.rounds):
                        shift = (cell_index + r) % len(targets)  # round-robin: who goes first rotates
                        for server in targets[shift:] + targets[:shift]:
                            result = harness.measure(server, query, c, args.duration, log_dir, use_wrk,
                                                     others=[s for s in running if s is not server])
                            results[server.name].append(result)
                            log(f"  {query.name:16} c={c:<3} {server.name:16} {result.rps:9.1f} req/s  "
                                f"p50 {result.p50_ms:8.2f} ms  p99 {result.p99_ms:8.2f} ms  errors {result.errors}")
                    cell_index += 1
                    for name, rounds in results.items():
                        requests = sum(x.requests for x in rounds)
                        report["cells"].append({
                            "query": query.name, "title": query.title, "kind": query.kind, "ours_only": query.ours_only,
                            "concurrency": c, "server": name,
                            "rps": statistics.median(x.rps for x in rounds),
                            "p50_ms": statistics.median(x.p50_ms for x in rounds),
                            "p99_ms": statistics.median(x.p99_ms for x in rounds),
                            "cpu_ms_per_request": 1e3 * sum(x.cpu_seconds for x in rounds) / requests if requests else None,
                            "requests": requests, "errors": sum(x.errors for x in rounds),
                            "seconds": sum(x.seconds for x in rounds),
                            "driver_busy": max((x.driver_busy for x in rounds if x.driver_busy is not None),
                                               default=None),
                        })
        finally:
            for name, sampler in samplers.items():
                sampler.__exit__(None, None, None)
                report["memory"][name] = dict(sampler.peak)
        for server in running:
            report["memory"][server.name]["workers"] = len(harness.web_workers(server.pid)) or 1 if server.ours else 1

    log("cold starts of `gcm-kg serve --store` (and `oxigraph serve`) …")
    report["cold_start"]["gcm-kg serve --store"] = cold_starts(
        data, log_dir, args.cold_starts, lambda d, l: harness.ours_server(d, l, store=True))
    report["cold_start"]["oxigraph serve-read-only"] = cold_starts(data, log_dir, args.cold_starts,
                                                                   harness.oxigraph_server)

    report["targets"] = evaluate_targets(report)
    markdown = render(report)
    print(markdown)
    if args.markdown:
        args.markdown.write_text(markdown)
    if args.json:
        args.json.write_text(json.dumps(report, indent=1))
    return 0


# -- targets and report -----------------------------------------------------------------------------
def _cell(report, query, c, server):
    for cell in report["cells"]:
        if cell["query"] == query and cell["concurrency"] == c and cell["server"] == server:
            return cell
    return None


def _ratio(a, b):
    return a / b if a is not None and b else None


def rps_ratio(mine, theirs) -> tuple[float | None, bool]:
    """(ours ÷ theirs req/s, is_lower_bound). A server that completed no request in its window
    did at most one per window: the ratio is then a lower bound."""
    if not mine or not theirs or not mine["requests"]:
        return None, False
    if theirs["requests"] == 0:
        return (mine["rps"] * theirs["seconds"] if theirs["seconds"] else None), True
    return _ratio(mine["rps"], theirs["rps"]), False


def _fmt_ratio(pair, spec) -> str:
    value, bound = pair
    return "–" if value is None else ("≥ " if bound else "") + format(value, spec)


def anchor_of(report, ours: str) -> str | None:
    """The same-storage ``oxigraph serve`` measured in this run for one of our servers."""
    anchor = ANCHORS.get(ours)
    return anchor if any(c["server"] == anchor for c in report["cells"]) else None


def evaluate_targets(report) -> list[dict]:
    """Each target of the issue: what was measured and whether it is met (None: not measured).

    Every ratio is against the anchor on the same storage; a cell where the load generator was
    saturated is reported but decides nothing (the rate was wrk's)."""
    out = []
    ours_names = [n for n in ANCHORS if any(c["server"] == n for c in report["cells"])]
    shared = sorted({(c["query"], c["kind"]) for c in report["cells"] if not c["ours_only"]})
    for ours in ours_names:
        anchor = anchor_of(report, ours)
        for query, kind in shared:
            for c in TARGET_CONCURRENCIES:
                mine = _cell(report, query, c, ours)
                if mine is None:
                    continue
                for other, goal in ((anchor, HEAVY_VS_OXIGRAPH if kind == "heavy" else LOOKUP_VS_OXIGRAPH),
                                    ("rdflib-endpoint", HEAVY_VS_RDFLIB if kind == "heavy" else LOOKUP_VS_RDFLIB)):
                    theirs = _cell(report, query, c, other) if other else None
                    if theirs is None:
                        continue  # that server was not part of this run
                    ratio, bound = rps_ratio(mine, theirs)
                    # a lower bound under the goal proves nothing either way
                    met = None if ratio is None else (ratio >= goal if not bound else (True if ratio >= goal else None))
                    saturated = [s["server"] for s in (mine, theirs)
                                 if (s.get("driver_busy") or 0) > DRIVER_BUSY_LIMIT]
                    note = ""
                    if saturated:
                        met, note = None, f" (wrk saturated against {', '.join(saturated)})"
                    out.append({"target": f"{query} c={c}: {ours} req/s ≥ {goal:g}× {other}",
                                "measured": None if ratio is None else ("≥ " if bound else "") + f"{ratio:.2f}×"
                                + (" (it completed no request in the window)" if bound else "") + note,
                                "met": met})
        mine, theirs = _cell(report, "join", 32, ours), anchor and _cell(report, "join", 32, anchor)
        if mine and theirs and theirs["requests"]:
            out.append({"target": f"join c=32: {ours} p99 ≤ {anchor}'s",
                        "measured": f"{mine['p99_ms']:.1f} ms vs {theirs['p99_ms']:.1f} ms",
                        "met": mine["p99_ms"] <= theirs["p99_ms"]})
    starts = report["cold_start"].get("gcm-kg serve --store") or []
    if starts:
        median = statistics.median(starts)
        is_1m = report["triples"] >= 1_000_000
        out.append({"target": f"cold start of `gcm-kg serve --store` on a 1M store ≤ {COLD_START_1M_S:g} s",
                    "measured": f"{median:.2f} s (median of {len(starts)}) on {report['triples']} triples",
                    "met": (median <= COLD_START_1M_S) if is_1m else None,
                    "unmet_note": "n/a: not a 1M store"})
    for ours in ours_names:
        anchor = anchor_of(report, ours)
        mem, anchor_rss = report["memory"].get(ours), report["memory"].get(anchor, {}).get("rss")
        if mem and anchor_rss:
            per_worker = mem["pss"] / max(1, mem.get("workers", 1))
            out.append({"target": f"{ours} memory per worker ≤ {MEMORY_PER_WORKER_VS_OXIGRAPH:g}× {anchor} RSS",
                        "measured": f"{per_worker / 2**20:.0f} MiB (peak tree PSS / {mem.get('workers', 1)} workers) "
                                    f"vs {anchor_rss / 2**20:.0f} MiB = {per_worker / anchor_rss:.2f}×",
                        "met": per_worker / anchor_rss <= MEMORY_PER_WORKER_VS_OXIGRAPH})
    return out


def _fmt(value, spec=".1f", none="–"):
    return none if value is None else format(value, spec)


def render(report) -> str:
    m, v = report["machine"], report["versions"]
    lines = [f"# Benchmark: gcm-kg vs oxigraph serve on the same storage ({report['size']}, {report['triples']} triples)",
             "",
             f"- date: {report['date']}; command: `{report['command']}`",
             f"- machine: {m['cores']} cores, {m['memory_gb']} GB, {m['cpu']}",
             "- versions: " + ", ".join(f"{k} {val}" for k, val in v.items()),
             f"- driver: {report['driver']}, {report['duration']:g} s per cell, {report['rounds']} round(s), servers "
             "alternating round-robin in each cell; CPU = server process tree user+system time per request",
             ""]
    lines += ["## Throughput and latency", "",
              "| query | c | server | req/s | p50 ms | p99 ms | CPU ms/req | wrk busy | errors |",
              "|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for cell in report["cells"]:
        done = cell["requests"] > 0
        busy = cell.get("driver_busy")
        lines.append(f"| {cell['query']} | {cell['concurrency']} | {cell['server']} | {_fmt(cell['rps'])} | "
                     f"{_fmt(cell['p50_ms'] if done else None, '.2f')} | {_fmt(cell['p99_ms'] if done else None, '.2f')} | "
                     f"{_fmt(cell['cpu_ms_per_request'], '.2f')} | {'–' if busy is None else f'{100 * busy:.0f} %'} | "
                     f"{cell['errors']} |")
    ours_names = [n for n in ANCHORS if any(c["server"] == n for c in report["cells"])]
    lines += ["", "## Ratios to oxigraph serve on the same storage (req/s of ours ÷ req/s of the anchor; "
              "p99 of ours ÷ p99 of the anchor)", "",
              "| query | c | gcm-kg server | anchor | ÷ anchor | p99 ÷ anchor | ÷ rdflib-endpoint |",
              "|---|---:|---|---|---:|---:|---:|"]
    for cell in report["cells"]:
        if cell["server"] not in ours_names or cell["ours_only"]:
            continue
        anchor = anchor_of(report, cell["server"])
        ox_cell = anchor and _cell(report, cell["query"], cell["concurrency"], anchor)
        rl_cell = _cell(report, cell["query"], cell["concurrency"], "rdflib-endpoint")
        lines.append(f"| {cell['query']} | {cell['concurrency']} | {cell['server']} | {anchor or '–'} | "
                     f"{_fmt_ratio(rps_ratio(cell, ox_cell), '.2f')} | "
                     f"{_fmt(_ratio(cell['p99_ms'], ox_cell and ox_cell['requests'] and ox_cell['p99_ms']), '.2f')} | "
                     f"{_fmt_ratio(rps_ratio(cell, rl_cell), '.1f')} |")
    lines += ["", "## Memory (peaks while serving, whole process tree)", "",
              "| server | RSS MiB | PSS MiB | largest process RSS MiB | processes | workers |",
              "|---|---:|---:|---:|---:|---:|"]
    for name, mem in report["memory"].items():
        lines.append(f"| {name} | {mem['rss'] / 2**20:.0f} | {mem['pss'] / 2**20:.0f} | "
                     f"{mem['max_process_rss'] / 2**20:.0f} | {mem['processes']} | {mem.get('workers', 1)} |")
    lines += ["", "## Start, build and load", "",
              "| what | seconds | store size MB |", "|---|---:|---:|"]
    for name, info in report["builds"].items():
        lines.append(f"| {name} | {info['seconds']:.2f} | {info['bytes'] / 1e6:.1f} |")
    for name, seconds in report["ready_after"].items():
        lines.append(f"| {name}: start to first answered query (benchmark start) | {seconds:.2f} | |")
    for name, starts in report["cold_start"].items():
        if starts:
            lines.append(f"| cold start `{name}` on the built store (median of {len(starts)}: "
                         f"{', '.join(f'{s:.2f}' for s in starts)}) | {statistics.median(starts):.2f} | |")
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for t in report["targets"]:
        met = t.get("unmet_note", "inconclusive") if t["met"] is None else ("yes" if t["met"] else "**no**")
        lines.append(f"| {t['target']} | {t['measured'] or '–'} | {met} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
