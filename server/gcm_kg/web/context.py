"""The store and settings of the running app, for views (set by :func:`gcm_kg.web.app.create_app`)."""

from __future__ import annotations

from urllib.parse import quote

from flask import current_app, request
from werkzeug.exceptions import BadRequest

from gcm_kg.core.public_urls import PublicUrlError, PublicUrls
from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore


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
