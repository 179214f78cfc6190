"""SHACL validation of gcm-kg graphs: one engine, one set of options, four report formats.

Everything that validates (``gcm-kg validate``, the HTTP ``/validate`` endpoint, the tests) calls
:func:`validate`, so a graph conforms in one place exactly when it conforms in the others:

* pySHACL with SHACL-SPARQL enabled (``advanced=True``), no inference (``inference="none"``);
* the shipped ontology passed as ``ont_graph`` so that ``sh:targetClass`` reaches instances of
  subclasses (``rdfs:subClassOf`` in ``ontology/``) and ``sh:class`` accepts them;
* by default the shipped data is mixed in as *reference* data, so a file that only points at a
  shipped theme or objective can be checked on its own; results are then reported only for the
  nodes the validated graph describes (or mentions, when the reference data does not describe
  them);
* warnings and infos do not make a graph non-conforming: it conforms when there is no result of
  severity ``sh:Violation``.

Formatters turn a :class:`ValidationResult` into text (grouped by focus node), Turtle (the SHACL
validation report), JSON (documented in :func:`format_json`) or JUnit XML (one test case per focus
node, a failure for each node with violations).
"""

from __future__ import annotations

import json
import logging
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence, TextIO

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.paths import Path as RdfPath
from rdflib.term import Node

from gcm_kg.rdf import rdfio
from gcm_kg.rdf import resources
from gcm_kg.core.namespaces import PREFIXES

__all__ = [
    "Result", "ValidationResult", "validate", "load_graph", "parse_graph", "shipped_graph", "expand_paths",
    "format_text", "format_turtle", "format_json", "format_junit", "FORMATTERS", "run_validate",
    "ShapesError",
]

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)
_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = str(XSD.string)
SHIPPED = "shipped"


class ShapesError(ValueError):
    """The shapes graph is not usable: not valid SHACL, or a shape cannot be loaded."""


@dataclass(frozen=True)
class Result:
    """One validation result, in plain terms.

    ``source_shape`` is the *named* shape the constraint belongs to (a property shape written as
    a blank node inside ``gcmsh:S03-question`` reports ``gcmsh:S03-question``); the exact shape
    pySHACL reported is kept in ``reported_shape``.
    """

    focus_node: Node
    path: URIRef | RdfPath | None
    value: Node | None
    severity: URIRef
    message: str
    source_shape: Node
    constraint_component: URIRef
    reported_shape: Node | None = None
    focus_label: str = ""

    @property
    def label(self) -> str:
        """How the focus node is shown: its compact IRI, or for a blank node the way to it."""
        return self.focus_label or compact(self.focus_node)

    @property
    def severity_name(self) -> str:
        return _SEVERITY_NAMES.get(self.severity, str(self.severity))


@dataclass
class ValidationResult:
    """The outcome of :func:`validate`: ``conforms`` is False only when a violation was found."""

    conforms: bool
    report: rdflib.Graph
    results: list[Result] = field(default_factory=list)
    triples: int = 0
    shapes: int = 0

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.severity for r in self.results)
        return {name: counter.get(sev, 0) for sev, name in _SEVERITY_NAMES.items()}

    def by_focus_node(self) -> dict[Node, list[Result]]:
        groups: dict[Node, list[Result]] = defaultdict(list)
        for r in self.results:
            groups[r.focus_node].append(r)
        return dict(groups)


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------

def new_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def _term(term, path: Path, file_key: str) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        # Blank node labels are scoped to their file: two files' _:b1 are different nodes.
        return BNode(f"{file_key}x{term.value}")
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if term.language:
            return Literal(term.value, lang=term.language)
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise rdfio.RdfFileError(path, f"unsupported RDF term {term!r} (RDF 1.2 triple terms are not supported)")


