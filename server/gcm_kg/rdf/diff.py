"""What changed between two dumps or releases: statements added and removed, grouped by entity.

Both sides are canonicalised first (:func:`gcm_kg.rdf.export.canonical`, RDFC-1.0), so blank
nodes compare by their structure, not their labels: an unchanged blank node is no change, and a
changed one shows as its old statements removed and its new ones added. A statement belongs to
the entity it is about: its subject when that is an IRI, else the IRI whose description reaches
the blank node (as a CBD would). Statements compare as quads when both sides name graphs
(N-Quads, TriG, releases), else as triples of the union graph.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from gcm_kg.core.namespaces import PREFIXES
from gcm_kg.rdf import export, formats
from gcm_kg.rdf.rdfio import RdfFileError, parse_bytes
from gcm_kg.rdf.releases import FrozenRelease, SUMS_FILE, VERSION_PATTERN, file_name, published

#: The named graphs of the RDF form of a diff (``urn:`` names: they name parts of this output only).
ADDED_GRAPH = "urn:gcm-kg:diff:added"
REMOVED_GRAPH = "urn:gcm-kg:diff:removed"


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its statements and whether they are quads."""

    name: str
    quads: list[ox.Quad]
    names_graphs: bool


def read_side(spec: str, releases_root: Path | None = None) -> Side:
    """A dump file (``.nt``, ``.ttl``, ``.jsonld``, ``.nq``, ``.trig``…, optionally ``.gz``), a
    release folder, or the version of a published release (``0.1.0``).

    Raises :class:`~gcm_kg.rdf.rdfio.RdfFileError` for what cannot be read."""
    path = Path(spec)
    if path.is_dir() and (path / SUMS_FILE).is_file():
        release = FrozenRelease(path.name, path)
    elif not path.exists() and VERSION_PATTERN.fullmatch(spec):
        release = published(releases_root).get(spec)
        if release is None:
            raise RdfFileError(spec, f"no file and no published release {spec} "
                                     f"(published: {', '.join(published(releases_root)) or 'none'})")
    else:
        release = None
    if release is not None:
        return Side(f"release {release.version}", parse_bytes(release.dump("nq"), ox.RdfFormat.N_QUADS,
                                                              name=str(release.folder / file_name("nq", gz=True))),
                    True)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RdfFileError(path, error.strerror or str(error)) from None
    inner = path.with_suffix("") if path.suffix == ".gz" else path
    fmt = formats.for_extension(inner.suffix) if inner.suffix else None
    if fmt is None or not fmt.is_graph:
        raise RdfFileError(path, f"unknown RDF file extension {inner.suffix!r} "
                                 f"(known: {', '.join('.' + e for f in formats.RDF for e in f.extensions)}, each also .gz)")
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise RdfFileError(path, f"not a gzip file ({error})") from None
    return Side(str(path), parse_bytes(data, fmt.oxigraph, name=str(path)), fmt.names_graphs)


@dataclass
class Diff:
    """Statements only in the new side (``added``) and only in the old (``removed``), by entity."""

    old: str
    new: str
    as_quads: bool
    added: dict[str, list[ox.Quad]] = field(default_factory=dict)
    removed: dict[str, list[ox.Quad]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.added and not self.removed

    def count(self, which: dict) -> int:
        return sum(len(statements) for statements in which.values())


def _owners(quads: list[ox.Quad]) -> dict[ox.BlankNode, str]:
    """Each blank node → the IRI whose description reaches it (through other blank nodes)."""
    parents: dict[ox.BlankNode, ox.NamedNode | ox.BlankNode] = {}
    for quad in quads:
        if isinstance(quad.object, ox.BlankNode) and quad.object != quad.subject:
            parents.setdefault(quad.object, quad.subject)
    owners = {}
    for node in parents:
        seen, current = {node}, parents[node]
        while isinstance(current, ox.BlankNode) and current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
        owners[node] = current.value if isinstance(current, ox.NamedNode) else str(current)
    return owners


def _grouped(statements: list[ox.Quad], side: list[ox.Quad]) -> dict[str, list[ox.Quad]]:
    owners = _owners(side)
    groups: dict[str, list[ox.Quad]] = defaultdict(list)
    for quad in statements:
        subject = quad.subject
        entity = subject.value if isinstance(subject, ox.NamedNode) else owners.get(subject, str(subject))
        groups[entity].append(quad)
    return dict(sorted(groups.items()))


def compare(old: Side, new: Side) -> Diff:
    """The :class:`Diff` from ``old`` to ``new``."""
    as_quads = old.names_graphs and new.names_graphs
    before = export.canonical(old.quads, keep_graphs=as_quads)
    after = export.canonical(new.quads, keep_graphs=as_quads)
    before_set, after_set = set(before), set(after)
    return Diff(old.name, new.name, as_quads,
                added=_grouped([q for q in after if q not in before_set], after),
                removed=_grouped([q for q in before if q not in after_set], before))


def _statement(quad: ox.Quad, as_quads: bool) -> str:
    graph = f" {quad.graph_name}" if as_quads and not isinstance(quad.graph_name, ox.DefaultGraph) else ""
    return f"{quad.subject} {quad.predicate} {quad.object}{graph} ."


def as_text(diff: Diff) -> str:
    """A readable report: a summary line, then per entity its removed (``-``) and added (``+``)
    statements in N-Triples (N-Quads when statements compare as quads) syntax."""
    entities = sorted(set(diff.added) | set(diff.removed))
    lines = [f"--- {diff.old}", f"+++ {diff.new}",
             f"{diff.count(diff.added)} statements added, {diff.count(diff.removed)} removed, "
             f"in {len(entities)} entities" + ("" if diff.as_quads else " (compared as triples of the union graph)")]
    for entity in entities:
        lines.append("")
        lines.append(f"<{entity}>" if not entity.startswith("_:") else entity)
        lines += [f"  - {_statement(q, diff.as_quads)}" for q in diff.removed.get(entity, [])]
        lines += [f"  + {_statement(q, diff.as_quads)}" for q in diff.added.get(entity, [])]
    return "\n".join(lines) + "\n"


def as_rdf(diff: Diff) -> bytes:
    """The diff as TriG: the added triples in the graph :data:`ADDED_GRAPH`, the removed ones in
    :data:`REMOVED_GRAPH` (a statement that moved between graphs is in both)."""
    quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
             for graph, groups in ((ADDED_GRAPH, diff.added), (REMOVED_GRAPH, diff.removed))
             for statements in groups.values() for q in statements]
    return ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
