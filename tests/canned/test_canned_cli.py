"""``gcm-kg query``: list the canned queries, run one on the embedded store or on an endpoint."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from gcm_kg.services import canned

from . import paper


def cli(*args, name=None, fmt="table", endpoint=None) -> tuple[int, str]:
    out = io.StringIO()
    code = canned.run_cli_query(name, list(args), fmt, endpoint, out)
    return code, out.getvalue()


def test_without_a_name_lists_the_queries():
    code, text = cli()
    assert code == 0
    for query in canned.load_queries().values():
        assert query.name in text and query.title in text
    assert "--param theme=<iri> (default https://w3id.org/gcm-kg/id/theme/consular-protection)" in text


def test_table_output():
    code, text = cli(name="round-table-objectives")
    assert code == 0
    lines = text.splitlines()
    assert lines[0].split() == ["objective", "number", "title"]
    assert set(lines[1]) <= {"-", " "}
    assert lines[2].split()[:2] == ["gcm:objective/9", "9"]
    assert "Strengthen the transnational response to smuggling of migrants" in lines[2]
    assert lines[-1] == "(6 rows)"
    assert len(lines) == 2 + 6 + 1


def test_table_output_with_parameters_and_long_cells_cut():
    code, text = cli("text=CONSULAR", name="questions-mentioning")
    assert code == 0 and text.splitlines()[-1] == "(2 rows)"
    assert "gcm:question/lac-2021-rt3-13" in text and "…" in text  # the question text is cut at 70 characters


def test_csv_and_json_output():
    code, text = cli("theme=return-and-reintegration", name="theme-questions", fmt="csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert code == 0 and rows[0] == ["question", "number", "wording", "objectives"]
    assert [int(r[1]) for r in rows[1:]] == [7, 11, 13] and rows[1][2] == paper.QUESTIONS[7]
    code, text = cli("kind=video", "kind=treaty", "theme=consular-protection", "theme=return-and-reintegration",
                     name="theme-resources", fmt="json")
    body = json.loads(text)
    assert code == 0 and body["query"] == "theme-resources"
    assert {r["url"] for r in body["rows"]} == {paper.AVRR_VIDEO, paper.AVRR_BRAZIL, paper.VIENNA}


@pytest.mark.parametrize("args, name, message", [
    (["theme=x> }"], "theme-questions", "parameter 'theme'"),
    (["nothing"], "theme-questions", "expected NAME=VALUE"),
    (["colour=red"], "theme-questions", "unknown parameter"),
    ([], "no-such-query", "no canned query named 'no-such-query'"),
])
def test_bad_input_exits_2_with_a_message(capsys, args, name, message):
    code, text = cli(*args, name=name)
    assert code == 2 and text == ""
    assert message in capsys.readouterr().err


def test_remote_endpoint(api_base):
    code, text = cli("roundtable=lac-2021-3", name="round-table-objectives", fmt="csv", endpoint=api_base + "/sparql")
    assert code == 0
    rows = list(csv.reader(io.StringIO(text)))
    assert [(int(n), t) for _, n, t in rows[1:]] == paper.ROUND_TABLE_OBJECTIVES
    # the same bound query, with a hostile-looking value serialised as one literal
    code, text = cli('text=" } #', name="questions-mentioning", endpoint=api_base + "/sparql")
    assert code == 0 and text.splitlines()[-1] == "(0 rows)"


def test_unreachable_endpoint_exits_2(capsys):
    code, _ = cli(name="round-table-objectives", endpoint="http://127.0.0.1:9/sparql")
    assert code == 2 and "127.0.0.1:9" in capsys.readouterr().err


def test_the_gcm_kg_command():
    result = subprocess.run([sys.executable, "-m", "gcm_kg.cli.main", "query", "events-on-date", "--param", "date=2021-04-27"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "gcm:review/lac-2021" in result.stdout and result.stdout.splitlines()[-1] == "(2 rows)"
