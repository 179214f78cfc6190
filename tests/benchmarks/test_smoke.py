"""CI smoke test of the benchmark harness: correctness only, no speed assertions.

Generates 10k synthetic triples, starts gcm-kg, `oxigraph serve` on both kinds of storage (in
memory, loaded through its Graph Store; read-only over the store `oxigraph load` built) and
rdflib-endpoint briefly on 127.0.0.1, checks that every server answers every benchmark query with
the same rows, and runs the load test for a few seconds with 4 clients (zero 5xx, zero connection
errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import generate, harness, load  # noqa: E402


def test_generator_is_deterministic_and_exact(tmp_path):
    first = "".join(generate.generate(3000, seed=7))
    again = "".join(generate.generate(3000, seed=7))
    other = "".join(generate.generate(3000, seed=8))
    assert first == again
    assert first != other
    assert first.count("\n") == 3000
    triples = list(ox.parse(first.encode(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 3000
    subjects = {t.subject.value for t in triples if isinstance(t.subject, ox.NamedNode)}
    kinds = {s[len(generate.ID):].split("/")[0] for s in subjects if s.startswith(generate.ID)}
    assert {"review", "round-table", "objective", "theme", "question", "work", "passage",
            "organization"} <= kinds
    assert generate.parse_size("10k") == 10_000 and generate.parse_size("1m") == 1_000_000


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    missing = harness.missing_tools()
    if missing:
        pytest.skip("benchmark smoke test needs: " + "; ".join(missing))
    cache = tmp_path_factory.mktemp("bench-cache")
    logs = tmp_path_factory.mktemp("bench-logs")
    data = harness.prepare_data("10k", 10_000, 1, cache, log=lambda m: None)
    harness.build_oxigraph(data, log=lambda m: None)
    with harness.Servers() as group:
        ours = group.add(harness.ours_server(data, logs), ready_timeout=120)
        oxigraph_disk = group.add(harness.oxigraph_server(data, logs, storage="disk"), ready_timeout=60)
        oxigraph_memory = group.add(harness.oxigraph_server(data, logs, storage="memory"), ready_timeout=60)
        rdflib = group.add(harness.rdflib_server(data, logs), ready_timeout=180)
        yield data, ours, oxigraph_disk, oxigraph_memory, rdflib


def test_every_server_answers_every_query_with_the_same_rows(servers):
    data, ours, oxigraph_disk, oxigraph_memory, rdflib = servers
    queries = harness.benchmark_queries(data) + harness.ours_only_queries(data, ours.port)
    assert {"lookup", "join", "group-count", "contains", "optional-order", "describe"} <= {q.name for q in queries}
    assert "deref" in {q.name for q in queries}
    problems = harness.check_correctness([ours, oxigraph_disk, oxigraph_memory, rdflib], queries, samples=3)
    assert problems == []


def test_each_of_our_servers_has_an_anchor_on_the_same_storage(servers):
    _data, ours, oxigraph_disk, oxigraph_memory, _rdflib = servers
    assert harness.ANCHORS[ours.name] == oxigraph_memory.name
    assert harness.ANCHORS["gcm-kg --store"] == oxigraph_disk.name
    assert "--store" in harness.ours_server(_data, Path("."), store=True).argv
    assert oxigraph_disk.argv[1] == "serve-read-only" and "--location" in oxigraph_disk.argv
    assert oxigraph_memory.argv[1] == "serve" and "--location" not in oxigraph_memory.argv


def test_drivers_measure_without_errors(servers, tmp_path):
    data, ours, oxigraph, _memory, _rdflib = servers
    lookup = harness.benchmark_queries(data)[0]
    drivers = [False] + ([True] if harness.tool("wrk") else [])
    for use_wrk in drivers:
        for server in (ours, oxigraph):
            result = harness.measure(server, lookup, 2, 1, tmp_path, use_wrk)
            assert result.requests > 0 and result.errors == 0, (server.name, use_wrk, result)
            assert result.cpu_seconds >= 0
            if use_wrk:  # wrk's own CPU is measured, so a saturated load generator shows
                assert result.driver_busy is not None and 0 < result.driver_busy < 1.5, result


def test_load_test_has_no_server_or_connection_errors(servers):
    data, ours, _oxigraph, _memory, _rdflib = servers
    mix = load.mixed_requests(data, ours.port)
    result = load.run_load(ours.port, mix, clients=4, duration=3)
    assert result["requests"] > 0
    assert result["server_errors"] == 0, result["statuses"]
    assert result["connection_errors"] == 0, result["failures"]
    assert result["failures"] == {}, result["failures"]
