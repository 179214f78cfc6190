"""examples/gcm-kg.ipynb: executed against a live gcm-kg service (nbclient, a real kernel), reading
the endpoint from ``GCM_KG_ENDPOINT`` as a researcher would."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "examples" / "gcm-kg.ipynb"


def test_the_notebook_is_committed_without_outputs():
    """Outputs come from a run against a service (this test's), not from the repository."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code and all(not cell.outputs and cell.execution_count is None for cell in code)


@pytest.fixture(scope="module")
def executed(gcm_server, tmp_path_factory):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # The kernel inherits the environment: the service on its free port, never the default :8000.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GCM_KG_ENDPOINT", gcm_server.url)
        client = NotebookClient(notebook, timeout=240, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path_factory.mktemp("notebook"))}})
        client.execute()
    return notebook


def _outputs(notebook, marker: str) -> list:
    (cell,) = [c for c in notebook.cells if c.cell_type == "code" and marker in c.source]
    return cell.outputs


def _text(outputs) -> str:
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in outputs)


def test_every_cell_runs_against_the_endpoint_of_the_environment(executed, gcm_server):
    assert gcm_server.url in _text(_outputs(executed, 'ENDPOINT = os.environ.get("GCM_KG_ENDPOINT"'))
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors


def test_question_1_draws_the_coverage_matrix_as_a_heat_map(executed):
    assert "Int64" in _text(_outputs(executed, 'matrix = canned("coverage-matrix"'))
    images = [o for o in _outputs(executed, "ax.imshow") if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert base64.b64decode(images[0]["data"]["image/png"]).startswith(b"\x89PNG")


def test_question_2_finds_the_theme_its_questions_and_its_works(executed):
    assert "theme/return-and-reintegration" in _text(_outputs(executed, "hits = search("))
    assert "[0 rows" not in _text(_outputs(executed, 'questions = canned("theme-questions"'))
    works = _text(_outputs(executed, 'works = canned("theme-resources"'))
    assert "http" in works and "[0 rows" not in works


def test_question_3_shows_the_passages_behind_objective_9(executed):
    assert "GCM Objective #9" in _text(_outputs(executed, 'canned("entity-passages"'))
    grouped = _text(_outputs(executed, "behind.groupby"))
    assert all(kind in grouped for kind in ("Question", "Challenge", "Finding"))
    assert "section/lac-2021-rt3-" in grouped
