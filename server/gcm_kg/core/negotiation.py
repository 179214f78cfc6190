"""HTTP content negotiation (RFC 9110 §12.5.1, Accept).

:func:`negotiate` picks, from the media types a resource offers, the one the client prefers:
q-values, ``type/*`` and ``*/*`` wildcards, and specificity (a more specific range's q-value wins,
so ``text/*;q=0.1, text/csv`` gives CSV q=1). ``q=0`` excludes. Ties keep the server's order, so
the offer list is also the server's preference order.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float
    params: tuple[tuple[str, str], ...]

    def specificity(self, media_type: str) -> int | None:
        """How specifically this range matches ``media_type`` (None: it does not)."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return None
        if self.subtype == "*":
            return 1
        if self.subtype != sub:
            return None
        return 2 + len(self.params)


def split_media_type(text: str) -> tuple[str, dict[str, str]]:
    """``type/subtype`` (lower case) and the parameters of one media type or media range."""
    head, *raw = text.split(";")
    params = {}
    for item in raw:
        key, sep, value = item.partition("=")
        if sep:
            params[key.strip().lower()] = value.strip().strip('"')
    return head.strip().lower(), params


@lru_cache(maxsize=1024)
def parse_accept(header: str | None) -> tuple[MediaRange, ...]:
    """The media ranges of an Accept header; malformed entries are skipped, never fatal."""
    if not header or not header.strip():
        return (MediaRange("*", "*", 1.0, ()),)
    ranges = []
    for entry in header[:4096].split(","):
        media, params = split_media_type(entry)
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub:
            continue
        try:
            q = float(params.pop("q", "1"))
        except ValueError:
            q = 1.0
        q = min(max(q, 0.0), 1.0)
        params.pop("charset", None) if params.get("charset", "utf-8").lower() in ("utf-8", "utf8") else None
        ranges.append(MediaRange(main, sub, q, tuple(sorted(params.items()))))
    return tuple(ranges)


def quality(media_type: str, ranges: Sequence[MediaRange]) -> float:
    """The q-value the client gives ``media_type``: that of the most specific matching range."""
    best_specificity, best_q = -1, 0.0
    for media_range in ranges:
        spec = media_range.specificity(media_type)
        if spec is not None and spec > best_specificity:
            # A range with a parameter we do not produce (e.g. charset=utf-16) does not match.
            if media_range.params and spec >= 2 and not _params_ok(media_range.params):
                continue
            best_specificity, best_q = spec, media_range.q
    return best_q


def _params_ok(params: tuple[tuple[str, str], ...]) -> bool:
    return all(key != "charset" for key, _ in params)


def negotiate(accept: str | None, offered: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None if it accepts none (→ 406)."""
    ranges = parse_accept(accept)
    best, best_q = None, 0.0
    for media_type in offered:
        q = quality(media_type, ranges)
        if q > best_q:
            best, best_q = media_type, q
    return best


def prefers_html(accept: str | None) -> bool:
    """True when a browser-like client ranks HTML above every RDF/JSON alternative."""
    return negotiate(accept, ["text/html", "application/xhtml+xml", "text/turtle",
                              "application/ld+json", "application/json"]) in ("text/html", "application/xhtml+xml")
