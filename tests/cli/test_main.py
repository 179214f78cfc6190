"""``gcm-kg serve`` options that become :class:`~gcm_kg.core.settings.Settings`: ``--public-url``
(the site root; a value ending in ``/sparql`` is read as its parent, with a warning on stderr),
``--proxy-headers`` and ``--query-memory`` sizes. Nothing here starts a server."""

from __future__ import annotations

import argparse

import pytest

from gcm_kg.cli.main import MIN_QUERY_MEMORY, build_parser, main, parse_size, serve_settings


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


# -- --query-memory ---------------------------------------------------------------------------

MiB, GiB = 1 << 20, 1 << 30


@pytest.mark.parametrize("text, size", [
    ("512M", 512 * MiB), ("2G", 2 * GiB), ("1GiB", GiB), ("1gib", GiB), ("1 GiB", GiB),
    ("256MB", 256 * MiB), ("1.5G", GiB + 512 * MiB), ("65536K", 64 * MiB), ("1T", 1 << 40),
    (str(GiB), GiB),
])
def test_sizes_are_read_in_powers_of_1024(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "lots", "-1G", "1Q", "1iB", "1 G B", "0x100M", "1e9"])
def test_what_is_not_a_size_is_refused_with_an_example(text):
    with pytest.raises(argparse.ArgumentTypeError, match="not a size: write e.g. 512M"):
        parse_size(text)


def test_a_budget_too_small_to_answer_anything_is_refused():
    assert parse_size(f"{MIN_QUERY_MEMORY}") == MIN_QUERY_MEMORY
    with pytest.raises(argparse.ArgumentTypeError, match="too small: give at least 32M"):
        parse_size("16M")


def test_serve_takes_query_memory_and_leaves_the_default_to_the_store():
    parser = build_parser()
    assert parser.parse_args(["serve", "--query-memory", "2G"]).query_memory == 2 * GiB
    assert parser.parse_args(["serve"]).query_memory is None


def test_a_bad_query_memory_ends_serve_with_exit_status_2_and_says_why(capsys):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["serve", "--query-memory", "lots"])
    assert stop.value.code == 2
    assert "--query-memory: 'lots' is not a size" in capsys.readouterr().err


# -- --cache-max-age, --data-version ----------------------------------------------------------

def test_serve_caches_for_60_seconds_by_default_and_takes_another_max_age():
    assert _settings().cache_max_age == 60
    assert _settings("--cache-max-age", "0").cache_max_age == 0
    assert _settings("--cache-max-age", "3600").cache_max_age == 3600


@pytest.mark.parametrize("value", ["-1", "1.5", "soon", ""])
def test_a_bad_cache_max_age_ends_serve_with_exit_status_2_and_says_why(capsys, value):
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["serve", "--cache-max-age", value])
    assert stop.value.code == 2
    assert "--cache-max-age: expected a whole number of seconds" in capsys.readouterr().err


def test_a_data_version_goes_with_an_endpoint_only(capsys):
    assert _settings().data_version is None
    assert _settings("--endpoint", "http://127.0.0.1:9/sparql", "--data-version", "v2").data_version == "v2"
    assert main(["serve", "--data-version", "v2"]) == 2
    assert "--data-version is for --endpoint" in capsys.readouterr().err


def test_serve_help_explains_caching(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--cache-max-age SECONDS how long a cache in front may reuse a GET answer" in out
    assert "--data-version TEXT version of the --endpoint's data" in out


# -- w3id-rules -------------------------------------------------------------------------------------

def test_w3id_rules_writes_the_htaccess_for_the_target(capsys, tmp_path):
    from gcm_kg.services.w3id import htaccess

    assert main(["w3id-rules", "--target", "https://kg.example.net/"]) == 0
    assert capsys.readouterr().out == htaccess("https://kg.example.net/")
    out = tmp_path / ".htaccess"
    assert main(["w3id-rules", "--target", "https://kg.example.net/", "--output", str(out)]) == 0
    assert out.read_text() == htaccess("https://kg.example.net/")


def test_w3id_rules_with_a_bad_target_exits_2_saying_why(capsys):
    assert main(["w3id-rules", "--target", "kg.example.net"]) == 2
    assert "not an absolute http:// or https:// URL" in capsys.readouterr().err


def test_w3id_rules_help_names_the_repository_and_what_is_forwarded(capsys):
    with pytest.raises(SystemExit):
        main(["w3id-rules", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "perma-id/w3id.org" in out and "graph/" in out and "302" in out
