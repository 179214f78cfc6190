"""Query texts made to mean the same on any engine before they are sent to another SPARQL server.

Every rewrite works on the lexer's tokens (:mod:`gcm_kg.sparql.lexer`), so nothing inside a string,
an IRI or a comment is ever touched, and keeps the rest of the text as the client wrote it:

* :func:`check_syntax` — the query parsed by pyoxigraph, as the embedded store parses it, so that
  an empty or malformed query is a 400 before any engine sees it;
* :func:`with_row_limit` — a top-level ``LIMIT`` of at most the row cap + 1, so the engine sends no
  more than we may answer and one row more tells that the answer was cut;
* :func:`with_dataset` — the protocol dataset written as the query's own ``FROM`` / ``FROM NAMED``
  clauses (SPARQL 1.1 Protocol §2.1.4: the protocol dataset takes precedence over the query's);
* :func:`absolute_iris` — every relative IRI written resolved against the service base (and the
  query's own ``BASE``), as our engine resolves it: engines differ on a second ``BASE``;
* :func:`merged_values` — consecutive one-variable ``VALUES`` blocks of IRIs written as one block
  of every combination, the same solutions (their join, SPARQL 1.1 Query §18.2.2.8): Virtuoso 7.2
  loses rows after a second block of IRIs (and, in one block of several variables, with literals);
* :func:`without_empty_values` — ``VALUES () { () }`` (what SPARQL engines send through
  ``SERVICE`` for a pattern with no bindings to pass on) removed: a join with one empty solution is
  the identity (SPARQL 1.1 Query §18.5), and some engines cannot parse it.
"""

from __future__ import annotations

import itertools

import pyoxigraph as ox

from gcm_kg.sparql import lexer
from gcm_kg.sparql.model import Dataset, QuerySyntaxError

_CHECK_VARIABLE = "__gcm_kg_ask"


def check_syntax(query: str, base_iri: str | None) -> None:
    """Raise :class:`QuerySyntaxError` unless pyoxigraph parses ``query``.

    The query is prepared over an empty store and never evaluated: SELECT, CONSTRUCT and DESCRIBE
    answers are lazy, and an ASK (answered at once) is checked as the equivalent ``SELECT``.
    """
    if not query.strip():
        raise QuerySyntaxError("the query is empty")
    text = query
    for token in lexer.tokens(query):
        if token.kind == "word" and token.text.upper() in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            if token.text.upper() == "ASK":
                text = f"{query[:token.start]}SELECT (1 AS ?{_CHECK_VARIABLE}){query[token.end:]}"
            break
    try:
        ox.Store().query(text, base_iri=base_iri)
    except SyntaxError as error:
        raise QuerySyntaxError(str(error).replace(f"SELECT (1 AS ?{_CHECK_VARIABLE})", "ASK")) from None


def absolute_iris(query: str, base_iri: str | None) -> str:
    """``query`` with each relative IRI replaced by the absolute IRI it stands for (RFC 3986 §5.2).

    ``BASE`` declarations change the base for what follows them (SPARQL 1.1 Query §4.1.1) and are
    themselves written absolute; the text's lines stay as they were, so an engine's error
    message still points at the client's line.
    """
    base = base_iri
    parts, position, after_base = [], 0, False
    for token in lexer.tokens(query):
        if token.kind == "iri" and not lexer.is_absolute(token.iri):
            resolved = lexer.resolve_iri(token.iri, base)
            if lexer.is_absolute(resolved):
                parts += [query[position:token.start], f"<{resolved}>"]
                position = token.end
            if after_base:
                base = resolved
        elif token.kind == "iri" and after_base:
            base = token.iri
        after_base = token.kind == "word" and token.text.upper() == "BASE"
    return "".join(parts) + query[position:]


def _top_level(query: str) -> list[tuple[lexer.Token, int]]:
    """Every token with the depth of ``{}`` nesting it is at (0: outside every group)."""
    depth, found = 0, []
    for token in lexer.tokens(query):
        if token.text == "}":
            depth -= 1
        found.append((token, depth))
        if token.text == "{":
            depth += 1
    return found


