"""Linked-data views: thing URIs (303), documents, HTML pages, ontology, shapes, VoID, dumps.

Thin Flask layer over :mod:`gcm_kg.services.linked_data`, :mod:`gcm_kg.web.pages`,
:mod:`gcm_kg.web.vocab_pages`, :mod:`gcm_kg.services.dataset_description` and :mod:`gcm_kg.web.views.validate`.

URL layout (``{base}`` is ``Settings.base_uri``, by default ``https://w3id.org/gcm-kg/``):

========================================  =======================================================
``/id/{kind}/{key}``                      the thing ``{base}id/{kind}/{key}``: 303 to a document
``/doc/{kind}/{key}[.ttl|.jsonld|…]``     its description (negotiated without an extension)
``/doc/{kind}/{key}{.csl.json,.bib,.ris}`` its citation, for what can be cited (also negotiated)
``/list/{kind}``                          HTML list of the things of a kind
``/ontology[/0.1.0]``                     the ontology: 303 to ``/ontology.{ext}``
``/shapes[/{name}]``                      the SHACL shapes: 303 to ``/shapes.{ext}``
``/graph/{name}``                         a named graph: 303 to ``/graph/{name}.{ext}`` (what it is + its statements)
``/.well-known/void``                     VoID + DCAT description of the dataset
``/download/gcm-kg.{nt,ttl,jsonld,nq}``   dumps (``.gz`` too, or gzip by Accept-Encoding)
``/download/{version|latest}/gcm-kg.…``   a release's frozen dumps (the same forms)
``/validate``                             SHACL validation of posted RDF
``/sitemap.xml``, ``/robots.txt``
========================================  =======================================================
"""

from __future__ import annotations

import hashlib
import threading
from urllib.parse import quote

from flask import Blueprint, Response, redirect, request

from gcm_kg.core.errors import Refusal
from gcm_kg.services import citation, releases, schema_org, signposting
from gcm_kg.services import dataset_description as dd
from gcm_kg.rdf import export
from gcm_kg.rdf import releases as frozen
from gcm_kg.web import pages as html_pages
from gcm_kg.web import language, templating
from gcm_kg.services import linked_data as ld
from gcm_kg.web.context import get_public_urls, get_settings, get_store, request_accept
from gcm_kg.rdf.formats import content_type

bp = Blueprint("linked_data", __name__)

_CACHE_MAX = 4096
_cache: dict = {}
_cache_lock = threading.Lock()


def register(app) -> None:
    app.register_blueprint(bp)


def _cached(key, make):
    """Documents are pure functions of the read-only store: compute each once per process."""
    key = (id(get_store()),) + key
    with _cache_lock:
        if key in _cache:
            return _cache[key]
    value = make()
    with _cache_lock:
        if len(_cache) >= _CACHE_MAX:
            _cache.clear()
        _cache[key] = value
    return value


def _lang() -> str:
    return language.page_language()


def _page_key(lang: str) -> tuple:
    """What a cached page depends on besides its content: its language, and whether the URL named
    it (its links then keep ``?lang=``), and the public root its links are written under."""
    return lang, language.requested_language(), get_public_urls().root


def _see_other(path: str, *, html: bool = False) -> Response:
    """303 to ``path`` under the site root (RFC 9110 §15.4.4); ``Vary: Accept`` comes with reading
    Accept (:func:`gcm_kg.web.context.request_accept`), so a redirect Accept did not choose has none.
    To a page (``html``), the language the URL named goes along."""
    location = get_public_urls().path(path)
    if html:
        location = language.with_language(location)
    response = redirect(location, code=303)
    response.set_data(f"See {location}\n")
    response.mimetype = "text/plain"
    return response


def _document(body: bytes | str, ext: str, *, negotiated: bool, url_for_ext) -> Response:
    """A document response with the headers every linked-data document carries.

    (``Vary: Accept`` comes with reading Accept, see :func:`gcm_kg.web.context.request_accept`;
    ``Vary: Accept-Language`` with reading it, see :func:`gcm_kg.web.language.page_language`.)
    """
    fmt = ld.DOC_FORMATS[ext]
    response = _cacheable(body, content_type(fmt.media_type), url_for_ext(ext) if negotiated else None)
    response.headers["Link"] = ld.alternate_links(url_for_ext, ext)
    return response.make_conditional(request)


