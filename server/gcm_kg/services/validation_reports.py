"""What a SHACL validation found, and every way it is written out.

The model: :class:`Result` (one SHACL result, with where its focus node is written when the
validated files are known), :class:`ValidationResult` (all of them, the counts, the shapes that
reported) and :func:`result_key`, the key that identifies a result across runs (baselines, SARIF
fingerprints). The formats, all in :data:`FORMATTERS`:

* ``text`` — a summary line, then results grouped by focus node, each ``file:line:col: severity:
  message`` as compilers write them (editors and CI log parsers link them);
* ``turtle`` — the W3C SHACL validation report (SHACL §3.6), each located result with an
  ``rdfs:seeAlso`` to its line (a ``file:`` IRI with an RFC 5147 ``#line=`` fragment);
* ``json`` — :func:`format_json`; ``junit`` — one test case per focus node;
* ``sarif`` — SARIF 2.1.0 (OASIS), for code scanning; ``github`` — GitHub Actions workflow
  commands, one annotation per result; ``markdown`` — a summary table (e.g. for
  ``$GITHUB_STEP_SUMMARY``); ``codeclimate`` — GitLab's code quality report.
"""

from __future__ import annotations

import hashlib
import json
import os
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS, SH
from rdflib.paths import Path as RdfPath
from rdflib.term import Node

from gcm_kg import __version__
from gcm_kg.core.namespaces import BASE, PREFIXES, SHAPES, SHAPES_NS

__all__ = [
    "SourceLocation", "ShapeDoc", "Result", "ValidationResult", "result_key", "compact", "summary",
    "format_text", "format_turtle", "format_json", "format_junit", "format_sarif", "format_github",
    "format_markdown", "format_codeclimate", "FORMATTERS",
]

SEVERITIES = (SH.Violation, SH.Warning, SH.Info)
_SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class SourceLocation:
    """Where a focus node is described: ``path`` as shown (relative to the working directory
    when inside it), 1-based ``line`` and ``column``; any of them None when it is not known."""

    path: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return "location unknown"
        if self.line is None:
            return f"{self.path} (line unknown)"
        return f"{self.path}:{self.line}:{self.column or 1}"


@dataclass(frozen=True)
class ShapeDoc:
    """What a named shape says about itself: ``rdfs:label``, ``rdfs:comment``, ``sh:message``."""

    label: str = ""
    comment: str = ""
    message: str = ""
    severity: URIRef | None = None


@dataclass(frozen=True)
class Result:
    """One validation result, in plain terms.

    ``source_shape`` is the *named* shape the constraint belongs to (a property shape written as
    a blank node inside ``gcmsh:S03-question`` reports ``gcmsh:S03-question``); the exact shape
    pySHACL reported is kept in ``reported_shape``. ``focus_anchor`` is the focus node itself, or
    for a blank node the nearest named subject that encloses it, reached through the predicates
    ``focus_via`` (likewise ``value_anchor``/``value_via``); locations and baseline keys use them.
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
    focus_anchor: Node | None = None
    focus_via: tuple[URIRef, ...] = ()
    value_anchor: Node | None = None
    value_via: tuple[URIRef, ...] = ()
    report_node: Node | None = None
    location: SourceLocation | None = None
    in_baseline: bool = False

    @property
    def label(self) -> str:
        """How the focus node is shown: its compact IRI, or for a blank node the way to it."""
        return self.focus_label or compact(self.focus_node)

    @property
    def severity_name(self) -> str:
        return _SEVERITY_NAMES.get(self.severity, str(self.severity))


@dataclass
class ValidationResult:
    """The outcome of a validation: ``conforms`` is False only when a violation was found.

    ``sources`` is set once results were located in files (the files looked in); ``baseline``
    names the baseline file the results were compared with, if any.
    """

    conforms: bool
    report: rdflib.Graph
    results: list[Result] = field(default_factory=list)
    triples: int = 0
    shapes: int = 0
    shape_docs: dict[Node, ShapeDoc] = field(default_factory=dict)
    sources: tuple[str, ...] | None = None
    baseline: str | None = None

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(r.severity for r in self.results)
        return {name: counter.get(sev, 0) for sev, name in _SEVERITY_NAMES.items()}

    def by_focus_node(self) -> dict[Node, list[Result]]:
        groups: dict[Node, list[Result]] = defaultdict(list)
        for r in self.results:
            groups[r.focus_node].append(r)
        return dict(groups)


# -- names --------------------------------------------------------------------------------------

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


def anchored_label(anchor: Node | None, via: tuple[URIRef, ...]) -> str:
    """``gcm:passage/x oa:hasSelector []``: a blank node named by the way to it from an IRI."""
    if anchor is None or isinstance(anchor, BNode):
        return "[]"
    return " ".join([compact(anchor)] + [f"{compact(p)} []" for p in via])


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


def rule_id(shape: Node | None) -> str:
    """The stable name of a shape in reports: ``gcmsh:S03-question``, else its IRI."""
    if isinstance(shape, URIRef):
        name = compact(shape)
        return str(shape) if name.startswith("<") else name
    return "[]"


def help_uri(shape: Node | None) -> str | None:
    """The documentation page of a shipped shape: ``https://w3id.org/gcm-kg/shapes#S03-question``."""
    if isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS):
        return f"{SHAPES}#{str(shape)[len(SHAPES_NS):]}"
    return None


