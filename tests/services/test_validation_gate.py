"""gcm_kg.services.validation_gate and `gcm-kg validate` as a CI gate: --fail-on, baselines, --report."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import SH

from gcm_kg.cli.main import build_parser
from gcm_kg.rdf import resources
from gcm_kg.services import validation_gate as gate
from gcm_kg.services.validation import FORMATTERS, GateOptions, run_validate
from gcm_kg.services.validation_reports import Result, ValidationResult, result_key
from ..support.paths import FIXTURES, REPO

PLANTED = FIXTURES / "validation"
QUESTION_TTL = PLANTED / "question-without-text-subject-on-line-10.ttl"
SELECTOR = PLANTED / "selector-without-quote-in-passage-on-line-6.ttl"

# Shapes with one result of each severity on the same node.
THREE_SEVERITIES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
<https://example.org/shapes/Severities> a sh:NodeShape ;
    sh:targetClass schema:Question ;
    sh:property [ sh:path schema:about ; sh:minCount 1 ; sh:severity sh:Info ; sh:message "info"@en ] ;
    sh:property [ sh:path schema:text ; sh:minCount 1 ; sh:severity sh:Warning ; sh:message "warning"@en ] .
"""


def gate_run(*files: Path, fmt: str = "json", shapes: list[Path] | None = None, **options) -> tuple[int, str]:
    out = io.StringIO()
    status = run_validate(list(files) or None, shapes, fmt, out, GateOptions(locations=True, **options))
    return status, out.getvalue()


def cli(*args, cwd: Path | None = None) -> subprocess.CompletedProcess:
    beside = Path(sys.executable).parent / "gcm-kg"
    command = [str(beside)] if beside.exists() else [shutil.which("gcm-kg") or sys.executable]
    return subprocess.run([*command, "validate", *map(str, args)], capture_output=True, text=True, timeout=600, cwd=cwd)


# -- --fail-on ------------------------------------------------------------------------------------

def test_fail_on_thresholds(tmp_path):
    shapes = tmp_path / "severities.ttl"
    shapes.write_text(THREE_SEVERITIES)
    statuses = {level: gate_run(QUESTION_TTL, shapes=[shapes], fail_on=level)[0] for level in gate.FAIL_ON}
    # An info and a warning, no violation: only the stricter thresholds fail.
    assert statuses == {"violation": 0, "warning": 1, "info": 1}
    _, text = gate_run(QUESTION_TTL, shapes=[shapes])
    assert {r["resultSeverity"] for r in json.loads(text)["results"]} == {"Info", "Warning"}


def test_fail_on_warning_from_the_command_line():
    """The shipped data conforms with warnings: the default passes, --fail-on warning fails."""
    assert cli(cwd=REPO).returncode == 0
    proc = cli("--fail-on", "warning", "--format", "github", cwd=REPO)
    assert proc.returncode == 1, proc.stderr
    warnings = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(warnings) == 7
    # The shipped file the package read: data/… in a checkout, the packaged copy in an installed
    # wheel (shown relative to the working directory when inside it, as every location is).
    works = resources.resource_dir("data") / "review-lac-2021" / "works.ttl"
    shown = works.relative_to(REPO).as_posix() if works.is_relative_to(REPO) else str(works)
    assert all(line.startswith(f"::warning file={shown},line=") for line in warnings), (shown, warnings[0])


def test_fail_on_info_fails_on_any_result():
    result = ValidationResult(conforms=True, report=None, results=[_result(SH.Info)])
    assert [gate.exit_status(result, level) for level in ("violation", "warning", "info")] == [0, 0, 1]


# -- baselines ------------------------------------------------------------------------------------

def test_baseline_accepts_known_results_and_fails_on_new_ones(tmp_path):
    baseline = tmp_path / "baseline.json"
    data = tmp_path / "data.ttl"
    shutil.copy(QUESTION_TTL, data)
    # Writing a baseline accepts what is there: the run is judged against it.
    status, _ = gate_run(data, write_baseline=baseline)
    assert status == 0
    doc = json.loads(baseline.read_text())
    assert doc["format"] == gate.BASELINE_FORMAT and len(doc["results"]) == 2
    assert gate_run(data, baseline=baseline)[0] == 0
    # A second question without text: two new results; the known two stay known.
    data.write_text(data.read_text() + "\n" + QUESTION_TTL.read_text().split("# the planted violation:\n")[1]
                    .replace("lac-2021-rt3-99", "lac-2021-rt3-98").replace("position 99", "position 98"))
    status, text = gate_run(data, baseline=baseline)
    assert status == 1
    states = Counter((r["focusNode"]["value"].rsplit("/", 1)[1], r["baselineState"]) for r in json.loads(text)["results"])
    assert states == {("lac-2021-rt3-99", "unchanged"): 2, ("lac-2021-rt3-98", "new"): 2}


def test_fixed_results_leave_the_baseline_passing(tmp_path):
    baseline = tmp_path / "baseline.json"
    gate_run(QUESTION_TTL, SELECTOR, write_baseline=baseline)
    assert gate_run(SELECTOR, baseline=baseline)[0] == 0


