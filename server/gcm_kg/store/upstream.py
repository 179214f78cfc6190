"""Reading another engine's answers the same way whatever the engine: results and graphs as RDF terms.

A remote engine is asked for SPARQL JSON or XML results (SPARQL 1.1 Query Results JSON Format,
SPARQL Query Results XML Format) and N-Triples or Turtle graphs, never for its own TSV or CSV;
gcm-kg then writes every output format itself. On the way in, an answer is made standard:

* blank-node labels of any form (Virtuoso's ``nodeID://b10006``, which pyoxigraph rightly refuses)
  become valid labels (``b0``, ``b1`` …), the same label for the same node within one answer
  (SPARQL 1.1 JSON Results §3.2.2: labels are scoped to the result set);
* Virtuoso's IRIs ``nodeID://…`` in a graph stand for its blank nodes and become blank nodes;
* the legacy JSON term type ``"typed-literal"`` (from the 2007 Note) becomes ``"literal"`` with its
  ``datatype``;
* Virtuoso's ``"1"^^xsd:boolean`` / ``"0"^^xsd:boolean`` (how it writes every stored boolean, even
  one loaded as ``true``) become the canonical ``true`` / ``false`` (XML Schema 1.1 Part 2 §3.3.2.2);
* an ASK answered as one row of one variable ``__ASK_RETVAL`` (Virtuoso 7.2) becomes the boolean;
* (an unnamed projection, which Virtuoso would answer as ``callret-0``, never gets this far: it is
  not SPARQL 1.1, and :func:`gcm_kg.sparql.rewrite.check_syntax` refuses it with a 400 first).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree

import pyoxigraph as ox

#: The results formats read from an engine, best first (both keep every RDF term).
RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
#: The graph formats read from an engine, best first.
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8"

_RESULTS_NS = "{http://www.w3.org/2005/sparql-results#}"
_VIRTUOSO_BNODE = "nodeID://"
_ASK_VARIABLE = "__ASK_RETVAL"
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


class MalformedAnswer(ValueError):
    """An upstream answer that is not what its Content-Type says; ``str()`` says why."""


class _Labels:
    """Valid blank-node labels for whatever labels an engine wrote, one per node within an answer."""

    def __init__(self):
        self._labels: dict[str, str] = {}

    def __call__(self, label: str) -> str:
        found = self._labels.get(label)
        if found is None:
            found = self._labels[label] = f"b{len(self._labels)}"
        return found


def standard_results(data: bytes, media_type: str) -> ox.QuerySolutions | ox.QueryBoolean:
    """An upstream SPARQL JSON or XML results document as pyoxigraph results, made standard."""
    if media_type == "application/sparql-results+json":
        document = _standard_json(data)
    elif media_type == "application/sparql-results+xml":
        document = _standard_json(_xml_as_json(data))
    else:
        raise MalformedAnswer(f"unexpected Content-Type {media_type!r} for query results")
    return ox.parse_query_results(json.dumps(document).encode("utf-8"),
                                  format=ox.QueryResultsFormat.JSON)


def _standard_json(data: bytes | dict) -> dict:
    try:
        document = json.loads(data) if isinstance(data, (bytes, bytearray, str)) else data
    except ValueError as error:
        raise MalformedAnswer(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise MalformedAnswer("a JSON results document must be an object")
    if "boolean" in document:
        return {"head": {}, "boolean": document["boolean"]}
    head, results = document.get("head") or {}, document.get("results")
    if not isinstance(results, dict) or not isinstance(results.get("bindings"), list):
        raise MalformedAnswer("a JSON results document without results.bindings")
    variables = [v for v in head.get("vars", []) if isinstance(v, str)]
    bindings = results["bindings"]
    if variables == [_ASK_VARIABLE] and len(bindings) <= 1:
        value = bindings[0].get(_ASK_VARIABLE, {}).get("value") if bindings else "0"
        return {"head": {}, "boolean": value in ("1", "true")}
    labels = _Labels()
    rows = []
    for binding in bindings:
        if not isinstance(binding, dict):
            raise MalformedAnswer("a binding that is not a JSON object")
        rows.append({name: _standard_term(term, labels) for name, term in binding.items()})
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


def _standard_term(term: dict, labels: _Labels) -> dict:
    if not isinstance(term, dict) or not isinstance(term.get("value"), str):
        raise MalformedAnswer(f"a malformed RDF term: {term!r}")
    kind = term.get("type")
    if kind == "bnode":
        return {"type": "bnode", "value": labels(term["value"])}
    if kind in ("typed-literal", "literal") and term.get("datatype") == _BOOLEAN:
        return {"type": "literal", "value": _CANONICAL_BOOLEAN.get(term["value"], term["value"]), "datatype": _BOOLEAN}
    if kind == "typed-literal":
        return {"type": "literal", "value": term["value"], "datatype": term.get("datatype", "")}
    if kind == "uri" and term["value"].startswith(_VIRTUOSO_BNODE):
        return {"type": "bnode", "value": labels(term["value"])}
    if kind == "triple":  # RDF-star: the parts of a quoted triple are terms too
        return {"type": "triple", "value": {k: _standard_term(v, labels) for k, v in term["value"].items()}}
    return term


def _xml_as_json(data: bytes) -> dict:
    """The SPARQL XML results document ``data`` in the shape of the JSON one."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise MalformedAnswer(f"not XML: {error}") from None
    boolean = root.find(f"{_RESULTS_NS}boolean")
    if boolean is not None:
        return {"head": {}, "boolean": (boolean.text or "").strip() == "true"}
    variables = [v.get("name") for v in root.iterfind(f"{_RESULTS_NS}head/{_RESULTS_NS}variable")]
    rows = []
    for result in root.iterfind(f"{_RESULTS_NS}results/{_RESULTS_NS}result"):
        row = {}
        for binding in result.iterfind(f"{_RESULTS_NS}binding"):
            for term in binding:
                row[binding.get("name")] = _xml_term(term)
        rows.append(row)
    return {"head": {"vars": variables}, "results": {"bindings": rows}}


def _xml_term(element) -> dict:
    tag = element.tag.removeprefix(_RESULTS_NS)
    text = element.text or ""
    if tag == "uri":
        return {"type": "uri", "value": text}
    if tag == "bnode":
        return {"type": "bnode", "value": text}
    if tag == "literal":
        term = {"type": "literal", "value": text}
        language = element.get("{http://www.w3.org/XML/1998/namespace}lang")
        if language:
            term["xml:lang"] = language
        elif element.get("datatype"):
            term["datatype"] = element.get("datatype")
        return term
    raise MalformedAnswer(f"an XML results term <{tag}> that gcm-kg cannot read")


def standard_triples(data: bytes, rdf_format: ox.RdfFormat) -> list[ox.Triple]:
    """An upstream graph as triples: Virtuoso's ``nodeID://`` IRIs made blank nodes, its booleans canonical."""
    nodes: dict[str, ox.BlankNode] = {}

    def term(t):
        if isinstance(t, ox.NamedNode) and t.value.startswith(_VIRTUOSO_BNODE):
            node = nodes.get(t.value)
            if node is None:
                node = nodes[t.value] = ox.BlankNode()
            return node
        if isinstance(t, ox.Literal) and t.datatype.value == _BOOLEAN and t.value in _CANONICAL_BOOLEAN:
            return ox.Literal(_CANONICAL_BOOLEAN[t.value], datatype=t.datatype)
        return t

    def standard(t):
        return t is not term(t)

    triples = [q.triple for q in ox.parse(data, format=rdf_format)]
    if not any(standard(tr.subject) or standard(tr.object) for tr in triples):
        return triples
    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]
