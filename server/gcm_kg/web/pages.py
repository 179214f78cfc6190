"""HTML pages of the linked data: entity pages, list pages and the landing page.

Each page is built in two steps: a plain data model read from the store with SPARQL (pyoxigraph),
then a template under ``templates/ld/`` (through :mod:`gcm_kg.web.templating`). Labels follow the
reader's language (``en`` or ``es``, from ``?lang=`` or ``Accept-Language``: :mod:`gcm_kg.web.language`) with English, then untagged, then any
label as fallbacks; the terms the graph reuses from other vocabularies are labelled by
:mod:`gcm_kg.web.labels`. Nothing here needs JavaScript; the small diagram is inline SVG laid out
here and drawn by ``templates/ld/diagram.html``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable
from urllib.parse import quote

import pyoxigraph as ox

from gcm_kg.services import citation
from gcm_kg.services.linked_data import DOC_FORMATS, LABEL_PROPERTIES, RDF_EXTENSIONS, path_for_iri
from gcm_kg.core.namespaces import DCT, OA, PREFIXES, PROV, RDF, RDF_TYPE, RDFS, SCHEMA, SKOS, XSD
from gcm_kg.web import templating
from gcm_kg.web.labels import vocabulary_labels


# -- words of the page chrome, in both languages -----------------------------------------------------
_TEXT = {
    "en": {
        "properties": "Properties", "referenced_by": "Referenced by", "provenance": "Provenance",
        "view_as": "This description as", "open_sparql": "Open in SPARQL", "diagram": "Links",
        "types": "Type", "items": "items", "more": "more", "quoted_from": "Quoted from",
        "home": "Home", "query": "SPARQL", "ontology": "Ontology", "shapes": "Shapes",
        "downloads": "Downloads", "validate": "Validate", "not_found": "Not found",
        "identifier": "Identifier", "section": "section", "no_entities": "Nothing of this kind yet.",
        "cite": "Cite", "copy_button": "Copy", "cite_as_file": "Citation as",
    },
    "es": {
        "properties": "Propiedades", "referenced_by": "Referido desde", "provenance": "Procedencia",
        "view_as": "Esta descripción en", "open_sparql": "Abrir en SPARQL", "diagram": "Vínculos",
        "types": "Tipo", "items": "elementos", "more": "más", "quoted_from": "Citado de",
        "home": "Inicio", "query": "SPARQL", "ontology": "Ontología", "shapes": "Formas",
        "downloads": "Descargas", "validate": "Validar", "not_found": "No encontrado",
        "identifier": "Identificador", "section": "sección", "no_entities": "Aún no hay nada de este tipo.",
        "cite": "Citar", "copy_button": "Copiar", "cite_as_file": "Cita en",
    },
}

#: Order of the first rows of the property table; other properties follow by label.
_ROW_ORDER = [RDF_TYPE, SKOS + "prefLabel", SCHEMA + "name", RDFS + "label", SKOS + "altLabel",
              SCHEMA + "alternateName", SKOS + "notation", SCHEMA + "position", SKOS + "definition",
              SCHEMA + "text"]
_LAST_ROWS = [PROV + "wasDerivedFrom"]
_LEAD_PROPERTIES = (SKOS + "definition", DCT + "description", SCHEMA + "description", RDFS + "comment",
                    SCHEMA + "text")
#: Links left out of the diagram: they connect everything to everything and say little.
_DIAGRAM_SKIP = {RDF_TYPE, SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "hasTopConcept",
                 SKOS + "member", SKOS + "memberList", RDFS + "isDefinedBy"}


def text(lang: str) -> dict[str, str]:
    return _TEXT.get(lang, _TEXT["en"])


def humanize(iri: str) -> str:
    """A readable fallback label from an IRI's last segment: ``LegalResource`` → ``legal resource``."""
    local = re.split(r"[#/]", iri.rstrip("/#"))[-1] or iri
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).replace("_", " ").split()
    return " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words) or local


