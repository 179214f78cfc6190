"""The CI templates of `gcm-kg validate`: the GitHub Action, the GitLab CI template, the pre-commit hook.

The hosted services cannot be reached from the tests, so each file is parsed and its shell steps
run here, with the environment the service would give them; the steps that only the service can
run (setting up Python, installing the package, uploading SARIF) are checked as text.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..support.paths import FIXTURES, REPO

yaml = pytest.importorskip("yaml")

PLANTED = FIXTURES / "validation" / "question-without-text-subject-on-line-10.ttl"
CONFORMING = FIXTURES.parent / "shapes" / "fixtures" / "S08-event-valid.ttl"
BASH = shutil.which("bash")


def environment(**variables: str) -> dict[str, str]:
    """This machine's environment, with the gcm-kg command of this interpreter first on PATH."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(variables)
    return env


# -- GitHub Action --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def expand(value: str, inputs: dict[str, str], outputs: dict[str, str]) -> str:
    """The ``${{ inputs.x }}`` and ``${{ steps.s.outputs.y }}`` expressions of an env value."""
    value = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}", lambda m: inputs[m.group(1)], value)
    value = re.sub(r"\$\{\{\s*steps\.[\w-]+\.outputs\.([\w-]+)\s*\}\}", lambda m: outputs.get(m.group(1), ""), value)
    assert "${{" not in value, value
    return value


def run_action(action: dict, workdir: Path, **given: str) -> tuple[list[subprocess.CompletedProcess], dict, Path]:
    """Run the action's shell steps in order, as the runner would (bash, GITHUB_OUTPUT, ...)."""
    inputs = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    inputs.update(given)
    outputs: dict[str, str] = {}
    summary = workdir / "step-summary.md"
    processes = []
    for step in action["runs"]["steps"]:
        if "run" not in step or step.get("id") == "install":
            continue
        output_file = workdir / f"output-{step['id']}"
        output_file.write_text("")
        env = environment(GITHUB_OUTPUT=str(output_file), GITHUB_STEP_SUMMARY=str(summary),
                          **{k: expand(str(v), inputs, outputs) for k, v in step.get("env", {}).items()})
        assert step["shell"] == "bash"
        processes.append(subprocess.run([BASH, "-e", "-o", "pipefail", "-c", step["run"]], cwd=workdir, env=env,
                                        capture_output=True, text=True, timeout=600))
        for line in output_file.read_text().splitlines():
            key, _, value = line.partition("=")
            outputs[key] = value
    return processes, outputs, summary


def test_action_is_a_composite_action_with_documented_inputs(action):
    assert action["runs"]["using"] == "composite"
    for name, spec in action["inputs"].items():
        assert spec["description"], name
    uses = [step["uses"].split("@")[0] for step in action["runs"]["steps"] if "uses" in step]
    assert uses == ["actions/setup-python", "github/codeql-action/upload-sarif"]
    install = next(step for step in action["runs"]["steps"] if step.get("id") == "install")
    assert install["env"]["GCM_KG_SOURCE"] == "${{ github.action_path }}"   # this checkout's gcm-kg
    # Inputs are never pasted into scripts: only environment variables are.
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step.get("id")


@pytest.mark.skipif(BASH is None, reason="bash is what the runner uses for these steps")
def test_action_annotates_the_planted_line_writes_sarif_and_summary_then_fails(action, tmp_path):
    processes, outputs, summary = run_action(action, tmp_path, paths=str(PLANTED))
    validate, verdict = processes
    assert validate.returncode == 0, validate.stderr   # the status is kept for the last step
    assert outputs["exit-code"] == "1"
    annotations = [line for line in validate.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2 and all(",line=10,col=1," in line for line in annotations)
    sarif = json.loads((tmp_path / action["inputs"]["sarif-file"]["default"]).read_text())
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in sarif["runs"][0]["results"]} == {10}
    assert summary.read_text().startswith("### gcm-kg validate: does not conform")
    assert verdict.returncode == 1


