"""``gcm_kg.core.settings.Settings``: the public root it keeps, and the URLs it derives from it."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from gcm_kg.core.public_urls import PublicUrlError, PublicUrlWarning
from gcm_kg.core.settings import Settings


def test_public_url_is_kept_as_the_site_root():
    assert Settings(public_url="https://example.org/kg").public_url == "https://example.org/kg/"


def test_a_public_url_ending_in_sparql_is_kept_as_its_parent_with_a_warning():
    with pytest.warns(PublicUrlWarning, match="https://example.org/kg/sparql names the SPARQL endpoint"):
        settings = Settings(public_url="https://example.org/kg/sparql")
    assert settings.public_url == "https://example.org/kg/"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a copy of the settings does not warn again
        assert dataclasses.replace(settings, timeout=5).public_url == "https://example.org/kg/"


def test_a_bad_public_url_is_refused_when_the_settings_are_made():
    with pytest.raises(PublicUrlError, match="not an absolute http"):
        Settings(public_url="example.org/kg/")


def test_urls_come_from_the_public_url_whatever_the_request_root():
    urls = Settings(public_url="https://example.org/kg/").public_urls("http://127.0.0.1:8000/")
    assert urls.root == "https://example.org/kg/"
    assert urls.endpoint == "https://example.org/kg/sparql"


def test_without_a_public_url_urls_come_from_the_request_root():
    urls = Settings().public_urls("http://localhost/kg/")
    assert urls.endpoint == "http://localhost/kg/sparql"
    assert urls.dump("gcm-kg.ttl") == "http://localhost/kg/download/gcm-kg.ttl"


def test_a_request_root_that_is_no_url_is_refused():
    with pytest.raises(PublicUrlError, match="request root URL"):
        Settings().public_urls("http:///")


def test_proxy_headers_are_off_unless_asked_for():
    assert Settings().proxy_headers is False
    assert Settings(proxy_headers=True).proxy_headers is True
