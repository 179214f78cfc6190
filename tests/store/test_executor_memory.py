"""The query executor's memory budget, on a real query process forked from the test process."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from gcm_kg.sparql.model import QueryMemoryExceeded
from gcm_kg.store.embedded import shipped_store
from tests.support.processes import cpu_seconds
from gcm_kg.store.executor import (DEFAULT_MEMORY_CAP, ProcessExecutor, _encode, default_memory_budget,
                                   describe_size, read_fatal_report)

BUDGET = 64 << 20
HEAVY = "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z } ORDER BY ?a ?b ?c"
COUNT = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
#: Seconds of work over 3 million rows in constant memory (a query that never nears the budget).
MODEST = ("SELECT (COUNT(*) AS ?n) { VALUES ?v { " + " ".join(str(i) for i in range(1000)) + " } "
          "?s ?p ?o FILTER(STRLEN(STR(?o)) < ?v - 100000) }")
REPORTS = Path(__file__).parent / "fixtures" / "fatal_reports"


@pytest.fixture
def budgeted():
    """A query process with a small memory budget (the executor under test in tests/store)."""
    executor = ProcessExecutor(shipped_store(), timeout=30, memory_budget=BUDGET, concurrency=2)
    executor.warm_up()
    yield executor
    executor.close()


def test_a_query_over_the_budget_is_stopped_and_the_process_replaced(budgeted):
    before = budgeted.query_process_pid
    with pytest.raises(QueryMemoryExceeded, match="more than the 64 MiB of memory"):
        budgeted.execute(HEAVY, accept="text/csv")
    assert budgeted.stats.memory_exceeded == 1
    assert budgeted.stats.crashes == 0  # its own thread aborted: it is not run again
    assert budgeted.execute(COUNT, accept="text/csv").body.startswith(b"n\r\n")
    assert budgeted.query_process_pid != before


def test_an_abort_names_the_lane_thread_it_hit_and_a_kill_is_no_abort(budgeted):
    """What a worker reads after its lane ended: the aborted process's report names the lane's
    thread in the query process; a SIGKILLed process (a time limit) leaves no abort behind."""
    lane = budgeted._take_lane(None)
    lane.conn.send_bytes(_encode(("execute", (HEAVY, "text/csv", None, (), (), None, None, 30))))
    assert lane.wait(30)
    lane.close()
    assert lane.thread > 0
    assert budgeted._service.aborted_by(lane.pid) == lane.thread
    fresh = budgeted._take_lane(time.monotonic() + 10)
    os.kill(fresh.pid, signal.SIGKILL)
    assert fresh.wait(10)
    fresh.close()
    assert budgeted._service.aborted_by(fresh.pid) is None


def test_a_report_stays_readable_after_the_next_process_aborts_too(budgeted):
    """A worker descheduled after its lane ended may read the report only once the next process has
    ended as well: the supervisor must not have removed it."""
    lanes = []
    for _ in range(2):
        lane = budgeted._take_lane(time.monotonic() + 10)
        lane.conn.send_bytes(_encode(("execute", (HEAVY, "text/csv", None, (), (), None, None, 30))))
        assert lane.wait(30)
        lane.close()
        lanes.append(lane)
    assert lanes[0].pid != lanes[1].pid
    assert wait_until(lambda: budgeted.query_process_pid not in (lanes[0].pid, lanes[1].pid), 10)
    assert [budgeted._service.aborted_by(lane.pid) for lane in lanes] == [lane.thread for lane in lanes]


@pytest.mark.parametrize("report, verdict", [
    ("aborted_in_a_lane_thread", 0x00007fedd336e6c0),
    ("aborted_thread_listed_after_many_others", 0x00007fedd336e6c0),  # past the first 4 KiB
    ("headers_of_two_aborts_interleaved", 0x00007fedd236c6c0),
    ("cut_short_by_a_second_abort", 0),  # an abort, in a thread it no longer says
    ("segmentation_fault", None),
    ("killed_before_writing", None),
])
def test_a_fatal_report_tells_the_aborting_thread_or_at_least_the_abort(report, verdict):
    assert read_fatal_report((REPORTS / f"{report}.txt").read_text()) == verdict


def wait_until(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        time.sleep(0.02)
    return True


def test_a_query_whose_process_ends_under_it_twice_once_at_the_budget_is_stopped_by_it(budgeted):
    """Killed once (no report: as at another query's time limit), then aborted at the budget by a
    heavy query beside its re-run: the budget left it no room, so 503, not 'the process ended'."""
    outcome = []

    def run_modest():
        try:
            outcome.append(budgeted.execute(MODEST, accept="text/csv"))
        except Exception as error:  # noqa: BLE001 (the outcome is what the test checks)
            outcome.append(error)

    modest = threading.Thread(target=run_modest)
    first = budgeted.query_process_pid
    modest.start()
    assert wait_until(lambda: cpu_seconds(first) > 0.3, 20), "the query did not start"
    os.kill(first, signal.SIGKILL)
    assert wait_until(lambda: budgeted.query_process_pid not in (None, first), 10)
    second = budgeted.query_process_pid
    assert wait_until(lambda: cpu_seconds(second) > 0.3, 20), "the query was not run again"
    with pytest.raises(QueryMemoryExceeded):
        budgeted.execute(HEAVY, accept="text/csv")
    modest.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], QueryMemoryExceeded), outcome
    assert budgeted.stats.crashes == 2  # the modest query, once per process ended under it
    assert budgeted.stats.memory_exceeded == 2


def test_concurrent_heavy_queries_share_the_one_budget(budgeted):
    errors = []

    def run():
        try:
            budgeted.execute(HEAVY, accept="text/csv")
        except QueryMemoryExceeded as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(errors) == 2
    assert budgeted.stats.memory_exceeded == 2


def data_limit(pid: int) -> str:
    line = next(line for line in Path(f"/proc/{pid}/limits").read_text().splitlines()
                if line.startswith("Max data size"))
    return line.split()[3]  # the soft limit


def data_held(pid: int) -> int:
    line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmData:"))
    return int(line.split()[1]) * 1024


def test_the_limit_is_what_the_process_holds_at_rest_plus_the_budget(budgeted):
    """(Plus room for the stacks of lane threads not started yet: warm_up opened one of two.)"""
    pid = budgeted.query_process_pid
    room = int(data_limit(pid)) - data_held(pid)
    assert BUDGET - (4 << 20) < room <= BUDGET + 2 * (8 << 20)


def test_no_budget_sets_no_limit():
    unbudgeted = ProcessExecutor(shipped_store(), timeout=30)
    try:
        unbudgeted.warm_up()
        assert data_limit(unbudgeted.query_process_pid) == "unlimited"
    finally:
        unbudgeted.close()


def test_the_default_budget_is_a_quarter_of_memory_at_most_and_1_gib_at_most():
    machine = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    assert 0 < default_memory_budget() <= min(DEFAULT_MEMORY_CAP, machine // 4)


@pytest.mark.parametrize("size, text", [(1 << 30, "1 GiB"), (256 << 20, "256 MiB"), (3 << 29, "1.5 GiB"),
                                        (1536, "1.5 KiB"), (100, "100 bytes")])
def test_sizes_are_described_as_an_operator_writes_them(size, text):
    assert describe_size(size) == text
