"""The search benchmark runs (correctness only, no speed assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import generate  # noqa: E402
from benchmarks import search as benchmark  # noqa: E402


def test_measure_reports_the_build_and_every_search(tmp_path):
    shipped = benchmark.measure(None, rounds=2)
    data = generate.write(3000, 1, tmp_path / "3k.nt")
    grown = benchmark.measure(data, rounds=2)
    assert grown["triples"] > shipped["triples"] and grown["resources"] > shipped["resources"] > 100
    for case in (shipped, grown):
        assert case["build_s"] > 0 and list(case["searches"]) == list(benchmark.SEARCHES)
        assert all(s["hits"] > 0 and 0 <= s["median_ms"] <= s["max_ms"] for s in case["searches"].values())
