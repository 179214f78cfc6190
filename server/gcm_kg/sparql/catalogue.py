"""Canned research queries: the ``queries/*.rq`` files, their parameters, and how they are run.

Each file of ``queries/`` is one SPARQL SELECT query answering one research question. It starts
with a metadata header of ``#+`` comment lines (a SPARQL comment, so the file stays a runnable
query)::

    #+ title: Objectives covered by a round table
    #+ description: The GCM objectives a round table reviews, with titles, in official order.
    #+ keywords: objectives, round table
    #+ param: roundtable
    #+   type: iri
    #+   description: the round table
    #+   default: https://w3id.org/gcm-kg/id/round-table/lac-2021-3
    #+   base: https://w3id.org/gcm-kg/id/round-table/

The header is parsed strictly (:func:`parse_query_file`): every line is ``#+ key: value``
(query keys: ``title``, ``description``, ``keywords``, ``lists``, ``chart``, ``param``) or, below a ``param``,
``#+   key: value`` indented by at least two more spaces (``type``, ``description``, ``default``,
``example``, ``values``, ``multiple``, ``required``, ``base``, ``min``, ``max``); an unknown or
repeated key, a missing required key or a parameter the query never mentions is an error naming
the file and line. A parameter's name is the SPARQL variable it binds (``?roundtable``).

A query may declare its default chart (drawn by :mod:`gcm_kg.services.charts`): ``#+ chart: KIND``
(``bar``, ``line`` or ``heatmap``) followed by the result columns that play each role of that kind
(:data:`CHART_ROLES`), indented like parameter keys::

    #+ chart: heatmap
    #+   x: number
    #+   y: label
    #+   value: questions

Every role of the kind is required, no other is allowed, and each must name a projected variable.

A query may declare result columns that are lists (``#+ lists: objectives, publishers``): each is
a ``GROUP_CONCAT`` with ``separator=", "`` (:data:`LIST_SEPARATOR`). SPARQL 1.1 Query §18.5.1.7
leaves the order of a ``GROUP_CONCAT``'s items to the engine, so the service puts the items of
these columns in order itself (:mod:`gcm_kg.services.canned`) and every engine gives the same text.

Parameter types: ``iri`` (an absolute IRI, a prefixed name such as ``gcm:theme/consular-protection``
or, with ``base``, a bare key such as ``consular-protection``), ``string``, ``langstring``
(``text@lang``), ``integer`` (optional ``min``/``max``), ``date`` (``YYYY-MM-DD``) and ``enum``
(one of ``values``; with ``base`` the value is bound as the IRI base+value, else as a plain
string). Values are validated first (:class:`ParameterError` names the parameter) and then
*bound, never spliced*: a single value is bound with pyoxigraph ``substitutions`` (SEP-0007), a
``multiple`` parameter with a ``VALUES`` block written from pyoxigraph terms and placed first in
the WHERE group. A parameter left unset (no value, no default, not required) stays a free
variable, so it does not filter. For another endpoint (``--endpoint``, the query UI permalink,
the RDF description) :meth:`Bound.standalone_text` writes every binding as such a ``VALUES`` block.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import pyoxigraph as ox

from gcm_kg.rdf import resources
from gcm_kg.sparql import lexer
from gcm_kg.core.namespaces import BASE, GRAPH, ID, PREFIXES, XSD

QUERIES_GRAPH = GRAPH + "queries"
QUERY_ID = ID + "query/"
ENDPOINT = BASE + "sparql"
TYPES = ("iri", "string", "langstring", "integer", "date", "enum")
RESERVED = ("limit", "offset", "format")  # request parameters of the API itself
MAX_STRING = 200

_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*(?:/[A-Za-z0-9._~-]+)*$")
LOCAL_NAME = re.compile(r"^[A-Za-z0-9._~/%-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LANGSTRING = re.compile(r"^(?P<text>.+)@(?P<tag>[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$", re.S)
_INTEGER = re.compile(r"^[+-]?[0-9]{1,9}$")
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")

QUERY_KEYS = {"title", "description", "keywords"}
#: What the ``GROUP_CONCAT`` of a list column (``#+ lists:``) puts between its items.
LIST_SEPARATOR = ", "
#: The chart kinds a header may declare, and the result columns each kind needs: ``x`` (categories
#: along the bottom, or the ordered axis of a line), ``y`` (the heat map's second category) and
#: ``value`` (the number drawn).
CHART_ROLES = {"bar": ("x", "value"), "line": ("x", "value"), "heatmap": ("x", "y", "value")}
PARAM_KEYS = {"type", "description", "default", "example", "values", "multiple", "required", "base", "min", "max"}


# -- errors --------------------------------------------------------------------------------------
class CannedQueryError(Exception):
    """Base of the errors a canned query request can end in; ``str()`` is safe to show."""


class QueryFileError(CannedQueryError):
    """A ``.rq`` file's header is malformed; the message names the file and line."""


