"""Documentation of the ontology and the SHACL shapes, and the HTML view of the VoID description.

Written from the graphs themselves (no pyLODE): the ontology page documents every ``gcmo:`` term
(labels in English and Spanish, definitions, domains and ranges, super- and sub-classes and
properties, examples, and how often the data use it, with real examples from the data); the shapes
page documents every shape (targets, constraints, severity, message, SHACL-SPARQL rules and the
valid/invalid examples the shapes carry). Both come from the named graphs ``graph/ontology`` and
``graph/shapes``, which is also what their RDF documents serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from gcm_kg.web.pages import (Chrome, PageBuilder, Row, Value, curie, doc_alternates, pick_literal, render, _natural_key)
from gcm_kg.web.templating import site_path
from gcm_kg.core.namespaces import DCT, FOAF, GRAPH, OWL, PREFIXES, RDF, RDF_TYPE, RDFS, SH, SKOS, VANN


ONTOLOGY_GRAPH = GRAPH + "ontology"
SHAPES_GRAPH = GRAPH + "shapes"


def graph_triples(store, graph: str) -> list[ox.Triple]:
    return [ox.Triple(r["s"], r["p"], r["o"])
            for r in store.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")]


def triples(kind: str, store, settings, document: str) -> list[ox.Triple]:
    """The RDF document of the ontology or the shapes: its whole graph plus ``foaf:primaryTopic``."""
    graph = ONTOLOGY_GRAPH if kind == "ontology" else SHAPES_GRAPH
    out = graph_triples(store, graph)
    doc = ox.NamedNode(document)
    out.append(ox.Triple(doc, ox.NamedNode(RDF_TYPE), ox.NamedNode(FOAF + "Document")))
    out.append(ox.Triple(doc, ox.NamedNode(FOAF + "primaryTopic"), ox.NamedNode(settings.base_uri + kind)))
    return out


def is_ontology_iri(store, iri: str) -> bool:
    """An ontology IRI, version IRI (current or prior) or module IRI held in the ontology graph.

    A prior version IRI stays dereferenceable (Cool URIs don't change): it leads to the current
    ontology, whose owl:priorVersion names it; the versions only ever add terms.
    """
    return bool(store.query(f"""ASK {{ GRAPH <{ONTOLOGY_GRAPH}> {{
        {{ <{ox.NamedNode(iri).value}> a <{OWL}Ontology> }}
        UNION {{ ?o <{OWL}versionIRI>|<{OWL}priorVersion> <{iri}> }} }} }}"""))


def is_shape_iri(store, iri: str) -> bool:
    """A shape (or the shapes' current or prior version IRI) of the shapes graph."""
    return bool(store.query(f"""ASK {{ GRAPH <{SHAPES_GRAPH}> {{
        {{ <{ox.NamedNode(iri).value}> ?p ?o }}
        UNION {{ ?o <{OWL}versionIRI>|<{OWL}priorVersion> <{iri}> }} }} }}"""))


class GraphIndex:
    """A small in-memory index of one graph: subject → predicate → objects (insertion order)."""

    def __init__(self, triples_: list[ox.Triple]):
        self.spo: dict = {}
        self.pos: dict = {}
        for t in triples_:
            self.spo.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
            self.pos.setdefault((t.predicate.value, t.object), []).append(t.subject)
        self.bnodes = {s: [ox.Triple(s, ox.NamedNode(p), o) for p, os in ps.items() for o in os]
                       for s, ps in self.spo.items() if isinstance(s, ox.BlankNode)}

    def objects(self, s, p: str) -> list:
        return self.spo.get(s, {}).get(p, [])

    def subjects(self, p: str, o) -> list:
        return self.pos.get((p, o), [])

    def one(self, s, p: str):
        values = self.objects(s, p)
        return values[0] if values else None


def _lit(index: GraphIndex, s, p: str, lang: str) -> str | None:
    literal = pick_literal([o for o in index.objects(s, p) if isinstance(o, ox.Literal)], lang)
    return literal.value if literal is not None else None


def _other_lang(index: GraphIndex, s, p: str, lang: str) -> list[tuple[str, str]]:
    return [(o.language, o.value) for o in index.objects(s, p)
            if isinstance(o, ox.Literal) and o.language and o.language != lang]


# -- the ontology ----------------------------------------------------------------------------------

_TERM_KINDS = [
    (OWL + "Class", "Classes", "Clases"),
    (RDFS + "Class", "Classes", "Clases"),
    (OWL + "ObjectProperty", "Object properties", "Propiedades de objeto"),
    (OWL + "DatatypeProperty", "Datatype properties", "Propiedades de datos"),
    (OWL + "AnnotationProperty", "Annotation properties", "Propiedades de anotación"),
    (RDF + "Property", "Properties", "Propiedades"),
    (RDFS + "Datatype", "Datatypes", "Tipos de datos"),
]
_HANDLED = {RDF_TYPE, RDFS + "label", SKOS + "prefLabel", SKOS + "definition", RDFS + "comment",
            SKOS + "example", RDFS + "isDefinedBy", RDFS + "subClassOf", RDFS + "subPropertyOf",
            RDFS + "domain", RDFS + "range"}


@dataclass
class Term:
    iri: str
    anchor: str
    curie: str
    label: str
    other_labels: list[tuple[str, str]]
    definition: str | None
    other_definitions: list[tuple[str, str]]
    types: list[Value]
    supers: list[Value]
    subs: list[Value]
    domains: list[Value]
    ranges: list[Value]
    in_domain_of: list[Value]
    in_range_of: list[Value]
    rows: list[Row]
    examples: list[str]
    usage: int
    usage_examples: list[Value]


@dataclass
class TermGroup:
    heading: str
    terms: list[Term]


@dataclass
class OntologyDoc:
    iri: str
    title: str
    description: str | None
    meta: list[Row]
    modules: list[tuple[Value, str | None]]
    groups: list[TermGroup]
    namespace: str
    prefix: str


def ontology_doc(store, settings, lang: str) -> OntologyDoc:
    iri = settings.base_uri + "ontology"
    namespace = iri + "#"
    index = GraphIndex(graph_triples(store, ONTOLOGY_GRAPH))
    builder = PageBuilder(store, settings.base_uri, lang)
    onto = ox.NamedNode(iri)

    def values(terms) -> list[Value]:
        vals = [builder.term_value(t, index.bnodes) for t in terms]
        return sorted(vals, key=lambda v: v.text.lower())

    meta_preds = {p: objs for p, objs in index.spo.get(onto, {}).items()
                  if p not in (DCT + "title", DCT + "description")}
    meta = builder._rows(meta_preds, index.bnodes, 0)
    modules = []
    for s in index.subjects(RDF_TYPE, ox.NamedNode(OWL + "Ontology")):
        if s != onto and isinstance(s, ox.NamedNode):
            modules.append((builder.term_value(s), _lit(index, s, DCT + "title", lang)))
    modules.sort(key=lambda m: m[0].iri)

    kind_of: dict[str, tuple[int, str]] = {}
    for position, (cls, en, es) in enumerate(_TERM_KINDS):
        for s in index.subjects(RDF_TYPE, ox.NamedNode(cls)):
            if isinstance(s, ox.NamedNode) and s.value.startswith(namespace) and s.value not in kind_of:
                kind_of[s.value] = (position, es if lang == "es" else en)
    usage = _usage(store, list(kind_of))
    builder.labels.load(list(kind_of))

    groups: dict[str, list[Term]] = {}
    order: dict[str, int] = {}
    for term_iri, (position, heading) in kind_of.items():
        node = ox.NamedNode(term_iri)
        is_property = "Propert" in _TERM_KINDS[position][0] or _TERM_KINDS[position][0].endswith("Property")
        sup_p = RDFS + ("subPropertyOf" if is_property else "subClassOf")
        label = _lit(index, node, RDFS + "label", lang) or term_iri[len(namespace):]
        rest = {p: objs for p, objs in index.spo.get(node, {}).items() if p not in _HANDLED}
        count, examples = usage.get(term_iri, (0, []))
        term = Term(
            iri=term_iri, anchor=term_iri[len(namespace):], curie=curie(term_iri), label=label,
            other_labels=_other_lang(index, node, RDFS + "label", lang),
            definition=_lit(index, node, SKOS + "definition", lang) or _lit(index, node, RDFS + "comment", lang),
            other_definitions=_other_lang(index, node, SKOS + "definition", lang),
            types=values(index.objects(node, RDF_TYPE)),
            supers=values(index.objects(node, sup_p)), subs=values(index.subjects(sup_p, node)),
            domains=values(index.objects(node, RDFS + "domain")), ranges=values(index.objects(node, RDFS + "range")),
            in_domain_of=values(index.subjects(RDFS + "domain", node)),
            in_range_of=values(index.subjects(RDFS + "range", node)),
            rows=builder._rows(rest, index.bnodes, 0),
            examples=[o.value for o in index.objects(node, SKOS + "example") if isinstance(o, ox.Literal)],
            usage=count, usage_examples=[builder.term_value(e) for e in examples],
        )
        groups.setdefault(heading, []).append(term)
        order.setdefault(heading, position)
    doc_groups = [TermGroup(h, sorted(ts, key=lambda t: t.anchor.lower()))
                  for h, ts in sorted(groups.items(), key=lambda kv: order[kv[0]])]
    prefix = _lit(index, onto, VANN + "preferredNamespacePrefix", lang) or "gcmo"
    return OntologyDoc(iri, _lit(index, onto, DCT + "title", lang) or "gcm-kg ontology",
                       _lit(index, onto, DCT + "description", lang), meta, modules, doc_groups, namespace, prefix)


def _usage(store, terms: list[str]) -> dict[str, tuple[int, list]]:
    """How often the data use each term (instances of a class, statements with a property),
    with up to three examples (subjects)."""
    if not terms:
        return {}
    values = " ".join(f"<{t}>" for t in terms)
    out: dict[str, tuple[int, list]] = {}
    for row in store.query(f"""SELECT ?t (COUNT(DISTINCT ?s) AS ?n) (GROUP_CONCAT(DISTINCT STR(?s); separator=" ") AS ?xs)
            WHERE {{ VALUES ?t {{ {values} }} {{ ?s a ?t }} UNION {{ ?s ?t ?o }} FILTER(isIRI(?s)) }} GROUP BY ?t"""):
        examples = sorted(row["xs"].value.split(), key=_natural_key)[:3]
        out[row["t"].value] = (int(row["n"].value), [ox.NamedNode(e) for e in examples])
    return out


# -- the shapes ------------------------------------------------------------------------------------

@dataclass
class ShaclValue:
    """A value in the shapes documentation, as ``templates/ld/macros.html`` (``shacl_value``) writes it."""

    kind: str                   # "iri", "literal", "list" or "node" (a blank node's own statements)
    text: str = ""              # an IRI's compact name, or a literal's text
    iri: str | None = None
    lang: str | None = None
    items: list["ShaclValue"] = field(default_factory=list)                  # a list's members
    pairs: list[tuple[str, "ShaclValue"]] = field(default_factory=list)     # a blank node's statements


@dataclass
class Constraint:
    name: str
    value: ShaclValue


@dataclass
class PropertyShape:
    path: str
    name: str | None
    constraints: list[Constraint]
    severity: str | None
    message: str | None


@dataclass
class Example:
    valid: bool
    note: str
    code: str


@dataclass
class Shape:
    iri: str
    anchor: str
    label: str
    comment: str | None
    targets: list[Constraint]
    severity: str | None
    message: str | None
    constraints: list[Constraint]
    properties: list[PropertyShape]
    sparql: list[dict]
    examples: list[Example]
    focus_count: int | None = None


@dataclass
class ShapesDoc:
    iri: str
    title: str
    description: str | None
    meta: list[Row]
    shapes: list[Shape] = field(default_factory=list)


_TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")
_SHAPE_SKIP = {RDF_TYPE, RDFS + "label", RDFS + "comment", SKOS + "example", SH + "severity", SH + "message",
               SH + "property", SH + "sparql", SH + "path", SH + "name", SH + "description"} | {SH + t for t in _TARGETS}


def shapes_doc(store, settings, lang: str) -> ShapesDoc:
    iri = settings.base_uri + "shapes"
    index = GraphIndex(graph_triples(store, SHAPES_GRAPH))
    builder = PageBuilder(store, settings.base_uri, lang)
    root = ox.NamedNode(iri)
    meta = builder._rows({p: o for p, o in index.spo.get(root, {}).items()
                          if p not in (DCT + "title", DCT + "description", SH + "declare")}, index.bnodes, 0)
    doc = ShapesDoc(iri, _lit(index, root, DCT + "title", lang) or "gcm-kg shapes",
                    _lit(index, root, DCT + "description", lang), meta)
    named = [s for s in index.spo if isinstance(s, ox.NamedNode) and
             (ox.NamedNode(SH + "NodeShape") in index.objects(s, RDF_TYPE)
              or ox.NamedNode(SH + "PropertyShape") in index.objects(s, RDF_TYPE))]
    for node in sorted(named, key=lambda n: _natural_key(n.value)):
        anchor = node.value.rsplit("/", 1)[-1]
        shape = Shape(
            iri=node.value, anchor=anchor, label=_lit(index, node, RDFS + "label", lang) or anchor,
            comment=_lit(index, node, RDFS + "comment", lang) or _lit(index, node, SH + "description", lang),
            targets=[Constraint(t, _shacl_value(index, o)) for t in _TARGETS for o in index.objects(node, SH + t)],
            severity=_severity(index, node), message=_lit(index, node, SH + "message", lang),
            constraints=_constraints(index, node, _SHAPE_SKIP),
            properties=[_property_shape(index, p, lang) for p in index.objects(node, SH + "property")],
            sparql=[{"select": _lit(index, c, SH + "select", lang) or _lit(index, c, SH + "ask", lang) or "",
                     "message": _lit(index, c, SH + "message", lang), "severity": _severity(index, c)}
                    for c in index.objects(node, SH + "sparql")],
            examples=[_example(o.value) for o in index.objects(node, SKOS + "example") if isinstance(o, ox.Literal)],
        )
        if ox.NamedNode(SH + "PropertyShape") in index.objects(node, RDF_TYPE) and index.one(node, SH + "path"):
            shape.properties.insert(0, _property_shape(index, node, lang))
        shape.examples.sort(key=lambda e: not e.valid)
        shape.properties.sort(key=lambda p: p.path)
        classes = [o for o in index.objects(node, SH + "targetClass") if isinstance(o, ox.NamedNode)]
        if classes:
            shape.focus_count = int(next(iter(store.query(
                f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES ?c {{ {' '.join(f'<{c.value}>' for c in classes)} }} "
                f"?s a ?c }}")))["n"].value)
        doc.shapes.append(shape)
    return doc


def _severity(index: GraphIndex, node) -> str | None:
    sev = index.one(node, SH + "severity")
    return sev.value.rsplit("#", 1)[-1] if isinstance(sev, ox.NamedNode) else None


def _example(text: str) -> Example:
    first, _, rest = text.partition("\n")
    if first.startswith("#"):
        note = first.lstrip("# ").strip()
        valid = not note.lower().startswith("invalid")
        return Example(valid, note, rest.replace("\\/", "/"))
    return Example(True, "", text.replace("\\/", "/"))


def _property_shape(index: GraphIndex, node, lang: str) -> PropertyShape:
    path = index.one(node, SH + "path")
    return PropertyShape(_path(index, path) if path is not None else "?",
                         _lit(index, node, SH + "name", lang),
                         _constraints(index, node, _SHAPE_SKIP | {SH + "path"}),
                         _severity(index, node), _lit(index, node, SH + "message", lang))


def _constraints(index: GraphIndex, node, skip: set) -> list[Constraint]:
    out = []
    for p, objs in index.spo.get(node, {}).items():
        if p in skip:
            continue
        name = p[len(SH):] if p.startswith(SH) else curie(p)
        for o in objs:
            out.append(Constraint(name, _shacl_value(index, o)))
    out.sort(key=lambda c: (_CONSTRAINT_ORDER.index(c.name) if c.name in _CONSTRAINT_ORDER else 99, c.name))
    return out


#: Constraint parameters in reading order (SHACL §4): cardinality, value type, range, string, …
_CONSTRAINT_ORDER = ["minCount", "maxCount", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
                     "nodeKind", "class", "datatype", "hasValue", "in", "minInclusive", "maxInclusive",
                     "minExclusive", "maxExclusive", "minLength", "maxLength", "pattern", "flags",
                     "languageIn", "uniqueLang", "node", "or", "and", "not", "xone", "equals", "disjoint",
                     "lessThan", "closed", "ignoredProperties", "deactivated"]


def _list(index: GraphIndex, head) -> list | None:
    items, node = [], head
    while isinstance(node, ox.BlankNode):
        first = index.one(node, RDF + "first")
        if first is None:
            return None
        items.append(first)
        node = index.one(node, RDF + "rest")
    return items if isinstance(node, ox.NamedNode) and node.value == RDF + "nil" else None


def _path(index: GraphIndex, node) -> str:
    """A SHACL property path in SPARQL property-path syntax."""
    if isinstance(node, ox.NamedNode):
        return curie(node.value)
    items = _list(index, node)
    if items is not None:
        return "/".join(_path(index, i) for i in items)
    for key, fmt in (("inversePath", "^{}"), ("zeroOrMorePath", "{}*"), ("oneOrMorePath", "{}+"),
                     ("zeroOrOnePath", "{}?")):
        inner = index.one(node, SH + key)
        if inner is not None:
            return fmt.format(_path(index, inner))
    alt = index.one(node, SH + "alternativePath")
    if alt is not None:
        return "(" + "|".join(_path(index, i) for i in (_list(index, alt) or [])) + ")"
    return "?"


def _shacl_value(index: GraphIndex, term) -> ShaclValue:
    if isinstance(term, ox.NamedNode):
        return ShaclValue("iri", curie(term.value), iri=term.value)
    if isinstance(term, ox.Literal):
        return ShaclValue("literal", term.value, lang=term.language)
    items = _list(index, term)
    if items is not None:
        return ShaclValue("list", items=[_shacl_value(index, i) for i in items])
    return ShaclValue("node", pairs=[(p[len(SH):] if p.startswith(SH) else curie(p), _shacl_value(index, o))
                                     for p, objs in index.spo.get(term, {}).items() for o in objs])


# -- rendering --------------------------------------------------------------------------------------

def html(kind: str, store, settings, lang: str, url_for_extension) -> str:
    if kind == "ontology":
        doc = ontology_doc(store, settings, lang)
        chrome = Chrome(lang, doc.title, site_path("ontology.html"), doc_alternates(url_for_extension),
                        site_path("sparql") + "?query=" + _q(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?s ?p ?o }} }}"))
        return render("ld/ontology.html", chrome, doc=doc)
    doc = shapes_doc(store, settings, lang)
    chrome = Chrome(lang, doc.title, site_path("shapes.html"), doc_alternates(url_for_extension),
                    site_path("sparql") + "?query=" + _q(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{SHAPES_GRAPH}> {{ ?s ?p ?o }} }}"))
    return render("ld/shapes.html", chrome, doc=doc)


