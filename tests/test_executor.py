"""The query executor: one query process per web worker, with a lane per concurrent query.

These tests run real query processes (forked from the test process) over the protocol suite's
store, whose generated graph makes joins as slow as a test needs.
"""

from __future__ import annotations

import threading
import time

import pytest

from gcm_kg.executor import ProcessExecutor
from gcm_kg.store import EmbeddedStore, QueryTimeout

from .protocol.conftest import GENERATED, protocol_store

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


def test_queries_of_one_worker_share_one_query_process(executor):
    before = executor._child
    executor.execute("ASK {}")
    assert executor._child is before and len(before.lanes) == 2


def test_a_query_killed_with_its_neighbours_process_is_run_again_and_answered(executor):
    """A runaway on one lane is stopped by killing the query process; the query on the other lane
    was innocent, so it is re-run on the fresh process and still gets its full answer."""
    outcome: dict = {}

    def innocent():
        outcome["output"] = executor.execute(SLOW_BUT_FINITE, accept="text/tab-separated-values")

    thread = threading.Thread(target=innocent)
    thread.start()
    time.sleep(0.2)
    first = executor._child
    with pytest.raises(QueryTimeout):
        executor.execute(RUNAWAY, timeout=0.5)
    thread.join(60)
    assert executor._child is not first and not first.process.is_alive()
    assert count(outcome["output"]) == 100 * 300 * 300
    assert executor.stats.timeouts == 1 and executor.stats.crashes == 0


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
