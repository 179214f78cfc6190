"""The research-query REST API: ``/api/queries``, ``/openapi.json``, ``/.well-known/sparql-examples``.

A thin layer over :mod:`gcm_kg.services.canned`: the views read the request, bind the parameters (a bad
value is a 400 naming the parameter), run the bound query through the app's store with
``store.execute()`` (so the service's time limit and row cap apply) and write the answer in the
negotiated format. Errors are raised and answered by :mod:`gcm_kg.web.errors`.
"""

from __future__ import annotations

import json
import urllib.parse

import pyoxigraph as ox
from flask import Flask, Response, redirect, request

from gcm_kg import __version__
from gcm_kg.core.errors import Refusal
from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.core.negotiation import negotiate, prefers_html
from gcm_kg.rdf import formats
from gcm_kg.services import canned, charts
from gcm_kg.sparql import catalogue
from gcm_kg.web import caching, templating
from gcm_kg.web.paging import int_arg, page_url, paging_links
from gcm_kg.web.views import charts as chart_views
from gcm_kg.web.views import search as search_views
from gcm_kg.web.context import get_public_urls, get_settings, get_store, request_accept
from gcm_kg.sparql.model import QuerySyntaxError

SIMPLE_JSON = "application/json"
_RESULTS = formats.select(formats.RESULTS, "csv", "srj", "srx", "tsv")
#: What ``GET /api/queries/{name}`` offers, in the server's order of preference: the API's own
#: JSON, the SPARQL results formats, and HTML.
RESULT_TYPES = [SIMPLE_JSON, *(f.media_type for f in _RESULTS.values()), "text/html"]
#: ``?format=`` shortcuts for links and browsers ("json" is the API's own JSON here); ``svg``, the
#: query's chart, only for a query that declares one (``#+ chart:``).
FORMAT_NAMES = {"json": SIMPLE_JSON, **{name: _RESULTS[name].media_type for name in ("csv", "tsv", "srj", "srx")},
                "html": "text/html", "svg": chart_views.SVG}
EXAMPLE_TYPES = [f.media_type for f in formats.select(formats.RDF, "ttl", "jsonld", "nt", "rdf", "trig", "nq").values()]


# -- URLs (all from get_public_urls()) ------------------------------------------------------------
def _api_url(name: str | None = None) -> str:
    return get_public_urls().api(name)


def _permalink(bound: canned.Bound) -> str:
    return get_public_urls().endpoint + "?" + urllib.parse.urlencode({"query": bound.standalone_text()})


def _href(iri: str) -> str:
    base = get_settings().base_uri
    return get_public_urls().url(iri[len(base):]) if iri.startswith(base) else iri


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
        "snippets": canned.snippets(bound, _api_url(query.name), get_public_urls().endpoint),
    })
    return entry


def list_queries() -> Response:
    validators = caching.validators_for(request.environ, get_settings(), get_store().fingerprint())
    return caching.answer_conditionally(validators, _listing)


def _listing() -> Response:
    queries = canned.load_queries()
    forced = request.args.get("format")
    if forced == "html" or (forced is None and prefers_html(request_accept(), [SIMPLE_JSON])):
        return Response(_listing_html(queries), content_type="text/html; charset=utf-8")
    urls = get_public_urls()
    body = {"queries": [describe_query(q) for q in queries.values()],
            "openapi": urls.openapi, "examples": urls.sparql_examples}
    return Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


def _listing_html(queries: dict[str, catalogue.CannedQuery]) -> str:
    return templating.render("api/listing.html", urls=get_public_urls(),
                             formats={query.name: _format_names(query) for query in queries.values()},
                             queries=[(query, describe_query(query)) for query in queries.values()])


# -- running -------------------------------------------------------------------------------------
def _format_names(query: catalogue.CannedQuery) -> list[str]:
    return [name for name in FORMAT_NAMES if name != "svg" or query.chart]


def _chosen_type(query: catalogue.CannedQuery) -> str:
    forced = request.args.getlist("format")
    names = _format_names(query)
    if forced:
        if len(forced) > 1 or forced[0] not in names:
            why = f"the query {query.name!r} declares no chart; " if forced[0] == "svg" and len(forced) == 1 else ""
            raise Refusal.invalid_parameter("format", f"parameter 'format': {why}expected one of {', '.join(names)}")
        return FORMAT_NAMES[forced[0]]
    offered = RESULT_TYPES + ([chart_views.SVG] if query.chart else [])
    chosen = negotiate(request_accept(), offered)
    if chosen is None:
        raise Refusal.not_acceptable("results are available as: " + ", ".join(offered), offered)
    return chosen


