"""The shipped dataset: ontology, data, shapes and the canned queries, each in its named graph."""

from __future__ import annotations

import pyoxigraph as ox

from gcm_kg.rdf.rdfio import read_quads, shipped_files
from gcm_kg.sparql.catalogue import queries_as_quads


def shipped_quads(include_shapes: bool = True) -> list[ox.Quad]:
    """Every quad of the shipped ontology, data (and shapes), each in its named graph, plus the
    canned queries of ``queries/`` described in RDF in the graph ``graph/queries``."""
    quads: list[ox.Quad] = []
    for path, graph in shipped_files(include_shapes):
        quads.extend(read_quads(path, graph=graph))
    quads.extend(queries_as_quads())
    return quads


