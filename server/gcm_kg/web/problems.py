"""Error responses: RFC 9457 ``application/problem+json``, plain text or HTML, by Accept.

The SPARQL 1.1 Protocol leaves the error body to the implementation (§2.1.3); we negotiate it so
that programs get structured JSON and people get a readable page. Every error path of the server
goes through :func:`problem_response`.
"""

from __future__ import annotations

import json
from html import escape
from http import HTTPStatus

from flask import Response

from gcm_kg.core.negotiation import negotiate

ERROR_TYPES = ["application/problem+json", "application/json", "text/plain", "text/html"]


def problem_body(status: int, detail: str, *, title: str | None = None, **extra) -> dict:
    body = {"type": "about:blank", "title": title or HTTPStatus(status).phrase, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return body


def problem_response(status: int, detail: str, accept: str | None = None, *, title: str | None = None,
                     headers: dict[str, str] | None = None, **extra) -> Response:
    """An error response for ``status`` with ``detail``, in the format ``accept`` prefers."""
    body = problem_body(status, detail, title=title, **extra)
    media_type = negotiate(accept, ERROR_TYPES) or "text/plain"
    if media_type in ("application/problem+json", "application/json"):
        text, mimetype = json.dumps(body, ensure_ascii=False), "application/problem+json"
    elif media_type == "text/html":
        rows = "".join(f"<dt>{escape(str(k))}</dt><dd><pre>{escape(str(v))}</pre></dd>"
                       for k, v in body.items() if k not in ("type", "title", "status"))
        text = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{status} {escape(body['title'])}"
                f"</title></head><body><h1>{status} {escape(body['title'])}</h1><dl>{rows}</dl>"
                f"<p><a href=\"/\">gcm-kg home</a></p></body></html>")
        mimetype = "text/html"
    else:
        text, mimetype = f"{status} {body['title']}: {detail}\n", "text/plain"
    response = Response(text, status=status, mimetype=mimetype)
    response.headers["Vary"] = "Accept"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response
