"""The SPARQL 1.1 Protocol query operation, as pure functions (no Flask, no store).

:func:`parse_request` turns an HTTP request (method, raw URL query string, Content-Type, body)
into a :class:`QueryRequest`, a :class:`ServiceDescriptionRequest`, or raises a
:class:`~gcm_kg.core.errors.Refusal` naming the condition (the status is :mod:`gcm_kg.web.errors`'s):

* the three bindings of §2.1 — GET with URL parameters, POST ``application/x-www-form-urlencoded``,
  POST ``application/sparql-query`` — and nothing else: other methods → 405 with ``Allow``; a POST
  with a missing or other Content-Type → 415; a charset other than UTF-8 → 415; bytes that are not
  UTF-8 → 400;
* exactly one ``query`` (§2.1.2): none or several → 400, and ``query`` both in the URL and in the
  body → 400;
* ``default-graph-uri`` / ``named-graph-uri`` (§2.1.4), from the URL and/or the form body; they
  replace the query's FROM / FROM NAMED;
* the service is read-only: ``update`` / ``using-graph-uri`` / ``using-named-graph-uri`` and
  ``application/sparql-update`` → 403 (the Protocol's §4 policy lets a service refuse operations);
* a bare GET (no parameters) asks for the Service Description.

:func:`check_query` applies the service's own policy to the query text before it runs: SERVICE
calls only to allowed endpoints, and a nesting cap (a very deeply nested query overflows the
engine's stack). :func:`service_description` builds the SPARQL 1.1 Service Description (§3).
"""

from __future__ import annotations


from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import unquote_to_bytes

import pyoxigraph as ox

from gcm_kg.core.errors import Refusal
from gcm_kg.rdf import formats
from gcm_kg.core.negotiation import split_media_type
from gcm_kg.core.public_urls import PublicUrls
from gcm_kg.core.namespaces import DATASET, DCAT, DCT, FORMATS, GCMO, RDF_TYPE, RDFS, SD, VOID, XSD
from gcm_kg.sparql.model import Dataset
from gcm_kg.sparql import lexer
from gcm_kg.store.base import StoreCounts
from gcm_kg.services.releases import ReleaseRecord

ALLOW = ("GET", "HEAD", "POST", "OPTIONS")
QUERY_TYPES = ("application/sparql-query", "application/x-www-form-urlencoded")
#: Deepest bracket nesting accepted; the engine overflows its stack far beyond this (≈ 5000).
MAX_NESTING = 256
#: Most operators and pattern keywords (UNION, OPTIONAL, MINUS, BIND, FILTER, ``+``, ``&&``, ``/``…)
#: accepted in one query. Long flat chains of them nest as deeply in the engine as brackets do:
#: measured, its query process overflows its stack at ≈ 3000 MINUS or BIND and ≈ 8000 UNION or ``+``.
MAX_OPERATORS = 1000
_OPERATOR_CHARS = "|/^!&+-*=<>"
_PATTERN_WORDS = ("union", "optional", "minus", "bind", "filter", "graph", "service", "exists", "values")

#: Own terms (SD has none for these): the row cap of SELECT results and the query time limit.
ROW_LIMIT = GCMO + "resultRowLimit"
TIMEOUT = GCMO + "queryTimeoutSeconds"


@dataclass(frozen=True)
class QueryRequest:
    """A valid query operation: the query text, the protocol dataset and an Accept override."""

    query: str
    dataset: Dataset = Dataset()
    accept_override: str | None = None  # from format= / output=; replaces the Accept header


@dataclass(frozen=True)
class ServiceDescriptionRequest:
    """A bare GET of the endpoint: answer with the Service Description (or the query page)."""

    accept_override: str | None = None


READ_ONLY = ("This SPARQL endpoint is read-only: SPARQL Update (the update operation, "
             "application/sparql-update, update=, using-graph-uri=, using-named-graph-uri=) "
             "is not accepted and nothing was changed.")
UPDATE_PARAMS = ("update", "using-graph-uri", "using-named-graph-uri")


def _params(raw: bytes, where: str) -> dict[str, list[str]]:
    """Decode ``application/x-www-form-urlencoded`` bytes (URL query or body) strictly as UTF-8 (else 400)."""
    result: dict[str, list[str]] = {}
    for part in raw.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        try:
            name = unquote_to_bytes(key.replace(b"+", b" ")).decode("utf-8")
            text = unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError as error:
            raise Refusal.bad_request(f"the {where} is not valid percent-encoded UTF-8: {error}") from None
        result.setdefault(name, []).append(text)
    return result


