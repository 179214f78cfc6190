"""The dataset description: one source of truth served as VoID and DCAT.

The static part is what ``data/dataset.ttl`` says about ``gcm:dataset/gcm-kg`` (title, licence,
sources, publisher…). To it this module adds what is computed from the store, once per process
(the data are read-only while served):

* VoID statistics: ``void:triples``, ``void:entities`` (IRIs minted under ``{base}id/`` that are
  subjects), ``void:classes``, ``void:properties``, ``void:distinctSubjects``,
  ``void:distinctObjects``, a ``void:classPartition`` per class, a ``void:propertyPartition`` per
  property and a ``void:subset`` per named graph;
* access: ``void:sparqlEndpoint``, ``void:uriSpace``, ``void:rootResource``, ``void:dataDump`` and a
  ``dcat:Distribution`` per dump with ``dcat:byteSize`` and an ``spdx:checksum`` (SHA-256), and
  one per frozen dump of each release (``/download/{version}/…``, :mod:`gcm_kg.services.releases`);
* the SHACL result: a ``dqv:QualityAnnotation`` that is also a ``sh:ValidationReport`` with
  ``sh:conforms``, the number of results and ``prov:generatedAtTime``; when the data conform the
  dataset also ``dct:conformsTo`` the shapes.

Every URL in it (endpoint, landing page, dumps) comes from the :class:`PublicUrls` the caller
passes; :class:`Publication` also holds the dumps.
"""

from __future__ import annotations

import datetime as _dt
import threading
import weakref
from dataclasses import dataclass

import pyoxigraph as ox

from gcm_kg.rdf import export, releases as frozen
from gcm_kg.services import releases
from gcm_kg.core.namespaces import ADMS, DCAT, DCT, DQV, GRAPH, OA, PREFIXES, PROV, SH, VOID, XSD
from gcm_kg.core.public_urls import PublicUrls

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
SPDX = "http://spdx.org/rdf/terms#"
IANA = "https://www.iana.org/assignments/media-types/"

#: Prefixes of the VoID document (namespaces.PREFIXES plus the few used only here).
VOID_PREFIXES = {**PREFIXES, "spdx": SPDX, "dqv": DQV, "adms": ADMS}


def dataset_iri(settings) -> str:
    return settings.base_uri + "id/dataset/gcm-kg"


@dataclass
class ValidationSummary:
    conforms: bool
    results: int
    generated: _dt.datetime


class Publication:
    """What is computed once per process for a store: dumps, their checksums, statistics, SHACL."""

    def __init__(self, store):
        self.store = store
        self._lock = threading.Lock()
        self._dumps: dict[str, bytes] = {}
        self._gz: dict[str, bytes] = {}
        self._stats: list[tuple[str, object]] | None = None
        self._releases: list[tuple[str, dict[str, bytes]]] | None = None
        self._validation: ValidationSummary | None | bool = False  # False: not run yet

    # -- dumps ----------------------------------------------------------------------------------
    def dump(self, fmt: str) -> bytes:
        with self._lock:
            if fmt not in self._dumps:
                self._dumps[fmt] = export.dump_bytes(export.store_quads(self.store), fmt)
            return self._dumps[fmt]

    def dump_gz(self, fmt: str) -> bytes:
        data = self.dump(fmt)
        with self._lock:
            if fmt not in self._gz:
                self._gz[fmt] = export.gzip_bytes(data)
            return self._gz[fmt]

    def dumps(self, urls: PublicUrls) -> list[dict]:
        """One entry per dump: name, link (``href``) and URL, media type, byte size and SHA-256
        (plain and gzipped)."""
        out = []
        for ext in export.DUMP_FORMATS:
            gz = self.dump_gz(ext)
            out.append({**_dump_entry(urls, "", ext, self.dump(ext)), "gz_bytes": len(gz), "gz_sha256": export.sha256(gz)})
        return out

    def releases(self, urls: PublicUrls) -> list[dict]:
        """One entry per published release, newest first: its version and, per dump, the entry
        :meth:`dumps` gives, for the frozen file at ``/download/{version}/``."""
        with self._lock:
            if self._releases is None:
                self._releases = [(release.version, {ext: release.dump(ext) for ext in export.DUMP_FORMATS})
                                  for release in reversed(frozen.published().values())]
        return [{"version": version, "dumps": [_dump_entry(urls, f"{version}/", ext, data) for ext, data in files.items()]}
                for version, files in self._releases]

    # -- statistics -----------------------------------------------------------------------------
    def statistics(self, base_uri: str) -> dict:
        with self._lock:
            if self._stats is None:
                self._stats = _statistics(self.store, base_uri)
            return self._stats

    # -- SHACL ----------------------------------------------------------------------------------
    def validation(self) -> ValidationSummary | None:
        """The SHACL result of the served data against the served shapes (None: no validator)."""
        with self._lock:
            if self._validation is False:
                self._validation = _validate(self.store)
            return self._validation


