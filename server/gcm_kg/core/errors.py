"""Refusals: the requests the service will not answer, each named by its condition (no HTTP here).

Any layer raises :class:`Refusal` through one of its named constructors —
``Refusal.bad_request(...)``, ``Refusal.not_acceptable(...)``, ``Refusal.read_only(...)`` … —
instead of choosing a status code itself. The errors lower layers define for their own domain
(:mod:`gcm_kg.sparql.model`'s ``QueryError`` family, the store's ``Upstream`` errors, the canned
query errors, ``RdfFileError``) stay what they are. :mod:`gcm_kg.web.errors` maps every
:class:`Condition` (and each of those domain errors, through the condition it stands for) to one
HTTP problem type, in one table, so a condition looks the same on every route.
"""

from __future__ import annotations

from enum import Enum
from typing import Sequence


class Condition(Enum):
    """Everything a request can end in other than an answer; the value is the problem type's name."""

    BAD_REQUEST = "bad-request"                  # a malformed request: parameters, encoding, body
    INVALID_PARAMETER = "invalid-parameter"      # one named parameter has a bad value
    SPARQL_SYNTAX = "sparql-syntax"              # the query is not SPARQL 1.1
    SEARCH_SYNTAX = "search-syntax"              # a full-text search that cannot be read
    RDF_SYNTAX = "rdf-syntax"                    # posted RDF does not parse
    QUERY_TOO_COMPLEX = "query-too-complex"      # beyond the service's nesting / operator caps
    READ_ONLY = "read-only"                      # an update: this service changes nothing
    SERVICE_NOT_ALLOWED = "service-not-allowed"  # SERVICE to an endpoint not on the allow-list
    NOT_FOUND = "not-found"
    METHOD_NOT_ALLOWED = "method-not-allowed"
    NOT_ACCEPTABLE = "not-acceptable"            # no format the client accepts
    CONTENT_TOO_LARGE = "content-too-large"      # the request body is over the limit
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type"
    QUERY_FAILED = "query-failed"                # the query parsed but failed while running
    CANNED_QUERY_BROKEN = "canned-query-broken"  # a shipped canned query cannot be used
    INTERNAL = "internal-error"                  # a bug: logged, never explained to the client
    UPSTREAM_FAILED = "upstream-failed"          # the remote SPARQL endpoint is down or failed
    QUERY_TIMEOUT = "query-timeout"              # the query hit the time limit and was stopped
    QUERY_MEMORY = "query-memory"                # the query needed more than the memory budget
    NOT_READY = "not-ready"                      # the store cannot answer yet
    UPSTREAM_TIMEOUT = "upstream-timeout"        # the remote SPARQL endpoint did not answer in time


class Refusal(Exception):
    """A request the service refuses: a :class:`Condition`, a detail safe to show, and members.

    ``members`` are facts a client can act on (``offered`` media types, the ``parameter`` at fault,
    the methods in ``allow`` …); the web layer decides which become headers and which body members.
    """

    def __init__(self, condition: Condition, detail: str, **members):
        super().__init__(detail)
        self.condition, self.detail = condition, detail
        self.members = {name: value for name, value in members.items() if value is not None}

    @classmethod
    def bad_request(cls, detail: str, **members) -> "Refusal":
        return cls(Condition.BAD_REQUEST, detail, **members)

    @classmethod
    def invalid_parameter(cls, parameter: str, detail: str) -> "Refusal":
        return cls(Condition.INVALID_PARAMETER, detail, parameter=parameter)

    @classmethod
    def search_syntax(cls, detail: str) -> "Refusal":
        return cls(Condition.SEARCH_SYNTAX, detail)

    @classmethod
    def query_too_complex(cls, detail: str) -> "Refusal":
        return cls(Condition.QUERY_TOO_COMPLEX, detail)

    @classmethod
    def read_only(cls, detail: str) -> "Refusal":
        return cls(Condition.READ_ONLY, detail)

    @classmethod
    def service_not_allowed(cls, detail: str) -> "Refusal":
        return cls(Condition.SERVICE_NOT_ALLOWED, detail)

    @classmethod
    def not_found(cls, detail: str, *, instance: str | None = None) -> "Refusal":
        return cls(Condition.NOT_FOUND, detail, instance=instance)

    @classmethod
    def method_not_allowed(cls, detail: str, allow: Sequence[str]) -> "Refusal":
        return cls(Condition.METHOD_NOT_ALLOWED, detail, allow=list(allow))

    @classmethod
    def not_acceptable(cls, detail: str, offered: Sequence[str]) -> "Refusal":
        return cls(Condition.NOT_ACCEPTABLE, detail, offered=list(offered))

    @classmethod
    def content_too_large(cls, detail: str) -> "Refusal":
        return cls(Condition.CONTENT_TOO_LARGE, detail)

    @classmethod
    def unsupported_media_type(cls, detail: str, accepted: Sequence[str]) -> "Refusal":
        return cls(Condition.UNSUPPORTED_MEDIA_TYPE, detail, accepted=list(accepted))

    @classmethod
    def not_ready(cls, detail: str) -> "Refusal":
        return cls(Condition.NOT_READY, detail)