def in_language(literal: ox.Literal, lang: str) -> bool:
    """Whether ``literal`` is tagged ``lang`` or one of its regional forms (``es``, ``es-419`` …)."""
    return (literal.language or "").lower().split("-")[0] == lang


def pick_literal(literals: Iterable[ox.Literal], lang: str) -> ox.Literal | None:
    """The literal in ``lang``, else English, else untagged, else any (stable)."""
    best, best_rank = None, 99
    for literal in literals:
        tag = (literal.language or "").lower()
        rank = 0 if in_language(literal, lang) else 1 if tag.startswith("en") else 2 if not tag else 3
        if rank < best_rank:
            best, best_rank = literal, rank
    return best


def _values(iris: Iterable[str]) -> str:
    return " ".join(f"<{ox.NamedNode(i).value}>" for i in iris)


class Labeller:
    """Labels of IRIs from the store (first label property that has one, in the reader's language)."""

    def __init__(self, store, lang: str):
        self.store, self.lang = store, lang
        self._cache: dict[str, str | None] = {}

    def load(self, iris: Iterable[str]) -> None:
        todo = sorted({i for i in iris if i not in self._cache})
        if not todo:
            return
        found: dict[str, dict[str, list[ox.Literal]]] = {}
        props = " ".join(f"<{p}>" for p in LABEL_PROPERTIES)
        for row in self.store.query(f"""SELECT ?x ?p ?l WHERE {{ VALUES ?x {{ {_values(todo)} }}
                {{ VALUES ?p {{ {props} }} ?x ?p ?l }}
                UNION {{ ?x <{OA}hasSelector>/<{OA}exact> ?l BIND(<{OA}exact> AS ?p) }}
                UNION {{ ?x <{SCHEMA}text> ?l BIND(<{SCHEMA}text> AS ?p) }}
                FILTER(isLiteral(?l)) }}"""):
            found.setdefault(row["x"].value, {}).setdefault(row["p"].value, []).append(row["l"])
        order = list(LABEL_PROPERTIES) + [OA + "exact", SCHEMA + "text"]
        for iri in todo:
            label, from_graph = None, None
            for prop in order:
                from_graph = pick_literal(found.get(iri, {}).get(prop, []), self.lang)
                if from_graph is not None:
                    label = from_graph.value
                    if prop in (OA + "exact", SCHEMA + "text"):
                        label = _shorten(label, 90)
                    break
            # Reused terms (skos:prefLabel, dct:title …) are labelled by the web layer's vocabulary
            # file, in both languages; a label from the graph wins unless only the file speaks the
            # reader's language.
            from_file = pick_literal(vocabulary_labels().get(iri, ()), self.lang)
            if from_file is not None and (from_graph is None or not in_language(from_graph, self.lang)
                                          and in_language(from_file, self.lang)):
                label = from_file.value
            self._cache[iri] = label

    def label(self, iri: str) -> str:
        if iri not in self._cache:
            self.load([iri])
        return self._cache[iri] or humanize(iri)

    def has_label(self, iri: str) -> bool:
        self.load([iri])
        return self._cache[iri] is not None


