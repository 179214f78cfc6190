"""The dataset's releases: its version in the data, and cutting a new release.

The version is data: ``data/release.ttl``, written only by :func:`cut` (``gcm-kg release``), says
of ``gcm:dataset/gcm-kg`` what DCAT 3 §11 (versioning) asks of a versioned resource:
``dcat:version``, ``dct:issued`` and ``dct:modified`` (the release's date: the data changed last
in it), ``adms:versionNotes`` and, from the second release on, ``dcat:previousVersion``. Each
earlier release is ``gcm:dataset/gcm-kg/{version}``, a ``dcat:Dataset`` that ``dcat:isVersionOf``
the dataset, with its own version, date and notes, so the history stays in the graph.

Cutting a release writes that file first and then freezes the dumps of the shipped graph (which
now holds the new version) under ``releases/{version}/`` (:mod:`gcm_kg.rdf.releases`); it also
sets the version and date in ``CITATION.cff`` and ``.zenodo.json`` and opens the version's
section of ``CHANGELOG.md``. :func:`check` says whether the shipped graph still is the current
release: a change to the data without a new release fails the test suite.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from gcm_kg.core.namespaces import ADMS, DCAT, DCT, ID, PREFIXES, RDF_TYPE, XSD
from gcm_kg.rdf import export
from gcm_kg.rdf.releases import FrozenRelease, ReleaseError, published, version_key, write_release

DATASET = ID + "dataset/gcm-kg"
RELEASE_FILE = Path("data") / "release.ttl"
RELEASE_PREFIXES = {"dcat": DCAT, "dct": DCT, "adms": ADMS, "xsd": XSD, "rdf": PREFIXES["rdf"]}
_HEADER = ("# The dataset's releases (DCAT 3 versioning). Written by `gcm-kg release`: do not edit by hand,\n"
           "# cut a release instead (README, \"Releases\").\n\n")


@dataclass(frozen=True)
class ReleaseRecord:
    """What the graph says of one release."""

    version: str
    issued: str          # ISO date (xsd:date) of the release
    notes: str           # adms:versionNotes (English)
    previous: str | None = None   # the version before it


def version_iri(version: str, dataset: str = DATASET) -> str:
    """The IRI of an earlier release of ``dataset``."""
    return f"{dataset}/{version}"


def current(store, dataset: str = DATASET) -> ReleaseRecord | None:
    """The release the graph in ``store`` is (None when the graph states no version)."""
    rows = list(store.query(f"""
        PREFIX dcat: <{DCAT}> PREFIX dct: <{DCT}> PREFIX adms: <{ADMS}>
        SELECT ?version ?issued ?notes ?previous WHERE {{
          <{dataset}> dcat:version ?version .
          OPTIONAL {{ <{dataset}> dct:issued ?issued }}
          OPTIONAL {{ <{dataset}> adms:versionNotes ?notes }}
          OPTIONAL {{ <{dataset}> dcat:previousVersion/dcat:version ?previous }}
        }} LIMIT 1"""))
    if not rows:
        return None
    row = rows[0]
    return ReleaseRecord(row["version"].value, row["issued"].value if row["issued"] else "",
                         row["notes"].value if row["notes"] else "",
                         row["previous"].value if row["previous"] else None)


def history(path: Path) -> list[ReleaseRecord]:
    """Every release ``path`` (a ``release.ttl``) records, oldest first; empty when it does not exist."""
    if not path.is_file():
        return []
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.TURTLE)
    records = [ReleaseRecord(row["version"].value, row["issued"].value, row["notes"].value) for row in store.query(f"""
        PREFIX dcat: <{DCAT}> PREFIX dct: <{DCT}> PREFIX adms: <{ADMS}>
        SELECT ?version ?issued ?notes WHERE {{
          ?release dcat:version ?version ; dct:issued ?issued ; adms:versionNotes ?notes .
          FILTER(?release = <{DATASET}> || EXISTS {{ ?release dcat:isVersionOf <{DATASET}> }})
        }}""")]
    return sorted(records, key=lambda record: version_key(record.version))


def release_triples(records: list[ReleaseRecord], licence: str | None = None) -> list[ox.Triple]:
    """The statements of ``data/release.ttl`` for ``records`` (oldest first; the last is current).

    An earlier release is a dataset of its own (DCAT 3 versioning): it carries ``licence``, the
    dataset's, so that it says under what terms its frozen dumps may be used.
    """
    dataset = ox.NamedNode(DATASET)
    triples = []
    for number, record in enumerate(records):
        is_current = number == len(records) - 1
        subject = dataset if is_current else ox.NamedNode(version_iri(record.version))
        date = ox.Literal(record.issued, datatype=ox.NamedNode(XSD + "date"))
        triples += [ox.Triple(subject, ox.NamedNode(DCAT + "version"), ox.Literal(record.version)),
                    ox.Triple(subject, ox.NamedNode(DCT + "issued"), date),
                    ox.Triple(subject, ox.NamedNode(DCT + "modified"), date),
                    ox.Triple(subject, ox.NamedNode(ADMS + "versionNotes"), ox.Literal(record.notes, language="en"))]
        if not is_current:
            triples += [ox.Triple(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Dataset")),
                        ox.Triple(subject, ox.NamedNode(DCAT + "isVersionOf"), dataset),
                        ox.Triple(subject, ox.NamedNode(DCT + "title"), ox.Literal(f"gcm-kg {record.version}", language="en")),
                        ox.Triple(dataset, ox.NamedNode(DCAT + "hasVersion"), subject)]
            if licence:
                triples.append(ox.Triple(subject, ox.NamedNode(DCT + "license"), ox.NamedNode(licence)))
        if number:
            triples.append(ox.Triple(subject, ox.NamedNode(DCAT + "previousVersion"),
                                     ox.NamedNode(version_iri(records[number - 1].version))))
    return triples


@dataclass(frozen=True)
class ReleaseCheck:
    """Whether the graph is still the release it says it is."""

    version: str | None          # the version the graph states
    release: FrozenRelease | None  # its frozen folder, if published
    recorded: str | None         # SHA-256 of its canonical N-Quads dump as recorded
    actual: str                  # SHA-256 of the canonical N-Quads dump of the graph now

    @property
    def ok(self) -> bool:
        return self.recorded is not None and self.recorded == self.actual

    def explain(self) -> str:
        if self.version is None:
            return "the graph states no release version (data/release.ttl is missing): cut one with gcm-kg release"
        if self.release is None:
            return f"release {self.version} is stated in the data but has no frozen dumps under releases/{self.version}/"
        if self.ok:
            return f"the data are release {self.version} (gcm-kg.nq SHA-256 {self.actual})"
        return (f"the data differ from release {self.version} (its gcm-kg.nq has SHA-256 {self.recorded}, the "
                f"current data give {self.actual}): cut a new release with "
                f"gcm-kg release --version NEW --notes 'what changed' (README, \"Releases\")")


def _stated_version(quads: Iterable[ox.Quad]) -> str | None:
    for quad in quads:
        if quad.subject.value == DATASET and quad.predicate.value == DCAT + "version":
            return quad.object.value
    return None


def check(quads: list[ox.Quad], releases_root: Path | None = None) -> ReleaseCheck:
    """Compare the canonical N-Quads dump of ``quads`` with the recorded sum of the version they state."""
    version = _stated_version(quads)
    release = published(releases_root).get(version) if version else None
    recorded = release.recorded_sha256().get("gcm-kg.nq") if release else None
    return ReleaseCheck(version, release, recorded, export.sha256(export.dump_bytes(quads, "nq")))


def cut(version: str, notes: str, *, checkout: Path, quads_of: Callable[[], list[ox.Quad]],
        today: _dt.date | None = None) -> FrozenRelease:
    """Cut release ``version`` of the data in the source tree ``checkout`` (see the module docstring).

    ``quads_of`` reads the shipped graph from ``checkout`` (called after ``data/release.ttl`` is
    written). Raises :class:`ReleaseError` for a malformed version, one not above every published
    release, or empty notes; nothing is written then.
    """
    version_key(version)
    notes = " ".join(notes.split())
    if not notes:
        raise ReleaseError("give the release notes: what changed in the data, the vocabulary or the API")
    checkout = Path(checkout)
    releases_root = checkout / "releases"
    releases_root.mkdir(exist_ok=True)
    records = history(checkout / RELEASE_FILE)
    known = [record.version for record in records] + list(published(releases_root))
    newer = [v for v in known if version_key(v) >= version_key(version)]
    if newer:
        raise ReleaseError(f"release {version} must come after every earlier release ({', '.join(sorted(set(newer)))})")
    date = (today or _dt.datetime.now(_dt.timezone.utc).date()).isoformat()
    records.append(ReleaseRecord(version, date, notes))
    turtle = ox.serialize(sorted(release_triples(records, licence=_licence(quads_of())), key=str),
                          format=ox.RdfFormat.TURTLE, prefixes=RELEASE_PREFIXES)
    release_file = checkout / RELEASE_FILE
    before = release_file.read_bytes() if release_file.is_file() else None
    release_file.write_bytes(_HEADER.encode("utf-8") + turtle)
    try:
        release = write_release(version, quads_of(), releases_root)
    except BaseException:
        # No release folder, no record of it: the same command can run again.
        if before is None:
            release_file.unlink()
        else:
            release_file.write_bytes(before)
        raise
    _update_citation_files(checkout, version, date, notes)
    return release


def _licence(quads: list[ox.Quad], dataset: str = DATASET) -> str | None:
    """The dataset's dct:license as the shipped graph states it (None when it states none)."""
    subject, predicate = ox.NamedNode(dataset), ox.NamedNode(DCT + "license")
    return next((q.object.value for q in quads if q.subject == subject and q.predicate == predicate
                 and isinstance(q.object, ox.NamedNode)), None)


