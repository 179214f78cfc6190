"""Store fingerprints: the store's part of an HTTP validator — the same contents give the same
fingerprint, other contents another one, and a store that cannot tell gives None."""

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.store import fingerprint
from gcm_kg.store.build import build_store
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.executor import ProcessExecutor
from gcm_kg.store.remote import RemoteStore

FIXTURES = Path(__file__).parent / "fixtures"
ONE_FACT, ANOTHER_FACT = FIXTURES / "an_extra_fact.ttl", FIXTURES / "another_extra_fact.ttl"


def test_the_shipped_store_has_the_same_fingerprint_each_time_it_is_loaded():
    first, second = EmbeddedStore.in_memory(), EmbeddedStore.in_memory()
    assert first.fingerprint() is not None
    assert first.fingerprint() == second.fingerprint()
    assert len(first.fingerprint()) == 64


def test_an_extra_file_changes_the_fingerprint():
    shipped = EmbeddedStore.in_memory().fingerprint()
    with_one = EmbeddedStore.in_memory([ONE_FACT]).fingerprint()
    with_another = EmbeddedStore.in_memory([ANOTHER_FACT]).fingerprint()
    assert len({shipped, with_one, with_another}) == 3


def test_the_same_bytes_in_another_graph_change_the_fingerprint(tmp_path):
    renamed = tmp_path / "renamed_fact.ttl"  # another file name: another graph, graph/extra/renamed_fact
    shutil.copy(ONE_FACT, renamed)
    assert EmbeddedStore.in_memory([renamed]).fingerprint() != EmbeddedStore.in_memory([ONE_FACT]).fingerprint()


def test_changed_bytes_of_an_extra_file_change_the_fingerprint(tmp_path):
    extra = tmp_path / "fact.ttl"
    shutil.copy(ONE_FACT, extra)
    before = EmbeddedStore.in_memory([extra]).fingerprint()
    shutil.copy(ANOTHER_FACT, extra)
    assert EmbeddedStore.in_memory([extra]).fingerprint() != before


def test_a_store_built_by_its_caller_has_no_fingerprint():
    assert EmbeddedStore(ox.Store()).fingerprint() is None


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Two on-disk stores: the shipped data, and the shipped data plus one extra file."""
    root = tmp_path_factory.mktemp("stores")
    build_store(root / "plain")
    build_store(root / "extra", [ONE_FACT])
    return root


def test_an_on_disk_store_has_the_same_fingerprint_each_time_it_is_opened(built):
    first = EmbeddedStore.open_read_only(built / "plain").fingerprint()
    assert first is not None
    assert EmbeddedStore.open_read_only(built / "plain").fingerprint() == first
    # The served path (gcm-kg serve --store) gives the same, without starting a query process.
    assert ProcessExecutor.on_disk(built / "plain").fingerprint() == first
    assert ProcessExecutor(path=built / "plain").fingerprint() == first


def test_on_disk_stores_with_other_contents_have_other_fingerprints(built):
    assert (EmbeddedStore.open_read_only(built / "plain").fingerprint()
            != EmbeddedStore.open_read_only(built / "extra").fingerprint())


def test_a_new_build_record_changes_the_fingerprint(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built / "plain", copy, copy_function=shutil.copy2)
    before = fingerprint.on_disk(copy)
    record = copy / fingerprint.BUILD_RECORD
    record.write_text(record.read_text(encoding="utf-8").replace('"triples": ', '"triples": 1'), encoding="utf-8")
    assert fingerprint.on_disk(copy) != before


def test_a_file_written_into_the_store_changes_the_fingerprint(built, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(built / "plain", copy, copy_function=shutil.copy2)
    before = fingerprint.on_disk(copy)
    (copy / "999999.sst").write_bytes(b"a table a writer added")
    assert fingerprint.on_disk(copy) != before


def test_the_in_memory_executor_gives_its_template_s_fingerprint():
    template = EmbeddedStore.in_memory([ONE_FACT])
    assert ProcessExecutor.in_memory(template).fingerprint() == template.fingerprint()


def test_a_remote_store_has_a_fingerprint_only_with_a_declared_data_version():
    url = "http://127.0.0.1:9/sparql"  # never contacted: the fingerprint needs no request
    assert RemoteStore(url).fingerprint() is None
    first = RemoteStore(url, data_version="2026-11-01").fingerprint()
    assert first is not None and first == RemoteStore(url, data_version="2026-11-01").fingerprint()
    assert RemoteStore(url, data_version="2026-11-30").fingerprint() != first
    assert RemoteStore("http://127.0.0.1:9/other", data_version="2026-11-01").fingerprint() != first
