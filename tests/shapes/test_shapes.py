"""Data-driven tests of the shipped SHACL shapes, in the style of the W3C SHACL test suite.

For every named shape ``gcmsh:{ID}`` there is ``fixtures/{ID}-valid.ttl`` (no result from that
shape) and at least one ``fixtures/{ID}-invalid-{what}.ttl``, named for the case it shows
(``S03-question-invalid-missing-text.ttl``), whose leading comment lines declare the
expected results, one per line::

    # expect: <severity> <source shape> <constraint component> <path or -> [<focus node>]

Terms are written as ``gcm-kg validate`` prints them (``sh:Violation``, ``gcmsh:S03-question``,
``sh:MinCountConstraintComponent``, ``schema:text`` or ``(schema:publisher|schema:author|gcmo:inferredPublisher)``,
``gcm:question/lac-2021-rt3-3``). A fixture is validated against its shape alone, with the
ontology mixed in (so subclass targeting is exercised) and no reference data; the test asserts the
exact multiset of results.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import rdflib
from rdflib import namespace as ns

from gcm_kg.rdf import resources
from gcm_kg.core.namespaces import PREFIXES, SHAPES, SHAPES_NS
from gcm_kg.services.validation import compact, load_graph, validate

FIXTURES = Path(__file__).parent / "fixtures"
FIXTURE_NAME = re.compile(r"^(?P<shape>S\d\d-[a-z0-9-]+?)-(?P<kind>valid|invalid-(?P<case>[a-z0-9]+(?:-[a-z0-9]+)*))\.ttl$")
EXPECT = re.compile(r"^#\s*expect:\s*(.+?)\s*$")


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return load_graph(resources.rdf_files("shapes"))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return load_graph(resources.rdf_files("ontology"))


def named_shapes(graph: rdflib.Graph) -> list[str]:
    return sorted(str(s) for s in graph.subjects(ns.RDF.type, ns.SH.NodeShape)
                  if isinstance(s, rdflib.URIRef) and str(s).startswith(SHAPES_NS))


def shape_ids() -> list[str]:
    graph = load_graph(resources.rdf_files("shapes"))
    return [iri[len(SHAPES_NS):] for iri in named_shapes(graph)]


def fixtures(kind: str) -> list[Path]:
    return sorted(p for p in FIXTURES.glob("*.ttl")
                  if (m := FIXTURE_NAME.match(p.name)) and m["kind"].startswith(kind))


def expectations(path: Path) -> list[tuple[str, ...]]:
    expected = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if m := EXPECT.match(line):
            fields = tuple(m.group(1).split())
            assert len(fields) in (4, 5), f"{path.name}: malformed expectation {line!r}"
            expected.append(fields)
    return expected


def run_fixture(path: Path, shapes: rdflib.Graph, ontology: rdflib.Graph):
    shape_id = FIXTURE_NAME.match(path.name)["shape"]
    data = load_graph([path])
    return validate(data, shapes, ontology=ontology, reference=None, use_shapes=[SHAPES_NS + shape_id])


# --- the fixture inventory ------------------------------------------------------------------

def test_shape_ids_are_numbered_and_named():
    ids = shape_ids()
    assert len(ids) >= 11
    numbers = [int(i[1:3]) for i in ids]
    assert numbers == list(range(1, len(ids) + 1)), "shapes are numbered S01, S02, … without gaps"
    for i in ids:
        assert re.fullmatch(r"S\d\d-[a-z]+(-[a-z]+)*", i), i


def test_every_shape_has_a_valid_and_an_invalid_fixture():
    ids = set(shape_ids())
    names = {p.name for p in FIXTURES.glob("*.ttl")}
    missing = [i for i in sorted(ids)
               if f"{i}-valid.ttl" not in names or not any(n.startswith(f"{i}-invalid-") for n in names)]
    assert not missing, f"shapes without a valid/invalid fixture pair: {missing}"


def test_every_fixture_belongs_to_a_shape():
    ids = set(shape_ids())
    for path in FIXTURES.iterdir():
        m = FIXTURE_NAME.match(path.name)
        assert m, f"unexpected file in fixtures/: {path.name}"
        assert m["case"] is None or not m["case"].isdigit(), \
            f"{path.name}: name an invalid fixture for the case it shows, not by number"
        assert m["shape"] in ids, f"{path.name}: no shape gcmsh:{m['shape']}"


def test_invalid_fixtures_declare_expectations():
    for path in fixtures("invalid"):
        assert expectations(path), f"{path.name} declares no '# expect:' line"
    for path in fixtures("valid"):
        assert not expectations(path), f"{path.name} is valid but declares expectations"


# --- running the fixtures -------------------------------------------------------------------

@pytest.mark.parametrize("path", fixtures("valid"), ids=lambda p: p.stem)
def test_valid_fixture(path, shapes, ontology):
    result = run_fixture(path, shapes, ontology)
    assert result.conforms
    assert [(compact(r.focus_node), compact(r.path), r.message) for r in result.results] == []


@pytest.mark.parametrize("path", fixtures("invalid"), ids=lambda p: p.stem)
def test_invalid_fixture(path, shapes, ontology):
    expected = expectations(path)
    result = run_fixture(path, shapes, ontology)
    actual = []
    for r in result.results:
        row = (compact(r.severity), compact(r.source_shape), compact(r.constraint_component),
               compact(r.path) if r.path is not None else "-", compact(r.focus_node))
        actual.append(row)
    # An expectation without a focus node matches any focus node.
    width = {len(e) for e in expected}
    if width == {4}:
        actual_cmp = Counter(a[:4] for a in actual)
    else:
        assert width == {5}, f"{path.name}: give a focus node on every expect line or on none"
        actual_cmp = Counter(actual)
    assert actual_cmp == Counter(expected), "\n".join(map(" ".join, actual))
    violations = any(e[0] == "sh:Violation" for e in expected)
    assert result.conforms is (not violations)


def test_subclass_targeting_needs_the_ontology(shapes):
    """Without the ontology a node typed only gcmo:Opportunity is not a schema:Claim."""
    path = FIXTURES / "S04-statement-invalid-subclass-target-spanish-text.ttl"
    data = load_graph([path])
    without = validate(data, shapes, ontology=rdflib.Graph(), reference=None,
                       use_shapes=[SHAPES_NS + "S04-statement"])
    assert without.results == []
    with_ontology = validate(data, shapes, reference=None, use_shapes=[SHAPES_NS + "S04-statement"])
    assert len(with_ontology.results) == 2


# --- the shapes graph itself ----------------------------------------------------------------

def test_shapes_graph_is_valid_shacl(shapes):
    """The shapes graph conforms to SHACL-SHACL (pySHACL meta_shacl)."""
    result = validate(rdflib.Graph(), shapes, ontology=rdflib.Graph(), reference=None, meta_shacl=True)
    assert result.conforms


def test_shapes_graph_checked_against_shacl_shacl_directly(shapes):
    import pyshacl
    from pyshacl.shapes_graph import ShapesGraph  # noqa: F401  (import proves the API exists)

    shacl_shacl = Path(pyshacl.__file__).parent / "assets" / "shacl-shacl.ttl"
    if not shacl_shacl.exists():
        candidates = list((Path(pyshacl.__file__).parent / "assets").glob("shacl-shacl*"))
        assert candidates, "pySHACL ships SHACL-SHACL"
        shacl_shacl = candidates[0]
    ss = rdflib.Graph().parse(shacl_shacl)
    conforms, _report, text = pyshacl.validate(shapes, shacl_graph=ss, inference="none")
    assert conforms, text


def test_header(shapes):
    onto = rdflib.URIRef(SHAPES)
    assert (onto, ns.RDF.type, ns.OWL.Ontology) in shapes
    assert shapes.value(onto, ns.OWL.versionInfo) is not None
    assert str(shapes.value(onto, ns.OWL.versionIRI)).startswith(SHAPES + "/")
    assert shapes.value(onto, ns.DCTERMS.license) == rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
    for p in (ns.DCTERMS.created, ns.DCTERMS.modified):
        assert shapes.value(onto, p).datatype == ns.XSD.date


def _english(graph, node, prop):
    return [o for o in graph.objects(node, prop) if isinstance(o, rdflib.Literal) and o.language == "en"]


def test_every_shape_is_documented(shapes):
    for iri in named_shapes(shapes):
        node = rdflib.URIRef(iri)
        assert shapes.value(node, ns.SH.severity) in (ns.SH.Violation, ns.SH.Warning, ns.SH.Info), iri
        assert _english(shapes, node, ns.SH.message), f"{iri}: no sh:message @en"
        assert _english(shapes, node, ns.RDFS.label), f"{iri}: no rdfs:label @en"
        assert _english(shapes, node, ns.RDFS.comment), f"{iri}: no rdfs:comment @en"
        examples = [str(e) for e in shapes.objects(node, ns.SKOS.example)]
        assert any(e.startswith("# valid") for e in examples), f"{iri}: no valid skos:example"
        assert any(e.startswith("# invalid") for e in examples), f"{iri}: no invalid skos:example"
        for prop in shapes.objects(node, ns.SH.property):
            assert shapes.value(prop, ns.SH.severity) is not None, f"{iri}: a property shape has no sh:severity"
            assert _english(shapes, prop, ns.SH.message), f"{iri}: property shape {compact(shapes.value(prop, ns.SH.path))} has no sh:message"
        for constraint in shapes.objects(node, ns.SH.sparql):
            assert _english(shapes, constraint, ns.SH.message), f"{iri}: a SPARQL constraint has no sh:message"


def _examples():
    graph = load_graph(resources.rdf_files("shapes"))
    for iri in named_shapes(graph):
        for example in graph.objects(rdflib.URIRef(iri), ns.SKOS.example):
            text = str(example)
            kind = "valid" if text.startswith("# valid") else "invalid"
            yield pytest.param(iri, kind, text, id=f"{iri[len(SHAPES_NS):]}-{kind}")


@pytest.mark.parametrize("iri,kind,text", list(_examples()))
def test_examples_are_what_they_claim(iri, kind, text, shapes, ontology, tmp_path):
    """Each skos:example parses as Turtle (with the contract's prefixes) and behaves as labelled."""
    prologue = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
    path = tmp_path / "example.ttl"
    path.write_text(prologue + text + "\n", encoding="utf-8")
    data = load_graph([path])
    result = validate(data, shapes, ontology=ontology, reference=None, use_shapes=[iri])
    if kind == "valid":
        assert result.results == [], [r.message for r in result.results]
    else:
        assert result.results, "an invalid example raises no result"