def _dump_entry(urls: PublicUrls, folder: str, ext: str, data: bytes) -> dict:
    """A dump at ``download/{folder}gcm-kg.{ext}``: name, link (``href``) and URL, media type, byte
    size and SHA-256."""
    spec = export.DUMP_FORMATS[ext]
    name = f"{export.DUMP_NAME}.{ext}"
    return {"name": name, "href": urls.path(f"download/{folder}{name}"), "url": urls.dump(folder + name),
            "format": ext, "media_type": spec.media_type, "label": spec.label,
            "bytes": len(data), "size": _human_size(len(data)), "sha256": export.sha256(data)}


_publications: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_publications_lock = threading.Lock()


def publication(store) -> Publication:
    """The :class:`Publication` of ``store`` (one per store per process)."""
    with _publications_lock:
        pub = _publications.get(store)
        if pub is None:
            pub = _publications[store] = Publication(store)
        return pub


def _count(store, query: str) -> int:
    return int(next(iter(store.query(query)))["n"].value)


def _statistics(store, base_uri: str) -> dict:
    prefix = ox.Literal(base_uri + "id/")
    return {
        "triples": store.counts().triples,
        "entities": _count(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o . "
                                  f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), {prefix})) }}"),
        "classes": _count(store, "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?s a ?c }"),
        "properties": _count(store, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }"),
        "distinctSubjects": _count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"),
        "distinctObjects": _count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"),
        "class_partitions": sorted((r["c"].value, int(r["n"].value)) for r in store.query(
            "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c . FILTER(isIRI(?c)) } GROUP BY ?c")),
        "property_partitions": sorted((r["p"].value, int(r["n"].value)) for r in store.query(
            "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")),
        "graphs": sorted(store.counts().graphs.items()),
    }


def _validate(store) -> ValidationSummary | None:
    """Run the project's SHACL validation (the same engine as ``gcm-kg validate``) on the store."""
    try:
        from gcm_kg.services import validation
    except ModuleNotFoundError as error:
        if error.name != f"{__package__}.validation":
            raise
        return None
    import rdflib

    # The served data: every graph but the shapes and the canned queries, as `gcm-kg validate`
    # (without files) validates the shipped ontology and data.
    skip = " ".join(f"<{GRAPH}{g}>" for g in ("shapes", "queries"))
    query = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({skip.replace(' ', ', ')})) }}"
    # (no local name for the results: pyoxigraph results must be freed on the thread that made them)
    data = ox.serialize([ox.Triple(r["s"], r["p"], r["o"]) for r in store.query(query)], format=ox.RdfFormat.N_TRIPLES)
    graph = rdflib.Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    result = validation.validate(graph, reference=None)
    return ValidationSummary(bool(result.conforms), len(result.results),
                             _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0))


def _human_size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)  # pragma: no cover


def _lit(value, datatype: str | None = None) -> ox.Literal:
    if datatype:
        return ox.Literal(str(value), datatype=ox.NamedNode(datatype))
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(str(value))


