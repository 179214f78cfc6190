"""The profile of where a request's time goes (``python -m benchmarks.profile``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks package lives at the repository root
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, profile  # noqa: E402


def test_samples_are_grouped_by_the_package_of_their_innermost_frame(tmp_path):
    raw = tmp_path / "collapsed.txt"
    raw.write_text(
        "process 1;run (gunicorn/arbiter.py:1);handle (gunicorn/workers/gthread.py:2) 6\n"
        "process 2;_run (gcm_kg/web/views/protocol.py:3);query (gcm_kg/store/embedded.py:98) 3\n"
        "process 2;_run (gcm_kg/web/views/protocol.py:3);parse (gcm_kg/sparql/lexer.py:9) 1\n")
    shares = dict(profile.top_frames(raw))
    assert shares == {"gunicorn": 0.6, "pyoxigraph (called from gcm_kg.store.embedded)": 0.3,
                      "gcm_kg.sparql.lexer": 0.1}


def test_the_profile_splits_cpu_by_layer(tmp_path, capsys):
    missing = harness.missing_tools() + ([] if harness.tool("wrk") else ["wrk"])
    if missing:
        pytest.skip("the profile needs: " + "; ".join(missing))
    out = tmp_path / "profile.md"
    status = profile.main(["--size", "2000", "--duration", "1", "--calls", "20", "--queries", "lookup,join",
                           "--cache-dir", str(tmp_path / "cache"), "--markdown", str(out)])
    assert status == 0
    text = out.read_text()
    for query in ("lookup", "join"):
        section = text.split(f"## {query}", 1)[1].split("## ", 1)[0]
        figures = {line.split("|")[1].strip(): line.split("|")[2].strip() for line in section.splitlines()
                   if line.startswith("| ") and "CPU ms" not in line}
        assert float(figures["engine: pyoxigraph evaluates and writes (in process, no HTTP)"]) > 0
        assert float(figures["under load: web workers (gunicorn + our app)"]) > 0
        assert "oxigraph-memory" in section and "Web workers' shares" in section
