"""``gcm-kg load`` and ``gcm-kg validate --endpoint``: the graph on another SPARQL 1.1 engine.

:func:`load` pushes the shipped ontology, data, shapes and canned queries (plus extra files), one
named graph at a time exactly as ``gcm-kg build`` lays them out (:func:`gcm_kg.store.shipped.shipped_quads`),
through the SPARQL 1.1 Graph Store HTTP Protocol: ``PUT <graph-store>?graph=<g>`` with the graph as
N-Triples. A PUT replaces the graph, so loading twice leaves the same data. Each graph goes in one
request (a blank node must not be split over two requests), sent in pieces with a progress line on
stderr. Afterwards every graph is counted through the query endpoint and compared with what was
sent; graphs under ``https://w3id.org/gcm-kg/graph/`` that were not sent (a data file renamed since
an earlier load) are listed so they can be dropped.

Graph Store URLs: ``oxigraph serve`` → ``http://HOST:7878/store``; Fuseki → ``http://HOST:3030/DATASET``
(or ``…/DATASET/data``); Virtuoso → ``http://HOST:8890/sparql-graph-crud-auth`` (with credentials).
Without ``--graph-store`` the query URL itself is used, which suits Fuseki's dataset URL.

:func:`run_validate_remote` validates what an endpoint serves: every graph but the shapes and the
canned queries, fetched with one CONSTRUCT, checked by the same SHACL engine as ``gcm-kg validate``.
"""

from __future__ import annotations

import http.client
import ssl
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence, TextIO
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from gcm_kg import __version__
from gcm_kg.rdf import rdfio
from gcm_kg.store.shipped import shipped_quads
from gcm_kg.core.namespaces import GRAPH
from gcm_kg.store.http_auth import AuthError, Credentials
from gcm_kg.store.remote import RemoteStore
from gcm_kg.sparql.model import QueryError
from gcm_kg.store.base import extra_graph_iri

PIECE = 256 * 1024  # bytes per write while sending a graph (progress granularity)
HINT = ("check --graph-store: oxigraph serve → http://HOST:7878/store, Fuseki → http://HOST:3030/DATASET, "
        "Virtuoso → http://HOST:8890/sparql-graph-crud-auth")


class LoadError(RuntimeError):
    """A graph could not be stored, or the store does not hold what was sent; ``str()`` says which."""


@dataclass
class GraphLoad:
    graph: str
    sent: int
    found: int | None = None

    @property
    def ok(self) -> bool:
        return self.found == self.sent


def graphs_to_load(extra_files: Sequence[Path] = ()) -> dict[str, list[ox.Triple]]:
    """Named graph → its distinct triples: the shipped graphs, the canned queries, then extra files."""
    quads = shipped_quads()
    for path in extra_files:
        quads.extend(rdfio.read_quads(Path(path), graph=extra_graph_iri(Path(path))))
    graphs: dict[str, dict[ox.Triple, None]] = {}
    for quad in quads:
        graphs.setdefault(quad.graph_name.value, {})[quad.triple] = None
    return {graph: list(triples) for graph, triples in graphs.items()}


class Progress:
    """A plain progress line on a terminal (rewritten in place), one line per graph otherwise."""

    def __init__(self, total_bytes: int, stream: TextIO | None):
        self.total, self.done, self.stream = max(1, total_bytes), 0, stream
        self.tty = bool(stream is not None and getattr(stream, "isatty", lambda: False)())
        self.started = time.monotonic()
        self._last = 0.0

    def advance(self, n: int, label: str, *, final: bool = False) -> None:
        self.done += n
        if self.stream is None:
            return
        now = time.monotonic()
        if self.tty and (final or now - self._last > 0.1):
            self._last = now
            share = self.done / self.total
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:4.0%} {self.done / 1e6:6.1f}/{self.total / 1e6:.1f} MB  "
                              f"{label[-50:]:<50}")
            self.stream.flush()
        elif not self.tty and final:
            self.stream.write(f"{self.done / self.total:4.0%} {label}\n")
            self.stream.flush()

    def close(self) -> None:
        if self.stream is not None and self.tty:
            self.stream.write("\n")
            self.stream.flush()


def _request_target(url: str, graph: str) -> str:
    """The path and query of ``url`` with ``graph=<graph>`` added (Graph Store Protocol §5)."""
    parts = urlsplit(url)
    return (parts.path or "/") + "?" + (parts.query + "&" if parts.query else "") + "graph=" + quote(graph, safe="")


