"""Per-call cost of the bounded-lookup recogniser, which runs on every query a web worker executes.

    python -m benchmarks.bounded_cost [--number N] [--repeat R]

Times :func:`gcm_kg.sparql.bounded.lookup_pattern` with ``timeit`` on a few typical queries —
lookups it accepts (with and without a prologue) and queries it refuses early or late — and
prints the best of ``--repeat`` runs in microseconds of the thread's CPU time per call (CPU time,
not wall-clock time, so that other work on a busy machine disturbs the figures less). Compare
figures taken on the same machine only.
"""

from __future__ import annotations

import argparse
import time
import timeit

from gcm_kg.sparql.bounded import lookup_pattern

PROLOGUE = "".join(f"PREFIX {name}: <https://w3id.org/gcm-kg/{name}/>\n"
                   for name in ("gcm", "gcmo", "id", "theme", "objective"))
QUERIES = {
    "lookup, no prologue": "SELECT ?p ?o WHERE { <https://w3id.org/gcm-kg/id/objective/9> ?p ?o }",
    "lookup, 5 prefixes": PROLOGUE + "SELECT ?p ?o WHERE { objective:nine ?p ?o } LIMIT 100",
    "describe": "DESCRIBE <https://w3id.org/gcm-kg/id/objective/9>",
    "join, 5 prefixes (refused)": PROLOGUE + "SELECT * WHERE { ?s a gcmo:Objective ; ?p ?o . ?o ?q ?r }",
    "aggregate (refused)": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bounded_cost", description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="calls per run (default 20000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs; the best is shown (default 7)")
    args = parser.parse_args(argv)
    for name, query in QUERIES.items():
        timer = timeit.Timer(lambda query=query: lookup_pattern(query), timer=time.thread_time)
        best = min(timer.repeat(number=args.number, repeat=args.repeat))
        accepted = "accepted" if lookup_pattern(query) is not None else "refused"
        print(f"{name:<28} {best / args.number * 1e6:6.2f} µs/call  ({accepted})")


if __name__ == "__main__":
    main()
