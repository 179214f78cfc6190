"""The pieces the benchmark, the load test and the CI smoke test share.

Datasets (generated once and cached), the servers — ours in memory and on disk, ``oxigraph serve``
on the same two kinds of storage, rdflib-endpoint — (started on free 127.0.0.1 ports and always
stopped), process-tree CPU and memory from ``/proc``, the benchmark queries, the
correctness check (result sets compared as multisets of bindings) and two HTTP drivers: ``wrk``
with a Lua script when it is installed, else a bounded Python client (threads + keep-alive).
"""

from __future__ import annotations

import collections
import hashlib
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pyoxigraph as ox

from . import generate

HOST = "127.0.0.1"
SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")
ID = generate.ID


# -- tools ---------------------------------------------------------------------------------------
def tool(name: str) -> str | None:
    """An executable next to this Python (a venv's bin) or on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def missing_tools() -> list[str]:
    """What the three-server comparison needs and cannot find (empty: all there)."""
    missing = []
    if tool("gcm-kg") is None:
        missing.append("gcm-kg (pip install -e .)")
    if tool("oxigraph") is None:
        missing.append("oxigraph (pip install oxigraph)")
    try:
        import rdflib_endpoint  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        missing.append("rdflib-endpoint (pip install rdflib-endpoint uvicorn)")
    return missing


def default_cache_dir() -> Path:
    return Path(tempfile.gettempdir()) / "gcm-kg-bench"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


# -- datasets --------------------------------------------------------------------------------------
@dataclass
class Data:
    """One benchmark dataset: the synthetic graph plus the shipped graph, as every server sees it."""

    label: str
    directory: Path
    extra_nt: Path          # synthetic triples not already shipped → `gcm-kg build --store DIR extra_nt`
    dataset_nq: Path        # shipped quads + extra_nt in its graph → oxigraph load / rdflib-endpoint
    triples: int            # distinct triples of dataset_nq
    question_iris: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def store_dir(self, server: str) -> Path:
        return self.directory / f"store-{server}"


def _shipped_fingerprint() -> tuple[str, list[ox.Quad]]:
    from gcm_kg.rdf import rdfio
    from gcm_kg.store.shipped import shipped_quads

    quads = shipped_quads()
    digest = hashlib.sha256()
    for path, graph in rdfio.shipped_files():
        digest.update(graph.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12], quads


def prepare_data(label: str, n_triples: int, seed: int, cache: Path, log: Callable[[str], None] = print) -> Data:
    """Generate (or reuse) the synthetic graph and the files every server loads.

    The shipped gcm-kg graph is always in our server's store, so the other servers get it too;
    synthetic triples that are already shipped are dropped (a union default graph would otherwise
    count them twice in oxigraph but once in rdflib).
    """
    from gcm_kg.store.base import extra_graph_iri

    fingerprint, shipped = _shipped_fingerprint()
    directory = Path(cache) / f"{label}-seed{seed}-{fingerprint}"
    directory.mkdir(parents=True, exist_ok=True)
    extra_nt = directory / "synthetic.nt"
    dataset_nq = directory / "dataset.nq"
    meta_file = directory / "meta.json"
    if meta_file.exists() and extra_nt.exists() and dataset_nq.exists():
        meta = json.loads(meta_file.read_text())
        return Data(label, directory, extra_nt, dataset_nq, meta["triples"], meta["question_iris"],
                    meta.get("timings", {}))
    timings = {}
    started = time.perf_counter()
    raw = directory / "generated.nt"
    generate.write(n_triples, seed, raw)
    timings["generate_s"] = time.perf_counter() - started
    log(f"generated {n_triples} synthetic triples in {timings['generate_s']:.1f} s")
    shipped_triples = {ox.Triple(q.subject, q.predicate, q.object) for q in shipped}
    graph = ox.NamedNode(extra_graph_iri(extra_nt))
    question_type = ox.NamedNode("https://schema.org/Question")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    extra: list[ox.Triple] = []
    questions: list[str] = []
    for quad in ox.parse(path=str(raw), format=ox.RdfFormat.N_TRIPLES):
        triple = quad.triple  # the parser gives quads in the default graph
        if triple in shipped_triples:
            continue
        extra.append(triple)
        if triple.predicate == rdf_type and triple.object == question_type:
            questions.append(triple.subject.value)
    ox.serialize(extra, str(extra_nt), format=ox.RdfFormat.N_TRIPLES)
    quads = list(shipped) + [ox.Quad(t.subject, t.predicate, t.object, graph) for t in extra]
    ox.serialize(quads, str(dataset_nq), format=ox.RdfFormat.N_QUADS)
    raw.unlink()
    distinct = len({(q.subject, q.predicate, q.object) for q in quads})
    meta = {"triples": distinct, "question_iris": questions, "timings": timings}
    meta_file.write_text(json.dumps(meta))
    return Data(label, directory, extra_nt, dataset_nq, distinct, questions, timings)


# -- process trees -----------------------------------------------------------------------------------
def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and parentheses: split after the last ')'
    return [str(pid), "comm"] + raw[raw.rindex(")") + 2:].split()


def parent_pid(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[3]) if fields else None


def tree_pids(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc/*/stat parent ids)."""
    children: dict[int, list[int]] = collections.defaultdict(list)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields:
                children[int(fields[3])].append(int(entry))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        if Path(f"/proc/{pid}").exists():
            pids.append(pid)
            todo.extend(children.get(pid, []))
    return pids


