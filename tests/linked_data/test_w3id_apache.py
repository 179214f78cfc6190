"""The w3id.org rules, end to end: Debian's Apache (mod_rewrite, ``AllowOverride All``, as w3id.org
runs them) serves the generated ``.htaccess`` under ``/gcm-kg/`` on 127.0.0.1, in front of a
running ``gcm-kg serve``. Every kind of URI, asked for in every document format, ends (following
the redirects, with the same Accept) at a 200 in that format that is about the URI."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from gcm_kg.core.namespaces import BASE
from gcm_kg.services import w3id

from ..reliability.conftest import Served, free_port

APACHE = shutil.which("apache2") or ("/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
MODULES = Path("/usr/lib/apache2/modules")

pytestmark = pytest.mark.skipif(APACHE is None, reason="Debian's apache2 is not installed (.ci/run installs it)")

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPTS = {
    "html": (BROWSER, "text/html", None),
    "turtle": ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    "jsonld": ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
    "ntriples": ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    "rdfxml": ("application/rdf+xml", "application/rdf+xml", ox.RdfFormat.RDF_XML),
}
#: One URI of each kind, and the IRI its documents must mention (the root's RDF is the dataset's
#: description, so it is about the dataset).
URIS = {
    "root": ("", BASE + "id/dataset/gcm-kg"),
    **{kind.example: (kind.example, BASE + kind.example) for kind in w3id.URI_KINDS if kind.example},
    "dataset": ("id/dataset/gcm-kg", BASE + "id/dataset/gcm-kg"),
    "ontology version": ("ontology/0.1.0", BASE + "ontology/0.1.0"),
    "shapes": ("shapes", BASE + "shapes"),
    "graph of shapes": ("graph/shapes", BASE + "graph/shapes"),
}

CONFIG = """\
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
PidFile {run}/httpd.pid
DefaultRuntimeDir {run}
Mutex file:{run} default
ErrorLog {run}/error.log
LogLevel warn rewrite:trace2
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
{user}
DocumentRoot {docroot}
<Directory />
    AllowOverride None
    Require all denied
</Directory>
<Directory {docroot}>
    Options FollowSymLinks
    AllowOverride All
    Require all granted
</Directory>
"""


class Apache:
    """``apache2 -f CONFIG -DFOREGROUND`` on a free port, serving ``docroot``; stopped by its pid."""

    def __init__(self, docroot: Path, run: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.run = run
        # As root, Apache's workers switch to www-data (Debian's user for them), which must be able
        # to read the rules; as anyone else they keep the current user.
        user = "User www-data\nGroup www-data" if os.geteuid() == 0 else ""
        config = run / "httpd.conf"
        config.write_text(CONFIG.format(port=self.port, run=run, modules=MODULES, docroot=docroot, user=user))
        # A session of its own: on shutdown Apache signals its whole process group.
        self.process = subprocess.Popen([APACHE, "-f", str(config), "-DFOREGROUND"], start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

    @property
    def log(self) -> str:
        path = self.run / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_ready(self, limit: float = 30.0) -> None:
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if self.process.poll() is not None:
                raise AssertionError(f"apache2 exited with {self.process.returncode}:\n{self.log}")
            try:
                requests.get(self.base + "/", timeout=2)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise AssertionError(f"apache2 was not ready within {limit} s:\n{self.log}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    server = Served(tmp_path_factory.mktemp("serve"), "--workers", "1")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def apache(served):
    """Apache serving the rules generated for the running server as ``/gcm-kg/.htaccess``."""
    # A folder of its own under the system's temporary folder, readable by www-data (pytest's own
    # temporary folders are private to the current user).
    top = Path(tempfile.mkdtemp(prefix="gcm-kg-w3id-"))
    try:
        docroot, run = top / "htdocs", top / "run"
        (docroot / "gcm-kg").mkdir(parents=True)
        run.mkdir()
        (docroot / "gcm-kg" / ".htaccess").write_text(w3id.htaccess(served.base + "/"))
        for folder in (top, docroot, docroot / "gcm-kg"):
            folder.chmod(0o755)
        (docroot / "gcm-kg" / ".htaccess").chmod(0o644)
        server = Apache(docroot, run)
        try:
            server.wait_ready()
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(top, ignore_errors=True)


def _mentions(body: bytes, rdf_format, iri: str) -> bool:
    if rdf_format is None:
        return iri.encode() in body
    terms = set()
    for triple in ox.parse(body, format=rdf_format, base_iri="http://example.invalid/"):
        terms.update(term for term in (triple.subject, triple.object) if isinstance(term, ox.NamedNode))
    return ox.NamedNode(iri) in terms


@pytest.mark.parametrize("accept_name", list(ACCEPTS))
@pytest.mark.parametrize("uri_name", list(URIS))
def test_every_kind_of_uri_resolves_through_the_w3id_rules_in_every_format(apache, served, uri_name, accept_name):
    path, about = URIS[uri_name]
    accept, media_type, rdf_format = ACCEPTS[accept_name]
    first = requests.get(f"{apache.base}/gcm-kg/{path}", headers={"Accept": accept}, allow_redirects=False,
                         timeout=10)
    assert first.status_code == w3id.REDIRECT_STATUS, apache.log
    assert first.headers["Location"] == f"{served.base}/{path}"

    final = requests.get(f"{apache.base}/gcm-kg/{path}", headers={"Accept": accept}, timeout=30)
    assert final.status_code == 200, (final.url, final.text[:500])
    assert final.headers["Content-Type"].split(";")[0] == media_type, final.url
    assert _mentions(final.content, rdf_format, about), final.url


def test_the_query_string_goes_along(apache, served):
    response = requests.get(f"{apache.base}/gcm-kg/id/objective/9?lang=es", headers={"Accept": "text/html"},
                            allow_redirects=False, timeout=10)
    assert response.headers["Location"] == f"{served.base}/id/objective/9?lang=es"
    page = requests.get(f"{apache.base}/gcm-kg/id/objective/9?lang=es", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200 and page.url == f"{served.base}/doc/objective/9.html?lang=es"
    assert '<html lang="es">' in page.text


def test_paths_that_are_no_uri_of_ours_are_not_forwarded(apache):
    response = requests.get(f"{apache.base}/gcm-kg/sparql", allow_redirects=False, timeout=10)
    assert response.status_code == 404
