"""The store and settings of the running app, for views (set by :func:`gcm_kg.web.app.create_app`)."""

from __future__ import annotations

from flask import current_app

from gcm_kg.core.settings import Settings
from gcm_kg.store.base import GraphStore


def get_store() -> GraphStore:
    return current_app.extensions["gcm_kg.store"]


def get_settings() -> Settings:
    return current_app.extensions["gcm_kg.settings"]
