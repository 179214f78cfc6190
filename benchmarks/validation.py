"""How long SHACL validation takes: the shipped data, and synthetic graphs of 10k/100k triples.

    python -m benchmarks.validation [--sizes shipped,10k,100k] [--rounds 3] [--compare]

Each case runs in a fresh interpreter, as ``gcm-kg validate`` does, and reports wall-clock and
CPU seconds for each phase: importing gcm-kg's validation and pySHACL, loading the graph, the
first validation (which also loads the shapes and prepares the SHACL-SPARQL queries), the best of
``--rounds`` further validations, and locating the results in the files. Synthetic graphs
(``benchmarks.generate``) are validated as a user's file is, with the shipped data as reference.
``--compare`` runs each case a second time with SPARQL-based targets left to rdflib, to show
what answering them with pyoxigraph brings. CPU seconds are the steadier figure on a shared
machine.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import generate

ROOT = Path(__file__).resolve().parents[1]


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> dict[str, float]:
    wall, cpu = _clock()
    return {"wall": round(wall - start[0], 3), "cpu": round(cpu - start[1], 3)}


def measure(data_file: str | None, rounds: int, rdflib_targets: bool) -> dict:
    """One case, in this process: the phases of a validation, in seconds."""
    phases = {}
    start = _clock()
    from gcm_kg.services import validation
    import pyshacl  # noqa: F401  (validate() imports it on first use: counted here, not there)

    if rdflib_targets:
        validation._select_on_oxigraph = lambda *args: None
    phases["import"] = _since(start)

    start = _clock()
    if data_file:
        files = [Path(data_file)]
        data = validation.load_graph(files)
        reference = validation.shipped_graph("data")
        reference_files = validation.shipped_files("data")
    else:
        files, reference = [], None
        data = validation.shipped_graph("ontology", "data")
        reference_files = validation.shipped_files("ontology", "data")
    phases["load"] = _since(start)

    start = _clock()
    result = validation.validate(data, reference=reference)
    phases["first validation"] = _since(start)

    again = []
    for _ in range(rounds):
        start = _clock()
        validation.validate(data, reference=reference)
        again.append(_since(start))
    if again:
        phases[f"best of {rounds} more"] = min(again, key=lambda t: t["cpu"])

    start = _clock()
    validation.locate_results(result, files, reference_files)
    phases["locate"] = _since(start)
    return {"triples": len(data), "results": len(result.results), "phases": phases}


def run_case(name: str, data_file: Path | None, rounds: int, rdflib_targets: bool) -> dict:
    command = [sys.executable, "-m", "benchmarks.validation", "--child", str(data_file or ""),
               "--rounds", str(rounds)] + (["--rdflib-targets"] if rdflib_targets else [])
    proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    return {"case": name, "targets": "rdflib" if rdflib_targets else "pyoxigraph", **json.loads(proc.stdout)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.validation", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,10k,100k",
                        help="comma-separated: shipped and/or triple counts (10k, 100k, 1m)")
    parser.add_argument("--rounds", type=int, default=3, help="validations after the first (default 3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare", action="store_true", help="also run with SPARQL targets on rdflib")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--rdflib-targets", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(measure(args.child or None, args.rounds, args.rdflib_targets)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            data_file = None
            if size != "shipped":
                data_file = generate.write(generate.parse_size(size), args.seed, Path(tmp) / f"{size}.nt")
            for rdflib_targets in ([False, True] if args.compare else [False]):
                case = run_case(size, data_file, args.rounds, rdflib_targets)
                phases = "  ".join(f"{phase} {t['wall']:.2f}s/{t['cpu']:.2f}s cpu" for phase, t in case["phases"].items())
                print(f"{size:>8} ({case['triples']} triples, {case['results']} results, targets on "
                      f"{case['targets']}): {phases}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
