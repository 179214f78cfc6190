"""POST /validate: the SHACL report of posted RDF, with clear errors for bad input."""

from __future__ import annotations

import rdflib

PREFIXES = """@prefix gcm: <https://w3id.org/gcm-kg/id/> .
@prefix gcmo: <https://w3id.org/gcm-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix schema: <https://schema.org/> .
"""
INVALID = PREFIXES + """
<https://w3id.org/gcm-kg/id/objective/24> a gcmo:Objective ;
    skos:prefLabel "Fortalecer la respuesta transnacional"@es ;
    schema:position 24 .
"""


VALID = """@prefix schema: <https://schema.org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
@prefix dct: <http://purl.org/dc/terms/> .
<https://w3id.org/gcm-kg/id/organization/example-ngo> a schema:Organization , org:Organization ;
    schema:name "Example NGO"@en ;
    prov:wasDerivedFrom <https://w3id.org/gcm-kg/id/passage/example-ngo> .
<https://w3id.org/gcm-kg/id/passage/example-ngo> a oa:SpecificResource ;
    oa:hasSource <https://w3id.org/gcm-kg/id/document/lac-2021-rt3-background-paper> ;
    dct:isPartOf <https://w3id.org/gcm-kg/id/section/lac-2021-rt3-5> ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "Example NGO" ] .
"""


def test_valid_data_conforms(ld_server, http):
    r = http.post(ld_server + "/validate", data=VALID.encode(),
                  headers={"Content-Type": "text/turtle", "Accept": "application/json"})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["conforms"] is True


def test_invalid_data_gets_a_report_in_turtle_json_and_html(ld_server, http):
    r = http.post(ld_server + "/validate", data=INVALID.encode(), headers={"Content-Type": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    report = next(g.subjects(rdflib.RDF.type, sh.ValidationReport))
    assert g.value(report, sh.conforms).toPython() is False
    assert any(True for _ in g.objects(report, sh.result))
    # the same RDF as N-Triples, report as HTML
    nt = rdflib.Graph().parse(data=INVALID, format="turtle").serialize(format="nt")
    page = http.post(ld_server + "/validate", data=nt.encode(),
                     headers={"Content-Type": "application/n-triples", "Accept": "text/html"})
    assert page.status_code == 200 and "objective/24" in page.text and "Violation" in page.text
    # and as JSON-LD and RDF/XML
    for fmt, ctype in (("json-ld", "application/ld+json"), ("xml", "application/rdf+xml")):
        body = rdflib.Graph().parse(data=INVALID, format="turtle").serialize(format=fmt)
        r = http.post(ld_server + "/validate", data=body.encode(),
                      headers={"Content-Type": ctype, "Accept": "application/json"})
        assert r.status_code == 200 and r.json()["conforms"] is False, ctype


def test_unparsable_input_is_400_with_line_and_column(ld_server, http):
    bad = PREFIXES + "\ngcm:objective\\/9 skos:prefLabel \"unterminated ;\n"
    r = http.post(ld_server + "/validate", data=bad.encode(),
                  headers={"Content-Type": "text/turtle", "Accept": "application/problem+json"})
    assert r.status_code == 400
    problem = r.json()
    assert problem["line"] in (6, 7) and isinstance(problem["column"], int)
    assert f"line {problem['line']}" in problem["detail"]


def test_oversize_unknown_type_and_empty(ld_server, http):
    big = PREFIXES + "# " + "x" * 250_000 + "\n"
    r = http.post(ld_server + "/validate", data=big.encode(),
                  headers={"Content-Type": "text/turtle", "Accept": "application/problem+json"})
    assert r.status_code == 413
    r = http.post(ld_server + "/validate", data=b"%PDF-1.4",
                  headers={"Content-Type": "application/pdf", "Accept": "application/problem+json"})
    assert r.status_code == 415 and "text/turtle" in r.json()["detail"]
    r = http.post(ld_server + "/validate", data=b"  ", headers={"Content-Type": "text/turtle"})
    assert r.status_code == 400


def test_the_form(ld_server, http):
    page = http.get(ld_server + "/validate")
    assert page.status_code == 200 and "<form" in page.text and "<textarea" in page.text
    r = http.post(ld_server + "/validate", data={"data": INVALID, "format": "turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "does not conform" in r.text
