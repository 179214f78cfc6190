"""Every test of the W3C SPARQL 1.1 Protocol test suite (``sparql11/protocol/manifest.ttl``), as data.

Each case is a list of HTTP requests run in order against the endpoint; paths are relative to it
(the manifest's ``/sparql/`` prefix is replaced by the endpoint URL). Expectations use the
manifest's vocabulary: ``status`` is "2xx/3xx" or "4xx"; ``format`` is "boolean", "tabular" or
"RDF"; ``boolean`` is the expected ASK answer.

The service is read-only, so the update tests (13–19) cannot succeed as written: the suite itself
says they apply only to services that implement the update operation. Here each update request
must be refused with a 4xx, and each follow-up ASK that would prove the update happened must answer
**false** — the refusal changed nothing. The bad-update tests (28–34) expect a 4xx as written.
"""

from __future__ import annotations

from urllib.parse import quote

D = "http://kasei.us/2009/09/sparql/data/data{}.rdf"
D0, D1, D2, D3 = (D.format(n) for n in range(4))
OK, CLIENT_ERROR = "2xx/3xx", "4xx"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"


def q(value: str) -> str:
    """Percent-encode a parameter value like the manifest does (every reserved character)."""
    return quote(value, safe="")


def request(method="GET", path="", *, content_type=None, body=None, status=OK, format=None, boolean=None):
    return {"method": method, "path": path, "content_type": content_type, "body": body,
            "status": status, "format": format, "boolean": boolean}


ASK_D1_D2 = f"ASK {{ <{D1}> a ?type . <{D2}> a ?type . }}"
ASK_NAMED = f"ASK {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}"
PREFIXES = "PREFIX dc: <http://purl.org/dc/terms/>\nPREFIX foaf: <http://xmlns.com/foaf/0.1/>\n"
LOAD_3 = (f"INSERT DATA {{\n  GRAPH <{D1}> {{ <{D1}> a foaf:Document }}\n  GRAPH <{D2}> {{ <{D2}> a foaf:Document }}\n"
          f"  GRAPH <{D3}> {{ <{D3}> a foaf:Document }}\n}} ;\n")
BIB = "<http://purl.org/dc/terms/BibliographicResource>"


def _in_target_but_not_d3(target: str) -> str:
    return (f"ASK {{ GRAPH <{target}> {{ <{D1}> a {BIB} . <{D2}> a {BIB} . }}\n"
            f"  FILTER NOT EXISTS {{ GRAPH <{target}> {{ <{D3}> a {BIB} . }} }} }}")