def headline(r: Result) -> str:
    """One line for an annotation: the focus node, the path, the message and the value."""
    text = f"{r.label} {compact(r.path) if r.path is not None else '(node)'}: {r.message or _short(r.constraint_component)}"
    if r.value is not None and r.value != r.focus_node:
        text += f" (value: {compact(r.value)})"
    return text


def _term_key(anchor: Node | None, via: tuple[URIRef, ...], term: Node | None) -> str:
    """A term as N-Triples, a blank node as its anchor and the predicates down to it."""
    if term is None:
        return ""
    if not isinstance(term, BNode):
        return term.n3()
    start = anchor.n3() if isinstance(anchor, URIRef) else "[]"
    return " ".join([start] + [f"{p.n3()} []" for p in via])


def result_key(r: Result) -> tuple[str, str, str, str]:
    """What identifies a result across runs: shape, focus node, path, value.

    Blank nodes get fresh labels at every parse, so a blank focus node or value is keyed by its
    nearest named subject and the predicates from it (``<…/passage/x> <…#hasSelector> []``).
    """
    return (str(r.source_shape) if isinstance(r.source_shape, URIRef) else "[]",
            _term_key(r.focus_anchor, r.focus_via, r.focus_node),
            _iri_text(r.path) or "",
            _term_key(r.value_anchor, r.value_via, r.value))


def fingerprint(r: Result) -> str:
    return hashlib.sha256("\n".join(result_key(r)).encode("utf-8")).hexdigest()


def _rank(r: Result) -> int:
    return SEVERITIES.index(r.severity) if r.severity in SEVERITIES else 9


def summary(result: ValidationResult) -> str:
    c = result.counts
    verdict = "conforms" if result.conforms else "does not conform"
    nodes = len(result.by_focus_node())
    text = (f"{verdict}: {_plural(c['Violation'], 'violation')}, {_plural(c['Warning'], 'warning')}, "
            f"{_plural(c['Info'], 'info')} on {_plural(nodes, 'focus node')} "
            f"({_plural(result.triples, 'triple')} checked against {_plural(result.shapes, 'shape')})")
    if result.baseline is not None:
        known = sum(r.in_baseline for r in result.results)
        text += f"; {known} of {_plural(len(result.results), 'result')} in the baseline {result.baseline}"
    return text


# -- text ---------------------------------------------------------------------------------------

def format_text(result: ValidationResult) -> str:
    """A summary line, then the results grouped by focus node (nodes with violations first).

    Each result is one line ``file:line:col: severity: path: message [component, shape]`` (the
    location only once the results were located in files), then the value when there is one.
    """
    lines = [f"gcm-kg validate: {summary(result)}"]
    groups = result.by_focus_node()
    for focus, rs in sorted(groups.items(), key=lambda item: (min(map(_rank, item[1])), str(item[0]))):
        lines.append("")
        lines.append(rs[0].label)
        for r in rs:
            where = f"{r.location}: " if r.location is not None else ""
            known = " (in baseline)" if r.in_baseline else ""
            lines.append(f"{where}{r.severity_name.lower()}: {compact(r.path) if r.path is not None else '(node)'}: "
                         f"{r.message or '-'} [{_short(r.constraint_component)}, {compact(r.source_shape)}]{known}")
            if r.value is not None and r.value != focus:
                lines.append(f"    value: {compact(r.value)}")
    return "\n".join(lines) + "\n"


