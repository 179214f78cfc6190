"""The one Jinja environment of the web layer: every HTML page (and the sitemap) is a template.

Templates live under ``templates/`` and are named by their path there (``ld/entity.html``,
``query/page.html``, ``api/listing.html``, ``problem.html`` …). Autoescaping is on for every
template, so text from the graph, from a request or from an error message can never become markup;
the few values that are markup already (the query page's JSON configuration, made safe for a
``<script>`` element by :mod:`gcm_kg.web.query_ui`) say so with ``|safe`` in the template.
``StrictUndefined`` turns a misspelt or forgotten variable into an error in the tests instead of
an empty spot on a page.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).parent / "templates"

environment = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                          trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """``template`` (a path under ``templates/``) rendered with ``context``."""
    return environment.get_template(template).render(**context)
