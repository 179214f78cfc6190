"""A Python client of gcm-kg for researchers: SPARQL results as pandas DataFrames.

Installed with ``pip install 'gcm-kg[client]'`` (pandas; HTTP with the standard library). It talks
to a service over HTTP only and imports nothing of the server::

    from gcm_kg.client import query, canned, search
    query("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5", endpoint="https://example.org/sparql")
    canned("theme-questions", theme="return-and-reintegration")
    search("consular protection", kind="question")

The endpoint is the ``endpoint=`` argument, else ``$GCM_KG_ENDPOINT``, else
``http://127.0.0.1:8000/sparql``. :func:`query` works with any SPARQL 1.1 endpoint (it asks for
``application/sparql-results+json``); :func:`canned` and :func:`search` call a gcm-kg service's
``/api/queries/{name}`` and ``/api/search`` beside its ``/sparql``, following every page.

RDF terms → columns. A column gets a pandas type when every bound value in it is of one kind:

=====================================================  =============================================
term                                                   column (unbound → missing value)
=====================================================  =============================================
``xsd:integer`` and its derived types (``xsd:int`` …)  ``Int64`` (nullable; ``<NA>``)
``xsd:decimal``                                        ``object`` of :class:`decimal.Decimal` (exact;
                                                       ``.astype(float)`` when exactness can go)
``xsd:double``, ``xsd:float``                          ``float64`` (``NaN``)
``xsd:boolean``                                        ``boolean`` (nullable; ``<NA>``)
``xsd:date``, ``xsd:dateTime``                         ``datetime64`` (``NaT``); in UTC when the
                                                       values carry a time zone
``xsd:string`` (a plain literal)                       ``string`` (``<NA>``)
an IRI                                                 ``object`` of :class:`IRI` (a ``str``)
a language-tagged string                               ``object`` of :class:`LangString` (a ``str``
                                                       with ``.lang``)
a blank node                                           ``object`` of :class:`BlankNode` (a ``str``)
another datatype, or a literal invalid for its type    ``object`` of :class:`TypedLiteral` (a ``str``
                                                       with ``.datatype``)
=====================================================  =============================================

A column mixing kinds (IRIs and literals, integers and decimals, dates with and without a time zone
…) is ``object``, each cell the Python value of its term: ``IRI``, ``LangString``, ``BlankNode``,
``str``, ``int``, ``Decimal``, ``float``, ``bool``, ``datetime.date``, ``datetime.datetime``,
``TypedLiteral``, or None. So an IRI is never mistaken for a string: ``isinstance(v, IRI)``.

A refused request raises :class:`EndpointError` with the HTTP ``status``, ``title`` and ``detail``
(from the server's RFC 9457 problem document when there is one).
"""

from gcm_kg.client.api import DEFAULT_ENDPOINT, ENDPOINT_VARIABLE, canned, query, search
from gcm_kg.client.results import IRI, BlankNode, LangString, TypedLiteral
from gcm_kg.client.transport import EndpointError

__all__ = ["query", "canned", "search", "EndpointError", "IRI", "LangString", "BlankNode", "TypedLiteral",
           "DEFAULT_ENDPOINT", "ENDPOINT_VARIABLE"]
