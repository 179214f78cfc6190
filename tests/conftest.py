"""Options shared by every suite."""

from __future__ import annotations

import pytest


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_time_limit: the test needs a backend that stops queries at the "
                                       "time limit (skipped on the embedded store, which cannot)")


@pytest.fixture(autouse=True)
def _skip_without_time_limit(request):
    """Skip ``needs_time_limit`` tests on a backend that cannot stop a running query."""
    if request.node.get_closest_marker("needs_time_limit") and "backend_kind" in request.fixturenames:
        if request.getfixturevalue("backend_kind") == "embedded":
            pytest.skip("an embedded store runs queries in the web process, where nothing can stop them "
                        "at the time limit (gcm-kg serve uses the query process)")