def _shorten(value: str, limit: int) -> str:
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def curie(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


# -- the data model of an entity page --------------------------------------------------------------

@dataclass
class Value:
    kind: str                      # "iri", "literal", "bnode", "list"
    text: str = ""
    href: str | None = None
    external: bool = False
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None    # short name of a non-string datatype
    rows: list["Row"] = field(default_factory=list)       # a blank node's own properties
    items: list["Value"] = field(default_factory=list)    # an RDF list's members


@dataclass
class Row:
    predicate: str
    label: str
    href: str
    values: list[Value]


@dataclass
class Quote:
    passage: str
    href: str | None
    exact: str
    prefix: str | None
    suffix: str | None
    source: Value | None
    section: Value | None


@dataclass
class EntityPage:
    iri: str
    title: str
    lead: str | None
    types: list[Value]
    rows: list[Row]
    inverse: list[Row]
    quotes: list[Quote]
    diagram: Diagram | None


class PageBuilder:
    """Reads what an entity page shows from the store (all SPARQL on pyoxigraph)."""

    def __init__(self, store, base_uri: str, lang: str):
        self.store, self.base_uri, self.lang = store, base_uri, lang
        self.labels = Labeller(store, lang)

    def href(self, iri: str) -> tuple[str, bool]:
        """Where a link to ``iri`` goes: our own path for our IRIs, the IRI itself otherwise."""
        local = path_for_iri(self.base_uri, iri)
        return (templating.site_path(local), False) if local is not None else (iri, True)

    def term_value(self, term, bnode_triples: dict | None = None, depth: int = 0) -> Value:
        if isinstance(term, ox.NamedNode):
            href, external = self.href(term.value)
            return Value("iri", self.labels.label(term.value), href, external, iri=term.value)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            short = None if datatype in (XSD + "string", RDF + "langString") else curie(datatype)
            value = Value("literal", term.value, lang=term.language, datatype=short)
            if datatype == XSD + "anyURI" and re.match(r"https?://", term.value):
                value.href, value.external = term.value, True
            return value
        # blank node: an RDF list or a nested description
        triples = (bnode_triples or {}).get(term, [])
        items = _list_items(term, bnode_triples or {})
        if items is not None:
            return Value("list", items=[self.term_value(i, bnode_triples, depth + 1) for i in items])
        if depth > 4:
            return Value("bnode", "…")
        grouped: dict[str, list] = {}
        for t in triples:
            grouped.setdefault(t.predicate.value, []).append(t.object)
        return Value("bnode", rows=self._rows(grouped, bnode_triples, depth + 1))

    def _rows(self, grouped: dict[str, list], bnode_triples, depth: int) -> list[Row]:
        self.labels.load(list(grouped) + [o.value for objs in grouped.values() for o in objs
                                          if isinstance(o, ox.NamedNode)])
        rows = []
        for predicate, objects in grouped.items():
            href, _ = self.href(predicate)
            values = [self.term_value(o, bnode_triples, depth) for o in objects]
            values.sort(key=lambda v: ((v.lang or self.lang).split("-")[0] != self.lang,) + _value_sort_key(v))
            rows.append(Row(predicate, self.labels.label(predicate), href, values))
        rows.sort(key=lambda r: (_row_rank(r.predicate), r.label.lower()))
        return rows

    def entity(self, iri: str) -> EntityPage:
        triples = self.store.describe(iri)
        thing = ox.NamedNode(iri)
        bnode_triples: dict = {}
        for t in triples:
            if isinstance(t.subject, ox.BlankNode):
                bnode_triples.setdefault(t.subject, []).append(t)
        own: dict[str, list] = {}
        for t in triples:
            if t.subject == thing:
                own.setdefault(t.predicate.value, []).append(t.object)
        incoming: dict[str, list] = {}
        for row in self.store.query(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p <{thing.value}> }}"):
            incoming.setdefault(row["p"].value, []).append(row["s"])
        self.labels.load([iri] + [s.value for ss in incoming.values() for s in ss if isinstance(s, ox.NamedNode)])

        rows = self._rows(own, bnode_triples, 0)
        types = next((r.values for r in rows if r.predicate == RDF_TYPE), [])
        rows = [r for r in rows if r.predicate != RDF_TYPE]
        inverse = self._rows(incoming, {}, 1)
        for row in inverse:  # blank subjects pointing here are shown by what they are part of
            row.values = [v for v in row.values if v.kind == "iri"]
        inverse = [r for r in inverse if r.values]

        lead = None
        for prop in _LEAD_PROPERTIES:
            literal = pick_literal([o for o in own.get(prop, []) if isinstance(o, ox.Literal)], self.lang)
            if literal is not None:
                lead = literal.value
                break
        title = self.labels.label(iri)
        if title == lead:  # a question or claim labelled by its own text: give it a short title
            title = _shorten(title, 90)
        passages = [o.value for p in (PROV + "wasDerivedFrom", OA + "hasTarget") for o in own.get(p, [])
                    if isinstance(o, ox.NamedNode)]
        if any(p == OA + "hasSelector" for p in own):
            passages.insert(0, iri)
        return EntityPage(iri, title, lead, types, rows, inverse, self.quotes(passages),
                          self.diagram(iri, title, own, incoming))

    def quotes(self, passages: list[str]) -> list[Quote]:
        if not passages:
            return []
        found: dict[str, Quote] = {}
        for row in self.store.query(f"""SELECT ?p ?exact ?prefix ?suffix ?source ?section WHERE {{
                VALUES ?p {{ {_values(passages)} }} ?p <{OA}hasSelector> ?sel . ?sel <{OA}exact> ?exact .
                OPTIONAL {{ ?sel <{OA}prefix> ?prefix }} OPTIONAL {{ ?sel <{OA}suffix> ?suffix }}
                OPTIONAL {{ ?p <{OA}hasSource> ?source }} OPTIONAL {{ ?p <{DCT}isPartOf> ?section }} }}"""):
            key = row["p"].value
            if key in found:
                continue
            href, _ = self.href(key)
            found[key] = Quote(key, href, row["exact"].value,
                               row["prefix"].value if row["prefix"] else None,
                               row["suffix"].value if row["suffix"] else None,
                               self.term_value(row["source"]) if row["source"] else None,
                               self.term_value(row["section"]) if row["section"] else None)
        return [found[p] for p in dict.fromkeys(passages) if p in found]

    def diagram(self, iri: str, title: str, own: dict, incoming: dict) -> Diagram | None:
        out = [(p, o.value) for p, objs in own.items() if p not in _DIAGRAM_SKIP
               for o in objs if isinstance(o, ox.NamedNode)]
        inc = [(p, s.value) for p, subs in incoming.items() if p not in _DIAGRAM_SKIP
               for s in subs if isinstance(s, ox.NamedNode)]
        if not out and not inc:
            return None
        self.labels.load([p for p, _ in out + inc] + [n for _, n in out + inc])
        return neighbourhood_diagram(title, [self._node(p, n) for p, n in sorted(inc, key=self._node_key)],
                                     [self._node(p, n) for p, n in sorted(out, key=self._node_key)],
                                     text(self.lang)["more"])

    def _node_key(self, pair):
        p, n = pair
        return (self.labels.label(p), _natural_key(n))

    def _node(self, predicate: str, node: str) -> tuple[str, str, str]:
        return self.labels.label(predicate), self.labels.label(node), self.href(node)[0]


