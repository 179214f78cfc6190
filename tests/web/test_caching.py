"""HTTP caching of GET answers (gcm_kg.web.caching): strong ETags over everything an answer
depends on, Cache-Control, Vary, 304 to If-None-Match; nothing cached for POST, errors, or a store
without a fingerprint. Through Flask's test client (the /sparql WSGI fast path and the Flask view)
and once over real HTTP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests
from werkzeug.test import EnvironBuilder

from gcm_kg.core.settings import Settings
from gcm_kg.sparql.model import QueryMemoryExceeded, QueryTimeout
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.remote import RemoteStore
from gcm_kg.web import caching
from gcm_kg.web.app import create_app
from gcm_kg.web.errors import error_response

from ..support.live_server import LiveServer

EXTRA = Path(__file__).parent / "fixtures" / "caching_an_extra_fact.ttl"
ASK = "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"})
SELECT = "/sparql?" + urlencode({"query": "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2"})
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def shipped_store():
    return EmbeddedStore.in_memory()


@pytest.fixture(scope="module")
def client(shipped_store):
    return create_app(Settings(), shipped_store).test_client()


def etag_of(client, path, **headers) -> str | None:
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.headers.get("ETag")


# -- validators, freshness and 304 -------------------------------------------------------------

def test_a_get_answer_has_a_strong_etag_freshness_and_vary(client):
    response = client.get(SELECT, headers=JSON)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.headers["Cache-Control"] == "max-age=60"
    vary = {v.strip() for v in response.headers["Vary"].split(",")}
    assert {"Accept", "Accept-Language"} <= vary


def test_if_none_match_with_the_etag_answers_304_without_a_body(client):
    first = client.get(SELECT, headers=JSON)
    again = client.get(SELECT, headers={**JSON, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    for header in ("ETag", "Cache-Control", "Vary"):
        assert again.headers[header] == first.headers[header]
    assert "Content-Type" not in again.headers


@pytest.mark.parametrize("listed", ['"other", {etag}', "W/{etag}", "*"])
def test_if_none_match_compares_weakly_and_takes_lists_and_star(client, listed):
    etag = etag_of(client, ASK)
    response = client.get(ASK, headers={"If-None-Match": listed.format(etag=etag)})
    assert response.status_code == 304 and response.headers["ETag"] == etag


def test_an_if_none_match_with_other_tags_gets_the_full_answer(client):
    response = client.get(ASK, headers={"If-None-Match": '"not-this-one", W/"nor-this"'})
    assert response.status_code == 200 and response.get_data()


def test_the_fast_path_and_the_flask_view_give_the_same_etag(shipped_store):
    # An Origin header sends /sparql through the Flask view instead of the WSGI fast path.
    app = create_app(Settings(cors_origins=("https://partner.example",)), shipped_store)
    fast = app.test_client().get(ASK)
    flask_view = app.test_client().get(ASK, headers={"Origin": "https://partner.example"})
    assert fast.headers["ETag"] == flask_view.headers["ETag"]
    assert fast.headers["Cache-Control"] == flask_view.headers["Cache-Control"]
    assert flask_view.headers["Access-Control-Allow-Origin"] == "https://partner.example"
    revalidated = app.test_client().get(ASK, headers={"Origin": "https://partner.example",
                                                      "If-None-Match": fast.headers["ETag"]})
    assert revalidated.status_code == 304


def test_a_max_age_of_0_asks_caches_to_revalidate_every_time(shipped_store):
    response = create_app(Settings(cache_max_age=0), shipped_store).test_client().get(ASK)
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]


# -- what the tag covers --------------------------------------------------------------------------

def test_another_accept_query_parameter_or_language_gives_another_etag(client):
    tags = [
        etag_of(client, SELECT, Accept="application/sparql-results+json"),
        etag_of(client, SELECT, Accept="text/csv"),
        etag_of(client, ASK, Accept="application/sparql-results+json"),
        etag_of(client, SELECT + "&format=csv", Accept="application/sparql-results+json"),
        etag_of(client, SELECT, **{"Accept": "application/sparql-results+json", "Accept-Language": "es"}),
    ]
    assert None not in tags and len(set(tags)) == len(tags)


def test_another_public_root_gives_another_etag(shipped_store):
    by_setting = create_app(Settings(public_url="https://example.org/kg/"), shipped_store).test_client()
    by_request = create_app(Settings(), shipped_store).test_client()
    tags = {etag_of(by_setting, ASK), etag_of(by_request, ASK),
            etag_of(by_request, ASK, Host="mirror.example")}
    assert len(tags) == 3


def test_another_store_gives_another_etag(client):
    with_extra = create_app(Settings(), EmbeddedStore.in_memory([EXTRA])).test_client()
    assert etag_of(with_extra, ASK) != etag_of(client, ASK)
    # … so a tag from the old store is no match: the new answer is sent in full.
    response = with_extra.get(ASK, headers={"If-None-Match": etag_of(client, ASK)})
    assert response.status_code == 200


# -- never cached ------------------------------------------------------------------------------------

def test_a_post_answer_has_no_validators(client):
    response = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Cache-Control" not in response.headers


@pytest.mark.parametrize("path", ["/sparql?query=SELEC", "/api/queries/no-such-query",
                                  "/api/queries/guiding-principles?limit=0"])
def test_errors_are_never_stored(client, path):
    response = client.get(path, headers={"If-None-Match": "*"})
    assert 400 <= response.status_code < 500
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


@pytest.mark.parametrize("error", [QueryTimeout("past the time limit"), QueryMemoryExceeded("past the budget")])
def test_a_503_at_the_time_or_memory_limit_is_never_stored(error):
    response = error_response(error, "application/json")
    assert response.status_code == 503 and response.headers["Cache-Control"] == "no-store"


def test_a_query_calling_service_gets_no_validators():
    environ = EnvironBuilder(path="/sparql", query_string={"query": "x"}).get_environ()
    fingerprint = "f" * 64
    assert caching.validators_for(environ, Settings(), fingerprint, query_text="ASK { ?s ?p ?o }") is not None
    assert caching.validators_for(
        environ, Settings(), fingerprint,
        query_text="SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }") is None
    assert caching.validators_for(environ, Settings(), None) is None


# -- a remote store: validators only with a declared data version ----------------------------------

@pytest.fixture(scope="module")
def upstream(shipped_store):
    with LiveServer(create_app(Settings(), shipped_store), quiet=True) as server:
        yield server.url


def test_an_endpoint_without_a_data_version_gets_no_validators(upstream):
    client = create_app(Settings(endpoint=upstream)).test_client()
    response = client.get(ASK, headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert "ETag" not in response.headers and "Cache-Control" not in response.headers


def test_an_endpoint_with_a_data_version_is_cached_and_another_version_changes_the_etag(upstream):
    tags = []
    for version in ("2026-11-01", "2026-11-30"):
        store = RemoteStore(upstream, data_version=version)
        client = create_app(Settings(endpoint=upstream, data_version=version), store).test_client()
        tags.append(etag_of(client, ASK))
        assert client.get(ASK, headers={"If-None-Match": tags[-1]}).status_code == 304
    assert None not in tags and tags[0] != tags[1]


# -- /api/queries -------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/queries", "/api/queries/guiding-principles"])
def test_api_answers_are_validated_and_revalidated(client, path):
    etag = etag_of(client, path)
    assert etag
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag


def test_another_api_parameter_or_format_gives_another_etag(client):
    path = "/api/queries/guiding-principles"
    tags = {etag_of(client, path), etag_of(client, path + "?limit=1"), etag_of(client, path + "?format=csv")}
    assert len(tags) == 3


# -- over real HTTP ------------------------------------------------------------------------------------

def test_revalidation_over_http(shipped_store):
    with LiveServer(create_app(Settings(cache_max_age=300), shipped_store), quiet=True) as server:
        first = requests.get(server.base + SELECT, headers=JSON, timeout=10)
        assert first.status_code == 200 and first.headers["Cache-Control"] == "max-age=300"
        again = requests.get(server.base + SELECT, headers={**JSON, "If-None-Match": first.headers["ETag"]},
                             timeout=10)
        assert again.status_code == 304 and again.content == b""
        assert again.headers["ETag"] == first.headers["ETag"]
