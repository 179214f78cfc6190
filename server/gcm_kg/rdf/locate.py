"""Where a subject is described in an RDF file: line and column, for reports that point at text.

rdflib and pyoxigraph hand out triples without positions, so this module reads the source text
itself, just far enough to find each subject where a statement starts:

* **Turtle, TriG, N-Triples, N-Quads**: a tokenizer for the common Turtle grammar (RDF 1.1
  Turtle §6.5, TriG §5.4, which N-Triples and N-Quads are subsets of) that resolves prefixed
  names and relative IRIs as the parser does. A subject is the first term of a statement (after
  a ``.`` or at the start of a TriG graph block); a term followed by ``{`` names a graph and is no
  subject. Labelled blank nodes are found as ``_:label``; anonymous ones (``[ … ]``) have no
  text of their own, so callers locate them by the named subject that encloses them.
* **JSON-LD**: a node object with an ``@id`` written as an absolute IRI and at least one other
  member. ``@id`` values that need the ``@context`` (compact IRIs, relative IRIs, keyword
  aliases) are not resolved here.
* **RDF/XML**: the ``rdf:about`` attribute of a node element, when it is an absolute IRI (no
  entity references, no ``xml:base``).

For JSON-LD and RDF/XML the file is also parsed, so :meth:`SubjectIndex.describes` can say "this
file describes it, at a position we cannot tell" rather than guess one. Files are read only when
asked, and an index is kept for as long as the file is unchanged.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

import pyoxigraph as ox

from gcm_kg.rdf import rdfio

__all__ = ["Position", "SubjectIndex", "index_text", "index_file"]

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@dataclass(frozen=True)
class Position:
    """A 1-based line and column (columns count Unicode code points)."""

    line: int
    column: int


@dataclass
class SubjectIndex:
    """The first position at which each subject of one file is described.

    Keys are IRIs, or ``_:label`` for labelled blank nodes. ``parsed_subjects`` is set for
    formats whose positions are found only in part (JSON-LD, RDF/XML): every IRI subject the
    parser found in the file.
    """

    subjects: dict[str, Position] = field(default_factory=dict)
    parsed_subjects: frozenset[str] | None = None

    def find(self, key: str) -> Position | None:
        return self.subjects.get(key)

    def describes(self, key: str) -> bool:
        """Whether the file describes ``key`` as a subject, with a known position or not."""
        return key in self.subjects or (self.parsed_subjects is not None and key in self.parsed_subjects)


class _Lines:
    """Offsets → (line, column), by a binary search over the offsets where lines start."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer(r"\r\n|\n|\r", text)]

    def position(self, offset: int) -> Position:
        line = bisect.bisect_right(self.starts, offset)
        return Position(line, offset - self.starts[line - 1] + 1)


# -- Turtle family ----------------------------------------------------------------------------

_NAME_START = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_NAME_CHAR = _NAME_START + r"_\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PREFIX = rf"(?:[{_NAME_START}](?:[{_NAME_CHAR}.]*[{_NAME_CHAR}])?)?"
_LOCAL_CHAR = rf"(?:[{_NAME_CHAR}:]|%[0-9A-Fa-f]{{2}}|\\[-_~.!$&'()*+,;=/?#@%])"
_LOCAL = rf"(?:{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?)?"