def parse_media_type(header: str | None) -> tuple[str | None, dict[str, str]]:
    """``type/subtype`` (lower case) and parameters of a Content-Type header."""
    if not header or not header.strip():
        return None, {}
    return split_media_type(header)


def accept_for_format(value: str) -> str | None:
    """The Accept header a ``format=``/``output=`` value stands for; None if it names nothing known.

    A short name (:mod:`gcm_kg.rdf.formats`) stands for every format that has it — ``json`` is
    SPARQL JSON for SELECT/ASK and JSON-LD for CONSTRUCT/DESCRIBE —, and a media type the service
    writes stands for itself.
    """
    name = value.strip().lower()
    media_types = [f.media_type for f in formats.RESULTS + formats.RDF if name in f.names or name == f.media_type]
    return ", ".join(media_types) or None


def _override(params: dict[str, list[str]]) -> str | None:
    """The Accept override from ``format=`` / ``output=``.

    Clients repeat the format under several names (SPARQLWrapper sends ``format=tsv&format=
    text/tab-separated-values&output=tsv``): values naming the same format are fine together,
    different ones are a 400. Unknown values are ignored (content negotiation then decides), as
    endpoints are expected to be oblivious to format names they do not know.
    """
    known = {accept for value in params.get("format", []) + params.get("output", [])
             if (accept := accept_for_format(value)) is not None}
    if len(known) > 1:
        raise Refusal.bad_request("format= / output= name different formats: " + " vs ".join(sorted(known)))
    return known.pop() if known else None


def _graph_uris(params: dict[str, list[str]], name: str) -> tuple[str, ...]:
    uris = []
    for value in params.get(name, []):
        try:
            uris.append(ox.NamedNode(value.strip()).value)
        except ValueError as error:
            raise Refusal.bad_request(f"{name}: {value!r} is not an absolute IRI ({error})") from None
    return tuple(uris)


def parse_request(method: str, query_string: bytes, content_type: str | None, body: bytes) -> \
        QueryRequest | ServiceDescriptionRequest:
    """Read one HTTP request as a SPARQL 1.1 Protocol query operation (else raises a ``Refusal``)."""
    method = method.upper()
    if method not in ("GET", "HEAD", "POST"):
        raise Refusal.method_not_allowed(f"{method} is not allowed here: the SPARQL 1.1 Protocol query "
                                         f"operation uses GET or POST (§2.1)", ALLOW)
    url = _params(query_string, "URL query string")
    if method in ("GET", "HEAD"):
        if any(name in url for name in UPDATE_PARAMS):
            raise Refusal.read_only(READ_ONLY)
        if body:
            raise Refusal.bad_request("a GET request carries its query in the URL and must not have a "
                                      "body (SPARQL 1.1 Protocol §2.1.1); use POST to send a body")
        if "query" not in url:
            if set(url) - {"format", "output"}:
                raise Refusal.bad_request("missing the query parameter: a query request needs exactly one "
                                          "query= (SPARQL 1.1 Protocol §2.1.2)")
            return ServiceDescriptionRequest(_override(url))
        params = url
    else:
        media_type, ct_params = parse_media_type(content_type)
        if media_type is None:
            raise Refusal.unsupported_media_type(
                "a POST needs a Content-Type: application/sparql-query (the query as the body) or "
                "application/x-www-form-urlencoded (query=…)", QUERY_TYPES)
        charset = ct_params.get("charset")
        if charset is not None and charset.lower() not in ("utf-8", "utf8"):
            raise Refusal.unsupported_media_type(f"charset={charset} is not supported: SPARQL requests are UTF-8",
                                                 QUERY_TYPES)
        if media_type == "application/sparql-update" or any(name in url for name in UPDATE_PARAMS):
            raise Refusal.read_only(READ_ONLY)
        if media_type == "application/x-www-form-urlencoded":
            form = _params(body, "request body")
            if any(name in form for name in UPDATE_PARAMS):
                raise Refusal.read_only(READ_ONLY)
            for name in ("query",):
                if name in form and name in url:
                    raise Refusal.bad_request(f"{name}= is given both in the URL and in the body; give it once")
            params = {key: url.get(key, []) + form.get(key, []) for key in set(url) | set(form)}
            if "query" not in params:
                raise Refusal.bad_request("missing the query parameter in the form body (SPARQL 1.1 Protocol §2.1.2)")
        elif media_type == "application/sparql-query":
            if "query" in url:
                raise Refusal.bad_request("query= is given in the URL of a POST whose body is already the "
                                          "query (application/sparql-query); give it once")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as error:
                raise Refusal.bad_request(f"the request body is not valid UTF-8: {error}") from None
            params = dict(url, query=[text])
        else:
            raise Refusal.unsupported_media_type(
                f"{media_type} is not a SPARQL query media type: POST the query as application/sparql-query "
                f"or as a form (application/x-www-form-urlencoded)", QUERY_TYPES)
    queries = params.get("query", [])
    if len(queries) != 1:
        raise Refusal.bad_request(f"a query request needs exactly one query parameter, got {len(queries)} "
                                  f"(SPARQL 1.1 Protocol §2.1.2)")
    dataset = Dataset(_graph_uris(params, "default-graph-uri"), _graph_uris(params, "named-graph-uri"))
    return QueryRequest(queries[0], dataset, _override(params))


