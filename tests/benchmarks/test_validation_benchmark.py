"""The validation benchmark runs (correctness only, no speed assertions)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import validation as benchmark  # noqa: E402


def test_measure_reports_every_phase_of_the_shipped_data():
    case = benchmark.measure(None, rounds=1, rdflib_targets=False)
    assert case["results"] == 7 and case["triples"] > 1000
    assert list(case["phases"]) == ["import", "load", "first validation", "best of 1 more", "locate"]
    assert all(t["wall"] >= 0 and t["cpu"] >= 0 for t in case["phases"].values())
