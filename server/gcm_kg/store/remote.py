"""A :class:`~gcm_kg.store.embedded.GraphStore` over any SPARQL 1.1 Protocol endpoint (``--endpoint URL``).

:class:`RemoteStore` sends each query to the upstream endpoint as a form POST (SPARQL 1.1
Protocol §2.1.2: ``query=`` plus ``default-graph-uri`` / ``named-graph-uri`` for a protocol
dataset) and gives the rest of gcm-kg what the embedded store gives:

* :meth:`RemoteStore.query` returns pyoxigraph objects (``QuerySolutions`` / ``QueryBoolean``
  parsed with :func:`pyoxigraph.parse_query_results`, CONSTRUCT/DESCRIBE as a list of triples
  parsed with :func:`pyoxigraph.parse`), so linked data, HTML pages and VoID work unchanged;
* :meth:`RemoteStore.execute` negotiates the format exactly as the embedded store does (the same
  offered lists, the same 406) and writes every format itself: the engine is only ever asked for
  SPARQL JSON/XML results or N-Triples/Turtle graphs, read the same way whatever the engine
  (:mod:`gcm_kg.store.upstream`: blank-node labels made valid, legacy term types read). A body
  that is malformed or cut short (an engine that gives up mid-stream after a ``200``) is a 502,
  never passed on.

Before anything is sent, the query is parsed here (an empty or malformed query is a 400, as on
the embedded store) and made to mean the same on any engine (:mod:`gcm_kg.sparql.rewrite`): the
protocol dataset replaces the query's ``FROM`` clauses, an empty ``VALUES () { () }`` goes,
consecutive ``VALUES`` blocks become one, and a
SELECT asks for the row cap + 1 rows (``LIMIT``), so a cut answer is always flagged
(``X-Result-Truncated``) and the engine never sends more than that.

Time limit: one deadline per query covers connecting, waiting for the answer and reading it (the
socket timeout is set to what is left before every read). Past it the request is cut and the query
ends in :class:`~gcm_kg.store.embedded.UpstreamTimeout` (→ 504). ``timeout_param`` sends the limit to
engines that take one per request (``timeout=`` in seconds for Fuseki and QLever) so the engine
stops the work too; otherwise configure the engine's own limit (``oxigraph serve --timeout-s``).

Upstream errors: a ``400`` is the query's fault (→ our 400 with the upstream message); connection
refused, DNS failure, other statuses and ``5xx`` → :class:`~gcm_kg.store.embedded.UpstreamError` (→ 502,
naming the endpoint); ``408``/``504`` from the upstream → 504. Connections are kept alive per
thread and re-opened once when the upstream dropped a kept-alive one (queries are read-only, so
the retry is safe); a restarted upstream is used again at the next request.

The default graph: gcm-kg's embedded store answers over the *union* of its named graphs. A remote
engine must be configured to do the same: ``oxigraph serve --union-default-graph``; Fuseki with
``tdb2:unionDefaultGraph true`` on the dataset; Virtuoso's default graph is already the union of
every graph it lets the anonymous user read (its system graphs made private, as the README's
recipe does). Relative IRIs in a query are resolved against the service base IRI here and sent
absolute (:func:`gcm_kg.sparql.rewrite.absolute_iris`), and canned-query parameter
bindings (``substitutions``) are sent as a ``VALUES`` block at the start of the WHERE group.

Engines tested: ``oxigraph serve --union-default-graph`` and Virtuoso 7.2 (Debian's
``virtuoso-opensource``, set up as the README's *Scaling out* says); the protocol, linked-data and
canned-query suites run against both (``tests/support/backends.py``).
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import socket
import ssl
import threading
from collections import deque
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from gcm_kg import __version__
from gcm_kg.core.negotiation import negotiate
from gcm_kg.core.namespaces import BASE
from gcm_kg.sparql import lexer, rewrite
from gcm_kg.sparql.rewrite import check_syntax
from gcm_kg.sparql.catalogue import insert_values
from gcm_kg.sparql.model import Dataset, NotAcceptable, QueryOutput, QuerySyntaxError, formats_for
from gcm_kg.sparql.results import write_capped
from gcm_kg.store import fingerprint as store_fingerprint
from gcm_kg.store import upstream
from gcm_kg.store.base import StoreCounts, UpstreamError, UpstreamTimeout

#: Blank-node steps from the subject fetched by the first description query (see ``describe``).
_CBD_DEPTH = 4
_REST = "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
#: Seconds the triple counts are cached (the upstream may be reloaded while we serve).
COUNTS_TTL = 60.0
#: Most characters of an upstream error message quoted in ours.
MAX_MESSAGE = 2000


# -- reading a query -----------------------------------------------------------------------------

def query_form(query: str) -> str | None:
    """``"SELECT"``, ``"ASK"``, ``"GRAPH"`` (CONSTRUCT/DESCRIBE) or None when the text says nothing."""
    for token in lexer.tokens(query):
        if token.kind == "word":
            word = token.text.upper()
            if word in ("SELECT", "ASK"):
                return word
            if word in ("CONSTRUCT", "DESCRIBE"):
                return "GRAPH"
    return None


def query_dataset(query: str, base_iri: str | None) -> Dataset | None:
    """The dataset a query's own FROM / FROM NAMED clauses give, or None when it has none.

    ``oxigraph serve --union-default-graph`` ignores FROM (its union option wins), so a remote
    query's FROM clauses are sent as the protocol dataset, which means the same (Protocol §2.1.4).
    A clause this service cannot read is left to the upstream's parser (None).
    """
    clauses = lexer.dataset_clauses(query, base_iri)
    if clauses.unreadable or not (clauses.default_graphs or clauses.named_graphs):
        return None
    return Dataset(clauses.default_graphs, clauses.named_graphs)


# -- the HTTP exchange ---------------------------------------------------------------------------

@dataclass
class _Answer:
    status: int
    media_type: str
    reader: "_BodyReader"
    #: The engine says it sent part of the answer only (Virtuoso: ``X-SQL-State: S1TAT``).
    partial: bool = False


class EndpointConfigError(ValueError):
    """An endpoint URL or credentials that cannot be used; ``str()`` says why."""


class _Deadline(Exception):
    """The query's deadline passed while talking to the upstream."""


