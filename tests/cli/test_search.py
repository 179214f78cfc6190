"""``gcm-kg search``: text and JSON output, exit codes, extra files, and the index ``gcm-kg build``
saves beside a store (``--store``)."""

from __future__ import annotations

import json
from pathlib import Path

from gcm_kg.cli.main import build_parser, main
from gcm_kg.services.search import INDEX_FILE, SearchIndex

FIXTURES = Path(__file__).parent / "fixtures"


def test_text_output_marks_the_matches_and_counts_the_hits(capsys):
    assert main(["search", "migracion", "--lang", "es", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "**migración**" in out.lower()
    assert out.splitlines()[-1].startswith("1–2 of ") and out.rstrip().endswith("hits for 'migracion'")


def test_json_output_is_the_api_shape(capsys):
    assert main(["search", '"consular protection"', "--kind", "theme", "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert set(body) == {"query", "total", "results"} and body["total"] >= 1
    assert {hit["kind"] for hit in body["results"]} == {"theme"}


def test_exit_1_without_hits_and_2_for_a_search_that_cannot_be_read(capsys):
    assert main(["search", "zzqxjv"]) == 1
    assert "0 hits" in capsys.readouterr().out
    assert main(["search", "*"]) == 2
    assert capsys.readouterr().err.startswith("gcm-kg search: the search has no word")


def test_extra_files_are_searched(capsys):
    assert main(["search", "quokka", str(FIXTURES / "search_an_extra_question.ttl"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"][0]["iri"].endswith("question/extra-quokka")


def test_build_saves_the_index_and_search_store_uses_it(tmp_path, capsys):
    store = tmp_path / "store"
    assert main(["build", "--store", str(store), str(FIXTURES / "search_an_extra_question.ttl")]) == 0
    assert "built the search index" in capsys.readouterr().out
    saved = SearchIndex.open(store / INDEX_FILE)
    assert saved.search("quokkas").total == 1
    assert main(["search", "quokka", "--store", str(store)]) == 0
    assert "extra-quokka" in capsys.readouterr().out


def test_help_describes_the_query_language():
    text = build_parser()._subparsers._group_actions[0].choices["search"].format_help()
    for words in ("migracion finds Migración", "smuggled finds smuggling", '"a phrase"', "prefix*", "exit status"):
        assert words in text