def web_workers(master: int) -> list[int]:
    """Our gunicorn master's web workers: its children but the query process (named for it)."""
    from gcm_kg.store.executor import PROCESS_NAME

    workers = []
    for pid in tree_pids(master):
        if parent_pid(pid) == master:
            try:
                name = Path(f"/proc/{pid}/comm").read_text().strip()
            except OSError:
                continue
            if name != PROCESS_NAME:
                workers.append(pid)
    return workers


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU of one process, its own (not its children's); None once it is gone."""
    fields = _stat(pid)
    return (int(fields[13]) + int(fields[14])) / CLK_TCK if fields else None


def tree_cpu_seconds(root: int) -> float:
    """User + system CPU of the tree, including children that exited and were waited for."""
    total = 0
    for pid in tree_pids(root):
        fields = _stat(pid)
        if fields:
            total += sum(int(fields[i]) for i in (13, 14, 15, 16))  # utime stime cutime cstime
    return total / CLK_TCK


def _kb_field(path: str, key: str) -> int:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_memory(root: int) -> dict[str, int]:
    """RSS and PSS of the tree, and the largest single process's RSS (bytes)."""
    rss = [_kb_field(f"/proc/{pid}/status", "VmRSS") for pid in tree_pids(root)]
    pss = sum(_kb_field(f"/proc/{pid}/smaps_rollup", "Pss") for pid in tree_pids(root))
    return {"rss": sum(rss), "pss": pss, "max_process_rss": max(rss, default=0), "processes": len(rss)}


class MemorySampler:
    """Samples a process tree's memory in a background thread; keeps the peaks."""

    def __init__(self, root: int, interval: float = 0.25):
        self.root, self.interval = root, interval
        self.peak = {"rss": 0, "pss": 0, "max_process_rss": 0, "processes": 0}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> None:
        now = tree_memory(self.root)
        for key, value in now.items():
            self.peak[key] = max(self.peak[key], value)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def __enter__(self) -> "MemorySampler":
        self.sample()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sample()


# -- servers -------------------------------------------------------------------------------------------
class Server:
    """A server process started by the benchmark in its own session (so the tree is its own)."""

    def __init__(self, name: str, argv: Sequence[str], port: int, *, sparql_path: str = "/sparql",
                 log_dir: Path, env: dict | None = None, ours: bool = False):
        self.name, self.argv, self.port, self.ours = name, list(argv), port, ours
        self.base = f"http://{HOST}:{port}"
        self.sparql_path = sparql_path
        self.log_path = Path(log_dir) / f"{slug(name)}.log"
        self.env = env
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.ready_after: float | None = None
        #: Run once the server answers, before it is measured (e.g. loading its data over HTTP).
        self.after_ready: Callable[[], None] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> "Server":
        self.log = open(self.log_path, "ab")
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, start_new_session=True,
                                        env={**os.environ, **(self.env or {})})
        return self

    def wait_ready(self, timeout: float) -> float:
        """Poll with a tiny query until it is answered; returns seconds since start."""
        deadline = time.monotonic() + timeout
        body = b"ASK { ?s ?p ?o }"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}; see {self.log_path}:\n"
                                   + self.log_path.read_text(errors="replace")[-2000:])
            try:
                status, _h, _b = http_request(self.port, "POST", self.sparql_path, body,
                                              {"Content-Type": "application/sparql-query",
                                               "Accept": SPARQL_JSON}, timeout=2)
                if status == 200:
                    self.ready_after = time.perf_counter() - self.started_at
                    return self.ready_after
            except OSError:
                pass
            time.sleep(0.01)
        raise TimeoutError(f"{self.name} not ready within {timeout} s; see {self.log_path}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # the session this benchmark started
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
        except ProcessLookupError:
            pass
        finally:
            self.log.close()


class Servers:
    """Starts servers and guarantees they are stopped (context manager)."""

    def __init__(self):
        self.servers: list[Server] = []

    def add(self, server: Server, ready_timeout: float) -> Server:
        self.servers.append(server.start())
        server.wait_ready(ready_timeout)
        if server.after_ready is not None:
            server.after_ready()
            server.ready_after = time.perf_counter() - server.started_at
        return server

    def __enter__(self) -> "Servers":
        return self

    def __exit__(self, *exc) -> None:
        for server in reversed(self.servers):
            server.stop()


def run_checked(argv: Sequence[str], what: str) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed ({done.returncode}): {done.stderr.strip() or done.stdout.strip()}")
    return elapsed, (done.stdout + done.stderr).strip()


def build_ours(data: Data, log: Callable[[str], None] = print) -> dict:
    """``gcm-kg build --store DIR synthetic.nt`` (cached); returns time, size and its report line."""
    store = data.store_dir("gcm-kg")
    info_file = data.directory / "build-gcm-kg.json"
    if store.is_dir() and info_file.exists():
        return json.loads(info_file.read_text())
    shutil.rmtree(store, ignore_errors=True)
    elapsed, output = run_checked([tool("gcm-kg"), "build", "--store", str(store), str(data.extra_nt)], "gcm-kg build")
    info = {"seconds": elapsed, "bytes": dir_size(store), "report": output}
    info_file.write_text(json.dumps(info))
    log(f"gcm-kg build: {output}")
    return info


def build_oxigraph(data: Data, log: Callable[[str], None] = print) -> dict:
    """``oxigraph load --location DIR --file dataset.nq`` (cached)."""
    store = data.store_dir("oxigraph")
    info_file = data.directory / "build-oxigraph.json"
    if store.is_dir() and info_file.exists():
        return json.loads(info_file.read_text())
    shutil.rmtree(store, ignore_errors=True)
    elapsed, output = run_checked([tool("oxigraph"), "load", "--location", str(store), "--file",
                                   str(data.dataset_nq)], "oxigraph load")
    # `gcm-kg build` optimises its store too; oxigraph's load tells to do it for read-heavy work
    elapsed += run_checked([tool("oxigraph"), "optimize", "--location", str(store)], "oxigraph optimize")[0]
    info = {"seconds": elapsed, "bytes": dir_size(store), "report": output.splitlines()[-1] if output else ""}
    info_file.write_text(json.dumps(info))
    log(f"oxigraph load: {elapsed:.1f} s, {info['bytes'] / 1e6:.1f} MB")
    return info


def ours_server(data: Data, log_dir: Path, *, store: bool = False, extra_args: Sequence[str] = ()) -> Server:
    """Our service as a user starts it: ``gcm-kg serve FILE`` (in memory, its default, with the
    synthetic graph as an extra file) or ``gcm-kg serve --store DIR`` over the store ``gcm-kg build``
    made."""
    port = free_port()
    argv = [tool("gcm-kg"), "serve", "--host", HOST, "--port", str(port)]
    if store:
        return Server("gcm-kg --store", argv + ["--store", str(data.store_dir("gcm-kg"))] + list(extra_args),
                      port, log_dir=log_dir, ours=True)
    return Server("gcm-kg", argv + list(extra_args) + [str(data.extra_nt)], port, log_dir=log_dir, ours=True)


#: Our server and the ``oxigraph serve`` that reads the same kind of storage: the anchor of its ratios.
#: Comparing an in-memory store with RocksDB (or the reverse) measures the storage, not the server.
ANCHORS = {"gcm-kg": "oxigraph-memory", "gcm-kg --store": "oxigraph-disk"}


def oxigraph_server(data: Data, log_dir: Path, *, storage: str = "disk") -> Server:
    """``oxigraph serve`` over the same quads as ours, on the same kind of storage.

    ``disk``: ``oxigraph serve-read-only --location DIR`` over the store ``oxigraph load`` built
    (ours reads its ``--store`` read-only too). ``memory``: ``oxigraph serve`` with no location
    (its in-memory store), loaded through its Graph Store endpoint (``POST /store`` with the
    N-Quads) once it answers — how a user gets data into it.
    """
    port = free_port()
    bind = ["--bind", f"{HOST}:{port}", "--union-default-graph"]
    if storage == "disk":
        argv = [tool("oxigraph"), "serve-read-only", "--location", str(data.store_dir("oxigraph")), *bind]
        return Server("oxigraph-disk", argv, port, sparql_path="/query", log_dir=log_dir)
    if storage != "memory":
        raise ValueError(f"storage is 'memory' or 'disk', not {storage!r}")
    server = Server("oxigraph-memory", [tool("oxigraph"), "serve", *bind], port, sparql_path="/query",
                    log_dir=log_dir)
    server.after_ready = lambda: _load_through_graph_store(server, data.dataset_nq)
    return server


def _load_through_graph_store(server: Server, dataset_nq: Path) -> None:
    status, _headers, body = http_request(server.port, "POST", "/store", dataset_nq.read_bytes(),
                                          {"Content-Type": "application/n-quads"}, timeout=1800)
    if status not in (200, 201, 204):
        raise RuntimeError(f"{server.name}: loading {dataset_nq} answered {status}: {body[:300]!r}")


def rdflib_server(data: Data, log_dir: Path) -> Server:
    port = free_port()
    argv = [tool("rdflib-endpoint") or "rdflib-endpoint", "serve", str(data.dataset_nq),
            "--host", HOST, "--port", str(port)]
    return Server("rdflib-endpoint", argv, port, sparql_path="/", log_dir=log_dir)


# -- HTTP -----------------------------------------------------------------------------------------------
def http_request(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                 timeout: float = 60) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


# -- queries ------------------------------------------------------------------------------------------
PREFIXES = """PREFIX schema: <https://schema.org/>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>
PREFIX gcm: <https://w3id.org/gcm-kg/id/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""


@dataclass
class Request:
    method: str
    path: str               # for SPARQL: "" (the server's own endpoint path is used)
    body: str | None = None
    accept: str = SPARQL_JSON
    content_type: str | None = None
    follow: bool = False    # a 303 is followed to its document (linked data)


@dataclass
class Query:
    name: str
    title: str
    kind: str               # "lookup" (trivial) or "heavy" (join and heavier) — decides the target
    requests: list[Request] # cycled through, a different one per request
    ours_only: bool = False
    form: str = "SELECT"    # SELECT, GRAPH (DESCRIBE) or DOC (a linked-data / API document)


def sparql(text: str, accept: str = SPARQL_JSON) -> Request:
    return Request("POST", "", PREFIXES + text, accept, "application/sparql-query")


def benchmark_queries(data: Data, n_iris: int = 1000) -> list[Query]:
    """The shared SPARQL queries (every server) over the synthetic data."""
    iris = data.question_iris[:: max(1, len(data.question_iris) // n_iris)][:n_iris]
    return [
        Query("lookup", "lookup by IRI (a different question per request)", "lookup",
              [sparql(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}") for iri in iris]),
        Query("join", "3-way join with labels (questions serving objective 9)", "heavy", [sparql("""
SELECT ?question ?theme ?themeLabel ?roundTableName WHERE {
  ?question gcmo:servesObjective <https://w3id.org/gcm-kg/id/objective/9> ;
            dct:subject ?theme ;
            schema:isPartOf ?section .
  ?theme skos:prefLabel ?themeLabel .
  ?section schema:isPartOf ?paper .
  ?paper schema:about ?roundTable .
  ?roundTable schema:name ?roundTableName .
  FILTER(LANG(?themeLabel) = "en")
}""")]),
        Query("group-count", "GROUP BY count (questions per theme)", "heavy", [sparql("""
SELECT ?theme (COUNT(?question) AS ?questions) WHERE {
  ?question a schema:Question ; dct:subject ?theme .
} GROUP BY ?theme""")]),
        Query("contains", "CONTAINS text filter on question texts", "heavy", [sparql("""
SELECT ?question ?text WHERE {
  ?question a schema:Question ; schema:text ?text .
  FILTER(CONTAINS(?text, "statelessness"))
}""")]),
        Query("optional-order", "OPTIONAL + ORDER BY + LIMIT (the 20 latest cited works, top-k over all)", "heavy",
              [sparql("""
SELECT ?work ?name ?year WHERE {
  ?work dct:type ?kind ; schema:name ?name .
  OPTIONAL { ?work schema:datePublished ?year }
} ORDER BY DESC(COALESCE(STR(?year), "")) ?work STR(?name) LIMIT 20""")]),
        Query("describe", "DESCRIBE a question (a different one per request)", "lookup",
              [sparql(f"DESCRIBE <{iri}>", N_TRIPLES) for iri in iris], form="GRAPH"),
    ]


#: Canned queries whose defaults reach into the synthetic data (works of UNODC, questions on a theme).
PREFERRED_CANNED = ("organisation-works", "theme-questions")


def ours_only_queries(data: Data, port: int, n_iris: int = 200) -> list[Query]:
    """Linked data and canned queries, when the running server offers them (found by asking it)."""
    queries: list[Query] = []
    iris = data.question_iris[:: max(1, len(data.question_iris) // n_iris)][:n_iris]
    base = ID[: -len("id/")]  # the service serves {base}id/{kind}/{key} at /id/{kind}/{key}
    paths = ["/" + iri[len(base):] for iri in iris]
    try:
        status, _h, _b = http_request(port, "GET", paths[0], headers={"Accept": "text/turtle"}, timeout=10)
    except OSError:
        status = 0
    if status in (200, 303):
        queries.append(Query("deref", "dereference /id/question/… (303 + Turtle document)", "lookup",
                             [Request("GET", p, accept="text/turtle", follow=True) for p in paths],
                             ours_only=True, form="DOC"))
    names = canned_query_names(port)
    preferred = [n for n in PREFERRED_CANNED if n in names] or names
    for name in preferred[:2]:
        queries.append(Query(f"api:{name}", f"canned query /api/queries/{name}", "heavy",
                             [Request("GET", f"/api/queries/{name}", accept="application/json")],
                             ours_only=True, form="DOC"))
    return queries


def canned_query_names(port: int) -> list[str]:
    """The canned query names the server lists at /api/queries (empty if it has none yet)."""
    try:
        status, headers, body = http_request(port, "GET", "/api/queries", headers={"Accept": "application/json"},
                                             timeout=10)
    except OSError:
        return []
    if status != 200 or "json" not in headers.get("content-type", ""):
        return []
    listing = json.loads(body)
    items = listing.get("queries", listing) if isinstance(listing, dict) else listing
    names = []
    for item in items if isinstance(items, list) else []:
        name = item.get("name") or item.get("id") if isinstance(item, dict) else item
        if isinstance(name, str):
            names.append(name.rsplit("/", 1)[-1])
    return sorted(names)


# -- correctness ------------------------------------------------------------------------------------------
def _term_key(term: dict) -> tuple:
    kind = term.get("type")
    if kind == "typed-literal":
        kind = "literal"
    datatype = term.get("datatype")
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = None
    if kind == "bnode":
        return ("bnode",)
    lang = term.get("xml:lang")
    return (kind, term.get("value"), datatype, lang.lower() if lang else None)


def solutions_multiset(body: bytes) -> collections.Counter:
    doc = json.loads(body)
    rows = collections.Counter()
    for binding in doc["results"]["bindings"]:
        rows[tuple(sorted((var, _term_key(term)) for var, term in binding.items()))] += 1
    return rows


def triples_multiset(body: bytes, media_type: str) -> collections.Counter:
    fmt = ox.RdfFormat.from_media_type(media_type.split(";")[0].strip()) if media_type else None
    if fmt is None:
        fmt = ox.RdfFormat.RDF_XML if body.lstrip().startswith(b"<") else ox.RdfFormat.TURTLE
    rows = collections.Counter()
    for t in ox.parse(body, format=fmt):
        key = tuple("_:b" if isinstance(x, ox.BlankNode) else str(x) for x in (t.subject, t.predicate, t.object))
        rows[key] += 1
    return rows


def fetch(server: Server, request: Request, timeout: float = 120) -> tuple[int, dict, bytes]:
    headers = {"Accept": request.accept}
    if request.content_type:
        headers["Content-Type"] = request.content_type
    path = request.path or server.sparql_path
    body = request.body.encode() if request.body is not None else None
    status, response_headers, payload = http_request(server.port, request.method, path, body, headers, timeout)
    if request.follow and status in (301, 302, 303, 307, 308):
        location = urllib.parse.urlparse(urllib.parse.urljoin(server.base + path, response_headers["location"]))
        target = location.path + (f"?{location.query}" if location.query else "")
        status, response_headers, payload = http_request(server.port, "GET", target, None, headers, timeout)
    return status, response_headers, payload


def answer(server: Server, query: Query, request: Request) -> collections.Counter:
    status, headers, body = fetch(server, request)
    if status != 200:
        raise AssertionError(f"{server.name} answered {query.name} with HTTP {status}: {body[:300]!r}")
    if query.form == "GRAPH":
        return triples_multiset(body, headers.get("content-type", ""))
    return solutions_multiset(body)


def check_correctness(servers: Sequence[Server], queries: Sequence[Query], samples: int = 5,
                      log: Callable[[str], None] = print) -> list[str]:
    """Every server answers every sampled request with the same rows; returns the problems found."""
    problems = []
    for query in queries:
        step = max(1, len(query.requests) // samples)
        for request in query.requests[::step][:samples]:
            if query.ours_only:
                for server in servers:
                    if server.ours:
                        status, _h, body = fetch(server, request)
                        if status != 200 or not body:
                            problems.append(f"{query.name}: {server.name} answered HTTP {status}")
                continue
            answers = {}
            for server in servers:
                try:
                    answers[server.name] = answer(server, query, request)
                except Exception as error:  # noqa: BLE001 - reported, then the benchmark refuses
                    problems.append(f"{query.name}: {error}")
            if len(answers) < len(servers):
                continue
            reference_name, reference = next(iter(answers.items()))
            for name, rows in answers.items():
                if rows != reference:
                    only_here = list((rows - reference).elements())[:3]
                    only_there = list((reference - rows).elements())[:3]
                    problems.append(f"{query.name}: {name} ({sum(rows.values())} rows) differs from "
                                    f"{reference_name} ({sum(reference.values())} rows); "
                                    f"only in {name}: {only_here}; only in {reference_name}: {only_there}")
            if not sum(reference.values()):
                problems.append(f"{query.name}: every server answered with no rows (the query tests nothing)")
    return problems


# -- drivers ----------------------------------------------------------------------------------------------
@dataclass
class CellResult:
    requests: int
    seconds: float
    errors: int             # connection errors, timeouts and non-2xx/3xx answers
    server_errors: int      # 5xx (Python client only; wrk counts them in errors)
    p50_ms: float
    p99_ms: float
    cpu_seconds: float = 0.0
    #: CPU time of the load generator itself (wrk's threads; None for the in-process Python client)
    driver_cpu_seconds: float | None = None
    driver_threads: int = 1

    @property
    def driver_busy(self) -> float | None:
        """Share of its threads' time the load generator spent working. A closed-loop generator
        limits the rate only when its threads are always busy; near 1.0 the figure is the
        generator's, not the server's."""
        if self.driver_cpu_seconds is None or not self.seconds:
            return None
        return self.driver_cpu_seconds / (self.seconds * self.driver_threads)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(text: str) -> str:
    level = "=" * 4
    while f"]{level}]" in text:
        level += "="
    return f"[{level}[{text}]{level}]"


def wrk_script(server: Server, query: Query) -> str:
    """A wrk Lua script cycling through the query's requests; prints a JSON summary when done."""
    items = []
    for r in query.requests:
        headers = {"Accept": r.accept}
        if r.content_type:
            headers["Content-Type"] = r.content_type
        header_lua = "{" + ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items()) + "}"
        body = _lua_string(r.body) if r.body is not None else "nil"
        items.append(f"{{{_lua_string(r.method)}, {_lua_string(r.path or server.sparql_path)}, {header_lua}, {body}}}")
    follow = any(r.follow for r in query.requests)
    script = """
local items = {%s}
local follow = %s
local thread_count = 0
local pending = {}
function setup(thread)
  thread:set("offset", thread_count * 7919)
  thread_count = thread_count + 1
end
function init(args)
  i = offset or 0
end
function request()
  if follow and #pending > 0 then
    local location = table.remove(pending)
    return wrk.format("GET", location, items[1][3], nil)
  end
  i = i + 1
  local item = items[(i %% #items) + 1]
  return wrk.format(item[1], item[2], item[3], item[4])
end
""" % (",\n".join(items), "true" if follow else "false")
    if follow:
        script += """
function response(status, headers, body)
  if status == 303 or status == 302 or status == 301 or status == 307 then
    local location = headers["Location"] or headers["location"]
    if location then
      location = string.gsub(location, "^https?://[^/]+", "")
      table.insert(pending, location)
    end
  end
end
"""
    script += """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRK-JSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""
    return script


def run_wrk(server: Server, query: Query, concurrency: int, duration: float, workdir: Path,
            timeout: float = 30) -> CellResult:
    script = Path(workdir) / f"wrk-{slug(server.name)}-{slug(query.name)}-c{concurrency}.lua"
    script.write_text(wrk_script(server, query))
    threads = max(1, min(concurrency, os.cpu_count() or 1, 4))
    argv = [tool("wrk"), "-t", str(threads), "-c", str(concurrency), "-d", f"{max(1, round(duration))}s",
            "--timeout", f"{int(timeout)}s", "-s", str(script), server.base]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + timeout + 30)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # wrk has been waited for: its time is in
    line = next((x for x in done.stdout.splitlines() if x.startswith("WRK-JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()} {done.stdout[-500:]}")
    r = json.loads(line[len("WRK-JSON "):])
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    driver_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return CellResult(r["requests"], r["duration_us"] / 1e6, errors, 0, r["p50_us"] / 1e3, r["p99_us"] / 1e3,
                      driver_cpu_seconds=driver_cpu, driver_threads=threads)


def percentile(values: Sequence[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(pct / 100 * len(ordered) + 0.5)) - 1))
    return ordered[index]


def run_clients(client: Callable[[int], None], clients: int, join_limit: float) -> float:
    """Run ``client(k)`` for k in 0..clients-1 on threads; the seconds until all ended (each join bounded)."""
    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(join_limit)
    return time.monotonic() - started


def run_python_client(server: Server, requests_by_client: Callable[[int], Iterable[Request]], clients: int,
                      duration: float, timeout: float = 30, max_requests: int = 10_000_000) -> CellResult:
    """Closed-loop clients (threads, one keep-alive connection each) for ``duration`` seconds.

    ``requests_by_client(k)`` gives client k's (cycled) requests. Every loop is bounded by the
    deadline and ``max_requests``.
    """
    latencies: list[float] = []
    counts = {"requests": 0, "errors": 0, "server_errors": 0}
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
        mine, errors, server_errors = [], 0, 0
        cycle = list(requests_by_client(k))
        n = 0
        try:
            while time.monotonic() < deadline and n < max_requests:
                request = cycle[n % len(cycle)]
                n += 1
                started = time.perf_counter()
                try:
                    status = _one(conn, server, request)
                except (OSError, http.client.HTTPException):
                    errors += 1
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, server.port, timeout=timeout)
                    continue
                mine.append(time.perf_counter() - started)
                if status >= 500:
                    server_errors += 1
                if status >= 400:
                    errors += 1
        finally:
            conn.close()
            with lock:
                latencies.extend(mine)
                counts["requests"] += len(mine)
                counts["errors"] += errors
                counts["server_errors"] += server_errors

    elapsed = run_clients(client, clients, duration + timeout + 10)
    return CellResult(counts["requests"], elapsed, counts["errors"], counts["server_errors"],
                      percentile(latencies, 50) * 1e3, percentile(latencies, 99) * 1e3)


def _one(conn: http.client.HTTPConnection, server: Server, request: Request) -> int:
    headers = {"Accept": request.accept}
    if request.content_type:
        headers["Content-Type"] = request.content_type
    path = request.path or server.sparql_path
    conn.request(request.method, path, body=request.body.encode() if request.body is not None else None,
                 headers=headers)
    response = conn.getresponse()
    response.read()
    if request.follow and response.status in (301, 302, 303, 307, 308):
        location = urllib.parse.urlparse(response.getheader("location"))
        conn.request("GET", location.path + (f"?{location.query}" if location.query else ""), headers=headers)
        response = conn.getresponse()
        response.read()
    return response.status


def wait_idle(server: Server, *, busy_below: float = 0.05, window: float = 0.5, max_wait: float = 120) -> float:
    """Wait until the server's process tree uses under ``busy_below`` of a core over ``window``.

    A server keeps working on the requests still queued when a measurement ends (none of the
    three cancels a query whose client left), so the next cell waits for it: cells never overlap.
    Returns the seconds waited (bounded by ``max_wait``).
    """
    started = time.monotonic()
    before = tree_cpu_seconds(server.pid)
    while time.monotonic() - started < max_wait:
        time.sleep(window)
        now = tree_cpu_seconds(server.pid)
        if now - before < busy_below * window:
            break
        before = now
    return time.monotonic() - started


def measure(server: Server, query: Query, concurrency: int, duration: float, workdir: Path,
            use_wrk: bool, *, others: Sequence[Server] = ()) -> CellResult:
    """One cell: ``query`` on ``server`` at ``concurrency``, with the server tree's CPU time.

    The server, and the ``others`` running beside it on the same cores, are first left to finish
    earlier work (:func:`wait_idle`): a server still working off the queue of the previous cell
    would otherwise take CPU from this one (seen: the join at c=32 measured at half speed right
    after rdflib-endpoint's cell, which left ~5 s of queued queries). CPU time is taken over the
    measurement window only.
    """
    for busy in [*others, server]:
        wait_idle(busy)
    cpu_before = tree_cpu_seconds(server.pid)
    if use_wrk:
        result = run_wrk(server, query, concurrency, duration, workdir)
    else:
        result = run_python_client(server, lambda k: query.requests[k * 7919 % len(query.requests):]
                                   + query.requests[:k * 7919 % len(query.requests)], concurrency, duration)
    result.cpu_seconds = tree_cpu_seconds(server.pid) - cpu_before
    return result


# -- machine --------------------------------------------------------------------------------------------
def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "cpu": model, "memory_gb": round(_kb_field("/proc/meminfo", "MemTotal") / 2**30, 1)}


def versions() -> dict:
    import platform
    from importlib import metadata

    out = {"python": platform.python_version()}
    for dist in ("gcm-kg", "pyoxigraph", "flask", "gunicorn", "rdflib", "rdflib-endpoint", "uvicorn", "oxigraph"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "not installed"
    for name, argv in (("oxigraph serve", [tool("oxigraph"), "--version"]), ("wrk", [tool("wrk"), "-v"])):
        if argv[0]:
            done = subprocess.run(argv, capture_output=True, text=True)
            text = (done.stdout + done.stderr).strip().splitlines()
            out[name] = text[0] if text else "?"
    return out
