"""gcm_kg.services.releases: the shipped data are the release they state (a change to the data
without a new release fails here), and cutting a release records it in the data, freezes its dumps
and sets the version in the citation files."""

from __future__ import annotations

import datetime as _dt
import json
import shutil

import pyoxigraph as ox
import pytest
import yaml

from gcm_kg.core.namespaces import DCAT, DCT
from gcm_kg.rdf.rdfio import RdfFileError, read_quads
from gcm_kg.rdf.releases import ReleaseError, published
from gcm_kg.services import releases
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.shipped import shipped_quads
from tests.support.paths import FIXTURES, REPO

TODAY = _dt.date(2026, 11, 30)  # the date of release 0.1.0, as data/release.ttl records it


def test_the_shipped_data_are_the_release_they_state():
    """Fails when the data (ontology, data, shapes, canned queries) changed after the last release:
    cut a new one with ``gcm-kg release --version X.Y.Z --notes '…'`` (README, "Releases")."""
    result = releases.check(shipped_quads())
    assert result.version is not None, result.explain()
    assert result.ok, result.explain()
    assert result.release.damaged_files() == []


def test_every_published_release_is_intact_and_the_latest_is_the_current_one():
    found = published()
    assert found and list(found)[-1] == releases.check(shipped_quads()).version
    for release in found.values():
        assert release.damaged_files() == [], release.version


def test_the_store_tells_the_current_release():
    record = releases.current(EmbeddedStore.in_memory())
    assert record.version == list(published())[-1]
    assert _dt.date.fromisoformat(record.issued) <= _dt.datetime.now(_dt.timezone.utc).date()
    assert record.notes


def test_the_citation_files_state_the_current_release_and_what_the_data_say():
    record = releases.current(EmbeddedStore.in_memory())
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text("utf-8"))
    zenodo = json.loads((REPO / ".zenodo.json").read_text("utf-8"))
    assert cff["version"] == zenodo["version"] == record.version
    assert cff["date-released"] == zenodo["publication_date"] == record.issued
    store = EmbeddedStore.in_memory()
    stated = {(r["p"].value, r["o"].value) for r in store.query(f"SELECT ?p ?o {{ <{releases.DATASET}> ?p ?o }}")}
    creators = sorted(o for p, o in stated if p == DCT + "creator")
    assert [a["name"] for a in cff["authors"]] == [c["name"] for c in zenodo["creators"]] == creators
    titles = {o for p, o in stated if p == DCT + "title"}
    assert cff["title"] in titles and zenodo["title"] in titles
    assert (DCT + "license", "https://creativecommons.org/licenses/by/4.0/") in stated
    assert cff["license"] == "CC-BY-4.0" and zenodo["license"] == "cc-by-4.0"
    assert set(cff["keywords"]) == set(zenodo["keywords"]) == {o for p, o in stated if p == DCAT + "keyword"}
    assert f"## [{record.version}] — {record.issued}" in (REPO / "CHANGELOG.md").read_text("utf-8")


# -- cutting releases in a copy of a small source tree --------------------------------------------

@pytest.fixture
def checkout(tmp_path):
    (tmp_path / "data").mkdir()
    shutil.copy(FIXTURES / "diff" / "objective-before.ttl", tmp_path / "data" / "objectives.ttl")
    for name in ("CITATION.cff", ".zenodo.json"):
        shutil.copy(REPO / name, tmp_path / name)
    (tmp_path / "CHANGELOG.md").write_text("# Changelog\n\n## [0.0.1] — 2026-11-01\n\n- older\n", "utf-8")
    return tmp_path


def _quads_of(checkout):
    def read():
        return [q for path in sorted((checkout / "data").glob("*.ttl"))
                for q in read_quads(path, graph=f"https://w3id.org/gcm-kg/graph/{path.stem}")]
    return read