# -- query policy --------------------------------------------------------------------------------

def check_query(query: str, *, allow_service: tuple[str, ...] = (), base_iri: str | None = None) -> None:
    """Refuse what the service's policy forbids before the query runs (raises a ``Refusal``).

    * ``SERVICE`` (federated query) → 403 unless its endpoint IRI is in ``allow_service``
      (a ``SERVICE ?var`` is refused whenever federation is restricted: its target is unknown);
    * bracket nesting deeper than :data:`MAX_NESTING` → 400;
    * more than :data:`MAX_OPERATORS` operators and pattern keywords → 400.
    """
    for call in lexer.service_calls(query, base_iri):
        if call.endpoint is None or call.endpoint not in allow_service:
            shown = call.endpoint or ("a variable endpoint" if call.written.startswith(("?", "$"))
                                      else call.written or "an endpoint it does not name")
            allowed = ", ".join(allow_service) if allow_service else "none"
            raise Refusal.service_not_allowed(f"SERVICE (federated query) to {shown} is not allowed "
                                              f"on this endpoint (allowed endpoints: {allowed})")
    openers = query.count("{") + query.count("(") + query.count("[")
    if openers <= MAX_NESTING and (len(query) <= MAX_OPERATORS or (
            sum(map(query.count, _OPERATOR_CHARS)) + sum(map(query.lower().count, _PATTERN_WORDS)) <= MAX_OPERATORS)):
        return  # no count can exceed its raw upper bound
    depth = max_depth = operators = 0
    for token in lexer.tokens(query):
        if token.kind == "punct":
            if token.text in "{([":
                depth += 1
                max_depth = max(max_depth, depth)
            elif token.text in "})]":
                depth -= 1
            elif token.text in _OPERATOR_CHARS:
                operators += 1
        elif token.kind == "word" and token.text.lower() in _PATTERN_WORDS:
            operators += 1
    if max_depth > MAX_NESTING:
        raise Refusal.query_too_complex(f"the query nests brackets {max_depth} deep; at most {MAX_NESTING} "
                                        f"levels are accepted")
    if operators > MAX_OPERATORS:
        raise Refusal.query_too_complex(f"the query has {operators} operators and pattern keywords (UNION, "
                                        f"OPTIONAL, MINUS, BIND, FILTER, +, &&, / …); at most {MAX_OPERATORS} are accepted")


# -- Service Description -------------------------------------------------------------------------