class UnknownQuery(CannedQueryError):
    def __init__(self, name: str, known: Sequence[str]):
        self.name = name
        super().__init__(f"no canned query named {name!r}; known queries: {', '.join(known)}")


class ParameterError(CannedQueryError):
    """A parameter value is missing, unknown or invalid (→ 400); the message names it."""

    def __init__(self, param: str, message: str):
        self.param = param
        super().__init__(f"parameter {param!r}: {message}")


# -- metadata ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    default: tuple[str, ...] = ()
    example: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    multiple: bool = False
    required: bool = False
    base: str | None = None
    min: int | None = None
    max: int | None = None

    def to_json(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description,
               "required": self.required, "multiple": self.multiple}
        if self.default:
            out["default"] = list(self.default) if self.multiple else self.default[0]
        if self.example:
            out["example"] = list(self.example) if self.multiple else self.example[0]
        if self.values:
            out["values"] = list(self.values)
        if self.base:
            out["base"] = self.base
        if self.min is not None:
            out["minimum"] = self.min
        if self.max is not None:
            out["maximum"] = self.max
        return out

    # -- values ---------------------------------------------------------------------------------
    def parse(self, raw: str) -> ox.Term:
        """The pyoxigraph term for one raw value; raises :class:`ParameterError`."""
        if not isinstance(raw, str):
            raise ParameterError(self.name, "expected a text value")
        if _CONTROL.search(raw):
            raise ParameterError(self.name, "control characters (newlines, NUL, …) are not allowed")
        limit = MAX_STRING if self.type in ("string", "langstring") else 2000
        if len(raw) > limit:
            raise ParameterError(self.name, f"value longer than {limit} characters")
        return getattr(self, f"_parse_{self.type}")(raw)

    def _parse_iri(self, raw: str) -> ox.NamedNode:
        prefix, colon, local = raw.partition(":")
        if colon and prefix in PREFIXES and not local.startswith("//"):
            if not LOCAL_NAME.match(local):
                raise ParameterError(self.name, f"invalid local name after {prefix}:")
            text = PREFIXES[prefix] + local
        elif colon and re.match(r"^[A-Za-z][A-Za-z0-9+.-]*$", prefix):
            text = raw
        elif self.base and _KEY.match(raw):
            text = self.base + raw
        else:
            hint = f", or a key under {self.base}" if self.base else ""
            raise ParameterError(self.name, f"expected an absolute IRI or a prefixed name such as "
                                            f"gcm:theme/consular-protection{hint}")
        try:
            return ox.NamedNode(text)
        except ValueError as error:
            raise ParameterError(self.name, f"not a valid IRI ({error})") from None

    def _parse_string(self, raw: str) -> ox.Literal:
        if not raw.strip():
            raise ParameterError(self.name, "expected a non-blank string")
        return ox.Literal(raw)

    def _parse_langstring(self, raw: str) -> ox.Literal:
        match = _LANGSTRING.match(raw)
        if not match or not match["text"].strip():
            raise ParameterError(self.name, "expected text@language, e.g. Protección consular@es")
        try:
            return ox.Literal(match["text"], language=match["tag"].lower())
        except ValueError as error:
            raise ParameterError(self.name, f"invalid language tag ({error})") from None

    def _parse_integer(self, raw: str) -> ox.Literal:
        if not _INTEGER.match(raw):
            raise ParameterError(self.name, "expected an integer")
        value = int(raw)
        if self.min is not None and value < self.min or self.max is not None and value > self.max:
            raise ParameterError(self.name, f"expected an integer from {self.min} to {self.max}")
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))

    def _parse_date(self, raw: str) -> ox.Literal:
        try:
            if not _DATE.match(raw):
                raise ValueError
            value = _dt.date.fromisoformat(raw)
        except ValueError:
            raise ParameterError(self.name, "expected a date YYYY-MM-DD") from None
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))

    def _parse_enum(self, raw: str) -> ox.Term:
        if self.base and raw.startswith(self.base) and raw[len(self.base):] in self.values:
            raw = raw[len(self.base):]  # the full IRI a value stands for, as examples list it
        if raw not in self.values:
            raise ParameterError(self.name, f"expected one of: {', '.join(self.values)}")
        return ox.NamedNode(self.base + raw) if self.base else ox.Literal(raw)


