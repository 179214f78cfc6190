"""The SPARQL lexer, case by case, and against pyoxigraph wherever it claims to read as the engine.

Each table below is a small manifest: a name saying what the case shows, the query text and what
the lexer must read in it.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from gcm_kg.sparql import lexer

# -- tokens ------------------------------------------------------------------------------------------
#: name → (query, the tokens as (kind, text), whitespace and comments left out)
TOKEN_CASES = {
    "a comment runs to the end of the line": (
        "ASK # FROM <g> {\n{}", [("word", "ASK"), ("punct", "{"), ("punct", "}")]),
    "a comment also ends at a carriage return": (
        "ASK # c\rFROM", [("word", "ASK"), ("word", "FROM")]),
    "'#' inside an IRI or a string is not a comment": (
        "<http://a/b#c> '#x' FROM", [("iri", "<http://a/b#c>"), ("string", "'#x'"), ("word", "FROM")]),
    "a long string holds quotes and newlines": (
        '"""a "quoted"\nline ""two"" """ FROM',
        [("string", '"""a "quoted"\nline ""two"" """'), ("word", "FROM")]),
    "a long single-quoted string": (
        "'''it's ''here''\r\n''' FROM", [("string", "'''it's ''here''\r\n'''"), ("word", "FROM")]),
    "escaped quotes stay inside the string": (
        r'"say \"FROM\" \\" ' + r"'it\'s' FROM",
        [("string", r'"say \"FROM\" \\"'), ("string", r"'it\'s'"), ("word", "FROM")]),
    "a \\u escape in a string is not its end": (
        r'"a\u0022 FROM" x', [("string", r'"a\u0022 FROM"'), ("word", "x")]),
    "a short string ends at a newline (unterminated: its quote stands alone)": (
        '"a\nFROM', [("punct", '"'), ("word", "a"), ("word", "FROM")]),
    "'<' with a space after it is the less-than operator": (
        "FILTER(?a < ?b)", [("word", "FILTER"), ("punct", "("), ("var", "?a"), ("punct", "<"),
                            ("var", "?b"), ("punct", ")")]),
    "'<' that no '>' closes is the less-than operator": (
        "FILTER(?a<?b&&?b > 3)", [("word", "FILTER"), ("punct", "("), ("var", "?a"), ("punct", "<"),
                                  ("var", "?b"), ("punct", "&"), ("punct", "&"), ("var", "?b"),
                                  ("punct", ">"), ("number", "3"), ("punct", ")")]),
    "an IRIREF may hold \\u escapes but no other backslash": (
        r"<http://a/\u0061> <a\n>", [("iri", r"<http://a/\u0061>"), ("punct", "<"), ("word", "a"), ("punct", "\\"),
                                      ("word", "n"), ("punct", ">")]),
    "a prefixed name keeps its escapes and inner dots, not a final dot": (
        r"ex:a\#b.c. ex:", [("pname", r"ex:a\#b.c"), ("punct", "."), ("pname", "ex:")]),
    "variables, blank nodes, numbers, language tags": (
        '?x $y _:b1 1.5e3 .5 -2 "t"@en-GB', [("var", "?x"), ("var", "$y"), ("bnode", "_:b1"), ("number", "1.5e3"),
                                            ("number", ".5"), ("punct", "-"), ("number", "2"), ("string", '"t"'),
                                            ("langtag", "@en-GB")]),
    "keywords with digits and underscores": (
        "GROUP_CONCAT SHA256 a", [("word", "GROUP_CONCAT"), ("word", "SHA256"), ("word", "a")]),
}


@pytest.mark.parametrize("name", list(TOKEN_CASES))
def test_tokens(name):
    query, expected = TOKEN_CASES[name]
    found = list(lexer.tokens(query))
    assert [(t.kind, t.text) for t in found] == expected
    assert all(query[t.start:t.end] == t.text for t in found)


def test_an_iri_token_reads_its_escapes_as_the_engine_does():
    [token] = lexer.tokens(r"<http://example.org/\u0061\U00000062>")
    engine = next(iter(ox.Store().query(f"SELECT ?x {{ BIND({token.text} AS ?x) }}")))["x"]
    assert token.iri == engine.value == "http://example.org/ab"


#: Literals as written: the lexer reads exactly one string token where the engine reads a literal.
STRING_ORACLE = ['"plain"', "'single'", '"""a"b""c"""', '"""""a"""', "'''a'b''c'''", '"""a\n"b"""',
                 r'"a\"b"', r'"a\\"', r'"a\\\""', r'"""a\""""', r'"\u0022"', r'"a\U00000041"',
                 '"""a""""', "'''a''''", '"a\nb"', '"a\rb"', r"'a\z'", '"open', '""""']


