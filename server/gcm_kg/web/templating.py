"""The one Jinja environment of the web layer: every HTML page (and the sitemap) is a template.

Templates live under ``templates/`` and are named by their path there (``ld/entity.html``,
``query/page.html``, ``api/listing.html``, ``problem.html`` …). Autoescaping is on for every
template, so text from the graph, from a request or from an error message can never become markup;
the few values that are markup already (JSON data blocks, the query page's configuration and the
pages' JSON-LD, made safe for a ``<script>`` element by :func:`script_json`) say so with ``|safe``
in the template.
``StrictUndefined`` turns a misspelt or forgotten variable into an error in the tests instead of
an empty spot on a page.
"""

from __future__ import annotations

from pathlib import Path

from flask import has_request_context
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gcm_kg.web import language
from gcm_kg.web.context import get_public_urls

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


def site_path(path: str = "") -> str:
    """``path`` (from the site root, with or without a leading ``/``) as a path on this site.

    Under a path prefix (``--public-url https://example.org/kg/``, or ``X-Forwarded-Prefix: /kg``
    trusted with ``--proxy-headers``) the prefix comes first, so every link of a page works behind
    the proxy; the pages are cached per public root. Outside a request (a template rendered on its
    own) the root is ``/``. Templates call it as ``site('list/objective')``.

    A page asked for in a language by its URL (``?lang=es``) keeps it in every link
    (:func:`gcm_kg.web.language.with_language`), so a reader stays in the language they chose.
    """
    if has_request_context():
        return language.with_language(get_public_urls().path(path))
    return "/" + path.lstrip("/")


environment.globals["site"] = site_path
environment.globals["with_language"] = language.with_language
environment.globals["language_versions"] = language.language_versions
environment.globals["current_page"] = language.current_page
environment.globals["requested_language"] = language.requested_language


def script_json(text: str | bytes) -> str:
    """JSON text made safe to embed in a ``<script>`` element (a data block: JSON-LD, a page's
    configuration). ``<``, ``>`` and ``&`` occur in JSON only inside strings, where ``\\u003c`` …
    mean the same characters, so ``</script>`` or ``<!--`` in a value cannot end or change the
    element (HTML §4.12.1.3, restrictions for contents of script elements)."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render(template: str, **context) -> str:
    """``template`` (a path under ``templates/``) rendered with ``context``."""
    return environment.get_template(template).render(**context)
