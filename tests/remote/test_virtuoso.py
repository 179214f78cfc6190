"""The service in front of Virtuoso (Debian's ``virtuoso-opensource``) where it differs from other
engines: loading through its Digest-authenticated Graph Store, its own row cap, its DESCRIBE.

(The protocol, linked-data and canned-query suites also run on Virtuoso, as the ``virtuoso``
backend of :mod:`tests.support.backends`.)
"""

from __future__ import annotations

import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from gcm_kg.core.settings import Settings
from gcm_kg.store.embedded import EmbeddedStore
from gcm_kg.store.remote import RemoteStore
from gcm_kg.web.app import create_app

from ..support.paths import REPO
from ..support.virtuoso_server import DBA, VirtuosoServer


def gcm_kg(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gcm_kg.cli.main", *args], capture_output=True, text=True,
                          timeout=300, cwd=REPO)


@pytest.fixture(scope="module")
def virtuoso():
    server = VirtuosoServer()
    try:
        yield server.start()
    finally:
        server.cleanup()


def test_load_negotiates_digest_and_the_world_cannot_write(virtuoso):
    refused = gcm_kg("load", "--endpoint", virtuoso.query_url, "--graph-store", virtuoso.store_url)
    assert refused.returncode == 2 and "401" in refused.stderr
    done = gcm_kg("load", "--endpoint", virtuoso.query_url, "--graph-store", virtuoso.store_url,
                  "--auth", ":".join(DBA))
    assert done.returncode == 0, done.stderr
    assert "MISMATCH" not in done.stdout and "loaded" in done.stdout
    # The README's recipe grants the anonymous user nothing: an update through /sparql is refused.
    update = urllib.parse.urlencode({"query": "INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> 1 } }"})
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(urllib.request.Request(virtuoso.query_url, data=update.encode()), timeout=30)
    store = RemoteStore(virtuoso.query_url, timeout=30)
    assert not bool(store.query("ASK { GRAPH <http://e/g> { ?s ?p ?o } }"))
    # …and its system graphs are not in the union the service counts
    embedded = EmbeddedStore.in_memory()
    assert store.counts() == embedded.counts()


def test_entity_descriptions_are_the_concise_bounded_descriptions(virtuoso):
    """Not Virtuoso's DESCRIBE: every description holds the same triples as pyoxigraph's CBD
    (compared after canonical blank-node labelling)."""
    embedded = EmbeddedStore.in_memory()
    if not bool(RemoteStore(virtuoso.query_url).query("ASK { ?s ?p ?o }")):
        virtuoso.put_graphs(embedded.store)
    store = RemoteStore(virtuoso.query_url, timeout=30)
    subjects = [row["s"].value for row in embedded.store.query(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?b FILTER(isIRI(?s) && isBlank(?b)) }", use_default_graph_as_union=True)]
    assert len(subjects) > 50

    def canonical(triples):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        return sorted(str(q) for q in dataset)

    for subject in subjects:
        assert canonical(store.describe(subject)) == canonical(embedded.describe(subject)), subject


def test_an_engine_cap_at_our_cap_is_told_at_start_and_in_ready():
    """Virtuoso's ResultSetMaxRows at our row cap would cut answers where we cannot see it."""
    server = VirtuosoServer(max_rows=50)
    try:
        server.start()
        store = RemoteStore(server.query_url, timeout=30, max_rows=50)
        warning = store.row_cap_warning()
        assert warning and "ResultSetMaxRows" in warning
        response = create_app(Settings(max_rows=50), store).test_client().get("/ready")
        assert response.status_code == 200 and response.json["warnings"] == [warning]
    finally:
        server.cleanup()


def test_an_engine_cap_above_ours_gives_no_warning(virtuoso):
    store = RemoteStore(virtuoso.query_url, timeout=30, max_rows=10_000)
    assert store.row_cap_warning() is None
