"""`gcm-kg validate` and gcm_kg.services.validation: the shipped data conforms, exit codes, report formats."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib
from rdflib import URIRef
from rdflib import namespace as ns

from gcm_kg.rdf import resources
from gcm_kg.rdf.rdfio import RdfFileError
from gcm_kg.services.validation import (FORMATTERS, ValidationResult, compact, format_json, format_junit, format_text, load_graph, shipped_graph, validate)
from ..support.paths import TESTS

HERE = TESTS
FIXTURES = HERE / "shapes" / "fixtures"
ERRORS = HERE / "shapes" / "errors"
GCM = "https://w3id.org/gcm-kg/id/"
SCHEMA = rdflib.Namespace("https://schema.org/")
GCMO = rdflib.Namespace("https://w3id.org/gcm-kg/ontology#")

# A user's file: a new question that references shipped themes and objectives but lacks its text.
USER_QUESTION = """\
@prefix schema: <https://schema.org/> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix gcmo: <https://w3id.org/gcm-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@base <https://w3id.org/gcm-kg/id/> .

<question/lac-2021-rt3-99> a schema:Question ;
    schema:position 99 ;
    schema:isPartOf <section/lac-2021-rt3-4> ;
    dct:subject <theme/border-management> ;
    gcmo:servesObjective <objective/11> ;
    prov:wasDerivedFrom <paragraph/gcm-27> .
