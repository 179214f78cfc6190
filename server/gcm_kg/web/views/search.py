"""Full-text search: ``GET /api/search`` (JSON) and ``GET /search`` (the HTML results page).

Thin over :mod:`gcm_kg.services.search`: the views read the parameters, search the app's index
(built in the background in each worker as it starts, or saved by ``gcm-kg build --store``; until
it is there, a ``not-ready`` 503 with ``Retry-After``) within the query time limit and the row
cap, and write the page. Errors are raised and answered by :mod:`gcm_kg.web.errors`.
"""

from __future__ import annotations

import json
import urllib.parse

from flask import Flask, Response, current_app, request

from gcm_kg.core.errors import Refusal
from gcm_kg.services import search
from gcm_kg.web import language, pages
from gcm_kg.web.context import get_public_urls, get_settings
from gcm_kg.web.paging import int_arg, page_url, paging_links

INDEX = "gcm_kg.search_index"


def search_index(app: Flask) -> search.BackgroundIndex:
    return app.extensions[INDEX]


def _one(name: str) -> str | None:
    values = request.args.getlist(name)
    if len(values) > 1:
        raise Refusal.invalid_parameter(name, f"parameter {name!r}: give it once")
    return values[0] if values else None


def _search(*, with_facets: bool) -> tuple[search.SearchPage, int, int]:
    settings = get_settings()
    text = _one("q")
    if text is None or not text.strip():
        raise Refusal.invalid_parameter("q", "parameter 'q': the text to search for is missing")
    filters = search.Filters(kinds=search.parse_kinds(request.args.getlist("kind")), lang=_one("lang") or None,
                             theme=_one("theme") or None, objective=_one("objective") or None).check()
    limit = min(int_arg("limit", search.DEFAULT_LIMIT, 1), settings.max_rows)
    offset = int_arg("offset", 0, 0)
    page = search_index(current_app).get().search(text, filters, limit=limit, offset=offset,
                                                  timeout=settings.timeout, with_facets=with_facets)
    return page, limit, offset


def api_search() -> Response:
    page, limit, offset = _search(with_facets=False)
    response = Response(json.dumps(page.to_json(), ensure_ascii=False), content_type="application/json")
    response.headers["Link"] = paging_links(get_public_urls().url("api/search"), limit, offset,
                                            offset + limit < page.total)
    response.headers["X-Row-Limit"] = str(get_settings().max_rows)
    return response


def _href(iri: str) -> str:
    base = get_settings().base_uri
    return get_public_urls().path(iri[len(base):]) if iri.startswith(base) else iri


def _facet_links(page: search.SearchPage, lang: str) -> dict[str, list[dict]]:
    """Each facet value as a link that narrows the search to it (or, when chosen, widens it again)."""
    url = get_public_urls().path("search")
    links = {}
    for facet, values in page.facets.items():
        chosen = request.args.getlist(facet)
        entries = []
        for value in values:
            selected = value.value in chosen or (facet == "kind" and value.value in search.parse_kinds(chosen))
            pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in (facet, "offset")]
            if not selected:
                pairs.append((facet, value.value))
            label = pages.kind_heading(value.value, lang) if facet == "kind" else value.label
            entries.append({"label": label, "count": value.count, "selected": selected,
                            "href": url + "?" + urllib.parse.urlencode(pairs)})
        links[facet] = entries
    return links


