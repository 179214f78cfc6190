"""Query results written once, by pyoxigraph's own writers, in the negotiated format, with the row cap.

A SELECT result over the row cap is cut while pyoxigraph writes it: the writer's output goes to a
sink that counts the rows begun in the bytes as they arrive (:class:`_CappedSink`). At the first
byte of row ``cap + 1`` the sink stops the writer — which stops the query's evaluation, as
pyoxigraph evaluates lazily — and the output is cut there and closed as the format closes it.
Nothing is written twice and nothing is read back.

Where a row begins, in pyoxigraph's writing of each format (``tests/sparql/test_results.py``
checks every format against ``LIMIT`` on values built to mislead these readings):

* TSV: after a ``\\n`` (the header line ends with one; newlines in values are written ``\\n``);
* XML: at ``<result>`` (a ``<`` in a value is written ``&lt;``);
* CSV: after a ``\\r\\n`` outside quotes (see :class:`_CsvRows`);
* JSON: at a ``{`` right after the ``[`` or ``,`` of the bindings array (see :class:`_JsonRows`).

Counting is done by ``bytes.count`` and friends, at C speed, except in one case: JSON over the
cap with empty rows or with literal values that hold ``{``, read literal by literal.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from gcm_kg.core.negotiation import negotiate
from gcm_kg.sparql.model import NotAcceptable, QueryOutput, formats_for


class _RowCapReached(Exception):
    """Raised from inside pyoxigraph's writer to stop it (and the query) once the row cap is passed."""


class _Rows:
    """Counts the rows begun in one results format's output, a piece at a time: rows begin after
    (``after``) or at each ``marker``, which never occurs inside a value (TSV, XML)."""

    def __init__(self, marker: bytes, *, after: bool, closing: bytes = b""):
        self.marker, self.after = marker, after
        self.closing = closing  # what ends the output after its last row
        #: Bytes that must follow a marker before it is known to begin a row: a line end begins
        #: one only if something follows it (the last line of the output ends with one too).
        self.lookahead = 1 if after else 0
        self.begun = 0

    def read(self, data: bytearray, start: int, end: int, cap: int) -> tuple[int | None, int]:
        """Count the rows begun by markers that lie wholly in ``data[start:end]`` (the bytes up to
        ``end + lookahead`` are there). Returns where row ``cap + 1`` begins, if it has, and the
        offset to read from next time (a marker may straddle ``end``)."""
        found = data.count(self.marker, start, end)
        if self.begun + found > cap:
            return self._nth(data, start, end, cap - self.begun), end
        self.begun += found
        return None, max(start, end - len(self.marker) + 1)

    def _nth(self, data: bytearray, start: int, end: int, skipped: int) -> int:
        """Where the row of the marker after the first ``skipped`` markers of ``data[start:end]`` begins."""
        at = data.find(self.marker, start, end)
        for _ in range(skipped):
            at = data.find(self.marker, at + len(self.marker), end)
        return at + len(self.marker) if self.after else at


class _CsvRows(_Rows):
    """CSV: a ``\\r\\n`` ends a row unless it is inside quotes. Outside quotes a ``"`` always
    opens them (a value with a quote is quoted; an IRI or a blank node has none; an RDF 1.2 triple
    term is written as its three terms, a literal among them quoted like a value), and inside,
    quotes are doubled: so a ``\\r\\n`` ends a row when an even number of ``"`` comes before it.

    Line ends are only counted (an upper bound on the rows) until their count passes the cap;
    from then on quotes are followed, from the start of the output.
    """

    def __init__(self):
        super().__init__(b"\r\n", after=True)
        self.exact = False   # quotes are followed
        self.quoted = False  # following them, an odd number came before where the reading stopped

    def read(self, data, start, end, cap):
        if not self.exact:
            found = data.count(b"\r\n", start, end)
            if self.begun + found <= cap:
                self.begun += found
                return None, max(start, end - 1)
            self.exact, self.begun, start = True, 0, 0
        pieces = data[start:end].split(b'"')  # (a line end holds no quote: it lies in one piece)
        outside = pieces[1::2] if self.quoted else pieces[0::2]
        found = b'"'.join(outside).count(b"\r\n")
        if self.begun + found > cap:
            return self._cut(pieces, end, found - (cap - self.begun)), end
        self.begun += found
        self.quoted ^= len(pieces) % 2 == 0
        # A "\r" at the end may begin a line end (it is no quote: the state there is the same).
        return None, end - 1 if data[end - 1] == 0x0D else end

    def _cut(self, pieces: list, end: int, last: int) -> int:
        """Where the row begins that follows the line end ``last``-th from the end of ``pieces``
        (which end at ``end``). Read backwards: the cap is passed in the last piece written."""
        for index in range(len(pieces) - 1, -1, -1):
            piece = pieces[index]
            start = end - len(piece)
            if (index % 2 == 1) == self.quoted:  # outside quotes
                lines = piece.count(b"\r\n")
                if lines >= last:
                    at = len(piece)
                    for _ in range(last):
                        at = piece.rfind(b"\r\n", 0, at)
                    return start + at + 2
                last -= lines
            end = start - 1
        raise AssertionError("no such row")  # pragma: no cover


