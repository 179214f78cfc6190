"""One error model: each condition gives the same status, headers and problem on every route.

Real apps over real stores, in process (Flask ``test_client()``): the shipped graph in pyoxigraph;
a query process (:class:`~gcm_kg.store.executor.ProcessExecutor`) for the time limit; a remote
store (``--endpoint``) pointing at a closed port (down: 502) or at a socket on 127.0.0.1 that never
answers (too slow: 504). ``/sparql`` is asked twice: by the WSGI fast path and by the Flask view
(a request with ``Origin`` goes to the view).
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from gcm_kg.core.errors import Condition, Refusal
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.executor import ProcessExecutor
from gcm_kg.store.remote import RemoteStore
from gcm_kg.web.app import create_app
from gcm_kg.web.errors import PROBLEM_TYPE_BASE, PROBLEM_TYPES, RETRY_AFTER, problem

from ..protocol.conftest import closed_port, protocol_store

PROBLEM = "application/problem+json"
#: A client that wants problems as JSON and takes any format of data.
WANTS_PROBLEM_JSON = f"{PROBLEM}, */*;q=0.1"
MALFORMED_TURTLE = Path(__file__).parents[1] / "fixtures" / "rdf" / "malformed-unterminated-literal.ttl"
MAX_BODY = 2_000
SELECT = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?p ?y . ?c ?p ?z . ?d ?p ?w }"
CANNED = "/api/queries/round-table-objectives"
FAST, VIEW = {}, {"Origin": "https://elsewhere.example"}  # the fast path leaves cross-origin requests to Flask

#: What a client may rely on, per condition: status, and headers with their exact value (None:
#: present, value not fixed). Written out here, not read from the table, so a change shows.
EXPECTED: dict[Condition, tuple[int, dict[str, str | None]]] = {
    Condition.BAD_REQUEST: (400, {}),
    Condition.INVALID_PARAMETER: (400, {}),
    Condition.SPARQL_SYNTAX: (400, {}),
    Condition.RDF_SYNTAX: (400, {}),
    Condition.SEARCH_SYNTAX: (400, {}),
    Condition.QUERY_TOO_COMPLEX: (400, {}),
    Condition.READ_ONLY: (403, {}),
    Condition.SERVICE_NOT_ALLOWED: (403, {}),
    Condition.NOT_FOUND: (404, {}),
    Condition.METHOD_NOT_ALLOWED: (405, {"Allow": None}),
    Condition.NOT_ACCEPTABLE: (406, {}),
    Condition.CONTENT_TOO_LARGE: (413, {}),
    Condition.UNSUPPORTED_MEDIA_TYPE: (415, {"Accept-Post": None}),
    Condition.QUERY_FAILED: (500, {}),
    Condition.CANNED_QUERY_BROKEN: (500, {}),
    Condition.INTERNAL: (500, {}),
    Condition.UPSTREAM_FAILED: (502, {}),
    Condition.QUERY_TIMEOUT: (503, {"Retry-After": "5"}),
    Condition.QUERY_MEMORY: (503, {"Retry-After": "5"}),
    Condition.NOT_READY: (503, {"Retry-After": "5", "Cache-Control": "no-store"}),
    Condition.UPSTREAM_TIMEOUT: (504, {"Retry-After": "5"}),
}


def expect_problem(response, condition: Condition) -> dict:
    """Check ``response`` is ``condition``'s problem; return its body."""
    status, headers = EXPECTED[condition]
    text = response.get_data(as_text=True)
    assert response.status_code == status, text
    assert response.mimetype == PROBLEM, text
    assert "Accept" in [v.strip() for v in response.headers.get("Vary", "").split(",")]
    for name, value in headers.items():
        assert response.headers.get(name), (name, dict(response.headers))
        if value is not None:
            assert response.headers[name] == value, name
    body = response.get_json()
    kind = PROBLEM_TYPES[condition]
    assert body["status"] == status and body["title"] == kind.title and body["detail"]
    assert body["type"] == (PROBLEM_TYPE_BASE + condition.value if kind.own_type else "about:blank")
    return body