def _page_url(name: str, limit: int, offset: int) -> str:
    return page_url(_api_url(name), limit, offset)


def run_query(name: str) -> Response:
    settings = get_settings()
    query = canned.get_query(name)
    chosen = _chosen_type(query)
    limit = min(int_arg("limit", settings.max_rows, 1), settings.max_rows)
    offset = int_arg("offset", 0, 0)
    raw = {k: request.args.getlist(k) for k in request.args if k not in catalogue.RESERVED}
    bound = query.bind(raw)
    validators = caching.validators_for(request.environ, settings, get_store().fingerprint())
    return caching.answer_conditionally(validators, lambda: _result_page(query, bound, chosen, limit, offset))


def _result_page(query: catalogue.CannedQuery, bound: canned.Bound, chosen: str, limit: int, offset: int) -> Response:
    """One page of the canned query's answer in the ``chosen`` format, with its paging links."""
    name, settings, store = query.name, get_settings(), get_store()
    try:
        # One row more than the page tells whether there is a next page.
        probe = store.execute(bound.embedded_text(limit + 1, offset), media_type="application/sparql-results+json",
                              substitutions=bound.substitutions() or None, timeout=settings.timeout)
        answer = canned.Answer.of(probe.body, query, limit)
        table = answer.table()
        has_next = answer.has_next or getattr(probe, "truncated", False)
        if chosen == SIMPLE_JSON:
            body = canned.result_json(name, table, limit, offset)
            body["next"] = _page_url(name, limit, offset + limit) if has_next else None
            response = Response(json.dumps(body, ensure_ascii=False), content_type="application/json")
        elif chosen == "text/html":
            response = Response(_result_html(query, bound, table, limit, offset, has_next),
                                content_type="text/html; charset=utf-8")
        elif chosen == chart_views.SVG:
            response = chart_views.svg_response(_chart(query, table))
        else:  # written from the same answer, so the list columns are in the same order
            response = Response(answer.serialize(formats.RESULTS_FORMATS[chosen].oxigraph),
                                content_type=formats.content_type(chosen))
    except QuerySyntaxError as error:  # the shipped query's fault, not the client's: a broken canned query
        raise catalogue.QueryFileError(f"the canned query {name!r} does not parse: {error}") from error
    response.headers["Link"] = paging_links(_api_url(name), limit, offset, has_next)
    response.headers["X-Row-Limit"] = str(settings.max_rows)
    return response


def _cell(term) -> dict:
    """A result cell for the HTML table: our IRIs link to their pages, under their compact names."""
    if term is None:
        return {"text": "", "href": None}
    if isinstance(term, ox.NamedNode):
        return {"text": canned.compact(term.value), "href": _href(term.value)}
    return {"text": canned.display(term, None), "href": None}


def _chart(query: catalogue.CannedQuery, table: canned.Table, id_prefix: str = "chart") -> str:
    """The query's declared chart of this page of results."""
    return charts.render_svg(table.columns, table.rows, query.chart, title=query.title, id_prefix=id_prefix)


def _result_html(query, bound, table, limit, offset, has_next) -> str:
    svg = _chart(query, table, "query-chart") if query.chart else None
    return templating.render(
        "api/result.html", query=query, listing=_api_url(), permalink=_permalink(bound), offset=offset,
        # Inline, without the XML declaration (an HTML page holds the <svg> element itself).
        chart=svg.split("\n", 1)[1] if svg else None,
        chart_url=_api_url(query.name) + "?" + urllib.parse.urlencode(
            [*bound.query_string(), ("limit", limit), ("offset", offset), ("format", "svg")]) if svg else None,
        parameters=bound.query_string(), columns=table.columns,
        rows=[[_cell(term) for term in row] for row in table.rows],
        previous_page=_page_url(query.name, limit, max(0, offset - limit)) if offset else None,
        next_page=_page_url(query.name, limit, offset + limit) if has_next else None)


