"""Thin Flask views, one module per area: they read the request, call :mod:`gcm_kg.services`, and
write the response."""