def void_triples(store, settings, urls: PublicUrls, *, with_validation: bool = True) -> list[ox.Triple]:
    """The VoID + DCAT description of the dataset: the static part from ``data/dataset.ttl`` plus the
    computed statistics, access points, distributions and SHACL result (see the module docstring),
    with the public URLs of ``urls``.
    """
    pub = publication(store)
    ds = ox.NamedNode(dataset_iri(settings))
    triples: list[ox.Triple] = store.describe(ds.value)

    def add(s, p, o):
        triples.append(ox.Triple(s, ox.NamedNode(p) if isinstance(p, str) else p, o))

    have = {(t.predicate.value, t.object) for t in triples if t.subject == ds}
    for cls in (VOID + "Dataset", DCAT + "Dataset"):
        if (RDF_TYPE.value, ox.NamedNode(cls)) not in have:
            add(ds, RDF_TYPE, ox.NamedNode(cls))
    if not any(p == DCT + "title" for p, _ in have):
        add(ds, DCT + "title", ox.Literal("gcm-kg", language="en"))

    stats = pub.statistics(settings.base_uri)
    for key in ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects"):
        add(ds, VOID + key, _lit(stats[key]))
    for cls, n in stats["class_partitions"]:
        part = ox.BlankNode()
        add(ds, VOID + "classPartition", part)
        add(part, VOID + "class", ox.NamedNode(cls))
        add(part, VOID + "entities", _lit(n))
    for prop, n in stats["property_partitions"]:
        part = ox.BlankNode()
        add(ds, VOID + "propertyPartition", part)
        add(part, VOID + "property", ox.NamedNode(prop))
        add(part, VOID + "triples", _lit(n))
    for graph, n in stats["graphs"]:
        sub = ox.NamedNode(graph)
        add(ds, VOID + "subset", sub)
        add(sub, RDF_TYPE, ox.NamedNode(VOID + "Dataset"))
        add(sub, VOID + "triples", _lit(n))
    vocabularies = sorted({ns for ns in PREFIXES.values() for p, _ in stats["property_partitions"]
                           if p.startswith(ns)})
    for ns in vocabularies:
        if (VOID + "vocabulary", ox.NamedNode(ns)) not in have:
            add(ds, VOID + "vocabulary", ox.NamedNode(ns))

    service = ox.NamedNode(urls.endpoint)
    add(ds, VOID + "sparqlEndpoint", service)
    stated = {p for p, _ in have}
    if VOID + "uriSpace" not in stated:
        add(ds, VOID + "uriSpace", ox.Literal(settings.base_uri + "id/"))
    if VOID + "rootResource" not in stated:
        add(ds, VOID + "rootResource", ox.NamedNode(settings.base_uri + "id/compact/gcm"))
    if VOID + "exampleResource" not in stated:
        add(ds, VOID + "exampleResource", ox.NamedNode(settings.base_uri + "id/objective/9"))
    add(ds, DCAT + "landingPage", ox.NamedNode(urls.root))
    licences = [t.object for t in triples if t.subject == ds and t.predicate.value == DCT + "license"]

    def distribution(dataset, dump: dict, title: str) -> None:
        url = ox.NamedNode(dump["url"])
        add(dataset, DCAT + "distribution", url)
        add(url, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
        add(url, DCT + "title", ox.Literal(title, language="en"))
        add(url, DCAT + "downloadURL", url)
        add(url, DCAT + "accessURL", url)
        add(url, DCAT + "mediaType", ox.NamedNode(IANA + dump["media_type"]))
        add(url, DCAT + "byteSize", _lit(dump["bytes"], XSD + "nonNegativeInteger"))
        checksum = ox.BlankNode()
        add(url, SPDX + "checksum", checksum)
        add(checksum, RDF_TYPE, ox.NamedNode(SPDX + "Checksum"))
        add(checksum, SPDX + "algorithm", ox.NamedNode(SPDX + "checksumAlgorithm_sha256"))
        add(checksum, SPDX + "checksumValue", _lit(dump["sha256"], XSD + "hexBinary"))
        for licence in licences:
            add(url, DCT + "license", licence)

    for dump in pub.dumps(urls):
        add(ds, VOID + "dataDump", ox.NamedNode(dump["url"]))
        distribution(ds, dump, f"gcm-kg as {dump['label']}")
    # Each release's frozen dumps (README "Releases"): the current release's are distributions of
    # the dataset itself, an earlier release's of that release (dcat:isVersionOf the dataset).
    current = releases.current(store, ds.value)
    for release in pub.releases(urls):
        version = release["version"]
        holder = ds if current and current.version == version else ox.NamedNode(releases.version_iri(version, ds.value))
        for dump in release["dumps"]:
            distribution(holder, dump, f"gcm-kg {version} as {dump['label']} (frozen)")
    dist = ox.NamedNode(urls.endpoint + "#distribution")
    add(ds, DCAT + "distribution", dist)
    add(dist, RDF_TYPE, ox.NamedNode(DCAT + "Distribution"))
    add(dist, DCAT + "accessURL", service)
    add(dist, DCAT + "accessService", service)
    add(service, RDF_TYPE, ox.NamedNode(DCAT + "DataService"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCT + "conformsTo", ox.NamedNode("https://www.w3.org/TR/sparql11-protocol/"))
    add(service, DCAT + "servesDataset", ds)

    shapes = ox.NamedNode(settings.base_uri + "shapes")
    summary = pub.validation() if with_validation else None
    if summary is not None:
        report = ox.NamedNode(urls.void + "#shacl-report")
        add(ds, DQV + "hasQualityAnnotation", report)
        add(report, RDF_TYPE, ox.NamedNode(DQV + "QualityAnnotation"))
        add(report, RDF_TYPE, ox.NamedNode(SH + "ValidationReport"))
        add(report, OA + "hasTarget", ds)
        add(report, OA + "motivatedBy", ox.NamedNode(DQV + "qualityAssessment"))
        add(report, SH + "conforms", _lit(summary.conforms))
        add(report, DCT + "source", shapes)
        add(report, PROV + "generatedAtTime", _lit(summary.generated.isoformat(), XSD + "dateTime"))
        add(report, PREFIXES["rdfs"] + "comment",
            ox.Literal(f"SHACL validation of the served data against {shapes.value}: "
                       f"{'conforms' if summary.conforms else 'does not conform'} "
                       f"({summary.results} results)", language="en"))
        if summary.conforms:
            add(ds, DCT + "conformsTo", shapes)
    return triples


def void_quads(store, settings, urls: PublicUrls) -> list[ox.Quad]:
    """:func:`void_triples` as quads in the default graph."""
    return [ox.Quad(t.subject, t.predicate, t.object) for t in void_triples(store, settings, urls)]


def summary(store, settings) -> dict:
    """Title, description and licence of the dataset for the landing page (language-neutral)."""
    ds = dataset_iri(settings)
    info = {"iri": ds, "title": None, "description": None, "license": None, "license_label": None}
    for row in store.query(f"""SELECT ?p ?o WHERE {{ <{ds}> ?p ?o }}"""):
        p, o = row["p"].value, row["o"]
        if p == DCT + "title" and (info["title"] is None or getattr(o, "language", None) == "en"):
            info["title"] = o.value
        elif p == DCT + "description" and (info["description"] is None or getattr(o, "language", None) == "en"):
            info["description"] = o.value
        elif p == DCT + "license":
            info["license"] = o.value
            info["license_label"] = _licence_label(o.value)
    if info["title"] is None:
        info["title"] = "gcm-kg: a knowledge graph of the Global Compact for Migration"
        info["iri"] = None
    return info


def _licence_label(iri: str) -> str:
    known = {"https://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
             "http://creativecommons.org/licenses/by/4.0/": "CC BY 4.0",
             "https://creativecommons.org/publicdomain/zero/1.0/": "CC0 1.0"}
    return known.get(iri, iri)