def service_description(urls: PublicUrls, counts: StoreCounts, *, max_rows: int | None,
                        timeout: float | None, federation: bool,
                        release: ReleaseRecord | None = None) -> list[ox.Triple]:
    """SPARQL 1.1 Service Description (§3) of the endpoint at ``urls.endpoint``, as triples; the
    default dataset carries the data's ``release`` (DCAT 3 ``dcat:version``, ``dct:issued``,
    ``dct:modified``) when the graph states one."""
    endpoint = urls.endpoint

    def nn(iri):
        return ox.NamedNode(iri)

    def typed(value, datatype):
        return ox.Literal(str(value), datatype=nn(XSD + datatype))

    service = ox.BlankNode("service")
    dataset = nn(DATASET)
    default_graph = ox.BlankNode("defaultGraph")
    a = nn(RDF_TYPE)
    triples = [
        ox.Triple(service, a, nn(SD + "Service")),
        ox.Triple(service, nn(SD + "endpoint"), nn(endpoint)),
        ox.Triple(service, nn(SD + "supportedLanguage"), nn(SD + "SPARQL11Query")),
        ox.Triple(service, nn(SD + "feature"), nn(SD + "UnionDefaultGraph")),
        ox.Triple(service, nn(SD + "defaultEntailmentRegime"), nn("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, nn(SD + "defaultDataset"), dataset),
        ox.Triple(service, nn(DCT + "description"), ox.Literal(
            "SPARQL 1.1 query endpoint of the GCM knowledge graph (read-only). The default graph is the "
            "union of all named graphs; relative IRIs in queries resolve against the service base IRI.",
            language="en")),
    ]
    if federation:
        triples.append(ox.Triple(service, nn(SD + "feature"), nn(SD + "BasicFederatedQuery")))
    for written in formats.RESULTS + formats.RDF:
        triples.append(ox.Triple(service, nn(SD + "resultFormat"), nn(written.iri)))
    if max_rows is not None:
        triples.append(ox.Triple(service, nn(ROW_LIMIT), typed(max_rows, "integer")))
    if timeout is not None:
        triples.append(ox.Triple(service, nn(TIMEOUT), typed(format(Decimal(str(timeout)).normalize(), "f"), "decimal")))
    triples += [
        ox.Triple(dataset, a, nn(SD + "Dataset")),
        ox.Triple(dataset, a, nn(VOID + "Dataset")),
        ox.Triple(dataset, nn(VOID + "sparqlEndpoint"), nn(endpoint)),
        ox.Triple(dataset, nn(VOID + "triples"), typed(counts.triples, "integer")),
        ox.Triple(dataset, nn(RDFS + "seeAlso"), nn(urls.void)),
        ox.Triple(dataset, nn(SD + "defaultGraph"), default_graph),
        ox.Triple(default_graph, a, nn(SD + "Graph")),
        ox.Triple(default_graph, nn(VOID + "triples"), typed(counts.triples, "integer")),
    ]
    if release is not None:
        triples.append(ox.Triple(dataset, nn(DCAT + "version"), ox.Literal(release.version)))
        if release.issued:
            triples += [ox.Triple(dataset, nn(DCT + predicate), typed(release.issued, "date"))
                        for predicate in ("issued", "modified")]
    for number, (name, size) in enumerate(sorted(counts.graphs.items())):
        named, graph = ox.BlankNode(f"named{number}"), ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, nn(SD + "namedGraph"), named),
            ox.Triple(named, a, nn(SD + "NamedGraph")),
            ox.Triple(named, nn(SD + "name"), nn(name)),
            ox.Triple(named, nn(SD + "graph"), graph),
            ox.Triple(graph, a, nn(SD + "Graph")),
            ox.Triple(graph, nn(VOID + "triples"), typed(size, "integer")),
        ]
    return triples


SD_PREFIXES = {"sd": SD, "void": VOID, "formats": FORMATS, "rdfs": RDFS, "dct": DCT, "xsd": XSD,
               "gcmo": GCMO, "dcat": DCAT}


def serialize_graph(triples: list[ox.Triple], media_type: str) -> bytes:
    """Serialise triples with pyoxigraph's writer for one of :data:`formats.GRAPH_FORMATS`."""
    rdf_format = formats.GRAPH_FORMATS[media_type].oxigraph
    prefixes = SD_PREFIXES if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(triples, format=rdf_format, prefixes=prefixes)


@dataclass
class ErrorInfo:
    """Where a parser message points (line/column), when it says so."""

    line: int | None = None
    column: int | None = None
    extra: dict = field(default_factory=dict)


def error_position(message: str) -> ErrorInfo:
    """Line and column from a pyoxigraph message such as ``error at 1:20: expected …``."""
    import re

    match = re.search(r"\bat (\d+):(\d+)", message)
    if not match:
        return ErrorInfo()
    return ErrorInfo(int(match.group(1)), int(match.group(2)))
