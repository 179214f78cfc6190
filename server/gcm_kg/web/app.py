"""The Flask application factory.

``create_app(settings, store)`` wires the views (one module per area under :mod:`gcm_kg.web.views`)
to one store and one :class:`~gcm_kg.core.settings.Settings`. Views stay thin: they read the
request, call plain functions of :mod:`gcm_kg.services`, and let exceptions reach the one error
table of :mod:`gcm_kg.web.errors`; a response chosen by the Accept header gets ``Vary: Accept``
from one hook (:func:`gcm_kg.web.context.vary_on_accept`), a page whose language
``Accept-Language`` chose gets ``Vary: Accept-Language`` from another
(:func:`gcm_kg.web.language.vary_on_accept_language`).

With ``Settings.proxy_headers`` the app trusts the ``X-Forwarded-For``, ``-Proto``, ``-Host``,
``-Port`` and ``-Prefix`` headers of one proxy in front (werkzeug's ``ProxyFix``); without it they
are ignored, and public URLs come from ``--public-url`` or the request as it reached the server.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore
from gcm_kg.store.factory import open_store
from gcm_kg.web import errors
from gcm_kg.web.context import vary_on_accept
from gcm_kg.web.language import vary_on_accept_language
from gcm_kg.web.views import api as api_views
from gcm_kg.web.views import charts as chart_views
from gcm_kg.web.views import linked_data as linked_data_views
from gcm_kg.web.views import ops as ops_views
from gcm_kg.web.views import protocol as protocol_views
from gcm_kg.web.views import search as search_views


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> Flask:
    """A ready WSGI app over ``store`` (default: :func:`~gcm_kg.store.factory.open_store` of ``settings``)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["gcm_kg.settings"] = settings
    app.extensions["gcm_kg.store"] = store if store is not None else open_store(settings)
    for views in (protocol_views, linked_data_views, api_views, chart_views, search_views, ops_views):
        views.register(app)
    errors.register(app)
    if settings.proxy_headers:
        # Outermost, so that every layer below sees the proxy's view of the request: the WSGI
        # fast path of /sparql (protocol_views) as well as Flask. One proxy: the last value of
        # each header is the one it set (earlier ones came from the client and are not trusted).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1, x_prefix=1)
    app.after_request(vary_on_accept)
    app.after_request(vary_on_accept_language)
    return app