_BINDINGS = b'"bindings":['
_LITERAL_VALUE = b'"type":"literal","value":"'
_LITERAL = re.compile(re.escape(_LITERAL_VALUE) + rb'[^"\\]*+(?:\\.[^"\\]*+)*+"')


class _JsonRows(_Rows):
    """SPARQL JSON: the first row begins just after ``"bindings":[`` and each other one at the
    ``,{`` before it; the output is cut there (after the ``[``, or at the ``,``).

    A ``,{`` may also stand inside a string — only in a literal value: an IRI, a blank node
    label, a language tag or a variable name holds no ``{``. So ``,{`` is only counted (an upper
    bound on the rows) until that count passes the cap. Then, if the output is plain — every
    ``,{`` is followed by ``"``, and no ``{",`` or ``{"}`` is in it — each ``,{`` begins a row:
    a row with bindings begins with ``{"`` and a variable name, which no string holds (its quotes
    are escaped) nor ends with (after a closing quote comes ``,``, ``}`` or ``:``); an empty row,
    ``{}``, makes the output not plain. Otherwise the output is read again from its start,
    skipping literal values as they are written: from ``"type":"literal","value":"`` to the next
    quote that is not escaped; outside them, ``[{`` and ``,{`` begin rows.
    """

    def __init__(self):
        super().__init__(b",{", after=False, closing=b"]}}")
        self.lookahead = 2        # the byte after ",{" says whether a row with bindings begins there
        self.first: int | None = None  # where the output is cut for the first row, once the array is open
        self.skipping = False     # literal values are skipped (the output was not plain)
        self.in_literal = False   # skipping, the reading stopped inside a literal value

    def read(self, data, start, end, cap):
        if self.skipping:
            return self._read_skipping_literals(data, start, end, cap)
        cuts = []  # the first row, when it begins in this piece
        if self.first is None:
            opening = data.find(_BINDINGS, 0, end)
            if opening >= 0:
                self.first = opening + len(_BINDINGS)
                cuts = [self.first] if data[self.first] == 0x7B else []  # "[{": a first row; "[]": none
        rows = len(cuts) + data.count(b",{", start, end)
        if self.begun + rows <= cap:
            self.begun += rows
            return None, max(start, end - 1)  # (a marker may straddle ``end``)
        if _plain(data, end):
            return (cuts + _all(data, b",{", start, end))[cap - self.begun], end
        self.skipping, self.begun = True, 0
        return self._read_skipping_literals(data, 0, end, cap)

    def _read_skipping_literals(self, data, start, end, cap):
        at = start
        if self.in_literal:
            closing = _unescaped_quote(data, at, end)
            if closing < 0:
                return None, end
            self.in_literal, at = False, closing + 1
        # (an opening that straddled the previous ``end`` is looked for from before ``at``)
        for literal in _LITERAL.finditer(data, max(0, at - len(_LITERAL_VALUE) + 1), end):
            cut = self._rows_between(data, at, max(at, literal.start()), cap)
            if cut is not None:
                return cut, end
            at = max(at, literal.end())
        opening = data.find(_LITERAL_VALUE, max(0, at - len(_LITERAL_VALUE) + 1), end)  # not closed yet
        cut = self._rows_between(data, at, max(at, opening) if opening >= 0 else end, cap)
        if cut is not None or opening < 0:
            return cut, max(at, end - 1)  # (a marker may straddle ``end``)
        self.in_literal = True
        return None, max(at, opening + len(_LITERAL_VALUE))

    def _rows_between(self, data, start, stop, cap) -> int | None:
        """Count the rows beginning in ``data[start:stop]``, outside any value; where the output is
        cut for row ``cap + 1``, if it begins there."""
        rows = data.count(b",{", start, stop) + data.count(b"[{", start, stop)
        if self.begun + rows <= cap:
            self.begun += rows
            return None
        cuts = sorted(_all(data, b",{", start, stop) + [at + 1 for at in _all(data, b"[{", start, stop)])
        return cuts[cap - self.begun]