def _list_items(head, bnode_triples: dict) -> list | None:
    items, node, seen = [], head, set()
    while isinstance(node, ox.BlankNode) and node not in seen:
        seen.add(node)
        first = rest = None
        for t in bnode_triples.get(node, []):
            if t.predicate.value == RDF + "first":
                first = t.object
            elif t.predicate.value == RDF + "rest":
                rest = t.object
        if first is None or rest is None:
            return None
        items.append(first)
        node = rest
    return items if isinstance(node, ox.NamedNode) and node.value == RDF + "nil" else None


def _row_rank(predicate: str) -> int:
    if predicate in _ROW_ORDER:
        return _ROW_ORDER.index(predicate)
    if predicate in _LAST_ROWS:
        return 1000 + _LAST_ROWS.index(predicate)
    return 100


def _natural_key(text: str):
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _value_sort_key(value: Value):
    return (value.kind != "iri", _natural_key(value.iri or value.text))


# -- the diagram -------------------------------------------------------------------------------------

def _wrap(text_: str, width: int, lines: int) -> list[str]:
    words, out, line = " ".join(text_.split()).split(" "), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = _shorten(out[-1] + " …", width)
    return [_shorten(o, width) for o in out]


@dataclass
class DiagramNode:
    """A neighbour: a linked box, and the curve that joins it to the thing in the middle."""

    predicate: str          # the link's label and the neighbour's label (in full in the tooltip)
    node: str
    href: str
    predicate_short: str    # as written in the box
    node_short: str
    x: float
    y: float
    edge: str               # the curve, as SVG path data


