"""SHACL validation of gcm-kg graphs: one engine, one set of options, every report format.

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

:func:`locate_results` then finds where each focus node is written (the validated files first,
then the reference files; :mod:`gcm_kg.rdf.locate` reads the text). The result model and the
report formats are :mod:`gcm_kg.services.validation_reports`; thresholds and baselines are
:mod:`gcm_kg.services.validation_gate`; :func:`run_validate` is ``gcm-kg validate``.
"""

from __future__ import annotations

import logging
import re
import sys
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence, TextIO

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.paths import Path as RdfPath
from rdflib.term import Node

from gcm_kg.rdf import locate, rdfio
from gcm_kg.rdf import resources
from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.services import validation_gate as gate
from gcm_kg.services.validation_reports import (
    FORMATTERS, SEVERITIES, Result, ShapeDoc, SourceLocation, ValidationResult, anchored_label, compact,
    format_codeclimate, format_github, format_json, format_junit, format_markdown, format_sarif, format_text,
    format_turtle, summary,
)

__all__ = [
    "Result", "ValidationResult", "validate", "load_graph", "parse_graph", "shipped_graph", "shipped_files",
    "expand_paths", "locate_results", "compact", "summary",
    "format_text", "format_turtle", "format_json", "format_junit", "format_sarif", "format_github",
    "format_markdown", "format_codeclimate", "FORMATTERS", "GateOptions", "run_validate", "ShapesError",
]

_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_XSD_STRING = str(XSD.string)
SHIPPED = "shipped"


class ShapesError(ValueError):
    """The shapes graph is not usable: not valid SHACL, or a shape cannot be loaded."""


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


