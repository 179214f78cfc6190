"""The client's HTTP: one GET or POST with the standard library, errors as :class:`EndpointError`,
and following ``Link: <…>; rel="next"`` through a paged answer.

The standard library (``urllib.request``) is enough for a few JSON requests, so the client adds no
HTTP dependency; the server is never imported.
"""

from __future__ import annotations

import http
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Iterator

from gcm_kg import __version__

USER_AGENT = f"gcm-kg-client/{__version__}"
PROBLEM_TYPES = ("application/problem+json", "application/json")
#: A 503 that says when to come back (``Retry-After``, RFC 9110 §10.2.3) — the search index still
#: being built as the server starts — is retried this many times, if the wait is this short.
RETRIES, LONGEST_RETRY_WAIT_S = 3, 10
#: Paged answers are followed at most this far (a loop that cannot run away).
MAX_PAGES = 1000


class EndpointError(Exception):
    """An endpoint refused or failed a request: the HTTP ``status`` (None when it could not be
    reached), and ``title`` and ``detail`` — from the RFC 9457 problem document when the server sent
    one (gcm-kg does), else the status phrase and the start of the body; ``type`` is the problem
    type IRI (``about:blank`` otherwise) and ``url`` the request."""

    def __init__(self, status: int | None, title: str, detail: str, *, url: str, type: str = "about:blank"):
        self.status, self.title, self.detail, self.url, self.type = status, title, detail, url, type
        super().__init__(f"{status if status is not None else 'no answer'} {title}: {detail} ({url})")


@dataclass(frozen=True)
class Answer:
    url: str
    content_type: str
    headers: Message
    body: bytes

    def json(self) -> object:
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise EndpointError(200, "unreadable answer", f"the {self.content_type} body is not JSON: {error}",
                                url=self.url) from error


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:  # a status code the standard library does not name
        return "Error"


def _error_from(error: urllib.error.HTTPError, url: str) -> EndpointError:
    body = error.read() or b""
    content_type = (error.headers.get_content_type() if error.headers else "") or ""
    phrase = _phrase(error.code)
    if content_type in PROBLEM_TYPES:
        try:
            problem = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            problem = None
        if isinstance(problem, dict):
            return EndpointError(error.code, str(problem.get("title") or phrase), str(problem.get("detail") or ""),
                                 url=url, type=str(problem.get("type") or "about:blank"))
    # Another engine's error: plain text or HTML (the SPARQL 1.1 Protocol leaves the body open, §2.1.3).
    text = body.decode("utf-8", errors="replace").strip()
    return EndpointError(error.code, phrase, text[:2000] or phrase, url=url)


def _retry_wait(error: urllib.error.HTTPError) -> float | None:
    if error.code != 503 or not error.headers or not (error.headers.get("Retry-After") or "").strip().isdigit():
        return None
    wait = int(error.headers["Retry-After"].strip())
    return wait if wait <= LONGEST_RETRY_WAIT_S else None


def fetch(url: str, *, accept: str, form: dict[str, str] | None = None, timeout: float) -> Answer:
    """GET ``url`` (or POST ``form`` URL-encoded to it) asking for ``accept``; an
    :class:`EndpointError` unless the answer is a 2xx."""
    data = urllib.parse.urlencode(form).encode("utf-8") if form is not None else None
    headers = {"Accept": accept, "User-Agent": USER_AGENT}
    if data is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    for attempt in range(RETRIES + 1):
        request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data else "GET")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Answer(response.url, response.headers.get_content_type(), response.headers, response.read())
        except urllib.error.HTTPError as error:
            wait = _retry_wait(error)
            if wait is None or attempt == RETRIES:
                raise _error_from(error, url) from None
            error.close()
            time.sleep(wait)
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise EndpointError(None, "endpoint unreachable", str(reason), url=url) from error
    raise AssertionError("unreachable")  # the loop returns or raises


_LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[^;,]+)*)')
_REL = re.compile(r';\s*rel\s*=\s*"?([^";,]+)"?', re.IGNORECASE)


def next_link(answer: Answer) -> str | None:
    """The ``rel="next"`` target of the answer's ``Link`` header (RFC 8288 §3), resolved against the
    request URL; None on the last page."""
    for header in answer.headers.get_all("Link") or []:
        for target, params in _LINK.findall(header):
            rel = _REL.search(params)
            # RFC 8288 §3.3: rel may hold several space-separated relation types.
            if rel and "next" in rel.group(1).lower().split():
                return urllib.parse.urljoin(answer.url, target)
    return None


def pages(url: str, *, accept: str, timeout: float) -> Iterator[Answer]:
    """Every page of a paged answer, from ``url`` along the ``next`` links."""
    for _ in range(MAX_PAGES):
        answer = fetch(url, accept=accept, timeout=timeout)
        yield answer
        url = next_link(answer)
        if url is None:
            return
    raise EndpointError(None, "too many pages", f"stopped after {MAX_PAGES} pages", url=url)
