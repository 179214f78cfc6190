"""Paged answers: the ``limit`` and ``offset`` parameters and the ``Link`` header of one page.

Shared by every paged route (the canned queries of :mod:`gcm_kg.web.views.api`, the search of
:mod:`gcm_kg.web.views.search`), so their paging reads and links the same way.
"""

from __future__ import annotations

import urllib.parse

from flask import request

from gcm_kg.core.errors import Refusal
from gcm_kg.web.context import get_public_urls


def int_arg(name: str, default: int, minimum: int) -> int:
    """The request's one integer parameter ``name`` (at least ``minimum``); a 400 naming it otherwise."""
    raw = request.args.getlist(name)
    if not raw:
        return default
    if len(raw) > 1 or not raw[0].isdigit() or len(raw[0]) > 9 or int(raw[0]) < minimum:
        raise Refusal.invalid_parameter(name, f"parameter {name!r}: expected one integer ≥ {minimum}")
    return int(raw[0])


def page_url(url: str, limit: int, offset: int) -> str:
    """``url`` with this request's parameters, and ``limit`` and ``offset`` set to one page."""
    pairs = [(k, v) for k, v in request.args.items(multi=True) if k not in ("limit", "offset")]
    pairs += [("limit", str(limit)), ("offset", str(offset))]
    return url + "?" + urllib.parse.urlencode(pairs)


def paging_links(url: str, limit: int, offset: int, has_next: bool) -> str:
    """The ``Link`` header of one page of ``url`` (RFC 8288 §3): first, prev, next, and the
    OpenAPI description (``service-desc``, RFC 8631 §4.1)."""
    links = [f'<{page_url(url, limit, 0)}>; rel="first"']
    if offset:
        links.append(f'<{page_url(url, limit, max(0, offset - limit))}>; rel="prev"')
    if has_next:
        links.append(f'<{page_url(url, limit, offset + limit)}>; rel="next"')
    links.append(f'<{get_public_urls().openapi}>; rel="service-desc"; type="application/openapi+json"')
    return ", ".join(links)