def with_row_limit(query: str, rows: int) -> str:
    """``query`` with its top-level ``LIMIT`` lowered to ``rows`` (or one added).

    The ``LIMIT`` goes after the solution modifiers and before a trailing ``VALUES`` clause
    (SPARQL 1.1 Query grammar [7], [18], [25]).
    """
    found = _top_level(query)
    for index, (token, depth) in enumerate(found):
        if depth == 0 and token.kind == "word" and token.text.upper() == "LIMIT":
            number = found[index + 1][0] if index + 1 < len(found) else None
            if number is None or number.kind != "number" or not number.text.isdigit():
                return query  # not a LIMIT we can read: the parser will say why
            if int(number.text) <= rows:
                return query
            return f"{query[:number.start]}{rows}{query[number.end:]}"
    seen_group = False
    for token, depth in found:
        if token.text == "{" and depth == 0:
            seen_group = True
        if seen_group and depth == 0 and token.kind == "word" and token.text.upper() == "VALUES":
            return f"{query[:token.start]}LIMIT {rows}\n{query[token.start:]}"
    return f"{query.rstrip()}\nLIMIT {rows}\n"


def with_dataset(query: str, dataset: Dataset) -> str:
    """``query`` with its ``FROM`` / ``FROM NAMED`` clauses replaced by ``dataset``'s.

    Only a query that names its own dataset is rewritten (the clauses take the place of its
    first ``FROM``); any other query is returned as it is, and the dataset goes as protocol
    parameters.
    """
    found = list(lexer.tokens(query))
    clauses = []
    index = 0
    while index < len(found):
        token = found[index]
        if token.kind == "word" and token.text.upper() == "FROM":
            end = index + 1
            if end < len(found) and found[end].kind == "word" and found[end].text.upper() == "NAMED":
                end += 1
            if end >= len(found) or found[end].kind not in ("iri", "pname"):
                return query  # a clause we cannot read: leave the text to the engine's parser
            clauses.append((token.start, found[end].end))
            index = end + 1
        else:
            index += 1
    if not clauses:
        return query
    written = " ".join([*(f"FROM <{g}>" for g in dataset.default_graph_uris),
                        *(f"FROM NAMED <{g}>" for g in dataset.named_graph_uris)])
    parts, position = [], 0
    for number, (start, end) in enumerate(clauses):
        parts.append(query[position:start])
        if number == 0:
            parts.append(written)
        position = end
    parts.append(query[position:])
    return "".join(parts)


def _values_block_at(found: list[tuple[lexer.Token, int]], index: int) -> tuple[str, list[str], int] | None:
    """The one-variable block of IRIs ``VALUES ?v { <a> ex:b … }`` starting at ``found[index]``: its
    variable, its IRIs as written and the index after its ``}``; None for any other shape."""
    if index + 3 >= len(found) or found[index + 1][0].kind != "var" or found[index + 2][0].text != "{":
        return None
    terms: list[str] = []
    position = index + 3
    while position < len(found) and found[position][0].kind in ("iri", "pname"):
        terms.append(found[position][0].text)
        position += 1
    if position >= len(found) or found[position][0].text != "}" or not terms:
        return None
    return found[index + 1][0].text, terms, position + 1


def merged_values(query: str) -> str:
    """``query`` with each run of one-variable ``VALUES`` blocks of IRIs inside a group made one block."""
    if query.lower().count("values") < 2:
        return query
    found = _top_level(query)
    edits, index = [], 0
    while index < len(found):
        token, depth = found[index]
        blocks, start, after = [], index, index
        while (after < len(found) and found[after][1] > 0 and found[after][0].kind == "word"
               and found[after][0].text.upper() == "VALUES"):
            block = _values_block_at(found, after)
            if block is None:
                break
            blocks.append(block)
            after = block[2]
        if len(blocks) > 1:
            names = " ".join(name for name, _, _ in blocks)
            rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*(terms for _, terms, _ in blocks)))
            edits.append((found[start][0].start, found[after - 1][0].end, f"VALUES ({names}) {{ {rows} }}"))
        index = max(after, index + 1)
    for begin, end, text in reversed(edits):
        query = query[:begin] + text + query[end:]
    return query


def without_empty_values(query: str) -> str:
    """``query`` without ``VALUES () { () … }`` blocks inside its groups (see the module docstring)."""
    if "values" not in query.lower():
        return query
    found = _top_level(query)
    cuts = []
    for index, (token, depth) in enumerate(found):
        if depth == 0 or token.kind != "word" or token.text.upper() != "VALUES":
            continue
        texts = [t.text for t, _ in found[index + 1:index + 4]]
        if texts != ["(", ")", "{"]:
            continue
        end, rows = index + 4, 0
        while end + 1 < len(found) and found[end][0].text == "(" and found[end + 1][0].text == ")":
            end, rows = end + 2, rows + 1
        if rows and end < len(found) and found[end][0].text == "}":
            cuts.append((token.start, found[end][0].end))
    for start, end in reversed(cuts):
        query = query[:start] + query[end:]
    return query