@dataclass(frozen=True)
class ChartSpec:
    """Which chart to draw of a result, and which columns play its roles (:data:`CHART_ROLES`)."""

    kind: str
    x: str
    value: str
    y: str | None = None

    def to_json(self) -> dict:
        return {"kind": self.kind, "x": self.x, **({"y": self.y} if self.y else {}), "value": self.value}


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    keywords: tuple[str, ...]
    params: tuple[Param, ...]
    sparql: str  # the query text without the ``#+`` header
    path: Path | None = None
    projected: frozenset[str] = frozenset()  # the variables of the SELECT clause
    chart: ChartSpec | None = None  # the chart the header declares
    lists: tuple[str, ...] = ()  # the result columns whose items the service orders (``#+ lists:``)

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def iri(self) -> str:
        return QUERY_ID + self.name

    def bind(self, raw: Mapping[str, Sequence[str]] | None = None, *, use_defaults: bool = True) -> "Bound":
        """Validate ``raw`` (parameter name → values) and bind it; raises :class:`ParameterError`."""
        raw = raw or {}
        names = {p.name for p in self.params}
        for key in raw:
            if key not in names:
                known = ", ".join(sorted(names)) or "none"
                raise ParameterError(key, f"unknown parameter of query {self.name!r} (its parameters: {known})")
        values: dict[str, tuple[ox.Term, ...]] = {}
        for p in self.params:
            given = [v for v in raw.get(p.name, ()) if v != ""]  # an empty form field means "not given"
            if len(given) > 1 and not p.multiple:
                raise ParameterError(p.name, "takes one value")
            if len(given) > 50:
                raise ParameterError(p.name, "takes at most 50 values")
            if not given and use_defaults:
                given = list(p.default)
            if not given:
                if p.required:
                    raise ParameterError(p.name, "is required")
                continue
            terms = tuple(dict.fromkeys(p.parse(v) for v in given))
            values[p.name] = terms
        return Bound(self, values)

    def to_json(self) -> dict:
        return {"name": self.name, "title": self.title, "description": self.description,
                "keywords": list(self.keywords), "parameters": [p.to_json() for p in self.params],
                "chart": self.chart.to_json() if self.chart else None, "lists": list(self.lists)}


