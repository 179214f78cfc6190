"""Hostile SPARQL text: every malformed, oversized or absurd query gets a 4xx that says why, and the
query process that met it is alive (or replaced) — the next query is answered."""

from __future__ import annotations

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from .conftest import CLIENT_TIMEOUT, PROBLEM, SPARQL_JSON, ask, is_problem

from gcm_kg.services import protocol

CRASH_SIZE = 20_000  # far beyond what the engine's stack survives (see protocol.MAX_OPERATORS)


def post(url: str, body: bytes, content_type: str = "application/sparql-query", accept: str = PROBLEM):
    return requests.post(url, data=body, headers={"Content-Type": content_type, "Accept": accept},
                         timeout=CLIENT_TIMEOUT)


HOSTILE_BODIES = {
    "empty body": b"",
    "whitespace only": b" \n\t ",
    "random garbage": b"%$#@! ]]]{{ SELECT ??? WHERE ((( ",
    "unbalanced braces": b"SELECT * WHERE { { ?s ?p ?o }",
    "closing braces only": b"SELECT * WHERE }}}}",
    "non-UTF-8 bytes": b"SELECT * WHERE { ?s ?p \xff\xfe\xc0\xaf }",
    "overlong UTF-8 encoding": b"SELECT * WHERE { ?s ?p \"\xc0\xbc\" }",
    "UTF-8 encoded surrogate": b"SELECT * WHERE { ?s ?p \"\xed\xa0\x80\" }",
    "NUL byte in the query": b"SELECT * WHERE { ?s ?p ?o \x00 }",
    "NUL bytes only": b"\x00" * 64,
    "a query of 1 MB that is not SPARQL": b"SELECT " + b"?" * 999_000,
    "thousands of nested groups": b"SELECT * " + b"{" * 5000 + b" ?s ?p ?o " + b"}" * 5000,
    "thousands of nested brackets": b"ASK { FILTER(" + b"(" * 5000 + b"1" + b")" * 5000 + b") }",
    "thousands of nested sub-selects": b"SELECT * " + b"{ SELECT * " * 2000 + b"{}" + b"}" * 2000,
    "tens of thousands of UNIONs": b"SELECT * { " + b" UNION ".join([b"{ ?s ?p ?o }"] * CRASH_SIZE) + b" }",
    "tens of thousands of MINUS": b"SELECT * { ?s ?p ?o " + b" MINUS { ?s ?p ?o }" * CRASH_SIZE + b" }",
    "tens of thousands of BINDs": ("SELECT * { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(CRASH_SIZE))
                                   + " }").encode(),
    "a chain of tens of thousands of +": b"SELECT (" + b" + ".join([b"1"] * CRASH_SIZE) + b" AS ?x) {}",
    "a chain of tens of thousands of &&": b"ASK { FILTER(" + b" && ".join([b"true"] * CRASH_SIZE) + b") }",
    "a property path of thousands of steps": b"ASK { ?s " + b"/".join([b"<http://x/p>"] * 5000) + b" ?o }",
    "an absurd LIMIT": b"SELECT * { ?s ?p ?o } LIMIT 99999999999999999999999999999999999999",
    "an absurd OFFSET": b"SELECT * { ?s ?p ?o } OFFSET 99999999999999999999999999999999999999",
    "a negative LIMIT": b"SELECT * { ?s ?p ?o } LIMIT -1",
    "an absurd prefix": b"PREFIX " + b"p" * 100_000 + b": <http://x/> SELECT * {}",
    "an unterminated huge literal": b"SELECT * { ?s ?p \"" + b"x" * 900_000 + b" }",
    "an unterminated IRI": b"SELECT * { ?s ?p <http://example.org/" + b"x" * 100_000 + b" }",
    "an update smuggled as a query": b"DELETE WHERE { ?s ?p ?o }",
    "two queries in one": b"ASK {} ASK {}",
    "a lone surrogate escape": b"SELECT * { ?s ?p \"\\uD800\" }",
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_hostile_query_body_gets_a_4xx_with_a_message_and_the_next_query_works(live, name):
    response = post(live.url, HOSTILE_BODIES[name])
    assert is_problem(response), (response.status_code, response.text[:300])
    assert ask(live.url) is True


@pytest.mark.parametrize("name", ["random garbage", "NUL byte in the query", "non-UTF-8 bytes",
                                  "thousands of nested groups", "tens of thousands of UNIONs"])
def test_hostile_query_as_form_and_get_is_4xx_too(live, name):
    from urllib.parse import quote_from_bytes

    encoded = b"query=" + quote_from_bytes(HOSTILE_BODIES[name]).encode()
    assert is_problem(post(live.url, encoded, "application/x-www-form-urlencoded"))
    if len(encoded) < 8000:
        response = requests.get(live.url + "?" + encoded.decode(), headers={"Accept": PROBLEM}, timeout=CLIENT_TIMEOUT)
        assert is_problem(response), (response.status_code, response.text[:300])
    assert ask(live.url) is True


def test_the_request_body_cap_answers_413_not_a_crash(live):
    body = b"SELECT * { ?s ?p \"" + b"x" * 1_100_000 + b"\" }"
    response = post(live.url, body)
    assert response.status_code == 413 and is_problem(response)
    assert ask(live.url) is True


# -- valid but absurd: answered, or cut off, never a crash --------------------------------------------

VALID_BUT_ABSURD = {
    "a huge literal (900 kB)": "ASK { FILTER(STRLEN(\"" + "x" * 900_000 + "\") > 0) }",
    "a 1e400 double": "ASK { FILTER(1e400 > 0) }",
    "a decimal of 100 000 digits": "ASK { FILTER(" + "9" * 100_000 + ".5 > 0) }",
    "an integer of 5000 digits squared": "SELECT (" + "9" * 5000 + " * " + "9" * 5000 + " AS ?x) {}",
    "integer overflow": "SELECT (9223372036854775807 + 1 AS ?x) (-9223372036854775808 - 1 AS ?y) {}",
    "division by zero": "SELECT (1/0 AS ?x) (1.0/0 AS ?y) (1e0/0 AS ?z) {}",
    "SUBSTR with absurd bounds": "SELECT (SUBSTR(\"abc\", 99999999999999999999, -99999999999999999) AS ?x) {}",
    "a regex bomb": "ASK { FILTER(REGEX(\"" + "a" * 30 + "!\", \"^(a+)+$\")) }",
    "an invalid regex": "ASK { FILTER(REGEX(\"a\", \"(((\")) }",
    "many operators just under the cap": "SELECT (" + " + ".join(["1"] * (protocol.MAX_OPERATORS - 1)) + " AS ?x) {}",
    "brackets just under the nesting cap": "ASK { FILTER(" + "(" * 200 + "true" + ")" * 200 + ") }",
}


@pytest.mark.parametrize("name", list(VALID_BUT_ABSURD))
def test_valid_but_absurd_queries_are_answered_or_cut_off_never_500(live, name):
    response = post(live.url, VALID_BUT_ABSURD[name].encode(), accept=f"{SPARQL_JSON}, {PROBLEM};q=0.5")
    assert response.status_code in (200, 400, 503), (response.status_code, response.text[:300])
    if response.status_code == 503:
        assert response.headers["Retry-After"]
    assert ask(live.url) is True


def test_too_many_operators_is_400_naming_the_cap(live):
    body = ("SELECT * { " + " UNION ".join(["{}"] * (protocol.MAX_OPERATORS + 1)) + " }").encode()
    response = post(live.url, body)
    assert response.status_code == 400
    assert str(protocol.MAX_OPERATORS) in response.json()["detail"]


def test_no_query_process_crashed_on_hostile_text(live, query_process):
    """The policy refuses what would overflow the engine's stack before it gets there."""
    crashes = query_process.stats.crashes
    for name in ("tens of thousands of UNIONs", "tens of thousands of MINUS", "tens of thousands of BINDs",
                 "a chain of tens of thousands of +", "a chain of tens of thousands of &&",
                 "thousands of nested groups"):
        assert post(live.url, HOSTILE_BODIES[name]).status_code == 400, name
    assert query_process.stats.crashes == crashes


# -- property-based: generated garbage and near-SPARQL mutations --------------------------------------

SEEDS = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?l WHERE { ?s rdfs:label ?l FILTER(LANG(?l) = \"en\") } LIMIT 3",
    "ASK { ?s a ?type OPTIONAL { ?s <http://schema.org/name> ?n } }",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY DESC(?n) LIMIT 3",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
    "DESCRIBE <https://w3id.org/gcm-kg/id/objective/1>",
    "SELECT * WHERE { VALUES ?x { 1 2 \"three\"@en } BIND(STR(?x) AS ?y) } LIMIT 3",
    "SELECT ?s WHERE { ?s <http://x/p>/<http://x/q>* ?o MINUS { ?s a ?t } } LIMIT 3",
]
TOKENS = ["{", "}", "(", ")", "[", "]", ".", ";", ",", "?", "$", "<", ">", "\"", "'", "\"\"\"", "#", "\\", "@",
          "^^", "*", "/", "|", "!", "&&", "||", "SELECT", "WHERE", "UNION", "OPTIONAL", "FILTER", "SERVICE",
          "GRAPH", "BIND", "AS", "LIMIT", "OFFSET", "INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "\x00",
          "\u0000\ufffd", "\U0001f600", "\\u0000", "1e400", "-0", "9" * 40, "<http://127.0.0.1:1/>"]


@st.composite
def near_sparql(draw) -> str:
    """A valid query with a few random edits: deletions, duplications and inserted tokens."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 12)))
        edit = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if edit == "delete":
            text = text[:i] + text[j:]
        elif edit == "duplicate":
            text = text[:j] + text[i:j] * draw(st.integers(1, 50)) + text[j:]
        else:
            token = draw(st.sampled_from(TOKENS) | st.text(min_size=1, max_size=3))
            text = text[:i] + token + (text[j:] if edit == "replace" else text[i:])
    return text


def assert_not_a_server_error(url: str, body: bytes, content_type: str = "application/sparql-query") -> None:
    response = post(url, body, content_type, accept=f"{SPARQL_JSON}, {PROBLEM};q=0.5")
    if response.status_code >= 500:
        # Only a query that parsed and then ran past the time limit may be a 5xx: a 503 timeout.
        assert response.status_code == 503 and "time limit" in response.json()["detail"], \
            (response.status_code, response.text[:500], body[:300])
    elif response.status_code >= 400:
        assert is_problem(response), (response.status_code, response.text[:300])


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@PROPERTY_SETTINGS
@given(near_sparql())
def test_mutated_queries_never_get_a_server_error(live, query):
    assert_not_a_server_error(live.url, query.encode("utf-8", "surrogatepass"))


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000))
def test_random_bytes_never_get_a_server_error(live, body):
    assert_not_a_server_error(live.url, body)


@PROPERTY_SETTINGS
@given(st.text(max_size=500))
def test_random_text_as_form_field_never_gets_a_server_error(live, text):
    from urllib.parse import quote

    assert_not_a_server_error(live.url, b"query=" + quote(text, errors="surrogatepass").encode(),
                              "application/x-www-form-urlencoded")


def test_the_endpoint_still_answers_after_the_fuzzing(live):
    assert ask(live.url) is True