def test_blank_node_keys_are_stable_across_parses(tmp_path):
    """A blank focus node is keyed by its nearest named subject and the path from it, not by its
    label, which pyoxigraph draws anew at every parse."""
    baseline = tmp_path / "baseline.json"
    gate_run(SELECTOR, write_baseline=baseline)
    entry = json.loads(baseline.read_text())["results"][0]
    assert entry["focusNode"] == ("<https://w3id.org/gcm-kg/id/passage/lac-2021-rt3-consular-protection> "
                                  "<http://www.w3.org/ns/oa#hasSelector> []")
    assert entry["shape"] == "https://w3id.org/gcm-kg/shapes/S19-text-quote-selector"
    assert entry["path"] == "http://www.w3.org/ns/oa#exact"
    status, text = gate_run(SELECTOR, baseline=baseline)
    assert status == 0
    assert json.loads(text)["results"][0]["baselineState"] == "unchanged"


def test_baseline_counts_each_occurrence():
    one = _result(SH.Violation)
    result = ValidationResult(conforms=False, report=None, results=[one, one])
    marked = gate.apply_baseline(result, Counter({result_key(one): 1}), "b.json")
    assert [r.in_baseline for r in marked.results] == [True, False]
    assert gate.exit_status(marked) == 1 and marked.baseline == "b.json"


def test_baseline_with_fail_on_warning(tmp_path):
    baseline = tmp_path / "baseline.json"
    gate_run(write_baseline=baseline)   # the shipped data's 7 warnings
    assert gate_run(fail_on="warning")[0] == 1
    assert gate_run(fail_on="warning", baseline=baseline)[0] == 0


@pytest.mark.parametrize("content, message", [
    ("not json", "not a JSON baseline"),
    ('{"results": []}', "not a baseline written by"),
    ('{"format": "gcm-kg validate baseline", "results": [{"shape": "x"}]}', "result 0 lacks"),
])
def test_unreadable_baseline_exits_2(tmp_path, capsys, content, message):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content)
    status, out = gate_run(QUESTION_TTL, baseline=baseline)
    assert status == 2 and out == ""
    assert message in capsys.readouterr().err


def test_missing_baseline_exits_2(tmp_path):
    proc = cli(QUESTION_TTL, "--baseline", tmp_path / "missing.json")
    assert proc.returncode == 2 and "missing.json" in proc.stderr and proc.stdout == ""


# -- more reports from the same run ---------------------------------------------------------------

def test_reports_are_written_from_the_same_run(tmp_path):
    sarif, summary = tmp_path / "shacl.sarif", tmp_path / "summary.md"
    proc = cli(QUESTION_TTL, "--format", "github", "--report", f"sarif={sarif}", "--report", f"markdown={summary}")
    assert proc.returncode == 1
    assert proc.stdout.startswith("::error file=")
    assert json.loads(sarif.read_text())["version"] == "2.1.0"
    assert summary.read_text().startswith("### gcm-kg validate: does not conform")


def test_report_argument_is_checked():
    proc = cli(QUESTION_TTL, "--report", "pdf=x.pdf")
    assert proc.returncode == 2 and "FORMAT=FILE" in proc.stderr


def test_unwritable_report_exits_2(tmp_path):
    proc = cli(QUESTION_TTL, "--report", f"sarif={tmp_path / 'no-such-folder' / 'x.sarif'}")
    assert proc.returncode == 2 and "no-such-folder" in proc.stderr


def test_gate_options_are_refused_with_endpoint():
    proc = cli("--endpoint", "http://127.0.0.1:9/query", "--baseline", "b.json")
    assert proc.returncode == 2 and "--endpoint" in proc.stderr


# -- the command's help ---------------------------------------------------------------------------

def test_help_describes_every_flag_and_format():
    parser = build_parser()
    validate = parser._subparsers._group_actions[0].choices["validate"]
    for action in validate._actions:
        assert action.help, action.option_strings or action.dest
    help_text = validate.format_help()
    for fmt in FORMATTERS:
        assert fmt in help_text
    assert set(next(a for a in validate._actions if a.dest == "format").choices) == set(FORMATTERS)
    assert "exit status" in help_text and "--fail-on" in help_text and "--write-baseline" in help_text


def _result(severity) -> Result:
    return Result(focus_node=URIRef("https://example.org/x"), path=URIRef("https://schema.org/name"),
                  value=Literal("v"), severity=severity, message="m", source_shape=URIRef("https://example.org/s"),
                  constraint_component=SH.MinCountConstraintComponent, focus_anchor=URIRef("https://example.org/x"))


def test_result_key_of_blank_value_uses_its_anchor():
    value = BNode("random-label-1")
    r = Result(focus_node=URIRef("https://example.org/x"), path=URIRef("https://example.org/p"), value=value,
               severity=SH.Violation, message="m", source_shape=URIRef("https://example.org/s"),
               constraint_component=SH.ClassConstraintComponent, focus_anchor=URIRef("https://example.org/x"),
               value_anchor=URIRef("https://example.org/x"), value_via=(URIRef("https://example.org/p"),))
    assert result_key(r)[3] == "<https://example.org/x> <https://example.org/p> []"
    assert "random-label" not in "".join(result_key(r))
