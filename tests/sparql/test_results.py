"""Results written once with the row cap: for every format, the capped output is exactly what
pyoxigraph writes for the same query with ``LIMIT cap``, on values built to mislead a reader
that looks for where rows begin (quotes, escapes, line ends, braces and markup inside literals,
RDF 1.2 triple terms, empty rows, long values that straddle the writer's 8 KiB writes)."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest

from gcm_kg.sparql.model import NotAcceptable
from gcm_kg.sparql.results import serialize_result, write_capped

WRITERS = [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
           ox.QueryResultsFormat.TSV]
#: Pieces of literal values that look like row boundaries in one format or another.
MISLEADING = [",{", "[{", "{}", ",{}]", '[{"a":1},{"b":2}]', '{",', '{"}', "\r\n", "\n", "\r", '"', '""', "\\",
              '\\"', "\\\\", '"type":"literal","value":"', "<result>", "</results>", "a,b", "\t", "x" * 5000]
STORE = ox.Store()


def _literal(n: int) -> str:
    pieces = [MISLEADING[(n * 7 + k) % len(MISLEADING)] for k in range(n % 4)]
    return str(ox.Literal("".join(pieces) + str(n), language="en" if n % 5 == 0 else None))


def _cell(row: int, column: int) -> str:
    kind = (row + 2 * column) % 7
    if kind == 0:
        return "UNDEF"
    if kind == 1:
        return f"<<( <http://example.org/s{row}> <http://example.org/p> {_literal(row + column)} )>>"
    if kind == 2:
        return f"<http://example.org/{row}/{column}>"
    return _literal(row * 3 + column)


def _values_query(rows: int, columns: int) -> str:
    variables = " ".join(f"?v{c}" for c in range(columns))
    lines = " ".join("(" + " ".join(_cell(r, c) for c in range(columns)) + ")" for r in range(rows))
    return f"SELECT {variables} {{ VALUES ({variables}) {{ {lines} }} }}"


QUERIES = {
    "misleading values": (_values_query(300, 3), 300),
    "one column": (_values_query(120, 1), 120),
    "rows without bindings": ("SELECT ?nothing { VALUES ?x { " + " ".join(map(str, range(400))) + " } }", 400),
    "no rows": ("SELECT ?x { FILTER(false) }", 0),
}


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.name)
@pytest.mark.parametrize("name", list(QUERIES))
def test_the_capped_output_is_what_limit_gives(name, writer):
    query, rows = QUERIES[name]
    for cap in sorted({0, 1, 2, rows // 2, max(rows - 1, 0), rows, rows + 1}):
        body, truncated = write_capped(STORE.query(query), writer, cap)
        assert truncated == (rows > cap), (cap, truncated)
        assert body == STORE.query(f"{query} LIMIT {cap}").serialize(format=writer), cap


def test_zero_variables():
    query = "SELECT * {} "  # one row, no variables
    for writer, cap in itertools.product(WRITERS, (0, 1)):
        body, truncated = write_capped(STORE.query(query), writer, cap)
        assert (body, truncated) == (STORE.query(f"{query} LIMIT {cap}").serialize(format=writer), cap == 0)


@pytest.mark.parametrize("writer", WRITERS, ids=lambda w: w.name)
def test_evaluation_stops_soon_after_the_cap(writer):
    """A custom function counts the rows the engine evaluates: the writer is stopped at the row
    after the cap, so few more than the cap are evaluated (pyoxigraph writes 8 KiB at a time)."""
    evaluated = []

    def count(term):
        evaluated.append(term)
        return term

    query = "SELECT ?y { VALUES ?x { " + " ".join(map(str, range(100_000))) + " } BIND(<urn:count>(?x) AS ?y) }"
    result = STORE.query(query, custom_functions={ox.NamedNode("urn:count"): count})
    _, truncated = write_capped(result, writer, 10)
    assert truncated and len(evaluated) < 10_000


def test_serialize_result_reports_the_cap_and_the_cut():
    query = "SELECT ?x { VALUES ?x { 1 2 3 } }"
    capped = serialize_result(STORE.query(query), "text/csv", max_rows=2)
    assert (capped.form, capped.media_type, capped.truncated, capped.row_limit) == ("SELECT", "text/csv", True, 2)
    assert capped.body == b"x\r\n1\r\n2\r\n"
    whole = serialize_result(STORE.query(query), "text/csv", max_rows=3)
    assert not whole.truncated and whole.body.count(b"\r\n") == 4
    proved = serialize_result(STORE.query(query), "text/csv", max_rows=3, rows_at_most=3)
    assert proved == whole
    uncapped = serialize_result(STORE.query(query), None)
    assert uncapped.row_limit is None and uncapped.media_type == "application/sparql-results+json"


def test_graphs_and_booleans_are_written_whole_and_negotiated():
    graph = serialize_result(STORE.query("CONSTRUCT { <urn:a> <urn:b> ?x } WHERE { VALUES ?x { 1 2 } }"),
                             "application/n-quads", max_rows=1)
    assert graph.form == "GRAPH" and graph.body.count(b"\n") == 2 and graph.row_limit is None
    with pytest.raises(NotAcceptable):
        serialize_result(STORE.query("ASK {}"), "text/csv")
