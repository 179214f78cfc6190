"""Exceptions → HTTP problems, in one place."""

from __future__ import annotations

from flask import Flask, request

from gcm_kg.store.base import UpstreamError, UpstreamTimeout
from gcm_kg.web.problems import problem_response


def _upstream_failed(error):
    """A remote store (``--endpoint``) failed under a page or document view: 502, or 504 on a timeout."""
    status = 504 if isinstance(error, UpstreamTimeout) else 502
    return problem_response(status, str(error), request.headers.get("Accept"),
                            title="Upstream timeout" if status == 504 else "Upstream SPARQL endpoint error")


def register(app: Flask) -> None:
    app.register_error_handler(UpstreamError, _upstream_failed)
    app.register_error_handler(UpstreamTimeout, _upstream_failed)