def shipped_files(*folders: str, exclude: Iterable[Path] = ()) -> list[Path]:
    """The shipped RDF files of ``folders`` (``ontology``, ``data``, ``shapes``), in load order.

    ``exclude`` drops shipped files that are the same file as, or share their path below the
    folder with, one of the given paths (so validating an edited ``data/x.ttl`` does not also load
    the installed copy of ``data/x.ttl``).
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
    return files


def shipped_graph(*folders: str, exclude: Iterable[Path] = ()) -> rdflib.Graph:
    """The :func:`shipped_files` of ``folders`` as one (cached) graph. The result is shared: do
    not modify it."""
    return _cached_graph(_signature(shipped_files(*folders, exclude=exclude)))


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
    """Make pySHACL's SPARQL over rdflib cheaper, with the same answers.

    * Constraints: pySHACL runs a SPARQL constraint for every focus node with ``$this``
      pre-bound, handing the same query text to rdflib each time, and rdflib parses it anew each
      time. Prepared queries are rdflib's documented way to reuse a query with different initial
      bindings; the results are identical.
    * Targets: a SPARQL-based target (SHACL-AF §5.1) is one SELECT over the whole data graph
      without bindings, and rdflib evaluates a FILTER over every term in Python (the identifier
      shape's target alone took a third of the validation of the shipped data). Such queries run
      on a pyoxigraph copy of the data graph (made once per validation), and their solutions are
      handed back as rdflib terms; anything pyoxigraph cannot run goes to rdflib as before.

    This wraps ``RdfLibDataGraph.query`` of pySHACL, not a public interface: pyproject.toml pins
    pySHACL to the versions this is tested with.
    """
    global _QUERY_CACHE_INSTALLED
    if _QUERY_CACHE_INSTALLED:
        return
    from pyshacl.graph_abstraction import RdfLibDataGraph

    original = RdfLibDataGraph.query

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str) and processor == "sparql" and isinstance(self.impl, rdflib.Graph):
            if not initBindings:
                answer = _select_on_oxigraph(self, query_object, initNs)
                if answer is not None:
                    return answer
            try:
                query_object = _prepared(query_object, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
                initNs = None
            except Exception:  # leave anything unusual to rdflib itself
                pass
        return original(self, query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    RdfLibDataGraph.query = query
    _QUERY_CACHE_INSTALLED = True


def _to_oxigraph(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _from_oxigraph(term) -> Node:
    """A pyoxigraph term as rdflib's; blank nodes keep their labels (they came from rdflib)."""
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    return _term(term, Path("query"), "")


def _select_on_oxigraph(data_graph, text: str, namespaces) -> "rdflib.query.Result | None":
    """The answer of the SELECT query ``text`` over ``data_graph`` by pyoxigraph, or None when
    it is not a SELECT query pyoxigraph runs (rdflib then answers)."""
    from rdflib.query import Result as QueryResult

    graph = data_graph.impl
    mirror = getattr(data_graph, "_gcm_kg_oxigraph", None)
    try:
        if mirror is None or mirror[0] != len(graph):   # built once; again if rules added triples
            store = ox.Store()
            store.bulk_extend([ox.Quad(_to_oxigraph(s), _to_oxigraph(p), _to_oxigraph(o)) for s, p, o in graph])
            mirror = (len(graph), store)
            data_graph._gcm_kg_oxigraph = mirror
        solutions = mirror[1].query(text, prefixes={k: str(v) for k, v in (namespaces or {}).items()})
    except (SyntaxError, ValueError, TypeError, OSError, rdfio.RdfFileError):
        return None
    if not isinstance(solutions, ox.QuerySolutions):
        return None
    answer = QueryResult("SELECT")
    answer.vars = [rdflib.Variable(v.value) for v in solutions.variables]
    answer.bindings = [{var: _from_oxigraph(value) for var, value in zip(answer.vars, row) if value is not None}
                       for row in solutions]
    return answer


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


def _anchor(graph: rdflib.Graph, node: Node, max_depth: int = 8) -> tuple[Node, tuple[URIRef, ...]]:
    """The nearest named subject that encloses ``node``, and the predicates from it down to it.

    A breadth-first walk up the triples, so the nearest IRI wins; among equally near ones the
    smallest IRI and predicates, so the answer does not depend on blank-node labels (which change
    at every parse) and baseline keys stay stable. A node with no named subject above it is its
    own anchor.
    """
    if not isinstance(node, BNode):
        return node, ()
    frontier: list[tuple[Node, tuple[URIRef, ...]]] = [(node, ())]
    seen = {node}
    for _ in range(max_depth):
        parents = [(s, (p, *via)) for current, via in frontier for s, p in graph.subject_predicates(current)
                   if s not in seen]
        named = [(s, via) for s, via in parents if isinstance(s, URIRef)]
        if named:
            return min(named, key=lambda sv: (str(sv[0]), [str(p) for p in sv[1]]))
        frontier = [(s, via) for s, via in parents if isinstance(s, BNode)]
        seen.update(s for s, _ in frontier)
        if not frontier:
            break
    return node, ()


def _text(graph: rdflib.Graph, node: Node, predicate: URIRef) -> str:
    """An English (or untagged, or else any) literal of ``node``'s ``predicate``."""
    values = [o for o in graph.objects(node, predicate) if isinstance(o, Literal)]
    for wanted in ("en", ""):
        for value in values:
            if (value.language or "").lower().split("-")[0] == wanted:
                return str(value)
    return str(values[0]) if values else ""


def _shape_doc(shapes: rdflib.Graph, shape: Node) -> ShapeDoc:
    return ShapeDoc(label=_text(shapes, shape, RDFS.label), comment=_text(shapes, shape, RDFS.comment),
                    message=_text(shapes, shape, SH.message), severity=shapes.value(shape, SH.severity))


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
        value = report.value(r, SH.value)
        focus_anchor, focus_via = _anchor(target, focus)
        value_anchor, value_via = _anchor(target, value) if isinstance(value, BNode) else (None, ())
        results.append(Result(
            focus_node=focus,
            path=_path(report, r),
            value=value,
            severity=report.value(r, SH.resultSeverity),
            message=_message(report, r),
            source_shape=_named_shape(shapes, reported_shape) if reported_shape is not None else None,
            constraint_component=report.value(r, SH.sourceConstraintComponent),
            reported_shape=reported_shape,
            focus_label=anchored_label(focus_anchor, focus_via),
            focus_anchor=focus_anchor,
            focus_via=focus_via,
            value_anchor=value_anchor,
            value_via=value_via,
            report_node=r,
        ))
    conforms = not any(r.severity == SH.Violation for r in results)
    results.sort(key=lambda r: (SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9,
                                str(r.focus_node), str(r.source_shape), str(r.path), str(r.value)))
    docs = {shape: _shape_doc(shapes, shape) for shape in {r.source_shape for r in results} if shape is not None}
    return ValidationResult(conforms=conforms, report=_filtered_report(report, kept, conforms),
                            results=results, triples=len(data_graph), shapes=_count_shapes(shapes),
                            shape_docs=docs)


# --------------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------------

_BLANK_ORIGIN = re.compile(r"^f(\d+)x(.+)$")


def display_path(path: Path | str) -> str:
    """A file as reports show it: as given, but relative to the working directory when an
    absolute path lies inside it (the shipped files of a checkout read ``data/…``)."""
    path = Path(path)
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return str(path)
    return str(path)


def _location_of(anchor: Node | None, files: Sequence[Path], reference_files: Sequence[Path]) -> SourceLocation:
    """The first place ``anchor`` is described: the validated files in order, then the reference
    files; a file that describes it at a position that cannot be told; or unknown."""
    if isinstance(anchor, URIRef):
        candidates = [(path, str(anchor)) for path in [*files, *reference_files]]
    elif isinstance(anchor, BNode) and (origin := _BLANK_ORIGIN.match(str(anchor))) \
            and int(origin.group(1)) < len(files):
        # A labelled blank node with no named subject above it: its own label, in its own file
        # (load_graph names blank nodes f{file index}x{label}).
        candidates = [(files[int(origin.group(1))], "_:" + origin.group(2))]
    else:
        return SourceLocation()
    described_in = None
    for path, key in candidates:
        index = locate.index_file(path)
        position = index.find(key)
        if position is not None:
            return SourceLocation(display_path(path), position.line, position.column)
        if described_in is None and index.describes(key):
            described_in = path
    return SourceLocation(display_path(described_in)) if described_in is not None else SourceLocation()


def locate_results(result: ValidationResult, files: Sequence[Path | str],
                   reference_files: Sequence[Path | str] = ()) -> ValidationResult:
    """``result`` with the location of each result's focus node (or of its nearest named subject).

    ``files`` are the validated files in the order :func:`load_graph` read them (after
    :func:`expand_paths`); ``reference_files`` the files of the reference data, looked in after them.
    """
    files = [Path(p) for p in files]
    reference_files = [Path(p) for p in reference_files]
    cache: dict[Node, SourceLocation] = {}
    located = []
    for r in result.results:
        anchor = r.focus_anchor if r.focus_anchor is not None else r.focus_node
        if anchor not in cache:
            cache[anchor] = _location_of(anchor, files, reference_files)
        located.append(replace(r, location=cache[anchor]))
    return replace(result, results=located,
                   sources=tuple(display_path(p) for p in [*files, *reference_files]))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GateOptions:
    """How ``gcm-kg validate`` turns a validation into reports and an exit status.

    ``fail_on``: the lowest severity that fails (see :data:`validation_gate.FAIL_ON`);
    ``baseline``/``write_baseline``: baseline files to compare with / to write; ``reports``:
    (format, file) pairs written besides the main report; ``locations``: find each result's file
    and line (the command line always does; off, the report is what an in-memory graph gives).
    """

    fail_on: str = "violation"
    baseline: Path | None = None
    write_baseline: Path | None = None
    reports: tuple[tuple[str, Path], ...] = ()
    locations: bool = False


def run_validate(files: list[Path] | None, shapes: list[Path] | None, fmt: str, out: TextIO,
                 options: GateOptions = GateOptions()) -> int:
    """``gcm-kg validate``: 0 when nothing fails the build, 1 when something does, 2 on unreadable
    input (a data, shapes or baseline file).

    Without ``files`` the shipped ontology and data are validated. With ``files`` those files are
    validated, with the shipped ontology and data as reference (a given file replaces the shipped
    file of the same path under ``data/``). ``shapes`` replace the shipped shapes and are first
    checked against SHACL-SHACL. With the default ``options`` a violation fails; see
    :class:`GateOptions` for thresholds, baselines and more reports.
    """
    formatter = FORMATTERS[fmt]
    try:
        known = gate.read_baseline(options.baseline) if options.baseline else None
        if files:
            paths = expand_paths(files)
            data = load_graph(paths)
            reference_paths = shipped_files("data", exclude=paths)
            reference = shipped_graph("data", exclude=paths)
        else:
            paths = []
            reference_paths = shipped_files("ontology", "data")
            data = shipped_graph("ontology", "data")
            reference = None
        shapes_graph = load_graph(shapes) if shapes else None
        result = validate(data, shapes_graph, reference=reference, meta_shacl=bool(shapes))
        if options.locations:
            result = locate_results(result, paths, reference_paths)
    except (rdfio.RdfFileError, gate.BaselineError) as error:
        print(f"gcm-kg validate: {error}", file=sys.stderr)
        return 2
    except ShapesError as error:
        print(f"gcm-kg validate: the shapes cannot be used: {error}", file=sys.stderr)
        return 2
    try:
        if options.write_baseline:
            gate.write_baseline(result, options.write_baseline)
            if known is None:   # the results just written are the baseline this run is judged by
                known = gate.read_baseline(options.write_baseline)
        if known is not None:
            result = gate.apply_baseline(result, known, display_path(options.baseline or options.write_baseline))
        for report_format, path in options.reports:
            Path(path).write_text(FORMATTERS[report_format](result), encoding="utf-8")
    except OSError as error:
        print(f"gcm-kg validate: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 2
    out.write(formatter(result))
    out.flush()
    return gate.exit_status(result, options.fail_on)
