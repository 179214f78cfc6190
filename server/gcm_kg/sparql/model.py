"""What a query is run over and what it ends in: the protocol dataset, the serialised result, and
the errors a query can end in (each mapped to one HTTP problem by :mod:`gcm_kg.web.errors`)."""

from __future__ import annotations

from dataclasses import dataclass

from gcm_kg.rdf import formats


@dataclass(frozen=True)
class Dataset:
    """An RDF dataset given by the protocol (SPARQL 1.1 Protocol §2.1.4); empty means 'the store's'."""

    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()

    @property
    def is_given(self) -> bool:
        return bool(self.default_graph_uris or self.named_graph_uris)


class QueryError(Exception):
    """Base of the errors a query can end in; ``str()`` is safe to show to the client."""


class QuerySyntaxError(QueryError):
    """The query is not SPARQL 1.1 (→ 400). The message is the parser's, with its position."""


class QueryTimeout(QueryError):
    """The query ran past its time limit and was stopped (→ 503 with Retry-After)."""


class QueryMemoryExceeded(QueryError):
    """The query needed more memory than the queries running at once may use together, and was
    stopped (→ 503 with Retry-After, like a time limit: the budget is shared, so the same query may
    fit when the service is quieter)."""


class QueryExecutionError(QueryError):
    """The query parsed but failed while running (→ 500)."""


class NotAcceptable(QueryError):
    """No format the client accepts can carry this query's results (→ 406)."""

    def __init__(self, form: str, offered: list[str]):
        self.form, self.offered = form, offered
        super().__init__(f"{form} results are available as: {', '.join(offered)}")


@dataclass
class QueryOutput:
    """A serialised query result: the query form, the chosen media type and the body."""

    form: str  # "SELECT", "ASK" or "GRAPH" (CONSTRUCT/DESCRIBE)
    media_type: str
    body: bytes
    truncated: bool = False         # SELECT rows were cut at ``row_limit``
    row_limit: int | None = None    # the row cap that applied to a SELECT (None: no cap)


def formats_for(form: str) -> dict[str, formats.Format]:
    """The formats the service writes for a query form ("SELECT", "ASK" or "GRAPH") by media type,
    best first."""
    return {"SELECT": formats.RESULTS_FORMATS, "ASK": formats.BOOLEAN_FORMATS}.get(form, formats.GRAPH_FORMATS)
