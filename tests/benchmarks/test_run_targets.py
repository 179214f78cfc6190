"""The benchmark's verdicts: each of our servers against `oxigraph serve` on the same storage."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import run  # noqa: E402


def _cell(server, query, kind, c, rps, busy=0.1):
    return {"query": query, "kind": kind, "ours_only": False, "concurrency": c, "server": server, "rps": rps,
            "p50_ms": 1.0, "p99_ms": 2.0, "requests": int(rps * 5), "seconds": 5.0, "errors": 0,
            "cpu_ms_per_request": 1.0, "driver_busy": busy}


def _report(cells):
    return {"cells": cells, "cold_start": {}, "memory": {}, "triples": 100_000}


def _verdicts(report):
    return {t["target"]: t for t in run.evaluate_targets(report)}


def test_each_server_is_compared_with_the_anchor_on_its_own_storage_only():
    report = _report([
        _cell("gcm-kg", "join", "heavy", 8, 950), _cell("oxigraph-memory", "join", "heavy", 8, 1000),
        _cell("gcm-kg --store", "join", "heavy", 8, 300), _cell("oxigraph-disk", "join", "heavy", 8, 400),
    ])
    verdicts = _verdicts(report)
    assert verdicts["join c=8: gcm-kg req/s ≥ 0.9× oxigraph-memory"]["met"] is True
    assert verdicts["join c=8: gcm-kg --store req/s ≥ 0.9× oxigraph-disk"]["met"] is False
    assert not any("gcm-kg req/s" in t and "oxigraph-disk" in t for t in verdicts)
    assert not any("--store req/s" in t and "oxigraph-memory" in t for t in verdicts)


def test_lookup_target_is_lower_and_both_concurrencies_count():
    report = _report([
        _cell("gcm-kg", "lookup", "lookup", 8, 450), _cell("oxigraph-memory", "lookup", "lookup", 8, 1000),
        _cell("gcm-kg", "lookup", "lookup", 32, 350), _cell("oxigraph-memory", "lookup", "lookup", 32, 1000),
    ])
    verdicts = _verdicts(report)
    assert verdicts["lookup c=8: gcm-kg req/s ≥ 0.4× oxigraph-memory"]["met"] is True
    assert verdicts["lookup c=32: gcm-kg req/s ≥ 0.4× oxigraph-memory"]["met"] is False


def test_a_cell_where_wrk_was_saturated_decides_nothing():
    report = _report([_cell("gcm-kg", "join", "heavy", 8, 500),
                      _cell("oxigraph-memory", "join", "heavy", 8, 1000, busy=0.95)])
    verdict = _verdicts(report)["join c=8: gcm-kg req/s ≥ 0.9× oxigraph-memory"]
    assert verdict["met"] is None and "wrk saturated against oxigraph-memory" in verdict["measured"]


def test_without_its_anchor_in_the_run_a_server_gets_no_speed_verdict():
    report = _report([_cell("gcm-kg", "join", "heavy", 8, 500), _cell("oxigraph-disk", "join", "heavy", 8, 100)])
    assert not any(t["target"].startswith("join") for t in run.evaluate_targets(report))


def test_the_report_names_the_anchor_of_each_ratio():
    report = _report([_cell("gcm-kg", "join", "heavy", 8, 500), _cell("oxigraph-memory", "join", "heavy", 8, 1000)])
    report.update(date="d", command="c", machine={"cores": 2, "memory_gb": 1, "cpu": "x"}, versions={},
                  driver="wrk", size="10k", duration=1, rounds=1, builds={}, ready_after={})
    report["targets"] = run.evaluate_targets(report)
    markdown = run.render(report)
    assert "| join | 8 | gcm-kg | oxigraph-memory | 0.50 |" in markdown
    assert "wrk busy" in markdown and "10 %" in markdown
