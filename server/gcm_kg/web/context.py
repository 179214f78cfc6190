"""What views read of the running app and of the request.

The store and settings (set by :func:`gcm_kg.web.app.create_app`), and the request's Accept
header. Views read Accept only through :func:`request_accept`: a response chosen after reading it
depends on it, so :func:`vary_on_accept` — the one place that says so — adds ``Vary: Accept``
(RFC 9110 §12.5.5) to exactly those responses, whether they are data, a page or a problem.
"""

from __future__ import annotations

from flask import Response, current_app, request

from gcm_kg.core.negotiation import add_vary
from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore

_READ_ACCEPT = "gcm_kg.read_accept"


def get_store() -> GraphStore:
    return current_app.extensions["gcm_kg.store"]


def get_settings() -> Settings:
    return current_app.extensions["gcm_kg.settings"]


def request_accept() -> str | None:
    """The request's Accept header; the response will carry ``Vary: Accept``."""
    request.environ[_READ_ACCEPT] = True
    return request.headers.get("Accept")


def vary_on_accept(response: Response) -> Response:
    """``after_request`` hook: ``Vary: Accept`` on every response chosen by :func:`request_accept`."""
    if request.environ.get(_READ_ACCEPT):
        add_vary(response.headers, "Accept")
    return response
