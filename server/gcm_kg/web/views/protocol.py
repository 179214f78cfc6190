"""``/sparql``: the SPARQL 1.1 Protocol query operation over HTTP (a thin layer over :mod:`.protocol`).

The view reads the request (with the body capped at ``Settings.max_body_bytes``), asks
:func:`gcm_kg.services.protocol.parse_request` what it is, and either answers the Service Description (or
the query page for a browser), or runs the query through the app's store — in ``gcm-kg serve``
that is the :class:`~gcm_kg.store.executor.ProcessExecutor`, which enforces the time limit. Errors
are raised and answered by :mod:`gcm_kg.web.errors`, as on every route: never a 200 with an error inside.
"""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs

from flask import Flask, Response, request

from gcm_kg.core.errors import Refusal
from gcm_kg.core.negotiation import HTML_TYPES, add_vary, negotiate, prefers_html
from gcm_kg.rdf import formats
from gcm_kg.services import protocol, releases
from gcm_kg.services.dataset_description import dataset_iri
from gcm_kg.web import caching
from gcm_kg.web.context import get_public_urls, get_settings, get_store, request_accept
from gcm_kg.web.cors import apply_cors
from gcm_kg.web.errors import error_response
from gcm_kg.web.query_ui import query_page

_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY", "TRACE"]
#: Everything a query or the Service Description can be written as (the query page is the alternative).
_DATA_TYPES = list(dict.fromkeys([*formats.RESULTS_FORMATS, *formats.GRAPH_FORMATS]))


def _read_body(limit: int) -> bytes:
    """The request body; a body larger than ``limit`` bytes is refused (413)."""
    length = request.content_length
    if length is None or length <= limit:
        data = request.stream.read(limit + 1)
        if len(data) <= limit:
            return data
    raise Refusal.content_too_large(f"the request body is larger than {limit} bytes")


def wants_query_page(method: str, query_string: bytes, accept: str | None) -> bool:
    """True when a browser opens a shared ``/sparql?query=…`` link: it gets the query page.

    Only a GET/HEAD without an explicit ``format=``/``output=`` whose Accept ranks HTML strictly
    above every result and RDF format (:func:`~gcm_kg.core.negotiation.prefers_html`), so
    ``Accept: */*`` (curl, libraries) still gets SPARQL results as the protocol requires.
    """
    if method not in ("GET", "HEAD") or not prefers_html(accept, _DATA_TYPES):
        return False
    params = parse_qs(query_string.decode("latin-1"))
    return "format" not in params and "output" not in params


def answer_query(method: str, query_string: bytes, content_type: str | None, body: bytes,
                 accept: str | None, settings, store, environ: dict | None = None) -> Response | None:
    """The whole query operation for one request; None when it asks for the Service Description.

    Needs no Flask request context, so both the Flask view and the WSGI fast path use it. Raises
    what the request ends in (a ``Refusal``, a query error …) for :mod:`gcm_kg.web.errors` to answer.
    With the request's WSGI ``environ``, a GET answer gets HTTP validators, and a 304 when the
    client already holds it (:mod:`gcm_kg.web.caching`).
    """
    operation = protocol.parse_request(method, query_string, content_type, body)
    if isinstance(operation, protocol.ServiceDescriptionRequest):
        return None
    protocol.check_query(operation.query, allow_service=settings.allow_service, base_iri=settings.base_uri)
    validators = (caching.validators_for(environ, settings, store.fingerprint(), query_text=operation.query)
                  if environ is not None else None)
    return caching.answer_conditionally(validators, lambda: _run(operation, accept, settings, store))


def _run(operation: protocol.QueryRequest, accept: str | None, settings, store) -> Response:
    output = store.execute(operation.query, accept=operation.accept_override or accept,
                           dataset=operation.dataset, base_iri=settings.base_uri, timeout=settings.timeout)
    response = Response(output.body, status=200, content_type=formats.content_type(output.media_type))
    if output.form == "SELECT" and output.row_limit is not None:
        response.headers["X-Row-Limit"] = str(output.row_limit)
        if output.truncated:
            response.headers["X-Result-Truncated"] = "true"
    return response


def sparql() -> Response:
    settings = get_settings()
    if request.method == "OPTIONS":  # (a CORS preflight is answered before this by ops_views)
        return Response(status=204, headers={"Allow": ", ".join(protocol.ALLOW)})
    accept = request_accept()
    if wants_query_page(request.method, request.query_string, accept):
        return query_page()
    body = _read_body(settings.max_body_bytes)
    response = answer_query(request.method, request.query_string, request.headers.get("Content-Type"), body,
                            accept, settings, get_store(), request.environ)
    if response is None:
        return _service_description(request.args.get("format") or request.args.get("output"), accept)
    return response