# -- Turtle -------------------------------------------------------------------------------------

def _line_iri(location: SourceLocation) -> URIRef:
    """The line as an IRI: the file's ``file:`` IRI with an RFC 5147 §3 fragment ``#line=L-1,L``
    (RFC 5147 counts line *positions* from 0, so that range is exactly line L)."""
    return URIRef(f"{Path(location.path).resolve().as_uri()}#line={location.line - 1},{location.line}")


def format_turtle(result: ValidationResult) -> str:
    """The W3C SHACL validation report (``sh:ValidationReport``) as Turtle; each result whose
    line is known has an ``rdfs:seeAlso`` to it."""
    report = result.report
    located = [r for r in result.results if r.report_node is not None and r.location is not None
               and r.location.line is not None]
    if located:
        report = rdflib.Graph()
        for prefix, ns in result.report.namespaces():
            report.bind(prefix, ns)
        for triple in result.report:
            report.add(triple)
        for r in located:
            report.add((r.report_node, RDFS.seeAlso, _line_iri(r.location)))
    return report.serialize(format="turtle")


# -- JSON ---------------------------------------------------------------------------------------

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


def _json_location(location: SourceLocation | None):
    if location is None or location.path is None:
        return None
    return {"file": location.path, "line": location.line, "column": location.column}


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
                      "sourceConstraintComponent": "http://www.w3.org/ns/shacl#MinCountConstraintComponent",
                      "location": {"file": "data/questions.ttl", "line": 12, "column": 1}}]}

    Keys are the SHACL result properties, plus ``focusNodeLabel`` (the compact name of the focus
    node, or for a blank node the path to it from an IRI). ``focusNode`` and ``value`` are terms as in SPARQL 1.1
    Query Results JSON (``type`` uri/bnode/literal, ``value``, ``xml:lang`` or ``datatype``);
    ``resultPath`` is the predicate IRI, or a SPARQL property path (IRIs in ``<>``) for complex
    paths, or null; ``resultSeverity`` is ``Violation``, ``Warning`` or ``Info``; ``sourceShape``
    is the named shape the constraint belongs to. Reports made from files (``gcm-kg validate``)
    add ``location`` (``file``, and ``line``/``column`` or null when the file is known but not the
    line; null when not even the file is); reports compared with a baseline add ``baselineState``
    (``new`` or ``unchanged``, as in SARIF).
    """
    def entry(r: Result) -> dict:
        out = {
            "focusNode": _json_term(r.focus_node),
            "focusNodeLabel": r.label,
            "resultPath": _iri_text(r.path),
            "value": _json_term(r.value),
            "resultSeverity": r.severity_name,
            "resultMessage": r.message,
            "sourceShape": str(r.source_shape) if r.source_shape is not None else None,
            "sourceConstraintComponent": str(r.constraint_component),
        }
        if result.sources is not None:
            out["location"] = _json_location(r.location)
        if result.baseline is not None:
            out["baselineState"] = _baseline_state(r)
        return out

    doc = {"conforms": result.conforms, "counts": result.counts, "triples": result.triples,
           "shapes": result.shapes, "results": [entry(r) for r in result.results]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _baseline_state(r: Result) -> str:
    return "unchanged" if r.in_baseline else "new"


# -- JUnit --------------------------------------------------------------------------------------

def format_junit(result: ValidationResult) -> str:
    """JUnit XML: one test case per focus node with results; violations are failures.

    Warnings and infos of a node are listed in its ``system-out`` (the test case passes). A graph
    without any result gives one passing test case, so CI systems show that validation ran. A
    test case whose node was located has ``file`` and ``line`` attributes (read by GitLab and
    most JUnit report viewers).
    """
    groups = result.by_focus_node()
    suites = ET.Element("testsuites", name="gcm-kg validate")
    suite = ET.SubElement(suites, "testsuite", name="gcm-kg SHACL validation")
    failures = 0
    cases = 0
    for focus, rs in sorted(groups.items(), key=lambda kv: str(kv[0])):
        cases += 1
        case = ET.SubElement(suite, "testcase", classname="gcm-kg.validate", name=rs[0].label)
        location = rs[0].location
        if location is not None and location.path is not None:
            case.set("file", location.path)
            if location.line is not None:
                case.set("line", str(location.line))
        violations = [r for r in rs if r.severity == SH.Violation]
        others = [r for r in rs if r.severity != SH.Violation]

        def detail(r: Result) -> str:
            where = f"{r.location}: " if r.location is not None else ""
            text = (f"{where}{r.severity_name}: {compact(r.path) if r.path is not None else '(node)'} "
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


# -- SARIF 2.1.0 --------------------------------------------------------------------------------

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
# SARIF 2.1.0 §3.27.10: result.level is one of none, note, warning, error.
_SARIF_LEVELS = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "note"}
SOURCE_ROOT = "%SRCROOT%"


def _artifact_location(path: str) -> dict:
    """SARIF §3.4 artifactLocation: a relative path against the working directory (as the
    ``%SRCROOT%`` base, §3.14.14), an absolute one as a ``file:`` URI."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": SOURCE_ROOT}