@pytest.mark.parametrize("literal", STRING_ORACLE)
def test_strings_are_delimited_as_the_engine_delimits_them(literal):
    found = list(lexer.tokens(literal))
    one_string = len(found) == 1 and found[0].kind == "string"
    try:
        ox.Store().query(f"SELECT ?x {{ BIND({literal} AS ?x) }}")
        engine_reads_a_literal = True
    except SyntaxError:
        engine_reads_a_literal = False
    assert one_string == engine_reads_a_literal


# -- the prologue ------------------------------------------------------------------------------------
def test_a_prefix_declared_twice_keeps_its_last_iri_as_in_the_engine():
    query = "PREFIX ex: <http://a/> PREFIX ex: <http://b/> SELECT ?x { BIND(ex:y AS ?x) }"
    prologue = lexer.read_prologue(query)
    assert prologue.redeclares_prefix and prologue.expand("ex:y") == "http://b/y"
    assert prologue.expand("ex:y") == next(iter(ox.Store().query(query)))["x"].value


def test_base_then_relative_iris_resolve_as_in_the_engine():
    query = ("BASE <http://e/a/> PREFIX ex: <x/> BASE <b/> PREFIX : <../c#>\n"
             "SELECT ?x ?y ?z { BIND(ex:y AS ?x) BIND(:z AS ?y) BIND(<w> AS ?z) }")
    prologue = lexer.read_prologue(query)
    assert prologue.declares_base and not prologue.plain
    assert prologue.prefixes == {"ex": "http://e/a/x/", "": "http://e/a/c#"} and prologue.base == "http://e/a/b/"
    engine = next(iter(ox.Store().query(query)))
    assert [prologue.expand("ex:y"), prologue.expand(":z"), lexer.resolve_iri("w", prologue.base)] == \
        [engine["x"].value, engine["y"].value, engine["z"].value]


def test_the_prologue_ends_where_the_query_form_starts():
    query = "# header\nPREFIX ex:<http://a/>#c\rPREFIX: <http://b/>  \n  SELECT * {}"
    prologue = lexer.read_prologue(query)
    assert query[prologue.end:] == "SELECT * {}" and prologue.plain and not prologue.declares_base
    assert prologue.prefixes == {"ex": "http://a/", "": "http://b/"}


def test_escapes_in_a_prologue_iri_are_decoded_and_make_it_not_plain():
    prologue = lexer.read_prologue(r"PREFIX ex: <http://a/\u0062/> SELECT * {}")
    assert prologue.prefixes == {"ex": "http://a/b/"} and not prologue.plain


def test_relative_iris_resolve_against_the_given_base_iri():
    prologue = lexer.read_prologue("PREFIX ex: <x/> SELECT * {}", "http://service/base/")
    assert prologue.prefixes == {"ex": "http://service/base/x/"} and prologue.base == "http://service/base/"


def test_no_prologue():
    prologue = lexer.read_prologue("  SELECT * {}", "http://b/")
    assert prologue == lexer.Prologue({}, "http://b/", 2)


#: RFC 3986 §5.4's examples (normal and abnormal), and two bases without an authority.
RESOLUTION = [("http://a/b/c/d;p?q", ref) for ref in (
    "g:h", "g", "./g", "g/", "/g", "//g", "?y", "g?y", "#s", "g#s", "g?y#s", ";x", "g;x", "g;x?y#s", "", ".",
    "./", "..", "../", "../g", "../..", "../../", "../../g", "../../../g", "../../../../g", "/./g", "/../g",
    "g.", ".g", "g..", "..g", "./../g", "./g/.", "g/./h", "g/../h", "g;x=1/./y", "g;x=1/../y", "g?y/./x",
    "g?y/../x", "g#s/./x", "g#s/../x")] + [("urn:x:a", "y"), ("tag:x,2000:a/b", "y#f")]


@pytest.mark.parametrize("base, reference", RESOLUTION)
def test_resolution_follows_rfc_3986_as_the_engine_does(base, reference):
    engine = next(iter(ox.Store().query(f"SELECT ?x {{ BIND(<{reference}> AS ?x) }}", base_iri=base)))["x"]
    assert lexer.resolve_iri(reference, base) == engine.value


def test_an_absolute_iri_is_kept_as_written():
    assert lexer.resolve_iri("http://a/b/../c", "http://e/") == "http://a/b/../c"
    assert lexer.resolve_iri("rel", None) == "rel"  # nothing to resolve against (the engine refuses it)


