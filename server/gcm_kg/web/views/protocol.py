"""``/sparql``: the SPARQL 1.1 Protocol query operation over HTTP (a thin layer over :mod:`.protocol`).

The view reads the request (with the body capped at ``Settings.max_body_bytes``), asks
:func:`gcm_kg.services.protocol.parse_request` what it is, and either answers the Service Description (or
the query page for a browser), or runs the query through the app's store — in ``gcm-kg serve``
that is the :class:`~gcm_kg.store.executor.ProcessExecutor`, which enforces the time limit. Every
error goes through :func:`gcm_kg.web.problems.problem_response`: never a 200 with an error inside.
"""

from __future__ import annotations

import io
import time
from urllib.parse import parse_qs

from flask import Flask, Response, request

from gcm_kg.rdf import formats
from gcm_kg.services import protocol
from gcm_kg.web.context import get_public_urls, get_settings, get_store
from gcm_kg.core.negotiation import negotiate
from gcm_kg.web.cors import apply_cors
from gcm_kg.web.query_ui import query_page
from gcm_kg.web.problems import problem_response
from gcm_kg.sparql.model import NotAcceptable, QueryExecutionError, QueryMemoryExceeded, QuerySyntaxError, QueryTimeout
from gcm_kg.store.base import UpstreamError, UpstreamTimeout

#: Seconds a client should wait before retrying after a query was stopped at the time limit.
RETRY_AFTER = 5
_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "QUERY", "TRACE"]
_HTML_TYPES = ["text/html", "application/xhtml+xml"]