@dataclass
class DiagramSide:
    nodes: list[DiagramNode]
    more: int               # neighbours left out of this side
    more_x: float
    more_y: float


@dataclass
class Diagram:
    """Where everything of the neighbourhood diagram goes (``templates/ld/diagram.html`` draws it)."""

    title: str
    width: int
    height: float
    box_width: int
    box_height: int
    sides: list[DiagramSide]
    more_word: str
    center_x: float
    center_left: float
    center_top: float
    center_width: int
    center_height: int
    title_lines: list[tuple[float, str]]    # (baseline y, text)


def neighbourhood_diagram(title: str, left: list[tuple[str, str, str]], right: list[tuple[str, str, str]],
                          more_word: str = "more", limit: int = 12) -> Diagram:
    """The thing in the middle, what points at it on the left, what it points at on the right.

    Each node is ``(predicate label, node label, href)`` and a link; each side shows at most
    ``limit`` nodes and says how many more there are.
    """
    title_lines = _wrap(title, 30, 3)
    center_h = 18 * len(title_lines) + 22
    (left, left_more), (right, right_more) = [(items[:limit], max(0, len(items) - limit)) for items in (left, right)]
    rows = max(len(left) + bool(left_more), len(right) + bool(right_more), 1)
    step, box_w, box_h, width, center_w = 44, 260, 34, 960, 290
    height = max(rows * step + 24, center_h + 40)
    cx, cy = width / 2, height / 2

    def side(shown, more, x, anchor_x) -> DiagramSide:
        top = (height - (len(shown) + bool(more)) * step) / 2 + 5
        edge_x = x + box_w if x < cx else x
        mid = (anchor_x + edge_x) / 2
        nodes = []
        for i, (plabel, nlabel, href) in enumerate(shown):
            y = top + i * step
            ny = y + box_h / 2
            nodes.append(DiagramNode(plabel, nlabel, href, _shorten(plabel, 42), _shorten(nlabel, 36), x, y,
                                     f"M{anchor_x},{cy} C{mid},{cy} {mid},{ny} {edge_x},{ny}"))
        return DiagramSide(nodes, more, x, top + len(shown) * step)

    center_top = cy - center_h / 2
    return Diagram(title, width, height, box_w, box_h,
                   [side(left, left_more, 10, cx - center_w / 2),
                    side(right, right_more, width - 10 - box_w, cx + center_w / 2)],
                   more_word, cx, cx - center_w / 2, center_top, center_w, center_h,
                   [(center_top + 11 + 18 * (i + 1) - 4, line) for i, line in enumerate(title_lines)])


# -- rendering ---------------------------------------------------------------------------------------

@dataclass
class Chrome:
    """What every page needs besides its content."""

    lang: str
    title: str
    canonical: str | None = None
    alternates: list[tuple[str, str, str]] = field(default_factory=list)  # (label, href, media type)
    sparql_href: str | None = None
    #: The page the language versions (hreflang, the switcher) are of, when not the canonical one.
    language_page: str | None = None
    jsonld: str | None = None   # the page's JSON-LD, already made safe by templating.script_json

    @property
    def t(self) -> dict[str, str]:
        return text(self.lang)


def render(template: str, chrome: Chrome, **context) -> str:
    """A linked-data page: ``template`` (a path under ``templates/``) with the chrome and its words."""
    return templating.render(template, chrome=chrome, t=chrome.t, **context)


def sparql_describe_href(iri: str) -> str:
    return templating.site_path("sparql") + "?query=" + quote(f"DESCRIBE <{iri}>", safe="")


def doc_alternates(url_for_extension, with_html: bool = False) -> list[tuple[str, str, str]]:
    exts = RDF_EXTENSIONS + (("html",) if with_html else ())
    return [(DOC_FORMATS[e].label, url_for_extension(e), DOC_FORMATS[e].media_type) for e in exts]