def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files as given; a directory stands for every RDF file below it (sorted)."""
    expanded: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in resources.RDF_SUFFIXES)
            if not found:
                raise rdfio.RdfFileError(p, "directory contains no RDF files "
                                            f"({', '.join(resources.RDF_SUFFIXES)})")
            expanded.extend(found)
        else:
            expanded.append(p)
    return expanded


def load_graph(paths: Iterable[Path | str]) -> rdflib.Graph:
    """Parse every file (or every RDF file below a directory) into one rdflib graph.

    Files are parsed with pyoxigraph first, so a malformed file raises
    :class:`gcm_kg.rdf.rdfio.RdfFileError` whose message is ``file:line:column: message``. Quads of
    named graphs (TriG, N-Quads) are merged into the one graph, as in the endpoint's default
    graph.
    """
    graph = new_graph()
    for index, path in enumerate(expand_paths(paths)):
        key = f"f{index}"
        for quad in rdfio.read_quads(path):
            graph.add((_term(quad.subject, path, key), _term(quad.predicate, path, key),
                       _term(quad.object, path, key)))
    return graph


def parse_graph(data: bytes, fmt: ox.RdfFormat, *, name: str = "request body",
                base_iri: str | None = None) -> rdflib.Graph:
    """Parse RDF bytes (e.g. an HTTP request body) like :func:`load_graph` parses a file.

    Raises :class:`gcm_kg.rdf.rdfio.RdfFileError` naming ``name``, line and column.
    """
    graph = new_graph()
    for quad in rdfio.parse_bytes(data, fmt, name=name, base_iri=base_iri):
        graph.add((_term(quad.subject, Path(name), "b"), _term(quad.predicate, Path(name), "b"),
                   _term(quad.object, Path(name), "b")))
    return graph


def _signature(paths: Sequence[Path]) -> tuple[tuple[str, int], ...]:
    return tuple((str(p), p.stat().st_mtime_ns) for p in paths)


@lru_cache(maxsize=16)
def _cached_graph(signature: tuple[tuple[str, int], ...]) -> rdflib.Graph:
    return load_graph([Path(p) for p, _ in signature])


def shipped_graph(*folders: str, exclude: Iterable[Path] = ()) -> rdflib.Graph:
    """The shipped ``ontology``/``data``/``shapes`` files of ``folders`` as one (cached) graph.

    The result is shared: do not modify it. ``exclude`` drops shipped files that are the same
    file as, or share their path below the folder with, one of the given paths (so validating an
    edited ``data/x.ttl`` does not also load the installed copy of ``data/x.ttl``).
    """
    excluded = [Path(p).resolve() for p in exclude]
    files: list[Path] = []
    for folder in folders:
        root = resources.resource_dir(folder)
        for path in resources.rdf_files(folder):
            relative = (folder,) + path.relative_to(root).parts
            if any(path.resolve() == e or e.parts[-len(relative):] == relative for e in excluded):
                continue
            files.append(path)
    return _cached_graph(_signature(files))


# --------------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple[tuple[str, str], ...]):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces))


_QUERY_CACHE_INSTALLED = False

# pySHACL logs what it also raises (e.g. a shapes graph failing SHACL-SHACL); errors are reported
# once, by the caller, from the exception.
_QUIET = logging.getLogger("gcm_kg.validation.pyshacl")
_QUIET.addHandler(logging.NullHandler())
_QUIET.propagate = False


def _install_query_cache() -> None:
    """Parse each SHACL-SPARQL query once instead of once per focus node.

    pySHACL runs a SPARQL constraint for every focus node with ``$this`` pre-bound, handing the
    same query text to rdflib each time, and rdflib parses it anew each time (most of the
    validation time). Prepared queries are rdflib's documented way to reuse a query with
    different initial bindings; the results are identical.
    """
    global _QUERY_CACHE_INSTALLED
    if _QUERY_CACHE_INSTALLED:
        return
    from pyshacl.graph_abstraction import RdfLibDataGraph

    original = RdfLibDataGraph.query

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and isinstance(self.impl, rdflib.Graph):
            try:
                query_object = _prepared(query_object, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
                initNs = None
            except Exception:  # leave anything unusual to rdflib itself
                pass
        return original(self, query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    RdfLibDataGraph.query = query
    _QUERY_CACHE_INSTALLED = True

def _named_shape(shapes: rdflib.Graph, node: Node) -> Node:
    """The named shape a blank-node (property, nested) shape belongs to."""
    seen = set()
    current = node
    while isinstance(current, BNode) and current not in seen:
        seen.add(current)
        parents = [s for s in shapes.subjects(None, current) if s != current]
        if not parents:
            return node
        current = sorted(parents, key=lambda s: (isinstance(s, BNode), str(s)))[0]
    return current if isinstance(current, URIRef) else node


def _describe(graph: rdflib.Graph, node: Node, depth: int = 0) -> str:
    """``gcm:passage/x oa:hasSelector []`` for a blank node: the way to it from an IRI."""
    if not isinstance(node, BNode):
        return compact(node)
    if depth < 4:
        for s, p in graph.subject_predicates(node):
            if s != node:
                return f"{_describe(graph, s, depth + 1)} {compact(p)} []"
    return "[]"


def _message(report: rdflib.Graph, result: Node) -> str:
    messages = list(report.objects(result, SH.resultMessage))
    for m in messages:
        if isinstance(m, Literal) and (m.language or "").lower().startswith("en"):
            return str(m)
    return str(messages[0]) if messages else ""


def _path(report: rdflib.Graph, result: Node) -> URIRef | RdfPath | None:
    from rdflib.extras.shacl import parse_shacl_path

    node = report.value(result, SH.resultPath)
    if node is None:
        return None
    if isinstance(node, URIRef):
        return node
    try:
        return parse_shacl_path(report, node)
    except Exception:  # an unusual path: keep the node rather than fail the report
        return node


def _count_shapes(shapes: rdflib.Graph) -> int:
    named = {s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    named |= {s for s in shapes.subjects(RDF.type, SH.PropertyShape) if isinstance(s, URIRef)}
    return len(named)


def _filtered_report(report: rdflib.Graph, keep: list[Node], conforms: bool) -> rdflib.Graph:
    out = new_graph()
    reports = list(report.subjects(RDF.type, SH.ValidationReport))
    for rep in reports:
        for p, o in report.predicate_objects(rep):
            if p not in (SH.result, SH.conforms):
                out.add((rep, p, o))
        out.add((rep, SH.conforms, Literal(conforms)))
        for r in keep:
            out.add((rep, SH.result, r))
    todo = list(keep)
    done = set()
    while todo:
        node = todo.pop()
        if node in done:
            continue
        done.add(node)
        for p, o in report.predicate_objects(node):
            out.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return out


@lru_cache(maxsize=1)
def _shacl_shacl() -> rdflib.Graph:
    import pyshacl

    return rdflib.Graph().parse(Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl", format="turtle")


def _check_shapes_graph(shapes: rdflib.Graph) -> None:
    """Raise :class:`ShapesError` unless ``shapes`` conforms to SHACL-SHACL (the W3C shapes for
    shapes graphs, SHACL section C)."""
    meta = validate(shapes, _shacl_shacl(), ontology=rdflib.Graph(), reference=None)
    if not meta.conforms:
        details = format_text(meta).split("\n", 1)[1].strip()
        raise ShapesError(f"the shapes graph is not valid SHACL (SHACL-SHACL):\n{details}")


def validate(data_graph: rdflib.Graph, shapes_graph: rdflib.Graph | None = None, *,
             ontology: rdflib.Graph | None = None,
             reference: rdflib.Graph | str | None = SHIPPED,
             use_shapes: Sequence[str] | None = None,
             meta_shacl: bool = False) -> ValidationResult:
    """Validate ``data_graph`` against ``shapes_graph`` (default: the shipped shapes).

    ``ontology`` (default: the shipped ontology) is mixed in so that class targets and ``sh:class``
    follow ``rdfs:subClassOf``. ``reference`` is more data mixed in to resolve references: the
    shipped data by default (``"shipped"``), another graph, or None. Results about nodes that
    only the ontology or the reference data describe are not reported. ``use_shapes`` restricts
    validation to the named shapes given (IRIs); ``meta_shacl`` first checks the shapes graph
    against SHACL-SHACL. Raises :class:`ShapesError` when the shapes cannot be used.
    """
    import pyshacl
    from pyshacl.errors import ReportableRuntimeError

    _install_query_cache()
    shapes = shapes_graph if shapes_graph is not None else shipped_graph("shapes")
    if meta_shacl:
        _check_shapes_graph(shapes)
    ont = ontology if ontology is not None else shipped_graph("ontology")
    if isinstance(reference, str):
        if reference != SHIPPED:
            raise ValueError(f"reference must be a graph, None or {SHIPPED!r}")
        reference = shipped_graph("data")
    # pySHACL copies only the ontology's axioms into the data graph ("inoculation"), so reference
    # instances are merged here, into a copy: the caller's graph is never modified.
    if reference is not None and len(reference):
        target = new_graph()
        for g in (data_graph, reference):
            for triple in g:
                target.add(triple)
        context_described = set(reference.subjects())
    else:
        target = data_graph
        context_described = set()
    context_described |= set(ont.subjects())
    try:
        conforms, report, _text = pyshacl.validate(
            target, shacl_graph=shapes, ont_graph=ont if len(ont) else None,
            inference="none", advanced=True, allow_warnings=True, allow_infos=True,
            abort_on_first=False,
            use_shapes=list(use_shapes) if use_shapes else None, logger=_QUIET)
    except ReportableRuntimeError as error:
        raise ShapesError(getattr(error, "message", None) or str(error)) from None

    described = set(data_graph.subjects())
    mentioned = set(data_graph.objects())

    def reported(focus: Node) -> bool:
        """Nodes the validated graph describes, or introduces without the context describing them."""
        return focus in described or (focus in mentioned and focus not in context_described)

    results: list[Result] = []
    kept: list[Node] = []
    for r in report.objects(None, SH.result):
        focus = report.value(r, SH.focusNode)
        if not reported(focus):
            continue
        kept.append(r)
        reported_shape = report.value(r, SH.sourceShape)
        results.append(Result(
            focus_node=focus,
            path=_path(report, r),
            value=report.value(r, SH.value),
            severity=report.value(r, SH.resultSeverity),
            message=_message(report, r),
            source_shape=_named_shape(shapes, reported_shape) if reported_shape is not None else None,
            constraint_component=report.value(r, SH.sourceConstraintComponent),
            reported_shape=reported_shape,
            focus_label=_describe(target, focus),
        ))
    conforms = not any(r.severity == SH.Violation for r in results)
    results.sort(key=lambda r: (SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
                                str(r.focus_node), str(r.source_shape), str(r.path), str(r.value)))
    return ValidationResult(conforms=conforms, report=_filtered_report(report, kept, conforms),
                            results=results, triples=len(data_graph), shapes=_count_shapes(shapes))


# --------------------------------------------------------------------------------------------
# Formatters
# --------------------------------------------------------------------------------------------

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(term: Node | RdfPath | None) -> str:
    """A readable name: ``gcm:question/lac-2021-rt3-1``, ``schema:text``, ``"…"@en``."""
    if term is None:
        return "-"
    if isinstance(term, RdfPath):
        return _path_text(term, compact)
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in _BY_LENGTH:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return "[]"
    if isinstance(term, Literal):
        text = json.dumps(str(term), ensure_ascii=False)
        if len(text) > 90:
            text = text[:80] + '…"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype:
            return f"{text}^^{compact(term.datatype)}"
        return text
    return str(term)


def _path_text(path, name) -> str:
    from rdflib.paths import AlternativePath, InvPath, MulPath, SequencePath

    if isinstance(path, URIRef):
        return name(path)
    if isinstance(path, AlternativePath):
        return "(" + "|".join(_path_text(p, name) for p in path.args) + ")"
    if isinstance(path, SequencePath):
        return "(" + "/".join(_path_text(p, name) for p in path.args) + ")"
    if isinstance(path, InvPath):
        return "^" + _path_text(path.arg, name)
    if isinstance(path, MulPath):
        return _path_text(path.path, name) + path.mod
    return str(path)


def _iri_text(path) -> str | None:
    """A result path for machines: the IRI of a predicate path, else a SPARQL property path."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        return str(path)
    if isinstance(path, RdfPath):
        return _path_text(path, lambda iri: f"<{iri}>")
    return str(path)


