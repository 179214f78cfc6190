"""The Flask application factory.

``create_app(settings, store)`` wires the blueprints (one module per protocol) to one store and one
:class:`~gcm_kg.settings.Settings`. Views stay thin: they read the request, call plain functions of
the protocol modules, and turn exceptions into negotiated problem responses.
"""

from __future__ import annotations

from flask import Flask, current_app, request

from .problems import problem_response
from .settings import Settings
from .store import EmbeddedStore, GraphStore, UpstreamError, UpstreamTimeout


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> Flask:
    """A ready WSGI app over ``store`` (default: a fresh in-memory store of the shipped graph)."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    app.extensions["gcm_kg.settings"] = settings
    if store is None and settings.endpoint:
        from .remote_store import RemoteStore

        store = RemoteStore(settings.endpoint, timeout=settings.timeout, auth=settings.endpoint_auth,
                            max_rows=settings.max_rows, timeout_param=settings.endpoint_timeout_param)
    app.extensions["gcm_kg.store"] = store if store is not None else (
        EmbeddedStore.open_read_only(settings.store_path) if settings.store_path
        else EmbeddedStore.in_memory(settings.extra_files))
    # Imported here: the view modules import get_store/get_settings from this module.
    from . import api_views, linked_data_views, ops_views, protocol_views

    for views in (protocol_views, linked_data_views, api_views, ops_views):
        views.register(app)
    app.register_error_handler(UpstreamError, _upstream_failed)
    app.register_error_handler(UpstreamTimeout, _upstream_failed)
    return app


def _upstream_failed(error):
    """A remote store (``--endpoint``) failed under a page or document view: 502, or 504 on a timeout."""
    status = 504 if isinstance(error, UpstreamTimeout) else 502
    return problem_response(status, str(error), request.headers.get("Accept"),
                            title="Upstream timeout" if status == 504 else "Upstream SPARQL endpoint error")


def get_store() -> GraphStore:
    return current_app.extensions["gcm_kg.store"]


def get_settings() -> Settings:
    return current_app.extensions["gcm_kg.settings"]
