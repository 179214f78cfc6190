"""``gcm-kg release --check`` and ``gcm-kg diff``: exit statuses and output (no server)."""

from __future__ import annotations

import pyoxigraph as ox

from gcm_kg.cli.main import main
from gcm_kg.rdf import diff
from tests.support.paths import FIXTURES

HERE = FIXTURES / "diff"


def test_release_check_says_the_shipped_data_are_the_current_release(capsys):
    assert main(["release", "--check"]) == 0
    assert capsys.readouterr().out.startswith("the data are release ")


def test_release_without_a_version_exits_2_saying_what_to_give(capsys):
    assert main(["release"]) == 2
    assert "give --version X.Y.Z" in capsys.readouterr().err


def test_diff_exits_1_with_differences_and_0_without(capsys):
    assert main(["diff", str(HERE / "objective-before.ttl"), str(HERE / "objective-after-label-and-quote-changed.ttl")]) == 1
    out = capsys.readouterr().out
    assert "4 statements added, 4 removed, in 2 entities" in out and "<https://w3id.org/gcm-kg/id/objective/1>" in out
    assert main(["diff", str(HERE / "objective-before.ttl"), str(HERE / "objective-before-blank-nodes-relabelled.nt")]) == 0


def test_diff_as_trig_writes_the_added_and_removed_graphs(capsysbinary):
    assert main(["diff", "--format", "trig", str(HERE / "objective-before.ttl"),
                 str(HERE / "objective-after-label-and-quote-changed.ttl")]) == 1
    quads = list(ox.parse(capsysbinary.readouterr().out, format=ox.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {diff.ADDED_GRAPH, diff.REMOVED_GRAPH}


def test_diff_of_a_published_release_with_itself_is_empty(capsys):
    from gcm_kg.rdf.releases import latest

    version = latest().version
    assert main(["diff", version, str(latest().folder)]) == 0
    assert "0 statements added, 0 removed" in capsys.readouterr().out


def test_diff_of_an_unreadable_input_exits_2_naming_it(capsys, tmp_path):
    assert main(["diff", str(tmp_path / "missing.nt"), str(HERE / "objective-before.ttl")]) == 2
    assert "missing.nt" in capsys.readouterr().err