@dataclass(frozen=True)
class Bound:
    """A canned query with validated parameter values (pyoxigraph terms)."""

    query: CannedQuery
    values: dict[str, tuple[ox.Term, ...]] = field(default_factory=dict)

    def _substituted(self, name: str) -> bool:
        # pyoxigraph substitutes projected variables only (SEP-0007); others get a VALUES block.
        return not self.query.param(name).multiple and name in self.query.projected

    def substitutions(self) -> dict[ox.Variable, ox.Term]:
        return {ox.Variable(n): ts[0] for n, ts in self.values.items() if self._substituted(n)}

    def embedded_text(self, limit: int | None = None, offset: int = 0) -> str:
        """The text to run with :meth:`substitutions`; the other bindings as VALUES blocks."""
        rest = {n: ts for n, ts in self.values.items() if not self._substituted(n)}
        return _with_paging(insert_values(self.query.sparql, rest), limit, offset)

    def standalone_text(self, limit: int | None = None, offset: int = 0) -> str:
        """A self-contained query for any SPARQL endpoint: every binding as a VALUES block."""
        return _with_paging(insert_values(self.query.sparql, self.values), limit, offset)

    def run(self, store, *, limit: int | None = None, offset: int = 0):
        """Run on a :class:`~gcm_kg.store.embedded.GraphStore`; returns pyoxigraph ``QuerySolutions``."""
        return store.query(self.embedded_text(limit, offset), substitutions=self.substitutions())

    def query_string(self) -> list[tuple[str, str]]:
        return [(n, term_to_param(t)) for n, ts in self.values.items() for t in ts]


def term_to_param(term: ox.Term) -> str:
    """The raw request value that binds ``term`` again (inverse of :meth:`Param.parse`)."""
    if isinstance(term, ox.Literal) and term.language:
        return f"{term.value}@{term.language}"
    return term.value


def _values_block(values: Mapping[str, Sequence[ox.Term]]) -> str:
    # str() of a pyoxigraph term is its N-Triples/SPARQL serialisation, with every quote,
    # backslash and control character escaped: the values cannot change the query's shape.
    return "".join(f"\n  VALUES ?{name} {{ {' '.join(str(t) for t in terms)} }}"
                   for name, terms in values.items())


def insert_values(sparql: str, values: Mapping[str, Sequence[ox.Term]]) -> str:
    """``sparql`` with a ``VALUES`` block per variable of ``values`` first in its WHERE group."""
    if not values:
        return sparql
    at = _where_open(sparql)
    return sparql[:at] + _values_block(values) + sparql[at:]


def _with_paging(sparql: str, limit: int | None, offset: int) -> str:
    if limit is None and not offset:
        return sparql
    return sparql.rstrip() + "\n" + (f"LIMIT {int(limit)} " if limit is not None else "") + \
        (f"OFFSET {int(offset)}" if offset else "") + "\n"


def _where_open(sparql: str) -> int:
    """Offset just after the ``{`` opening the WHERE group: the first ``{`` that is not inside a
    comment, a string or an IRI (a SELECT query has no brace before its WHERE group)."""
    for token in lexer.tokens(sparql):
        if token.text == "{":
            return token.end
    raise ValueError("no WHERE group")


# -- parsing the files ---------------------------------------------------------------------------
def parse_query_file(path: Path) -> CannedQuery:
    return parse_query_text(Path(path).read_text(encoding="utf-8"), Path(path).stem, path=Path(path))