def _plain(data: bytearray, end: int) -> bool:
    """Every ``,{`` in ``data[:end]`` begins a row (see :class:`_JsonRows`)."""
    return data.count(b",{", 0, end) == data.count(b',{"', 0, end + 1) and \
        data.find(b'{",') < 0 and data.find(b'{"}') < 0


def _all(data: bytearray, marker: bytes, start: int, stop: int) -> list[int]:
    found, at = [], data.find(marker, start, stop)
    while at >= 0:
        found.append(at)
        at = data.find(marker, at + len(marker), stop)
    return found


def _unescaped_quote(data: bytearray, start: int, end: int) -> int:
    """The first ``"`` from ``start`` that is not escaped (after an even run of backslashes), or -1."""
    quote = data.find(b'"', start, end)
    while quote >= 0:
        backslashes = 0
        while data[quote - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2 == 0:
            return quote
        quote = data.find(b'"', quote + 1, end)
    return -1


def _rows(writer: ox.QueryResultsFormat) -> _Rows:
    if writer == ox.QueryResultsFormat.TSV:
        return _Rows(b"\n", after=True)
    if writer == ox.QueryResultsFormat.XML:
        return _Rows(b"<result>", after=False, closing=b"</results></sparql>")
    if writer == ox.QueryResultsFormat.CSV:
        return _CsvRows()
    return _JsonRows()


class _CappedSink:
    """A binary sink for pyoxigraph's results writer that keeps the first ``max_rows`` rows."""

    def __init__(self, rows: _Rows, max_rows: int):
        self.rows, self.max_rows = rows, max_rows
        self.data = bytearray()
        self.read = 0  # offset up to which rows were counted
        self.cut: int | None = None  # where row ``max_rows + 1`` begins, once it has

    def write(self, chunk) -> int:
        if self.cut is not None:  # (the writer flushing what it had, after it was stopped)
            return len(chunk)
        self.data += chunk
        end = len(self.data) - self.rows.lookahead
        if end > self.read:
            self.cut, self.read = self.rows.read(self.data, self.read, end, self.max_rows)
            if self.cut is not None:
                raise _RowCapReached()
        return len(chunk)

    def flush(self) -> None:
        pass

    def output(self) -> tuple[bytes, bool]:
        """The bytes to send, and whether rows were cut."""
        if self.cut is None:
            return bytes(self.data), False
        del self.data[self.cut:]
        self.data += self.rows.closing
        return bytes(self.data), True


def write_capped(result: ox.QuerySolutions, writer: ox.QueryResultsFormat, max_rows: int) -> tuple[bytes, bool]:
    """``result`` written in ``writer``'s format, at most ``max_rows`` rows; and whether rows were cut.

    Evaluation stops as soon as row ``max_rows + 1`` begins to be written, so a huge result costs
    no more than the cap.
    """
    sink = _CappedSink(_rows(writer), max(0, max_rows))
    try:
        result.serialize(sink, format=writer)
    except _RowCapReached:
        pass
    return sink.output()


def serialize_result(result, accept: str | None, *, media_type: str | None = None,
                     max_rows: int | None = None, rows_at_most: int | None = None) -> QueryOutput:
    """Serialise a pyoxigraph query result with pyoxigraph's own writers, negotiating by Accept.

    ``media_type`` forces a format (it must be one the form offers). ``max_rows`` caps SELECT
    results; the output then says whether rows were cut. ``rows_at_most`` is a bound on the rows
    the caller has proved (see :mod:`gcm_kg.sparql.bounded`): within the cap, the rows are written
    without looking for where each begins. Raises :class:`NotAcceptable`.
    """
    if isinstance(result, ox.QuerySolutions):
        form = "SELECT"
    elif isinstance(result, ox.QueryBoolean):
        form = "ASK"
    else:
        form = "GRAPH"
    table = formats_for(form)
    chosen = media_type if media_type in table else negotiate(accept, list(table))
    if chosen is None:
        raise NotAcceptable(form, list(table))
    writer = table[chosen].oxigraph
    if form == "SELECT" and max_rows is not None and (rows_at_most is None or rows_at_most > max_rows):
        body, truncated = write_capped(result, writer, max_rows)
        return QueryOutput(form, chosen, body, truncated, max_rows)
    body = result.serialize(format=writer)
    return QueryOutput(form, chosen, body, row_limit=max_rows if form == "SELECT" else None)
