"""The research-query REST API: ``/api/queries``, ``/openapi.json``, ``/.well-known/sparql-examples``.

A thin layer over :mod:`gcm_kg.services.canned`: the views read the request, bind the parameters (a bad
value is a 400 naming the parameter), run the bound query through the app's store with
``store.execute()`` (so the service's time limit and row cap apply) and write the answer in the
negotiated format.
"""

from __future__ import annotations

import json
import urllib.parse
from html import escape

import pyoxigraph as ox
from flask import Flask, Response, redirect, request

from gcm_kg import __version__
from gcm_kg.services import canned
from gcm_kg.sparql import catalogue
from gcm_kg.rdf import formats
from gcm_kg.web.context import get_settings, get_store
from gcm_kg.core.negotiation import negotiate, parse_accept, quality
from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.web.problems import problem_response
from gcm_kg.sparql.model import NotAcceptable, QueryExecutionError, QuerySyntaxError, QueryTimeout
from gcm_kg.store.base import UpstreamError, UpstreamTimeout

RETRY_AFTER = 5
SIMPLE_JSON = "application/json"
_RESULTS = formats.select(formats.RESULTS, "csv", "srj", "srx", "tsv")
#: What ``GET /api/queries/{name}`` offers, in the server's order of preference: the API's own
#: JSON, the SPARQL results formats, and HTML.
RESULT_TYPES = [SIMPLE_JSON, *(f.media_type for f in _RESULTS.values()), "text/html"]
#: ``?format=`` shortcuts for links and browsers ("json" is the API's own JSON here).
FORMAT_NAMES = {"json": SIMPLE_JSON, **{name: _RESULTS[name].media_type for name in ("csv", "tsv", "srj", "srx")},
                "html": "text/html"}
EXAMPLE_TYPES = [f.media_type for f in formats.select(formats.RDF, "ttl", "jsonld", "nt", "rdf", "trig", "nq").values()]


def prefers_html(accept: str | None) -> bool:
    """HTML only for clients that rank it above JSON (browsers); ``*/*`` (curl, scripts) gets JSON."""
    ranges = parse_accept(accept)
    return quality("text/html", ranges) > quality(SIMPLE_JSON, ranges)


class RequestError(Exception):
    def __init__(self, status: int, detail: str, **extra):
        self.status, self.detail, self.extra = status, detail, extra
        super().__init__(detail)


# -- URLs ----------------------------------------------------------------------------------------
def _root() -> str:
    public = get_settings().public_url
    if public:
        return public[: -len("sparql")] if public.rstrip("/").endswith("/sparql") else public.rstrip("/") + "/"
    return request.url_root


def _api_url(name: str | None = None) -> str:
    return _root() + "api/queries" + (f"/{name}" if name else "")


def _sparql_url() -> str:
    return get_settings().public_url or _root() + "sparql"


def _permalink(bound: canned.Bound) -> str:
    return _root() + "sparql?" + urllib.parse.urlencode({"query": bound.standalone_text()})


def _href(iri: str) -> str:
    base = get_settings().base_uri
    return _root() + iri[len(base):] if iri.startswith(base) else iri


# -- listing -------------------------------------------------------------------------------------
def describe_query(query: catalogue.CannedQuery) -> dict:
    """A query's entry of the JSON listing: metadata, text, links and copy-paste snippets."""
    bound = query.bind()
    entry = query.to_json()
    example = {p.name: list(p.example) for p in query.params if p.example}
    try:
        example_bound = query.bind(example) if example else bound
    except canned.ParameterError:
        example_bound = bound
    entry.update({
        "url": _api_url(query.name),
        "example": _api_url(query.name) + (
            "?" + urllib.parse.urlencode(example_bound.query_string()) if example_bound.values else ""),
        "iri": query.iri,
        "sparql": query.sparql,
        "sparql_with_defaults": bound.standalone_text(),
        "permalink": _permalink(bound),
        "snippets": canned.snippets(bound, _api_url(query.name), _sparql_url()),
    })
    return entry


