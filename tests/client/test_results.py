"""gcm_kg.client.results: SPARQL JSON terms → typed DataFrame columns, as the module documents."""

from __future__ import annotations

import datetime as dt
import json
import pickle
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from gcm_kg.client import IRI, BlankNode, LangString, TypedLiteral
from gcm_kg.client.results import column, dataframe, python_value

FIXTURES = Path(__file__).parent / "fixtures"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    body = json.loads((FIXTURES / "every-term-kind.srj").read_text(encoding="utf-8"))
    return dataframe(body["head"]["vars"], body["results"]["bindings"])


def test_columns_keep_the_order_of_head_vars_and_one_row_per_solution(frame):
    assert list(frame.columns)[:3] == ["integer", "decimal", "double"] and list(frame.columns)[-1] == "empty"
    assert len(frame) == 3
    assert frame.iloc[2].isna().all()  # the empty solution: every cell missing


def test_numbers(frame):
    assert str(frame["integer"].dtype) == "Int64"  # derived integer types count as integers
    assert frame["integer"].tolist()[:2] == [42, -3] and frame["integer"].isna().tolist() == [False, False, True]
    assert frame["decimal"].dtype == object and frame["decimal"].tolist() == [Decimal("0.1"), Decimal("2"), None]
    assert frame["double"].dtype == "float64" and frame["double"].iloc[0] == 1.5
    assert frame["double"].iloc[1] == float("inf") and pd.isna(frame["double"].iloc[2])
    assert str(frame["legacy"].dtype) == "Int64" and frame["legacy"].iloc[0] == 7  # SPARQL 1.0 "typed-literal"


def test_booleans_and_dates(frame):
    assert str(frame["boolean"].dtype) == "boolean" and frame["boolean"].tolist()[:2] == [True, False]
    assert pd.api.types.is_datetime64_dtype(frame["date"]) and frame["date"].iloc[0] == pd.Timestamp("2021-04-26")
    assert pd.isna(frame["date"].iloc[1])
    assert pd.api.types.is_datetime64_dtype(frame["dateTime"]) and frame["dateTime"].iloc[0] == pd.Timestamp("2018-12-19 10:00")
    # times with a zone: one clock, UTC (10:00 at -05:00 is 15:00 UTC)
    assert str(frame["zoned"].dt.tz) == "UTC"
    assert frame["zoned"].tolist()[:2] == [pd.Timestamp("2021-04-26 15:00", tz="UTC"), pd.Timestamp("2021-04-26 17:00", tz="UTC")]


def test_iris_language_tags_and_blank_nodes_stay_distinguishable(frame):
    assert isinstance(frame["string"].dtype, pd.StringDtype) and frame["string"].iloc[0] == "Border management"
    iri = frame["iri"].iloc[0]
    assert type(iri) is IRI and iri == "https://w3id.org/gcm-kg/id/objective/9"
    es, en = frame["lang"].iloc[0], frame["lang"].iloc[1]
    assert type(es) is LangString and (str(es), es.lang) == ("Migración irregular", "es") and en.lang == "en"
    assert type(frame["bnode"].iloc[0]) is BlankNode
    mixed = frame["mixed"].tolist()
    assert frame["mixed"].dtype == object and type(mixed[0]) is IRI and type(mixed[1]) is LangString


def test_other_datatypes_and_ill_typed_literals_keep_their_text_and_datatype(frame):
    year = frame["gYear"].iloc[0]
    assert type(year) is TypedLiteral and (str(year), year.datatype) == ("2021", XSD + "gYear")
    # one value that is not an integer: the column is not converted, and no value is lost
    assert frame["illTyped"].dtype == object
    many, twelve = frame["illTyped"].iloc[0], frame["illTyped"].iloc[1]
    assert type(many) is TypedLiteral and many.datatype == XSD + "integer" and twelve == 12
    # beyond 64 bits: Python ints, exact
    assert frame["huge"].dtype == object and frame["huge"].iloc[0] == 123456789012345678901234567890


def test_dates_with_and_without_a_zone_are_not_mixed_into_one_clock():
    cells = [{"type": "literal", "value": "2021-04-26T10:00:00Z", "datatype": XSD + "dateTime"},
             {"type": "literal", "value": "2021-04-26T10:00:00", "datatype": XSD + "dateTime"}]
    values = column(cells).tolist()
    assert values == [dt.datetime(2021, 4, 26, 10, tzinfo=dt.timezone.utc), dt.datetime(2021, 4, 26, 10)]


def test_no_solutions_gives_the_columns_and_no_rows():
    empty = dataframe(["a", "b"], [])
    assert list(empty.columns) == ["a", "b"] and len(empty) == 0


def test_term_values_survive_pickling_with_their_tag_and_datatype():
    tagged = pickle.loads(pickle.dumps(LangString("Migración", "es")))
    typed = pickle.loads(pickle.dumps(TypedLiteral("2021", XSD + "gYear")))
    assert (str(tagged), tagged.lang) == ("Migración", "es") and typed.datatype == XSD + "gYear"


def test_a_quoted_triple_is_a_tuple_of_its_terms():
    triple = {"type": "triple", "value": {
        "subject": {"type": "uri", "value": "https://example.org/s"},
        "predicate": {"type": "uri", "value": "https://example.org/p"},
        "object": {"type": "literal", "value": "3", "datatype": XSD + "integer"}}}
    assert python_value(triple) == ("https://example.org/s", "https://example.org/p", 3)
