"""The public URLs of the site, all derived from one root.

The site has one public root (``https://example.org/kg/``): the SPARQL endpoint is
``{root}sparql``, the dumps ``{root}download/…``, the VoID description ``{root}.well-known/void``,
the API ``{root}api/queries…``. :class:`PublicUrls` is the one place that joins them; views and
services ask it instead of joining URLs themselves. The root is ``--public-url`` when it is given
(:func:`public_root` reads it), else the root of the request (see
:meth:`gcm_kg.core.settings.Settings.public_urls`).

Two kinds of URL come out of it:

* :meth:`PublicUrls.url`: absolute, for what names the service to the outside world (Service
  Description, VoID and DCAT, OpenAPI ``servers``, sitemap, API listings and snippets);
* :meth:`PublicUrls.path`: the root's path plus the path (``/kg/doc/objective/9.ttl``), for what
  a client follows on the host it is talking to (``Location``, ``Content-Location``, ``Link``, the
  query page's own requests). A reference without a scheme and host resolves against the request's
  URL (RFC 9110 §10.2.2, §8.7; RFC 8288 §3.1), so it stays right on every name the site is reached
  by, and keeps the query page's requests same-origin (its CSP allows ``connect-src 'self'`` only).
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from urllib.parse import urlsplit

ENDPOINT_PATH = "sparql"

#: Characters the IRI grammar has no place for, and a ``%`` that starts no percent-encoding
#: (RFC 3987 §2.2): a root holding one would make every absolute URL derived from it an invalid
#: RDF term.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|\\^`\x7f]|%(?![0-9A-Fa-f]{2})')


class PublicUrlError(ValueError):
    """A public URL that cannot be the root of the site (the message says why)."""


class PublicUrlWarning(UserWarning):
    """A public URL that was read differently from how it was written (the message says how)."""


def site_root(url: str, what: str = "root URL") -> str:
    """``url`` checked as the root of the site and ending in ``/`` (raises :class:`PublicUrlError`).

    A root is an absolute http(s) URL with a host, without query or fragment, in ASCII (non-ASCII
    percent-encoded, host names in punycode) and without characters the IRI grammar has no place
    for: every URL derived from it must be a valid RDF term. Its path must not start with ``//``,
    or the references of :meth:`PublicUrls.path` would name another host (RFC 3986 §4.2).
    """
    if not url.isascii() or _NOT_IN_IRI.search(url):
        raise PublicUrlError(f"{what} {url!r} holds a space, a non-ASCII character or a character not "
                             f"allowed in a URL (percent-encode it; host names in punycode)")
    parts = urlsplit(url)
    try:
        _ = parts.port  # raises ValueError for a port that is not a number in 0–65535
    except ValueError as error:
        raise PublicUrlError(f"{what} {url!r} has a bad port ({error})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise PublicUrlError(f"{what} {url!r} is not an absolute http:// or https:// URL "
                             f"(e.g. https://example.org/kg/)")
    if parts.query or parts.fragment or url.endswith(("?", "#")):
        raise PublicUrlError(f"{what} {url!r} has a query or fragment; a root is e.g. https://example.org/kg/")
    if parts.path.startswith("//"):
        raise PublicUrlError(f"{what} {url!r} has a path starting with //")
    return url if url.endswith("/") else url + "/"


def public_root(value: str) -> str:
    """The site root a ``--public-url`` value names: :func:`site_root` of it, ending in ``/``.

    ``https://example.org/kg`` and ``https://example.org/kg/`` both give ``https://example.org/kg/``.
    A value ending in ``/sparql`` (which named the endpoint in earlier releases) is read as its
    parent, with a :class:`PublicUrlWarning`, so existing deployments keep their URLs; a root is
    returned unchanged.
    """
    text = value.strip()
    root = site_root(text, "public URL")
    # Only a last segment "sparql" without a final "/" names the endpoint: a value ending in "/"
    # is a root as given, so a root is read the same way however often it is read.
    if urlsplit(text).path.endswith("/" + ENDPOINT_PATH):
        root = text[: -len(ENDPOINT_PATH)]
        warnings.warn(f"public URL {text} names the SPARQL endpoint; it now means the root of the site, "
                      f"so {root} is used (endpoint {root}{ENDPOINT_PATH}). Give the root to silence this.",
                      PublicUrlWarning, stacklevel=2)
    return root


@dataclass(frozen=True)
class PublicUrls:
    """Every public URL of the site under ``root`` (absolute, ending in ``/``)."""

    root: str

    def __post_init__(self):
        if not self.root.endswith("/"):
            object.__setattr__(self, "root", self.root + "/")

    def url(self, path: str = "") -> str:
        """The absolute URL of ``path`` (relative to the root; a leading ``/`` is the root too)."""
        return self.root + path.lstrip("/")

    def path(self, path: str = "") -> str:
        """``path`` as a reference without scheme and host: ``/kg/`` + path (see the module docstring)."""
        return (urlsplit(self.root).path or "/") + path.lstrip("/")

    @property
    def endpoint(self) -> str:
        """The SPARQL 1.1 Protocol endpoint."""
        return self.url(ENDPOINT_PATH)

    @property
    def void(self) -> str:
        """The VoID / DCAT description, at the well-known location the VoID guide names."""
        return self.url(".well-known/void")

    def dump(self, name: str) -> str:
        return self.url("download/" + name)

    def api(self, query: str | None = None) -> str:
        """The research-query listing, or one query's URL."""
        return self.url("api/queries" + (f"/{query}" if query else ""))

    @property
    def openapi(self) -> str:
        return self.url("openapi.json")

    @property
    def sparql_examples(self) -> str:
        return self.url(".well-known/sparql-examples")

    @property
    def sitemap(self) -> str:
        return self.url("sitemap.xml")

    @property
    def openapi_server(self) -> str:
        """The root as an OpenAPI ``servers`` URL, without the final ``/``: OpenAPI appends each path,
        which starts with ``/``, to it as is."""
        return self.root.rstrip("/")