def list_queries() -> Response:
    queries = canned.load_queries()
    accept = request.headers.get("Accept")
    if request.args.get("format") == "html" or (request.args.get("format") is None and prefers_html(accept)):
        response = Response(_listing_html(queries), content_type="text/html; charset=utf-8")
    else:
        body = {"queries": [describe_query(q) for q in queries.values()],
                "openapi": _root() + "openapi.json", "examples": _root() + ".well-known/sparql-examples"}
        response = Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")
    response.headers["Vary"] = "Accept"
    return response


_CSS = ("body{font:15px/1.5 system-ui,sans-serif;max-width:64rem;margin:1rem auto;padding:0 1rem;color:#1b1b1b}"
        "pre{background:#f4f4f4;padding:.5rem;overflow:auto;font-size:13px}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;vertical-align:top}"
        "section{border-top:1px solid #ddd;margin-top:1.5rem}code{font-size:13px}")


def _page(title: str, body: str) -> str:
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{escape(title)}</title>"
            f"<style>{_CSS}</style></head><body>{body}</body></html>")


def _listing_html(queries: dict[str, catalogue.CannedQuery]) -> str:
    parts = ["<h1>Research queries</h1><p>Canned SPARQL queries over the gcm-kg knowledge graph. Each runs "
             "at <code>/api/queries/{name}</code> as JSON, CSV or any SPARQL result format (by "
             "<code>Accept</code> or <code>?format=</code>); see the "
             f"<a href='{escape(_root())}openapi.json'>OpenAPI description</a> and the queries "
             f"<a href='{escape(_root())}.well-known/sparql-examples'>as RDF</a>.</p><ul>"]
    parts += [f"<li><a href='#{q.name}'>{escape(q.title)}</a></li>" for q in queries.values()]
    parts.append("</ul>")
    for query in queries.values():
        entry = describe_query(query)
        rows = "".join(
            f"<tr><td><code>{escape(p.name)}</code></td><td>{escape(p.type)}{' (repeatable)' if p.multiple else ''}</td>"
            f"<td>{escape(', '.join(p.default) or ('required' if p.required else 'optional'))}</td>"
            f"<td>{escape(p.description)}{(' One of: ' + escape(', '.join(p.values))) if p.values else ''}</td></tr>"
            for p in query.params)
        inputs = "".join(
            f"<label>{escape(p.name)} <input name='{escape(p.name)}' value='{escape(p.default[0] if p.default else '')}'"
            f" size=40></label><br>" for p in query.params)
        snippets = "".join(f"<h4>{escape(k)}</h4><pre><code>{escape(v)}</code></pre>" for k, v in entry["snippets"].items())
        parts.append(
            f"<section id='{escape(query.name)}'><h2>{escape(query.title)}</h2><p><code>{escape(query.name)}</code> — "
            f"{escape(query.description)}</p><p>Keywords: {escape(', '.join(query.keywords))}</p>"
            + (f"<table><tr><th>parameter</th><th>type</th><th>default</th><th>description</th></tr>{rows}</table>"
               if rows else "<p>No parameters.</p>")
            + f"<form action='{escape(entry['url'])}' method=get>{inputs}<label>format <select name=format>"
            + "".join(f"<option>{f}</option>" for f in FORMAT_NAMES)
            + f"</select></label> <button>Run</button></form><p><a href='{escape(entry['url'])}'>JSON</a> · "
            f"<a href='{escape(entry['url'])}?format=csv'>CSV</a> · "
            f"<a href='{escape(entry['permalink'])}'>open in the query editor</a></p>"
            f"<details><summary>SPARQL</summary><pre><code>{escape(entry['sparql'])}</code></pre></details>"
            f"<details><summary>Copy-paste snippets</summary>{snippets}</details></section>")
    return _page("gcm-kg research queries", "".join(parts))


# -- running -------------------------------------------------------------------------------------
def _int_arg(name: str, default: int, minimum: int) -> int:
    raw = request.args.getlist(name)
    if not raw:
        return default
    if len(raw) > 1 or not raw[0].isdigit() or len(raw[0]) > 9 or int(raw[0]) < minimum:
        raise RequestError(400, f"parameter {name!r}: expected one integer ≥ {minimum}", parameter=name)
    return int(raw[0])


