"""HTTP caching of GET answers of ``/sparql`` and ``/api/queries``: validators, freshness, 304.

A GET answer depends on the store's contents (:meth:`GraphStore.fingerprint`), the request
(path, query string — the query and every parameter —, ``Accept``, which picks the format, and
``Accept-Language``), the public root its links are written under and the settings that shape it
(base IRI, row cap). :func:`validators_for` hashes all of that into one strong entity-tag
(RFC 9110 §8.8.3) *before* the query runs, so a request whose ``If-None-Match`` lists it is
answered ``304 Not Modified`` (RFC 9110 §15.4.5) without running the query again: the same
request on the same store gives the same bytes. ``Vary`` (RFC 9110 §12.5.5) names the request
headers in the tag, and ``Cache-Control: max-age`` (RFC 9111 §5.2.2.1) says how long a cache may
reuse the answer without asking (``no-cache``, RFC 9111 §5.2.2.4, when the max-age is 0).

Never cached: answers of a store without a fingerprint (a remote store without
``--data-version``), POST answers, queries calling ``SERVICE`` (their answer is another server's),
and errors (problem responses carry ``Cache-Control: no-store``, :mod:`gcm_kg.web.problems`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable

from flask import Response
from werkzeug.wsgi import get_current_url

from gcm_kg import __version__
from gcm_kg.core.negotiation import add_vary
from gcm_kg.core.settings import Settings
from gcm_kg.sparql import lexer

#: The request headers an answer (and so its entity-tag) depends on.
VARY = ("Accept", "Accept-Language")
#: Headers a 304 repeats from the 200 it stands for (RFC 9110 §15.4.5: those a 200 would carry).
_KEPT_BY_304 = ("ETag", "Cache-Control", "Vary", "Content-Location", "Expires", "Date")


@dataclass(frozen=True)
class Validators:
    """The entity-tag and freshness of one GET answer, and what the request's ``If-None-Match`` lists."""

    etag: str            # quoted, strong: "…"
    max_age: int
    if_none_match: str | None

    @property
    def cache_control(self) -> str:
        return f"max-age={self.max_age}" if self.max_age > 0 else "no-cache"

    def matches(self, *, exists: bool = False) -> bool:
        """RFC 9110 §13.1.2: does ``If-None-Match`` match? ``*`` matches any current representation
        (so only once the answer ``exists``); a listed tag matches by weak comparison (§8.8.3.2)."""
        if not self.if_none_match:
            return False
        listed = [tag.strip() for tag in self.if_none_match.split(",")]
        if "*" in listed:
            return exists
        return any(tag.removeprefix("W/") == self.etag for tag in listed)

    def mark(self, response: Response) -> Response:
        """Give a 200 answer its validator, freshness and ``Vary``."""
        response.headers["ETag"] = self.etag
        response.headers["Cache-Control"] = self.cache_control
        for header in VARY:
            add_vary(response.headers, header)
        return response

    def not_modified(self, answered: Response | None = None) -> Response:
        """The 304 for this request: no body, and the 200's ETag, Cache-Control and Vary."""
        response = Response(status=304)
        if answered is not None:
            for name in _KEPT_BY_304:
                if name in answered.headers:
                    response.headers[name] = answered.headers[name]
        response.headers.pop("Content-Type", None)  # no content, no type (werkzeug adds one)
        return self.mark(response)


def _uses_service(text: str) -> bool:
    return "service" in text.lower() and bool(lexer.service_calls(text))


def validators_for(environ: dict, settings: Settings, fingerprint: str | None, *,
                   query_text: str | None = None) -> Validators | None:
    """The validators of a GET/HEAD answer to the request ``environ``; None when it is not cacheable.

    ``query_text`` is the SPARQL the answer runs when the request carries one (a query calling
    ``SERVICE`` is not cacheable). Reads the WSGI environ, so the Flask views and the WSGI fast path
    of ``/sparql`` compute the same tag for the same request.
    """
    if fingerprint is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if query_text is not None and _uses_service(query_text):
        return None
    public_root = settings.public_url or get_current_url(environ, root_only=True)
    parts = [__version__, fingerprint, public_root, settings.base_uri, str(settings.max_rows),
             environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
             *(environ.get("HTTP_" + header.upper().replace("-", "_"), "") for header in VARY)]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
    return Validators(f'"{digest[:40]}"', settings.cache_max_age, environ.get("HTTP_IF_NONE_MATCH"))


def answer_conditionally(validators: Validators | None, answer: Callable[[], Response]) -> Response:
    """``answer()``, with validators on a 200, or a 304 when ``If-None-Match`` already holds it.

    A listed tag is checked before ``answer()`` runs (the hit path runs no query); ``*`` after it.
    Only a 200 is marked: anything else is an error, which is never cached.
    """
    if validators is None:
        return answer()
    if validators.matches():
        return validators.not_modified()
    response = answer()
    if response.status_code != 200:
        return response
    validators.mark(response)
    return validators.not_modified(response) if validators.matches(exists=True) else response
