"""Error responses: RFC 9457 ``application/problem+json``, plain text or HTML, by Accept.

The SPARQL 1.1 Protocol leaves the error body to the implementation (§2.1.3); we negotiate it so
that programs get structured JSON and people get a readable page. Every error path of the server
goes through :func:`problem_response`.
"""

from __future__ import annotations

import json
from http import HTTPStatus

from flask import Response

from gcm_kg.core.negotiation import negotiate
from gcm_kg.web import templating

ERROR_TYPES = ["application/problem+json", "application/json", "text/plain", "text/html"]


def problem_body(status: int, detail: str, *, title: str | None = None, **extra) -> dict:
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem_html(body: dict) -> str:
    """The problem ``body`` as a page (``templates/problem.html``)."""
    members = [(name, value) for name, value in body.items() if name not in ("type", "title", "status")]
    return templating.render("problem.html", status=body["status"], title=body["title"], members=members)


def problem_response(status: int, detail: str, accept: str | None = None, *, title: str | None = None,
                     headers: dict[str, str] | None = None, **extra) -> Response:
    """An error response for ``status`` with ``detail``, in the format ``accept`` prefers."""
    body = problem_body(status, detail, title=title, **extra)
    media_type = negotiate(accept, ERROR_TYPES) or "text/plain"
    if media_type in ("application/problem+json", "application/json"):
        text, mimetype = json.dumps(body, ensure_ascii=False), "application/problem+json"
    elif media_type == "text/html":
        text, mimetype = problem_html(body), "text/html"
    else:
        text, mimetype = f"{status} {body['title']}: {detail}\n", "text/plain"
    response = Response(text, status=status, mimetype=mimetype)
    response.headers["Vary"] = "Accept"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
