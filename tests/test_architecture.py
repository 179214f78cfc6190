"""The package's layers import only downward, and no module takes part in an import cycle.

The layer order is the import-linter contract in ``pyproject.toml`` (run by ``lint-imports`` in CI
too); the cycle check covers what a layers contract cannot see: modules of one layer that import
each other, with imports inside functions counted like any other.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[1]


def test_layers_contract_is_kept():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(lint).exists():
        pytest.skip("import-linter is not installed (pip install '.[test]')")
    result = subprocess.run([lint, "--config", str(REPO / "pyproject.toml")], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    # the layers, and the client's two: it imports nothing of the server, the server nothing of it
    assert "3 kept, 0 broken" in result.stdout


def test_no_import_cycle_in_the_package():
    graph = grimp.build_graph("gcm_kg")
    cycles = set()
    for module in graph.modules:
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.add(" -> ".join((module,) + tuple(back)))
    assert not cycles, "import cycles:\n" + "\n".join(sorted(cycles))


def test_every_module_lives_in_a_layer():
    """Nothing new at the top of the package: a module belongs to one of the layers (or the client)."""
    top = {p.stem for p in (REPO / "server" / "gcm_kg").glob("*.py")}
    assert top == {"__init__"}, f"modules outside a layer: {sorted(top - {'__init__'})}"
