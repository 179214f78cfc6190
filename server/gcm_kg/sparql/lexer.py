"""The one SPARQL lexer: tokens with strings and comments skipped exactly as the grammar delimits
them (SPARQL 1.1 §19.8), used by the policy checks, FROM detection and the remote store."""

from __future__ import annotations

import re


def names_its_dataset(query: str) -> bool:
    """True when ``query`` has a FROM or FROM NAMED clause (outside strings, comments and IRIs)."""
    if "from" not in query.lower():
        return False

    return any(kind == "word" and text.upper() == "FROM" for kind, text in tokens(query))


def tokens(query: str):
    """SPARQL tokens relevant to the policy checks: (kind, text), kinds 'word', 'iri', 'var', 'punct'.

    Strings and comments are skipped exactly as the SPARQL grammar delimits them (§19.8), so a
    keyword inside a literal or a comment is never mistaken for one.
    """
    i, n = 0, len(query)
    while i < n:
        c = query[i]
        if c.isspace():
            i += 1
        elif c == "#":  # a comment runs to the end of the line, \n or \r (as the engine reads it)
            ends = [end for end in (query.find("\n", i), query.find("\r", i)) if end >= 0]
            i = min(ends) + 1 if ends else n
        elif c in "\"'":
            quote = query[i:i + 3] if query.startswith(c * 3, i) else c
            j = i + len(quote)
            while j < n and not query.startswith(quote, j):
                if len(quote) == 1 and query[j] in "\r\n":
                    break
                j += 2 if query[j] == "\\" else 1
            i = j + len(quote)
        elif c == "<":
            j = i + 1  # IRIREF: no <>"{}|^`, no control character or space; \u/\U escapes
            while j < n and query[j] not in '<>"{}|^`' and query[j] > " ":
                j += 2 if query[j] == "\\" else 1
            if j < n and query[j] == ">":
                yield "iri", unescape_iri(query[i + 1:j])
                i = j + 1
            else:  # the less-than operator
                yield "punct", c
                i += 1
        elif c in "?$" and i + 1 < n and (query[i + 1].isalnum() or query[i + 1] == "_"):
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] in "_\u00b7"):
                j += 1
            yield "var", query[i:j]
            i = j
        elif c == "@":
            j = i + 1
            while j < n and (query[j].isalnum() or query[j] == "-"):
                j += 1
            yield "langtag", query[i:j]
            i = j
        elif c.isalnum() or c in "_:\\%" or ord(c) > 127:
            j = i
            while j < n and (query[j].isalnum() or query[j] in "_:-.\\%" or ord(query[j]) > 127):
                j += 2 if query[j] == "\\" else 1  # a local-name escape (\# \' …) is part of the name
            while j > i + 1 and query[j - 1] == ".":  # a trailing '.' ends the triple, not the name
                j -= 1
            yield "word", query[i:j]
            i = j
        else:
            yield "punct", c
            i += 1


_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def unescape_iri(text: str) -> str:
    """An IRIREF's text with its ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes decoded, as the engine reads it."""
    if "\\" not in text:
        return text

    def decode(match):
        try:
            return chr(int(match.group(1) or match.group(2), 16))
        except (ValueError, OverflowError):
            return match.group(0)

    return _UCHAR.sub(decode, text)