def _q(query: str) -> str:
    from urllib.parse import quote

    return quote(query, safe="")


def void_html(store, settings, triples_: list[ox.Triple], lang: str, url_for_extension) -> str:
    """The VoID/DCAT description as a readable page (the dataset's properties, nested)."""
    index = GraphIndex(triples_)
    builder = PageBuilder(store, settings.base_uri, lang)
    from gcm_kg.services.dataset_description import dataset_iri

    ds = ox.NamedNode(dataset_iri(settings))
    partitions = {PREFIXES["void"] + "classPartition": PREFIXES["void"] + "class",
                  PREFIXES["void"] + "propertyPartition": PREFIXES["void"] + "property"}
    grouped = {p: o for p, o in index.spo.get(ds, {}).items() if p not in partitions}
    rows = builder._rows(grouped, index.bnodes, 0)
    # distributions, subsets and the SHACL result are described in the same document: nest them
    for row in rows:
        for value in row.values:
            if value.kind == "iri" and ox.NamedNode(value.iri) in index.spo and row.predicate in (
                    PREFIXES["dcat"] + "distribution", PREFIXES["void"] + "subset",
                    "http://www.w3.org/ns/dqv#hasQualityAnnotation"):
                own = {p: o for p, o in index.spo[ox.NamedNode(value.iri)].items()}
                value.rows = builder._rows(own, index.bnodes, 1)
    tables = []
    for partition, key in partitions.items():
        entries = []
        for part in index.objects(ds, partition):
            term = index.one(part, key)
            count = index.one(part, PREFIXES["void"] + ("entities" if key.endswith("class") else "triples"))
            if term is not None and count is not None:
                entries.append((builder.term_value(term), curie(term.value), int(count.value)))
        entries.sort(key=lambda e: (-e[2], e[1]))
        tables.append((builder.labels.label(partition), entries))
    chrome = Chrome(lang, "VoID / DCAT", site_path(".well-known/void"), doc_alternates(url_for_extension))
    return render("ld/void.html", chrome, props=rows, iri=ds.value, tables=tables)