"""

# A third-party mapping that only adds links to shipped themes: it conforms.
USER_MAPPING = """\
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/gcm-kg/id/theme/border-management> skos:closeMatch <http://eurovoc.europa.eu/2482> .
<https://w3id.org/gcm-kg/id/theme/smuggling-of-migrants> skos:closeMatch <http://eurovoc.europa.eu/6051> .
"""


def cli() -> list[str]:
    beside = Path(sys.executable).parent / "gcm-kg"
    if beside.exists():
        return [str(beside)]
    found = shutil.which("gcm-kg")
    return [found] if found else [sys.executable, "-m", "gcm_kg.cli.main"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*cli(), "validate", *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=cwd)


@pytest.fixture(scope="module")
def shipped() -> rdflib.Graph:
    return shipped_graph("ontology", "data")


@pytest.fixture(scope="module")
def shipped_result(shipped) -> ValidationResult:
    return validate(shipped, reference=None)


# --- the shipped graph ----------------------------------------------------------------------

def test_shipped_data_is_there(shipped):
    objectives = set(shipped.subjects(ns.RDF.type, GCMO.Objective))
    assert len(objectives) == 23
    assert len(set(shipped.subjects(ns.RDF.type, SCHEMA.Question))) == 14
    assert any(shipped.subjects(ns.RDF.type, GCMO.Theme))
    assert len(list(resources.rdf_files("data"))) >= 1


def test_shipped_data_conforms(shipped_result):
    violations = [f"{r.label} {compact(r.path)} {r.message}" for r in shipped_result.results
                  if r.severity == ns.SH.Violation]
    assert violations == []
    assert shipped_result.conforms


def test_shapes_bite_on_the_shipped_data(shipped):
    """Break the shipped data in known ways: each break is reported, by the shape that owns it."""
    broken = rdflib.Graph()
    for t in shipped:
        broken.add(t)
    q3 = URIRef(GCM + "question/lac-2021-rt3-3")
    o9, o10 = URIRef(GCM + "objective/9"), URIRef(GCM + "objective/10")
    review = URIRef(GCM + "review/lac-2021")
    broken.remove((q3, SCHEMA.text, None))
    broken.set((o10, SCHEMA.position, rdflib.Literal(9)))
    broken.remove((o9, ns.SKOS.inScheme, None))
    broken.set((review, SCHEMA.endDate, rdflib.Literal("2021-04-01", datatype=ns.XSD.date)))
    result = validate(broken, reference=None)
    assert not result.conforms
    found = {(compact(r.focus_node), compact(r.source_shape), compact(r.path)) for r in result.results}
    expected = {
        ("gcm:question/lac-2021-rt3-3", "gcmsh:S03-question", "schema:text"),
        ("gcm:objective/10", "gcmsh:S14-objective-number", "schema:position"),
        ("gcm:objective/9", "gcmsh:S14-objective-number", "schema:position"),
        ("gcm:objective/9", "gcmsh:S01-objective", "skos:inScheme"),
        # gcmo:Objective ⊑ skos:Concept in the ontology: the concept shape reaches objective 9.
        ("gcm:objective/9", "gcmsh:S20-concept", "skos:inScheme"),
        ("gcm:round-table/lac-2021-3", "gcmsh:S16-objective-reference", "gcmo:coversObjective"),
        ("gcm:review/lac-2021", "gcmsh:S08-event", "schema:startDate"),
    }
    assert expected <= found, expected - found


# --- loading --------------------------------------------------------------------------------

def test_malformed_file_names_file_and_line():
    path = ERRORS / "unterminated-string.ttl"
    with pytest.raises(RdfFileError) as caught:
        load_graph([path])
    assert caught.value.path == str(path)
    assert caught.value.line == 5
    assert str(caught.value).startswith(f"{path}:5:")


def test_blank_nodes_are_scoped_to_their_file(tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text('_:x <https://schema.org/name> "a" .\n')
    b.write_text('_:x <https://schema.org/name> "b" .\n')
    graph = load_graph([a, b])
    assert len(set(graph.subjects())) == 2


def test_directory_means_its_rdf_files(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.ttl").write_text('<https://example.org/a> <https://schema.org/name> "a" .\n')
    (tmp_path / "notes.txt").write_text("not RDF")
    assert len(load_graph([tmp_path])) == 1


# --- reference data -------------------------------------------------------------------------

def test_references_to_shipped_nodes_resolve(tmp_path):
    path = tmp_path / "question.ttl"
    path.write_text(USER_QUESTION)
    data = load_graph([path])
    with_reference = validate(data)
    rows = {(compact(r.source_shape), compact(r.path)) for r in with_reference.results}
    # Only the missing text (and hence label) is reported: theme, objective and paragraph resolve.
    assert rows == {("gcmsh:S03-question", "schema:text"),
                    ("gcmsh:S10-labelled-entity", "(rdfs:label|skos:prefLabel|schema:name|schema:text|dct:title)")}
    assert all(compact(r.focus_node) == "gcm:question/lac-2021-rt3-99" for r in with_reference.results)
    # Without reference data the references do not resolve.
    alone = validate(data, reference=None)
    assert ("gcmsh:S03-question", "dct:subject") in {(compact(r.source_shape), compact(r.path)) for r in alone.results}


def test_validated_graph_is_not_modified(tmp_path):
    path = tmp_path / "question.ttl"
    path.write_text(USER_QUESTION)
    data = load_graph([path])
    before = len(data)
    validate(data)
    assert len(data) == before


# --- formatters -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed_result() -> ValidationResult:
    """Violations on two nodes and a warning on a third."""
    paths = [FIXTURES / "S03-question-invalid-untagged-text-objective-as-subject.ttl", FIXTURES / "S05-work-invalid-video-without-publisher-and-language.ttl",
             FIXTURES / "S08-event-invalid-ends-before-start.ttl"]
    shapes = [f"https://w3id.org/gcm-kg/shapes/{i}" for i in ("S03-question", "S05-work", "S08-event")]
    return validate(load_graph(paths), reference=None, use_shapes=shapes)


def test_text_report_groups_by_focus_node(mixed_result):
    text = format_text(mixed_result)
    first = text.splitlines()[0]
    assert first.startswith("gcm-kg validate: does not conform:")
    c = mixed_result.counts
    assert f"{c['Violation']} violations" in first and f"{c['Warning']} warning" in first
    assert text.count("\ngcm:question/lac-2021-rt3-3\n") == 1
    assert text.count("\ngcm:work/avrr-video-story-brazil\n") == 1
    assert "A guiding question has exactly one schema:text" in text
    # Nodes with violations come before nodes with warnings only.
    assert text.index("gcm:question/lac-2021-rt3-3") < text.index("gcm:work/avrr-video-story-brazil")


def test_json_report(mixed_result):
    doc = json.loads(format_json(mixed_result))
    assert doc["conforms"] is False
    assert doc["counts"] == mixed_result.counts
    assert len(doc["results"]) == len(mixed_result.results)
    keys = {"focusNode", "focusNodeLabel", "resultPath", "value", "resultSeverity", "resultMessage",
            "sourceShape", "sourceConstraintComponent"}
    for r in doc["results"]:
        assert set(r) == keys
        assert r["focusNode"]["type"] in ("uri", "bnode")
        assert r["resultSeverity"] in ("Violation", "Warning", "Info")
        assert r["sourceShape"].startswith("https://w3id.org/gcm-kg/shapes/S")
    paths = {r["resultPath"] for r in doc["results"]}
    assert "https://schema.org/text" in paths
    assert ("(<https://schema.org/publisher>|<https://schema.org/author>|"
            "<https://w3id.org/gcm-kg/ontology#inferredPublisher>)") in paths


def test_turtle_report_is_a_shacl_report(mixed_result):
    graph = rdflib.Graph().parse(data=FORMATTERS["turtle"](mixed_result), format="turtle")
    report = graph.value(predicate=ns.RDF.type, object=ns.SH.ValidationReport, any=False)
    assert graph.value(report, ns.SH.conforms) == rdflib.Literal(False)
    assert len(list(graph.objects(report, ns.SH.result))) == len(mixed_result.results)


def test_junit_report(mixed_result):
    root = ET.fromstring(format_junit(mixed_result))
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == len(mixed_result.by_focus_node()) == int(suite.get("tests"))
    failed = {c.get("name") for c in cases if c.find("failure") is not None}
    assert failed == {"gcm:question/lac-2021-rt3-3", "gcm:review/lac-2021"}
    assert int(suite.get("failures")) == 2
    warned = [c for c in cases if c.get("name") == "gcm:work/avrr-video-story-brazil"][0]
    assert warned.find("failure") is None and "Warning" in warned.find("system-out").text


def test_junit_report_when_everything_conforms():
    result = validate(load_graph([FIXTURES / "S08-event-valid.ttl"]), reference=None)
    root = ET.fromstring(format_junit(result))
    assert root.get("tests") == "1" and root.get("failures") == "0"


# --- the command line -----------------------------------------------------------------------

def test_cli_shipped_data_exit_0():
    proc = run()
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("gcm-kg validate: conforms")


def test_cli_user_mapping_exit_0(tmp_path):
    path = tmp_path / "mapping.ttl"
    path.write_text(USER_MAPPING)
    proc = run(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_cli_violations_exit_1_and_formats_parse(tmp_path):
    path = tmp_path / "question.ttl"
    path.write_text(USER_QUESTION)
    proc = run(path, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["conforms"] is False
    assert {r["sourceShape"].rsplit("/", 1)[1] for r in doc["results"]} == {"S03-question", "S10-labelled-entity"}

    proc = run(path, "--format", "turtle")
    assert proc.returncode == 1
    graph = rdflib.Graph().parse(data=proc.stdout, format="turtle")
    assert (None, ns.RDF.type, ns.SH.ValidationReport) in graph

    proc = run(path, "--format", "junit")
    assert proc.returncode == 1
    root = ET.fromstring(proc.stdout)
    assert root.find("testsuite/testcase/failure") is not None


def test_cli_warnings_only_exit_0():
    proc = run(FIXTURES / "S05-work-invalid-video-without-publisher-and-language.ttl")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 warnings" in proc.stdout.splitlines()[0]


def test_cli_malformed_exit_2_names_file_and_line():
    path = ERRORS / "unterminated-string.ttl"
    proc = run(path)
    assert proc.returncode == 2
    assert f"{path}:5:" in proc.stderr
    assert proc.stdout == ""


def test_cli_missing_file_exit_2(tmp_path):
    proc = run(tmp_path / "missing.ttl")
    assert proc.returncode == 2
    assert "missing.ttl" in proc.stderr


def test_cli_own_shapes(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
<https://example.org/shapes/NeedsPosition> a sh:NodeShape ;
    sh:targetClass schema:Question ;
    sh:property [ sh:path schema:about ; sh:minCount 1 ; sh:message "needs schema:about"@en ] .
""")
    proc = run("--shapes", shapes, FIXTURES / "S03-question-valid.ttl")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "needs schema:about" in proc.stdout


