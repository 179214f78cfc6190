"""Service settings: one frozen object built from the command line, read by every view.

Every public URL the service writes comes from :meth:`Settings.public_urls` (see
:mod:`gcm_kg.core.public_urls`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gcm_kg.core.namespaces import BASE
from gcm_kg.core.public_urls import PublicUrls, public_root, site_root


@dataclass(frozen=True)
class Settings:
    base_uri: str = BASE                 # IRIs minted under this base are dereferenced by the server
    store_path: Path | None = None       # persistent store opened read-only; None: in-memory store
    extra_files: tuple[Path, ...] = ()   # more RDF files held in memory, one graph each (not with store_path)
    timeout: float = 30.0                # seconds before a query is stopped
    max_rows: int = 10_000               # row cap of SELECT results, announced in a header and in the SD
    query_memory: int | None = None      # bytes the queries running at once may allocate; None: the default share
    max_body_bytes: int = 1_000_000      # request body cap (413 beyond)
    cors_origins: tuple[str, ...] = ()   # allow-list; ("*",) allows any origin, never with credentials
    allow_service: tuple[str, ...] = ()  # SERVICE (federation) endpoints allowed; empty: SERVICE refused
    public_url: str | None = None        # public root of the site (read by public_root: ends in "/")
    proxy_headers: bool = False          # trust X-Forwarded-* from the proxy in front (werkzeug ProxyFix)
    endpoint: str | None = None          # a SPARQL 1.1 query URL answering instead of the embedded store
    endpoint_auth: tuple[str, str] | None = None  # HTTP Basic credentials for ``endpoint``
    endpoint_timeout_param: str | None = None     # request parameter the engine takes a time limit by
    data_version: str | None = None      # version of ``endpoint``'s data, declared by the operator (HTTP validators)
    cache_max_age: int = 60              # seconds a cache may reuse a GET answer of /sparql, /api/queries; 0: revalidate
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.public_url is not None:  # frozen: normalise in place, once (public_root is idempotent)
            object.__setattr__(self, "public_url", public_root(self.public_url))

    def public_urls(self, request_root: str) -> PublicUrls:
        """The site's public URLs: under ``public_url`` when given, else under ``request_root``,
        the root URL the request came to (with its ``SCRIPT_NAME`` prefix, and the proxy's
        ``X-Forwarded-*`` headers applied when ``proxy_headers`` trusts them). Raises
        :class:`~gcm_kg.core.public_urls.PublicUrlError` when that is no valid root (a bad Host)."""
        return PublicUrls(self.public_url or site_root(request_root, "request root URL"))
