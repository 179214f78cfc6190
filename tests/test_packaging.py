"""`pip install .` (not editable) gives a package that finds ontology, data, shapes, queries and releases."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(out), str(REPO)],
                   check=True, capture_output=True, timeout=300)
    (built,) = out.glob("gcm_kg-*.whl")
    return built


def test_wheel_carries_every_resource_folder(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for folder in ("ontology", "data", "shapes", "queries", "releases"):
        shipped = [p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob("*") if p.is_file()]
        packaged = {n.split("_resources/", 1)[1] for n in names if n.startswith("gcm_kg/_resources/")}
        assert set(shipped) <= packaged, f"{folder}/ files missing from the wheel"
    assert any(n.endswith("entry_points.txt") for n in names)


def test_wheel_carries_the_web_templates_and_labels(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    web = REPO / "server" / "gcm_kg" / "web"
    for folder in ("templates", "labels", "static"):
        shipped = {"gcm_kg/web/" + p.relative_to(web).as_posix() for p in (web / folder).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
        assert shipped and shipped <= names, f"web/{folder}/ files missing from the wheel: {sorted(shipped - names)}"


def test_installed_wheel_finds_its_resources_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    probe = ("import gcm_kg.rdf.resources as r, gcm_kg.store.shipped as s;"
             "print(r.resource_dir('data'));print(len(s.shipped_quads()))")
    env = {**os.environ, "PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    data_dir, count = result.stdout.split()
    assert data_dir.startswith(str(target)), "the installed package read the checkout, not its own copy"
    from gcm_kg.store.shipped import shipped_quads
    assert int(count) == len(shipped_quads())


def test_wheel_carries_the_client_with_pandas_only_in_its_extra(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    assert {"gcm_kg/client/__init__.py", "gcm_kg/client/api.py", "gcm_kg/client/results.py",
            "gcm_kg/client/transport.py"} <= names
    (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
    requires = [line.split(":", 1)[1].strip() for line in archive.read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    pandas = [r for r in requires if r.startswith("pandas")]
    assert pandas and all("extra ==" in r for r in pandas), requires  # never in the server's install
    assert any(r.startswith("pandas") and "'client'" in r.replace('"', "'") for r in requires), requires
