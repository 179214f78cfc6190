"""Media types the service produces, mapped to pyoxigraph's own writers.

The order of each list is the server's preference when the client accepts several equally
(so a bare ``*/*`` gets SPARQL JSON for SELECT/ASK and Turtle for CONSTRUCT/DESCRIBE).
"""

from __future__ import annotations

import pyoxigraph as ox

RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
# CSV and TSV cannot carry a boolean (SPARQL 1.1 CSV/TSV §1): ASK offers JSON and XML only.
BOOLEAN_FORMATS = {k: v for k, v in RESULTS_FORMATS.items() if v in (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML)}

GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/xml": ox.RdfFormat.RDF_XML,
}

#: Media types written with a charset parameter (all text formats are UTF-8).
def content_type(media_type: str) -> str:
    if media_type.startswith("text/") or media_type.endswith(("+xml", "+json", "/xml", "/json")) \
            or media_type in ("application/n-triples", "application/n-quads", "application/trig"):
        return f"{media_type}; charset=utf-8"
    return media_type