# -- queries as RDF ------------------------------------------------------------------------------
def sparql_examples() -> Response:
    accept = request_accept()
    if prefers_html(accept, EXAMPLE_TYPES):
        return redirect(_api_url(), code=303)
    chosen = negotiate(accept, EXAMPLE_TYPES)
    if chosen is None:
        raise Refusal.not_acceptable("the examples are available as: " + ", ".join(EXAMPLE_TYPES), EXAMPLE_TYPES)
    quads = catalogue.queries_as_quads()
    fmt = formats.GRAPH_FORMATS[chosen].oxigraph
    if formats.GRAPH_FORMATS[chosen].names_graphs:  # the examples keep their named graph
        body = ox.serialize(quads, format=fmt, prefixes={k: PREFIXES[k] for k in ("gcm", "sh", "rdfs", "dct", "schema")}
                            if fmt == ox.RdfFormat.TRIG else None)
    elif fmt == ox.RdfFormat.TURTLE:
        body = catalogue.examples_turtle()
    else:
        body = ox.serialize([q.triple for q in quads], format=fmt)
    return Response(body, content_type=formats.content_type(chosen))


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


def openapi_document(max_rows: int, server: str) -> dict:
    """An OpenAPI 3.1 description of the API, generated from the queries' metadata, served at
    ``server`` (:attr:`~gcm_kg.core.public_urls.PublicUrls.openapi_server`)."""
    problem = {"description": "Problem details (RFC 9457)",
               "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    paging = [
        {"name": "limit", "in": "query", "required": False,
         "description": f"Rows per page (at most the row cap, {max_rows}).",
         "schema": {"type": "integer", "minimum": 1, "maximum": max_rows, "default": max_rows}},
        {"name": "offset", "in": "query", "required": False, "description": "Rows to skip.",
         "schema": {"type": "integer", "minimum": 0, "default": 0}},
    ]

    def format_parameter(names: list[str]) -> dict:
        return {"name": "format", "in": "query", "required": False,
                "description": "Result format, overriding Accept: " + ", ".join(
                    f"{name} ({FORMAT_NAMES[name]})" for name in names),
                "schema": {"type": "string", "enum": names}}

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
            "parameters": parameters + paging + [format_parameter(_format_names(query))],
            "responses": {
                "200": {"description": "One page of results" + (
                    f"; as {chart_views.SVG}, the query's {query.chart.kind} chart of them" if query.chart else ""),
                    "headers": headers, "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Result"}},
                        "text/csv": {"schema": {"type": "string"}},
                        "text/tab-separated-values": {"schema": {"type": "string"}},
                        "application/sparql-results+json": {"schema": {"type": "object"}},
                        "application/sparql-results+xml": {"schema": {"type": "string"}},
                        "text/html": {"schema": {"type": "string"}},
                        **({chart_views.SVG: {"schema": {"type": "string"}}} if query.chart else {})}},
                **{status: problem for status in ("400", "406", "500", "502", "503", "504")}}}}
    paths.update(search_views.openapi_paths(max_rows, problem))
    paths.update(chart_views.openapi_paths(problem))
    value = {"type": ["string", "integer", "boolean", "null"]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gcm-kg research query API", "version": __version__,
                 "description": "Canned research queries over the knowledge graph of the Global Compact for "
                                "Safe, Orderly and Regular Migration. Every query is also available as SPARQL "
                                "at /sparql and as RDF at /.well-known/sparql-examples.",
                 "license": {"name": "MIT", "identifier": "MIT"}},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"schemas": {
            "Result": {"type": "object", "required": ["query", "columns", "rows", "limit", "offset"],
                       "properties": {
                           "query": {"type": "string"},
                           "columns": {"type": "array", "items": {"type": "string"}},
                           "rows": {"type": "array", "items": {"type": "object", "additionalProperties": value}},
                           "limit": {"type": "integer"}, "offset": {"type": "integer"},
                           "next": {"type": ["string", "null"], "format": "uri"}}},
            **search_views.openapi_schemas(),
            "QueryList": {"type": "object", "properties": {"queries": {"type": "array", "items": {"type": "object"}}}},
            "Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}, "parameter": {"type": "string"},
                "offered": {"type": "array", "items": {"type": "string"}}}}}},
    }


def openapi() -> Response:
    body = openapi_document(get_settings().max_rows, get_public_urls().openapi_server)
    return Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json")


def register(app: Flask) -> None:
    app.add_url_rule("/api/queries", "api_queries", list_queries, methods=["GET", "HEAD"])
    app.add_url_rule("/api/queries/", "api_queries_slash", list_queries, methods=["GET", "HEAD"])
    app.add_url_rule("/api/queries/<name>", "api_query", run_query, methods=["GET", "HEAD"])
    app.add_url_rule("/openapi.json", "openapi", openapi, methods=["GET", "HEAD"])
    app.add_url_rule("/.well-known/sparql-examples", "sparql_examples", sparql_examples, methods=["GET", "HEAD"])