def _sarif_rule(shape: Node, doc: ShapeDoc) -> dict:
    rule = {"id": rule_id(shape),
            "shortDescription": {"text": doc.label or rule_id(shape)},
            "fullDescription": {"text": doc.comment or doc.message or doc.label or rule_id(shape)},
            "defaultConfiguration": {"level": _SARIF_LEVELS.get(doc.severity, "error")}}
    if doc.message:
        rule["messageStrings"] = {"default": {"text": doc.message}}
    if help_uri(shape):
        rule["helpUri"] = help_uri(shape)
    if isinstance(shape, URIRef):
        rule["properties"] = {"shape": str(shape)}
    return rule


def _sarif_result(r: Result, rule_index: int, baseline: bool) -> dict:
    logical = {"name": r.label, "kind": "resource"}
    if isinstance(r.focus_anchor, URIRef):
        logical["fullyQualifiedName"] = str(r.focus_anchor)
    location: dict = {"logicalLocations": [logical]}
    if r.location is not None and r.location.path is not None:
        physical: dict = {"artifactLocation": _artifact_location(r.location.path)}
        if r.location.line is not None:
            physical["region"] = {"startLine": r.location.line, "startColumn": r.location.column or 1}
        location["physicalLocation"] = physical
    properties = {"focusNode": _json_term(r.focus_node), "focusNodeLabel": r.label,
                  "resultPath": _iri_text(r.path), "value": _json_term(r.value),
                  "resultSeverity": r.severity_name,
                  "sourceConstraintComponent": str(r.constraint_component)}
    out = {"ruleId": rule_id(r.source_shape), "ruleIndex": rule_index,
           "level": _SARIF_LEVELS.get(r.severity, "error"),
           "message": {"text": headline(r)},
           "locations": [location],
           "partialFingerprints": {"gcmKgResult/v1": fingerprint(r)},
           "properties": properties}
    if baseline:
        out["baselineState"] = _baseline_state(r)
    return out


def format_sarif(result: ValidationResult) -> str:
    """SARIF 2.1.0: one run, a rule per shape that reported (with its documentation page for
    shipped shapes), a result per SHACL result with its file, line and column, the focus node as
    a logical location and the SHACL terms as properties. Columns count code points."""
    shapes: list[Node] = []
    for r in result.results:
        if r.source_shape not in shapes:
            shapes.append(r.source_shape)
    rules = [_sarif_rule(s, result.shape_docs.get(s, ShapeDoc())) for s in shapes]
    run = {
        "tool": {"driver": {"name": "gcm-kg validate", "version": __version__, "semanticVersion": __version__,
                            "informationUri": BASE, "rules": rules}},
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri() + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_sarif_result(r, shapes.index(r.source_shape), result.baseline is not None)
                    for r in result.results],
        "properties": {"conforms": result.conforms, "counts": result.counts, "triples": result.triples,
                       "shapes": result.shapes},
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# -- GitHub Actions workflow commands -----------------------------------------------------------

_GITHUB_COMMANDS = {SH.Violation: "error", SH.Warning: "warning", SH.Info: "notice"}