def _update_citation_files(checkout: Path, version: str, date: str, notes: str) -> None:
    """Set the version and date in ``CITATION.cff`` and ``.zenodo.json``; open the version's section
    of ``CHANGELOG.md`` with ``notes`` (under "Data") unless it has one."""
    cff = checkout / "CITATION.cff"
    if cff.is_file():
        text = cff.read_text("utf-8")
        text = re.sub(r"(?m)^version: .*$", f'version: "{version}"', text)
        text = re.sub(r"(?m)^date-released: .*$", f'date-released: "{date}"', text)
        cff.write_text(text, "utf-8")
    zenodo = checkout / ".zenodo.json"
    if zenodo.is_file():
        record = json.loads(zenodo.read_text("utf-8"))
        record.update(version=version, publication_date=date)
        zenodo.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", "utf-8")
    changelog = checkout / "CHANGELOG.md"
    if changelog.is_file():
        text = changelog.read_text("utf-8")
        if not re.search(rf"(?m)^## \[?{re.escape(version)}\]?", text):
            section = f"## [{version}] — {date}\n\n### Data\n\n- {notes}\n\n"
            first = re.search(r"(?m)^## ", text)
            at = first.start() if first else len(text)
            changelog.write_text(text[:at] + section + text[at:], "utf-8")