_TOKEN = re.compile(rf"""
    (?P<space>\s+|\#[^\r\n]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*')
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{{4}}|\\U[0-9A-Fa-f]{{8}})*>)
  | (?P<bnode>_:[{_NAME_CHAR}](?:[{_NAME_CHAR}.]*[{_NAME_CHAR}])?)
  | (?P<pname>{_PREFIX}:{_LOCAL})
  | (?P<at>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z][A-Za-z0-9_-]*)
  | (?P<number>[+-]?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
  | (?P<punct>\^\^|[.;,\[\](){{}}])
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LOCAL_ESCAPE = re.compile(r"\\(.)")


def _resolve(iri: str, base: str | None) -> str | None:
    if _ABSOLUTE.match(iri):
        return iri
    return urljoin(base, iri) if base else None


def _iri_value(token: str, base: str | None) -> str | None:
    text = _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), token[1:-1])
    return _resolve(text, base)


def _index_turtle(text: str) -> SubjectIndex:
    """Subjects of Turtle, TriG, N-Triples or N-Quads text (the statement structure only)."""
    lines = _Lines(text)
    found: dict[str, int] = {}
    prefixes: dict[str, str] = {}
    base: str | None = None
    tokens = [(m.lastgroup, m.group(), m.start()) for m in _TOKEN.finditer(text) if m.lastgroup != "space"]
    expect_subject = True
    depth = 0
    i = 0
    while i < len(tokens):
        kind, value, offset = tokens[i]
        lowered = value.lower()
        if kind == "at" and lowered in ("@prefix", "@base") or kind == "word" and lowered in ("prefix", "base"):
            # @prefix p: <iri> .  |  PREFIX p: <iri>  |  @base <iri> .  |  BASE <iri>
            if lowered.endswith("prefix") and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
                resolved = _iri_value(tokens[i + 2][1], base)
                if resolved:
                    prefixes[tokens[i + 1][1][:-1]] = resolved
                i += 3
            elif lowered.endswith("base") and i + 1 < len(tokens) and tokens[i + 1][0] == "iri":
                base = _iri_value(tokens[i + 1][1], base) or base
                i += 2
            else:
                i += 1
            expect_subject = True
            continue
        if kind == "word" and lowered == "graph":   # TriG: GRAPH <name> { … }
            i += 2
            continue
        if kind == "punct":
            if value in "[(":
                depth += 1
                expect_subject = False
            elif value in "])":
                depth = max(depth - 1, 0)
            elif value in "{}" or value == "." and depth == 0:
                expect_subject = True
        elif expect_subject and depth == 0 and kind in ("iri", "pname", "bnode"):
            expect_subject = False
            if i + 1 < len(tokens) and tokens[i + 1][1] == "{":   # a TriG graph name
                i += 1
                continue
            key = _term_key(kind, value, prefixes, base)
            if key is not None and key not in found:
                found[key] = offset
        else:
            expect_subject = False if depth == 0 and kind != "other" else expect_subject
        i += 1
    return SubjectIndex({key: lines.position(offset) for key, offset in found.items()})


def _term_key(kind: str, value: str, prefixes: dict[str, str], base: str | None) -> str | None:
    if kind == "iri":
        return _iri_value(value, base)
    if kind == "bnode":
        return value
    prefix, _, local = value.partition(":")
    if prefix not in prefixes:
        return None
    return prefixes[prefix] + _LOCAL_ESCAPE.sub(r"\1", local)


# -- JSON-LD ----------------------------------------------------------------------------------

_JSON_TOKEN = re.compile(r'\s+|(?P<string>"(?:[^"\\]|\\.)*")|(?P<punct>[{}\[\]:,])|(?P<scalar>[^\s{}\[\]:,"]+)')


def _index_json_ld(text: str) -> dict[str, int]:
    """Node objects ``{"@id": "<absolute IRI>", …}`` with at least one other member."""
    found: dict[str, int] = {}
    # One frame per open object: [its @id, the @id's offset, how many other members, expecting a key]
    stack: list[list] = []
    pending_key: str | None = None
    for m in _JSON_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        token = m.group()
        frame = stack[-1] if stack and isinstance(stack[-1], list) else None
        if token == "{":
            stack.append([None, 0, 0])
            pending_key = None
        elif token == "[":
            stack.append("array")
        elif token in "}]" and stack:
            closed = stack.pop()
            if isinstance(closed, list) and closed[0] and closed[2] and _ABSOLUTE.match(closed[0]):
                found.setdefault(closed[0], closed[1])
            pending_key = None
        elif token == ":":
            continue
        elif token == ",":
            pending_key = None
        elif frame is not None and pending_key is None:
            pending_key = json.loads(token) if kind == "string" else token
            if pending_key not in ("@id", "@context"):
                frame[2] += 1
        elif frame is not None and pending_key == "@id" and kind == "string":
            frame[0], frame[1] = json.loads(token), m.start()
            pending_key = None
        else:
            pending_key = None
    return found


# -- RDF/XML ----------------------------------------------------------------------------------

_XMLNS = re.compile(r"""xmlns:([A-Za-z_][\w.\-]*)\s*=\s*(["'])(.*?)\2""")
_ABOUT = re.compile(r"""\s([A-Za-z_][\w.\-]*):about\s*=\s*(["'])(.*?)\2""", re.DOTALL)
_XML_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_XML_REFERENCE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);")
_XML_OTHER_ENTITY = re.compile(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _xml_character(m: re.Match) -> str:
    name = m.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _XML_PREDEFINED[name]


def _index_rdf_xml(text: str) -> dict[str, int]:
    """``rdf:about`` values that are absolute IRIs, for any prefix bound to the RDF namespace."""
    rdf_prefixes = {m.group(1) for m in _XMLNS.finditer(text) if m.group(3) == RDF_NS}
    found: dict[str, int] = {}
    for m in _ABOUT.finditer(text):
        if m.group(1) not in rdf_prefixes:
            continue
        raw = m.group(3)
        if _XML_OTHER_ENTITY.search(raw):   # entities of a DTD: not resolved here
            continue
        value = _XML_REFERENCE.sub(_xml_character, raw)
        if not _ABSOLUTE.match(value):   # relative to xml:base: not resolved here
            continue
        found.setdefault(value, max(text.rfind("<", 0, m.start()), 0))   # the node element's start
    return found


# -- entry points -----------------------------------------------------------------------------

_TURTLE_FAMILY = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)


def index_text(text: str, fmt: ox.RdfFormat, *, parsed_subjects: frozenset[str] | None = None) -> SubjectIndex:
    """Where each subject of ``text`` (in format ``fmt``) is first described.

    ``parsed_subjects`` (the IRI subjects a parser found) is kept for formats located in part.
    """
    if fmt in _TURTLE_FAMILY:
        return _index_turtle(text)
    finder = {ox.RdfFormat.JSON_LD: _index_json_ld, ox.RdfFormat.RDF_XML: _index_rdf_xml}.get(fmt)
    if finder is None:
        return SubjectIndex(parsed_subjects=parsed_subjects or frozenset())
    lines = _Lines(text)
    # A position counts only for a subject the parser found: "schema:x" looks like an absolute
    # IRI but may be a compact IRI of the JSON-LD context.
    return SubjectIndex({key: lines.position(offset) for key, offset in finder(text).items()
                         if parsed_subjects is None or key in parsed_subjects},
                        parsed_subjects=parsed_subjects or frozenset())


def index_file(path: Path | str) -> SubjectIndex:
    """:func:`index_text` of the file at ``path`` (cached while the file is unchanged).

    Raises :class:`gcm_kg.rdf.rdfio.RdfFileError` when the file cannot be read.
    """
    path = Path(path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise rdfio.RdfFileError(path, error.strerror or str(error)) from None
    return _cached_index(str(path), stamp)


@lru_cache(maxsize=64)
def _cached_index(path: str, _stamp: int) -> SubjectIndex:
    fmt = rdfio.rdf_format_for(Path(path))
    text = Path(path).read_bytes().decode("utf-8", "replace")
    parsed = None
    if fmt not in _TURTLE_FAMILY:
        parsed = frozenset(q.subject.value for q in rdfio.read_quads(Path(path))
                           if isinstance(q.subject, ox.NamedNode))
    return index_text(text, fmt, parsed_subjects=parsed)