def _chosen_type(accept: str | None) -> str:
    forced = request.args.getlist("format")
    if forced:
        if len(forced) > 1 or forced[0] not in FORMAT_NAMES:
            raise RequestError(400, f"parameter 'format': expected one of {', '.join(FORMAT_NAMES)}",
                               parameter="format")
        return FORMAT_NAMES[forced[0]]
    if prefers_html(accept):
        return "text/html"
    chosen = negotiate(accept, RESULT_TYPES)
    if chosen is None:
        raise RequestError(406, "results are available as: " + ", ".join(RESULT_TYPES), offered=RESULT_TYPES)
    return chosen


def _page_url(name: str, limit: int, offset: int) -> str:
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("limit", "offset")]
    pairs += [("limit", str(limit)), ("offset", str(offset))]
    return _api_url(name) + "?" + urllib.parse.urlencode(pairs)


def run_query(name: str) -> Response:
    accept = request.headers.get("Accept")
    settings = get_settings()
    try:
        query = canned.get_query(name)
        chosen = _chosen_type(accept)
        limit = min(_int_arg("limit", settings.max_rows, 1), settings.max_rows)
        offset = _int_arg("offset", 0, 0)
        raw = {k: request.args.getlist(k) for k in request.args if k not in catalogue.RESERVED}
        bound = query.bind(raw)
        store = get_store()
        # One row more than the page tells whether there is a next page.
        probe = store.execute(bound.embedded_text(limit + 1, offset), media_type="application/sparql-results+json",
                              substitutions=bound.substitutions() or None, timeout=settings.timeout)
        table = canned.solutions_table(ox.parse_query_results(probe.body, format=ox.QueryResultsFormat.JSON))
        has_next = len(table.rows) > limit or getattr(probe, "truncated", False)
        table.rows = table.rows[:limit]
        if chosen == SIMPLE_JSON:
            body = canned.result_json(name, table, limit, offset)
            body["next"] = _page_url(name, limit, offset + limit) if has_next else None
            response = Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
        elif chosen == "text/html":
            response = Response(_result_html(query, bound, table, limit, offset, has_next),
                                content_type="text/html; charset=utf-8")
        else:
            output = store.execute(bound.embedded_text(limit, offset), media_type=chosen,
                                   substitutions=bound.substitutions() or None, timeout=settings.timeout)
            response = Response(output.body, content_type=formats.content_type(output.media_type))
    except catalogue.UnknownQuery as error:
        return problem_response(404, str(error), accept)
    except canned.ParameterError as error:
        return problem_response(400, str(error), accept, title="Invalid parameter", parameter=error.param)
    except RequestError as error:
        return problem_response(error.status, error.detail, accept, **error.extra)
    except NotAcceptable as error:
        return problem_response(406, str(error), accept, offered=error.offered)
    except UpstreamTimeout as error:  # a remote store (--endpoint) did not answer in time
        return problem_response(504, str(error), accept, title="Upstream timeout")
    except QueryTimeout as error:
        return problem_response(503, str(error), accept, title="Query timeout", headers={"Retry-After": str(RETRY_AFTER)})
    except UpstreamError as error:  # a remote store (--endpoint) is down or failed
        return problem_response(502, str(error), accept, title="Upstream SPARQL endpoint error")
    except (QuerySyntaxError, QueryExecutionError) as error:
        return problem_response(500, f"the canned query failed: {error}", accept)
    links = [f'<{_page_url(name, limit, 0)}>; rel="first"']
    if offset:
        links.append(f'<{_page_url(name, limit, max(0, offset - limit))}>; rel="prev"')
    if has_next:
        links.append(f'<{_page_url(name, limit, offset + limit)}>; rel="next"')
    links.append(f'<{_root()}openapi.json>; rel="service-desc"; type="application/openapi+json"')
    response.headers["Link"] = ", ".join(links)
    response.headers["X-Row-Limit"] = str(settings.max_rows)
    response.headers["Vary"] = "Accept"
    return response


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return f"<a href='{escape(_href(term.value))}'>{escape(canned.compact(term.value))}</a>"
    return escape(canned.display(term, None))