def _connection(url: str, timeout: float) -> http.client.HTTPConnection:
    parts = urlsplit(url)
    if parts.scheme == "https":
        return http.client.HTTPSConnection(parts.hostname, parts.port, timeout=timeout,
                                           context=ssl.create_default_context())
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def learn_scheme(url: str, graph: str, credentials: Credentials, timeout: float = 30.0) -> None:
    """Ask the Graph Store which authentication it wants before sending any data.

    A ``HEAD`` of a graph changes nothing (RFC 9110 §9.3.2); a ``401`` carries the challenge
    (§11.6.1) that tells Basic from Digest, so no graph is uploaded twice. A server that does not
    challenge the ``HEAD`` keeps getting Basic credentials.
    """
    conn = _connection(url, timeout)
    try:
        conn.request("HEAD", _request_target(url, graph), headers={"User-Agent": f"gcm-kg/{__version__}"})
        response = conn.getresponse()
        response.read()
        challenges = response.headers.get_all("WWW-Authenticate") or []
    except (OSError, http.client.HTTPException) as error:
        raise LoadError(f"HEAD {url} failed: {getattr(error, 'strerror', None) or error}") from None
    finally:
        conn.close()
    if response.status == 401 and challenges:
        try:
            credentials.answer(challenges)
        except AuthError as error:
            raise LoadError(f"{url}: {error}") from None


def put_graph(url: str, graph: str, data: bytes, *, credentials: Credentials | None = None,
              progress: Progress | None = None, timeout: float = 600.0) -> None:
    """Replace ``graph`` on the Graph Store at ``url`` with the N-Triples ``data`` (one PUT).

    A ``401`` whose challenge changes the scheme or renews a Digest nonce is answered once more.
    """
    progress = progress or Progress(len(data), None)
    target = _request_target(url, graph)
    label = graph.removeprefix(GRAPH)

    def pieces():
        for start in range(0, len(data), PIECE):
            piece = data[start:start + PIECE]
            yield piece
            progress.advance(len(piece), label)

    for attempt in (1, 2):
        headers = {"User-Agent": f"gcm-kg/{__version__}", "Content-Type": "application/n-triples",
                   "Content-Length": str(len(data))}
        if credentials is not None:
            headers.update(credentials.header("PUT", target))
        conn = _connection(url, timeout)
        try:
            conn.request("PUT", target, body=pieces(), headers=headers)
            response = conn.getresponse()
            message = response.read().decode("utf-8", "replace").strip()[:500]
            challenges = response.headers.get_all("WWW-Authenticate") or []
        except (OSError, http.client.HTTPException) as error:
            raise LoadError(f"PUT {url} (graph {graph}) failed: {getattr(error, 'strerror', None) or error}") from None
        finally:
            conn.close()
        if response.status == 401 and credentials is not None and challenges and attempt == 1:
            try:
                credentials.answer(challenges)
            except AuthError as error:
                raise LoadError(f"{url}: {error}") from None
            continue
        break
    if response.status not in (200, 201, 204):
        hint = f"; {HINT}" if response.status in (404, 405) else ""
        if response.status == 401:
            hint = "; check --auth (user and password of an account allowed to write)"
        raise LoadError(f"PUT {url}?graph={graph} answered {response.status} {response.reason}"
                        f"{': ' + message if message else ''}{hint}")
    progress.advance(0, label, final=True)


