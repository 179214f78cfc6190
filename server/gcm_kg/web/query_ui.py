"""The query page people get from ``GET /sparql`` in a browser.

:func:`query_page` renders ``templates/query/page.html``: an editor with SPARQL highlighting
(``static/query.js``, a small self-written tokenizer, no third-party code), the service's prefixes
pre-filled, the canned queries of ``/api/queries`` as examples, results as a table with a chart
beside it (bar, heat map or line, drawn as SVG by the server: ``POST /api/chart``), downloads and
shareable links. Everything it needs is served by this package, so it works without internet.

The page is prefilled from the request's ``query`` parameter, so ``/sparql?query=…`` is a
shareable link. The rule for ``/sparql`` (implemented by the protocol view): a ``GET`` whose
Accept prefers HTML over every result format gets this page, also when it carries ``query=``,
unless it names a result format with ``format=``/``output=``; programs, which do not rank HTML
first, get results as the SPARQL 1.1 Protocol says. The page itself runs queries by POSTing
``application/sparql-query`` with an explicit Accept.

``default-graph-uri`` and ``named-graph-uri`` in the page's URL are kept: the page sends them
with every query it runs (SPARQL 1.1 Protocol §2.1.4) and puts them in the links it makes.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Response, current_app, request

from gcm_kg.core.namespaces import BASE, PREFIXES
from gcm_kg.services.charts import MAX_MARKS
from gcm_kg.web import templating
from gcm_kg.web.context import get_public_urls

STATIC = Path(__file__).parent / "static"

#: Prefixes written at the top of a new query, most useful first (all of PREFIXES are known to
#: the editor's "add missing prefixes" action).
DEFAULT_PREFIXES = ("gcm", "gcmo", "rdf", "rdfs", "skos", "schema", "dct", "xsd")

DEFAULT_BODY = """\
# Which kinds of things does the graph hold, and how many of each?
SELECT ?class (COUNT(?thing) AS ?things)
WHERE {
  ?thing a ?class .
}
GROUP BY ?class
ORDER BY DESC(?things)
LIMIT 25
"""

#: Content Security Policy of the page: everything from this origin, nothing inline.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'")

YASGUI_URL = "https://yasgui.triply.cc/"


def prefix_block(names=DEFAULT_PREFIXES) -> str:
    width = max(len(n) for n in names) + 1
    return "".join(f"PREFIX {(n + ':').ljust(width)} <{PREFIXES[n]}>\n" for n in names)


def default_query() -> str:
    return prefix_block() + "\n" + DEFAULT_BODY


@lru_cache(maxsize=None)
def _asset_version(name: str) -> str:
    """A short content hash, appended to asset URLs so that browsers never run a stale script."""
    try:
        return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
    except OSError:
        return "0"


def _static_url(name: str) -> str:
    return get_public_urls().path(f"static/{name}?v={_asset_version(name)}")


def _serves_path(path: str) -> bool:
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
        return True
    except Exception:  # noqa: BLE001 — NotFound, MethodNotAllowed or a redirect: not served as is
        return False


def page_config() -> dict:
    """What the page script needs, embedded in the page as JSON (not executed: CSP-safe).

    What the page requests itself is a path under the site root (same origin: the CSP allows
    ``connect-src 'self'`` only); ``publicEndpoint``, shown for use elsewhere, is absolute.
    """
    settings = current_app.extensions.get("gcm_kg.settings")
    base = getattr(settings, "base_uri", BASE) or BASE
    urls = get_public_urls()
    dataset = [(k, v) for k in ("default-graph-uri", "named-graph-uri") for v in request.args.getlist(k)]
    return {
        "endpoint": urls.path("sparql"),
        "publicEndpoint": urls.endpoint,
        "examples": urls.path("api/queries"),
        # Charts are drawn by the server from the results the page has (POST /api/chart); it is
        # sent one row more than a chart draws, so that it can say when there are too many.
        "chart": urls.path("api/chart"),
        "chartMaxRows": MAX_MARKS,
        "prefixes": PREFIXES,
        "base": base,
        # IRIs under the base are dereferenced by this server at the same path (linked data).
        "localBase": urls.path() if _serves_path("/id/") or _serves_path("/id/x") else None,
        "maxRows": getattr(settings, "max_rows", None),
        "timeout": getattr(settings, "timeout", None),
        "dataset": dataset,
        "yasgui": YASGUI_URL,
        "defaultQuery": default_query(),
    }


def query_page() -> Response:
    """The query page, prefilled from ``?query=`` (or with the default query)."""
    query = request.args.get("query")
    config = page_config()
    html = templating.render(
        "query/page.html",
        query=query if query is not None else default_query(),
        config_json=templating.script_json(json.dumps(config, ensure_ascii=False)),
        config=config,
        css=_static_url("query.css"),
        js=_static_url("query.js"),
        home=get_public_urls().path(),
        api=config["examples"],
        prefixes=PREFIXES,
    )
    response = Response(html, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-cache"
    return response
