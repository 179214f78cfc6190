"""Error responses: RFC 9457 ``application/problem+json``, plain text or HTML, by Accept.

The SPARQL 1.1 Protocol leaves the error body to the implementation (§2.1.3); we negotiate it so
that programs get structured JSON and people get a readable page. A :class:`Problem` is one
occurrence of a problem type of :mod:`gcm_kg.web.errors` (which decides status, title, type and
headers); :func:`problem_response` only writes it out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from flask import Response

from gcm_kg.core.negotiation import negotiate
from gcm_kg.web import templating

ERROR_TYPES = ["application/problem+json", "application/json", "text/plain", "text/html"]


@dataclass(frozen=True)
class Problem:
    """One problem: RFC 9457 §3.1 members, extension members (§3.2) and the response's headers."""

    status: int
    title: str
    detail: str
    type: str = "about:blank"
    members: dict = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> dict:
        return {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail,
                **self.members}


def problem_html(body: dict) -> str:
    """The problem ``body`` as a page (``templates/problem.html``)."""
    members = [(name, value) for name, value in body.items() if name not in ("type", "title", "status")]
    return templating.render("problem.html", status=body["status"], title=body["title"], members=members)


def problem_response(problem: Problem, accept: str | None) -> Response:
    """``problem`` as a response, in the format ``accept`` prefers (plain text when it accepts none)."""
    body, status = problem.body(), problem.status
    media_type = negotiate(accept, ERROR_TYPES) or "text/plain"
    if media_type in ("application/problem+json", "application/json"):
        text, mimetype = json.dumps(body, ensure_ascii=False), "application/problem+json"
    elif media_type == "text/html":
        text, mimetype = problem_html(body), "text/html"
    else:
        text, mimetype = f"{status} {body['title']}: {problem.detail}\n", "text/plain"
    response = Response(text, status=status, mimetype=mimetype)
    response.headers.update(problem.headers)
    # RFC 9111 §5.2.2.5: no cache keeps an error — a 503 at the time or memory limit, a 502 from
    # the upstream, a 400 — so the same request is answered anew once the condition is gone.
    response.headers["Cache-Control"] = "no-store"
    return response