def _cacheable(body: bytes | str, content_type_header: str, content_location: str | None) -> Response:
    """A 200 response that caches for five minutes, with a strong ETag of its bytes and, when
    Accept chose it, the ``Content-Location`` of the document it is (RFC 9110 §8.7)."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    response = Response(data, status=200, content_type=content_type_header)
    if content_location:
        response.headers["Content-Location"] = content_location
    response.headers["Cache-Control"] = "public, max-age=300"
    response.set_etag(hashlib.sha256(data).hexdigest()[:32])
    return response


def _requested_citation_format() -> str | None:
    """The citation format Accept prefers to every document format, if any (see
    :func:`gcm_kg.services.citation.requested_format`)."""
    return citation.requested_format(request_accept(), ld.NEGOTIABLE_MEDIA_TYPES)


def _citation_document(stem: str, iri: str, ext: str, *, negotiated: bool) -> Response:
    """The citation of ``iri`` in format ``ext``; 404 with a message for a thing that is no work."""
    settings, store, urls = get_settings(), get_store(), get_public_urls()
    item = _cached(("citation", iri), lambda: citation.record(store, iri, settings.base_uri))
    if item is None:
        raise Refusal.not_found(f"<{iri}> is not something that can be cited (a work, the dataset, the "
                                "background paper, a guiding question or a quoted passage)", instance=request.path)
    fmt = citation.FORMATS[ext]
    response = _cacheable(fmt.write(item), fmt.content_type,
                          urls.path(ld.doc_path(stem, ext)) if negotiated else None)
    response.headers["Link"] = ", ".join(
        f'<{urls.path(ld.doc_path(stem, other))}>; rel="alternate"; type="{other_fmt.media_type}"'
        for other, other_fmt in citation.FORMATS.items() if other != ext)
    return response.make_conditional(request)


def _pick_extension(ext: str | None) -> tuple[str, bool]:
    """(extension, negotiated): the path's extension, else ``format=``, else Accept."""
    if ext:
        return ext, False
    param = request.args.get("format")
    if param:
        chosen = ld.extension_for_format_param(param)
        if chosen is None:
            raise Refusal.invalid_parameter(
                "format", f"unknown format {param!r}; use one of: {', '.join(ld.format_names())}")
        return chosen, False
    return ld.choose_extension(request_accept())[0], True


def _not_found(iri: str) -> Response:
    """404 for ``iri``: the "not found" page for a browser, else the problem every route gives."""
    if ld.choose_extension(request_accept())[0] == "html":
        settings = get_settings()
        body = html_pages.not_found_html(get_store(), settings.base_uri, iri, _lang())
        return Response(body, status=404, content_type="text/html; charset=utf-8")
    raise Refusal.not_found(f"this graph says nothing about <{iri}>", instance=request.path)


# -- things and their documents ---------------------------------------------------------------------

@bp.get("/id/")
def id_root():
    return _see_other("", html=True)


@bp.get("/id/<path:key>")
def thing(key: str):
    settings, store = get_settings(), get_store()
    if key.endswith("/"):  # /id/objective/ : the list of objectives
        kind = key.strip("/")
        return _see_other(f"list/{quote(kind)}", html=True)
    iri = ld.thing_iri(settings.base_uri, key)
    if not ld.exists(store, iri):
        return _not_found(iri)
    cite_ext = _requested_citation_format()
    if cite_ext and citation.citable_kind(store, iri):
        return _see_other(ld.doc_path(key, cite_ext))
    ext, _ = _pick_extension(None)
    return _see_other(ld.doc_path(key, ext), html=ext == "html")


