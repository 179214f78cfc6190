"""The one SPARQL lexer: the terminals of SPARQL 1.1 Query §19.8 as regular expressions, and the
readings of a query text built on them.

* :func:`tokens` — the tokens of a query, with strings and comments delimited exactly as the
  grammar delimits them (§19.8 string terminals, §19.4 comments), so that a keyword inside a
  literal, an IRI or a comment is never taken for one;
* :func:`read_prologue` — the ``BASE`` / ``PREFIX`` declarations that open a query (grammar [4]),
  with every IRI resolved as the engine resolves it (RFC 3986 §5.2, :func:`resolve_iri`);
* :func:`dataset_clauses` / :func:`names_its_dataset` — its ``FROM`` / ``FROM NAMED`` clauses;
* :func:`service_calls` — the endpoints its ``SERVICE`` patterns call.

The engine behind the service is pyoxigraph, and where it reads a query otherwise than a
longest-match tokenizer would, this module follows the engine (each case is checked against it
in ``tests/sparql/test_lexer.py``): ``\\u`` / ``\\U`` escapes are decoded inside IRIs and strings
only (not elsewhere, unlike SPARQL 1.1 §19.2), and a keyword is read even when glued to what
follows it (``SERVICE:x`` is ``SERVICE`` then ``:x``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

# -- terminals (SPARQL 1.1 Query §19.8) ------------------------------------------------------------
#: WS ::= #x20 | #x9 | #xD | #xA — other Unicode spaces are not whitespace in SPARQL.
WS = r"[ \t\r\n]"
#: §19.4: '#' outside an IRI or a string, to the end of the line (#x0D or #x0A) or of the text.
#: (The '#' is escaped so that the pattern also holds in re.VERBOSE patterns.)
COMMENT = r"\#[^\r\n]*+"
#: Whitespace and comments between tokens (possessive: linear in the text's length).
SKIP = rf"(?:{WS}++|{COMMENT})*+"
HEX = r"[0-9A-Fa-f]"
UCHAR = rf"\\u{HEX}{{4}}|\\U{HEX}{{8}}"
#: A character of an IRIREF as written: not <>"{}|^`\ nor a control character or space.
IRI_CHAR = r'[^<>"{}|^`\\\x00-\x20]'
# Repetitions are written as runs of plain characters between the special ones, which Python's
# matcher runs many times faster than a repeated alternation of single characters.
IRIREF = rf"<{IRI_CHAR}*+(?:(?:{UCHAR}){IRI_CHAR}*+)*+>"
_ESCAPE = rf"""\\[tbnrf"'\\]|{UCHAR}"""  # ECHAR, and UCHAR as the engine reads it inside strings
# In a long string, a run of one or two quotes is followed by something else than a quote
# (STRING_LITERAL_LONG2 ::= '"""' ( ( '"' | '""' )? ( [^"\] | ECHAR ) )* '"""').
STRING = (rf'"""[^"\\]*+(?:(?:{_ESCAPE}|""?(?!"))[^"\\]*+)*+"""'
          rf"|'''[^'\\]*+(?:(?:{_ESCAPE}|''?(?!'))[^'\\]*+)*+'''"
          rf'|"[^"\\\r\n]*+(?:(?:{_ESCAPE})[^"\\\r\n]*+)*+"'
          rf"|'[^'\\\r\n]*+(?:(?:{_ESCAPE})[^'\\\r\n]*+)*+'")
_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
                  "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
VAR = rf"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = rf"%{HEX}{HEX}|\\[_~.\-!$&'()*+,;=/?#@%]"
PN_LOCAL = rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
PNAME = rf"(?:{PN_PREFIX})?:(?:{PN_LOCAL})?"  # PNAME_LN or PNAME_NS
BLANK_NODE_LABEL = rf"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_EXPONENT = r"[eE][+-]?[0-9]+"
NUMBER = rf"[0-9]+\.[0-9]*{_EXPONENT}|\.?[0-9]+{_EXPONENT}|[0-9]*\.[0-9]+|[0-9]+"  # unsigned: a sign is an operator
LANGTAG = r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*"
#: Keywords and function names (``SELECT``, ``a``, ``GROUP_CONCAT``, ``SHA256``…).
WORD = r"[A-Za-z][A-Za-z0-9_]*+"

# Alternatives in the order a token is tried at each position: an IRIREF before '<' the
# operator, long strings before short ones, a prefixed name before a keyword.
_TOKEN = re.compile(
    rf"(?P<skip>{WS}++|{COMMENT})|(?P<iri>{IRIREF})|(?P<string>{STRING})|(?P<var>{VAR})"
    rf"|(?P<bnode>{BLANK_NODE_LABEL})|(?P<pname>{PNAME})|(?P<number>{NUMBER})|(?P<word>{WORD})"
    rf"|(?P<langtag>{LANGTAG})|(?P<punct>.)", re.DOTALL)
_PNAME_RE = re.compile(PNAME)
_LOCAL_ESCAPE = re.compile(r"\\(.)")
_UCHAR_RE = re.compile(rf"\\u({HEX}{{4}})|\\U({HEX}{{8}})")


class Token(NamedTuple):
    """One token: ``kind`` is ``iri``, ``string``, ``var``, ``bnode``, ``pname``, ``number``,
    ``word`` (a keyword, ``a``, ``true``…), ``langtag`` or ``punct`` (one character, including a
    character no terminal starts with); ``text`` is the source text; ``start`` its offset."""

    kind: str
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def iri(self) -> str:
        """An ``iri`` token's IRI as the engine reads it: without ``<>``, escapes decoded, unresolved."""
        return unescape_iri(self.text[1:-1])


def tokens(query: str, start: int = 0) -> Iterator[Token]:
    """The tokens of ``query`` from offset ``start``; whitespace and comments are skipped."""
    for match in _TOKEN.finditer(query, start):
        kind = match.lastgroup
        if kind != "skip":
            yield Token(kind, match.group(), match.start())


def unescape_iri(text: str) -> str:
    """An IRIREF's text with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded, as the engine reads it."""
    if "\\" not in text:
        return text

    def decode(match):
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return _UCHAR_RE.sub(decode, text)


# -- IRI resolution (RFC 3986 §5.2) -----------------------------------------------------------------
_IRI_PARTS = re.compile(r"(?:([^:/?#]+):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?", re.DOTALL)  # §B
_SCHEME_PATTERN = r"[A-Za-z][A-Za-z0-9+.\-]*+:"
_SCHEME = re.compile(_SCHEME_PATTERN)


def is_absolute(iri: str) -> bool:
    """True when ``iri`` starts with a scheme (RFC 3986 §4.3), so resolution leaves it as it is."""
    return _SCHEME.match(iri) is not None


def resolve_iri(reference: str, base: str | None) -> str:
    """``reference`` resolved against ``base`` (RFC 3986 §5.2.2), as the engine does.

    An absolute reference is kept as written (the engine does not remove its dot segments either);
    a relative one without a base is returned unchanged (the engine refuses such a query).
    """
    if base is None or is_absolute(reference) or not is_absolute(base):
        return reference
    _, authority, path, query, fragment = _IRI_PARTS.fullmatch(reference).groups()
    base_scheme, base_authority, base_path, base_query, _ = _IRI_PARTS.fullmatch(base).groups()
    if authority is None:
        authority = base_authority
        if not path:
            path = base_path
            query = base_query if query is None else query
        else:
            if not path.startswith("/"):  # §5.2.3 merge
                if base_authority is not None and not base_path:
                    path = "/" + path
                else:
                    path = base_path[:base_path.rfind("/") + 1] + path
            path = _remove_dot_segments(path)
    else:
        path = _remove_dot_segments(path)
    return (f"{base_scheme}:" + (f"//{authority}" if authority is not None else "") + path
            + (f"?{query}" if query is not None else "") + (f"#{fragment}" if fragment is not None else ""))


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 §5.2.4."""
    output: list[str] = []
    while path:
        if path.startswith("../"):
            path = path[3:]
        elif path.startswith(("./", "/./")):
            path = path[2:]
        elif path == "/.":
            path = "/"
        elif path.startswith("/../") or path == "/..":
            path = "/" + path[4:]
            if output:
                output.pop()
        elif path in (".", ".."):
            path = ""
        else:
            end = path.find("/", 1)
            end = len(path) if end < 0 else end
            output.append(path[:end])
            path = path[end:]
    return "".join(output)


# -- the prologue -----------------------------------------------------------------------------------
#: One declaration (grammar [5] BaseDecl, [6] PrefixDecl); an absolute IRI written without escapes
#: — the usual case — is told apart by the pattern, so it needs no further reading.
_DECLARATION = re.compile(
    rf"(?:((?i:BASE))|(?i:PREFIX){SKIP}({PN_PREFIX})?:){SKIP}(?:<({_SCHEME_PATTERN}{IRI_CHAR}*+)>|({IRIREF})){SKIP}")
_SKIP_RE = re.compile(SKIP)


class Prologue(NamedTuple):
    """The ``BASE`` and ``PREFIX`` declarations that open a query (SPARQL 1.1 Query §4.1.1).

    (A named tuple: it is read for every query a web worker runs, and cheap to make.)
    """

    #: Prefix → namespace IRI, resolved against the base in effect where it is declared; a prefix
    #: declared twice keeps its last declaration, as in the engine.
    prefixes: dict[str, str]
    #: The base IRI in effect after the prologue (the one the query was given if it declares none).
    base: str | None
    #: Offset where the query form starts: after the prologue and the whitespace and comments after it.
    end: int
    declares_base: bool = False
    redeclares_prefix: bool = False
    #: Every declared IRI is absolute and written without escapes: read as written.
    plain: bool = True

    def expand(self, pname: str) -> str | None:
        """The IRI of a prefixed name (``ex:a\\.b`` → namespace + ``a.b``); None for an undeclared prefix."""
        prefix, _, local = pname.partition(":")
        namespace = self.prefixes.get(prefix)
        if namespace is None:
            return None
        return namespace + (_LOCAL_ESCAPE.sub(r"\1", local) if "\\" in local else local)


def read_prologue(query: str, base_iri: str | None = None) -> Prologue:
    """The prologue of ``query``; relative IRIs resolve against ``base_iri`` and the query's ``BASE``.

    Keywords are read as the engine reads them, also when glued to what follows (``PREFIX:<…>``
    declares the empty prefix). Reading stops at the first thing that is not a declaration.
    """
    position = _SKIP_RE.match(query).end()
    match = _DECLARATION.match(query, position)
    if match is None:  # the commonest case: no prologue at all
        return Prologue({}, base_iri, position)
    prefixes: dict[str, str] = {}
    base, declares_base, redeclares, plain = base_iri, False, False, True
    while match is not None:
        is_base, name, iri, written = match.groups()
        if iri is None:  # relative or escaped
            plain, iri = False, resolve_iri(unescape_iri(written[1:-1]), base)
        if is_base:
            base, declares_base = iri, True
        else:
            name = name or ""
            redeclares = redeclares or name in prefixes
            prefixes[name] = iri
        position = match.end()
        match = _DECLARATION.match(query, position)
    return Prologue(prefixes, base, position, declares_base, redeclares, plain)


def resolve_term(text: str, prologue: Prologue) -> str | None:
    """The IRI an IRIREF or a prefixed name written as ``text`` stands for, or None (a variable,
    an undeclared prefix, anything else)."""
    if text.startswith("<") and text.endswith(">"):
        return resolve_iri(unescape_iri(text[1:-1]), prologue.base)
    if _PNAME_RE.fullmatch(text):
        return prologue.expand(text)
    return None


# -- dataset clauses (§13.2) ------------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetClauses:
    """The ``FROM`` / ``FROM NAMED`` clauses of a query, their IRIs resolved."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    #: A clause names its graph in a way this module cannot read (the engine will say why).
    unreadable: bool = False


def names_its_dataset(query: str) -> bool:
    """True when ``query`` has a ``FROM`` or ``FROM NAMED`` clause (outside strings, comments and IRIs)."""
    if "from" not in query.lower():
        return False
    return any(token.kind == "word" and token.text.upper() == "FROM" for token in tokens(query))


def dataset_clauses(query: str, base_iri: str | None = None) -> DatasetClauses:
    """The ``FROM`` and ``FROM NAMED`` clauses of ``query``, in order."""
    if not names_its_dataset(query):
        return DatasetClauses()
    prologue = read_prologue(query, base_iri)
    found = list(tokens(query, prologue.end))
    defaults: list[str] = []
    named: list[str] = []
    unreadable = False
    for index, token in enumerate(found):
        if token.kind != "word" or token.text.upper() != "FROM":
            continue
        following = found[index + 1:index + 3]
        is_named = bool(following) and following[0].kind == "word" and following[0].text.upper() == "NAMED"
        target = following[1:] if is_named else following[:1]
        iri = resolve_term(target[0].text, prologue) if target else None
        if iri is None:
            unreadable = True
        else:
            (named if is_named else defaults).append(iri)
    return DatasetClauses(tuple(defaults), tuple(named), unreadable)


# -- SERVICE calls (SPARQL 1.1 Federated Query §2) -----------------------------------------------
_SERVICE, _SILENT = "SERVICE", "SILENT"


@dataclass(frozen=True)
class ServiceCall:
    """One ``SERVICE`` pattern: the endpoint as written, and the IRI the engine would call."""

    written: str
    endpoint: str | None  # None: a variable, an undeclared prefix or anything else unreadable


def service_calls(query: str, base_iri: str | None = None) -> list[ServiceCall]:
    """Every ``SERVICE`` pattern of ``query``, with its endpoint resolved as the engine resolves it.

    The engine reads a keyword even when it is glued to what follows, so ``SERVICE:x {`` and
    ``SERVICEex:x {`` call ``:x`` and ``ex:x``, and ``SERVICE SILENTex:x`` calls ``ex:x``. A word or
    prefixed name that starts with ``SERVICE`` is therefore read as a call when its endpoint is
    followed by ``{`` (a prefixed name such as ``services:Thing`` elsewhere is not), except after
    ``GRAPH``, ``FROM`` or ``NAMED``, where it names a graph. Meant for a policy check: it errs
    towards seeing a call.
    """
    if "service" not in query.lower():
        return []
    prologue = read_prologue(query, base_iri)
    found = list(tokens(query, prologue.end))
    calls = []
    for index, token in enumerate(found):
        if token.kind not in ("word", "pname") or token.text[:len(_SERVICE)].upper() != _SERVICE:
            continue
        glued = token.text.upper() != _SERVICE
        if glued and index and found[index - 1].text.upper() in ("GRAPH", "FROM", "NAMED"):
            continue
        written, after = _endpoint(found, index)
        if glued and (after >= len(found) or found[after].text != "{"):
            continue
        calls.append(ServiceCall(written, resolve_term(written, prologue)))
    return calls


def _endpoint(found: list[Token], index: int) -> tuple[str, int]:
    """The endpoint of the ``SERVICE`` at ``found[index]`` as written, and the index after it;
    ``SILENT`` is skipped, glued or not, as the engine skips it."""
    rest, after = found[index].text[len(_SERVICE):], index + 1
    if not rest and after < len(found):
        rest, after = found[after].text, after + 1
    if rest[:len(_SILENT)].upper() == _SILENT:
        rest = rest[len(_SILENT):]
        if not rest and after < len(found):
            rest, after = found[after].text, after + 1
    return rest, after
