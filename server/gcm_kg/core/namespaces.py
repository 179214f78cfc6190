"""The IRIs gcm-kg mints and the vocabularies it reuses, in one place."""

from __future__ import annotations

BASE = "https://w3id.org/gcm-kg/"
ID = BASE + "id/"
ONTOLOGY = BASE + "ontology"
GCMO = ONTOLOGY + "#"
SHAPES = BASE + "shapes"
SHAPES_NS = SHAPES + "/"
GRAPH = BASE + "graph/"
DATASET = BASE + "dataset"

#: Prefixes offered to query writers (query UI, canned queries, Turtle output).
PREFIXES: dict[str, str] = {
    "gcm": ID,
    "gcmo": GCMO,
    "gcmsh": SHAPES_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "cito": "http://purl.org/spar/cito/",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}


def graph_iri_for(folder: str, relative_stem: str) -> str:
    """The named graph a shipped file is loaded into.

    ``ontology/*`` all go to ``graph/ontology`` and ``shapes/*`` to ``graph/shapes``; a data file
    ``data/x/y.ttl`` gets its own graph ``graph/x/y`` so that, e.g., third-party mappings stay
    separable from the core graph.
    """
    if folder in ("ontology", "shapes"):
        return GRAPH + folder
    return GRAPH + relative_stem.replace("\\", "/")

# Vocabulary namespaces as plain strings, for modules that build IRIs (one definition, here).
RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
OWL = PREFIXES["owl"]
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
DCT = PREFIXES["dct"]
SCHEMA = PREFIXES["schema"]
PROV = PREFIXES["prov"]
OA = PREFIXES["oa"]
FOAF = PREFIXES["foaf"]
VOID = PREFIXES["void"]
DCAT = PREFIXES["dcat"]
SH = PREFIXES["sh"]
SD = PREFIXES["sd"]
RDF_TYPE = RDF + "type"
FORMATS = "http://www.w3.org/ns/formats/"
VANN = "http://purl.org/vocab/vann/"
DQV = "http://www.w3.org/ns/dqv#"
ADMS = "http://www.w3.org/ns/adms#"