@pytest.mark.skipif(BASH is None, reason="bash is what the runner uses for these steps")
def test_action_passes_conforming_data_and_honours_fail_on_and_baseline(action, tmp_path):
    processes, outputs, _ = run_action(action, tmp_path, paths=str(CONFORMING))
    assert outputs["exit-code"] == "0" and processes[-1].returncode == 0
    baseline = tmp_path / "baseline.json"
    subprocess.run([*gcm_kg(), "validate", str(PLANTED), "--write-baseline", str(baseline)], check=True,
                   capture_output=True, env=environment())
    processes, outputs, _ = run_action(action, tmp_path, paths=str(PLANTED), baseline=str(baseline))
    assert outputs["exit-code"] == "0" and processes[-1].returncode == 0
    processes, outputs, _ = run_action(action, tmp_path, paths=f"{PLANTED} {CONFORMING}", **{"fail-on": "info"},
                                       baseline=str(baseline))
    assert outputs["exit-code"] == "0"   # the only results are in the baseline


def gcm_kg() -> list[str]:
    beside = Path(sys.executable).parent / "gcm-kg"
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "gcm_kg.cli.main"]


# -- GitLab CI template ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gitlab_job() -> dict:
    return yaml.safe_load((REPO / "ci" / "gitlab-validate.yml").read_text())[".gcm-kg-validate"]


def run_gitlab_script(job: dict, workdir: Path, **variables: str) -> subprocess.CompletedProcess:
    """The job's script lines in one POSIX shell, as GitLab's runner runs them (stop at a failure)."""
    env = environment(**{k: str(v) for k, v in job["variables"].items()})
    env.update(variables)
    script = "set -e\n" + "\n".join(job["script"])
    return subprocess.run(["sh", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=600)


def test_gitlab_template_declares_its_reports(gitlab_job):
    assert gitlab_job["artifacts"]["when"] == "always"
    reports = gitlab_job["artifacts"]["reports"]
    assert set(reports) == {"codequality", "junit"}
    assert gitlab_job["before_script"] == ['python -m pip install --quiet "$GCM_KG_PACKAGE"']
    assert {"GCM_KG_PATHS", "GCM_KG_SHAPES", "GCM_KG_FAIL_ON", "GCM_KG_BASELINE"} <= set(gitlab_job["variables"])


def test_gitlab_script_writes_code_quality_on_the_planted_line_and_fails(gitlab_job, tmp_path):
    proc = run_gitlab_script(gitlab_job, tmp_path, GCM_KG_PATHS=str(PLANTED))
    assert proc.returncode == 1, proc.stderr
    assert ":10:1: violation: " in proc.stdout
    reports = gitlab_job["artifacts"]["reports"]
    issues = json.loads((tmp_path / reports["codequality"]).read_text())
    assert {issue["location"]["lines"]["begin"] for issue in issues} == {10}
    assert 'line="10"' in (tmp_path / reports["junit"]).read_text()
    assert all((tmp_path / path).is_file() for path in gitlab_job["artifacts"]["paths"])


def test_gitlab_script_passes_conforming_data_and_takes_shapes(gitlab_job, tmp_path):
    assert run_gitlab_script(gitlab_job, tmp_path, GCM_KG_PATHS=str(CONFORMING)).returncode == 0
    shapes = tmp_path / "needs-about.ttl"
    shapes.write_text("""\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <https://schema.org/> .
<https://example.org/shapes/NeedsAbout> a sh:NodeShape ; sh:targetClass schema:Question ;
    sh:property [ sh:path schema:about ; sh:minCount 1 ; sh:severity sh:Warning ] .
""")
    proc = run_gitlab_script(gitlab_job, tmp_path, GCM_KG_PATHS=str(PLANTED), GCM_KG_SHAPES=str(shapes),
                             GCM_KG_FAIL_ON="warning")
    assert proc.returncode == 1 and "NeedsAbout" in proc.stdout


# -- pre-commit -----------------------------------------------------------------------------------

def test_pre_commit_hook_runs_on_the_changed_files_and_names_the_line():
    hook = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}["gcm-kg-validate"]
    assert re.search(hook["files"], PLANTED.name)
    entry = hook["entry"].split()
    command = [*gcm_kg(), *entry[1:]]
    proc = subprocess.run([*command, str(PLANTED)], capture_output=True, text=True, timeout=600, env=environment())
    assert proc.returncode == 1 and ":10:1: violation: " in proc.stdout
    proc = subprocess.run([*command, str(CONFORMING)], capture_output=True, text=True, timeout=600, env=environment())
    assert proc.returncode == 0