def entity_html(store, base_uri: str, iri: str, lang: str, url_for_extension, canonical: str,
                jsonld: bytes | None = None) -> str:
    """The page of ``iri``; ``jsonld`` (its JSON-LD document) is embedded for crawlers."""
    page = PageBuilder(store, base_uri, lang).entity(iri)
    chrome = Chrome(lang, page.title, canonical, doc_alternates(url_for_extension), sparql_describe_href(iri),
                    jsonld=templating.script_json(jsonld) if jsonld else None)
    return render("ld/entity.html", chrome, page=page, cite=cite_box(store, base_uri, iri, url_for_extension))


@dataclass
class Reference:
    style: str   # key of citation.STYLES, used in element ids
    label: str
    text: str


@dataclass
class CiteBox:
    """The "Cite" box of a page about something that can be cited."""

    references: list[Reference]
    files: list[tuple[str, str, str]]  # (label, href, media type) of the citation documents


def cite_box(store, base_uri: str, iri: str, url_for_extension) -> CiteBox | None:
    """APA and Chicago references of ``iri`` and links to its citation documents; None when it
    cannot be cited (see :mod:`gcm_kg.services.citation`)."""
    item = citation.record(store, iri, base_uri)
    if item is None:
        return None
    references = [Reference(key, label, citation.formatted(item, key)) for key, (label, _) in citation.STYLES.items()]
    files = [(fmt.label, url_for_extension(ext), fmt.media_type) for ext, fmt in citation.FORMATS.items()]
    return CiteBox(references, files)


# -- list and landing pages --------------------------------------------------------------------------

#: The kinds of things listed on the landing page, with their headings.
KINDS = [
    ("objective", "Objectives", "Objetivos"),
    ("theme", "Themes", "Temas"),
    ("question", "Guiding questions", "Preguntas orientadoras"),
    ("statement", "Challenges and opportunities", "Desafíos y oportunidades"),
    ("work", "Cited works and instruments", "Obras e instrumentos citados"),
    ("organization", "Organisations", "Organizaciones"),
    ("paragraph", "Paragraphs of the Compact", "Párrafos del Pacto"),
    ("part", "Parts of the Compact", "Partes del Pacto"),
    ("action", "Actions of the Compact", "Acciones del Pacto"),
    ("instrument", "Instruments named in the Compact", "Instrumentos nombrados en el Pacto"),
    ("compact", "The Compact", "El Pacto"),
    ("review", "Reviews", "Exámenes"),
    ("round-table", "Round tables", "Mesas redondas"),
    ("document", "Documents", "Documentos"),
    ("section", "Sections", "Secciones"),
    ("passage", "Quoted passages", "Pasajes citados"),
    ("annotation", "Annotations", "Anotaciones"),
    ("scheme", "Concept schemes", "Esquemas de conceptos"),
    ("collection", "Collections", "Colecciones"),
    ("work-kind", "Kinds of work", "Tipos de obra"),
    ("dataset", "Datasets", "Conjuntos de datos"),
    ("query", "Canned queries", "Consultas predefinidas"),
]


def kind_heading(kind: str, lang: str) -> str:
    for key, en, es in KINDS:
        if key == kind:
            return es if lang == "es" else en
    return kind.replace("-", " ").capitalize()


def kind_counts(store, base_uri: str) -> dict[str, int]:
    """How many things of each kind (``id/{kind}/…``) are described (as subjects)."""
    prefix = base_uri + "id/"
    counts: dict[str, int] = {}
    for row in store.query(f"""SELECT ?kind (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o .
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(prefix)}))
            BIND(STRBEFORE(STRAFTER(STR(?s), {ox.Literal(prefix)}), "/") AS ?kind) FILTER(?kind != "") }}
            GROUP BY ?kind"""):
        counts[row["kind"].value] = int(row["n"].value)
    return counts


