"""Content negotiation (RFC 9110 §12.5.1): the Accept cases of Oxigraph's server tests, and ours.

The table runs through ``/sparql`` of a real app (Flask ``test_client()``, a real pyoxigraph store),
once by the WSGI fast path and once by the Flask view (a request with ``Origin`` takes that one),
so both answer the same; the rules themselves are also checked on :mod:`gcm_kg.core.negotiation`.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.core.negotiation import add_vary, negotiate, parse_accept, prefers_html, quality
from gcm_kg.core.settings import Settings
from gcm_kg.rdf import formats
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app

SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
ASK = "ASK { ?s ?p ?o }"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
JSON, XML = "application/sparql-results+json", "application/sparql-results+xml"
CSV, TSV = "text/csv", "text/tab-separated-values"
NOT_ACCEPTABLE = 406

#: (query, Accept, the media type answered or 406). The first block is Oxigraph's server tests
#: (``get_query_accept_*``), in their order.
CASES = [
    (SELECT, "*/*", JSON),                                                                  # accept_star
    (SELECT, "text/*", CSV),                                                                # accept_substar
    (SELECT, "*/*;q=1, application/sparql-results+json;q=0, text/csv;q=0.5", XML),         # specific_exclusion
    (SELECT, "text/*, text/csv;q=0", TSV),                                                  # wildcard_exclusion
    (SELECT, "text/csv;charset=utf-8;q=0, text/csv;q=1, text/tab-separated-values;q=0.5", TSV),  # parameter_specificity
    (SELECT, "text/csv;header=absent;q=0, text/csv;q=1", CSV),                              # non_matching_parameter
    (SELECT, "text/csv;charset=iso-8859-1;q=0, text/csv;q=1, application/sparql-results+json;q=0.5", CSV),
    (SELECT, "application/sparql-results+json;charset=utf-8", JSON),                        # accept_good
    (SELECT, "application/foo", NOT_ACCEPTABLE),                                            # accept_bad
    # Oxigraph also reads text/json as JSON; this service writes application/json instead.
    (SELECT, "text/foo;q=0.5 , application/json ; q = 0.7", "application/json"),           # explicit_priority
    (SELECT, "application/json,text/foo", "application/json"),                              # implicit_priority
    (SELECT, "text/foo;q=0.9,text/csv", CSV),                                               # implicit_and_explicit
    (CONSTRUCT, "text/*", "text/turtle"),                                                   # store_accept_substar
    # Oxigraph writes the streaming JSON-LD profile; we write none, so that range matches nothing here.
    (CONSTRUCT, "application/ld+json;profile=http://www.w3.org/ns/json-ld#streaming, text/turtle;q=0.5",
     "text/turtle"),
    # ... and ours: no Accept, q-values, wildcards, parameters, charset, case, per query form.
    (SELECT, None, JSON),
    (SELECT, "TEXT/CSV", CSV),
    (SELECT, "text/csv;charset=UTF-8", CSV),
    (SELECT, "text/csv;charset=utf8", CSV),
    (SELECT, "text/csv;charset=iso-8859-1", NOT_ACCEPTABLE),
    (SELECT, "text/csv;header=present", NOT_ACCEPTABLE),
    (SELECT, "*/*;charset=utf-16", NOT_ACCEPTABLE),
    (SELECT, "text/csv;q=0.5;header=absent, text/tab-separated-values;q=0.4", CSV),  # after q: not the range's
    (SELECT, "text/csv;q=0.5, application/sparql-results+xml", XML),
    (SELECT, "*/*;q=0.1, text/tab-separated-values", TSV),
    (SELECT, "text/*;q=0.1, text/csv", CSV),
    (SELECT, "application/sparql-results+json;q=0", NOT_ACCEPTABLE),
    (SELECT, "application/*;q=0.3, text/*;q=0.2", JSON),
    (SELECT, "not a media type, text/csv", CSV),
    (SELECT, "text/csv;q=high", CSV),
    (ASK, "*/*", JSON),
    (ASK, XML, XML),
    (ASK, "text/csv", NOT_ACCEPTABLE),   # CSV and TSV cannot carry a boolean (SPARQL 1.1 CSV/TSV §1)
    (ASK, "text/*", NOT_ACCEPTABLE),
    (ASK, "text/csv, application/sparql-results+xml;q=0.1", XML),
    (CONSTRUCT, None, "text/turtle"),
    (CONSTRUCT, "*/*", "text/turtle"),
    (CONSTRUCT, "application/ld+json", "application/ld+json"),
    (CONSTRUCT, "application/n-triples;q=0.5, application/rdf+xml", "application/rdf+xml"),
    (CONSTRUCT, "application/*;q=0.5, text/turtle;q=0.1", "application/n-triples"),
    (CONSTRUCT, "text/turtle;charset=utf-8", "text/turtle"),
    (CONSTRUCT, "application/sparql-results+json", NOT_ACCEPTABLE),
]


@pytest.fixture(scope="module")
def client():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.com/s"), ox.NamedNode("http://example.com/p"),
                      ox.NamedNode("http://example.com/o"), ox.NamedNode("http://example.com/g")))
    return create_app(Settings(), EmbeddedStore(store)).test_client()


def _ask(client, query: str, accept: str | None, *, by_flask_view: bool):
    headers = {"Accept": accept} if accept is not None else {}
    if by_flask_view:
        headers["Origin"] = "https://elsewhere.example"  # the fast path leaves cross-origin requests to Flask
    return client.get("/sparql", query_string={"query": query}, headers=headers)


@pytest.mark.parametrize("by_flask_view", [False, True], ids=["fast-path", "flask-view"])
@pytest.mark.parametrize("query, accept, expected", CASES)
def test_sparql_answers_the_negotiated_format(client, query, accept, expected, by_flask_view):
    response = _ask(client, query, accept, by_flask_view=by_flask_view)
    assert "Accept" in [v.strip() for v in response.headers["Vary"].split(",")]
    if expected == NOT_ACCEPTABLE:
        assert response.status_code == 406, response.get_data(as_text=True)
        return
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == expected


def test_the_reported_case_answers_csv(client):
    """RFC 9110 §12.5.1: ``text/csv;header=absent`` excludes only CSV *with* that parameter."""
    response = _ask(client, SELECT, "text/csv;header=absent;q=0, text/csv;q=1", by_flask_view=False)
    assert response.status_code == 200
    assert response.get_data(as_text=True).splitlines()[0] == "s,p,o"


# -- the rules, on the functions ------------------------------------------------------------------

def test_the_most_specific_range_gives_the_q_value_whatever_the_order():
    for header in ("text/csv;q=1, text/csv;charset=utf-8;q=0", "text/csv;charset=utf-8;q=0, text/csv;q=1"):
        assert quality("text/csv", parse_accept(header)) == 0.0
    assert quality("text/csv", parse_accept("text/*;q=0.2, */*;q=0.9")) == 0.2


def test_offered_parameters_take_part_in_matching():
    assert negotiate("text/csv;header=present", ["text/csv", "text/csv;header=present"]) == "text/csv;header=present"
    assert negotiate("text/csv;header=absent", ["text/csv;header=present"]) is None


def test_ties_keep_the_server_order_but_never_go_to_html():
    assert negotiate("*/*", [CSV, TSV]) == CSV
    assert negotiate("*/*", ["text/html", "application/json"]) == "application/json"
    assert negotiate("text/html, application/json", ["text/html", "application/json"]) == "application/json"
    assert negotiate("text/html, application/json;q=0.9", ["application/json", "text/html"]) == "text/html"


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("accept, alternatives, expected", [
    (BROWSER, list(formats.RESULTS_FORMATS), True),
    (BROWSER, list(formats.GRAPH_FORMATS), True),
    (None, ["application/json"], False),
    ("*/*", ["application/json"], False),
    ("text/html, application/json", ["application/json"], False),            # a tie goes to the data
    ("text/html;q=0.5, application/json;q=0.1", ["application/json"], True),
    ("text/html;q=0.5, text/csv", ["application/json", "text/csv"], False),  # every alternative counts
    ("text/*", ["application/json"], True),                                  # no "html" in it, still HTML
    ("text/*", ["application/json", "text/csv"], False),
    ("application/xhtml+xml", ["text/turtle"], True),
    ("text/html;q=0", ["application/json"], False),
    ("text/html", ["text/html", "application/json"], True),                  # HTML among the alternatives
])
def test_prefers_html_is_one_rule(accept, alternatives, expected):
    assert prefers_html(accept, alternatives) is expected


def test_add_vary_adds_once_and_keeps_what_is_there():
    headers: dict[str, str] = {}
    add_vary(headers, "Accept")
    add_vary(headers, "accept")
    assert headers["Vary"] == "Accept"
    add_vary(headers, "Origin")
    assert headers["Vary"] == "Accept, Origin"
    star = {"Vary": "*"}
    add_vary(star, "Accept")
    assert star["Vary"] == "*"
