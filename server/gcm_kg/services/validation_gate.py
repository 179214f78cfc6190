"""When a validation fails a build: the severity threshold and the baseline of known results.

* ``--fail-on violation|warning|info``: the lowest severity that fails (exit 1). ``violation`` is
  SHACL conformance (SHACL §3.6.2: warnings and infos do not make a graph non-conforming).
* ``--baseline FILE``: results already in the file do not fail the build; only new ones do. A
  result matches one of the baseline on :func:`~gcm_kg.services.validation_reports.result_key`
  (shape, focus node, path, value; a blank node by its nearest named subject and the path to it),
  as often as it occurs there.
* ``--write-baseline FILE``: every current result, in the same format (JSON, sorted, one entry
  per result with its severity, message and location so that a reviewer can read the diff).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

from rdflib.namespace import SH

from gcm_kg.services.validation_reports import ValidationResult, result_key

__all__ = ["FAIL_ON", "BaselineError", "read_baseline", "write_baseline", "apply_baseline", "exit_status"]

#: The severities that fail the build, by ``--fail-on`` level.
FAIL_ON = {
    "violation": frozenset({SH.Violation}),
    "warning": frozenset({SH.Violation, SH.Warning}),
    "info": frozenset({SH.Violation, SH.Warning, SH.Info}),
}
BASELINE_FORMAT = "gcm-kg validate baseline"
_KEY_FIELDS = ("shape", "focusNode", "path", "value")


class BaselineError(ValueError):
    """A baseline file that cannot be read: ``str()`` names the file and the problem."""


def read_baseline(path: Path | str) -> Counter:
    """The result keys of a baseline file, with how often each occurs."""
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise BaselineError(f"{path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: not a JSON baseline ({error})") from None
    if not isinstance(doc, dict) or doc.get("format") != BASELINE_FORMAT or not isinstance(doc.get("results"), list):
        raise BaselineError(f"{path}: not a baseline written by `gcm-kg validate --write-baseline` "
                            f"(expected an object with \"format\": \"{BASELINE_FORMAT}\" and \"results\")")
    keys: Counter = Counter()
    for index, entry in enumerate(doc["results"]):
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in _KEY_FIELDS):
            raise BaselineError(f"{path}: result {index} lacks one of the string members {', '.join(_KEY_FIELDS)}")
        keys[tuple(entry[k] for k in _KEY_FIELDS)] += 1
    return keys


def write_baseline(result: ValidationResult, path: Path | str) -> None:
    """Write every result of ``result`` as a baseline (atomically: a reader never sees half)."""
    entries = []
    for r in result.results:
        entry = dict(zip(_KEY_FIELDS, result_key(r)))
        entry.update({"severity": r.severity_name, "message": r.message,
                      "location": str(r.location) if r.location is not None else None})
        entries.append(entry)
    entries.sort(key=lambda e: tuple(e[k] for k in _KEY_FIELDS))
    text = json.dumps({"format": BASELINE_FORMAT, "version": 1, "results": entries}, ensure_ascii=False, indent=2) + "\n"
    path = Path(path)
    fd, temporary = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def apply_baseline(result: ValidationResult, known: Counter, name: str) -> ValidationResult:
    """``result`` with each result that the baseline ``known`` holds marked ``in_baseline``."""
    remaining = Counter(known)
    marked = []
    for r in result.results:
        key = result_key(r)
        if remaining[key] > 0:
            remaining[key] -= 1
            r = replace(r, in_baseline=True)
        marked.append(r)
    return replace(result, results=marked, baseline=name)


def exit_status(result: ValidationResult, fail_on: str = "violation") -> int:
    """1 when a result not in the baseline has a severity that fails the build, else 0."""
    failing = FAIL_ON[fail_on]
    return 1 if any(r.severity in failing and not r.in_baseline for r in result.results) else 0
