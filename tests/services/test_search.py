"""Full-text search (gcm_kg.services.search): built by SPARQL from a real pyoxigraph store, searched
with SQLite FTS5 — accent folding, English stemming, phrases, prefixes, BM25 ranking, kinds,
languages, facets, snippets, the time limit, and a table of hostile input."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from gcm_kg.core.errors import Condition, Refusal
from gcm_kg.rdf import rdfio
from gcm_kg.services.search import (KINDS, MAX_QUERY_CHARS, BackgroundIndex, Filters, SearchIndex, index_for_store,
                                    parse_query)
from gcm_kg.sparql.model import QueryTimeout
from gcm_kg.store.embedded import EmbeddedStore

from ..support.backends import backend_params, open_backend

FIXTURES = Path(__file__).parent / "fixtures"
TEST = "https://w3id.org/gcm-kg/id/test/"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    store = ox.Store()
    rdfio.load_into(store, FIXTURES / "search_texts_of_every_kind.ttl", graph="https://w3id.org/gcm-kg/graph/test")
    return SearchIndex.build(EmbeddedStore(store))


@pytest.fixture(scope="module")
def shipped_index() -> SearchIndex:
    return SearchIndex.build(EmbeddedStore.in_memory())


def _iris(page) -> list[str]:
    return [hit.iri.removeprefix(TEST) for hit in page.hits]


# -- the examples on the shipped graph --------------------------------------------------------
def test_an_unaccented_word_finds_the_accented_spanish_text(shipped_index):
    page = shipped_index.search("migracion", Filters(lang="es"))
    assert page.total > 0
    assert all("<mark>migración</mark>" in hit.snippet.lower() for hit in page.hits)


def test_english_stemming_finds_other_forms_of_a_word(shipped_index):
    snippets = " ".join(hit.snippet for hit in shipped_index.search("smuggled", limit=50).hits).lower()
    assert "<mark>smuggling</mark>" in snippets


def test_a_quoted_phrase_matches_the_words_together_in_order(shipped_index):
    page = shipped_index.search('"consular protection"')
    assert page.total > 0
    assert all("<mark>consular protection</mark>" in hit.snippet.lower() for hit in page.hits)
    assert shipped_index.search('"protection consular"').total == 0


def test_a_prefix_finds_english_and_spanish_words(shipped_index):
    snippets = " ".join(hit.snippet for hit in shipped_index.search("reintegr*", limit=100).hits).lower()
    assert "<mark>reintegration</mark>" in snippets and "<mark>reintegración</mark>" in snippets


# -- the fixture: kinds, texts, ranking ---------------------------------------------------------------
def test_every_kind_of_text_is_indexed_under_its_kind(index):
    assert index.search("missing migrants").hits[0].kind == "objective"
    assert {index.search(q).hits[0].kind for q in ("Tráfico ilícito", "financial benefit")} == {"theme"}
    assert index.search("administrative").hits[0].kind == "question"
    assert index.search("budget").hits[0].kind == "passage"  # the quoted text of its selector
    assert index.search("OIM").hits[0].kind == "organization"
    assert index.search("handbook").hits[0].kind == "work"


def test_notes_and_untyped_resources_are_not_indexed(index):
    assert index.search("zanzibar").total == 0
    assert "untyped" not in _iris(index.search("detention", limit=50))


def test_bm25_ranks_the_denser_text_first(index):
    page = index.search("detention")
    assert _iris(page)[0] == "short-statement"
    assert page.hits[0].score > page.hits[-1].score > 0


def test_the_kind_filter_keeps_only_those_kinds(index):
    page = index.search("detention", Filters(kinds=("statement",)))
    assert set(_iris(page)) == {"short-statement", "long-statement"}
    assert {hit.kind for hit in index.search("migrants", Filters(kinds=("theme", "objective"))).hits} <= {
        "theme", "objective"}


def test_the_language_filter_searches_texts_in_that_language_and_labels_in_it(index):
    assert index.search("migrants", Filters(lang="es")).total == 2  # migrantes: both Spanish labels
    hit = index.search("vidas", Filters(lang="es")).hits[0]
    assert hit.label.startswith("Salvar vidas")
    assert index.search("vidas", Filters(lang="en")).total == 0
    assert index.search("vidas").hits[0].label.startswith("Save lives")  # English when no language asked


def test_paging_keeps_the_total_and_moves_through_the_ranking(index):
    everything = _iris(index.search("detention", limit=10))
    pages = [_iris(index.search("detention", limit=1, offset=n)) for n in range(len(everything))]
    assert [page[0] for page in pages] == everything
    assert index.search("detention", limit=1, offset=1).total == len(everything)


def test_facets_count_the_themes_and_objectives_of_all_hits(index):
    page = index.search("detention", with_facets=True)
    kinds = {facet.value: facet.count for facet in page.facets["kind"]}
    assert kinds == {"question": 1, "statement": 2}
    objectives = page.facets["objective"]
    assert [(f.value, f.label, f.count) for f in objectives] == [
        (TEST + "objective", "Save lives and coordinate efforts on missing migrants", 2)]
    assert [f.value for f in page.facets["theme"]] == [TEST + "theme"]
    narrowed = index.search("detention", Filters(objective=TEST + "objective"))
    assert set(_iris(narrowed)) == {"question", "long-statement"}


def test_snippets_escape_the_text_and_mark_the_matches():
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(TEST + "q"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                      ox.NamedNode("https://schema.org/Question")))
    store.add(ox.Quad(ox.NamedNode(TEST + "q"), ox.NamedNode("https://schema.org/text"),
                      ox.Literal("<script>alert(1)</script> & detention", language="en")))
    hit = SearchIndex.build(EmbeddedStore(store)).search("detention").hits[0]
    assert hit.snippet == "&lt;script&gt;alert(1)&lt;/script&gt; &amp; <mark>detention</mark>"


def test_a_saved_index_opens_read_only_and_answers_the_same(index, tmp_path):
    index.save(tmp_path / "search.sqlite")
    saved = SearchIndex.open(tmp_path / "search.sqlite")
    assert _iris(saved.search("detention")) == _iris(index.search("detention"))
    holder = index_for_store(None, tmp_path, timeout=1)
    assert holder.status == "ready" and holder.get().size == index.size


def test_the_index_is_built_page_by_page_past_the_stores_row_cap():
    store = EmbeddedStore.in_memory()
    capped = EmbeddedStore(store.store, max_rows=50)
    assert SearchIndex.build(capped).size == SearchIndex.build(store).size > 50


def test_a_search_past_the_time_limit_is_stopped(shipped_index):
    with pytest.raises(QueryTimeout):
        shipped_index.search("a*", timeout=0.0)


# -- building in the background -----------------------------------------------------------------------
def test_the_index_is_not_ready_until_built_then_ready():
    import threading

    release = threading.Event()

    def slow_build():
        release.wait(10)
        return SearchIndex.build(EmbeddedStore.in_memory())

    holder = BackgroundIndex(slow_build)
    with pytest.raises(Refusal) as refused:
        holder.get()
    assert refused.value.condition is Condition.NOT_READY and holder.status == "building"
    release.set()
    assert holder.wait(30) and holder.status == "ready"
    assert holder.get().search("migration").total > 0


def test_a_failed_build_says_why_and_is_retried():
    attempts = []

    def failing_build():
        attempts.append(1)
        raise ConnectionError("endpoint down")

    holder = BackgroundIndex(failing_build)
    holder.wait(10)
    holder.RETRY_SECONDS = 0.0
    with pytest.raises(Refusal, match="endpoint down") as refused:
        holder.get()
    assert refused.value.condition is Condition.NOT_READY and holder.status in ("failed", "building")
    holder.wait(10)
    assert len(attempts) == 2


# -- hostile input ------------------------------------------------------------------------------------
HOSTILE = [
    # (input, refused?) — refused: a search-syntax Refusal; else an ordinary (maybe empty) result
    ("*", True),
    ('"', True),
    ('""', True),
    ("-", True),
    ("x" * 10_000, True),
    ("a" * (MAX_QUERY_CHARS + 1), True),
    ("migration\x00", True),
    ("migration\x1b[31m", True),
    (" ".join(["w"] * 40), True),
    ("NEAR(migration detention)", False),
    ("migration OR detention NOT", False),
    ("text:migration", False),
    ("{text iri}: migration", False),
    ('"unclosed phrase', False),
    ('mig"ration', False),
    ("^migration", False),
    ("migration*  *", False),
    ("'; DROP TABLE texts; --", False),
    ("détention", False),
    ("😀 migration", False),
]


@pytest.mark.parametrize("text,refused", HOSTILE, ids=[repr(text[:24]) for text, _ in HOSTILE])
def test_hostile_search_input_is_refused_with_a_message_or_searched_as_text(index, text, refused):
    if refused:
        with pytest.raises(Refusal) as error:
            index.search(text)
        assert error.value.condition is Condition.SEARCH_SYNTAX and error.value.detail
    else:
        page = index.search(text)
        assert page.total >= 0 and page.query == text


def test_fts_operators_are_words_not_syntax():
    assert parse_query('NEAR(a b) OR c*') == '"NEAR(a" AND "b)" AND "OR" AND "c"*'
    assert parse_query('"say ""hi""" x') == '"say " AND "hi" AND "x"'