@bp.get("/doc/<path:key>")
def document(key: str):
    settings, store, urls = get_settings(), get_store(), get_public_urls()
    cite_stem, cite_ext = citation.split_extension(key)
    if cite_ext and ld.exists(store, ld.thing_iri(settings.base_uri, cite_stem)):
        return _citation_document(cite_stem, ld.thing_iri(settings.base_uri, cite_stem), cite_ext, negotiated=False)
    stem, ext = ld.split_extension(key)
    iri = ld.thing_iri(settings.base_uri, stem)
    if not ld.exists(store, iri):
        if ext is None or not ld.exists(store, ld.thing_iri(settings.base_uri, key)):
            return _not_found(iri)
        stem, ext = key, None  # a key that happens to end like an extension
        iri = ld.thing_iri(settings.base_uri, key)
    if ext is None and not request.args.get("format"):
        cite_ext = _requested_citation_format()
        if cite_ext and citation.citable_kind(store, iri):
            return _citation_document(stem, iri, cite_ext, negotiated=True)
    ext, negotiated = _pick_extension(ext)

    def url_for_ext(e: str) -> str:
        return urls.path(ld.doc_path(stem, e))

    doc_url = urls.url(ld.doc_path(stem))

    def rdf_body(e: str) -> bytes:
        return _cached(("rdf", iri, e, doc_url), lambda: ld.serialize(
            _cached(("description", iri, doc_url), lambda: ld.description(store, iri, doc_url)), e,
            id_namespace=settings.base_uri + "id/"))

    if ext == "html":
        lang = _lang()
        body = _cached(("html", iri, _page_key(lang)), lambda: html_pages.entity_html(
            store, settings.base_uri, iri, lang, url_for_ext, canonical=url_for_ext("html"), jsonld=rdf_body("jsonld")))
        response = _document(body, ext, negotiated=negotiated, url_for_ext=url_for_ext)
    else:
        response = _document(rdf_body(ext), ext, negotiated=negotiated, url_for_ext=url_for_ext)
    signposts = _cached(("signposts", iri, ext, urls.root), lambda: signposting.entity_links(
        urls, iri, stem, signposting.schema_types(store, iri), dd.summary(store, settings)["license"], ext))
    response.headers["Link"] += ", " + signposting.header(signposts)
    return response


# -- named graphs -----------------------------------------------------------------------------------

@bp.get("/graph/<path:key>")
def named_graph(key: str):
    """The named graph ``{base}graph/{key}`` names a graph, not a document: 303 to the document
    Accept chooses (``/graph/{key}.{ext}``), which holds what the graph is and its statements."""
    settings, store, urls = get_settings(), get_store(), get_public_urls()
    sizes = ld.named_graph_sizes(store)
    if ld.graph_iri(settings.base_uri, key) in sizes:
        ext, _ = _pick_extension(None)
        return _see_other(ld.graph_path(key, ext), html=ext == "html")
    stem, ext = ld.split_extension(key)
    iri = ld.graph_iri(settings.base_uri, stem)
    if ext is None or iri not in sizes:
        return _not_found(ld.graph_iri(settings.base_uri, key))

    def url_for_ext(e: str) -> str:
        return urls.path(ld.graph_path(stem, e))

    if ext == "html":
        lang = _lang()
        body = _cached(("graph-html", iri, _page_key(lang)), lambda: html_pages.graph_html(
            store, settings.base_uri, iri, lang, triples=sizes[iri], url_for_extension=url_for_ext,
            canonical=url_for_ext("html")))
        return _document(body, ext, negotiated=False, url_for_ext=url_for_ext)
    doc_url = urls.url(ld.graph_path(stem, ext))
    body = _cached(("graph", iri, ext, doc_url), lambda: ld.serialize(
        ld.graph_description(store, iri, dd.dataset_iri(settings), sizes[iri], doc_url), ext,
        id_namespace=settings.base_uri + "id/"))
    return _document(body, ext, negotiated=False, url_for_ext=url_for_ext)


@bp.get("/list/<kind>")
def list_page(kind: str):
    settings, store = get_settings(), get_store()
    if kind not in html_pages.kind_counts(store, settings.base_uri):
        raise Refusal.not_found(f"no things of kind {kind!r} here")
    lang = _lang()  # after the 404: a refusal does not depend on the reader's language
    body = _cached(("list", kind, _page_key(lang)),
                   lambda: html_pages.list_html(store, settings.base_uri, kind, lang))
    return Response(body, content_type="text/html; charset=utf-8")


@bp.get("/")
def landing():
    """The landing page; an RDF client asking for the root (``https://w3id.org/gcm-kg/`` leads
    here) gets 303 to the dataset's VoID description in the format it asked for."""
    settings, store, urls = get_settings(), get_store(), get_public_urls()
    ext = ld.choose_root_extension(request_accept())
    if ext != "html":
        return _see_other(f".well-known/void?format={ext}")
    lang = _lang()

    def make():
        pub = dd.publication(store)
        info = dd.summary(store, settings)
        if info["iri"]:
            local = ld.path_for_iri(settings.base_uri, info["iri"])
            info["href"] = urls.path(local) if local else info["iri"]
        example = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                   "PREFIX gcmo: <https://w3id.org/gcm-kg/ontology#>\n"
                   "SELECT ?objective ?title ?theme ?themeLabel WHERE {\n"
                   "  ?objective a gcmo:Objective ; skos:prefLabel ?title .\n"
                   "  OPTIONAL { ?theme skos:relatedMatch ?objective ; skos:prefLabel ?themeLabel .\n"
                   "             FILTER(LANG(?themeLabel) = \"en\") }\n"
                   "} ORDER BY ?objective")
        return html_pages.landing_html(store, settings.base_uri, lang, counts=store.counts(), dataset=info,
                                       dumps=pub.dumps(urls), example_query=example,
                                       release=releases.current(store, dd.dataset_iri(settings)),
                                       releases=pub.releases(urls),
                                       schema=schema_org.dataset(store, dd.dataset_iri(settings), urls, pub.dumps(urls)))

    def links() -> str:
        info = dd.summary(store, settings)
        signposts = signposting.landing_links(urls, info["iri"], info["license"], dd.publication(store).dumps(urls))
        return signposting.header(signposts + [signposting.Link(urls.path("sparql"), "service")])

    body = _cached(("landing", _page_key(lang)), make)
    response = Response(body, content_type="text/html; charset=utf-8")
    response.headers["Link"] = _cached(("landing-links", urls.root), links)
    return response


