"""Running canned research queries: result tables, their text/CSV/JSON forms, copy-paste
snippets and the ``gcm-kg query`` command. The queries themselves (files, parameters, binding)
are :mod:`gcm_kg.sparql.catalogue`."""

from __future__ import annotations
import csv
import io
import json
import re
import sys
import urllib.parse
from dataclasses import dataclass
from typing import Iterable, TextIO
import pyoxigraph as ox
from gcm_kg.core.namespaces import PREFIXES, XSD

from gcm_kg.core.settings import Settings
from gcm_kg.sparql.model import QueryError
from gcm_kg.store.factory import open_store
from gcm_kg.sparql.catalogue import (Bound, CannedQuery, CannedQueryError, ParameterError, LIST_SEPARATOR, LOCAL_NAME,
                                     get_query, load_queries)

# -- results -------------------------------------------------------------------------------------
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                    "positiveInteger", "nonPositiveInteger", "negativeInteger",
                                    "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte")}


def json_value(term: ox.Term | None):
    """The simple JSON value of a term: IRIs and literals as their text, integers as numbers,
    booleans as booleans, unbound as null, blank nodes as ``_:label``."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype == XSD + "boolean":
                return term.value in ("true", "1")
        except ValueError:
            pass
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


@dataclass
class Table:
    columns: list[str]
    rows: list[list[ox.Term | None]]

    def records(self) -> list[dict]:
        return [{c: json_value(v) for c, v in zip(self.columns, row)} for row in self.rows]


def solutions_table(solutions) -> Table:
    columns = [v.value for v in solutions.variables]
    return Table(columns, [[s[c] for c in columns] for s in solutions])


def run_table(store, bound: Bound, *, limit: int | None = None, offset: int = 0) -> Table:
    solutions = bound.run(store, limit=limit, offset=offset)
    return Answer.of(solutions.serialize(format=ox.QueryResultsFormat.JSON), bound.query).table()


# -- list columns --------------------------------------------------------------------------------
_DIGITS = re.compile(r"([0-9]+)")


def _natural_order(item: str) -> tuple:
    """Numbers by value ("2" before "10"), text without regard to case; then the item itself, so
    that no two different items tie."""
    parts = _DIGITS.split(item)  # text, digits, text, digits, …, text
    return tuple((0, int(part), "") if index % 2 else (1, 0, part.casefold())
                 for index, part in enumerate(parts) if part), item


def ordered_list(text: str) -> str:
    """The items of a list cell (a ``GROUP_CONCAT`` with :data:`LIST_SEPARATOR`) in natural order."""
    return LIST_SEPARATOR.join(sorted(text.split(LIST_SEPARATOR), key=_natural_order))


@dataclass
class Answer:
    """A canned query's answer as SPARQL 1.1 JSON results, with the items of its list columns in
    order: every output format (the API's JSON, SPARQL JSON/XML, CSV, TSV, HTML, SVG) is written
    from it, so all give the same rows in the same order on every engine."""

    results: dict  # the SPARQL 1.1 Query Results JSON document
    has_next: bool = False  # rows were dropped after the page

    @classmethod
    def of(cls, body: bytes, query: CannedQuery, limit: int | None = None) -> "Answer":
        """The answer in ``body`` (SPARQL JSON), cut to ``limit`` rows (the caller asks for one
        more, to know whether there is a next page)."""
        results = json.loads(body)
        bindings = results["results"]["bindings"]
        has_next = limit is not None and len(bindings) > limit
        if limit is not None:
            del bindings[limit:]
        for binding in bindings:
            for column in query.lists:
                cell = binding.get(column)
                if cell is not None and cell["type"] == "literal":
                    cell["value"] = ordered_list(cell["value"])
        return cls(results, has_next)

    def serialize(self, fmt: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON) -> bytes:
        body = json.dumps(self.results, ensure_ascii=False).encode("utf-8")
        if fmt == ox.QueryResultsFormat.JSON:
            return body
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON).serialize(format=fmt)

    def table(self) -> Table:
        return solutions_table(ox.parse_query_results(self.serialize(), format=ox.QueryResultsFormat.JSON))


def compact(iri: str) -> str:
    best = None
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and LOCAL_NAME.match(iri[len(ns):]) and (best is None or len(ns) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def display(term: ox.Term | None, width: int | None = 70) -> str:
    if term is None:
        text = ""
    elif isinstance(term, ox.NamedNode):
        text = compact(term.value)
    elif isinstance(term, ox.Literal):
        text = term.value + (f" @{term.language}" if term.language else "")
    else:
        text = f"_:{term.value}"
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[:width - 1] + "…"


def format_table(table: Table, width: int = 70) -> str:
    cells = [[display(v, width) for v in row] for row in table.rows]
    widths = [max([len(c)] + [len(r[i]) for r in cells]) for i, c in enumerate(table.columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(table.columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    count = len(table.rows)
    lines.append(f"({count} row{'s' if count != 1 else ''})")
    return "\n".join(lines) + "\n"


def format_csv(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(["" if v is None else (f"_:{v.value}" if isinstance(v, ox.BlankNode) else v.value)
                         for v in row])
    return buffer.getvalue()


def result_json(name: str, table: Table, limit: int | None, offset: int) -> dict:
    return {"query": name, "columns": table.columns, "rows": table.records(), "limit": limit, "offset": offset}


# -- copy-paste snippets -------------------------------------------------------------------------
def snippets(bound: Bound, api_url: str, sparql_url: str) -> dict[str, str]:
    """curl, Python (SPARQLWrapper), R and gcm-kg's Python client snippets running ``bound`` against a
    deployment."""
    query_string = urllib.parse.urlencode(bound.query_string())
    url = api_url + (f"?{query_string}" if query_string else "")
    csv_url = api_url + "?" + urllib.parse.urlencode(bound.query_string() + [("format", "csv")])
    text = bound.standalone_text()
    python = (
        "from SPARQLWrapper import SPARQLWrapper, JSON\n\n"
        f"sparql = SPARQLWrapper({sparql_url!r})\n"
        f"sparql.setQuery('''\n{text.replace(chr(92), chr(92) * 2)}''')\n"
        "sparql.setReturnFormat(JSON)\n"
        "for row in sparql.queryAndConvert()[\"results\"][\"bindings\"]:\n"
        "    print({k: v[\"value\"] for k, v in row.items()})\n")
    r = f"rows <- read.csv({json.dumps(csv_url)}, encoding = \"UTF-8\")\nprint(rows)\n"
    return {"curl": f"curl -H 'Accept: text/csv' {_shell_quote(url)}", "python": python, "r": r,
            "client": _client_snippet(bound, sparql_url)}


def _client_snippet(bound: Bound, sparql_url: str) -> str:
    """The same with gcm-kg's own Python client: every page, as a typed pandas DataFrame."""
    values: dict[str, list[str]] = {}
    for name, value in bound.query_string():
        values.setdefault(name, []).append(value)
    # a multi-value parameter is a list, as canned() takes it
    arguments = "".join(f", {name}={(vs[0] if len(vs) == 1 else vs)!r}" for name, vs in values.items())
    return ("from gcm_kg.client import canned  # pip install 'gcm-kg[client]'\n\n"
            f"rows = canned({bound.query.name!r}, endpoint={sparql_url!r}{arguments})\n"
            "print(rows)\n")


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


# -- command line --------------------------------------------------------------------------------
def _parse_cli_params(params: Iterable[str]) -> dict[str, list[str]]:
    raw: dict[str, list[str]] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise ParameterError(item, "expected NAME=VALUE")
        raw.setdefault(key.strip(), []).append(value)
    return raw


def run_cli_query(name: str | None, params: list[str], fmt: str, endpoint: str | None, out: TextIO) -> int:
    """``gcm-kg query``: list the canned queries, or run one and print a table, CSV or JSON."""
    try:
        queries = load_queries()
        if name is None:
            for query in queries.values():
                out.write(f"{query.name}\n    {query.title}\n")
                for p in query.params:
                    default = f" (default {', '.join(p.default)})" if p.default else (" (required)" if p.required else "")
                    out.write(f"    --param {p.name}=<{p.type}>{default}\n")
            return 0
        bound = get_query(name).bind(_parse_cli_params(params))
        # The one store factory: --endpoint is a RemoteStore (the project's one HTTP client for
        # SPARQL endpoints), else the shipped graph in memory; no row cap for the command line.
        store = open_store(Settings(endpoint=endpoint, timeout=120.0, max_rows=None))
        table = run_table(store, bound)
    except CannedQueryError as error:
        print(f"gcm-kg query: {error}", file=sys.stderr)
        return 2
    except (QueryError, OSError, SyntaxError, ValueError) as error:
        print(f"gcm-kg query: {endpoint}: {error}", file=sys.stderr)
        return 2
    if fmt == "csv":
        out.write(format_csv(table))
    elif fmt == "json":
        out.write(json.dumps(result_json(name, table, None, 0), ensure_ascii=False, indent=2) + "\n")
    else:
        out.write(format_table(table))
    return 0