# -- FROM / FROM NAMED -------------------------------------------------------------------------------
#: name → (query, (default graphs, named graphs))
DATASET_CASES = {
    "FROM and FROM NAMED": ("SELECT * FROM <http://g/1> FROM NAMED <http://g/2> {}", (["http://g/1"], ["http://g/2"])),
    "lower case, prefixed name and relative IRI": (
        "BASE <http://b/> PREFIX g: <http://g/> select * from g:1 from named <2> where {}",
        (["http://g/1"], ["http://b/2"])),
    "after a CONSTRUCT template": ("CONSTRUCT { ?s ?p ?o } FROM <http://g/1> WHERE { ?s ?p ?o }", (["http://g/1"], [])),
    "FROM in a string is not a clause": ("SELECT * { BIND('FROM <http://g/1>' AS ?x) }", ([], [])),
    "FROM in a comment is not a clause": ("SELECT * # FROM <http://g/1>\n{}", ([], [])),
    "FROM in a long string is not a clause": ('SELECT * { BIND("""\nFROM <http://g/1>\n""" AS ?x) }', ([], [])),
    "from in an IRI or a prefixed name is not a clause": ("SELECT * { <http://from/> <x:from> from:x }", ([], [])),
}


@pytest.mark.parametrize("name", list(DATASET_CASES))
def test_dataset_clauses(name):
    query, (defaults, named) = DATASET_CASES[name]
    clauses = lexer.dataset_clauses(query, "http://service/")
    assert (list(clauses.default_graphs), list(clauses.named_graphs)) == (defaults, named)
    assert not clauses.unreadable and lexer.names_its_dataset(query) == bool(defaults or named)


def test_a_from_clause_that_cannot_be_read_says_so():
    assert lexer.dataset_clauses("SELECT * FROM undeclared:g {}").unreadable


# -- SERVICE -----------------------------------------------------------------------------------------
PROLOGUE = "PREFIX : <http://e/> PREFIX ex: <http://x/> PREFIX SILENTex: <http://s/> PREFIX services: <http://v/> "
#: name → (query after PROLOGUE, the endpoints its SERVICE patterns call; None: unreadable)
SERVICE_CASES = {
    "an IRI, SILENT and mixed case": ("SELECT * { sErViCe SiLeNt <http://a/> {} }", ["http://a/"]),
    "a prefixed name and a variable": ("SELECT * { SERVICE ex:q {} SERVICE ?v {} }", ["http://x/q", None]),
    "SERVICE glued to a prefixed name": ("SELECT * { SERVICE:q { } }", ["http://e/q"]),
    "SERVICE glued to its prefix": ("SELECT * { SERVICEex:q{} }", ["http://x/q"]),
    "SILENT glued to the prefix it precedes": ("SELECT * { SERVICE SILENTex:q {} }", ["http://x/q"]),
    "a prefix that starts with 'services' is no call": ("SELECT * { ?s a services:q . ?s ?p services:r }", []),
    "a graph named SERVICE:g is no call": ("SELECT * { GRAPH SERVICE:g { } }", []),
    "SERVICE in a string or a comment is no call": ("SELECT * { BIND('SERVICE <http://a/> {}' AS ?x) } # SERVICE <b> {}", []),
    "a relative IRI resolves against the base": ("BASE <http://b/> SELECT * { SERVICE <q> {} }", ["http://b/q"]),
}


@pytest.mark.parametrize("name", list(SERVICE_CASES))
def test_service_calls(name):
    query, endpoints = SERVICE_CASES[name]
    assert [call.endpoint for call in lexer.service_calls(PROLOGUE + query)] == endpoints


@pytest.mark.parametrize("query", ["SELECT * { SERVICE:q { } }", "SELECT * { SERVICEex:q{} }"])
def test_the_engine_reads_a_glued_service_keyword_as_a_call(query):
    """The endpoint read above is the one pyoxigraph calls: it refuses to connect to the reserved
    port 9, and says so."""
    prologue = "PREFIX : <http://127.0.0.1:9/> PREFIX ex: <http://127.0.0.1:9/> "
    [call] = lexer.service_calls(prologue + query)
    assert call.endpoint == "http://127.0.0.1:9/q"
    with pytest.raises(OSError, match="port 9"):
        list(ox.Store().query(prologue + query))


def test_the_engine_takes_silent_from_a_glued_prefixed_name():
    """Read as the prefixed name SILENTex:q the call would fail loudly (port 9); read as SILENT
    then ex:q — the lexer's reading — its failure is silenced."""
    query = "PREFIX SILENTex: <http://127.0.0.1:9/> PREFIX ex: <http://127.0.0.1:9/x/> SELECT * { SERVICE SILENTex:q {} }"
    assert [call.endpoint for call in lexer.service_calls(query)] == ["http://127.0.0.1:9/x/q"]
    assert len(list(ox.Store().query(query))) == 1
