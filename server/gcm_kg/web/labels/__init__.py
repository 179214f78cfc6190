"""Labels of the reused vocabulary terms (``skos:prefLabel``, ``dct:title``, ``schema:name`` …).

The graph labels its own terms and things; the terms it reuses from other vocabularies carry no
label in it. ``vocabulary.ttl``, next to this module, gives each of them an ``rdfs:label`` in
English and in Spanish, so that a page in either language names its properties and types in that
language. The file belongs to the web layer, not to the dataset: it changes no count and no dump.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from gcm_kg.core.namespaces import RDFS

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.ttl")


@lru_cache(maxsize=1)
def vocabulary_labels() -> dict[str, tuple[ox.Literal, ...]]:
    """IRI → its ``rdfs:label`` literals, read from ``vocabulary.ttl`` once per process."""
    labels: dict[str, list[ox.Literal]] = {}
    for triple in ox.parse(path=VOCABULARY_FILE, format=ox.RdfFormat.TURTLE):
        if (isinstance(triple.subject, ox.NamedNode) and triple.predicate.value == RDFS + "label"
                and isinstance(triple.object, ox.Literal)):
            labels.setdefault(triple.subject.value, []).append(triple.object)
    return {iri: tuple(literals) for iri, literals in labels.items()}
