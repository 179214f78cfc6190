"""``gcm-kg serve`` options that become :class:`~gcm_kg.core.settings.Settings`: ``--public-url``
(the site root; a value ending in ``/sparql`` is read as its parent, with a warning on stderr) and
``--proxy-headers``. Nothing here starts a server."""

from __future__ import annotations

import pytest

from gcm_kg.cli.main import build_parser, main, serve_settings


def _settings(*options: str):
    return serve_settings(build_parser().parse_args(["serve", *options]))


def test_public_url_is_the_site_root(capsys):
    assert _settings("--public-url", "https://example.org/kg/").public_url == "https://example.org/kg/"
    assert capsys.readouterr().err == ""


def test_a_public_url_ending_in_sparql_is_its_parent_with_a_warning_on_stderr(capsys):
    settings = _settings("--public-url", "https://example.org/kg/sparql")
    assert settings.public_url == "https://example.org/kg/"
    err = capsys.readouterr().err
    assert err.startswith("gcm-kg serve: warning: public URL https://example.org/kg/sparql names the SPARQL endpoint")
    assert "https://example.org/kg/ is used" in err and err.count("\n") == 1


@pytest.mark.parametrize("value, reason", [("example.org/kg/", "not an absolute http"),
                                           ("https://example.org/kg/?a=1", "query or fragment")])
def test_a_bad_public_url_exits_2_saying_why_before_serving(capsys, value, reason):
    assert main(["serve", "--public-url", value]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gcm-kg serve: public URL {value!r}") and reason in err


def test_proxy_headers_are_trusted_only_when_asked_for():
    assert _settings().proxy_headers is False
    assert _settings("--proxy-headers").proxy_headers is True


def test_serve_help_explains_both_options(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--public-url URL public root of the site" in out and "ending in /sparql is read as its parent" in out
    assert "--proxy-headers trust X-Forwarded-For, -Proto, -Host, -Port and -Prefix" in out
