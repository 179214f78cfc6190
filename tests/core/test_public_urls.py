"""``gcm_kg.core.public_urls``: reading ``--public-url`` as the site root, and every URL under it."""

from __future__ import annotations

import warnings

import pytest

from gcm_kg.core.public_urls import PublicUrlError, PublicUrls, PublicUrlWarning, public_root, site_root


@pytest.mark.parametrize("value, root", [
    ("https://example.org/kg/", "https://example.org/kg/"),
    ("https://example.org/kg", "https://example.org/kg/"),
    ("  https://example.org/kg/  ", "https://example.org/kg/"),
    ("https://example.org", "https://example.org/"),
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
    ("https://example.org/sparql/", "https://example.org/sparql/"),  # ends in "/": a root as given
    ("https://example.org/kg/my%20graph/", "https://example.org/kg/my%20graph/"),
])
def test_a_root_is_read_as_the_root_without_a_warning(value, root):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning fails the test
        assert public_root(value) == root


@pytest.mark.parametrize("value, root", [
    ("https://example.org/kg/sparql", "https://example.org/kg/"),
    ("https://kg.example.org/sparql", "https://kg.example.org/"),
])
def test_a_url_ending_in_sparql_is_read_as_its_parent_with_a_warning(value, root):
    with pytest.warns(PublicUrlWarning, match=f"names the SPARQL endpoint.*so {root} is used") as caught:
        assert public_root(value) == root
    assert len(caught) == 1


def test_reading_a_root_twice_gives_the_same_root():
    with pytest.warns(PublicUrlWarning):
        root = public_root("https://example.org/sparql/sparql")
    assert root == "https://example.org/sparql/"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert public_root(root) == root


@pytest.mark.parametrize("value, reason", [
    ("kg.example.org/kg/", "not an absolute http"),
    ("/kg/", "not an absolute http"),
    ("ftp://example.org/kg/", "not an absolute http"),
    ("https:///kg/", "not an absolute http"),
    ("https://example.org/kg/?x=1", "query or fragment"),
    ("https://example.org/kg/#top", "query or fragment"),
    ("https://example.org/kg/?", "query or fragment"),
    ("https://example.org/k g/", "not allowed in a URL"),
    ("https://example.org/<kg>/", "not allowed in a URL"),
    ("https://example.org/kg%zz/", "not allowed in a URL"),
    ("https://exämple.org/kg/", "non-ASCII"),
    ("https://example.org:99999/kg/", "bad port"),
    ("https://example.org:http/kg/", "bad port"),
    ("https://example.org//kg/", "starting with //"),
])
def test_a_value_that_cannot_be_a_root_is_refused_saying_why(value, reason):
    with pytest.raises(PublicUrlError, match=reason):
        public_root(value)


def test_site_root_names_what_it_checked():
    with pytest.raises(PublicUrlError, match="request root URL 'http:///'"):
        site_root("http:///", "request root URL")


ROOT = "https://example.org/kg/"


def test_every_public_url_is_under_the_root():
    urls = PublicUrls(ROOT)
    assert urls.endpoint == ROOT + "sparql"
    assert urls.void == ROOT + ".well-known/void"
    assert urls.dump("gcm-kg.nt") == ROOT + "download/gcm-kg.nt"
    assert urls.api() == ROOT + "api/queries"
    assert urls.api("theme-questions") == ROOT + "api/queries/theme-questions"
    assert urls.openapi == ROOT + "openapi.json"
    assert urls.sparql_examples == ROOT + ".well-known/sparql-examples"
    assert urls.sitemap == ROOT + "sitemap.xml"
    assert urls.url("/doc/objective/9.ttl") == urls.url("doc/objective/9.ttl") == ROOT + "doc/objective/9.ttl"


def test_openapi_server_has_no_final_slash_since_paths_start_with_one():
    assert PublicUrls(ROOT).openapi_server == "https://example.org/kg"
    assert PublicUrls("http://localhost/").openapi_server == "http://localhost"


@pytest.mark.parametrize("root, expected", [
    (ROOT, "/kg/doc/objective/9.ttl"),
    ("http://localhost/", "/doc/objective/9.ttl"),
    ("http://localhost", "/doc/objective/9.ttl"),
])
def test_path_references_keep_the_roots_path_and_drop_scheme_and_host(root, expected):
    urls = PublicUrls(root)
    assert urls.path("/doc/objective/9.ttl") == urls.path("doc/objective/9.ttl") == expected
    assert urls.path() == expected[: expected.index("doc")]