def _short(iri: Node | None) -> str:
    if iri is None:
        return "-"
    text = str(iri)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text.removesuffix("ConstraintComponent") or str(iri)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(result: ValidationResult) -> str:
    c = result.counts
    verdict = "conforms" if result.conforms else "does not conform"
    nodes = len(result.by_focus_node())
    return (f"{verdict}: {_plural(c['Violation'], 'violation')}, {_plural(c['Warning'], 'warning')}, "
            f"{_plural(c['Info'], 'info')} on {_plural(nodes, 'focus node')} "
            f"({_plural(result.triples, 'triple')} checked against {_plural(result.shapes, 'shape')})")


def format_text(result: ValidationResult) -> str:
    """Human-readable report: a summary line, then results grouped by focus node."""
    lines = [f"gcm-kg validate: {summary(result)}"]
    groups = result.by_focus_node()

    def rank(item):
        focus, rs = item
        return (min(SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9 for r in rs), str(focus))

    for focus, rs in sorted(groups.items(), key=rank):
        lines.append("")
        lines.append(rs[0].label)
        for r in rs:
            shape = compact(r.source_shape)
            lines.append(f"  {r.severity_name.upper():9} {compact(r.path) if r.path is not None else '(node)'}"
                         f"  [{_short(r.constraint_component)}, {shape}]")
            if r.message:
                lines.append(f"            {r.message}")
            if r.value is not None and r.value != focus:
                lines.append(f"            value: {compact(r.value)}")
    return "\n".join(lines) + "\n"


