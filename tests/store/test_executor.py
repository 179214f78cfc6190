"""The query executor: one query process for the service, a lane per concurrent query.

These tests run real query processes (forked from the test process) over the protocol suite's
store, whose generated graph makes joins as slow as a test needs.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from gcm_kg.store.executor import PROCESS_NAME, ProcessExecutor
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.sparql.model import QueryTimeout

from ..protocol.conftest import GENERATED, protocol_store

RUNAWAY = f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GENERATED}> {{ ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?h ?i }} }}"
#: 100 × 300 × 300 rows: about two seconds of work, and a known answer.
SLOW_BUT_FINITE = (f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{GENERATED}> {{ ?a ?p ?b FILTER(STRLEN(?b) < 3) "
                   f"?c ?q ?d . ?e ?r ?f }} }}")


@pytest.fixture
def executor():
    executor = ProcessExecutor(EmbeddedStore(protocol_store()), timeout=30, max_rows=50, concurrency=2)
    executor.warm_up()
    yield executor
    executor.close()


def count(output) -> int:
    return int(output.body.decode().splitlines()[1].split("^^")[0].strip('"'))


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def test_queries_share_one_named_query_process(executor):
    before = executor.query_process_pid
    threads = [threading.Thread(target=executor.execute, args=("ASK {}",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert executor.query_process_pid == before
    assert Path(f"/proc/{before}/comm").read_text().strip() == PROCESS_NAME


def test_a_query_killed_with_its_neighbours_process_is_run_again_and_answered(executor):
    """A runaway on one lane is stopped by killing the query process; the query on the other lane
    was innocent, so it is re-run on the fresh process and still gets its full answer."""
    outcome: dict = {}

    def innocent():
        outcome["output"] = executor.execute(SLOW_BUT_FINITE, accept="text/tab-separated-values")

    thread = threading.Thread(target=innocent)
    thread.start()
    time.sleep(0.2)
    first = executor.query_process_pid
    with pytest.raises(QueryTimeout):
        executor.execute(RUNAWAY, timeout=0.5)
    thread.join(60)
    assert executor.query_process_pid != first and not alive(first)
    assert count(outcome["output"]) == 100 * 300 * 300
    assert executor.stats.timeouts == 1 and executor.stats.crashes == 1  # (the innocent query's first run)


def test_the_rerun_keeps_the_first_runs_time_limit(executor):
    outcome: dict = {}

    def innocent():
        started = time.monotonic()
        try:
            executor.execute(RUNAWAY, timeout=1.5)
        except QueryTimeout as error:
            outcome["error"], outcome["seconds"] = error, time.monotonic() - started

    thread = threading.Thread(target=innocent)
    thread.start()
    time.sleep(0.2)
    with pytest.raises(QueryTimeout):
        executor.execute(RUNAWAY, timeout=0.5)
    thread.join(60)
    assert "error" in outcome and outcome["seconds"] < 3  # 1.5 s in all, not 1.5 s more after the re-run


def _runaway_on_a_raw_lane(executor, limit):
    """Send the runaway down a lane of our own, as a worker would, and return the lane."""
    from gcm_kg.store.executor import _connect, _encode

    lane = _connect(executor._service.address, 10)
    lane.conn.send_bytes(_encode(("execute", (RUNAWAY, None, None, (), (), None, None, limit))))
    return lane


def wait_for(condition, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_a_query_whose_worker_hung_up_is_stopped_with_its_process(executor):
    """A worker that dies mid-query leaves nobody to enforce its time limit: the query process
    sees the lane hang up and ends itself, and a fresh one takes over."""
    lane = _runaway_on_a_raw_lane(executor, limit=None)
    time.sleep(0.3)
    assert alive(lane.pid)
    lane.close()  # the worker is gone
    assert wait_for(lambda: not alive(lane.pid), 3)
    assert wait_for(lambda: executor.query_process_pid not in (None, lane.pid), 3)
    assert b"true" in executor.execute("ASK {}").body


def test_a_query_past_its_time_limit_ends_its_process_even_if_no_worker_kills_it(executor):
    lane = _runaway_on_a_raw_lane(executor, limit=0.2)
    started = time.monotonic()
    assert wait_for(lambda: not alive(lane.pid), 5)
    assert time.monotonic() - started >= 1.0  # the limit, plus the grace left to the worker
    lane.close()
    assert b"true" in executor.execute("ASK {}").body
