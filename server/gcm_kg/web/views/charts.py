"""``POST /api/chart``: the chart of a result table, as SVG (:mod:`gcm_kg.services.charts` draws it).

The query page posts the SPARQL JSON results it has just received (so the query does not run a
second time) and shows the SVG it gets back; its SVG and PNG downloads are that same SVG. The
parameters say which chart: ``kind`` (``auto``, the default, or ``bar``, ``heatmap``, ``line``),
optionally the columns ``x``, ``y`` and ``value``, and a ``title``. A kind or column that does not
fit is a 400 naming the parameter; a body that is not SPARQL JSON results a 400; another
Content-Type a 415; a client that does not accept SVG a 406.

:func:`svg_response` is how every SVG chart of the service is sent (also ``GET
/api/queries/{name}?format=svg``): ``image/svg+xml`` with a Content Security Policy that lets
nothing run or load, should someone open it on its own.
"""

from __future__ import annotations

from flask import Flask, Response, request

from gcm_kg.core.errors import Refusal
from gcm_kg.core.negotiation import negotiate
from gcm_kg.services import charts
from gcm_kg.web.context import request_accept

SVG = "image/svg+xml"
RESULTS_JSON = "application/sparql-results+json"
#: An SVG document needs nothing from anywhere: no script, no fetch, no frame (our charts carry
#: their colours as presentation attributes, so not even a style sheet).
SVG_POLICY = "default-src 'none'; frame-ancestors 'self'"
PARAMETERS = ("kind", "x", "y", "value", "title")
MAX_TITLE_CHARS = 500


def svg_response(svg: str) -> Response:
    response = Response(svg, content_type=f"{SVG}; charset=utf-8")
    response.headers["Content-Security-Policy"] = SVG_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _parameter(name: str) -> str | None:
    given = request.args.getlist(name)
    if len(given) > 1:
        raise Refusal.invalid_parameter(name, f"parameter {name!r}: give it once")
    if given and len(given[0]) > MAX_TITLE_CHARS:
        raise Refusal.invalid_parameter(name, f"parameter {name!r}: longer than {MAX_TITLE_CHARS} characters")
    return given[0] if given else None


def chart() -> Response:
    if negotiate(request_accept(), [SVG]) is None:
        raise Refusal.not_acceptable(f"the chart is available as {SVG} only", [SVG])
    if request.mimetype != RESULTS_JSON:
        raise Refusal.unsupported_media_type(
            f"post the results as {RESULTS_JSON} (SPARQL 1.1 Query Results JSON), not "
            f"{request.mimetype or 'a body without Content-Type'}", [RESULTS_JSON])
    unknown = sorted(set(request.args) - set(PARAMETERS))
    if unknown:
        raise Refusal.invalid_parameter(unknown[0], f"unknown parameter {unknown[0]!r}; "
                                                    f"expected {', '.join(PARAMETERS)}")
    given = {name: _parameter(name) for name in PARAMETERS}
    return svg_response(charts.chart_of_results(request.get_data(cache=False), **given))


def openapi_paths(problem: dict) -> dict:
    """``POST /api/chart`` in ``/openapi.json`` (:func:`gcm_kg.web.views.api.openapi_document`)."""
    def parameter(name, description, schema):
        return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}

    column = {"type": "string", "pattern": "^[A-Za-z0-9_]+$"}
    return {"/api/chart": {"post": {
        "operationId": "chart", "summary": "A chart of SELECT results, as SVG",
        "description": f"Bar chart, heat map (two category columns and a number) or line chart of SPARQL "
                       f"JSON results. With kind=auto the kind and columns are chosen from the columns' "
                       f"values; more than {charts.MAX_MARKS} rows give an SVG saying they are too many.",
        "tags": ["charts"],
        "parameters": [
            parameter("kind", "The chart", {"type": "string", "enum": ["auto", *charts.KINDS], "default": "auto"}),
            parameter("x", "Column of the categories (bar, heat map) or of the ordered axis (line)", column),
            parameter("y", "Second category column (heat map)", column),
            parameter("value", "Column of the numbers drawn", column),
            parameter("title", "The chart's title", {"type": "string", "maxLength": MAX_TITLE_CHARS}),
        ],
        "requestBody": {"required": True, "content": {RESULTS_JSON: {"schema": {"type": "object"}}}},
        "responses": {
            "200": {"description": "The chart", "content": {SVG: {"schema": {"type": "string"}}}},
            **{status: problem for status in ("400", "406", "413", "415")}}}}}


def register(app: Flask) -> None:
    app.add_url_rule("/api/chart", "api_chart", chart, methods=["POST"])
