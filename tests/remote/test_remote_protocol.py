"""The protocol suites of ``tests/protocol`` a second time, with a RemoteStore behind ``/sparql``.

Every test of ``test_w3c_protocol`` and ``test_protocol_http`` is collected here again; their
``live`` / ``executor`` / ``settings`` fixtures come from this folder's conftest, so the same
requests go to a gcm-kg app whose queries are answered by ``oxigraph serve`` holding the same data.
Two answers differ by design and come from this folder's fixtures: a query failing upstream is a
502 (``failure_status``) and one cut at the time limit a 504 (``timeout_status``); the
query-process crash test has no remote counterpart.
"""

from __future__ import annotations

import pytest

from ..protocol.conftest import DATA_GRAPH
from ..protocol.test_protocol_http import *  # noqa: F401,F403 — collected again with the remote fixtures
from ..protocol.test_protocol_http import get
from ..protocol.test_w3c_protocol import *  # noqa: F401,F403

# The process executor's crash recovery has no remote counterpart (no query processes); sending
# the 6000-deep query straight to the upstream engine would only test the engine.
del test_a_crashing_query_process_is_replaced  # noqa: F821


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
