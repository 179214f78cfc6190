"""gcm_kg.web.templating: the one Jinja environment every page and template goes through."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2
import pytest

import gcm_kg.web
from gcm_kg.web import templating

WEB = Path(gcm_kg.web.__file__).parent


def test_every_template_compiles():
    names = templating.environment.list_templates()
    assert {"ld/base.html", "ld/entity.html", "ld/diagram.html", "query/page.html", "api/listing.html",
            "api/result.html", "problem.html", "ld/downloads.html", "ld/sitemap.xml"} <= set(names)
    for name in names:
        templating.environment.get_template(name)


def test_values_are_escaped_whatever_the_template_is_named():
    assert templating.environment.autoescape is True  # not chosen by file extension: .xml and .css too
    template = templating.environment.from_string("{{ value }}")
    assert template.render(value="<a href='x'>\"&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&#34;&amp;&#34;&lt;/a&gt;"


def test_a_missing_variable_is_an_error_not_an_empty_spot():
    with pytest.raises(jinja2.UndefinedError):
        templating.render("problem.html", status=400, title="Bad Request")  # no members


def test_problem_template_renders_members_in_order():
    page = templating.render("problem.html", status=404, title="Not Found", members=[("detail", "d"), ("instance", "/x")])
    assert page.startswith("<!DOCTYPE html>\n")
    assert page.index("<dt>detail</dt>") < page.index("<dt>instance</dt>")


def test_no_other_module_of_the_web_layer_writes_html_by_hand():
    """Templates are the only place markup is written: no second Jinja environment, no hand escaping."""
    offenders = []
    for path in sorted(WEB.rglob("*.py")):
        if path == WEB / "templating.py":
            continue
        source = path.read_text(encoding="utf-8")
        for pattern in (r"\bjinja2\b", r"\bmarkupsafe\b", r"from html import", r"\bescape\(", r"\bMarkup\("):
            if re.search(pattern, source):
                offenders.append(f"{path.relative_to(WEB)}: {pattern}")
    assert offenders == []


@pytest.mark.parametrize("value", ["</script><script>alert(1)</script>", "<!-- x", "a & b > c"])
def test_script_json_keeps_the_value_and_cannot_end_its_script_element(value):
    import json

    text = templating.script_json(json.dumps({"v": value}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"v": value}
    assert templating.script_json(json.dumps({"v": value}).encode()) == text