# -- dataset description ----------------------------------------------------------------------------

@bp.get("/.well-known/void")
def void():
    settings, store, urls = get_settings(), get_store(), get_public_urls()
    ext, negotiated = _pick_extension(None)
    triples = _cached(("void", urls.root), lambda: dd.void_triples(store, settings, urls))

    def url_for_ext(e: str) -> str:
        return urls.path(f".well-known/void?format={e}")

    if ext == "html":
        from gcm_kg.web import vocab_pages

        body = vocab_pages.void_html(store, settings, triples, _lang(), url_for_ext)
        return _document(body, ext, negotiated=negotiated, url_for_ext=url_for_ext)
    fmt = ld.DOC_FORMATS[ext].rdf_format
    import pyoxigraph as ox

    body = _cached(("void-doc", urls.root, ext), lambda: ox.serialize(
        triples, format=fmt, prefixes=dd.VOID_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None))
    return _document(body, ext, negotiated=negotiated, url_for_ext=url_for_ext)


# -- dumps ------------------------------------------------------------------------------------------

@bp.get("/download/")
def downloads():
    urls = get_public_urls()
    pub = dd.publication(get_store())
    body = templating.render("ld/downloads.html", dumps=pub.dumps(urls), releases=pub.releases(urls),
                             void_path=urls.path(".well-known/void"))
    return Response(body, content_type="text/html; charset=utf-8")


@bp.get("/download/<name>")
def download(name: str):
    ext, gz = _dump_name(name)
    pub = dd.publication(get_store())
    return _dump_response(name, ext, gz, plain=lambda: pub.dump(ext), compressed=lambda: pub.dump_gz(ext),
                          cache_control="public, max-age=3600")


@bp.get("/download/<version>/<name>")
def release_download(version: str, name: str):
    """A frozen dump of a release (README "Releases"). ``/download/{version}/…`` never changes, so
    caches may keep it for a year without revalidating (RFC 9111 §5.2.2.1, RFC 8246 ``immutable``);
    ``/download/latest/…`` moves with each release and caches like the live dumps."""
    ext, gz = _dump_name(name)
    found = frozen.published()
    release = frozen.named(version, found)
    if release is None:
        raise Refusal.not_found(f"no release {version!r} (published: {', '.join(found) or 'none'}); see /download/")
    return _dump_response(name, ext, gz, plain=lambda: release.dump(ext), compressed=lambda: release.dump_gz(ext),
                          cache_control="public, max-age=3600" if version == "latest"
                          else "public, max-age=31536000, immutable")


def _dump_name(name: str) -> tuple[str, bool]:
    """(format, gzipped) of a dump's file name ``gcm-kg.{ext}[.gz]``; 404 for any other name."""
    gz = name.endswith(".gz")
    stem, _, ext = (name[:-3] if gz else name).rpartition(".")
    if stem != export.DUMP_NAME or ext not in export.DUMP_FORMATS:
        raise Refusal.not_found(f"no dump named {name!r}; see /download/")
    return ext, gz


def _dump_response(name: str, ext: str, gz: bool, *, plain, compressed, cache_control: str) -> Response:
    """The dump ``name``: the ``.gz`` file as ``application/gzip``; else the dump in its media type,
    gzip-encoded when Accept-Encoding allows (RFC 9110 §12.5.3)."""
    if gz:
        data = compressed()
        response = Response(data, content_type="application/gzip")
    else:
        wants_gzip = "gzip" in request.accept_encodings and request.accept_encodings["gzip"] > 0
        data = compressed() if wants_gzip else plain()
        response = Response(data, content_type=content_type(export.DUMP_FORMATS[ext].media_type))
        response.headers["Vary"] = "Accept-Encoding"
        if wants_gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = cache_control
    response.set_etag(export.sha256(data)[:32] + ("-gz" if gz or response.headers.get("Content-Encoding") else ""))
    return response.make_conditional(request)


