"""HTTP content negotiation (RFC 9110 §12.5.1, Accept): the one owner of "which format does the client get".

* :func:`negotiate` picks, from the media types a resource offers, the one the client prefers:
  q-values, ``type/*`` and ``*/*`` wildcards, and precedence (the most specific matching range
  gives the q-value: ``text/csv;charset=utf-8`` over ``text/csv`` over ``text/*`` over ``*/*``, so
  ``text/*;q=0.1, text/csv`` gives CSV q=1). ``q=0`` excludes. A range with parameters matches
  only representations that have those parameters (§12.5.1: ``text/csv;header=absent;q=0`` excludes
  nothing we write, since we never write that parameter); every representation is UTF-8, so
  ``charset=utf-8`` matches and any other charset does not.
* Ties keep the server's order (the offer list is also the server's preference order), except that
  HTML never wins a tie: a page is given only to a client that ranks HTML *strictly* above every
  other format the resource offers (a browser), so ``*/*`` (curl, libraries) always gets data.
  :func:`prefers_html` asks that one question for views that decide "page or data" before
  negotiating the data format.
* :func:`add_vary` adds a field to ``Vary`` (RFC 9110 §12.5.5) once, keeping what is there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import MutableMapping, Sequence

#: The media types of an HTML page.
HTML_TYPES = ("text/html", "application/xhtml+xml")
#: The charset of everything the service writes.
CHARSET = "utf-8"


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    def precedence(self, media_type: str, params: dict[str, str]) -> tuple[int, int] | None:
        """How specifically this range matches ``media_type`` with ``params`` (None: it does not).

        RFC 9110 §12.5.1: a more specific range overrides a less specific one; the type counts
        first (``*/*`` < ``type/*`` < ``type/subtype``), then the number of parameters.
        """
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            level = 0
        elif self.type != main:
            return None
        elif self.subtype == "*":
            level = 1
        elif self.subtype != sub:
            return None
        else:
            level = 2
        if any(params.get(name) != value for name, value in self.params):
            return None
        return level, len(self.params)


def split_media_type(text: str) -> tuple[str, dict[str, str]]:
    """``type/subtype`` (lower case) and the parameters of one media type or media range."""
    head, *raw = text.split(";")
    params = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if sep:
            params[key.strip().lower()] = value.strip().strip('"')
    return head.strip().lower(), params


def _normalise_charset(params: dict[str, str]) -> dict[str, str]:
    """Charset names compare case-insensitively, and ``utf8`` is a common spelling of ``utf-8``."""
    if "charset" in params:
        charset = params["charset"].lower()
        params["charset"] = CHARSET if charset == "utf8" else charset
    return params


@lru_cache(maxsize=1024)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed entries are skipped, never fatal."""
    if not header or not header.strip():
        return (MediaRange("*", "*", 1.0, ()),)
    ranges = []
    for entry in header[:4096].split(","):
        head, *raw = entry.split(";")
        main, slash, sub = head.strip().lower().partition("/")
        if not slash or not main or not sub:
            continue
        q, params = 1.0, {}
        for item in raw:
            key, sep, value = item.partition("=")
            key, value = key.strip().lower(), value.strip().strip('"')
            if not sep:
                continue
            if key == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 1.0
                break  # what follows the weight is not part of the range (RFC 7231 accept-ext)
            params[key] = value
        ranges.append(MediaRange(main, sub, q, tuple(sorted(_normalise_charset(params).items()))))
    return tuple(ranges)


@lru_cache(maxsize=256)
def _offer(media_type: str) -> tuple[str, dict[str, str]]:
    """An offered media type and its parameters, with the charset every representation has."""
    name, params = split_media_type(media_type)
    return name, {"charset": CHARSET, **_normalise_charset(params)}


def quality(media_type: str, ranges: Sequence[MediaRange]) -> float:
    """The q-value the client gives ``media_type``: that of the most specific matching range."""
    name, params = _offer(media_type)
    best_precedence, best_q = None, 0.0
    for media_range in ranges:
        precedence = media_range.precedence(name, params)
        if precedence is not None and (best_precedence is None or precedence > best_precedence):
            best_precedence, best_q = precedence, media_range.q
    return best_q


def is_html(media_type: str) -> bool:
    return _offer(media_type)[0] in HTML_TYPES


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None if it accepts none (→ 406).

    Ties go to the earlier offer, but never to HTML over another format (see the module notes).
    """
    return _negotiate(accept, tuple(offered))


@lru_cache(maxsize=1024)  # a handful of Accept headers and offer lists make up almost every request
def _negotiate(accept: str | None, offered: tuple[str, ...]) -> str | None:
    ranges = parse_accept(accept)
    best, best_rank = None, (0.0, False)
    for media_type in offered:
        q = quality(media_type, ranges)
        rank = (q, not is_html(media_type))
        if q > 0 and rank > best_rank:
            best, best_rank = media_type, rank
    return best


def prefers_html(accept: str | None, alternatives: Sequence[str]) -> bool:
    """True when the client ranks an HTML page strictly above every one of ``alternatives``.

    The one "page or data?" rule of the service: browsers (``text/html`` first) get pages; ``*/*``
    and no Accept at all get data.
    """
    if not accept or ("html" not in accept and "*" not in accept):
        return False  # no range can match HTML: the common case of programs, decided at once
    data_types = [media_type for media_type in alternatives if not is_html(media_type)]
    return is_html(negotiate(accept, [*data_types, *HTML_TYPES]) or "")


def add_vary(headers: MutableMapping[str, str], field: str) -> None:
    """Add ``field`` to the ``Vary`` header of ``headers`` unless it (or ``*``) is there already."""
    current = headers.get("Vary", "")
    names = [v.strip() for v in current.split(",") if v.strip()]
    if "*" in names or any(n.lower() == field.lower() for n in names):
        return
    headers["Vary"] = ", ".join(names + [field])