def _read_body(limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` bytes (→ 413)."""
    length = request.content_length
    if length is not None and length > limit:
        return None
    data = request.stream.read(limit + 1)
    return None if len(data) > limit else data


def wants_query_page(method: str, query_string: bytes, accept: str | None) -> bool:
    """True when a browser opens a shared ``/sparql?query=…`` link: it gets the query page.

    Only a GET/HEAD without an explicit ``format=``/``output=`` whose Accept ranks HTML strictly
    above every result and RDF format; ties go to results, so ``Accept: */*`` (curl, libraries)
    still gets SPARQL results as the protocol requires.
    """
    if method not in ("GET", "HEAD") or not accept or "html" not in accept:
        return False
    params = parse_qs(query_string.decode("latin-1"))
    if "format" in params or "output" in params:
        return False
    offered = list(formats.RESULTS_FORMATS) + list(formats.GRAPH_FORMATS) + _HTML_TYPES
    return negotiate(accept, offered) in _HTML_TYPES


def answer_query(method: str, query_string: bytes, content_type: str | None, body: bytes,
                 accept: str | None, settings, store) -> Response | None:
    """The whole query operation for one request; None when it asks for the Service Description.

    Needs no Flask request context, so both the Flask view and the WSGI fast path use it.
    """
    try:
        operation = protocol.parse_request(method, query_string, content_type, body)
    except protocol.ProtocolError as error:
        return problem_response(error.status, error.detail, accept, title=error.title, headers=error.headers)
    if isinstance(operation, protocol.ServiceDescriptionRequest):
        return None
    try:
        protocol.check_query(operation.query, allow_service=settings.allow_service, base_iri=settings.base_uri)
    except protocol.ProtocolError as error:
        return problem_response(error.status, error.detail, accept, title=error.title, headers=error.headers)
    try:
        output = store.execute(operation.query, accept=operation.accept_override or accept,
                               dataset=operation.dataset, base_iri=settings.base_uri, timeout=settings.timeout)
    except QuerySyntaxError as error:
        position = protocol.error_position(str(error))
        return problem_response(400, str(error), accept, title="SPARQL syntax error",
                                line=position.line, column=position.column)
    except NotAcceptable as error:
        return problem_response(406, f"no acceptable format: {error}", accept, offered=error.offered)
    except UpstreamTimeout as error:  # a remote store (--endpoint) did not answer in time
        return problem_response(504, str(error), accept, title="Upstream timeout",
                                headers={"Retry-After": str(RETRY_AFTER)})
    except QueryTimeout as error:
        return problem_response(503, str(error), accept, title="Query timeout",
                                headers={"Retry-After": str(RETRY_AFTER)})
    except QueryMemoryExceeded as error:  # RFC 9110 §15.6.4: the budget is shared, so it may fit later
        return problem_response(503, str(error), accept, title="Query memory limit",
                                headers={"Retry-After": str(RETRY_AFTER)})
    except UpstreamError as error:  # a remote store (--endpoint) is down or failed
        return problem_response(502, str(error), accept, title="Upstream SPARQL endpoint error")
    except QueryExecutionError as error:
        return problem_response(500, f"the query failed while running: {error}", accept)
    response = Response(output.body, status=200, content_type=formats.content_type(output.media_type))
    response.headers["Vary"] = "Accept"
    if output.form == "SELECT" and output.row_limit is not None:
        response.headers["X-Row-Limit"] = str(output.row_limit)
        if output.truncated:
            response.headers["X-Result-Truncated"] = "true"
    return response


def sparql() -> Response:
    settings = get_settings()
    accept = request.headers.get("Accept")
    if request.method == "OPTIONS":  # (a CORS preflight is answered before this by ops_views)
        return Response(status=204, headers={"Allow": protocol.ALLOW})
    if wants_query_page(request.method, request.query_string, accept):
        return _query_page()
    body = _read_body(settings.max_body_bytes)
    if body is None:
        return problem_response(413, f"the request body is larger than {settings.max_body_bytes} bytes",
                                accept)
    response = answer_query(request.method, request.query_string, request.headers.get("Content-Type"), body,
                            accept, settings, get_store())
    if response is None:
        return _service_description(request.args.get("format") or request.args.get("output"), accept)
    return response


class FastPath:
    """WSGI middleware answering plain query requests to ``/sparql`` without Flask's machinery.

    Measured under gunicorn on 2 cores, Flask's routing, request/response objects and hooks cost
    ≈ 1–1.5 ms a request — several times a trivial lookup — so a GET or POST that carries a query
    and no ``Origin`` header is answered here by :func:`answer_query`, the very function the Flask
    view calls, and recorded in the app's request metrics. Everything else (the Service
    Description and query page, OPTIONS, other methods, cross-origin requests that need CORS
    headers, chunked or oversized bodies, and any unexpected error) goes to the Flask app.
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
        try:
            response = answer_query(method, query_string, environ.get("CONTENT_TYPE") or None, body,
                                    environ.get("HTTP_ACCEPT"), settings, self.app.extensions["gcm_kg.store"])
        except Exception:  # let Flask's error handling answer (and log) it
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
        if response is None:
            environ["wsgi.input"] = io.BytesIO(body)
            return self.wsgi_app(environ, start_response)
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
    error_accept = accept
    accept = (protocol.accept_for_format(format_param) if format_param else None) or accept
    offered = list(formats.GRAPH_FORMATS) + _HTML_TYPES
    chosen = negotiate(accept, offered)
    if chosen is None:
        return problem_response(406, "the service description is available as: " + ", ".join(offered),
                                error_accept, offered=offered)
    if chosen in _HTML_TYPES:
        response = _query_page()
    else:
        settings = get_settings()
        triples = protocol.service_description(
            get_public_urls(), get_store().counts(), max_rows=settings.max_rows, timeout=settings.timeout,
            federation=bool(settings.allow_service))
        response = Response(protocol.serialize_graph(triples, chosen),
                            content_type=formats.content_type(chosen))
    response.headers["Vary"] = "Accept"
    return response


def _query_page() -> Response:
    """The query UI page, negotiated (it shares the URL with the protocol)."""
    response = query_page()
    response.headers["Vary"] = "Accept"
    return response


def register(app: Flask) -> None:
    """Serve ``/sparql`` (and ``/sparql/``) on ``app``, with the WSGI fast path in front."""
    for rule in FastPath.PATHS:
        app.add_url_rule(rule, f"sparql_protocol{rule.replace('/', '_')}", sparql, methods=_METHODS,
                         provide_automatic_options=False)
    app.wsgi_app = FastPath(app.wsgi_app, app)