def load(endpoint: str, graph_store: str | None = None, *, auth: tuple[str, str] | None = None,
         extra_files: Sequence[Path] = (), progress_stream: TextIO | None = sys.stderr,
         timeout: float = 600.0, credentials: Credentials | None = None) -> list[GraphLoad]:
    """Store every graph through the Graph Store Protocol, then count each through ``endpoint``.

    Returns one :class:`GraphLoad` per graph; raises :class:`LoadError` when a PUT fails.
    """
    graph_store = graph_store or endpoint
    graphs = graphs_to_load(extra_files)
    bodies = {g: ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) for g, triples in graphs.items()}
    credentials = credentials or (Credentials(*auth) if auth else None)
    if credentials is not None and bodies:
        learn_scheme(graph_store, next(iter(bodies)), credentials)
    store = RemoteStore(endpoint, timeout=timeout, auth=query_auth(credentials))
    progress = Progress(sum(len(b) for b in bodies.values()), progress_stream)
    try:
        for graph, body in bodies.items():
            put_graph(graph_store, graph, body, credentials=credentials, progress=progress, timeout=timeout)
    finally:
        progress.close()
    values = " ".join(f"<{graph}>" for graph in graphs)
    found = {row["g"].value: int(row["n"].value) for row in store.query(
        f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g")}
    return [GraphLoad(graph, len(triples), found.get(graph, 0)) for graph, triples in graphs.items()]


def query_auth(credentials: Credentials | None) -> tuple[str, str] | None:
    """Credentials for the query endpoint during a load: the Graph Store's, when they are Basic.

    Digest credentials answer the Graph Store's own challenge (Virtuoso's DBA account on
    ``/sparql-graph-crud-auth``); they are not sent to the query endpoint as Basic ones, in clear.
    """
    if credentials is None or credentials.scheme != "basic":
        return None
    return credentials.user, credentials.password


def stale_graphs(endpoint: str, loaded: Iterable[str], *, auth: tuple[str, str] | None = None) -> list[str]:
    """Graphs under gcm-kg's graph namespace the endpoint holds but this load did not send."""
    store = RemoteStore(endpoint, timeout=120.0, auth=auth)
    held = {row["g"].value for row in store.query(
        f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{GRAPH}")) }}')}
    return sorted(held - set(loaded))


def run_load(endpoint: str, graph_store: str | None, auth: tuple[str, str] | None,
             extra_files: Sequence[Path], out: TextIO, err: TextIO) -> int:
    """``gcm-kg load``: 0 when every graph holds what was sent, 1 on a count mismatch, 2 on errors."""
    started = time.monotonic()
    try:
        credentials = Credentials(*auth) if auth else None
        results = load(endpoint, graph_store, credentials=credentials, extra_files=extra_files, progress_stream=err)
        stale = stale_graphs(endpoint, [r.graph for r in results], auth=query_auth(credentials))
    except (LoadError, QueryError, SyntaxError) as error:
        print(f"gcm-kg load: {error}", file=err)
        return 2
    width = max(len(r.graph) for r in results)
    for r in results:
        mark = "ok" if r.ok else f"MISMATCH: the store holds {r.found}"
        out.write(f"{r.graph:<{width}}  {r.sent:>7} triples  {mark}\n")
    sent = sum(r.sent for r in results)
    out.write(f"loaded {sent} triples in {len(results)} graphs into {graph_store or endpoint} "
              f"in {time.monotonic() - started:.1f} s\n")
    for graph in stale:
        err.write(f"gcm-kg load: note: the store also holds {graph}, which this load did not send "
                  f"(drop it with DELETE {graph_store or endpoint}?graph={graph})\n")
    bad = [r for r in results if not r.ok]
    if bad:
        print(f"gcm-kg load: {len(bad)} graph(s) do not hold what was sent (is the Graph Store URL the "
              f"store the query endpoint reads?)", file=err)
        return 1
    return 0


# -- validate --endpoint -------------------------------------------------------------------------

def remote_data_graph(endpoint: str, *, auth: tuple[str, str] | None = None, timeout: float = 600.0):
    """What the endpoint serves, minus the shapes and canned-query graphs, as an rdflib graph."""
    import rdflib

    skip = ", ".join(f"<{GRAPH}{g}>" for g in ("shapes", "queries"))
    store = RemoteStore(endpoint, timeout=timeout, auth=auth)
    output = store.execute(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({skip})) }}",
                           media_type="application/n-triples")
    graph = rdflib.Graph()
    graph.parse(data=output.body.decode("utf-8"), format="nt")
    return graph


def run_validate_remote(endpoint: str, shapes: list[Path] | None, fmt: str, out: TextIO,
                        auth: tuple[str, str] | None = None) -> int:
    """``gcm-kg validate --endpoint URL``: 0 conforms, 1 violations, 2 unreachable or unreadable."""
    from gcm_kg.services import validation

    try:
        data = remote_data_graph(endpoint, auth=auth)
        shapes_graph = validation.load_graph(shapes) if shapes else None
        result = validation.validate(data, shapes_graph, reference=None, meta_shacl=bool(shapes))
    except QueryError as error:
        print(f"gcm-kg validate: {endpoint}: {error}", file=sys.stderr)
        return 2
    except rdfio.RdfFileError as error:
        print(f"gcm-kg validate: {error}", file=sys.stderr)
        return 2
    except validation.ShapesError as error:
        print(f"gcm-kg validate: the shapes cannot be used: {error}", file=sys.stderr)
        return 2
    out.write(validation.FORMATTERS[fmt](result))
    out.flush()
    return 0 if result.conforms else 1