def test_cutting_two_releases_records_both_and_links_the_second_to_the_first(checkout):
    first = releases.cut("0.1.0", "First.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    assert releases.check(_quads_of(checkout)(), checkout / "releases").ok
    # the data change: the check fails until the next release
    data = checkout / "data" / "objectives.ttl"
    data.write_text(data.read_text("utf-8").replace("Collect data", "Collect and utilize data"), "utf-8")
    stale = releases.check(_quads_of(checkout)(), checkout / "releases")
    assert not stale.ok and "gcm-kg release --version NEW" in stale.explain()
    second = releases.cut("0.2.0", "Objective 1's full title.", checkout=checkout, quads_of=_quads_of(checkout),
                          today=TODAY + _dt.timedelta(days=1))
    assert releases.check(_quads_of(checkout)(), checkout / "releases").ok
    assert list(published(checkout / "releases")) == ["0.1.0", "0.2.0"]
    assert first.dump("nq") != second.dump("nq") and first.damaged_files() == []

    store = ox.Store()
    store.load(path=str(checkout / releases.RELEASE_FILE), format=ox.RdfFormat.TURTLE)
    current = releases.current(store)
    assert current == releases.ReleaseRecord("0.2.0", "2026-12-01", "Objective 1's full title.", previous="0.1.0")
    older = ox.NamedNode(releases.version_iri("0.1.0"))
    assert ox.Quad(older, ox.NamedNode(DCAT + "isVersionOf"), ox.NamedNode(releases.DATASET)) in store
    assert ox.Quad(older, ox.NamedNode(DCT + "issued"),
                   ox.Literal("2026-11-30", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))) in store
    assert [r.version for r in releases.history(checkout / releases.RELEASE_FILE)] == ["0.1.0", "0.2.0"]

    cff = yaml.safe_load((checkout / "CITATION.cff").read_text("utf-8"))
    zenodo = json.loads((checkout / ".zenodo.json").read_text("utf-8"))
    assert (cff["version"], cff["date-released"]) == ("0.2.0", "2026-12-01")
    assert (zenodo["version"], zenodo["publication_date"]) == ("0.2.0", "2026-12-01")
    changelog = (checkout / "CHANGELOG.md").read_text("utf-8")
    assert changelog.index("## [0.2.0] — 2026-12-01") < changelog.index("## [0.1.0] — 2026-11-30") \
        < changelog.index("## [0.0.1]")
    assert "- Objective 1's full title." in changelog


def test_the_first_release_has_no_previous_version(checkout):
    releases.cut("0.1.0", "First.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    text = (checkout / releases.RELEASE_FILE).read_text("utf-8")
    assert "previousVersion" not in text and "hasVersion" not in text and 'dcat:version "0.1.0"' in text


@pytest.mark.parametrize("version, notes, message", [
    ("0.1.0", "Again.", "must come after every earlier release"),
    ("0.0.9", "Older.", "must come after every earlier release"),
    ("0.2", "Short.", "not a release version"),
    ("0.2.0", "   ", "give the release notes"),
])
def test_a_release_that_cannot_be_cut_changes_nothing(checkout, version, notes, message):
    releases.cut("0.1.0", "First.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    before = {p: p.read_bytes() for p in checkout.rglob("*") if p.is_file()}
    with pytest.raises(ReleaseError, match=message):
        releases.cut(version, notes, checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    assert {p: p.read_bytes() for p in checkout.rglob("*") if p.is_file()} == before


def test_a_release_whose_dumps_cannot_be_made_leaves_no_record_of_it(checkout):
    releases.cut("0.1.0", "First.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    before = (checkout / releases.RELEASE_FILE).read_bytes()
    (checkout / "data" / "broken.ttl").write_text("<a:b> <a:c> .\n", "utf-8")  # the data no longer parse
    with pytest.raises(RdfFileError, match="broken.ttl"):
        releases.cut("0.2.0", "Second.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    assert (checkout / releases.RELEASE_FILE).read_bytes() == before
    assert list(published(checkout / "releases")) == ["0.1.0"]


def test_an_earlier_release_carries_the_datasets_licence_and_a_versioned_iri(checkout):
    # Regression: the first second release wrote a version without a licence (S24 warned) under an
    # IRI the identifier scheme did not know (S13 refused it).
    licence = "https://creativecommons.org/licenses/by/4.0/"
    (checkout / "data" / "dataset.ttl").write_text(f"<{releases.DATASET}> <{DCT}license> <{licence}> .\n", "utf-8")
    releases.cut("0.1.0", "First.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    data = checkout / "data" / "objectives.ttl"
    data.write_text(data.read_text("utf-8").replace("Collect data", "Collect and utilize data"), "utf-8")
    releases.cut("0.2.0", "Second.", checkout=checkout, quads_of=_quads_of(checkout), today=TODAY)
    store = ox.Store()
    store.load(path=str(checkout / releases.RELEASE_FILE), format=ox.RdfFormat.TURTLE)
    older = ox.NamedNode(releases.version_iri("0.1.0"))
    assert older.value == releases.DATASET + "/0.1.0"
    assert ox.Quad(older, ox.NamedNode(DCT + "license"), ox.NamedNode(licence)) in store
    # the current release is the dataset itself, which states its licence in data/dataset.ttl
    assert not list(store.quads_for_pattern(ox.NamedNode(releases.DATASET), ox.NamedNode(DCT + "license"), None))


def test_the_shipped_release_record_conforms_to_the_shapes():
    from gcm_kg.rdf import resources
    from gcm_kg.services.validation import load_graph, validate

    shapes = load_graph(resources.rdf_files("shapes"))
    data = load_graph([REPO / "data" / "dataset.ttl", REPO / releases.RELEASE_FILE])
    result = validate(data, shapes, ontology=load_graph(resources.rdf_files("ontology")), reference=None,
                      use_shapes=["https://w3id.org/gcm-kg/shapes/S13-identifier",
                                  "https://w3id.org/gcm-kg/shapes/S24-dataset"])
    assert result.results == [], [r.message for r in result.results]
