"""Virtuoso (Debian's ``virtuoso-opensource``) on 127.0.0.1 as a second real SPARQL engine for the tests.

Each server gets a fresh database and ``virtuoso.ini`` in a temporary folder, free ports for SQL and
HTTP, and runs in the foreground as our child (``+foreground``), stopped by its PID afterwards. The
ini is the README's recipe (*Scaling out*): ``ResultSetMaxRows`` and ``MaxSortedTopRows`` above
gcm-kg's row cap, ``MaxQueryExecutionTime`` a little above the tests' own time limits. Virtuoso's
system graphs are made private (invisible to the anonymous SPARQL user), so that its default graph
is the union of the loaded graphs only, as in the embedded store. Data go in through the
Digest-authenticated Graph Store endpoint ``/sparql-graph-crud-auth`` as ``dba``, with the same code
as ``gcm-kg load --auth``; the anonymous user is granted nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from .oxigraph_server import UPSTREAM_TIMEOUT_S, free_port
from .processes import stop_child

#: Rows Virtuoso may return or sort (its own caps): far above every row cap the tests use.
ENGINE_MAX_ROWS = 1_000_000
#: The database administrator of a fresh Virtuoso database.
DBA = ("dba", "dba")
VIRTRDF = "http://www.openlinksw.com/schemas/virtrdf#"
#: Virtuoso's own graphs in a fresh database, hidden from the anonymous user.
SYSTEM_GRAPHS = (VIRTRDF, "http://www.w3.org/ns/ldp#", "http://localuriqaserver/sparql",
                 "http://www.openlinksw.com/schemas/oplweb#")

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
DirsAllowed = .
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxSortedTopRows = {max_rows}
MaxQueryExecutionTime = {timeout}
"""

#: Graph-level security (Virtuoso 7): the system graphs become private graphs, which the anonymous
#: user ("nobody") cannot read, so they leave its default graph; every other graph stays readable.
SECURITY_SQL = f"DB.DBA.RDF_GRAPH_GROUP_CREATE ('{VIRTRDF}PrivateGraphs', 1); " + "".join(
    f"DB.DBA.RDF_GRAPH_GROUP_INS ('{VIRTRDF}PrivateGraphs', '{graph}'); " for graph in SYSTEM_GRAPHS
) + "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1); DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1, 0);"


def virtuoso_binary() -> str | None:
    return shutil.which("virtuoso-t")


class VirtuosoServer:
    """``virtuoso-t`` in a child process with its own database folder; stopped by its PID."""

    def __init__(self, max_rows: int = ENGINE_MAX_ROWS):
        binary, isql = virtuoso_binary(), shutil.which("isql-vt")
        if binary is None or isql is None:
            pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource)")
        self.binary, self.isql = binary, isql
        self.sql_port, self.http_port = free_port(), free_port()
        self.location = Path(tempfile.mkdtemp(prefix="gcm-kg-virtuoso-"))
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.query_url, self.store_url = self.base + "/sparql", self.base + "/sparql-graph-crud-auth"
        (self.location / "virtuoso.ini").write_text(INI.format(
            dir=self.location, sql_port=self.sql_port, http_port=self.http_port, max_rows=max_rows,
            timeout=UPSTREAM_TIMEOUT_S))
        self.process: subprocess.Popen | None = None

    def start(self) -> "VirtuosoServer":
        self.process = subprocess.Popen(
            [self.binary, "+foreground", "+configfile", str(self.location / "virtuoso.ini")],
            cwd=self.location, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (self.location / "virtuoso.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"virtuoso-t exited: {log}")
            try:
                with urllib.request.urlopen(self.query_url + "?query=ASK%7B%7D", timeout=2) as response:
                    if response.status == 200:
                        self.sql(SECURITY_SQL)
                        return self
            except OSError:
                time.sleep(0.2)
        self.cleanup()
        raise RuntimeError("Virtuoso did not answer within 60 s")

    def sql(self, statements: str) -> None:
        """Run SQL as the DBA through Virtuoso's own client (``isql-vt``)."""
        done = subprocess.run([self.isql, f"127.0.0.1:{self.sql_port}", *DBA, f"exec={statements}"],
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt failed: {done.stdout}{done.stderr}")

    def put_graphs(self, store: ox.Store) -> None:
        """Every named graph of ``store``, PUT as the DBA the way ``gcm-kg load --auth`` does."""
        from gcm_kg.services.load import learn_scheme, put_graph
        from gcm_kg.store.http_auth import Credentials

        credentials = Credentials(*DBA)
        graphs = sorted({q.graph_name.value for q in store if isinstance(q.graph_name, ox.NamedNode)})
        if graphs:
            learn_scheme(self.store_url, graphs[0], credentials)
        for graph in graphs:
            triples = [q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))]
            put_graph(self.store_url, graph, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                      credentials=credentials)

    def stop(self) -> None:
        stop_child(self.process, grace=20)
        self.process = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.location, ignore_errors=True)
