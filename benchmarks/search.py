"""How long the full-text search index takes to build, and a search to answer.

    python -m benchmarks.search [--sizes shipped,10k,100k] [--rounds 20]

For each size, the shipped graph (plus a synthetic graph of that many triples from
``benchmarks.generate``, as an extra file) is loaded into an in-memory store, and the index is
built from it by SPARQL as ``gcm-kg serve`` does at start (``gcm-kg build --store`` does the same
once and saves it). Then a few searches — a word, an accent-folded Spanish word, a phrase, a
prefix — each run ``--rounds`` times; the median and the slowest are reported in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import generate

SEARCHES = ("migration", "migracion", '"consular protection"', "reintegr*")


def measure(data_file: Path | None, rounds: int) -> dict:
    """One case, in this process: build seconds, index size, and each search's timings (ms)."""
    from gcm_kg.services.search import SearchIndex
    from gcm_kg.store.embedded import EmbeddedStore

    store = EmbeddedStore.in_memory([data_file] if data_file else [])
    started = time.perf_counter()
    index = SearchIndex.build(store)
    build = time.perf_counter() - started
    searches = {}
    for text in SEARCHES:
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            page = index.search(text)
            times.append((time.perf_counter() - started) * 1000)
        searches[text] = {"hits": page.total, "median_ms": round(statistics.median(times), 3),
                          "max_ms": round(max(times), 3)}
    return {"triples": store.counts().triples, "resources": index.size, "build_s": round(build, 3),
            "searches": searches}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.search", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="shipped,10k,100k",
                        help="comma-separated: shipped and/or triple counts (10k, 100k, 1m)")
    parser.add_argument("--rounds", type=int, default=20, help="runs of each search (default 20)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes.split(","):
            data_file = None
            if size != "shipped":
                data_file = generate.write(generate.parse_size(size), args.seed, Path(tmp) / f"{size}.nt")
            case = measure(data_file, args.rounds)
            searches = "  ".join(f"{text} {s['median_ms']:.2f}/{s['max_ms']:.2f} ms ({s['hits']})"
                                 for text, s in case["searches"].items())
            print(f"{size:>8} ({case['triples']} triples, {case['resources']} resources): build "
                  f"{case['build_s']:.2f} s; median/max {searches}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
