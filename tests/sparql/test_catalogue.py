"""The ``#+ lists:`` header key of a canned query: the result columns whose items the service puts in
order (the rest of the header format is tested in ``tests/canned/test_canned_binding.py``)."""

from __future__ import annotations

import pytest

from gcm_kg.sparql import catalogue

LISTED = """#+ title: T
#+ description: D
#+ keywords: a, b
#+ lists: names, numbers
#+ param: x
#+   type: iri
#+   description: the thing
SELECT ?x (GROUP_CONCAT(?n; separator=", ") AS ?names) (GROUP_CONCAT(STR(?i); separator=", ") AS ?numbers)
WHERE { ?x ?n ?i } GROUP BY ?x
"""


def test_list_columns_declared_in_the_header():
    query = catalogue.parse_query_text(LISTED, "listed")
    assert query.lists == ("names", "numbers")
    assert query.to_json()["lists"] == ["names", "numbers"]
    assert catalogue.parse_query_text(LISTED.replace("#+ lists: names, numbers\n", ""), "plain").lists == ()


@pytest.mark.parametrize("header, message", [
    ("#+ lists: names, titles", "listed:4: lists: the query has no result column ?titles"),
    ("#+ lists: names, names", "listed:4: lists: column 'names' given twice"),
    ("#+ lists: names,", "listed:4: lists: empty column name"),
    ("#+ lists:", "listed:4: lists: empty column name"),
    ("#+ lists: names\n#+ lists: numbers", "listed:5: 'lists' given twice"),
])
def test_bad_list_declarations_are_errors_naming_file_and_line(header, message):
    with pytest.raises(catalogue.QueryFileError) as error:
        catalogue.parse_query_text(LISTED.replace("#+ lists: names, numbers", header), "listed")
    assert str(error.value) == message


def test_lists_is_a_query_key_before_the_parameters():
    text = LISTED.replace("#+ lists: names, numbers\n", "").replace("#+   type: iri", "#+   type: iri\n#+ lists: names")
    with pytest.raises(catalogue.QueryFileError, match="query key 'lists' after the parameters"):
        catalogue.parse_query_text(text, "listed")


def test_the_shipped_queries_declare_their_list_columns():
    declared = {name: query.lists for name, query in catalogue.load_queries().items() if query.lists}
    assert declared == {"theme-questions": ("objectives",), "objective-resources": ("publishers",),
                        "theme-resources": ("publishers", "inferredPublishers", "languages")}
