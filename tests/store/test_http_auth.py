"""Basic or Digest, as the server's challenge asks (gcm_kg.store.http_auth)."""

import base64

import pytest

from gcm_kg.store import http_auth
from gcm_kg.store.http_auth import AuthError, Credentials

#: The challenge of Virtuoso 7.2's /sparql-graph-crud-auth, as it sends it.
VIRTUOSO = ('Digest realm="SPARQL", domain="/sparql-graph-crud-auth", nonce="042244e02b88a2ffe07b420bc82b4167", '
            'opaque="5ebe2294ecd0e0f08eab7690d2a6ee69", stale="false", qop="auth", algorithm="MD5"')


def test_basic_until_a_challenge_asks_for_digest():
    credentials = Credentials("dba", "s3cret")
    assert credentials.header("PUT", "/x") == {
        "Authorization": "Basic " + base64.b64encode(b"dba:s3cret").decode()}
    credentials.answer([VIRTUOSO])
    header = credentials.header("PUT", "/sparql-graph-crud-auth?graph=g")["Authorization"]
    assert header.startswith('Digest username="dba", realm="SPARQL", nonce="042244e02b88a2ffe07b420bc82b4167"')
    assert 'uri="/sparql-graph-crud-auth?graph=g"' in header and 'opaque="5ebe2294ecd0e0f08eab7690d2a6ee69"' in header
    assert "nc=00000001" in header
    assert "nc=00000002" in credentials.header("PUT", "/y")["Authorization"]  # RFC 7616 §3.4: counted


def test_digest_response_is_rfc_7616_s_example():
    # RFC 7616 §3.9.1, MD5 (the example's values; its cnonce is fixed here)
    challenge = {"realm": "http-auth@example.org", "qop": "auth, auth-int", "algorithm": "MD5",
                 "nonce": "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
                 "opaque": "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"}
    header = http_auth._digest_header(challenge, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1,
                                      cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
    assert 'response="8ca523f5e9506fed4657c9700eebdbec"' in header


def test_a_basic_challenge_keeps_basic():
    credentials = Credentials("u", "p")
    credentials.answer(['Basic realm="fuseki"'])
    assert credentials.scheme == "basic"


@pytest.mark.parametrize("challenge", ['Bearer realm="x"', 'Digest realm="x", nonce="n", algorithm="SHA-512-256"'])
def test_a_challenge_we_cannot_answer_is_a_clear_error(challenge):
    with pytest.raises(AuthError):
        Credentials("u", "p").answer([challenge])
