"""services.w3id: the .htaccess of the w3id.org gcm-kg/ folder (Apache runs it in
tests/linked_data/test_w3id_apache.py)."""

from __future__ import annotations

import re

import pytest

from gcm_kg.core.public_urls import PublicUrlError
from gcm_kg.services import w3id

from ..support.paths import REPO

RULE = re.compile(r"^RewriteRule (\S+) (\S+) \[(\S+)\]$")


def _rules(text: str) -> list[tuple[str, str, str]]:
    return [RULE.match(line).groups() for line in text.splitlines() if line.startswith("RewriteRule")]


def _forward(text: str, path: str) -> str | None:
    """Where the rules send ``path`` (below gcm-kg/), read as mod_rewrite reads them: the first rule
    whose pattern matches, its substitution with $1 filled in (PCRE and Python agree on these)."""
    for pattern, substitution, _ in _rules(text):
        match = re.match(pattern, path)
        if match:
            return substitution.replace("\\$", "\0").replace("$1", match.group(1)).replace("\0", "$")
    return None


def test_the_committed_rules_are_the_output_for_the_documented_example_deployment():
    committed = (REPO / "deploy" / "w3id" / ".htaccess").read_text(encoding="utf-8")
    assert committed == w3id.htaccess(w3id.EXAMPLE_TARGET)
    assert "example deployment" in committed


def test_the_rules_turn_the_rewrite_engine_on_and_every_rule_is_a_temporary_redirect():
    text = w3id.htaccess("https://kg.example.net/")
    assert "\nRewriteEngine on\n" in text
    rules = _rules(text)
    assert len(rules) == len(w3id.URI_KINDS)
    assert all(flags == "R=302,L" for _, _, flags in rules)
    assert all(not pattern.startswith("^/") for pattern, _, _ in rules)  # relative to the folder


@pytest.mark.parametrize("path", [
    "", "id/objective/9", "id/dataset/gcm-kg", "id/question/lac-2021-rt3-1",
    "ontology", "ontology/0.1.0", "ontology.ttl", "shapes", "shapes/S01-objective", "shapes.html",
    "graph/gcm/objectives", "graph/shapes", "graph/gcm/objectives.jsonld",
])
def test_every_kind_of_uri_goes_to_the_same_path_at_the_target(path):
    assert _forward(w3id.htaccess("https://kg.example.net/base/"), path) == "https://kg.example.net/base/" + path


@pytest.mark.parametrize("path", ["sparql", "doc/objective/9", "id", "id/", "graph/", "ontologies", "shapesx",
                                  "download/gcm-kg.ttl", "api/queries"])
def test_what_is_no_uri_of_ours_is_not_forwarded(path):
    assert _forward(w3id.htaccess("https://kg.example.net/"), path) is None


def test_every_kind_has_an_example_its_rule_forwards():
    for kind in w3id.URI_KINDS:
        assert re.match(kind.pattern, kind.example), kind


def test_a_target_without_a_final_slash_is_its_root():
    assert _forward(w3id.htaccess("https://kg.example.net/kg"), "id/objective/9") == \
        "https://kg.example.net/kg/id/objective/9"


def test_a_dollar_in_the_target_is_read_literally():
    text = w3id.htaccess("https://kg.example.net/a$1/")
    assert "https://kg.example.net/a\\$1/$1" in text
    assert _forward(text, "id/x") == "https://kg.example.net/a$1/id/x"


@pytest.mark.parametrize("target, reason", [
    ("ftp://kg.example.net/", "http"),
    ("kg.example.net", "http"),
    ("https://kg.example.net/?x=1", "query"),
    ("https://kg.example.net/a b/", "space"),
    ("https://kg.example.net/%7Euser/", "percent"),
])
def test_a_target_that_is_no_root_url_is_refused_saying_why(target, reason):
    with pytest.raises(PublicUrlError, match=reason):
        w3id.htaccess(target)
