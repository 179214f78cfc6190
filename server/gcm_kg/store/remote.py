"""A :class:`~gcm_kg.store.embedded.GraphStore` over any SPARQL 1.1 Protocol endpoint (``--endpoint URL``).

:class:`RemoteStore` sends each query to the upstream endpoint as a form POST (SPARQL 1.1
Protocol §2.1.2: ``query=`` plus ``default-graph-uri`` / ``named-graph-uri`` for a protocol
dataset) and gives the rest of gcm-kg what the embedded store gives:

* :meth:`RemoteStore.query` returns pyoxigraph objects (``QuerySolutions`` / ``QueryBoolean``
  parsed with :func:`pyoxigraph.parse_query_results`, CONSTRUCT/DESCRIBE as a list of triples
  parsed with :func:`pyoxigraph.parse`), so linked data, HTML pages and VoID work unchanged;
* :meth:`RemoteStore.execute` negotiates the format exactly as the embedded store does (the same
  offered lists, the same 406), asks the upstream for that format and passes its bytes through
  when they are what was asked for. The body is read as a stream and parsed while it arrives
  (pyoxigraph's parsers read lazily): a SELECT is written by pyoxigraph's writer as it is read,
  and cut at the row cap as a local result is (:func:`gcm_kg.sparql.results.write_capped`; the
  upstream connection is closed there, so a huge result costs no more than the cap); a body that
  is malformed or cut short (an engine that gives up mid-stream after a ``200``) is a 502, never
  passed on.

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
every graph (its own system graphs included). Relative IRIs in a query resolve against the
service base IRI (a ``BASE`` is prepended when the query has one), and canned-query parameter
bindings (``substitutions``) are sent as a ``VALUES`` block at the start of the WHERE group.

Engines tried: ``oxigraph serve --union-default-graph`` answers every query, entity document and
protocol test exactly as the embedded store does (the test suite runs against it). Virtuoso 7.2
(Debian's ``virtuoso-opensource``) loads and counts correctly and serves the protocol, but its
answers are its own in places: ``DESCRIBE`` is not the concise bounded description (entity
documents differ), ``GROUP_CONCAT`` drops language tags, its default-graph union includes its
system graphs (larger counts), and the canned queries need ``MaxSortedTopRows`` raised above the
row cap (+1) in ``virtuoso.ini``.
"""

from __future__ import annotations

import base64
import http.client
import io
import os
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from gcm_kg import __version__
from gcm_kg.rdf import formats
from gcm_kg.core.negotiation import negotiate
from gcm_kg.core.namespaces import BASE
from gcm_kg.sparql import lexer
from gcm_kg.sparql.catalogue import insert_values
from gcm_kg.sparql.model import Dataset, NotAcceptable, QueryOutput, QuerySyntaxError, formats_for
from gcm_kg.sparql.results import write_capped
from gcm_kg.store import fingerprint as store_fingerprint
from gcm_kg.store.base import StoreCounts, UpstreamError, UpstreamTimeout

#: Seconds the triple counts are cached (the upstream may be reloaded while we serve).
COUNTS_TTL = 60.0
#: Most characters of an upstream error message quoted in ours.
MAX_MESSAGE = 2000
#: Results formats read back from the upstream: those that keep every RDF term (not CSV).
_RESULT_PARSEABLE = tuple(f.oxigraph for f in formats.RESULTS if f.lossless)
_RESULT_FALLBACK = ("application/sparql-results+json;q=0.9, application/sparql-results+xml;q=0.8, "
                    "text/tab-separated-values;q=0.7")
_GRAPH_FALLBACK = "application/n-triples;q=0.9, text/turtle;q=0.8, application/rdf+xml;q=0.7"


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


def has_relative_iri(query: str) -> bool:
    """True when an IRI of the query has no scheme (so it resolves against the base IRI)."""
    return any(token.kind == "iri" and not lexer.is_absolute(token.iri) for token in lexer.tokens(query))


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


def _shift_lines(message: str, lines: int) -> str:
    """Point an upstream parser message back at the client's text after ``lines`` were prepended."""
    def fix(match):
        return f"{match.group(1)}{int(match.group(2)) - lines}{match.group(3)}"
    message = re.sub(r"(\bat )(\d+)(:\d+)", fix, message)
    return re.sub(r"(\bline )(\d+)(, column)", fix, message)


# -- the HTTP exchange ---------------------------------------------------------------------------

@dataclass
class _Answer:
    status: int
    media_type: str
    reader: "_BodyReader"


class EndpointConfigError(ValueError):
    """An endpoint URL or credentials that cannot be used; ``str()`` says why."""


class _Deadline(Exception):
    """The query's deadline passed while talking to the upstream."""