CASES: dict[str, list[dict]] = {
    # 1
    "query_post_form": [request("POST", f"?default-graph-uri={q(D0)}", content_type=FORM,
                                body="query=ASK%20%7B%7D", format="boolean", boolean=True)],
    # 2
    "query_dataset_default_graphs_get": [request(
        "GET", f"?query={q(ASK_D1_D2)}&default-graph-uri={q(D1)}&default-graph-uri={q(D2)}",
        format="boolean", boolean=True)],
    # 3
    "query_dataset_default_graphs_post": [request(
        "POST", f"?default-graph-uri={q(D1)}&default-graph-uri={q(D2)}", content_type=QUERY, body=ASK_D1_D2,
        format="boolean", boolean=True)],
    # 4
    "query_dataset_named_graphs_post": [request(
        "POST", f"?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}", content_type=QUERY, body=ASK_NAMED,
        format="boolean", boolean=True)],
    # 5
    "query_dataset_named_graphs_get": [request(
        "GET", f"?query={q(ASK_NAMED)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}",
        format="boolean", boolean=True)],
    # 6
    "query_dataset_full": [request(
        "POST", f"?default-graph-uri={q(D3)}&named-graph-uri={q(D1)}&named-graph-uri={q(D2)}", content_type=QUERY,
        body=f"ASK {{\n  <{D3}> a ?type\n  GRAPH ?g1 {{ <{D1}> a ?type }}\n  GRAPH ?g2 {{ <{D2}> a ?type }}\n}}",
        format="boolean", boolean=True)],
    # 7: the protocol dataset overrides FROM in the query
    "query_multiple_dataset": [request(
        "POST", f"?named-graph-uri={q(D1)}&named-graph-uri={q(D2)}", content_type=QUERY,
        body=f"ASK FROM <{D3}> {{ GRAPH ?g1 {{ <{D1}> a ?type }} GRAPH ?g2 {{ <{D2}> a ?type }} }}",
        format="boolean", boolean=True)],
    # 8
    "query_get": [request("GET", f"?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", format="boolean", boolean=True)],
    # 9
    "query_content_type_select": [request("POST", f"?default-graph-uri={q(D0)}", content_type=QUERY,
                                          body="SELECT (1 AS ?value) {}", format="tabular")],
    # 10
    "query_content_type_ask": [request("POST", f"?default-graph-uri={q(D0)}", content_type=QUERY,
                                       body="ASK {}", format="boolean")],
    # 11
    "query_content_type_describe": [request("POST", f"?default-graph-uri={q(D0)}", content_type=QUERY,
                                            body="DESCRIBE <http://example.org/>", format="RDF")],
    # 12: relative IRIs resolve against the service's base IRI
    "query_content_type_construct": [request("POST", f"?default-graph-uri={q(D0)}", content_type=QUERY,
                                             body="CONSTRUCT { <s> <p> 1 } WHERE {}", format="RDF")],
    # 13 (update: refused; the ASK proves nothing was inserted)
    "update_dataset_default_graph": [
        request("POST", f"?using-graph-uri={q(D1)}", content_type=UPDATE, status=CLIENT_ERROR,
                body=PREFIXES + f"CLEAR ALL ;\nINSERT DATA {{ GRAPH <{D1}> {{ <{D1}> a foaf:Document }} }} ;\n"
                     "INSERT { GRAPH <http://example.org/protocol-update-dataset-test/> { ?s a dc:BibliographicResource } }\n"
                     "WHERE { ?s a foaf:Document }"),
        request("POST", "", content_type=QUERY, format="boolean", boolean=False,
                body=f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-test/> {{ <{D1}> a {BIB} }} }}"),
    ],
    # 14
    "update_dataset_default_graphs": [
        request("POST", f"?using-graph-uri={q(D1)}&using-graph-uri={q(D2)}", content_type=UPDATE, status=CLIENT_ERROR,
                body=PREFIXES + "DROP ALL ;\n" + LOAD_3 +
                     "INSERT { GRAPH <http://example.org/protocol-update-dataset-graphs-test/> "
                     "{ ?s a dc:BibliographicResource } }\nWHERE { ?s a foaf:Document }"),
        request("POST", "", content_type=QUERY, format="boolean", boolean=False,
                body=_in_target_but_not_d3("http://example.org/protocol-update-dataset-graphs-test/")),
    ],
    # 15
    "update_dataset_named_graphs": [
        request("POST", f"?using-named-graph-uri={q(D1)}&using-named-graph-uri={q(D2)}", content_type=UPDATE,
                status=CLIENT_ERROR,
                body=PREFIXES + "DROP ALL ;\n" + LOAD_3 +
                     "INSERT { GRAPH <http://example.org/protocol-update-dataset-named-graphs-test/> "
                     "{ ?s a dc:BibliographicResource } }\nWHERE { GRAPH ?g { ?s a foaf:Document } }"),
        request("POST", "", content_type=QUERY, format="boolean", boolean=False,
                body=_in_target_but_not_d3("http://example.org/protocol-update-dataset-named-graphs-test/")),
    ],
    # 16
    "update_dataset_full": [
        request("POST", f"?using-graph-uri={q(D1)}&using-named-graph-uri={q(D2)}", content_type=UPDATE,
                status=CLIENT_ERROR,
                body=PREFIXES + "DROP ALL ;\n" + LOAD_3 +
                     "INSERT { GRAPH <http://example.org/protocol-update-dataset-full-test/> "
                     "{ ?s <http://example.org/in> ?in } }\n"
                     "WHERE { { GRAPH ?g { ?s a foaf:Document } BIND(?g AS ?in) }\n"
                     "  UNION { ?s a foaf:Document . BIND(\"default\" AS ?in) } }"),
        request("POST", "", content_type=QUERY, format="boolean", boolean=False,
                body=f"ASK {{ GRAPH <http://example.org/protocol-update-dataset-full-test/> {{\n"
                     f"  <{D1}> <http://example.org/in> \"default\" .\n"
                     f"  <{D2}> <http://example.org/in> <{D2}> . }}\n"
                     f"  FILTER NOT EXISTS {{ GRAPH <http://example.org/protocol-update-dataset-full-test/> "
                     f"{{ <{D3}> ?p ?o }} }} }}"),
    ],
    # 17
    "update_post_form": [request("POST", "", content_type=FORM, body="update=CLEAR+ALL", status=CLIENT_ERROR)],
    # 18
    "update_post_direct": [request("POST", "", content_type=UPDATE, body="CLEAR ALL", status=CLIENT_ERROR)],
    # 19
    "update_base_uri": [
        request("POST", "", content_type=UPDATE, status=CLIENT_ERROR,
                body="CLEAR SILENT GRAPH <http://example.org/protocol-base-test/> ;\n"
                     "INSERT DATA { GRAPH <http://example.org/protocol-base-test/> "
                     "{ <http://example.org/s> <http://example.org/p> <test> } }"),
        request("POST", "", content_type=QUERY, format="boolean", boolean=False,
                body="ASK { GRAPH <http://example.org/protocol-base-test/> {\n"
                     "  <http://example.org/s> <http://example.org/p> ?o\n"
                     "  FILTER (isIRI(?o) && STR(?o) != \"test\") } }"),
    ],
    # 20
    "query_post_direct": [request("POST", "", content_type=QUERY, body="ASK {}", format="boolean", boolean=True)],
    # 21
    "bad_query_method": [request("PUT", f"?query=ASK%20%7B%7D&default-graph-uri={q(D0)}", content_type=FORM,
                                 status=CLIENT_ERROR)],
    # 22
    "bad_multiple_queries": [request("GET", "?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", status=CLIENT_ERROR)],
    # 23
    "bad_query_wrong_media_type": [request("POST", "", content_type="text/plain", body="ASK {}", status=CLIENT_ERROR)],
    # 24
    "bad_query_missing_form_type": [request("POST", "", body="query=ASK%20%7B%7D", status=CLIENT_ERROR)],
    # 25
    "bad_query_missing_direct_type": [request("POST", "", body="ASK {}", status=CLIENT_ERROR)],
    # 26
    "bad_query_non_utf8": [request("POST", "", content_type="application/sparql-query; charset=UTF-16",
                                   body="ASK {}".encode("utf-16"), status=CLIENT_ERROR)],
    # 27
    "bad_query_syntax": [request("GET", "?query=ASK%20%7B", status=CLIENT_ERROR)],
    # 28
    "bad_update_get": [request("GET", "?update=CLEAR%20ALL", status=CLIENT_ERROR)],
    # 29
    "bad_multiple_updates": [request("POST", "", content_type=FORM, body="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
                                     status=CLIENT_ERROR)],
    # 30
    "bad_update_wrong_media_type": [request("POST", "", content_type="text/plain", body="CLEAR NAMED",
                                            status=CLIENT_ERROR)],
    # 31
    "bad_update_missing_form_type": [request("POST", "", body="update=CLEAR%20NAMED", status=CLIENT_ERROR)],
    # 32
    "bad_update_non_utf8": [request("POST", "", content_type="application/sparql-update; charset=UTF-16",
                                    body="CLEAR NAMED".encode("utf-16"), status=CLIENT_ERROR)],
    # 33
    "bad_update_syntax": [request("POST", "", content_type=FORM, body="update=CLEAR%20XYZ", status=CLIENT_ERROR)],
    # 34
    "bad_update_dataset_conflict": [request(
        "POST", "?using-named-graph-uri=http%3A%2F%2Fexample%2Fpeople", content_type=UPDATE, status=CLIENT_ERROR,
        body="PREFIX foaf: <http://xmlns.com/foaf/0.1/>\nWITH <http://example/addresses>\n"
             "DELETE { ?person foaf:givenName 'Bill' }\nINSERT { ?person foaf:givenName 'William' }\n"
             "WHERE { ?person foaf:givenName 'Bill' }")],
}

#: The manifest's 34 entries, in its order.
MANIFEST_ORDER = [
    "query_post_form", "query_dataset_default_graphs_get", "query_dataset_default_graphs_post",
    "query_dataset_named_graphs_post", "query_dataset_named_graphs_get", "query_dataset_full",
    "query_multiple_dataset", "query_get", "query_content_type_select", "query_content_type_ask",
    "query_content_type_describe", "query_content_type_construct", "update_dataset_default_graph",
    "update_dataset_default_graphs", "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
    "update_post_direct", "update_base_uri", "query_post_direct", "bad_query_method", "bad_multiple_queries",
    "bad_query_wrong_media_type", "bad_query_missing_form_type", "bad_query_missing_direct_type",
    "bad_query_non_utf8", "bad_query_syntax", "bad_update_get", "bad_multiple_updates",
    "bad_update_wrong_media_type", "bad_update_missing_form_type", "bad_update_non_utf8", "bad_update_syntax",
    "bad_update_dataset_conflict",
]
assert list(CASES) == MANIFEST_ORDER and len(CASES) == 34
