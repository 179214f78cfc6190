"""Queries whose cost is provably small: a lookup by IRI can skip the query-process round trip.

Every query normally runs in a killable query process (:mod:`gcm_kg.store.executor`), because pyoxigraph
cannot stop a query once it has started. For the commonest query of all — "everything about this
IRI", ``SELECT ?p ?o WHERE { <iri> ?p ?o }`` — that round trip costs more than the query (measured
at 100k triples: ≈ 0.45 ms of the query process's CPU per lookup, of which the query itself
≈ 0.1–0.15 ms). This module recognises such queries so that the executor can answer them in the
web worker's own thread, after checking how many quads the pattern can match. The same holds
for ``DESCRIBE <iri>`` (see :func:`described_resource`), which linked-data pages use.

The proof that such a query is cheap has two halves:

1. :func:`single_pattern` accepts only a SELECT or ASK whose WHERE clause is **one triple pattern**
   with a constant subject or a constant object — no FILTER, no OPTIONAL, no property path, no
   sub-query, no FROM, no ORDER BY, no GROUP BY. Evaluating it is an index range scan over the
   quads that match its constants (oxigraph picks the SPOG / OSPG index for a constant subject /
   object), plus DISTINCT/LIMIT/OFFSET over at most that many rows.
2. The caller counts those quads, stopping at a small limit (see
   :meth:`gcm_kg.store.embedded.EmbeddedStore.count_up_to`); if the count stays under it, the query is
   bounded by that limit whatever the dataset the request names.

The recogniser is deliberately narrow and conservative: anything it is unsure of (relative IRIs,
``BASE``, escapes in IRIs or prefixed names, literals, a prefix declared twice, an undeclared
prefix) makes it answer ``None``, and the query takes the normal, killable path. It never decides
what a query *means* — pyoxigraph still parses and evaluates the query text as sent — only
whether the work is bounded, so a query it misreads can at worst be sent down the slow path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from gcm_kg.core.namespaces import RDF_TYPE
from gcm_kg.sparql import lexer

# The lexer's terminals (SPARQL 1.1 Query §19.8), narrowed: ASCII names, absolute IRIs without
# escapes, prefixed names without escapes or dots. Possessive quantifiers keep matching linear.
_WS = lexer.SKIP
_IRI = rf"<([A-Za-z][A-Za-z0-9+.\-]*+:{lexer.IRI_CHAR}*+)>"
_PNAME = r"([A-Za-z](?:[A-Za-z0-9_\-]*+))?:([A-Za-z0-9_\-]*+)"
_VAR = r"[?$][A-Za-z0-9_]++"
_TERM = rf"(?:{_IRI}|{_PNAME}|({_VAR})|(\ba\b))"

_QUERY = re.compile(
    rf"""(?:SELECT\b{_WS}(?:(?:DISTINCT|REDUCED)\b{_WS})?(?:\*|(?:{_VAR}{_WS})++)|ASK\b){_WS}
         (?:WHERE\b{_WS})?\{{{_WS}
         (?P<s>{_TERM}){_WS}(?P<p>{_TERM}){_WS}(?P<o>{_TERM}){_WS}(?:\.{_WS})?
         \}}{_WS}(?:(?:LIMIT|OFFSET)\b{_WS}[0-9]++{_WS})*+""",
    re.IGNORECASE | re.VERBOSE,
)
_TERM_RE = re.compile(_TERM)
_DESCRIBE = re.compile(rf"DESCRIBE\b{_WS}(?P<s>{_IRI}|{_PNAME}){_WS}", re.IGNORECASE)


@dataclass(frozen=True)
class SinglePattern:
    """The constant parts of a query's only triple pattern (None where the pattern has a variable)."""

    subject: ox.NamedNode | None
    predicate: ox.NamedNode | None
    object: ox.NamedNode | None
    #: A ``DESCRIBE <iri>``: bounded by the quads matching ``<iri> ?p ?o`` only when none of
    #: their objects is a blank node (pyoxigraph describes those too, recursively).
    describes: bool = False


def _prologue(query: str) -> tuple[dict[str, str], int] | None:
    """The PREFIX declarations at the start of ``query`` and where they end (None if unsure:
    a BASE, a prefix declared twice, a relative or escaped IRI — left to the parser)."""
    prologue = lexer.read_prologue(query)
    if prologue.declares_base or prologue.redeclares_prefix or not prologue.plain:
        return None
    return prologue.prefixes, prologue.end


class _Unsure(Exception):
    """Raised inside this module for anything the recogniser does not read with certainty."""


def _constant(text: str, prefixes: dict[str, str]) -> ox.NamedNode | None:
    """A pattern position as a constant IRI, or None for a variable (raises :class:`_Unsure`)."""
    iri, prefix, local, variable, keyword_a = _TERM_RE.fullmatch(text).groups()
    if variable:
        return None
    if keyword_a:
        iri = RDF_TYPE
    elif iri is None:
        if (prefix or "") not in prefixes:
            raise _Unsure
        iri = prefixes[prefix or ""] + local
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise _Unsure from None


def lookup_pattern(query: str) -> SinglePattern | None:
    """The pattern of ``query`` if it is a recognised lookup (:func:`single_pattern` or
    :func:`described_resource`), else None — the executor's check, run on every query, so the
    prologue is read once."""
    prologue = _prologue(query)
    if prologue is None:
        return None
    return _single_pattern(query, *prologue) or _described_resource(query, *prologue)


def single_pattern(query: str) -> SinglePattern | None:
    """The constant terms of ``query`` if it is a one-pattern SELECT/ASK lookup, else None.

    A result is returned only when the subject or the object of the pattern is a constant IRI
    (a constant predicate alone can match most of a graph) and ``a`` is used only as a predicate.
    """
    prologue = _prologue(query)
    return None if prologue is None else _single_pattern(query, *prologue)


def described_resource(query: str) -> SinglePattern | None:
    """``<iri> ?p ?o`` as the pattern of a ``DESCRIBE <iri>`` query (one IRI, no WHERE, no FROM).

    pyoxigraph answers DESCRIBE with the resource's concise bounded description: the triples it
    is the subject of, plus — recursively — those of the blank nodes among their objects (checked:
    no triple where it is the object). So the work is bounded by the quads matching
    ``<iri> ?p ?o`` when none of them has a blank-node object; ``describes=True`` tells the caller
    to check that while it counts.
    """
    prologue = _prologue(query)
    return None if prologue is None else _described_resource(query, *prologue)


def _single_pattern(query: str, prefixes: dict[str, str], position: int) -> SinglePattern | None:
    match = _QUERY.fullmatch(query, position)
    if match is None:
        return None
    if any(_TERM_RE.fullmatch(match.group(part)).group(5) for part in ("s", "o")):
        return None  # "a" outside the predicate position is a syntax error: let the parser say so
    try:
        subject, predicate, obj = (_constant(match.group(part), prefixes) for part in ("s", "p", "o"))
    except _Unsure:
        return None
    if subject is None and obj is None:
        return None
    return SinglePattern(subject, predicate, obj)


def _described_resource(query: str, prefixes: dict[str, str], position: int) -> SinglePattern | None:
    match = _DESCRIBE.fullmatch(query, position)
    if match is None:
        return None
    try:
        subject = _constant(match.group("s"), prefixes)
    except _Unsure:
        return None
    return SinglePattern(subject, None, None, describes=True)