def parse_query_text(text: str, name: str, *, path: Path | None = None) -> CannedQuery:
    where = str(path or name)

    def fail(line: int, message: str):
        raise QueryFileError(f"{where}:{line}: {message}")

    if not _NAME.match(name):
        fail(1, f"query name {name!r} must be lower-case kebab-case")
    lines = text.split("\n")
    head: dict[str, str] = {}
    params: list[dict] = []
    chart: dict | None = None
    block: dict | None = None  # the 'param' or 'chart' that indented keys belong to
    lists_line = 0
    n = 0
    for n, line in enumerate(lines, 1):
        if not line.startswith("#+"):
            break
        m = re.match(r"^#\+( +)([a-z]+): ?(.*)$", line)
        if not m:
            fail(n, "expected '#+ key: value'")
        indent, key, value = len(m[1]), m[2], m[3].strip()
        if indent == 1:
            if key == "param":
                if not _PARAM_NAME.match(value):
                    fail(n, f"parameter name {value!r} must match [a-z][a-z0-9_]*")
                if value in RESERVED:
                    fail(n, f"parameter name {value!r} is reserved by the API")
                if any(p["name"] == value for p in params):
                    fail(n, f"parameter {value!r} declared twice")
                block = {"name": value, "_line": n}
                params.append(block)
            elif key in QUERY_KEYS or key in ("lists", "chart"):
                if key in head or key == "chart" and chart is not None:
                    fail(n, f"{key!r} given twice")
                if params:
                    fail(n, f"query key {key!r} after the parameters")
                if key == "chart":
                    if value not in CHART_ROLES:
                        fail(n, f"chart must be one of {', '.join(CHART_ROLES)}")
                    block = chart = {"kind": value, "_line": n}
                else:
                    head[key] = value
                    lists_line = n if key == "lists" else lists_line
                    block = None
            else:
                fail(n, f"unknown key {key!r} (expected {', '.join(sorted(QUERY_KEYS | {'lists', 'chart', 'param'}))})")
        elif indent >= 3:
            if block is None:
                fail(n, "indented key outside a 'param' or 'chart'")
            if block is chart and key not in CHART_ROLES[chart["kind"]]:
                fail(n, f"unknown {chart['kind']} chart key {key!r} "
                        f"(expected {', '.join(CHART_ROLES[chart['kind']])})")
            if block is not chart and key not in PARAM_KEYS:
                fail(n, f"unknown parameter key {key!r} (expected {', '.join(sorted(PARAM_KEYS))})")
            if key in block:
                fail(n, f"{key!r} given twice")
            block[key] = value
        else:
            fail(n, "use one space after '#+' for query keys, three or more for parameter keys")
    else:
        n += 1
    body = "\n".join(lines[n - 1:]).strip("\n") + "\n"
    for key in ("title", "description", "keywords"):
        if not head.get(key):
            fail(1, f"missing '#+ {key}:'")
    code = list(lexer.tokens(body))
    keywords = {token.text.upper() for token in code if token.kind == "word"}
    variables = {token.text[1:] for token in code if token.kind == "var"}
    if keywords & {"LIMIT", "OFFSET"}:
        fail(n, "a canned query must not page itself (LIMIT/OFFSET are added by the API)")
    if "SELECT" not in keywords:
        fail(n, "a canned query must be a SELECT query")
    built = []
    for p in params:
        line = p.pop("_line")
        built.append(_build_param(p, lambda msg, line=line: fail(line, msg)))
        if p["name"] not in variables:
            fail(line, f"the query never uses ?{p['name']}")
    query = CannedQuery(name, head["title"], head["description"],
                        tuple(k.strip() for k in head["keywords"].split(",") if k.strip()),
                        tuple(built), body, path)
    try:  # the query must parse with every binding style
        empty = ox.Store()
        solutions = empty.query(body)
        if not isinstance(solutions, ox.QuerySolutions):
            fail(n, "a canned query must be a SELECT query")
        projected = frozenset(v.value for v in solutions.variables)
        query = CannedQuery(query.name, query.title, query.description, query.keywords, query.params,
                            body, path, projected, _chart_spec(chart, projected, fail) if chart else None,
                            _list_columns(head.get("lists"), projected, lambda msg: fail(lists_line, msg)))
        bound = query.bind()
        empty.query(bound.embedded_text(10, 1), substitutions=bound.substitutions())
        empty.query(bound.standalone_text(10, 1))
    except (SyntaxError, RuntimeError) as error:
        fail(n, f"the query (its text starts at this line) does not parse: {error}")
    except ParameterError as error:
        fail(n, f"invalid default: {error}")
    return query


def _list_columns(value: str | None, projected: frozenset[str], fail) -> tuple[str, ...]:
    if value is None:
        return ()
    columns = [c.strip() for c in value.split(",")]
    if not all(columns):
        fail("lists: empty column name")
    for column in columns:
        if column not in projected:
            fail(f"lists: the query has no result column ?{column}")
        if columns.count(column) > 1:
            fail(f"lists: column {column!r} given twice")
    return tuple(columns)


def _chart_spec(spec: dict, projected: frozenset[str], fail) -> ChartSpec:
    line = spec.pop("_line")
    kind = spec.pop("kind")
    for role in CHART_ROLES[kind]:
        if role not in spec:
            fail(line, f"a {kind} chart needs '#+   {role}: COLUMN'")
        if spec[role] not in projected:
            fail(line, f"chart {role}: the query has no result column ?{spec[role]}")
    return ChartSpec(kind, **spec)


