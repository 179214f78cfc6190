"""The language of an HTML page: ``?lang=`` in its URL, else ``Accept-Language``, else English.

Pages are written in English and Spanish. ``Accept-Language`` (RFC 9110 §12.5.4) picks one, but a
header cannot be linked to, bookmarked or crawled: ``?lang=en`` and ``?lang=es`` give each language
a URL of its own, and win over the header. Once a page was asked for with ``?lang=``, its links
keep it (:func:`with_language`, which :func:`gcm_kg.web.templating.site_path` applies to every
link), and every page names both versions with ``<link rel="alternate" hreflang>`` and a language
switcher (:func:`language_versions`). RDF documents are negotiated by ``Accept`` only: their
content has no chrome to translate, so ``lang`` means nothing there.

A page whose language came from ``Accept-Language`` varies on it; one whose language the URL
named does not (RFC 9110 §12.5.5): :func:`vary_on_accept_language` adds the ``Vary`` exactly then.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode, urljoin

from flask import Response, has_request_context, request

from gcm_kg.core.errors import Refusal
from gcm_kg.core.negotiation import add_vary
from gcm_kg.web.context import get_public_urls

#: The languages of the pages, the default first.
LANGUAGES = ("en", "es")
#: The query parameter naming a page's language.
PARAMETER = "lang"
#: Each language's name, in that language (what the switcher shows).
NAMES = {"en": "English", "es": "Español"}

_FROM_HEADER = "gcm_kg.language_from_accept_language"


def choose_language(requested: str | None, accept_language=None) -> str:
    """The page language: ``requested`` (the ``lang`` parameter) when given, else the best match of
    ``accept_language`` (a werkzeug ``LanguageAccept``, or None), else English.

    A ``requested`` value that is not a language of the pages is a client error (400 with the
    languages there are), not a silent fallback: the URL says something the page cannot do.
    """
    if requested:
        code = requested.strip().lower()
        if code not in LANGUAGES:
            raise Refusal.invalid_parameter(
                PARAMETER, f"parameter '{PARAMETER}': {requested!r} is not a language of these pages; "
                           f"use one of: {', '.join(LANGUAGES)}")
        return code
    if accept_language is None:
        return LANGUAGES[0]
    return accept_language.best_match(LANGUAGES, default=LANGUAGES[0]) or LANGUAGES[0]


def requested_language() -> str | None:
    """The language the request's URL names (``?lang=es``), or None when it names none or none of
    ours (links are then written without one; the page itself answers 400, see :func:`page_language`)."""
    if not has_request_context():
        return None
    code = (request.args.get(PARAMETER) or "").strip().lower()
    return code if code in LANGUAGES else None


def page_language(*, refuse_unknown: bool = True) -> str:
    """The language of the page this request asks for (see :func:`choose_language`). With
    ``refuse_unknown=False`` a ``lang`` that names none of ours is left to the page to report, and
    ``Accept-Language`` decides."""
    requested = request.args.get(PARAMETER) if refuse_unknown else requested_language()
    if requested:
        return choose_language(requested)
    request.environ[_FROM_HEADER] = True
    header = request.accept_languages if request.headers.get("Accept-Language") else None
    return choose_language(None, header)


def vary_on_accept_language(response: Response) -> Response:
    """``after_request`` hook: ``Vary: Accept-Language`` on every response whose language the header chose.

    Not on a response no cache may keep (``Cache-Control: no-store``, RFC 9111 §5.2.2.5: the
    problem responses): ``Vary`` only tells a cache which stored response fits a request (§4.1),
    and a refusal reads the same in every language."""
    if request.environ.get(_FROM_HEADER) and "no-store" not in response.headers.get("Cache-Control", ""):
        add_vary(response.headers, "Accept-Language")
    return response


def _set_language(href: str, code: str | None) -> str:
    """``href`` (a path with an optional query and fragment) with ``lang=code``, or without ``lang``."""
    rest, hash_, fragment = href.partition("#")
    path, _, query = rest.partition("?")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != PARAMETER]
    if code:
        pairs.append((PARAMETER, code))
    return path + ("?" + urlencode(pairs) if pairs else "") + hash_ + fragment


def with_language(href: str) -> str:
    """``href`` with the language the request's URL named, if it named one: links keep ``?lang=``.
    Static files are the same in every language and keep their one URL."""
    code = requested_language()
    if code is None or "/static/" in href.split("?")[0]:
        return href
    return _set_language(href, code)


@dataclass(frozen=True)
class LanguageVersion:
    code: str       # hreflang; "x-default" for the version the reader's Accept-Language chooses
    name: str
    href: str
    current: bool


def language_versions(page: str, current: str) -> list[LanguageVersion]:
    """The versions of the page at ``page`` (a path, with or without ``lang``): one per language,
    then ``x-default`` (no ``lang``: the reader's Accept-Language decides), for ``hreflang`` links
    and the language switcher of a page in ``current``."""
    # Absolute URLs: hreflang links are read outside the page, by crawlers.
    root = get_public_urls().root if has_request_context() else ""
    versions = [LanguageVersion(code, NAMES[code], urljoin(root, _set_language(page, code)), code == current)
                for code in LANGUAGES]
    return versions + [LanguageVersion("x-default", "", urljoin(root, _set_language(page, None)), False)]


def current_page() -> str:
    """The public path and query of this request (what a page without a canonical URL links its
    versions to)."""
    if not has_request_context():
        return "/"
    query = request.query_string.decode("latin-1")
    return get_public_urls().path(quote(request.path)) + ("?" + query if query else "")
