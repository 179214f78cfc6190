"""Every public URL the site writes is under its one root (Flask ``test_client()``, in-process).

The root is ``--public-url`` when given (a value ending in ``/sparql`` is read as its parent);
otherwise the request's own root, with its ``SCRIPT_NAME`` prefix, and with the proxy's
``X-Forwarded-*`` headers only under ``--proxy-headers``. :func:`site_links` gathers what the site
says about itself from every place that names it: Service Description, VoID/DCAT, API listing and
snippets, OpenAPI, sitemap and robots.txt, the query page's config, ``Link``, ``Location`` and
``Content-Location`` headers and the landing page's dump links.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pyoxigraph as ox
import pytest
import requests
from werkzeug.middleware.proxy_fix import ProxyFix

from gcm_kg.core.namespaces import DCAT, RDFS, SD, VOID
from gcm_kg.core.public_urls import PublicUrlWarning
from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.web.app import create_app
from gcm_kg.web.views.protocol import FastPath

ROOT = "https://example.org/kg/"
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "proxy.example", "X-Forwarded-Prefix": "/kg"}
DUMP_COUNT = 4  # nt, ttl, jsonld, nq


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


def _objects(triples, predicate: str) -> list[str]:
    return sorted(t.object.value for t in triples if t.predicate.value == predicate)


#: Signposting relations whose targets name resources elsewhere: the persistent URI to cite (w3id),
#: the licence, the schema.org type. They are checked exactly, not as URLs of the site.
ELSEWHERE = ("cite-as", "license", "type")


def _links(header: str) -> list[str]:
    return [link["url"] for link in requests.utils.parse_header_links(header) if link.get("rel") not in ELSEWHERE]


def _links_elsewhere(header: str) -> list[tuple[str, str]]:
    return sorted((link["rel"], link["url"]) for link in requests.utils.parse_header_links(header)
                  if link.get("rel") in ELSEWHERE)


def site_links(client, **request) -> dict:
    """What the site says about its own URLs, for requests made with ``request`` (headers, base_url).

    ``absolute``: (where, URL) pairs that must be absolute; ``references``: (where, reference)
    pairs a client resolves against the URL it requested; plus the few values checked exactly.
    """
    def get(path, accept="*/*", **extra):
        headers = {"Accept": accept, **request.get("headers", {})}
        response = client.get(path, headers=headers, base_url=request.get("base_url", "http://localhost/"), **extra)
        assert response.status_code < 400, (path, response.status_code, response.text[:300])
        return response

    found = {"absolute": [], "references": []}

    sd = list(ox.parse(get("/sparql", "text/turtle").data, format=ox.RdfFormat.TURTLE))
    found["sd:endpoint"] = _objects(sd, SD + "endpoint")
    found["absolute"] += [("SD", iri) for iri in _objects(sd, SD + "endpoint") + _objects(sd, VOID + "sparqlEndpoint")
                          + _objects(sd, RDFS + "seeAlso")]

    void = list(ox.parse(get("/.well-known/void", "application/n-triples").data, format=ox.RdfFormat.N_TRIPLES))
    found["void:sparqlEndpoint"] = _objects(void, VOID + "sparqlEndpoint")
    found["void:dataDump"] = _objects(void, VOID + "dataDump")
    found["dcat:landingPage"] = _objects(void, DCAT + "landingPage")
    for predicate in (VOID + "dataDump", DCAT + "downloadURL", DCAT + "accessURL", DCAT + "endpointURL",
                      DCAT + "landingPage"):
        found["absolute"] += [("VoID", iri) for iri in _objects(void, predicate)]
    # any other IRI of the VoID document on the site's host (distribution, SHACL report…)
    found["void-iris"] = sorted({term.value for t in void for term in (t.subject, t.object)
                                 if isinstance(term, ox.NamedNode)})

    listing = get("/api/queries", "application/json").json
    found["absolute"] += [("API", listing["openapi"]), ("API", listing["examples"])]
    for entry in listing["queries"]:
        found["absolute"] += [("API", entry["url"]), ("API", entry["example"]), ("API", entry["permalink"])]
        snippets = entry["snippets"]
        found["absolute"] += [("curl", re.search(r"curl .*'(http[^']+)'", snippets["curl"]).group(1)),
                              ("python", re.search(r"SPARQLWrapper\('([^']+)'\)", snippets["python"]).group(1)),
                              ("r", re.search(r'read\.csv\("([^"]+)"', snippets["r"]).group(1)),
                              ("client", re.search(r"endpoint='([^']+)'", snippets["client"]).group(1))]
    found["snippet:python"] = listing["queries"][0]["snippets"]["python"]
    found["snippet:client"] = listing["queries"][0]["snippets"]["client"]

    found["openapi:servers"] = get("/openapi.json").json["servers"]

    locs = [e.text for e in ET.fromstring(get("/sitemap.xml").data).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    found["sitemap"] = locs
    found["absolute"] += [("sitemap", loc) for loc in locs]
    robots = dict(line.split(": ", 1) for line in get("/robots.txt").text.splitlines() if ": " in line)
    found["absolute"].append(("robots.txt", robots["Sitemap"]))
    found["references"] += [("robots.txt", robots["Disallow"])]

    page = get("/sparql", "text/html").text
    config = json.loads(re.search(r'<script type="application/json" id="gcm-config">(.*?)</script>', page, re.DOTALL).group(1))
    found["config"] = config
    found["absolute"].append(("query page", config["publicEndpoint"]))
    found["references"] += [("query page", config[k]) for k in ("endpoint", "examples", "localBase")]
    found["references"] += [("query page", src) for src in re.findall(r'(?:src|href)="([^"#]+/static/[^"]+)"', page)]

    landing = get("/", "text/html")
    found["references"] += [("landing Link", url) for url in _links(landing.headers["Link"])]
    found["landing elsewhere"] = _links_elsewhere(landing.headers["Link"])
    found["references"] += [("landing dumps", href) for href in re.findall(r'href="([^"]*download/gcm-kg[^"]*)"', landing.text)]

    document = get("/doc/objective/9", "text/turtle")
    found["references"] += [("document Link", url) for url in _links(document.headers["Link"])]
    found["document elsewhere"] = _links_elsewhere(document.headers["Link"])
    found["references"].append(("Content-Location", document.headers["Content-Location"]))

    found["303 thing"] = get("/id/objective/9", "text/turtle").headers["Location"]
    found["303 ontology"] = get("/ontology", "text/turtle").headers["Location"]
    found["references"] += [("Location", found["303 thing"]), ("Location", found["303 ontology"])]

    rows = get("/api/queries/theme-questions", "application/json", query_string={"limit": 1})
    found["absolute"] += [("API Link", url) for url in _links(rows.headers["Link"])]
    return found


def assert_all_under(root: str, found: dict) -> None:
    """Every URL ``found`` names is under ``root``, with the exact values the SD and VoID must have."""
    endpoint = root + "sparql"
    assert found["sd:endpoint"] == [endpoint]
    assert found["void:sparqlEndpoint"] == [endpoint]
    assert found["dcat:landingPage"] == [root]
    assert len(found["void:dataDump"]) == DUMP_COUNT
    assert all(url.startswith(root + "download/gcm-kg.") for url in found["void:dataDump"]), found["void:dataDump"]
    assert f"SPARQLWrapper({endpoint!r})" in found["snippet:python"]
    assert f"endpoint={endpoint!r}" in found["snippet:client"]
    licence = ("license", "https://creativecommons.org/licenses/by/4.0/")
    assert found["landing elsewhere"] == sorted([("cite-as", "https://w3id.org/gcm-kg/id/dataset/gcm-kg"), licence,
                                                 ("type", "https://schema.org/AboutPage"), ("type", "https://schema.org/Dataset")])
    assert found["document elsewhere"] == sorted([("cite-as", "https://w3id.org/gcm-kg/id/objective/9"), licence,
                                                  ("type", "https://schema.org/Thing")])
    assert found["openapi:servers"] == [{"url": root.rstrip("/")}]
    assert root in found["sitemap"] and root + "ontology.html" in found["sitemap"]
    assert found["config"]["publicEndpoint"] == endpoint
    assert urljoin(root, found["config"]["endpoint"]) == endpoint
    assert urljoin(root, found["303 thing"]) == root + "doc/objective/9.ttl"
    assert urljoin(root, found["303 ontology"]) == root + "ontology.ttl"
    outside = [(where, url) for where, url in found["absolute"] if not url.startswith(root)]
    assert not outside, outside
    # A reference resolves against the URL requested, which is under the root (RFC 9110 §10.2.2).
    outside = [(where, ref) for where, ref in found["references"]
               if not urljoin(root + "doc/objective/9", ref).startswith(root)]
    assert not outside, outside
    assert not [ref for _, ref in found["references"] if ref.startswith("//")]
    host = urlsplit(root).netloc
    off_root = [iri for iri in found["void-iris"]
                if (urlsplit(iri).netloc in (host, "localhost") and not iri.startswith(root))]
    assert not off_root, off_root


def test_with_a_public_root_everything_is_under_it(store):
    client = create_app(Settings(public_url=ROOT), store).test_client()
    assert_all_under(ROOT, site_links(client))


def test_a_public_url_ending_in_sparql_gives_the_same_urls_and_a_warning(store):
    with pytest.warns(PublicUrlWarning, match="names the SPARQL endpoint"):
        settings = Settings(public_url=ROOT + "sparql")
    client = create_app(settings, store).test_client()
    assert_all_under(ROOT, site_links(client))


def test_the_public_url_wins_over_the_request_and_its_forwarded_headers(store):
    client = create_app(Settings(public_url=ROOT, proxy_headers=True), store).test_client()
    assert_all_under(ROOT, site_links(client, headers=FORWARDED, base_url="http://127.0.0.1:8000/other/"))


def test_without_a_public_url_urls_follow_the_script_name_prefix(store):
    client = create_app(Settings(), store).test_client()
    assert_all_under("http://localhost/kg/", site_links(client, base_url="http://localhost/kg/"))


def test_with_proxy_headers_the_forwarded_proto_host_and_prefix_make_the_root(store):
    client = create_app(Settings(proxy_headers=True), store).test_client()
    assert_all_under("https://proxy.example/kg/", site_links(client, headers=FORWARDED))


def test_with_proxy_headers_a_forwarded_prefix_is_the_whole_prefix_in_place_of_the_script_name(store):
    client = create_app(Settings(proxy_headers=True), store).test_client()
    assert_all_under("http://localhost/kg/", site_links(client, headers={"X-Forwarded-Prefix": "/kg"},
                                                        base_url="http://localhost/app/"))


def test_without_proxy_headers_forwarded_headers_are_ignored(store):
    client = create_app(Settings(), store).test_client()
    found = site_links(client, headers=FORWARDED)
    assert_all_under("http://localhost/", found)
    assert "proxy.example" not in json.dumps(found)


def test_the_proxy_fix_wraps_the_sparql_fast_path_so_both_see_the_proxys_request(store):
    assert not isinstance(create_app(Settings(), store).wsgi_app, ProxyFix)
    app = create_app(Settings(proxy_headers=True), store)
    assert isinstance(app.wsgi_app, ProxyFix) and isinstance(app.wsgi_app.app, FastPath)
    # a query the fast path answers, behind the proxy
    response = app.test_client().get("/sparql", query_string={"query": "ASK {}"}, headers={
        **FORWARDED, "Accept": "application/sparql-results+json"})
    assert response.status_code == 200 and response.json["boolean"] is True


ROUTES = ["/sparql", "/.well-known/void", "/openapi.json", "/api/queries", "/sitemap.xml", "/robots.txt", "/",
          "/id/objective/9", "/doc/objective/9"]


@pytest.mark.parametrize("headers", [
    {"X-Forwarded-Proto": "javascript"},
    {"X-Forwarded-Host": "evil host<>"},
    {"X-Forwarded-Port": "99999"},
    {"X-Forwarded-Prefix": "/kg%zz"},
], ids=["proto", "host", "port", "prefix"])
def test_forwarded_headers_that_make_no_url_get_a_400_saying_so(store, headers):
    client = create_app(Settings(proxy_headers=True), store).test_client()
    for path in ROUTES:
        response = client.get(path, headers={"Accept": "text/turtle", **headers})
        assert response.status_code == 400, (path, response.status_code)
        assert "no public URL can be made from this request" in response.text


@pytest.mark.parametrize("prefix", ["//evil.example", ".evil.example", "evil.example"])
def test_a_forwarded_prefix_stays_a_path_and_never_names_another_host(store, prefix):
    client = create_app(Settings(proxy_headers=True), store).test_client()
    response = client.get("/id/objective/9", headers={"Accept": "text/turtle", "X-Forwarded-Prefix": prefix})
    assert response.status_code == 303
    assert response.headers["Location"] == "/" + prefix.lstrip("/") + "/doc/objective/9.ttl"
    sd = client.get("/sparql", headers={"Accept": "text/turtle", "X-Forwarded-Prefix": prefix})
    assert f"<http://localhost/{prefix.lstrip('/')}/sparql>" in sd.text


def test_an_invalid_host_is_a_400_without_a_public_url_and_ignored_with_one(store):
    """RFC 9112 §3.2: a Host with an invalid value is a 400; with --public-url the Host is not used."""
    without = create_app(Settings(), store).test_client().get("/sparql", headers={"Host": "bad host", "Accept": "text/turtle"})
    assert without.status_code == 400
    with_root = create_app(Settings(public_url=ROOT), store).test_client()
    response = with_root.get("/sparql", headers={"Host": "bad host", "Accept": "text/turtle"})
    assert response.status_code == 200 and f"<{ROOT}sparql>" in response.text


#: Every HTML page kind a person browses (their links, forms, scripts and stylesheets).
HTML_PAGES = ["/", "/list/objective", "/doc/objective/9.html", "/ontology.html", "/shapes.html",
              "/.well-known/void?format=html", "/validate", "/sparql", "/download/", "/api/queries",
              "/list/no-such-kind", "/id/no-such-thing"]
_LOCAL_REFERENCE = re.compile(r'\b(?:href|src|action)="(/[^"]*)"')


@pytest.mark.parametrize("settings, request_options", [
    (Settings(public_url=ROOT), {}),
    (Settings(), {"base_url": "http://localhost/kg/"}),
    (Settings(proxy_headers=True), {"headers": FORWARDED}),
], ids=["public-url", "script-name", "forwarded-prefix"])
def test_every_link_of_every_html_page_stays_under_the_prefix(store, settings, request_options):
    """A page served under ``/kg/`` links, posts and loads only under ``/kg/`` (else browsing the
    site behind a proxy leaves it at the first click)."""
    client = create_app(settings, store).test_client()
    checked = 0
    for page in HTML_PAGES:
        headers = {"Accept": "text/html", **request_options.get("headers", {})}
        response = client.get(page, headers=headers, base_url=request_options.get("base_url", "http://localhost/"))
        assert response.mimetype == "text/html", (page, response.status_code)
        for reference in _LOCAL_REFERENCE.findall(response.get_data(as_text=True)):
            assert reference.startswith("/kg/"), (page, reference)
            checked += 1
    assert checked > 100  # the pages do link: navigation, entity links, formats, the query editor