class _BodyReader(io.RawIOBase):
    """The upstream body as a file pyoxigraph can parse lazily, each read bounded by the deadline.

    With ``keep`` every byte read is kept too, so a body that is passed through is read once.
    """

    def __init__(self, response: http.client.HTTPResponse, sock, deadline: float, keep: bool):
        super().__init__()
        self.response, self.sock, self.deadline, self.keep = response, sock, deadline, keep
        self.copy = bytearray()
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
        if self.keep and n:
            self.copy += memoryview(buffer)[:n]
        return n

    def read_all(self) -> bytes:
        """The rest of the body (and, with ``keep``, all of it)."""
        chunk = bytearray(65536)
        rest = bytearray()
        while True:
            n = self.readinto(chunk)
            if not n:
                break
            if not self.keep:
                rest += chunk[:n]
        return bytes(self.copy) if self.keep else bytes(rest)


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

    # -- lifecycle (the same hooks as the process executor) -----------------------------------------
    def warm_up(self) -> None:
        """Nothing to start: connections open on first use."""

    def close(self) -> None:
        self._connections.close()

    # -- one request -------------------------------------------------------------------------------
    def _text(self, query: str, base_iri: str | None, substitutions) -> tuple[str, int]:
        """The text to send and how many lines were prepended to it."""
        if substitutions:
            query = insert_values(query, {v.value: (t,) for v, t in substitutions.items()})
        if base_iri and has_relative_iri(query):
            return f"BASE <{ox.NamedNode(base_iri).value}>\n{query}", 1
        return query, 0

    def _send(self, text: str, accept: str, dataset: Dataset, deadline: float, keep: bool) -> _Answer:
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
            return _Answer(response.status, media_type, _ConnReader(response, conn, self._connections,
                                                                     deadline, keep))
        raise AssertionError("unreachable")  # pragma: no cover

    def _unreachable(self, error: BaseException) -> str:
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        return f"the upstream SPARQL endpoint cannot be reached: {reason}"

    def _check_status(self, answer: _Answer, prepended: int) -> None:
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
            raise QuerySyntaxError(_shift_lines(message, prepended) or "the upstream endpoint refused the query (400)")
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
    def execute(self, query: str, *, accept: str | None = None, media_type: str | None = None,
                dataset: Dataset = Dataset(), base_iri: str | None = BASE,
                substitutions: dict[ox.Variable, ox.Term] | None = None,
                timeout: float | None = None) -> QueryOutput:
        seconds = timeout if timeout is not None else self.timeout
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        form = query_form(query)
        if form is not None:
            table = formats_for(form)
            chosen = media_type if media_type in table else negotiate(accept, list(table))
            wanted = table[chosen].oxigraph if chosen is not None else None
        else:  # not a query we can read: the upstream's parser will say why
            chosen, wanted = None, None
        text, prepended = self._text(query, base_iri, substitutions)
        if not dataset.is_given:
            dataset = query_dataset(query, base_iri) or dataset
        if form is not None and chosen is None:
            # As the embedded store does, a syntax error (400) comes before "not acceptable" (406):
            # the upstream parses the query; the request is cut as soon as its status is known.
            try:
                answer = self._send(text, next(iter(table)), dataset, deadline, keep=False)
            except _Deadline:
                raise self._timeout_error(seconds) from None
            if answer.status != 200:
                self._check_status(answer, prepended)
            answer.reader.finish(reuse=False)
            raise NotAcceptable(form, list(table))
        if form in ("SELECT", "ASK"):
            ask_for = wanted.media_type if wanted in _RESULT_PARSEABLE else "application/sparql-results+json"
            upstream_accept = f"{ask_for}, {_RESULT_FALLBACK}"
        elif form == "GRAPH":
            upstream_accept = f"{wanted.media_type}, {_GRAPH_FALLBACK}"
        else:
            upstream_accept = "application/sparql-results+json, application/n-triples;q=0.9"
        try:
            answer = self._send(text, upstream_accept, dataset, deadline, keep=True)
            self._check_status(answer, prepended)
            return self._output(answer, form, chosen, wanted)
        except _Deadline:
            raise self._timeout_error(seconds) from None

    def _output(self, answer: _Answer, form: str | None, chosen: str | None, wanted) -> QueryOutput:
        reader = answer.reader
        results_format = ox.QueryResultsFormat.from_media_type(answer.media_type) if answer.media_type else None
        rdf_format = ox.RdfFormat.from_media_type(answer.media_type) if answer.media_type else None
        if form is None:  # learn the form from the answer; the format is the upstream's
            form = "GRAPH" if rdf_format is not None else "SELECT"
            table = formats_for(form)
            chosen = next((m for m, f in table.items() if f.oxigraph in (rdf_format, results_format)),
                          "application/sparql-results+json")
            wanted = table[chosen].oxigraph
        cap = self.max_rows if form == "SELECT" else None
        truncated = False
        try:
            if form == "GRAPH":
                if rdf_format is None:
                    raise self._malformed(f"unexpected Content-Type {answer.media_type!r} for a graph")
                reader.keep = rdf_format == wanted
                triples = [q.triple for q in ox.parse(reader, format=rdf_format)]
                if reader.keep:
                    body = reader.read_all()
                else:
                    body = ox.serialize(triples, format=wanted)
            else:
                if results_format not in _RESULT_PARSEABLE:
                    raise self._malformed(f"unexpected Content-Type {answer.media_type!r} for query results")
                reader.keep = results_format == wanted
                result = ox.parse_query_results(reader, format=results_format)
                if isinstance(result, ox.QueryBoolean):
                    if form == "SELECT":
                        raise self._malformed("a boolean answer to a SELECT query")
                    form = "ASK"
                    body = reader.read_all() if reader.keep else result.serialize(format=wanted)
                else:
                    if form == "ASK":
                        raise self._malformed("solutions as the answer to an ASK query")
                    # Read as it is written, by pyoxigraph, and cut at the row cap like a local result.
                    if cap is None:
                        written = result.serialize(format=wanted)
                    else:
                        written, truncated = write_capped(result, wanted, cap)
                    body = reader.read_all() if reader.keep and not truncated else written
        except UpstreamError:
            reader.finish(reuse=False)
            raise
        except (SyntaxError, ValueError, OSError, http.client.HTTPException) as error:
            reader.finish(reuse=False)
            if reader.expired or isinstance(error, (socket.timeout, TimeoutError)):
                raise _Deadline() from None
            raise self._malformed(error) from None
        reader.finish(reuse=not truncated)
        if form == "SELECT":
            return QueryOutput(form, chosen, body, truncated, cap)
        return QueryOutput(form, chosen, body)

    def query(self, query: str, *, dataset: Dataset = Dataset(), base_iri: str | None = BASE,
              substitutions: dict[ox.Variable, ox.Term] | None = None, timeout: float | None = None):
        """Run ``query``; SELECT/ASK as pyoxigraph results, CONSTRUCT/DESCRIBE as a list of triples.

        Raises ``SyntaxError`` on a query the upstream refuses (400), like the embedded store, and
        :class:`~gcm_kg.store.embedded.UpstreamError` / :class:`~gcm_kg.store.embedded.UpstreamTimeout`.
        """
        seconds = timeout if timeout is not None else self.timeout
        deadline = time.monotonic() + (seconds if seconds is not None else 1e9)
        form = query_form(query)
        accept = (f"application/n-triples, {_GRAPH_FALLBACK}" if form == "GRAPH" else
                  f"application/sparql-results+json, {_RESULT_FALLBACK}, application/n-triples;q=0.5")
        text, prepended = self._text(query, base_iri, substitutions)
        if not dataset.is_given:
            dataset = query_dataset(query, base_iri) or dataset
        try:
            answer = self._send(text, accept, dataset, deadline, keep=True)
            try:
                self._check_status(answer, prepended)
            except QuerySyntaxError as error:
                raise SyntaxError(str(error)) from None
            reader = answer.reader
            try:
                data = reader.read_all()
            except (OSError, http.client.HTTPException) as error:
                reader.finish(reuse=False)
                if reader.expired or isinstance(error, (socket.timeout, TimeoutError)):
                    raise _Deadline() from None
                raise self._malformed(error) from None
            reader.finish(reuse=True)
        except _Deadline:
            raise self._timeout_error(seconds) from None
        rdf_format = ox.RdfFormat.from_media_type(answer.media_type) if answer.media_type else None
        results_format = ox.QueryResultsFormat.from_media_type(answer.media_type) if answer.media_type else None
        try:
            if rdf_format is not None and results_format is None:
                return [q.triple for q in ox.parse(data, format=rdf_format)]
            if results_format in _RESULT_PARSEABLE:
                return ox.parse_query_results(data, format=results_format)
        except SyntaxError as error:
            raise self._malformed(error) from None
        raise self._malformed(f"unexpected Content-Type {answer.media_type!r}")

    def describe(self, iri: str) -> list[ox.Triple]:
        return list(self.query(f"DESCRIBE <{ox.NamedNode(iri).value}>"))

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


class _ConnReader(_BodyReader):
    """A body reader that knows its connection: kept alive when the body was read to its end."""

    def __init__(self, response, conn, connections: _Connections, deadline: float, keep: bool):
        super().__init__(response, conn.sock, deadline, keep)
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
