"""Bounded lookups: which queries may skip the query process, and that skipping changes no answer.

The fixtures in ``fixtures/bounded/accepted`` and ``fixtures/bounded/refused`` are one query per
behaviour, named for it. The property test then checks the recogniser against pyoxigraph itself:
whatever query it accepts, pyoxigraph never returns more rows than the quads the recogniser counted.
"""


import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gcm_kg.sparql.bounded import SinglePattern, described_resource, lookup_pattern, single_pattern
from gcm_kg.store.executor import IN_THREAD_QUADS, ProcessExecutor
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.sparql.model import QuerySyntaxError
from ..support.paths import FIXTURES as SHARED_FIXTURES

FIXTURES = SHARED_FIXTURES / "bounded"
EX = "http://example.org/"
ACCEPTED = sorted((FIXTURES / "accepted").glob("*.rq"))
REFUSED = sorted((FIXTURES / "refused").glob("*.rq"))


def _store() -> EmbeddedStore:
    """Subjects of different degrees, so that reading an IRI wrongly changes the count."""
    store = ox.Store()
    p, q = ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
    for subject, degree in ((EX + "a", 2), (EX + "b/a", 7), (EX + "a/a", 11), (EX + "b", 3)):
        for i in range(degree):
            store.add(ox.Quad(ox.NamedNode(subject), p, ox.Literal(str(i)), ox.NamedNode(EX + "g1")))
    store.add(ox.Quad(ox.NamedNode(EX + "a"), q, ox.NamedNode(EX + "b"), ox.NamedNode(EX + "g2")))
    store.add(ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode(EX + "C")))
    for i in range(IN_THREAD_QUADS + 5):  # a hub: more quads than a lookup may read in the thread
        store.add(ox.Quad(ox.NamedNode(EX + "hub"), p, ox.Literal(str(i))))
    node = ox.BlankNode()  # a resource whose description goes on into a blank node
    store.add(ox.Quad(ox.NamedNode(EX + "with-blank"), q, node))
    store.add(ox.Quad(node, p, ox.Literal("inside")))
    return EmbeddedStore(store)


def recognised(query: str) -> SinglePattern | None:
    found = lookup_pattern(query)
    assert found == (single_pattern(query) or described_resource(query))  # one reading, either way in
    return found


STORE = _store()


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: p.stem)
def test_recognised_lookup(path):
    query = path.read_text()
    assert recognised(query) is not None
    STORE.query(query)  # and it is a query pyoxigraph accepts


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_not_recognised(path):
    assert recognised(path.read_text()) is None


def test_constants_are_resolved_through_the_prologue():
    pattern = single_pattern(f"PREFIX ex: <{EX}>\nSELECT * {{ ?s a ex:C }}")
    assert pattern == SinglePattern(None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                                    ox.NamedNode(EX + "C"))


def test_counting_stops_after_the_limit():
    pattern = SinglePattern(ox.NamedNode(EX + "hub"), None, None)
    assert STORE.count_up_to(pattern, 10) == 11
    assert STORE.count_up_to(SinglePattern(ox.NamedNode(EX + "a"), None, None), 10) == 4  # in all graphs


def test_a_bounded_lookup_gives_the_same_bytes_and_row_cap_as_the_normal_path():
    query = f"SELECT ?p ?o WHERE {{ <{EX}b/a> ?p ?o }}"
    capped = EmbeddedStore(STORE.store, max_rows=100)
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        bounded = STORE.execute_if_bounded(query, 50, max_rows=100, accept=accept)
        normal = capped.execute(query, accept=accept)
        assert bounded == normal
        assert bounded.row_limit == 100 and not bounded.truncated


def test_a_describe_without_blank_nodes_is_answered_here_with_the_same_bytes():
    query = f"DESCRIBE <{EX}b/a>"
    bounded = STORE.execute_if_bounded(query, 50, max_rows=None, accept="application/n-triples")
    assert bounded == STORE.execute(query, accept="application/n-triples")
    assert bounded.body.count(b"\n") == 7


def test_a_describe_that_would_follow_a_blank_node_is_not_answered_here():
    assert described_resource(f"DESCRIBE <{EX}with-blank>") is not None
    assert STORE.execute_if_bounded(f"DESCRIBE <{EX}with-blank>", 50, max_rows=None, accept=None) is None
    assert STORE.execute(f"DESCRIBE <{EX}with-blank>", accept="application/n-triples").body.count(b"\n") == 2


def test_a_lookup_over_more_quads_than_the_limit_is_not_answered_here():
    assert STORE.execute_if_bounded(f"SELECT * {{ <{EX}hub> ?p ?o }}", 100, max_rows=None, accept=None) is None
    assert STORE.execute_if_bounded(f"SELECT * {{ <{EX}a> ?p ?o }}", 100, max_rows=None, accept=None) is not None


def test_a_bounded_lookup_reports_errors_like_the_normal_path():
    with pytest.raises(QuerySyntaxError):  # accepted by the recogniser, refused by the parser
        STORE.execute_if_bounded(f"SELECT ?p?p?p {{ <{EX}a> ?p ?o }} LIMIT 1 LIMIT 2", 100, max_rows=None,
                                 accept=None)


