"""``POST /validate``: a partner posts RDF and gets the SHACL report against the gcm-kg shapes.

The engine is :func:`gcm_kg.services.validation.validate`, the one ``gcm-kg validate`` uses, with the
shipped ontology and data as reference (so posted data may point at our objectives and themes).

* Input: the request body in Turtle, JSON-LD, N-Triples, N-Quads, TriG or RDF/XML, chosen by
  ``Content-Type``; or an HTML form (``data`` and ``format`` fields) from ``GET /validate``.
* Output by ``Accept``: the W3C SHACL validation report in Turtle (default), the JSON report of
  :func:`gcm_kg.services.validation.format_json`, plain text, or an HTML page. Status 200 whether or not
  the data conform; ``conforms`` is in every format.
* Errors: 413 beyond ``Settings.max_body_bytes``; 415 for a media type we cannot parse; 400 for
  unparsable input, with the parser's ``line`` and ``column`` (problem+json members too). They are
  the problems of :mod:`gcm_kg.web.errors`; a form post or a browser gets them on the form's page.
"""

from __future__ import annotations

from flask import Response
from werkzeug.exceptions import RequestEntityTooLarge

from gcm_kg.core.errors import Refusal
from gcm_kg.core.negotiation import negotiate, prefers_html
from gcm_kg.rdf import formats, rdfio
from gcm_kg.web.context import request_accept
from gcm_kg.web.errors import problem_for
from gcm_kg.web.pages import Chrome, render, text

#: Media types accepted as input: every RDF format of the registry, by any media type naming it.
INPUT_FORMATS: dict[str, formats.Format] = formats.by_media_type(formats.RDF)
#: Names of the form's ``format`` field → media type.
FORM_FORMATS = {name: f.media_type
                for name, f in formats.select(formats.RDF, "turtle", "jsonld", "ntriples", "rdfxml").items()}
OUTPUT_TYPES = ["text/turtle", "application/json", "text/html", "text/plain"]
#: The base IRI relative IRIs in posted data resolve against.
INPUT_BASE = "https://w3id.org/gcm-kg/validate/input/"


def parse(data: bytes, media_type: str):
    """Posted bytes → rdflib graph, by :func:`gcm_kg.services.validation.parse_graph` (pyoxigraph first, so
    a :class:`~gcm_kg.rdf.rdfio.RdfFileError` carries line and column)."""
    from gcm_kg.services import validation

    fmt = INPUT_FORMATS.get(media_type)
    if fmt is None:
        raise Refusal.unsupported_media_type(f"cannot read {media_type or 'a body without Content-Type'}; "
                                             f"send one of: {', '.join(INPUT_FORMATS)}", list(INPUT_FORMATS))
    return validation.parse_graph(data, fmt.oxigraph, name=f"{media_type} body", base_iri=INPUT_BASE)


def validate_bytes(data: bytes, media_type: str):
    from gcm_kg.services import validation

    return validation.validate(parse(data, media_type))


def handle(request, settings, lang: str) -> Response:
    if request.method == "GET":
        return _html(validate_page(lang))
    limit = settings.extra.get("validate_max_bytes", settings.max_body_bytes)
    form = request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
    try:
        if request.content_length is not None and request.content_length > limit:
            raise Refusal.content_too_large(f"the body is {request.content_length} bytes; the limit is {limit} bytes")
        try:
            if form:
                data = request.form.get("data", "").encode("utf-8")
                media_type = FORM_FORMATS.get(request.form.get("format", "turtle"), "text/turtle")
            else:
                data = request.get_data(cache=False)
                media_type = request.mimetype
        except RequestEntityTooLarge:
            raise Refusal.content_too_large(f"the body is larger than the limit of {limit} bytes") from None
        if len(data) > limit:
            raise Refusal.content_too_large(f"the body is {len(data)} bytes; the limit is {limit} bytes")
        if not data.strip():
            raise Refusal.bad_request("the body is empty: post the RDF to validate")
        result = validate_bytes(data, media_type)
    except (Refusal, rdfio.RdfFileError) as error:
        if not (form or prefers_html(request_accept(), OUTPUT_TYPES)):
            raise  # answered by the app's error handler, as on every route
        problem = problem_for(error)  # a person gets the form back, with the same problem on it
        page = validate_page(lang, error=problem, data=request.form.get("data", "") if form else "",
                             fmt=request.form.get("format", "turtle") if form else "turtle")
        return _html(page, problem.status, problem.headers)
    return report_response(result, request_accept() if not form else "text/html", lang,
                           data.decode("utf-8", "replace") if form else None,
                           request.form.get("format", "turtle") if form else "turtle")


def report_response(result, accept: str | None, lang: str, data: str | None = None, fmt: str = "turtle") -> Response:
    from gcm_kg.services import validation

    chosen = negotiate(accept, OUTPUT_TYPES)
    if chosen is None:
        raise Refusal.not_acceptable(f"the report is available as: {', '.join(OUTPUT_TYPES)}", OUTPUT_TYPES)
    if chosen == "text/turtle":
        body, ctype = validation.format_turtle(result), "text/turtle; charset=utf-8"
    elif chosen == "application/json":
        body, ctype = validation.format_json(result), "application/json"
    elif chosen == "text/plain":
        body, ctype = validation.format_text(result), "text/plain; charset=utf-8"
    else:
        rows = [{"severity": r.severity_name, "focus": validation.compact(r.focus_node),
                 "path": validation.compact(r.path) if r.path is not None else "",
                 "value": validation.compact(r.value) if r.value is not None else "",
                 "message": r.message, "shape": validation.compact(r.source_shape),
                 "anchor": str(r.source_shape).rsplit("/", 1)[-1] if r.source_shape is not None else ""}
                for r in result.results]
        body = validate_page(lang, result=result, rows=rows, summary=validation.summary(result), data=data or "",
                             fmt=fmt)
        ctype = "text/html; charset=utf-8"
    return Response(body, content_type=ctype)


def validate_page(lang: str, *, result=None, error=None, rows: list[dict] | None = None,
                  summary: str = "", data: str = "", fmt: str = "turtle") -> str:
    """The HTML page of ``/validate``: the form (prefilled with ``data``), and the report or the
    problem (a :class:`~gcm_kg.web.problems.Problem`)."""
    return render("ld/validate.html", Chrome(lang, text(lang)["validate"]), result=result, error=error,
                  rows=rows or [], summary=summary, data=data, fmt=fmt)


def _html(body: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(body, status=status, headers=headers, content_type="text/html; charset=utf-8")
