"""gcm_kg.services.validation_reports: every format names the file and line of each result.

A planted violation on a known line must come out on that line in every format; SARIF must
validate against the OASIS SARIF 2.1.0 schema.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pytest
import rdflib
from rdflib import namespace as ns

from gcm_kg.services.validation import FORMATTERS, GateOptions, run_validate, shipped_files
from gcm_kg.services.validation_reports import SourceLocation
from ..support.paths import FIXTURES, REPO

PLANTED = FIXTURES / "validation"
QUESTION_TTL = PLANTED / "question-without-text-subject-on-line-10.ttl"
QUESTION_NT = PLANTED / "question-without-text-subject-on-line-2.nt"
SELECTOR = PLANTED / "selector-without-quote-in-passage-on-line-6.ttl"
COMPACT_JSONLD = PLANTED / "question-without-text-compact-id.jsonld"
SARIF_SCHEMA = REPO.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


def report(fmt: str, *files: Path, **options) -> tuple[int, str]:
    out = io.StringIO()
    status = run_validate(list(files) or None, None, fmt, out, GateOptions(locations=True, **options))
    return status, out.getvalue()


def same_file(shown: str, expected: Path) -> bool:
    return Path(shown).resolve() == expected.resolve()


# What each format says about the lines of the results: [(file, line), …].

def lines_text(text):
    found = []
    for line in text.splitlines():
        parts = line.split(":")
        if len(parts) > 3 and parts[1].isdigit() and parts[2].isdigit() and parts[3].strip() in ("violation", "warning", "info"):
            found.append((parts[0], int(parts[1])))
    return found


def lines_json(text):
    return [(r["location"]["file"], r["location"]["line"]) for r in json.loads(text)["results"]]


def lines_junit(text):
    return [(c.get("file"), int(c.get("line"))) for c in ET.fromstring(text).iter("testcase")]


def lines_turtle(text):
    graph = rdflib.Graph().parse(data=text, format="turtle")
    found = []
    for result in graph.objects(None, ns.SH.result):
        for see in graph.objects(result, ns.RDFS.seeAlso):
            uri, _, fragment = str(see).partition("#line=")
            first, last = map(int, fragment.split(","))
            assert last == first + 1   # RFC 5147: the range of exactly one line
            found.append((url2pathname(urlsplit(uri).path), last))
    return found


def lines_sarif(text):
    run = json.loads(text)["runs"][0]
    return [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]]


def lines_github(text):
    found = []
    for line in text.splitlines():
        if line.startswith("::"):
            props = dict(p.split("=", 1) for p in line[2:].split("::", 1)[0].split(" ", 1)[1].split(","))
            found.append((props["file"], int(props["line"])))
    return found


def lines_markdown(text):
    found = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[2].startswith("`") and cells[2].count(":") >= 2:
            path, line_number, _column = cells[2].strip("`").rsplit(":", 2)
            found.append((path, int(line_number)))
    return found


def lines_codeclimate(text):
    return [(i["location"]["path"], i["location"]["lines"]["begin"]) for i in json.loads(text)]


LINES = {"text": lines_text, "json": lines_json, "junit": lines_junit, "turtle": lines_turtle,
         "sarif": lines_sarif, "github": lines_github, "markdown": lines_markdown,
         "codeclimate": lines_codeclimate}


def test_every_format_is_checked_here():
    assert set(LINES) == set(FORMATTERS)


@pytest.mark.parametrize("fmt", sorted(LINES))
@pytest.mark.parametrize("planted, line", [(QUESTION_TTL, 10), (QUESTION_NT, 2), (SELECTOR, 6)],
                         ids=["turtle-file", "n-triples-file", "blank-node-focus"])
def test_planted_violation_is_on_its_line_in_every_format(fmt, planted, line):
    status, text = report(fmt, planted)
    assert status == 1
    found = LINES[fmt](text)
    assert found, text
    assert all(same_file(path, planted) and number == line for path, number in found), found


def test_shipped_data_results_point_into_the_shipped_files():
    """The 7 warnings of the shipped data are on the lines that describe the works."""
    status, text = report("json")
    assert status == 0
    results = json.loads(text)["results"]
    assert len(results) == 7
    works = next(p for p in shipped_files("data") if p.name == "works.ttl")
    source = works.read_text(encoding="utf-8").splitlines()
    for r in results:
        location = r["location"]
        assert same_file(location["file"], works)
        local = r["focusNode"]["value"].removeprefix("https://w3id.org/gcm-kg/id/")
        assert source[location["line"] - 1].startswith(f"<{local}> "), (location, local)
        assert location["column"] == 1


def test_location_is_relative_to_the_working_directory_when_inside(monkeypatch):
    monkeypatch.chdir(PLANTED)
    _, text = report("json", QUESTION_TTL.resolve())
    assert {r["location"]["file"] for r in json.loads(text)["results"]} == {QUESTION_TTL.name}


def test_unknown_line_is_said_not_guessed():
    """A JSON-LD @id written as a compact IRI: the file is known, the line is not."""
    _, text = report("text", COMPACT_JSONLD)
    result_lines = [line for line in text.splitlines() if ": violation: " in line]
    assert result_lines
    for line in result_lines:
        shown, _, rest = line.partition(" (line unknown): ")
        assert same_file(shown, COMPACT_JSONLD) and rest.startswith("violation: "), line
    _, text = report("json", COMPACT_JSONLD)
    assert all(r["location"]["line"] is None for r in json.loads(text)["results"])
    _, text = report("github", COMPACT_JSONLD)
    assert all("file=" in line and "line=" not in line for line in text.splitlines() if line.startswith("::"))
    assert str(SourceLocation()) == "location unknown"


def test_json_without_files_has_no_location_key():
    """The in-memory API (no files) keeps the JSON report it always had."""
    from gcm_kg.services.validation import format_json, load_graph, validate

    doc = json.loads(format_json(validate(load_graph([QUESTION_TTL]))))
    assert doc["results"] and all("location" not in r for r in doc["results"])


# -- SARIF ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the OASIS SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (a copy of sarif-2.1/schema/"
                    "sarif-schema-2.1.0.json of the OASIS sarif-spec repository); SARIF not checked against it")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def assert_valid_sarif(validator, text: str) -> dict:
    doc = json.loads(text)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])
    return doc


@pytest.mark.parametrize("files", [[QUESTION_TTL, SELECTOR], [COMPACT_JSONLD], []],
                         ids=["violations", "line-unknown", "shipped-data"])
def test_sarif_passes_the_oasis_schema(sarif_validator, files):
    _, text = report("sarif", *files)
    assert_valid_sarif(sarif_validator, text)


def test_sarif_rules_results_and_logical_locations(sarif_validator):
    _, text = report("sarif", QUESTION_TTL, SELECTOR)
    doc = assert_valid_sarif(sarif_validator, text)
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "gcm-kg validate" and driver["version"]
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {"gcmsh:S03-question", "gcmsh:S10-labelled-entity", "gcmsh:S19-text-quote-selector"}
    assert rules["gcmsh:S03-question"]["helpUri"] == "https://w3id.org/gcm-kg/shapes#S03-question"
    assert rules["gcmsh:S03-question"]["shortDescription"]["text"] == "S03 question"
    assert len(driver["rules"]) == len(rules)   # one entry per shape
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error"
        assert result["partialFingerprints"]["gcmKgResult/v1"]
        location = result["locations"][0]
        assert location["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["logicalLocations"][0]["kind"] == "resource"
    selector = next(r for r in run["results"] if r["ruleId"] == "gcmsh:S19-text-quote-selector")
    assert selector["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == \
        "https://w3id.org/gcm-kg/id/passage/lac-2021-rt3-consular-protection"
    assert selector["properties"]["focusNode"]["type"] == "bnode"
    assert selector["properties"]["resultPath"] == "http://www.w3.org/ns/oa#exact"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == Path.cwd().as_uri() + "/"


def test_sarif_levels_follow_shacl_severities(sarif_validator):
    _, text = report("sarif")   # the shipped data: warnings only
    run = assert_valid_sarif(sarif_validator, text)["runs"][0]
    assert {r["level"] for r in run["results"]} == {"warning"}
    assert run["properties"]["conforms"] is True


# -- GitHub, Markdown, Code Climate ---------------------------------------------------------------

def test_github_commands_escape_and_carry_the_severity():
    _, text = report("github", QUESTION_TTL)
    commands = [line for line in text.splitlines() if line.startswith("::")]
    assert len(commands) == 2 and all(c.startswith("::error file=") for c in commands)
    assert all(",col=1,title=SHACL Violation gcmsh%3AS" in c for c in commands)   # ':' escaped in properties
    assert text.splitlines()[-1].startswith("gcm-kg validate: does not conform")
    _, text = report("github")
    assert {line.split(" ", 1)[0] for line in text.splitlines() if line.startswith("::")} == {"::warning"}


def test_markdown_summary_table():
    _, text = report("markdown", QUESTION_TTL)
    assert text.startswith("### gcm-kg validate: does not conform")
    assert "| Violation | 2 |" in text
    assert "[gcmsh:S03-question](https://w3id.org/gcm-kg/shapes#S03-question)" in text
    assert "\\|" in text   # the alternative path's | is escaped inside its cell


def test_codeclimate_issues():
    _, text = report("codeclimate", QUESTION_TTL)
    issues = json.loads(text)
    assert {i["severity"] for i in issues} == {"critical"}
    assert len({i["fingerprint"] for i in issues}) == len(issues) == 2
    assert all(i["check_name"].startswith("gcmsh:S") and i["type"] == "issue" for i in issues)