def same_problem(responses) -> None:
    """Every response of one condition is the same problem: type, title, status, the same members
    (their values are the occurrence's) and the same headers."""
    def shape(response):
        body = response.get_json()
        members = {k: body[k] for k in ("type", "title", "status")}, sorted(set(body) - {"instance"})
        headers = {k: response.headers.get(k) for k in ("Retry-After", "Cache-Control", "Vary", "Content-Type")}
        return response.status_code, members, headers
    first, *others = [shape(r) for r in responses]
    for other in others:
        assert other == first


# -- apps over real stores ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    """The shipped graph in pyoxigraph; SERVICE allowed to one dead endpoint (a query that fails)."""
    app = create_app(Settings(max_body_bytes=MAX_BODY, extra={"validate_max_bytes": MAX_BODY},
                              allow_service=(DEAD_SERVICE,)), EmbeddedStore.in_memory())

    @app.get("/test-only/a-bug")
    def a_bug():
        raise RuntimeError("a secret the client must not see")

    return app.test_client()


DEAD_SERVICE = f"http://127.0.0.1:{closed_port()}/sparql"


@pytest.fixture(scope="module")
def runaway():
    """Queries run in a query process with a 0.5 s limit over a graph that makes RUNAWAY run for hours."""
    executor = ProcessExecutor(EmbeddedStore(protocol_store()), timeout=0.5, max_rows=50)
    yield create_app(Settings(timeout=0.5), executor).test_client()
    executor.close()


@pytest.fixture(scope="module")
def upstream_down():
    store = RemoteStore(f"http://127.0.0.1:{closed_port()}/query", timeout=5)
    yield create_app(Settings(timeout=5), store).test_client()
    store.close()


