"""gcm_kg.rdf.releases: a release folder is written once, holds the four gzipped dumps and their
SHA-256 sums in sha256sum's format, reads back byte for byte and is never overwritten."""

from __future__ import annotations

import gzip
import shutil
import subprocess

import pytest

from gcm_kg.rdf import export
from gcm_kg.rdf.rdfio import read_quads
from gcm_kg.rdf.releases import ReleaseError, SUMS_FILE, named, published, version_key, write_release
from tests.support.paths import FIXTURES

QUADS = read_quads(FIXTURES / "diff" / "objective-before.ttl", graph="https://w3id.org/gcm-kg/graph/x")


def test_a_release_holds_the_four_gzipped_dumps_of_the_export_and_their_sums(tmp_path):
    release = write_release("0.1.0", QUADS, tmp_path)
    assert sorted(p.name for p in release.folder.iterdir()) == sorted(
        [SUMS_FILE] + [f"gcm-kg.{fmt}.gz" for fmt in export.DUMP_FORMATS])
    for fmt in export.DUMP_FORMATS:
        assert release.dump(fmt) == export.dump_bytes(QUADS, fmt)
        sums = release.recorded_sha256()
        assert sums[f"gcm-kg.{fmt}"] == export.sha256(release.dump(fmt))
        assert sums[f"gcm-kg.{fmt}.gz"] == export.sha256(release.dump_gz(fmt))
    assert release.damaged_files() == []


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils' sha256sum is not installed")
def test_sha256sum_checks_the_compressed_files(tmp_path):
    release = write_release("0.1.0", QUADS, tmp_path)
    done = subprocess.run(["sha256sum", "-c", "--ignore-missing", SUMS_FILE], cwd=release.folder,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.count(": OK") == len(export.DUMP_FORMATS)


def test_the_same_data_give_the_same_bytes_so_the_sums_are_reproducible(tmp_path):
    first = write_release("0.1.0", QUADS, tmp_path / "a")
    second = write_release("0.1.0", list(reversed(QUADS)), tmp_path / "b")
    assert (first.folder / SUMS_FILE).read_bytes() == (second.folder / SUMS_FILE).read_bytes()


def test_a_published_release_is_never_overwritten(tmp_path):
    release = write_release("0.1.0", QUADS, tmp_path)
    before = (release.folder / SUMS_FILE).read_bytes()
    with pytest.raises(ReleaseError, match="exists already"):
        write_release("0.1.0", QUADS[:1], tmp_path)
    assert (release.folder / SUMS_FILE).read_bytes() == before


def test_a_damaged_file_is_found(tmp_path):
    release = write_release("0.1.0", QUADS, tmp_path)
    (release.folder / "gcm-kg.ttl.gz").write_bytes(gzip.compress(b"# changed\n", mtime=0))
    assert release.damaged_files() == ["gcm-kg.ttl.gz", "gcm-kg.ttl"]


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "01.0.0", "1.0.0-rc1", "../1.0.0", ""])
def test_a_version_is_three_numbers(bad, tmp_path):
    with pytest.raises(ReleaseError, match="not a release version"):
        write_release(bad, QUADS, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_releases_are_listed_in_numeric_order(tmp_path):
    for version in ("0.10.0", "0.9.1", "1.0.0"):
        write_release(version, QUADS, tmp_path)
    (tmp_path / "notes").mkdir()
    assert list(published(tmp_path)) == ["0.9.1", "0.10.0", "1.0.0"]
    assert version_key("0.10.0") > version_key("0.9.1")


def test_latest_names_the_newest_release_by_number_not_by_name(tmp_path):
    assert named("latest", published(tmp_path)) is None
    for version in ("0.10.0", "0.9.1"):
        write_release(version, QUADS, tmp_path)
    releases = published(tmp_path)
    assert named("latest", releases).version == "0.10.0"
    assert named("0.9.1", releases).version == "0.9.1"
    assert named("0.9.2", releases) is None