def test_unknown_kinds_and_languages_are_invalid_parameters(index):
    with pytest.raises(Refusal) as error:
        index.search("detention", Filters(kinds=("planet",)))
    assert error.value.members["parameter"] == "kind" and "objective" in error.value.detail
    with pytest.raises(Refusal) as error:
        index.search("detention", Filters(lang="fr"))
    assert error.value.members["parameter"] == "lang"
    assert set(KINDS) >= {"objective", "theme", "question", "statement", "work", "organization", "passage"}


# -- every kind of store ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", backend_params())
def test_the_same_index_is_built_from_every_kind_of_store(kind, index):
    """In memory, in the query process (``serve``), and over SPARQL from another engine
    (``--endpoint``): the index comes from SPARQL alone, with a row cap below the texts' count."""
    store = ox.Store()
    rdfio.load_into(store, FIXTURES / "search_texts_of_every_kind.ttl", graph="https://w3id.org/gcm-kg/graph/test")
    backend = open_backend(kind, store, timeout=10, max_rows=5)
    try:
        built = SearchIndex.build(backend.store, timeout=10)
    finally:
        backend.close()
    assert built.size == index.size
    for text in ("detention", "migrants", "reintegr*", '"consular protection"'):
        assert [(h.iri, h.kind, h.snippet) for h in built.search(text).hits] == \
            [(h.iri, h.kind, h.snippet) for h in index.search(text).hits]


def _search_in_child(holder: BackgroundIndex, results) -> None:
    import os

    inherited = holder._index
    results.put((holder.wait(30), holder._index is not inherited, holder._pid == os.getpid(),
                 holder.get().search("detention").total))


def test_a_forked_process_builds_its_own_index():
    """As gunicorn forks workers from the master that created the app: the child does not use the
    parent's SQLite connection or thread, it builds its own when it first asks."""
    import multiprocessing

    store = ox.Store()
    rdfio.load_into(store, FIXTURES / "search_texts_of_every_kind.ttl", graph="https://w3id.org/gcm-kg/graph/test")
    holder = BackgroundIndex(lambda: SearchIndex.build(EmbeddedStore(store)), start=False)
    assert holder.wait(30)
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    child = context.Process(target=_search_in_child, args=(holder, results))
    child.start()
    built, rebuilt, owned, total = results.get(timeout=60)
    child.join(30)
    assert (built, rebuilt, owned, total) == (True, True, True, 3)
    assert holder.get().search("detention").total == 3  # the parent's own is untouched