@pytest.fixture(scope="module")
def upstream_silent():
    """A SPARQL endpoint that takes every connection and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(64)
        store = RemoteStore(f"http://127.0.0.1:{listener.getsockname()[1]}/query", timeout=0.3)
        yield create_app(Settings(timeout=0.3), store).test_client()
        store.close()


def get_problem(client, path, headers=None, **kw):
    return client.get(path, headers={"Accept": WANTS_PROBLEM_JSON, **(headers or {})}, **kw)


def sparql(client, query, headers, **params):
    return get_problem(client, "/sparql", headers, query_string={"query": query, **params})


# -- the table ------------------------------------------------------------------------------------

def test_every_condition_has_one_problem_type():
    assert set(PROBLEM_TYPES) == set(Condition) == set(EXPECTED)
    for condition, (status, _) in EXPECTED.items():
        assert PROBLEM_TYPES[condition].status == status, condition


def test_retry_after_on_every_503_and_504():
    for condition, kind in PROBLEM_TYPES.items():
        if kind.status in (503, 504):
            assert problem(Refusal(condition, "x")).headers["Retry-After"] == str(RETRY_AFTER), condition


def test_header_members_become_headers_not_body_members():
    allowed = problem(Refusal.method_not_allowed("no", ["GET", "HEAD"]))
    assert allowed.headers == {"Allow": "GET, HEAD"} and "allow" not in allowed.body()
    refused = problem(Refusal.not_acceptable("no", ["text/csv"]))
    assert refused.body()["offered"] == ["text/csv"] and refused.headers == {}


# -- each condition on each route that can raise it ----------------------------------------------

def test_not_found(shipped):
    responses = [get_problem(shipped, path) for path in (
        "/api/queries/no-such-query", "/doc/objective/99", "/id/objective/99", "/list/nothing",
        "/download/other.nt", "/ontology.pdf", "/no/such/route")]
    for response in responses:
        expect_problem(response, Condition.NOT_FOUND)
    same_problem(responses)


def test_method_not_allowed_says_allow(shipped):
    put_sparql = shipped.put("/sparql", headers={"Accept": PROBLEM})
    assert expect_problem(put_sparql, Condition.METHOD_NOT_ALLOWED)
    assert put_sparql.headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    for path in ("/api/queries", "/validate", "/health"):
        response = shipped.delete(path, headers={"Accept": PROBLEM})
        expect_problem(response, Condition.METHOD_NOT_ALLOWED)
        assert "GET" in response.headers["Allow"] and "DELETE" not in response.headers["Allow"]


def test_not_acceptable_lists_what_is_offered(shipped):
    accept = {"Accept": "application/foo, application/problem+json;q=0.1"}
    responses = [
        sparql(shipped, SELECT, {**accept, **FAST}),
        sparql(shipped, SELECT, {**accept, **VIEW}),
        shipped.get("/sparql", headers=accept),  # the Service Description
        shipped.get(CANNED, headers=accept),
        shipped.get("/.well-known/sparql-examples", headers=accept),
        shipped.post("/validate", data="<a:b> <c:d> <e:f> .", content_type="text/turtle", headers=accept),
    ]
    for response in responses:
        assert expect_problem(response, Condition.NOT_ACCEPTABLE)["offered"]
    same_problem(responses)
    assert responses[0].get_json() == responses[1].get_json()


def test_content_too_large(shipped):
    big = "ASK {}" + " " * MAX_BODY
    responses = [
        shipped.post("/sparql", data=big, content_type="application/sparql-query", headers={"Accept": PROBLEM}),
        shipped.post("/validate", data=big, content_type="text/turtle", headers={"Accept": PROBLEM}),
    ]
    for response in responses:
        expect_problem(response, Condition.CONTENT_TOO_LARGE)
    same_problem(responses)


def test_unsupported_media_type_says_accept_post(shipped):
    for headers in (FAST, VIEW):
        response = shipped.post("/sparql", data="ASK {}", content_type="text/plain",
                                headers={"Accept": PROBLEM, **headers})
        expect_problem(response, Condition.UNSUPPORTED_MEDIA_TYPE)
        assert response.headers["Accept-Post"] == "application/sparql-query, application/x-www-form-urlencoded"
    response = shipped.post("/validate", data=b"%PDF", content_type="application/pdf", headers={"Accept": PROBLEM})
    expect_problem(response, Condition.UNSUPPORTED_MEDIA_TYPE)
    assert "text/turtle" in response.headers["Accept-Post"]


def test_bad_request(shipped):
    responses = [
        get_problem(shipped, "/sparql", FAST, query_string=[("query", "ASK {}"), ("query", "ASK {}")]),
        get_problem(shipped, "/sparql", VIEW, query_string=[("query", "ASK {}"), ("query", "ASK {}")]),
        shipped.post("/validate", data="  ", content_type="text/turtle", headers={"Accept": PROBLEM}),
    ]
    for response in responses:
        expect_problem(response, Condition.BAD_REQUEST)
    same_problem(responses)


def test_invalid_parameter_names_it(shipped):
    cases = [(CANNED + "?limit=many", "limit"), (CANNED + "?format=pdf", "format"),
             ("/api/queries/events-on-date?date=yesterday", "date"), ("/doc/objective/9?format=pdf", "format"),
             ("/id/objective/9?format=pdf", "format")]
    responses = [get_problem(shipped, path) for path, _ in cases]
    for response, (_, parameter) in zip(responses, cases):
        assert expect_problem(response, Condition.INVALID_PARAMETER)["parameter"] == parameter
    same_problem(responses)


def test_syntax_errors_point_at_line_and_column(shipped):
    for headers in (FAST, VIEW):
        body = expect_problem(sparql(shipped, "SELECT * WHERE {\n  ?s ?p \n}", headers), Condition.SPARQL_SYNTAX)
        assert body["line"] == 3 and body["column"] >= 1
    posted = MALFORMED_TURTLE.read_bytes()
    response = shipped.post("/validate", data=posted, content_type="text/turtle", headers={"Accept": PROBLEM})
    body = expect_problem(response, Condition.RDF_SYNTAX)
    assert body["line"] == 3 and f"line {body['line']}" in body["detail"]


@pytest.mark.parametrize("condition, query, params", [
    (Condition.READ_ONLY, None, {"update": "CLEAR ALL"}),
    (Condition.SERVICE_NOT_ALLOWED, "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", {}),
    (Condition.QUERY_TOO_COMPLEX, "ASK " + "{" * 300 + "}" * 300, {}),
    (Condition.QUERY_FAILED, f"SELECT * {{ SERVICE <{DEAD_SERVICE}> {{ ?s ?p ?o }} }}", {}),
])
def test_query_refusals_are_the_same_by_both_paths(shipped, condition, query, params):
    responses = []
    for headers in (FAST, VIEW):
        query_string = {**({"query": query} if query else {}), **params}
        responses.append(get_problem(shipped, "/sparql", headers, query_string=query_string))
        expect_problem(responses[-1], condition)
    assert responses[0].get_json() == responses[1].get_json()
    same_problem(responses)


def test_query_timeout_has_retry_after(runaway):
    responses = [sparql(runaway, RUNAWAY, headers) for headers in (FAST, VIEW)]
    for response in responses:
        assert "time limit" in expect_problem(response, Condition.QUERY_TIMEOUT)["detail"]
    same_problem(responses)


def test_upstream_down_is_502_on_every_route_and_not_ready(upstream_down):
    responses = [sparql(upstream_down, "ASK {}", FAST), sparql(upstream_down, "ASK {}", VIEW),
                 get_problem(upstream_down, CANNED), get_problem(upstream_down, "/id/objective/9"),
                 get_problem(upstream_down, "/doc/objective/9")]
    for response in responses:
        expect_problem(response, Condition.UPSTREAM_FAILED)
    same_problem(responses)
    expect_problem(get_problem(upstream_down, "/ready"), Condition.NOT_READY)


def test_upstream_timeout_is_504_with_retry_after_on_every_route(upstream_silent):
    responses = [sparql(upstream_silent, "ASK {}", FAST), sparql(upstream_silent, "ASK {}", VIEW),
                 get_problem(upstream_silent, CANNED), get_problem(upstream_silent, "/doc/objective/9")]
    for response in responses:
        expect_problem(response, Condition.UPSTREAM_TIMEOUT)
    same_problem(responses)


def test_a_bug_is_a_500_problem_without_its_message(shipped):
    response = get_problem(shipped, "/test-only/a-bug")
    expect_problem(response, Condition.INTERNAL)
    assert "secret" not in response.get_data(as_text=True)


# -- one problem, three formats --------------------------------------------------------------------

@pytest.mark.parametrize("accept, media_type", [
    (PROBLEM, PROBLEM), ("application/json", PROBLEM), (None, PROBLEM), ("*/*", PROBLEM),
    ("text/plain", "text/plain"), ("text/html", "text/html"), ("image/png", "text/plain"),
])
def test_problem_formats(shipped, accept, media_type):
    headers = {"Accept": accept} if accept else {}
    response = shipped.get("/api/queries/no-such-query", headers=headers)
    assert response.status_code == 404 and response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    text = response.get_data(as_text=True)
    if media_type == PROBLEM:
        assert response.get_json()["title"] == "Not Found"
    elif media_type == "text/plain":
        assert text.startswith("404 Not Found: no canned query named 'no-such-query'")
    else:
        assert "<h1>404 Not Found</h1>" in text and "no-such-query" in text


def test_a_browser_posting_the_form_gets_the_page_with_the_problem(shipped):
    response = shipped.post("/validate", data={"data": "<a> <b> \"oops .", "format": "turtle"},
                            headers={"Accept": "text/html"})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "400: the text/turtle body does not parse: line 1" in response.get_data(as_text=True)