def format_turtle(result: ValidationResult) -> str:
    """The W3C SHACL validation report (``sh:ValidationReport``) as Turtle."""
    return result.report.serialize(format="turtle")


def _json_term(term: Node | None):
    """A term as in the SPARQL 1.1 Query Results JSON format."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype:
        out["datatype"] = str(term.datatype)
    return out


def format_json(result: ValidationResult) -> str:
    """A simple JSON report::

        {"conforms": false,
         "counts": {"Violation": 1, "Warning": 0, "Info": 0},
         "results": [{"focusNode": {"type": "uri", "value": "https://w3id.org/gcm-kg/id/question/…"},
                      "focusNodeLabel": "gcm:question/…",
                      "resultPath": "https://schema.org/text",
                      "value": null,
                      "resultSeverity": "Violation",
                      "resultMessage": "A guiding question has exactly one schema:text …",
                      "sourceShape": "https://w3id.org/gcm-kg/shapes/S03-question",
                      "sourceConstraintComponent": "http://www.w3.org/ns/shacl#MinCountConstraintComponent"}]}

    Keys are the SHACL result properties, plus ``focusNodeLabel`` (the compact name of the focus
    node, or for a blank node the path to it from an IRI). ``focusNode`` and ``value`` are terms as in SPARQL 1.1
    Query Results JSON (``type`` uri/bnode/literal, ``value``, ``xml:lang`` or ``datatype``);
    ``resultPath`` is the predicate IRI, or a SPARQL property path (IRIs in ``<>``) for complex
    paths, or null; ``resultSeverity`` is ``Violation``, ``Warning`` or ``Info``; ``sourceShape``
    is the named shape the constraint belongs to.
    """
    doc = {
        "conforms": result.conforms,
        "counts": result.counts,
        "triples": result.triples,
        "shapes": result.shapes,
        "results": [
            {
                "focusNode": _json_term(r.focus_node),
                "focusNodeLabel": r.label,
                "resultPath": _iri_text(r.path),
                "value": _json_term(r.value),
                "resultSeverity": r.severity_name,
                "resultMessage": r.message,
                "sourceShape": str(r.source_shape) if r.source_shape is not None else None,
                "sourceConstraintComponent": str(r.constraint_component),
            }
            for r in result.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def format_junit(result: ValidationResult) -> str:
    """JUnit XML: one test case per focus node with results; violations are failures.

    Warnings and infos of a node are listed in its ``system-out`` (the test case passes). A graph
    without any result gives one passing test case, so CI systems show that validation ran.
    """
    groups = result.by_focus_node()
    suites = ET.Element("testsuites", name="gcm-kg validate")
    suite = ET.SubElement(suites, "testsuite", name="gcm-kg SHACL validation")
    failures = 0
    cases = 0
    for focus, rs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        cases += 1
        case = ET.SubElement(suite, "testcase", classname="gcm-kg.validate",
                             name=rs[0].label)
        violations = [r for r in rs if r.severity == SH.Violation]
        others = [r for r in rs if r.severity != SH.Violation]

        def detail(r: Result) -> str:
            text = (f"{r.severity_name}: {compact(r.path) if r.path is not None else '(node)'} "
                    f"[{_short(r.constraint_component)}, {compact(r.source_shape)}] {r.message}")
            if r.value is not None and r.value != focus:
                text += f" (value: {compact(r.value)})"
            return text

        if violations:
            failures += 1
            failure = ET.SubElement(case, "failure", type="sh:Violation",
                                    message=f"{_plural(len(violations), 'violation')}: {violations[0].message}")
            failure.text = "\n".join(detail(r) for r in violations)
        if others:
            ET.SubElement(case, "system-out").text = "\n".join(detail(r) for r in others)
    if cases == 0:
        cases = 1
        ET.SubElement(suite, "testcase", classname="gcm-kg.validate", name="graph conforms to the shapes")
    for element in (suites, suite):
        element.set("tests", str(cases))
        element.set("failures", str(failures))
        element.set("errors", "0")
    suite.set("skipped", "0")
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


FORMATTERS = {"text": format_text, "turtle": format_turtle, "json": format_json, "junit": format_junit}


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def run_validate(files: list[Path] | None, shapes: list[Path] | None, fmt: str, out: TextIO) -> int:
    """``gcm-kg validate``: 0 when the data conforms, 1 on violations, 2 on unreadable input.

    Without ``files`` the shipped ontology and data are validated. With ``files`` those files are
    validated, with the shipped ontology and data as reference (a given file replaces the shipped
    file of the same path under ``data/``). ``shapes`` replace the shipped shapes and are first
    checked against SHACL-SHACL.
    """
    formatter = FORMATTERS[fmt]
    try:
        if files:
            paths = expand_paths(files)
            data = load_graph(paths)
            reference = shipped_graph("data", exclude=paths)
        else:
            data = shipped_graph("ontology", "data")
            reference = None
        shapes_graph = load_graph(shapes) if shapes else None
        result = validate(data, shapes_graph, reference=reference, meta_shacl=bool(shapes))
    except rdfio.RdfFileError as error:
        print(f"gcm-kg validate: {error}", file=sys.stderr)
        return 2
    except ShapesError as error:
        print(f"gcm-kg validate: the shapes cannot be used: {error}", file=sys.stderr)
        return 2
    out.write(formatter(result))
    out.flush()
    return 0 if result.conforms else 1