def list_items(store, base_uri: str, kind: str, lang: str) -> list[Value]:
    prefix = f"{base_uri}id/{kind}/"
    iris = [row["s"].value for row in store.query(f"""SELECT DISTINCT ?s WHERE {{ ?s ?p ?o .
            FILTER(isIRI(?s) && STRSTARTS(STR(?s), {ox.Literal(prefix)})) }}""")]
    positions = {row["s"].value: int(row["n"].value) for row in store.query(
        f"""SELECT ?s (MIN(?pos) AS ?n) WHERE {{ VALUES ?s {{ {_values(iris)} }} ?s <{SCHEMA}position> ?pos
        FILTER(DATATYPE(?pos) = <{XSD}integer>) }} GROUP BY ?s""")} if iris else {}
    builder = PageBuilder(store, base_uri, lang)
    builder.labels.load(iris)
    values = [builder.term_value(ox.NamedNode(i)) for i in iris]
    values.sort(key=lambda v: (positions.get(v.iri, 10 ** 6), _natural_key(v.iri[len(prefix):])))
    return values


def list_html(store, base_uri: str, kind: str, lang: str) -> str:
    heading = kind_heading(kind, lang)
    chrome = Chrome(lang, heading, canonical=templating.site_path(f"list/{kind}"))
    return render("ld/list.html", chrome, heading=heading, kind=kind,
                  items=list_items(store, base_uri, kind, lang), prefix=f"{base_uri}id/{kind}/")


def graph_html(store, base_uri: str, iri: str, lang: str, *, triples: int, url_for_extension, canonical: str) -> str:
    """The page of the named graph ``iri``: its IRI and size, and the things it states something about."""
    subjects = [row["s"].value for row in store.query(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH <{ox.NamedNode(iri).value}> {{ ?s ?p ?o }} FILTER(isIRI(?s)) }}")]
    builder = PageBuilder(store, base_uri, lang)
    builder.labels.load(subjects)
    items = sorted((builder.term_value(ox.NamedNode(s)) for s in subjects), key=lambda v: _natural_key(v.iri))
    name = iri[len(base_uri + "graph/"):] if iri.startswith(base_uri + "graph/") else iri
    title = ("Grafo " if lang == "es" else "Graph ") + name
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iri}> {{ ?s ?p ?o }} }}"
    chrome = Chrome(lang, title, canonical, doc_alternates(url_for_extension),
                    templating.site_path("sparql") + "?query=" + quote(query, safe=""))
    return render("ld/graph.html", chrome, iri=iri, title=title, triples=triples, items=items)


def not_found_html(store, base_uri: str, iri: str, lang: str) -> str:
    kind = iri[len(base_uri + "id/"):].split("/")[0] if iri.startswith(base_uri + "id/") else ""
    counts = kind_counts(store, base_uri)
    chrome = Chrome(lang, text(lang)["not_found"])
    return render("ld/not_found.html", chrome, iri=iri, kind=kind if kind in counts else None,
                  kind_heading=kind_heading(kind, lang) if kind else "",
                  kinds=[(k, kind_heading(k, lang), counts[k]) for k, _, _ in KINDS if k in counts])


def landing_html(store, base_uri: str, lang: str, *, counts, dataset: dict, dumps: list[dict],
                 example_query: str = "", release=None, releases: list[dict] = (), schema: dict | None = None) -> str:
    """The landing page; ``release`` is the data's :class:`~gcm_kg.services.releases.ReleaseRecord`
    (None when the graph states none), ``releases`` the published ones (newest first) and ``schema``
    the schema.org ``Dataset`` embedded as JSON-LD (:mod:`gcm_kg.services.schema_org`)."""
    kinds = kind_counts(store, base_uri)
    chrome = Chrome(lang, dataset.get("title") or "gcm-kg", canonical=templating.site_path(""),
                    jsonld=templating.script_json(json.dumps(schema, ensure_ascii=False, indent=1)) if schema else None)
    entry = [(k, kind_heading(k, lang), kinds[k]) for k, _, _ in KINDS if k in kinds]
    entry += [(k, kind_heading(k, lang), n) for k, n in sorted(kinds.items()) if k not in {e[0] for e in entry}]
    return render("ld/landing.html", chrome, counts=counts, kinds=entry, dataset=dataset, dumps=dumps,
                  example_query=example_query, release=release, releases=releases)
