"""What views read of the running app and of the request.

The store and settings (set by :func:`gcm_kg.web.app.create_app`), and the request's Accept
header. Views read Accept only through :func:`request_accept`: a response chosen after reading it
depends on it, so :func:`vary_on_accept` — the one place that says so — adds ``Vary: Accept``
(RFC 9110 §12.5.5) to exactly those responses, whether they are data, a page or a problem.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, current_app, request
from werkzeug.exceptions import BadRequest

from gcm_kg.core.negotiation import add_vary
from gcm_kg.core.public_urls import PublicUrlError, PublicUrls
from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore

_READ_ACCEPT = "gcm_kg.read_accept"


def get_store() -> GraphStore:
    return current_app.extensions["gcm_kg.store"]


def get_settings() -> Settings:
    return current_app.extensions["gcm_kg.settings"]


def request_root() -> str:
    """The root URL this request came to: scheme and host, then the ``SCRIPT_NAME`` prefix (as
    ``ProxyFix`` left them when ``--proxy-headers`` trusts the proxy's ``X-Forwarded-*``).

    The prefix is always read as a path, with one leading ``/``: a prefix such as
    ``//evil.example`` or ``.evil.example`` can never turn into a host.
    """
    prefix = request.script_root.strip("/")
    return request.host_url + (quote(prefix, safe="/:@!$&'()*+,;=%") + "/" if prefix else "")


def get_public_urls() -> PublicUrls:
    """The public URLs for this request (:meth:`Settings.public_urls`); 400 when ``--public-url``
    is not given and the request's Host (or a trusted proxy's headers) make no valid URL, as
    RFC 9112 §3.2 asks for a Host with an invalid value."""
    try:
        return get_settings().public_urls(request_root())
    except PublicUrlError as error:
        raise BadRequest(f"no public URL can be made from this request's Host and forwarded headers: {error}") \
            from None


def request_accept() -> str | None:
    """The request's Accept header; the response will carry ``Vary: Accept``."""
    request.environ[_READ_ACCEPT] = True
    return request.headers.get("Accept")


def vary_on_accept(response: Response) -> Response:
    """``after_request`` hook: ``Vary: Accept`` on every response chosen by :func:`request_accept`."""
    if request.environ.get(_READ_ACCEPT):
        add_vary(response.headers, "Accept")
    return response
