"""Cross-origin resource sharing (the Fetch standard's CORS protocol), as plain functions.

The policy comes from :attr:`Settings.cors_origins <gcm_kg.core.settings.Settings.cors_origins>`:

* empty (the default): no CORS headers at all, so browsers keep the same-origin policy;
* ``("*",)`` (or any list holding ``*``): every origin may read responses, answered with
  ``Access-Control-Allow-Origin: *`` and never with ``Access-Control-Allow-Credentials``
  (the Fetch standard forbids credentials with the wildcard; the endpoint needs none);
* a list of origins (``https://example.org``): a listed origin is echoed back, with
  ``Vary: Origin`` on every response so that caches keep one copy per origin; an unlisted origin
  gets no ``Access-Control-Allow-Origin`` and the browser withholds the response.

Credentials are only ever allowed for an echoed, listed origin and only when the operator turns
them on (``Settings.extra["cors_allow_credentials"]``); the public read-only endpoint does not use
cookies or HTTP authentication, so the default is off.

A preflight (``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``) from an allowed
origin is answered ``204`` with the allowed methods and headers, so that a page elsewhere can POST
``Content-Type: application/sparql-query``, which is not a CORS-safelisted request.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, MutableMapping

from gcm_kg.core.negotiation import add_vary

#: Methods a cross-origin page may use.
ALLOW_METHODS = ("GET", "HEAD", "POST", "OPTIONS")
#: Request headers a cross-origin page may send (beyond the CORS-safelisted ones).
ALLOW_HEADERS = ("Accept", "Accept-Language", "Content-Type", "If-None-Match", "If-Modified-Since")
#: Response headers a cross-origin page may read (beyond the CORS-safelisted ones).
EXPOSE_HEADERS = ("Link", "Location", "Content-Location", "ETag", "Retry-After", "X-Row-Limit",
                  "X-Result-Truncated", "Allow", "Vary")
#: Seconds a browser may cache a preflight answer (browsers cap it: Chromium at 7200 s).
MAX_AGE = 7200


@dataclass(frozen=True)
class CorsPolicy:
    """An allow-list of origins; see the module documentation for the rules."""

    origins: frozenset[str] = frozenset()
    any_origin: bool = False
    allow_credentials: bool = False

    @classmethod
    def from_settings(cls, origins: Iterable[str], *, allow_credentials: bool = False) -> "CorsPolicy":
        listed = {normalize_origin(o) for o in origins if o and o.strip()}
        any_origin = "*" in listed
        listed.discard("*")
        return cls(frozenset(listed), any_origin, bool(allow_credentials) and not any_origin)

    @property
    def enabled(self) -> bool:
        return self.any_origin or bool(self.origins)

    def allowed_origin(self, origin: str | None) -> str | None:
        """The ``Access-Control-Allow-Origin`` value for a request from ``origin`` (None: none)."""
        if not self.enabled or not origin:
            return None
        if self.any_origin:
            return "*"
        return origin if normalize_origin(origin) in self.origins else None


def normalize_origin(origin: str) -> str:
    """Origins compare as serialised by browsers: scheme and host lower-case, no trailing slash."""
    origin = origin.strip()
    if origin == "*" or origin == "null":
        return origin
    scheme, sep, rest = origin.partition("://")
    if not sep:
        return origin
    return f"{scheme.lower()}://{rest.rstrip('/').lower()}"


def is_preflight(method: str, headers: Mapping[str, str]) -> bool:
    """A CORS preflight: ``OPTIONS`` carrying ``Origin`` and ``Access-Control-Request-Method``."""
    return method == "OPTIONS" and "Origin" in headers and "Access-Control-Request-Method" in headers


def preflight_headers(policy: CorsPolicy, origin: str | None) -> dict[str, str] | None:
    """Headers of the ``204`` answer to a preflight, or None when ``origin`` is not allowed."""
    allowed = policy.allowed_origin(origin)
    if allowed is None:
        return None
    headers = {
        "Access-Control-Allow-Origin": allowed,
        "Access-Control-Allow-Methods": ", ".join(ALLOW_METHODS),
        "Access-Control-Allow-Headers": ", ".join(ALLOW_HEADERS),
        "Access-Control-Max-Age": str(MAX_AGE),
    }
    if allowed != "*":
        headers["Vary"] = "Origin"
        if policy.allow_credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
    return headers


def apply_cors(policy: CorsPolicy, origin: str | None, headers: MutableMapping[str, str]) -> None:
    """Add the CORS headers of an actual (non-preflight) response to ``headers`` in place."""
    if not policy.enabled:
        return
    if not policy.any_origin:
        # The answer depends on Origin even when it is absent or refused: tell caches.
        add_vary(headers, "Origin")
    allowed = policy.allowed_origin(origin)
    if allowed is None:
        for name in ("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials"):
            headers.pop(name, None)
        return
    headers["Access-Control-Allow-Origin"] = allowed
    headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSE_HEADERS)
    if allowed != "*" and policy.allow_credentials:
        headers["Access-Control-Allow-Credentials"] = "true"
    else:
        headers.pop("Access-Control-Allow-Credentials", None)