def _build_param(spec: dict, fail) -> Param:
    name = spec["name"]
    kind = spec.get("type")
    if kind not in TYPES:
        fail(f"parameter {name!r}: type must be one of {', '.join(TYPES)}")
    if not spec.get("description"):
        fail(f"parameter {name!r}: missing description")

    def flag(key):
        value = spec.get(key, "false")
        if value not in ("true", "false"):
            fail(f"parameter {name!r}: {key} must be true or false")
        return value == "true"

    multiple = flag("multiple")

    def listed(key):
        if key not in spec:
            return ()
        items = [v.strip() for v in spec[key].split(",")] if (multiple or key == "values") else [spec[key]]
        if not all(items):
            fail(f"parameter {name!r}: empty item in {key}")
        return tuple(items)

    def integer(key):
        if key not in spec:
            return None
        if not _INTEGER.match(spec[key]):
            fail(f"parameter {name!r}: {key} must be an integer")
        if kind != "integer":
            fail(f"parameter {name!r}: {key} applies to integers only")
        return int(spec[key])

    values = listed("values")
    if (kind == "enum") != bool(values):
        fail(f"parameter {name!r}: 'values' is required for enum and only for enum")
    base = spec.get("base")
    if base is not None:
        if kind not in ("iri", "enum"):
            fail(f"parameter {name!r}: base applies to iri and enum only")
        try:
            ox.NamedNode(base)
        except ValueError:
            fail(f"parameter {name!r}: base is not an IRI")
    param = Param(name, kind, spec["description"], listed("default"), listed("example"), values,
                  multiple, flag("required"), base, integer("min"), integer("max"))
    if param.required and param.default:
        fail(f"parameter {name!r}: a required parameter has no default")
    return param


@lru_cache(maxsize=1)
def _load_all(root: str) -> dict[str, CannedQuery]:
    queries = {}
    for path in sorted(Path(root).glob("*.rq")):
        query = parse_query_file(path)
        queries[query.name] = query
    return queries


def load_queries() -> dict[str, CannedQuery]:
    """Every canned query by name (sorted); raises :class:`QueryFileError` on a malformed file."""
    try:
        root = resources.resource_dir("queries")
    except FileNotFoundError:
        return {}
    return _load_all(str(root))


def get_query(name: str) -> CannedQuery:
    queries = load_queries()
    if name not in queries:
        raise UnknownQuery(name, list(queries))
    return queries[name]


# -- queries as RDF (SHACL SPARQL executables, as in the SIB sparql-examples collections) --------
def _n(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES[prefix] + local)


def queries_as_quads(graph: str = QUERIES_GRAPH) -> list[ox.Quad]:
    """Each canned query as an ``sh:SPARQLSelectExecutable`` in the named graph ``graph``."""
    g = ox.NamedNode(graph)
    rdf_type = _n("rdf", "type")
    quads = []
    for query in load_queries().values():
        s = ox.NamedNode(query.iri)
        triples = [
            (rdf_type, _n("sh", "SPARQLExecutable")),
            (rdf_type, _n("sh", "SPARQLSelectExecutable")),
            (_n("rdfs", "label"), ox.Literal(query.title, language="en")),
            (_n("rdfs", "comment"), ox.Literal(query.description, language="en")),
            (_n("dct", "identifier"), ox.Literal(query.name)),
            (_n("sh", "select"), ox.Literal(query.bind().standalone_text())),
            (_n("schema", "target"), ox.NamedNode(ENDPOINT)),
            (_n("schema", "isPartOf"), ox.NamedNode(ID + "dataset/gcm-kg")),
        ]
        triples += [(_n("schema", "keywords"), ox.Literal(k)) for k in query.keywords]
        quads += [ox.Quad(s, p, o, g) for p, o in triples]
    return quads


def examples_turtle() -> bytes:
    return ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in queries_as_quads()],
                        format=ox.RdfFormat.TURTLE,
                        prefixes={k: PREFIXES[k] for k in ("gcm", "sh", "rdfs", "dct", "schema")})


