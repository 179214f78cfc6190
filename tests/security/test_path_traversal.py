"""Path traversal: ``..``, percent- and double-encoded dots and slashes, backslashes, NUL and absolute
paths on every route that takes a path never serve a file outside what the route publishes.

The assertion is on content: no response ever carries the text of ``/etc/passwd``, of the
project's ``pyproject.toml`` or of the package's Python source, whatever its status.
"""

from __future__ import annotations

import http.client
from pathlib import Path

import pytest

import gcm_kg

#: The web package: ``static/`` lies in it beside ``app.py``, so ``/static/../app.py`` is the nearest target.
PACKAGE = Path(gcm_kg.__file__).resolve().parent / "web"
SECRETS = {
    "/etc/passwd": "root:x:0:0",
    "pyproject.toml": "[build-system]",
    "the package source": "from __future__ import annotations",
}
TARGETS = ["etc/passwd", "pyproject.toml", "app.py", "gcm_kg/settings.py", "server/gcm_kg/app.py",
           "../core/settings.py", "gcm_kg/core/settings.py", "server/gcm_kg/web/app.py"]
#: How a client might spell "up one directory" so that some layer decodes it after routing.
UPS = ["../", "..%2f", "..%2F", "%2e%2e/", "%2e%2e%2f", ".%2e/", "%252e%252e%252f", "..%252f", "..\\", "..%5c",
       "%2e%2e%5c", "....//", "..;/", "%c0%ae%c0%ae/", "..%c0%af", ".%00./", "%2e%2e%u2215"]
ROUTES = ["/static/", "/download/", "/id/", "/doc/", "/ontology/", "/ontology.", "/shapes/", "/shapes.", "/list/",
          "/api/queries/", "/"]


def traversal_paths() -> list[str]:
    paths = []
    for route in ROUTES:
        for up in UPS:
            for target in TARGETS:
                paths.append(route + up * 6 + target)
        paths += [route + "/etc/passwd", route + "%2fetc%2fpasswd", route + "%252fetc%252fpasswd",
                  route + "\\etc\\passwd", route + "C:\\Windows\\win.ini", route + "file:///etc/passwd",
                  route + "etc/passwd%00.ttl", route + "..", route + "%2e%2e", route + "."]
    return paths


def raw_get(base: str, path: str) -> tuple[int, str]:
    """GET ``path`` exactly as written (no client-side normalisation of dot segments)."""
    host, port = base.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.putheader("Accept", "*/*")
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def assert_no_secret(path: str, status: int, body: str) -> None:
    assert status < 500, (path, status, body[:300])
    for name, marker in SECRETS.items():
        assert marker not in body, f"{path} served {name} (status {status})"


def test_the_markers_are_real():
    """The markers identify the files they stand for (else the tests below prove nothing)."""
    assert SECRETS["pyproject.toml"] in (Path(__file__).resolve().parents[2] / "pyproject.toml").read_text()
    assert SECRETS["the package source"] in (PACKAGE / "app.py").read_text()
    passwd = Path("/etc/passwd")
    if passwd.exists():
        assert SECRETS["/etc/passwd"] in passwd.read_text()


@pytest.mark.parametrize("route", ROUTES)
def test_no_traversal_serves_a_file_outside_the_route(inprocess, route):
    server, _store = inprocess
    paths = [p for p in traversal_paths() if p.startswith(route) and (route != "/" or p[1:2] in (".", "%", "\\", "/"))]
    assert paths
    for path in paths:
        status, body = raw_get(server.base, path)
        assert_no_secret(path, status, body)


def test_static_files_are_served_and_only_them(inprocess):
    server, _store = inprocess
    status, body = raw_get(server.base, "/static/query.js")
    assert status == 200 and body == (PACKAGE / "static" / "query.js").read_text()
    for path in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py", "/static/../templates/",
                 "/static/" + str(PACKAGE / "app.py"), "/static//" + str(PACKAGE / "app.py")):
        status, body = raw_get(server.base, path)
        if status in (301, 308):  # '//' merged into '/': follow it once
            status, body = raw_get(server.base, "/static/" + path.lstrip("/").split("/", 1)[1].lstrip("/"))
        assert status in (400, 404), (path, status)
        assert_no_secret(path, status, body)
