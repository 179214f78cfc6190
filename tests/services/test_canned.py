"""Canned answers: the items of list columns put in order by the service, whatever order the engine
concatenated them in, and every results format written from that one ordered answer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.services import canned
from gcm_kg.sparql import catalogue

FIXTURES = Path(__file__).parent / "fixtures"
UNORDERED = (FIXTURES / "canned_answer_with_unordered_lists.srj").read_bytes()
QUERY = catalogue.parse_query_text("""#+ title: T
#+ description: D
#+ keywords: k
#+ lists: objectives, publishers, languages
SELECT ?work ?title ?objectives ?publishers ?languages WHERE { ?work ?title ?objectives }
""", "lists")


@pytest.mark.parametrize("items, ordered", [
    ("14, 9, 13, 10", "9, 10, 13, 14"),                   # numbers by value, not as text
    ("objective 10, objective 9", "objective 9, objective 10"),
    ("b, A, c", "A, b, c"),                               # text without regard to case
    ("a, A", "A, a"),                                     # and no tie between different items
    ("es, en", "en, es"),
    ("2", "2"),
    ("", ""),
])
def test_list_items_in_natural_order(items, ordered):
    assert canned.ordered_list(items) == ordered


def test_only_the_list_columns_are_ordered_and_their_terms_kept():
    table = canned.Answer.of(UNORDERED, QUERY).table()
    first, second = (dict(zip(table.columns, row)) for row in table.rows)
    assert first["objectives"] == ox.Literal("9, 10, 13, 14")
    assert first["publishers"] == ox.Literal(
        "african union, International Organization for Migration, United Nations", language="en")
    assert first["languages"] == ox.Literal("en, es")
    assert first["title"] == ox.Literal("Zeta, alpha, 10, 9")  # not declared a list: as the engine gave it
    assert (second["objectives"], second["publishers"]) == (ox.Literal("2"), None)


def test_the_answer_is_cut_to_the_page_and_says_whether_more_rows_came():
    assert [len(canned.Answer.of(UNORDERED, QUERY, limit).table().rows) for limit in (1, 2, 3, None)] == [1, 2, 2, 2]
    assert [canned.Answer.of(UNORDERED, QUERY, limit).has_next for limit in (1, 2, 3, None)] == [True, False, False, False]


@pytest.mark.parametrize("fmt", [ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.TSV])
def test_every_results_format_is_written_from_the_ordered_answer(fmt):
    answer = canned.Answer.of(UNORDERED, QUERY)
    solutions = list(ox.parse_query_results(answer.serialize(fmt), format=fmt))
    assert [s["objectives"].value for s in solutions] == ["9, 10, 13, 14", "2"]
    assert solutions[0]["publishers"].language == "en"


def test_csv_is_written_from_the_ordered_answer():
    text = canned.Answer.of(UNORDERED, QUERY).serialize(ox.QueryResultsFormat.CSV).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["objectives"] for row in rows] == ["9, 10, 13, 14", "2"]
    assert rows[1]["publishers"] == ""
