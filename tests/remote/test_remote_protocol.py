"""The protocol suites of ``tests/protocol`` a second time, with a RemoteStore behind ``/sparql``.

Every test of ``test_w3c_protocol`` and ``test_protocol_http`` is collected here again; their
``live`` / ``executor`` / ``settings`` fixtures come from this folder's conftest, so the same
requests go to a gcm-kg app whose queries are answered by ``oxigraph serve`` holding the same data.
Three tests differ by design, and are replaced below with their remote-store meaning.
"""

from __future__ import annotations

import threading
import time

import pytest


from ..protocol.conftest import DATA_GRAPH, DEAD_SERVICE
from ..protocol.test_protocol_http import *  # noqa: F401,F403 — collected again with the remote fixtures
from ..protocol.test_protocol_http import RUNAWAY, get, post_query
from ..protocol.test_w3c_protocol import *  # noqa: F401,F403

# The process executor's crash recovery has no remote counterpart (no query processes); sending
# the 6000-deep query straight to the upstream engine would only test the engine.
del test_a_crashing_query_process_is_replaced  # noqa: F821


def test_execution_failure_is_500(live):
    """Replaced: a query that fails inside the upstream engine (its SERVICE call fails) is a 502."""
    response = get(live, f"SELECT * {{ SERVICE <{DEAD_SERVICE}> {{ ?s ?p ?o }} }}",
                   "application/sparql-results+json, application/problem+json;q=0.5")
    assert response.status_code == 502
    problem = response.json()
    assert problem["status"] == 502 and "upstream SPARQL endpoint" in problem["detail"]


def test_runaway_query_is_stopped_with_503_while_others_are_served(live):
    """Replaced: past the time limit the upstream request is cut → 504 (a gateway timeout)."""
    outcome = {}

    def runaway():
        started = time.monotonic()
        outcome["response"] = post_query(live, RUNAWAY, "application/problem+json")
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    quick = get(live, "ASK { ?s a ?t }", "application/sparql-results+json")
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert time.monotonic() - started < 0.9  # answered while the runaway query is still running
    thread.join(30)
    response = outcome["response"]
    assert response.status_code == 504
    assert "time limit" in response.json()["detail"]
    assert outcome["seconds"] < 4
    assert get(live, "ASK {}", "application/sparql-results+json").json()["boolean"] is True


@pytest.mark.parametrize("query, expected", [
    (f"ASK FROM <{DATA_GRAPH.format(1)}> {{ <{DATA_GRAPH.format(2)}> a ?t }}", False),
    (f"ASK FROM <{DATA_GRAPH.format(1)}> {{ <{DATA_GRAPH.format(1)}> a ?t }}", True),
    ("PREFIX d: <http://kasei.us/2009/09/sparql/data/> "
     f"ASK FROM d:data1.rdf FROM d:data2.rdf {{ <{DATA_GRAPH.format(3)}> a ?t }}", False),
    ("BASE <http://kasei.us/2009/09/sparql/data/> ASK FROM <data3.rdf> "
     f"{{ <{DATA_GRAPH.format(3)}> a ?t }}", True),
    (f"ASK FROM NAMED <{DATA_GRAPH.format(1)}> {{ ?s a ?t }}", False),  # FROM NAMED only: empty default graph
    (f"ASK FROM NAMED <{DATA_GRAPH.format(1)}> {{ GRAPH ?g {{ <{DATA_GRAPH.format(1)}> a ?t }} }}", True),
])
def test_from_clauses_define_the_dataset(live, query, expected):
    """The query's FROM / FROM NAMED give its dataset (the upstream's union option must not win)."""
    response = get(live, query, "application/sparql-results+json")
    assert response.status_code == 200 and response.json()["boolean"] is expected
