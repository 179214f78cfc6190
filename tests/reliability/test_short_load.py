"""A short run of the reliability load test (``benchmarks/load.py``): 8 keep-alive clients send the
mixed workload (SPARQL lookups, joins, GROUP BY, DESCRIBE, linked-data dereferences, canned API
queries) to a fresh ``gcm-kg serve`` for 3 s — zero 5xx, zero connection errors; p99 is printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_eight_clients_for_three_seconds_get_no_server_or_connection_error(tmp_path):
    assert (ROOT / "benchmarks" / "load.py").is_file()
    result = subprocess.run([sys.executable, "-m", "benchmarks.load", "--clients", "8", "--duration", "3",
                             "--size", "1k", "--cache-dir", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "zero 5xx, zero connection errors" in result.stdout
    requests_done = int(re.search(r"requests: (\d+)", result.stdout).group(1))
    assert requests_done > 8
    assert re.search(r"p99 [\d.]+ ms", result.stdout)