class FastPath:
    """WSGI middleware answering plain query requests to ``/sparql`` without Flask's machinery.

    Measured under gunicorn on 2 cores, Flask's routing, request/response objects and hooks cost
    ≈ 1–1.5 ms a request — several times a trivial lookup — so a GET or POST that carries a query
    and no ``Origin`` header is answered here by :func:`answer_query`, the very function the Flask
    view calls, and recorded in the app's request metrics; its errors are answered by
    :func:`gcm_kg.web.errors.error_response`, as the Flask error handler answers them. Everything
    else (the Service Description and query page, OPTIONS, other methods, cross-origin requests
    that need CORS headers, chunked or oversized bodies, and any unexpected error) goes to the
    Flask app.
    """

    PATHS = ("/sparql", "/sparql/")

    def __init__(self, wsgi_app, app: Flask):
        self.wsgi_app, self.app = wsgi_app, app

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "")
        if (environ.get("PATH_INFO") not in self.PATHS or method not in ("GET", "POST")
                or "HTTP_ORIGIN" in environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        settings = self.app.extensions["gcm_kg.settings"]
        query_string = environ.get("QUERY_STRING", "").encode("latin-1")
        body = b""
        if method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or -1)
            except ValueError:
                length = -1
            if length < 0 or length > settings.max_body_bytes:
                return self.wsgi_app(environ, start_response)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)  # Flask can still read it if we pass on
        elif (b"query=" not in query_string or environ.get("CONTENT_LENGTH", "0") not in ("", "0")
              or wants_query_page(method, query_string, environ.get("HTTP_ACCEPT"))):
            return self.wsgi_app(environ, start_response)  # Service Description / query page / bad GET
        accept = environ.get("HTTP_ACCEPT")
        try:
            response = answer_query(method, query_string, environ.get("CONTENT_TYPE") or None, body,
                                    accept, settings, self.app.extensions["gcm_kg.store"], environ)
        except Exception as error:  # noqa: BLE001 — one of ours is answered here; Flask answers (and logs) the rest
            response = error_response(error, accept)
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        add_vary(response.headers, "Accept")  # what web.context.vary_on_accept does for Flask's responses
        cors_policy = self.app.extensions.get("gcm_kg.cors")
        if cors_policy is not None:  # no Origin here, but caches must still vary on it
            apply_cors(cors_policy, None, response.headers)
        metrics = self.app.extensions.get("gcm_kg.metrics")
        if metrics is not None and hasattr(metrics, "observe"):
            metrics.observe(environ["PATH_INFO"], method, response.status_code, time.perf_counter() - started)
        if response.is_sequence and "Content-Length" in response.headers:
            # A complete body with its length: hand it to the server as is (werkzeug's generic
            # WSGI response path re-derives headers it already has: a measurable share of a lookup).
            start_response(response.status, response.headers.to_wsgi_list())
            return [response.get_data()]
        return response(environ, start_response)


def _service_description(format_param: str | None, accept: str | None) -> Response:
    """SPARQL 1.1 Service Description §3: RDF by Accept (Turtle for ``*/*``), HTML for browsers."""
    accept = (protocol.accept_for_format(format_param) if format_param else None) or accept
    offered = [*formats.GRAPH_FORMATS, *HTML_TYPES]
    chosen = negotiate(accept, offered)
    if chosen is None:
        raise Refusal.not_acceptable("the service description is available as: " + ", ".join(offered), offered)
    if chosen in HTML_TYPES:
        return query_page()
    settings, store = get_settings(), get_store()
    triples = protocol.service_description(
        get_public_urls(), store.counts(), max_rows=settings.max_rows, timeout=settings.timeout,
        federation=bool(settings.allow_service),
        release=releases.current(store, dataset_iri(settings)))
    return Response(protocol.serialize_graph(triples, chosen), content_type=formats.content_type(chosen))


def register(app: Flask) -> None:
    """Serve ``/sparql`` (and ``/sparql/``) on ``app``, with the WSGI fast path in front."""
    for rule in FastPath.PATHS:
        app.add_url_rule(rule, f"sparql_protocol{rule.replace('/', '_')}", sparql, methods=_METHODS,
                         provide_automatic_options=False)
    app.wsgi_app = FastPath(app.wsgi_app, app)