def test_cli_invalid_shapes_exit_2():
    proc = run("--shapes", ERRORS / "not-shacl-shapes.ttl", FIXTURES / "S03-question-valid.ttl")
    assert proc.returncode == 2
    assert "not valid SHACL" in proc.stderr and "sh:minCount" in proc.stderr
    assert proc.stderr.count("not valid SHACL") == 1


def test_pre_commit_hook_definition():
    import re
    import tomllib

    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((HERE.parent / ".pre-commit-hooks.yaml").read_text())
    hook = {h["id"]: h for h in hooks}["gcm-kg-validate"]
    assert hook["language"] == "python"
    assert hook["entry"].split() == ["gcm-kg", "validate"]
    scripts = tomllib.loads((HERE.parent / "pyproject.toml").read_text())["project"]["scripts"]
    assert "gcm-kg" in scripts
    assert re.search(hook["files"], "data/mappings/eurovoc.ttl")
    assert not re.search(hook["files"], "README.md")


def test_sparql_targets_on_oxigraph_give_rdflib_s_answers(monkeypatch):
    """SPARQL-based targets (S10, S13, S22) run on a pyoxigraph copy of the data graph: the
    results are exactly those of rdflib evaluating the same targets."""
    from gcm_kg.services import validation
    from gcm_kg.services.validation_reports import result_key

    paths = [FIXTURES / name for name in ("S13-identifier-invalid-malformed-keys.ttl",
                                          "S22-section-invalid-no-heading-no-parent.ttl",
                                          "S10-labelled-entity-invalid-scheme-without-label.ttl")]
    data = load_graph(paths)
    calls = []
    original = validation._select_on_oxigraph

    def counted(*args):
        answer = original(*args)
        calls.append(answer is not None)
        return answer

    monkeypatch.setattr(validation, "_select_on_oxigraph", counted)
    on_oxigraph = sorted(result_key(r) + (str(r.constraint_component),) for r in validate(data, reference=None).results)
    assert calls and all(calls)   # the targets were answered by pyoxigraph
    monkeypatch.setattr(validation, "_select_on_oxigraph", lambda *args: None)
    on_rdflib = sorted(result_key(r) + (str(r.constraint_component),) for r in validate(data, reference=None).results)
    assert on_oxigraph == on_rdflib
    shapes = {key[0].rsplit("/", 1)[1] for key in on_oxigraph}
    assert {"S10-labelled-entity", "S13-identifier", "S22-section"} <= shapes