class _BodyReader(io.RawIOBase):
    """The upstream body, each read bounded by the query's deadline."""

    def __init__(self, response: http.client.HTTPResponse, sock, deadline: float):
        super().__init__()
        self.response, self.sock, self.deadline = response, sock, deadline
        self.expired = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.expired = True
            raise TimeoutError("the query time limit passed while reading the upstream answer")
        try:
            if self.sock is not None:
                self.sock.settimeout(remaining)
            n = self.response.readinto(buffer)
        except (socket.timeout, TimeoutError):
            self.expired = True
            raise
        return n

    def read_all(self) -> bytes:
        """The rest of the body."""
        chunk = bytearray(65536)
        rest = bytearray()
        while True:
            n = self.readinto(chunk)
            if not n:
                break
            rest += chunk[:n]
        return bytes(rest)


class _Connections:
    """Kept-alive HTTP connections to one upstream: one per thread, none inherited through fork."""

    def __init__(self, url: str, connect_timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise EndpointConfigError(f"not an http(s) URL: {url!r}")
        self.https = parts.scheme == "https"
        self.host, self.port = parts.hostname, parts.port
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.connect_timeout = connect_timeout
        self._local = threading.local()
        self._pid = os.getpid()

    def take(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection for this thread, and whether it was used before (so may have been dropped)."""
        if self._pid != os.getpid():  # forked (a gunicorn worker): never share the parent's sockets
            self._local, self._pid = threading.local(), os.getpid()
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            return conn, True
        if self.https:
            conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.connect_timeout,
                                               context=ssl.create_default_context())
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=self.connect_timeout)
        return conn, False

    def give_back(self, conn: http.client.HTTPConnection) -> None:
        old = getattr(self._local, "conn", None)
        if old is not None:
            old.close()
        self._local.conn = conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


class RemoteStore:
    """A :class:`~gcm_kg.store.embedded.GraphStore` answered by a SPARQL 1.1 Protocol endpoint.

    ``query_url`` is the endpoint's query URL; ``timeout`` the default time limit in seconds
    (an HTTP deadline); ``auth`` a ``(user, password)`` pair for HTTP Basic authentication;
    ``max_rows`` the row cap of SELECT results in :meth:`execute`; ``timeout_param`` the name of
    the request parameter by which the engine takes a per-query time limit in seconds (``timeout``
    for Fuseki and QLever), None to send none; ``data_version`` the version of the endpoint's data
    the operator declares (``--data-version``), the only fingerprint a remote store has.
    """

    def __init__(self, query_url: str, *, timeout: float | None = 30.0, auth: tuple[str, str] | None = None,
                 max_rows: int | None = None, timeout_param: str | None = None, connect_timeout: float = 5.0,
                 data_version: str | None = None):
        self.query_url = query_url
        self._fingerprint = store_fingerprint.declared(query_url, data_version)
        self.timeout, self.max_rows, self.timeout_param = timeout, max_rows, timeout_param
        self._headers = {"User-Agent": f"gcm-kg/{__version__}",
                         "Content-Type": "application/x-www-form-urlencoded", **basic_auth_header(auth)}
        self._connections = _Connections(query_url, connect_timeout)
        self._counts: tuple[float, StoreCounts] | None = None
        self._cap_warning: str | None = None  # "" once checked and fine

    # -- lifecycle (the same hooks as the process executor) -----------------------------------------
    def warm_up(self) -> None:
        """Nothing to start: connections open on first use."""

    def close(self) -> None:
        self._connections.close()

    # -- one request -------------------------------------------------------------------------------
    def _send(self, text: str, accept: str, dataset: Dataset, deadline: float) -> _Answer:
        params = [("query", text)]
        params += [("default-graph-uri", g) for g in dataset.default_graph_uris]
        params += [("named-graph-uri", g) for g in dataset.named_graph_uris]
        if self.timeout_param:
            params.append((self.timeout_param, format(max(1, int(deadline - time.monotonic() + 0.999)), "d")))
        body = urlencode(params).encode("utf-8")
        headers = dict(self._headers, Accept=accept)
        for attempt in (1, 2):
            conn, reused = self._connections.take()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                conn.close()
                raise _Deadline()
            try:
                conn.timeout = min(remaining, self._connections.connect_timeout)
                if conn.sock is None:
                    conn.connect()
                conn.sock.settimeout(remaining)
                conn.request("POST", self._connections.target, body=body, headers=headers)
                response = conn.getresponse()
            except (socket.timeout, TimeoutError):
                conn.close()
                raise _Deadline() from None
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    ConnectionAbortedError) as error:
                conn.close()
                if reused and attempt == 1:
                    continue  # a kept-alive connection the upstream had closed: open a fresh one
                raise UpstreamError(self._unreachable(error)) from None
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                raise UpstreamError(self._unreachable(error)) from None
            media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            partial = (response.getheader("X-SQL-State") or "").strip().upper() == "S1TAT"
            return _Answer(response.status, media_type, _ConnReader(response, conn, self._connections,
                                                                     deadline), partial)
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, error: BaseException) -> str:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return f"the upstream SPARQL endpoint cannot be reached: {reason}"

    def _check_status(self, answer: _Answer) -> None:
        """Raise the error an upstream non-200 answer stands for."""
        if answer.status == 200:
            return
        try:
            message = answer.reader.read_all().decode("utf-8", "replace").strip()[:MAX_MESSAGE]
        except (OSError, TimeoutError, http.client.HTTPException):
            message = ""
        finally:
            answer.reader.finish(reuse=False)
        if answer.status == 400:
            raise QuerySyntaxError(message or "the upstream endpoint refused the query (400)")
        if answer.status in (408, 504):
            raise UpstreamTimeout(f"the upstream SPARQL endpoint gave up on the query "
                                  f"({answer.status}){': ' + message if message else ''}")
        raise UpstreamError(f"the upstream SPARQL endpoint answered {answer.status}"
                            f"{': ' + message if message else ''}")

    def _timeout_error(self, seconds: float | None) -> UpstreamTimeout:
        return UpstreamTimeout(f"the query ran longer than the {seconds:g} s time limit and was stopped; "
                               f"make it more selective (or add a LIMIT) and try again")

    def _malformed(self, error: BaseException) -> UpstreamError:
        return UpstreamError(f"the upstream SPARQL endpoint sent a malformed or incomplete answer: {error}")

    # -- GraphStore --------------------------------------------------------------------------------
    def _prepare(self, query: str, base_iri: str | None, substitutions, dataset: Dataset,
                 row_limit: int | None) -> tuple[str, Dataset]:
        """The text to send and the protocol dataset to send with it.

        The query, already parsed here, is made to mean the same on any engine
        (:mod:`gcm_kg.sparql.rewrite`).
        """
        if dataset.is_given and lexer.names_its_dataset(query):
            # SPARQL 1.1 Protocol §2.1.4: the protocol dataset wins over the query's FROM clauses;
            # not every engine does so (Virtuoso keeps the query's), so the clauses are rewritten,
            # and the dataset still goes as parameters too (oxigraph serve's union option ignores FROM).
            query = rewrite.with_dataset(query, dataset)
        elif not dataset.is_given:
            # ``oxigraph serve --union-default-graph`` ignores FROM: the same graphs go as the
            # protocol dataset, which means the same (§2.1.4).
            dataset = query_dataset(query, base_iri) or dataset
        query = rewrite.without_empty_values(query)
        if row_limit is not None:
            query = rewrite.with_row_limit(query, row_limit)
        if substitutions:  # canned-query parameters, as a VALUES block first in the WHERE group
            query = insert_values(query, {v.value: (t,) for v, t in substitutions.items()})
        return rewrite.merged_values(rewrite.absolute_iris(query, base_iri)), dataset

    def _exchange(self, text: str, accept: str, dataset: Dataset, deadline: float) -> tuple[str, bytes]:
        """Send ``text``; the answer's media type and its whole body (or the error it stands for)."""
        answer = self._send(text, accept, dataset, deadline)
        self._check_status(answer)
        reader = answer.reader
        try:
            data = reader.read_all()
        except (OSError, http.client.HTTPException) as error:
            reader.finish(reuse=False)
            if reader.expired or isinstance(error, (socket.timeout, TimeoutError)):
                raise _Deadline() from None
            raise self._malformed(error) from None
        reader.finish(reuse=True)
        if answer.partial:
            # Virtuoso's "anytime" answers: cut at its own time limit, flagged only in a header.
            raise UpstreamTimeout("the upstream SPARQL endpoint stopped the query at its own time limit "
                                  "and sent a partial answer; make the query more selective")
        return answer.media_type, data

    def _read(self, form: str, media_type: str, data: bytes):
        """The answer as pyoxigraph results (SELECT, ASK) or a list of triples (CONSTRUCT, DESCRIBE)."""
        try:
            if form == "GRAPH":
                rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
                if rdf_format is None:
                    raise upstream.MalformedAnswer(f"unexpected Content-Type {media_type!r} for a graph")
                return upstream.standard_triples(data, rdf_format)
            result = upstream.standard_results(data, media_type)
        except (upstream.MalformedAnswer, SyntaxError, ValueError) as error:
            raise self._malformed(error) from None
        if isinstance(result, ox.QueryBoolean) != (form == "ASK"):
            raise self._malformed(f"a {'boolean' if isinstance(result, ox.QueryBoolean) else 'solutions'} "
                                  f"answer to a {form} query")
        return result

    def _run(self, query: str, *, dataset: Dataset, base_iri: str | None, substitutions,
             timeout: float | None, row_limit: int | None = None, checked: bool = False):
        """Parse, rewrite, send and read ``query``: its form and its pyoxigraph answer.

        An empty or malformed query is our 400 before any engine sees it, as on the embedded store.
        """
        if not checked:
            check_syntax(query, base_iri)
        seconds = timeout if timeout is not None else self.timeout
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        text, dataset = self._prepare(query, base_iri, substitutions, dataset,
                                                 row_limit if query_form(query) == "SELECT" else None)
        form = query_form(query)
        accept = upstream.GRAPH_ACCEPT if form == "GRAPH" else upstream.RESULTS_ACCEPT
        try:
            media_type, data = self._exchange(text, accept, dataset, deadline)
        except _Deadline:
            raise self._timeout_error(seconds) from None
        return form, self._read(form, media_type, data)

    def execute(self, query: str, *, accept: str | None = None, media_type: str | None = None,
                dataset: Dataset = Dataset(), base_iri: str | None = BASE,
                substitutions: dict[ox.Variable, ox.Term] | None = None,
                timeout: float | None = None) -> QueryOutput:
        """Answer ``query`` in the negotiated format, written here whatever the engine wrote.

        A syntax error (400) comes before "not acceptable" (406), as on the embedded store. A
        SELECT asks the engine for one row more than the cap, so a cut answer is always flagged.
        """
        check_syntax(query, base_iri)
        form = query_form(query)
        table = formats_for(form)
        chosen = media_type if media_type in table else negotiate(accept, list(table))
        if chosen is None:
            self._status_only(query, dataset, base_iri, substitutions, timeout)
            raise NotAcceptable(form, list(table))
        wanted = table[chosen].oxigraph
        cap = self.max_rows if form == "SELECT" else None
        form, result = self._run(query, dataset=dataset, base_iri=base_iri, substitutions=substitutions,
                                 timeout=timeout, row_limit=None if cap is None else cap + 1, checked=True)
        if form == "GRAPH":
            return QueryOutput(form, chosen, ox.serialize(result, format=wanted))
        if form == "ASK":
            return QueryOutput(form, chosen, result.serialize(format=wanted))
        if cap is None:
            return QueryOutput(form, chosen, result.serialize(format=wanted), False, None)
        body, truncated = write_capped(result, wanted, cap)
        return QueryOutput(form, chosen, body, truncated, cap)

    def _status_only(self, query: str, dataset: Dataset, base_iri: str | None, substitutions,
                      timeout: float | None) -> None:
        """Send ``query`` and raise what its status stands for; the request is cut once it is known.

        As on the embedded store, a query that fails or runs out of time says so before "not
        acceptable" (406) is answered.
        """
        seconds = timeout if timeout is not None else self.timeout
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        text, dataset = self._prepare(query, base_iri, substitutions, dataset, None)
        accept = upstream.GRAPH_ACCEPT if query_form(query) == "GRAPH" else upstream.RESULTS_ACCEPT
        try:
            answer = self._send(text, accept, dataset, deadline)
        except _Deadline:
            raise self._timeout_error(seconds) from None
        self._check_status(answer)
        answer.reader.finish(reuse=False)

    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None, timeout: float | None = None):
        """Run ``query``; SELECT/ASK as pyoxigraph results, CONSTRUCT/DESCRIBE as a list of triples.

        Raises ``SyntaxError`` on a query that does not parse or that the upstream refuses (400),
        like the embedded store, and :class:`~gcm_kg.store.embedded.UpstreamError` /
        :class:`~gcm_kg.store.embedded.UpstreamTimeout`.
        """
        try:
            return self._run(query, dataset=dataset, base_iri=base_iri, substitutions=substitutions,
                             timeout=timeout)[1]
        except QuerySyntaxError as error:
            raise SyntaxError(str(error)) from None

    def describe(self, iri: str) -> list[ox.Triple]:
        """The concise bounded description of ``iri``, computed here, not by the engine's DESCRIBE.

        SPARQL leaves DESCRIBE's answer to the engine (SPARQL 1.1 Query §16.4); Virtuoso's is not a
        CBD. One CONSTRUCT (:func:`cbd_query`) fetches ``iri``'s own statements and those of every
        blank node within ``depth`` blank-node steps of it, in one answer so that its blank nodes
        are the same nodes throughout; :func:`concise_bounded_description` keeps exactly the CBD.
        A blank node found deeper asks again with twice the depth; a thing without blank-node
        objects needs only its own statements.
        """
        subject, depth = ox.NamedNode(iri), _CBD_DEPTH
        own = self.query(f"CONSTRUCT WHERE {{ {subject} ?p ?o }}")
        if not any(isinstance(t.object, ox.BlankNode) for t in own):
            return own  # most things: no blank node to close, one cheap query
        while True:
            description, complete = concise_bounded_description(self.query(cbd_query(subject, depth)),
                                                                subject, depth)
            if complete:
                return description
            depth *= 2

    def row_cap_warning(self) -> str | None:
        """What to tell the operator when the engine's own row cap is at or below ours, else None.

        An engine that cuts every answer at its cap (Virtuoso's ``ResultSetMaxRows``) without
        saying so would make a cut answer look whole; asked for the row cap + 1 rows of a query that
        has more, it must send them all (checked once, then remembered).
        """
        if self.max_rows is None:
            return None
        if self._cap_warning is None:
            wanted = self.max_rows + 1
            digits = " ".join(f"{{ VALUES ?d{i} {{ 0 1 2 3 4 5 6 7 8 9 }} }}" for i in range(len(str(wanted))))
            got = sum(1 for _ in self.query(f"SELECT * WHERE {{ {digits} }} LIMIT {wanted}"))
            self._cap_warning = "" if got >= wanted else (
                f"the SPARQL engine sent {got} rows where {wanted} were asked for: its own row cap is at "
                f"or below gcm-kg's ({self.max_rows}), so answers it cuts cannot be flagged as truncated; "
                f"raise it above {self.max_rows} (Virtuoso: ResultSetMaxRows and MaxSortedTopRows)")
        return self._cap_warning or None

    def counts(self) -> StoreCounts:
        """Triples per named graph, and in the union of the named graphs (cached for a minute)."""
        cached = self._counts
        if cached is not None and time.monotonic() - cached[0] < COUNTS_TTL:
            return cached[1]
        graphs = {row["g"].value: int(row["n"].value) for row in self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
            if isinstance(row["g"], ox.NamedNode)}
        # The union of the named graphs, whatever the engine's default graph is.
        total = int(next(iter(self.query(
            "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")))["n"].value)
        counts = StoreCounts(total, graphs)
        self._counts = (time.monotonic(), counts)
        return counts

    def fingerprint(self) -> str | None:
        """Only the declared data version: nothing here sees when the upstream's data change."""
        return self._fingerprint


def cbd_query(subject: ox.NamedNode, depth: int) -> str:
    """A CONSTRUCT of ``subject``'s statements and of those of the blank nodes at most ``depth``
    steps away, one UNION branch per distance ``k`` binding its own ``?qk ?vk``.

    Walking an RDF list's ``rdf:rest`` is no step (a path ``rdf:rest*``, which stays inside the
    list, as the list ends in the IRI ``rdf:nil``), so a list of any length costs one step.
    """
    thing = str(subject)
    template, branches = [f"{thing} ?p ?o ."], [f"{{ {thing} ?p ?o }}"]
    for k in range(depth + 1):
        steps = " ".join(f"?c{i} ?p{i + 1} ?b{i + 1} . FILTER(isBlank(?b{i + 1})) ?b{i + 1} <{_REST}>* ?c{i + 1} ."
                         for i in range(k))
        template.append(f"?c{k} ?q{k} ?v{k} .")
        branches.append(f"{{ {thing} ?p0 ?b0 . FILTER(isBlank(?b0)) ?b0 <{_REST}>* ?c0 . {steps} "
                        f"?c{k} ?q{k} ?v{k} }}")
    return f"CONSTRUCT {{ {' '.join(template)} }} WHERE {{ {' UNION '.join(branches)} }}"


def concise_bounded_description(triples: list[ox.Triple], subject: ox.NamedNode,
                                depth: int) -> tuple[list[ox.Triple], bool]:
    """The triples of ``triples`` about ``subject`` and, recursively, about the blank nodes they
    have as objects (the concise bounded description, W3C Member Submission CBD §2, without
    reifications); and whether it is complete: False when a blank node lies more than ``depth``
    steps away (as :func:`cbd_query` counts them), so its statements may not have been fetched."""
    by_subject: dict = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, []).append(triple)
    kept, distance, waiting = [], {subject: -1}, deque([subject])
    while waiting:  # breadth first with 0/1 steps: a node's distance is its shortest one
        node = waiting.popleft()
        for triple in by_subject.get(node, ()):
            kept.append(triple)
            target = triple.object
            if not isinstance(target, ox.BlankNode):
                continue
            free = triple.predicate.value == _REST and node != subject
            far = distance[node] + (0 if free else 1)
            if far < distance.get(target, far + 1):
                if far > depth:
                    return kept, False
                distance[target] = far
                waiting.appendleft(target) if free else waiting.append(target)
    return _unique(kept), True