def _github_escape(text: str, *, property_value: bool = False) -> str:
    """Escaping of workflow command data and property values (as the Actions toolkit does)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def format_github(result: ValidationResult) -> str:
    """One workflow command per result: ``::error file=…,line=…,col=…,title=…::message``.

    Violations are ``error``, warnings ``warning``, infos ``notice``; a result already in the
    baseline is a ``notice`` whatever its severity, so known problems do not read as new ones.
    """
    lines = []
    for r in result.results:
        command = "notice" if r.in_baseline else _GITHUB_COMMANDS.get(r.severity, "error")
        props = []
        if r.location is not None and r.location.path is not None:
            props.append(f"file={_github_escape(r.location.path, property_value=True)}")
            if r.location.line is not None:
                props += [f"line={r.location.line}", f"col={r.location.column or 1}"]
        title = f"SHACL {r.severity_name} {rule_id(r.source_shape)}" + (" (in baseline)" if r.in_baseline else "")
        props.append(f"title={_github_escape(title, property_value=True)}")
        lines.append(f"::{command} {','.join(props)}::{_github_escape(headline(r))}")
    lines.append(f"gcm-kg validate: {summary(result)}")
    return "\n".join(lines) + "\n"


# -- Markdown -----------------------------------------------------------------------------------

MARKDOWN_ROWS = 200


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def format_markdown(result: ValidationResult) -> str:
    """A summary for ``$GITHUB_STEP_SUMMARY`` or a merge request note: the verdict, counts per
    severity and a table of the results (the first 200; the other formats have them all)."""
    verdict = "conforms" if result.conforms else "does not conform"
    counts = result.counts
    new = Counter(r.severity_name for r in result.results if not r.in_baseline)
    lines = [f"### gcm-kg validate: {verdict}", "", summary(result), "",
             "| Severity | Results" + (" | New |" if result.baseline is not None else " |"),
             "|---|---:" + ("|---:|" if result.baseline is not None else "|")]
    for name, n in counts.items():
        lines.append(f"| {name} | {n}" + (f" | {new.get(name, 0)} |" if result.baseline is not None else " |"))
    if result.results:
        lines += ["", "| Severity | Location | Focus node | Path | Message | Shape |", "|---|---|---|---|---|---|"]
        for r in result.results[:MARKDOWN_ROWS]:
            where = f"`{_cell(str(r.location))}`" if r.location is not None else ""
            shape = _cell(rule_id(r.source_shape))
            if help_uri(r.source_shape):
                shape = f"[{shape}]({help_uri(r.source_shape)})"
            severity = r.severity_name + (" (in baseline)" if r.in_baseline else "")
            message = r.message + (f" (value: {compact(r.value)})" if r.value is not None and r.value != r.focus_node else "")
            lines.append(f"| {severity} | {where} | `{_cell(r.label)}` | "
                         f"{_cell(compact(r.path)) if r.path is not None else ''} | {_cell(message)} | {shape} |")
        if len(result.results) > MARKDOWN_ROWS:
            lines += ["", f"… and {len(result.results) - MARKDOWN_ROWS} more results (see the SARIF or JSON report)."]
    return "\n".join(lines) + "\n"


# -- Code Climate (GitLab code quality) ---------------------------------------------------------

# GitLab's code quality severities: info, minor, major, critical, blocker.
_CODECLIMATE_SEVERITIES = {SH.Violation: "critical", SH.Warning: "minor", SH.Info: "info"}


def format_codeclimate(result: ValidationResult) -> str:
    """GitLab's code quality report (the Code Climate issue format GitLab reads): a JSON array of
    issues with ``description``, ``check_name``, ``fingerprint``, ``severity`` and ``location``
    (``path``, ``lines.begin``). GitLab needs a path and a line for each issue: a result whose line
    is unknown points at line 1 of its file, and says so in its description."""
    issues = []
    for r in result.results:
        location = r.location or SourceLocation()
        description = headline(r)
        if location.line is None:
            description += f" ({location})"
        issues.append({"type": "issue", "check_name": rule_id(r.source_shape), "description": description,
                       "categories": ["Bug Risk"], "fingerprint": fingerprint(r),
                       "severity": _CODECLIMATE_SEVERITIES.get(r.severity, "major"),
                       "location": {"path": location.path or "", "lines": {"begin": location.line or 1}}})
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


FORMATTERS = {"text": format_text, "turtle": format_turtle, "json": format_json, "junit": format_junit,
              "sarif": format_sarif, "github": format_github, "markdown": format_markdown,
              "codeclimate": format_codeclimate}
