"""Runaway queries on a real ``gcm-kg serve --timeout 1`` (gunicorn, 2 workers): each is cut at the
time limit with 503 + Retry-After, other clients are served meanwhile, and afterwards the process
tree is back to normal — as many query processes as before, and no memory kept."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .conftest import Served, ask, post, wait_for

from gcm_kg.cli.serve import THREADS

WORKERS = 2
LIMIT = 1.0
EVERYTHING_4 = "?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i"
RUNAWAYS = {
    "4-way cartesian self-join with COUNT": f"SELECT (COUNT(*) AS ?n) {{ {EVERYTHING_4} }}",
    "4-way cartesian self-join, no COUNT, filtered to nothing": (f"SELECT * {{ {EVERYTHING_4} "
                                                                  f"FILTER(STRLEN(CONCAT(STR(?b), STR(?d), STR(?f), STR(?i))) < 0) }}"),
    "4-way cartesian self-join, ORDER BY": f"SELECT * {{ {EVERYTHING_4} }} ORDER BY ?i",
    "ORDER BY over everything joined": "SELECT * { ?a ?p ?b . ?c ?q ?d } ORDER BY ?b ?d",
    "GROUP BY over everything joined": "SELECT ?b (COUNT(?d) AS ?n) { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f } GROUP BY ?b",
    "property path (<p>|!<p>)* joined": ("SELECT (COUNT(*) AS ?n) { ?s (<http://x/p>|!<http://x/p>)* ?o . "
                                         "?a (<http://x/p>|!<http://x/p>)* ?b }"),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("runaway"), "--workers", str(WORKERS), "--timeout", str(LIMIT))
    try:
        served.wait_ready()
        # Let every worker open all its lanes to the query process before the baseline.
        with ThreadPoolExecutor(WORKERS * THREADS * 2) as pool:
            for _ in range(3):
                list(pool.map(lambda _: ask(served.url), range(WORKERS * THREADS * 2)))
        yield served
    finally:
        code = served.stop()
        assert code == 0, served.log
        assert "Traceback" not in served.log, served.log


@pytest.mark.parametrize("name", list(RUNAWAYS))
def test_a_runaway_query_is_cut_at_the_time_limit_with_503(server, name):
    started = time.monotonic()
    response = post(server.url, RUNAWAYS[name])
    elapsed = time.monotonic() - started
    assert response.status_code == 503, (response.status_code, response.text[:300])
    assert int(response.headers["Retry-After"]) > 0
    assert "time limit" in response.json()["detail"]
    assert LIMIT <= elapsed < LIMIT + 4
    assert ask(server.url).json()["boolean"] is True


def test_a_4way_join_without_count_is_stopped_by_the_row_cap_not_the_clock(server):
    response = post(server.url, f"SELECT * {{ {EVERYTHING_4} }}")
    assert response.status_code == 200
    assert response.headers["X-Result-Truncated"] == "true"
    assert len(response.json()["results"]["bindings"]) == int(response.headers["X-Row-Limit"])


def test_other_clients_are_served_during_runaways_and_the_tree_recovers(server):
    # A query process killed by an earlier test is replaced in the background: let it settle.
    assert wait_for(lambda: len(server.query_processes()) == 1, 10), \
        (server.query_processes(), server.log)
    baseline_processes = sorted(server.query_processes())
    baseline_rss = server.tree_rss_mb()

    runaway_results: list[requests.Response] = []
    runaway_done = threading.Event()

    def runaways():
        with ThreadPoolExecutor(2) as pool:  # half the capacity: 2 of 4 request threads
            runaway_results.extend(pool.map(lambda q: post(server.url, q),
                                            [RUNAWAYS["4-way cartesian self-join with COUNT"],
                                             RUNAWAYS["ORDER BY over everything joined"]]))
        runaway_done.set()

    thread = threading.Thread(target=runaways)
    thread.start()
    time.sleep(0.2)
    quick: list[tuple[int, float, bool]] = []
    end = time.monotonic() + 3
    while time.monotonic() < end and len(quick) < 200:
        started = time.monotonic()
        response = ask(server.url, "ASK { ?s a ?type }")
        quick.append((response.status_code, time.monotonic() - started, runaway_done.is_set()))
    thread.join(30)
    assert [r.status_code for r in runaway_results] == [503, 503]
    assert all(status == 200 for status, _, _ in quick), quick
    during = [seconds for _, seconds, done in quick if not done]
    assert len(during) >= 3, quick  # answered while the runaway queries still ran
    assert min(during) < 0.5

    # Afterwards: the killed query process was replaced, the memory it held is gone.
    assert wait_for(lambda: len(server.query_processes()) == len(baseline_processes), 10), \
        (baseline_processes, server.query_processes())
    assert sorted(server.query_processes()) != baseline_processes  # (they are new processes)
    recovered = wait_for(lambda: server.tree_rss_mb() < baseline_rss * 1.25 + 50, 10)
    assert recovered, (baseline_rss, server.tree_rss_mb())
    assert ask(server.url).json()["boolean"] is True