def search_page() -> Response:
    # Here ``lang`` is also the filter "only texts in this language": a value that is neither
    # language of the pages is the search's to report (on the page, 400), so the page falls back
    # to Accept-Language instead of refusing first.
    lang = language.page_language(refuse_unknown=False)
    text = request.args.get("q", "")
    page = error = None
    limit = search.DEFAULT_LIMIT
    offset = 0
    if text.strip():
        try:
            page, limit, offset = _search(with_facets=True)
        except Refusal as refusal:
            if refusal.condition.value not in ("search-syntax", "invalid-parameter"):
                raise
            error = refusal.detail
    url = get_public_urls().path("search")
    chrome = pages.Chrome(lang, (text + " · " if text else "") + ("Búsqueda" if lang == "es" else "Search"),
                          canonical=url, language_page=language.current_page())
    body = pages.render(
        "search/results.html", chrome, query=text, error=error, page=page,
        hits=[(hit, _href(hit.iri)) for hit in page.hits] if page else [],
        facets=_facet_links(page, lang) if page else {}, offset=offset,
        previous_page=page_url(url, limit, max(0, offset - limit)) if page and offset else None,
        next_page=page_url(url, limit, offset + limit) if page and offset + limit < page.total else None)
    return Response(body, status=400 if error else 200, content_type="text/html; charset=utf-8")


# -- OpenAPI --------------------------------------------------------------------------------------
def openapi_paths(max_rows: int, problem: dict) -> dict:
    """The search's entry in ``/openapi.json`` (:func:`gcm_kg.web.views.api.openapi_document`)."""
    def parameter(name, description, schema, **more):
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema, **more}

    return {"/api/search": {"get": {
        "operationId": "search", "summary": "Full-text search over labels, texts, passages and names",
        "description": "Words must all match (case- and accent-insensitive, English stemmed); \"a phrase\" "
                       "in quotes and prefix* terms are understood. Results are ranked by BM25; each has a "
                       "snippet, HTML-escaped, with the matches in <mark>. 503 until the index is built.",
        "tags": ["search"],
        "parameters": [
            {"name": "q", "in": "query", "required": True, "description": "The search",
             "schema": {"type": "string", "minLength": 1, "maxLength": search.MAX_QUERY_CHARS}},
            parameter("kind", "Only hits of these kinds (repeat, or separate with commas)",
                      {"type": "array", "items": {"type": "string", "enum": list(search.KINDS)}},
                      style="form", explode=True),
            parameter("lang", "Only texts in this language", {"type": "string", "enum": list(search.LANGUAGES)}),
            parameter("theme", "Only hits about this theme (IRI)", {"type": "string", "format": "iri"}),
            parameter("objective", "Only hits serving this objective (IRI)", {"type": "string", "format": "iri"}),
            parameter("limit", f"Hits per page (at most the row cap, {max_rows})",
                      {"type": "integer", "minimum": 1, "maximum": max_rows, "default": search.DEFAULT_LIMIT}),
            parameter("offset", "Hits to skip", {"type": "integer", "minimum": 0, "default": 0}),
        ],
        "responses": {
            "200": {"description": "One page of hits",
                    "headers": {"Link": {"description": 'Paging links: rel="first", rel="prev", rel="next" '
                                                        '(RFC 8288)', "schema": {"type": "string"}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SearchResults"}}}},
            **{status: problem for status in ("400", "503")}}}}}


def openapi_schemas() -> dict:
    hit = {"type": "object", "required": ["iri", "label", "kind", "snippet", "score"], "properties": {
        "iri": {"type": "string", "format": "iri"}, "label": {"type": "string"},
        "kind": {"type": "string", "enum": list(search.KINDS)},
        "snippet": {"type": "string", "description": "HTML: escaped text, the matches in <mark>"},
        "score": {"type": "number", "description": "BM25; higher is better"}}}
    return {"SearchResults": {"type": "object", "required": ["query", "total", "results"], "properties": {
        "query": {"type": "string"}, "total": {"type": "integer"}, "results": {"type": "array", "items": hit}}}}


def register(app: Flask) -> None:
    settings = app.extensions["gcm_kg.settings"]
    app.extensions[INDEX] = search.index_for_store(app.extensions["gcm_kg.store"], settings.store_path,
                                                   settings.timeout)
    app.add_url_rule("/api/search", "api_search", api_search, methods=["GET", "HEAD"])
    app.add_url_rule("/search", "search_page", search_page, methods=["GET", "HEAD"])