def _result_html(query, bound, table, limit, offset, has_next) -> str:
    head = "".join(f"<th>{escape(c)}</th>" for c in table.columns)
    rows = "".join("<tr>" + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>" for row in table.rows)
    nav = []
    if offset:
        nav.append(f"<a rel=prev href='{escape(_page_url(query.name, limit, max(0, offset - limit)))}'>previous</a>")
    if has_next:
        nav.append(f"<a rel=next href='{escape(_page_url(query.name, limit, offset + limit))}'>next</a>")
    params = ", ".join(f"{escape(k)} = {escape(v)}" for k, v in bound.query_string()) or "none"
    return _page(query.title, f"<p><a href='{escape(_api_url())}'>research queries</a></p>"
                              f"<h1>{escape(query.title)}</h1><p>{escape(query.description)}</p>"
                              f"<p>Parameters: {params}. Rows {offset + 1}–{offset + len(table.rows)}. "
                              f"<a href='{escape(_permalink(bound))}'>Open in the query editor</a>.</p>"
                              f"<table><tr>{head}</tr>{rows}</table><p>{' · '.join(nav)}</p>")


# -- queries as RDF ------------------------------------------------------------------------------
def sparql_examples() -> Response:
    accept = request.headers.get("Accept")
    if prefers_html(accept):
        return redirect(_api_url(), code=303)
    chosen = negotiate(accept, EXAMPLE_TYPES)
    if chosen is None:
        return problem_response(406, "the examples are available as: " + ", ".join(EXAMPLE_TYPES), accept,
                                offered=EXAMPLE_TYPES)
    quads = catalogue.queries_as_quads()
    fmt = formats.GRAPH_FORMATS[chosen].oxigraph
    if formats.GRAPH_FORMATS[chosen].names_graphs:  # the examples keep their named graph
        body = ox.serialize(quads, format=fmt, prefixes={k: PREFIXES[k] for k in ("gcm", "sh", "rdfs", "dct", "schema")}
                            if fmt == ox.RdfFormat.TRIG else None)
    elif fmt == ox.RdfFormat.TURTLE:
        body = catalogue.examples_turtle()
    else:
        body = ox.serialize([q.triple for q in quads], format=fmt)
    response = Response(body, content_type=formats.content_type(chosen))
    response.headers["Vary"] = "Accept"
    return response


# -- OpenAPI -------------------------------------------------------------------------------------
def _param_schema(p: catalogue.Param) -> dict:
    if p.type == "integer":
        schema = {"type": "integer"}
        if p.min is not None:
            schema["minimum"] = p.min
        if p.max is not None:
            schema["maximum"] = p.max
    elif p.type == "enum":
        schema = {"type": "string", "enum": list(p.values)}
    elif p.type == "date":
        schema = {"type": "string", "format": "date"}
    elif p.type == "iri":
        schema = {"type": "string", "format": "iri",
                  "description": "absolute IRI, prefixed name (gcm:…)" + (", or a key under " + p.base if p.base else "")}
    elif p.type == "langstring":
        schema = {"type": "string", "pattern": "^.+@[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$", "maxLength": catalogue.MAX_STRING}
    else:
        schema = {"type": "string", "minLength": 1, "maxLength": catalogue.MAX_STRING}
    if p.default and not p.multiple:
        schema["default"] = int(p.default[0]) if p.type == "integer" else p.default[0]
    if p.multiple:
        schema = {"type": "array", "items": schema}
        if p.default:
            schema["default"] = list(p.default)
    return schema


def openapi_document(max_rows: int, root: str) -> dict:
    """An OpenAPI 3.1 description of the API, generated from the queries' metadata."""
    problem = {"description": "Problem details (RFC 9457)",
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    paging = [
        {"name": "limit", "in": "query", "required": False,
         "description": f"Rows per page (at most the row cap, {max_rows}).",
         "schema": {"type": "integer", "minimum": 1, "maximum": max_rows, "default": max_rows}},
        {"name": "offset", "in": "query", "required": False, "description": "Rows to skip.",
         "schema": {"type": "integer", "minimum": 0, "default": 0}},
        {"name": "format", "in": "query", "required": False,
         "description": "Result format, overriding Accept: " + ", ".join(f"{k} ({v})" for k, v in FORMAT_NAMES.items()),
         "schema": {"type": "string", "enum": list(FORMAT_NAMES)}},
    ]
    headers = {
        "Link": {"description": 'Paging links: rel="first", rel="prev", rel="next" (RFC 8288)',
                 "schema": {"type": "string"}},
        "X-Row-Limit": {"description": "The service's row cap", "schema": {"type": "integer"}},
    }
    paths = {
        "/api/queries": {"get": {
            "operationId": "listQueries", "summary": "List the research queries",
            "description": "The canned queries with their parameters, SPARQL text, permalink and snippets "
                           "(JSON; an HTML page for browsers).",
            "responses": {"200": {"description": "The queries", "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/QueryList"}},
                "text/html": {"schema": {"type": "string"}}}}}}},
        "/.well-known/sparql-examples": {"get": {
            "operationId": "sparqlExamples", "summary": "The queries as SHACL SPARQL executables (RDF)",
            "responses": {"200": {"description": "RDF", "content": {t: {"schema": {"type": "string"}}
                                                                  for t in EXAMPLE_TYPES}},
                          "406": problem}}},
    }
    for query in canned.load_queries().values():
        parameters = []
        for p in query.params:
            item = {"name": p.name, "in": "query", "required": p.required, "description": p.description,
                    "schema": _param_schema(p)}
            if p.multiple:
                item.update({"style": "form", "explode": True})
            if p.example:
                example = list(p.example) if p.multiple else (int(p.example[0]) if p.type == "integer" else p.example[0])
                item["example"] = example
            parameters.append(item)
        paths[f"/api/queries/{query.name}"] = {"get": {
            "operationId": "run_" + query.name.replace("-", "_"),
            "summary": query.title, "description": query.description, "tags": ["queries"],
            "parameters": parameters + paging,
            "responses": {
                "200": {"description": "One page of results", "headers": headers, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Result"}},
                    "text/csv": {"schema": {"type": "string"}},
                    "text/tab-separated-values": {"schema": {"type": "string"}},
                    "application/sparql-results+json": {"schema": {"type": "object"}},
                    "application/sparql-results+xml": {"schema": {"type": "string"}},
                    "text/html": {"schema": {"type": "string"}}}},
                "400": problem, "406": problem, "503": problem}}}
    value = {"type": ["string", "integer", "boolean", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gcm-kg research query API", "version": __version__,
                 "description": "Canned research queries over the knowledge graph of the Global Compact for "
                                "Safe, Orderly and Regular Migration. Every query is also available as SPARQL "
                                "at /sparql and as RDF at /.well-known/sparql-examples.",
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "servers": [{"url": root.rstrip("/") or "/"}],
        "paths": paths,
        "components": {"schemas": {
            "Result": {"type": "object", "required": ["query", "columns", "rows", "limit", "offset"],
                       "properties": {
                           "query": {"type": "string"},
                           "columns": {"type": "array", "items": {"type": "string"}},
                           "rows": {"type": "array", "items": {"type": "object", "additionalProperties": value}},
                           "limit": {"type": "integer"}, "offset": {"type": "integer"},
                           "next": {"type": ["string", "null"], "format": "uri"}}},
            "QueryList": {"type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}},
            "Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "parameter": {"type": "string"}}}}},
    }


def openapi() -> Response:
    body = openapi_document(get_settings().max_rows, _root())
    return Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


def register(app: Flask) -> None:
    app.add_url_rule("/api/queries", "api_queries", list_queries, methods=["GET", "HEAD"])
    app.add_url_rule("/api/queries/", "api_queries_slash", list_queries, methods=["GET", "HEAD"])
    app.add_url_rule("/api/queries/<name>", "api_query", run_query, methods=["GET", "HEAD"])
    app.add_url_rule("/openapi.json", "openapi", openapi, methods=["GET", "HEAD"])
    app.add_url_rule("/.well-known/sparql-examples", "sparql_examples", sparql_examples, methods=["GET", "HEAD"])