def test_the_executor_answers_bounded_lookups_in_the_thread_and_the_rest_in_query_processes():
    executor = ProcessExecutor(STORE, timeout=5, max_rows=100, concurrency=1)
    try:
        lookup = executor.execute(f"SELECT * {{ <{EX}a> ?p ?o }}", accept="text/csv")
        assert executor.stats.in_thread == 1 and lookup.body.count(b"\r\n") == 1 + 4
        hub = executor.execute(f"SELECT * {{ <{EX}hub> ?p ?o }}", accept="text/csv")
        join = executor.execute(f"SELECT * {{ <{EX}a> ?p ?o . ?o ?q ?r }}", accept="text/csv")
        assert executor.stats.in_thread == 1 and executor.stats.queries == 3
        assert hub.truncated and hub.row_limit == 100  # the hub went through the capped, killable path
        assert join.body.count(b"\r\n") == 1 + 3  # <a> q <b>, and <b> has three values of p
    finally:
        executor.close()


# -- soundness against pyoxigraph ----------------------------------------------------------------
PREFIX_DECLARATIONS = st.lists(st.sampled_from([("ex", EX), ("ex", EX + "b/"), ("", EX + "a/"), ("b", EX + "b/")]),
                               max_size=3)
TERMS = st.sampled_from([f"<{EX}a>", f"<{EX}b/a>", "<a>", "ex:a", ":a", "b:a", "ex:b", "?s", "?p", "?o",
                         "$o", "a", "'a'", f"<{EX}p>", "ex:p", f"<{EX}C>", "ex:C", f"<{EX}hub>"])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefixes=PREFIX_DECLARATIONS, form=st.sampled_from(["SELECT *", "SELECT DISTINCT ?o ?s", "ASK", "select ?p"]),
       terms=st.tuples(TERMS, TERMS, TERMS), dot=st.booleans(),
       tail=st.sampled_from(["", " LIMIT 3", " OFFSET 1", " ORDER BY ?o", " LIMIT 2 OFFSET 1"]))
def test_pyoxigraph_never_returns_more_rows_than_the_recogniser_counted(prefixes, form, terms, dot, tail):
    query = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes)
    query += f"{form} WHERE {{ {' '.join(terms)}{' .' if dot else ''} }}{tail}"
    pattern = single_pattern(query)
    if pattern is None:
        return
    try:
        result = STORE.query(query)
    except SyntaxError:
        return  # the parser reports it, in the thread as it would in a query process
    rows = int(bool(result)) if isinstance(result, ox.QueryBoolean) else len(list(result))
    assert rows <= STORE.count_up_to(pattern, 10 * IN_THREAD_QUADS)


def test_an_on_disk_executor_answers_bounded_lookups_from_its_own_read_only_store(tmp_path):
    from gcm_kg.store.build import build_store

    build_store(tmp_path / "store")
    executor = ProcessExecutor.on_disk(tmp_path / "store", timeout=5, max_rows=100, concurrency=1)
    try:
        lookup = executor.execute("SELECT ?p ?o WHERE { <https://w3id.org/gcm-kg/id/objective/9> ?p ?o }",
                                  accept="text/csv")
        assert executor.stats.in_thread == 1 and lookup.body.count(b"\r\n") > 3
        executor.execute("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", accept="text/csv")
        assert executor.stats.in_thread == 1 and executor.stats.queries == 2
    finally:
        executor.close()


def test_executor_query_returns_a_bounded_lookup_as_pyoxigraph_gives_it_and_reads_back_the_rest():
    executor = ProcessExecutor(STORE, timeout=5, max_rows=100, concurrency=1)
    try:
        lookup = executor.query(f"SELECT ?p ?o {{ <{EX}b/a> ?p ?o }}")
        described = executor.query(f"DESCRIBE <{EX}b/a>")
        assert executor.stats.in_thread == 2 and isinstance(lookup, ox.QuerySolutions)
        assert sorted(row["o"].value for row in lookup) == [str(i) for i in range(7)]
        assert isinstance(described, list) and len(described) == 7
        join = executor.query(f"SELECT ?o ?r {{ <{EX}a> ?p ?o . ?o ?q ?r }}")  # through the query process
        asked = executor.query(f"ASK {{ <{EX}a> ?p <{EX}b> . <{EX}b> ?q ?r }}")
        assert executor.stats.in_thread == 2 and executor.stats.queries == 4
        assert sorted(row["r"].value for row in join) == ["0", "1", "2"] and bool(asked) is True
    finally:
        executor.close()


def test_executor_query_keeps_the_row_cap_of_a_lookup_over_it():
    executor = ProcessExecutor(STORE, timeout=5, max_rows=3, concurrency=1)
    try:
        rows = list(executor.query(f"SELECT ?o {{ <{EX}b/a> ?p ?o }}"))  # 7 quads: over the cap
        assert len(rows) == 3  # (written with the cap and read back, as every capped result is)
    finally:
        executor.close()
