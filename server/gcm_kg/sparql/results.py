"""Query results written once, by pyoxigraph's own writers, in the negotiated format, with the row cap."""

from __future__ import annotations

import pyoxigraph as ox

from gcm_kg.core.negotiation import negotiate
from gcm_kg.sparql.model import NotAcceptable, QueryOutput, formats_for


class _RowCapReached(Exception):
    """Raised from inside pyoxigraph's writer to stop evaluation once the row cap is passed."""


class _TsvSink:
    """A binary sink for pyoxigraph's TSV writer that stops it after ``limit`` rows (+1 to detect more).

    SPARQL TSV writes exactly one line per solution (newlines inside literals are escaped), after
    one header line, so counting ``\\n`` counts rows.
    """

    __slots__ = ("chunks", "lines", "stop_after")

    def __init__(self, limit: int):
        self.chunks: list[bytes] = []
        self.lines = 0
        self.stop_after = limit + 2  # header + limit rows + one more row proves truncation

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.lines += data.count(b"\n")
        if self.lines >= self.stop_after:
            raise _RowCapReached()
        return len(data)

    def flush(self) -> None:
        pass


def _capped_solutions(result: "ox.QuerySolutions", max_rows: int) -> tuple[bytes, bool]:
    """SPARQL TSV of at most ``max_rows`` solutions of ``result``, and whether rows were cut.

    Evaluation stops as soon as one row beyond the cap is produced, so a huge result costs no more
    than the cap. TSV is lossless for RDF terms, so it is re-read to write any other format.
    """
    sink = _TsvSink(max_rows)
    try:
        result.serialize(sink, format=ox.QueryResultsFormat.TSV)
    except _RowCapReached:
        pass
    data = b"".join(sink.chunks)
    if sink.lines <= max_rows + 1:
        return data, False
    cut = -1
    for _ in range(max_rows + 1):  # keep the header line and max_rows rows
        cut = data.index(b"\n", cut + 1)
    return data[:cut + 1], True


def serialize_result(result, accept: str | None, *, media_type: str | None = None,
                     max_rows: int | None = None, rows_at_most: int | None = None) -> QueryOutput:
    """Serialise a pyoxigraph query result with pyoxigraph's own writers, negotiating by Accept.

    ``media_type`` forces a format (it must be one the form offers). ``max_rows`` caps SELECT
    results; the output then says whether rows were cut. ``rows_at_most`` is a bound on the rows
    the caller has proved (see :mod:`gcm_kg.sparql.bounded`): within the cap, the rows are written
    directly instead of through the capping pass. Raises :class:`NotAcceptable`.
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
        tsv, truncated = _capped_solutions(result, max_rows)
        if writer == ox.QueryResultsFormat.TSV:
            body = tsv
        else:
            body = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(format=writer)
        return QueryOutput(form, chosen, body, truncated, max_rows)
    body = result.serialize(format=writer)
    return QueryOutput(form, chosen, body, row_limit=max_rows if form == "SELECT" else None)