def _unique(triples: list[ox.Triple]) -> list[ox.Triple]:
    return list(dict.fromkeys(triples))


class _ConnReader(_BodyReader):
    """A body reader that knows its connection: kept alive when the body was read to its end."""

    def __init__(self, response, conn, connections: _Connections, deadline: float):
        super().__init__(response, conn.sock, deadline)
        self.conn, self.connections = conn, connections

    def finish(self, reuse: bool) -> None:
        if self.conn is None:
            return
        conn, self.conn = self.conn, None
        if reuse and self.response.isclosed() and not self.response.will_close:
            self.connections.give_back(conn)
        else:  # cut short (row cap, error, deadline): closing tells the upstream to stop sending
            conn.close()


def basic_auth_header(auth: tuple[str, str] | None) -> dict[str, str]:
    """The ``Authorization`` header for HTTP Basic credentials (empty without credentials)."""
    if auth is None:
        return {}
    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def parse_auth(value: str | None, env: str | None = None) -> tuple[str, str] | None:
    """``user:pass`` (or the value of the environment variable ``env``) as a Basic-auth pair."""
    if env:
        value = os.environ.get(env)
        if value is None:
            raise EndpointConfigError(f"the environment variable {env} is not set")
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep:
        raise EndpointConfigError("credentials must be given as user:password")
    return user, password
