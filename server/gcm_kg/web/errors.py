"""Errors → HTTP, in one place: one problem type per condition, registered once.

:data:`PROBLEM_TYPES` is the table: for each :class:`~gcm_kg.core.errors.Condition`, the status,
the title, the fixed headers (``Retry-After`` on every 503 and 504) and the members that become
headers (``allow`` → ``Allow`` on 405, ``accepted`` → ``Accept-Post`` on 415); every other member
(``offered``, ``parameter``, ``line``, ``column`` …) is an extension member of the problem body
(RFC 9457 §3.2). :data:`DOMAIN_ERRORS` says which condition each error of the lower layers stands
for (a query timeout, a remote store down, a bad canned-query parameter …), and werkzeug's own
HTTP errors (unknown URL, method, body too large) go through the same table.

Views raise; :func:`handle_error`, the one Flask error handler, answers — and the ``/sparql``
WSGI fast path, which runs outside Flask, calls :func:`error_response` the same way. So a
condition gives the same status, headers and body on every route.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Callable, Mapping

from flask import Flask, Response
from werkzeug.exceptions import HTTPException

from gcm_kg.core.errors import Condition, Refusal
from gcm_kg.core.namespaces import BASE
from gcm_kg.rdf.rdfio import RdfFileError
from gcm_kg.services.charts import ChartError
from gcm_kg.services.protocol import error_position
from gcm_kg.sparql.catalogue import ParameterError, QueryFileError, UnknownQuery
from gcm_kg.sparql.model import (NotAcceptable, QueryExecutionError, QueryMemoryExceeded, QuerySyntaxError,
                                 QueryTimeout)
from gcm_kg.store.base import UpstreamError, UpstreamTimeout
from gcm_kg.web.context import request_accept
from gcm_kg.web.problems import Problem, problem_response

#: Seconds a client should wait before retrying a 503 or 504 (RFC 9110 §10.2.3).
RETRY_AFTER = 5
#: Problem types of this service's own conditions are named ``{PROBLEM_TYPE_BASE}{condition}``
#: (RFC 9457 §4); a condition the status code says all about is ``about:blank`` (§4.2.1).
PROBLEM_TYPE_BASE = BASE + "problem/"

_RETRY = {"Retry-After": str(RETRY_AFTER)}


@dataclass(frozen=True)
class ProblemType:
    status: int
    title: str
    own_type: bool = False  # False: about:blank, and the title is the status phrase (RFC 9457 §4.2.1)
    headers: Mapping[str, str] = field(default_factory=dict)
    #: Members sent as headers (their list joined with ", ") instead of body members.
    header_members: Mapping[str, str] = field(default_factory=dict)


PROBLEM_TYPES: dict[Condition, ProblemType] = {
    Condition.BAD_REQUEST: ProblemType(400, "Bad Request"),
    Condition.INVALID_PARAMETER: ProblemType(400, "Invalid parameter", True),
    Condition.SPARQL_SYNTAX: ProblemType(400, "SPARQL syntax error", True),
    Condition.RDF_SYNTAX: ProblemType(400, "RDF syntax error", True),
    Condition.SEARCH_SYNTAX: ProblemType(400, "Search syntax error", True),
    Condition.QUERY_TOO_COMPLEX: ProblemType(400, "Query too complex", True),
    # The Protocol lets a service refuse operations by its own policy (SPARQL 1.1 Protocol §4).
    Condition.READ_ONLY: ProblemType(403, "Read-only service", True),
    Condition.SERVICE_NOT_ALLOWED: ProblemType(403, "Federated query not allowed", True),
    Condition.NOT_FOUND: ProblemType(404, "Not Found"),
    # RFC 9110 §15.5.6: a 405 MUST carry Allow.
    Condition.METHOD_NOT_ALLOWED: ProblemType(405, "Method Not Allowed", header_members={"allow": "Allow"}),
    Condition.NOT_ACCEPTABLE: ProblemType(406, "Not Acceptable"),
    Condition.CONTENT_TOO_LARGE: ProblemType(413, "Content Too Large"),
    # Accept-Post (W3C Linked Data Platform §7.1) lists the media types a POST may send.
    Condition.UNSUPPORTED_MEDIA_TYPE: ProblemType(415, "Unsupported Media Type",
                                                  header_members={"accepted": "Accept-Post"}),
    Condition.QUERY_FAILED: ProblemType(500, "Query failed", True),
    Condition.CANNED_QUERY_BROKEN: ProblemType(500, "Canned query broken", True),
    Condition.INTERNAL: ProblemType(500, "Internal Server Error"),
    Condition.UPSTREAM_FAILED: ProblemType(502, "Upstream SPARQL endpoint error", True),
    Condition.QUERY_TIMEOUT: ProblemType(503, "Query timeout", True, _RETRY),
    # RFC 9110 §15.6.4: the budget is shared by the queries running at once, so the same query may
    # fit when the service is quieter, as after a time limit.
    Condition.QUERY_MEMORY: ProblemType(503, "Query memory limit", True, _RETRY),
    # A readiness answer must not be cached: the next probe has to ask the store again.
    Condition.NOT_READY: ProblemType(503, "Not ready", True, {**_RETRY, "Cache-Control": "no-store"}),
    Condition.UPSTREAM_TIMEOUT: ProblemType(504, "Upstream timeout", True, _RETRY),
}


def _syntax_error(error: QuerySyntaxError) -> Refusal:
    position = error_position(str(error))
    return Refusal(Condition.SPARQL_SYNTAX, str(error), line=position.line, column=position.column)


def _rdf_syntax_error(error: RdfFileError) -> Refusal:
    where = f"line {error.line}, column {error.column}: " if error.line is not None else ""
    return Refusal(Condition.RDF_SYNTAX, f"the {error.path} does not parse: {where}{error.message}",
                   line=error.line, column=error.column)


#: The errors of the lower layers, each as the refusal it stands for (looked up along the MRO, so
#: a subclass with its own entry, such as UpstreamTimeout of QueryTimeout, gets its own).
DOMAIN_ERRORS: dict[type[Exception], Callable[..., Refusal]] = {
    QuerySyntaxError: _syntax_error,
    NotAcceptable: lambda error: Refusal.not_acceptable(str(error), error.offered),
    QueryTimeout: lambda error: Refusal(Condition.QUERY_TIMEOUT, str(error)),
    QueryMemoryExceeded: lambda error: Refusal(Condition.QUERY_MEMORY, str(error)),
    QueryExecutionError: lambda error: Refusal(Condition.QUERY_FAILED, f"the query failed while running: {error}"),
    UpstreamTimeout: lambda error: Refusal(Condition.UPSTREAM_TIMEOUT, str(error)),
    UpstreamError: lambda error: Refusal(Condition.UPSTREAM_FAILED, str(error)),
    UnknownQuery: lambda error: Refusal.not_found(str(error)),
    ParameterError: lambda error: Refusal.invalid_parameter(error.param, str(error)),
    QueryFileError: lambda error: Refusal(Condition.CANNED_QUERY_BROKEN, str(error)),
    RdfFileError: _rdf_syntax_error,
    ChartError: lambda error: (Refusal.invalid_parameter(error.parameter, str(error)) if error.parameter
                               else Refusal.bad_request(str(error))),
}

#: werkzeug's HTTP errors (routing, body limit) by status code.
_HTTP_CONDITIONS = {400: Condition.BAD_REQUEST, 404: Condition.NOT_FOUND, 405: Condition.METHOD_NOT_ALLOWED,
                    406: Condition.NOT_ACCEPTABLE, 413: Condition.CONTENT_TOO_LARGE,
                    415: Condition.UNSUPPORTED_MEDIA_TYPE, 500: Condition.INTERNAL}
_INTERNAL_DETAIL = "the server failed to answer this request; the error has been logged"


def _http_refusal(error: HTTPException) -> Refusal | None:
    condition = _HTTP_CONDITIONS.get(error.code)
    if condition is None:
        return None
    if condition is Condition.INTERNAL:  # never show a bug's message (it was logged by Flask)
        return Refusal(condition, _INTERNAL_DETAIL)
    return Refusal(condition, error.description or HTTPStatus(error.code).phrase,
                   allow=getattr(error, "valid_methods", None))


def as_refusal(error: BaseException) -> Refusal | None:
    """The refusal ``error`` stands for; None for an error that is not a condition of ours."""
    if isinstance(error, Refusal):
        return error
    if isinstance(error, HTTPException):
        return _http_refusal(error)
    for cls in type(error).__mro__:
        if cls in DOMAIN_ERRORS:
            return DOMAIN_ERRORS[cls](error)
    return None


def problem(refusal: Refusal) -> Problem:
    """The problem document and headers of ``refusal``, by its condition's problem type."""
    kind = PROBLEM_TYPES[refusal.condition]
    headers, members = dict(kind.headers), {}
    for name, value in refusal.members.items():
        if name in kind.header_members:
            headers[kind.header_members[name]] = ", ".join(value)
        else:
            members[name] = value
    type_uri = PROBLEM_TYPE_BASE + refusal.condition.value if kind.own_type else "about:blank"
    return Problem(kind.status, kind.title, refusal.detail, type_uri, members, headers)


def problem_for(error: BaseException) -> Problem | None:
    refusal = as_refusal(error)
    if refusal is not None:
        return problem(refusal)
    if isinstance(error, HTTPException) and error.code is not None:  # any other HTTP status werkzeug raises
        headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
        return Problem(error.code, HTTPStatus(error.code).phrase, error.description or "", headers=headers)
    return None


def error_response(error: BaseException, accept: str | None) -> Response | None:
    """The response for ``error`` in the format ``accept`` prefers; None if it is not one of ours."""
    found = problem_for(error)
    return problem_response(found, accept) if found is not None else None


def handle_error(error: Exception) -> Response:
    """The app's one error handler (Flask calls it for every error class :func:`register` names)."""
    response = error_response(error, request_accept())
    if response is None:  # pragma: no cover - register() only routes errors of the table here
        raise error
    return response


def register(app: Flask) -> None:
    for error_class in (Refusal, HTTPException, *DOMAIN_ERRORS):
        app.register_error_handler(error_class, handle_error)