# -- sitemap and robots -----------------------------------------------------------------------------

@bp.get("/sitemap.xml")
def sitemap():
    settings, store, urls = get_settings(), get_store(), get_public_urls()

    def make():
        pages = ["", "ontology.html", "shapes.html"]
        pages += [f"list/{kind}" for kind in sorted(html_pages.kind_counts(store, settings.base_uri))]
        prefix = settings.base_uri + "id/"
        pages += [ld.doc_path(iri[len(prefix):], "html") for iri in ld.minted_subjects(store, settings.base_uri)]
        return templating.render("ld/sitemap.xml", urls=[urls.url(page) for page in pages])

    return Response(_cached(("sitemap", urls.root), make), content_type="application/xml; charset=utf-8")


@bp.get("/robots.txt")
def robots():
    urls = get_public_urls()
    body = ("User-agent: *\n"
            f"Allow: {urls.path()}\n"
            "# Query results and validation are computed per request: please do not crawl them.\n"
            f"Disallow: {urls.path('sparql')}\n"
            f"Disallow: {urls.path('validate')}\n"
            f"Sitemap: {urls.sitemap}\n")
    return Response(body, content_type="text/plain; charset=utf-8")


# -- ontology and shapes ----------------------------------------------------------------------------

def _vocab(kind: str, ext: str | None):
    from gcm_kg.web import vocab_pages

    settings, store, urls = get_settings(), get_store(), get_public_urls()
    ext, negotiated = _pick_extension(ext)

    def url_for_ext(e: str) -> str:
        return urls.path(f"{kind}.{e}")

    if ext == "html":
        lang = _lang()
        body = _cached((kind, "html", _page_key(lang)), lambda: vocab_pages.html(kind, store, settings, lang, url_for_ext))
        return _document(body, ext, negotiated=negotiated, url_for_ext=url_for_ext)
    doc_url = urls.url(f"{kind}.{ext}")  # /{kind} itself is the 303 alias of the vocabulary's IRI
    body = _cached((kind, ext, doc_url), lambda: ld.serialize(vocab_pages.triples(kind, store, settings, doc_url), ext,
                                        id_namespace=settings.base_uri + "id/"))
    return _document(body, ext, negotiated=negotiated, url_for_ext=url_for_ext)


def _vocab_redirect(kind: str, fragment: str = ""):
    ext, _ = _pick_extension(None)
    return _see_other(f"{kind}.{ext}" + (fragment if ext == "html" else ""), html=ext == "html")


@bp.get("/ontology")
def ontology():
    return _vocab_redirect("ontology")


@bp.get("/ontology/<path:rest>")
def ontology_version(rest: str):
    """The version IRI and the alignment modules (all in the ontology graph) lead to the ontology."""
    from gcm_kg.web import vocab_pages

    iri = get_settings().base_uri + "ontology/" + rest
    if not ld.is_iri(iri) or not vocab_pages.is_ontology_iri(get_store(), iri):
        return _not_found(iri)
    return _vocab_redirect("ontology")


@bp.get("/ontology.<ext>")
def ontology_document(ext: str):
    if ext not in ld.DOC_FORMATS:
        return _not_found(request.path)
    return _vocab("ontology", ext)


@bp.get("/shapes")
def shapes():
    return _vocab_redirect("shapes")


@bp.get("/shapes/<name>")
def shape(name: str):
    from gcm_kg.web import vocab_pages

    iri = get_settings().base_uri + "shapes/" + name
    if not ld.is_iri(iri) or not vocab_pages.is_shape_iri(get_store(), iri):
        return _not_found(iri)
    return _vocab_redirect("shapes", "#" + name)


@bp.get("/shapes.<ext>")
def shapes_document(ext: str):
    if ext not in ld.DOC_FORMATS:
        return _not_found(request.path)
    return _vocab("shapes", ext)


# -- validation -------------------------------------------------------------------------------------

@bp.route("/validate", methods=["GET", "POST"])
def validate():
    from gcm_kg.web.views import validate as validate_service

    return validate_service.handle(request, get_settings(), _lang())
