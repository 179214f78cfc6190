"""The client's three calls: :func:`query` (any SPARQL 1.1 endpoint), :func:`canned` and
:func:`search` (a gcm-kg service: ``/api/queries/{name}`` and ``/api/search``)."""

from __future__ import annotations

import datetime as dt
import os
import urllib.parse
from typing import Iterable

import pandas as pd

from gcm_kg.client.results import IRI, LangString, dataframe
from gcm_kg.client.transport import Answer, EndpointError, fetch, pages

#: The environment variable naming the default endpoint, and the default when it is unset
#: (``gcm-kg serve`` on this machine).
ENDPOINT_VARIABLE = "GCM_KG_ENDPOINT"
DEFAULT_ENDPOINT = "http://127.0.0.1:8000/sparql"
SPARQL_RESULTS_JSON = "application/sparql-results+json"
#: RFC 9110 §12.5.1: the results, or a problem document when the request fails.
ACCEPT_RESULTS = f"{SPARQL_RESULTS_JSON}, application/problem+json;q=0.5"
ACCEPT_JSON = "application/json, application/problem+json;q=0.5"
#: Longer queries are POSTed: servers and proxies commonly cap a URL at a few kB.
LONGEST_GET_URL = 2000
DEFAULT_TIMEOUT_S = 60.0


def endpoint_or_default(endpoint: str | None) -> str:
    """``endpoint``, else ``$GCM_KG_ENDPOINT``, else ``http://127.0.0.1:8000/sparql``."""
    return endpoint or os.environ.get(ENDPOINT_VARIABLE) or DEFAULT_ENDPOINT


def service_root(endpoint: str | None) -> str:
    """The gcm-kg service whose SPARQL endpoint is ``endpoint``: its ``/api/…`` routes sit beside
    ``/sparql``, under the same prefix."""
    url = endpoint_or_default(endpoint)
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    if not path.endswith("/sparql"):
        raise ValueError(f"canned() and search() need a gcm-kg endpoint, ending in /sparql "
                         f"(such as {DEFAULT_ENDPOINT}); got {url!r}")
    return url.split("?")[0].rstrip("/")[: -len("/sparql")]


def _results(answer: Answer) -> dict:
    if answer.content_type != SPARQL_RESULTS_JSON:
        raise EndpointError(200, "not a SPARQL result", f"expected {SPARQL_RESULTS_JSON}, got "
                            f"{answer.content_type or 'no media type'}: query() runs SELECT and ASK queries",
                            url=answer.url)
    body = answer.json()
    if not isinstance(body, dict) or not ("boolean" in body or isinstance(body.get("results"), dict)):
        raise EndpointError(200, "not a SPARQL result", "the JSON has neither 'boolean' nor 'results'",
                            url=answer.url)
    return body


def query(sparql: str, endpoint: str | None = None, *, timeout: float = DEFAULT_TIMEOUT_S) -> pd.DataFrame | bool:
    """Run a SELECT query at any SPARQL 1.1 endpoint and return its solutions as a DataFrame with
    typed columns (see :mod:`gcm_kg.client`); an ASK query returns a bool.

    Raises :class:`EndpointError` (``status``, ``title``, ``detail``) when the endpoint refuses it.
    """
    url = endpoint_or_default(endpoint)
    # SPARQL 1.1 Protocol §2.1.1 (query via GET), or §2.1.2 (via URL-encoded POST) when long.
    get_url = url + ("&" if "?" in url else "?") + urllib.parse.urlencode({"query": sparql})
    if len(get_url) <= LONGEST_GET_URL:
        answer = fetch(get_url, accept=ACCEPT_RESULTS, timeout=timeout)
    else:
        answer = fetch(url, accept=ACCEPT_RESULTS, form={"query": sparql}, timeout=timeout)
    body = _results(answer)
    if "boolean" in body:
        return bool(body["boolean"])
    return dataframe(list(body.get("head", {}).get("vars", [])), body["results"].get("bindings", []))


def _parameter_value(value: object) -> str:
    """A parameter value as the API reads it (a language-tagged string as ``text@lang``)."""
    if isinstance(value, LangString):
        return f"{value}@{value.lang}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise TypeError(f"a parameter value is a string, an IRI, an integer or a date; got {value!r}")
    return str(value)


def _parameters(params: dict[str, object]) -> list[tuple[str, str]]:
    pairs = []
    for name, value in params.items():
        values = value if isinstance(value, (list, tuple, set)) else [value]
        pairs += [(name, _parameter_value(v)) for v in values if v is not None]
    return pairs


def canned(name: str, /, endpoint: str | None = None, *, timeout: float = DEFAULT_TIMEOUT_S,
           **params: object) -> pd.DataFrame:
    """Run the gcm-kg research query ``name`` (``/api/queries/{name}``) with ``params`` (a list for a
    multi-value parameter) and return all its rows, every page, typed as by :func:`query`."""
    root = service_root(endpoint)
    url = f"{root}/api/queries/{urllib.parse.quote(name, safe='')}"
    pairs = _parameters(params)
    if pairs:
        url += "?" + urllib.parse.urlencode(pairs)
    variables: list[str] | None = None
    bindings: list[dict] = []
    for answer in pages(url, accept=ACCEPT_RESULTS, timeout=timeout):
        body = _results(answer)
        variables = variables if variables is not None else list(body.get("head", {}).get("vars", []))
        bindings += body.get("results", {}).get("bindings", [])
    return dataframe(variables or [], bindings)


SEARCH_COLUMNS = ["iri", "label", "kind", "snippet", "score"]


def search(text: str, endpoint: str | None = None, *, kind: str | Iterable[str] | None = None,
           lang: str | None = None, theme: str | None = None, objective: str | None = None,
           limit: int | None = None, timeout: float = DEFAULT_TIMEOUT_S) -> pd.DataFrame:
    """Full-text search of a gcm-kg service (``/api/search``): the hits, best first, as a DataFrame
    of ``iri`` (IRI), ``label``, ``kind``, ``snippet`` (HTML, matches in ``<mark>``) and ``score``;
    ``limit`` hits at most (all when None). ``attrs["total"]`` is the number of hits there are."""
    if limit is not None and limit < 1:
        raise ValueError("limit: at least 1, or None for every hit")
    kinds = [kind] if isinstance(kind, str) else list(kind or [])
    pairs = [("q", text), *(("kind", k) for k in kinds)]
    pairs += [(key, value) for key, value in (("lang", lang), ("theme", theme), ("objective", objective)) if value]
    if limit is not None:
        pairs.append(("limit", str(limit)))
    hits: list[dict] = []
    total = 0
    for answer in pages(service_root(endpoint) + "/api/search?" + urllib.parse.urlencode(pairs),
                        accept=ACCEPT_JSON, timeout=timeout):
        body = answer.json()
        total = body["total"]
        hits += body["results"]
        if limit is not None and len(hits) >= limit:
            break
    hits = hits[:limit] if limit is not None else hits
    frame = pd.DataFrame({
        "iri": pd.Series([IRI(hit["iri"]) for hit in hits], dtype=object),
        **{key: pd.Series([hit[key] for hit in hits], dtype=pd.StringDtype()) for key in ("label", "kind", "snippet")},
        "score": pd.Series([float(hit["score"]) for hit in hits], dtype="float64"),
    }, columns=SEARCH_COLUMNS)
    frame.attrs["total"] = total
    return frame
