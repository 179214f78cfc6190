"""SPARQL JSON results → a pandas DataFrame with typed columns, and the RDF term types it keeps.

Reads the SPARQL 1.1 Query Results JSON Format (W3C Recommendation, 21 March 2013): ``head.vars``
gives the columns in order, each binding maps a variable to a term ``{"type": "uri" | "literal" |
"bnode", "value", "datatype"?, "xml:lang"?}`` (§3.2.2; ``"typed-literal"`` is the SPARQL 1.0 form of
a literal with a datatype, still sent by some endpoints). The mapping from terms to columns is
documented in :mod:`gcm_kg.client` and in the README.

A column is typed only when every bound cell in it has one kind (all integers, all dates …) and
every value parses; otherwise it is an ``object`` column holding each cell as a Python value, so
nothing is ever silently converted or lost.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

import pandas as pd

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class IRI(str):
    """An IRI in a result (``"type": "uri"``): a ``str`` holding the IRI, told apart from a literal
    by ``isinstance(value, IRI)``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str(self)!r})"


class BlankNode(str):
    """A blank node's label in a result (``"type": "bnode"``); labels are local to one response."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BlankNode({str(self)!r})"


class LangString(str):
    """A language-tagged string (``rdf:langString``): the text, with its tag in :attr:`lang`.

    It compares and hashes as its text (so ``==``, ``in`` and string methods work as for ``str``);
    to tell ``"migración"@es`` from ``"migración"@en`` look at ``.lang``.
    """

    __slots__ = ("lang",)

    def __new__(cls, text: str, lang: str) -> "LangString":
        value = super().__new__(cls, text)
        value.lang = lang
        return value

    def __repr__(self) -> str:
        return f"LangString({str(self)!r}, lang={self.lang!r})"

    def __reduce__(self):  # pickling and copying keep the tag
        return (LangString, (str(self), self.lang))


class TypedLiteral(str):
    """A literal of a datatype with no column type here (``xsd:gYear``, ``xsd:anyURI``, a literal
    whose text is not valid for its datatype …): the lexical form, with :attr:`datatype` (an IRI)."""

    __slots__ = ("datatype",)

    def __new__(cls, text: str, datatype: str) -> "TypedLiteral":
        value = super().__new__(cls, text)
        value.datatype = IRI(datatype)
        return value

    def __repr__(self) -> str:
        return f"TypedLiteral({str(self)!r}, datatype={str(self.datatype)!r})"

    def __reduce__(self):
        return (TypedLiteral, (str(self), str(self.datatype)))


# -- literal kinds and their parsers ---------------------------------------------------------------
_INTEGER_TYPES = ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
                  "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
                  "unsignedByte")
#: XSD datatype IRI → the kind of column it makes.
KIND_OF_DATATYPE = {
    **{XSD + name: "integer" for name in _INTEGER_TYPES},
    XSD + "decimal": "decimal",
    XSD + "double": "double",
    XSD + "float": "double",
    XSD + "boolean": "boolean",
    XSD + "date": "date",
    XSD + "dateTime": "dateTime",
    XSD + "dateTimeStamp": "dateTime",
    XSD + "string": "string",
}


def _boolean(text: str) -> bool:
    # XML Schema 1.1 Part 2 §3.3.2.1: the lexical space is {true, false, 1, 0}.
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(f"not an xsd:boolean: {text!r}")


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(f"not an xsd:decimal: {text!r}") from error
    if not value.is_finite():  # xsd:decimal has no NaN or infinity (unlike Python's Decimal)
        raise ValueError(f"not an xsd:decimal: {text!r}")
    return value


#: Each kind's parser from the lexical form (raising ValueError on an ill-typed literal).
_PARSE: dict[str, Callable[[str], Any]] = {
    "integer": int, "decimal": _decimal,
    "double": float,  # float() reads XSD's "INF", "-INF" and "NaN" too
    "boolean": _boolean, "date": dt.date.fromisoformat, "dateTime": dt.datetime.fromisoformat, "string": str,
}


def term_kind(term: dict) -> str:
    """The kind of one result term: ``iri``, ``bnode``, ``lang``, ``triple``, a literal kind of
    :data:`KIND_OF_DATATYPE` (``integer``, ``decimal`` …), or ``other`` for any other datatype."""
    kind = term.get("type")
    if kind == "uri":
        return "iri"
    if kind == "bnode":
        return "bnode"
    if kind == "triple":  # RDF-star / SPARQL 1.2 quoted triples
        return "triple"
    if "xml:lang" in term:
        return "lang"
    datatype = term.get("datatype", XSD + "string")
    if datatype == RDF_LANG_STRING:  # a tag-less langString is malformed: keep it as it came
        return "other"
    return KIND_OF_DATATYPE.get(datatype, "other")


def python_value(term: dict | None) -> Any:
    """One result term as a Python value (the cells of an ``object`` column); None when unbound."""
    if term is None:
        return None
    kind, text = term_kind(term), term.get("value", "")
    if kind == "iri":
        return IRI(text)
    if kind == "bnode":
        return BlankNode(text)
    if kind == "lang":
        return LangString(text, term["xml:lang"])
    if kind == "triple":
        parts = text if isinstance(text, dict) else {}
        return tuple(python_value(parts.get(role)) for role in ("subject", "predicate", "object"))
    if kind in _PARSE:
        try:
            return _PARSE[kind](text)
        except ValueError:
            pass  # ill-typed ("abc"^^xsd:integer): kept as written, with its datatype
    return TypedLiteral(text, term.get("datatype", RDF_LANG_STRING))


# -- columns -------------------------------------------------------------------------------------
def _typed_column(kind: str, cells: list[dict | None]) -> pd.Series:
    """The column of ``cells`` that all have ``kind`` (or are unbound); ValueError when one does not
    parse or the values do not fit the column type."""
    values = [None if c is None else _PARSE[kind](c["value"]) for c in cells]
    if kind == "integer":
        return pd.Series(pd.array(values, dtype="Int64"))  # OverflowError beyond 64 bits: see caller
    if kind == "double":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if kind == "boolean":
        return pd.Series(pd.array(values, dtype="boolean"))
    if kind == "string":
        return pd.Series(pd.array(values, dtype=pd.StringDtype()))
    if kind in ("date", "dateTime"):
        present = [v for v in values if v is not None]
        aware = {getattr(v, "tzinfo", None) is not None for v in present}
        if len(aware) > 1:
            raise ValueError("some values have a time zone and some do not")
        # Times with a zone are compared on one clock: converted to UTC (XSD 1.1 Part 2 §3.3.7.3).
        return pd.Series(pd.to_datetime(values, utc=aware == {True}))
    return pd.Series(values, dtype=object)  # decimal: exact Decimal values


def column(cells: list[dict | None]) -> pd.Series:
    """One result column: typed when all its bound cells are of one kind, else Python values."""
    kinds = {term_kind(c) for c in cells if c is not None}
    if len(kinds) == 1:
        (kind,) = kinds
        if kind in _PARSE:
            try:
                return _typed_column(kind, cells)
            except (ValueError, OverflowError, TypeError):
                pass  # an ill-typed value, an integer beyond 64 bits, a date out of pandas' range
    return pd.Series([python_value(c) for c in cells], dtype=object)


def dataframe(variables: list[str], bindings: Iterable[dict]) -> pd.DataFrame:
    """The DataFrame of a SELECT result: one column per variable, in ``head.vars`` order."""
    rows = list(bindings)
    return pd.DataFrame({name: column([row.get(name) for row in rows]).reset_index(drop=True)
                         for name in variables}, index=pd.RangeIndex(len(rows)))
