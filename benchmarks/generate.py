"""Write a deterministic synthetic N-Triples graph shaped like the gcm-kg data.

    python -m benchmarks.generate --triples 100k [--seed 1] [--output FILE]

The graph uses the URI patterns and properties of the data model contract (ontology/README.md):
regional reviews with round tables, background papers with sections, guiding questions
(~200-character ``schema:text``), challenges/opportunities, cited works with publishers, years
and URLs, organisations, themes, the 23 objectives, provenance passages with an
``oa:TextQuoteSelector`` and annotations. Synthetic reviews are keyed ``{region}-{n}-{year}``
(e.g. ``lac-12-2021``), so they never collide with the real ``lac-2021`` review.

The same ``--triples`` and ``--seed`` always give the same bytes. Exactly N triples are written:
whole round tables are generated until N is reached and the last one is cut there.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Iterator

ID = "https://w3id.org/gcm-kg/id/"
GCMO = "https://w3id.org/gcm-kg/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"

RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"


def _ns(base: str):
    return lambda local: f"<{base}{local}>"


S = _ns("https://schema.org/")
SKOS = _ns("http://www.w3.org/2004/02/skos/core#")
DCT = _ns("http://purl.org/dc/terms/")
PROV = _ns("http://www.w3.org/ns/prov#")
OA = _ns("http://www.w3.org/ns/oa#")
ELI = _ns("http://data.europa.eu/eli/ontology#")
CITO = _ns("http://purl.org/spar/cito/")
ORG = _ns("http://www.w3.org/ns/org#")
O = _ns(GCMO)
G = _ns(ID)

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}

REGIONS = ["lac", "ece", "asia-pacific", "arab", "africa", "ecowas", "igad", "sadc"]
REGION_NAMES = {
    "lac": "Latin America and the Caribbean", "ece": "the UNECE region", "asia-pacific": "Asia and the Pacific",
    "arab": "the Arab region", "africa": "Africa", "ecowas": "West Africa", "igad": "the Horn of Africa",
    "sadc": "Southern Africa",
}
THEMES = [
    ("trafficking-and-smuggling", "Trafficking and smuggling", "Trata de personas y tráfico ilícito de migrantes", None),
    ("trafficking-in-persons", "Trafficking in persons", "Trata de personas", "trafficking-and-smuggling"),
    ("smuggling-of-migrants", "Smuggling of migrants", "Tráfico ilícito de migrantes", "trafficking-and-smuggling"),
    ("border-management", "Border management", None, None),
    ("consular-protection", "Consular protection", "Protección consular", None),
    ("return-and-reintegration", "Return and reintegration", "Retorno y reintegración", None),
    ("return-and-readmission", "Return and readmission", None, "return-and-reintegration"),
    ("sustainable-reintegration", "Sustainable reintegration", None, "return-and-reintegration"),
    ("assisted-voluntary-return-and-reintegration", "Assisted voluntary return and reintegration", None,
     "sustainable-reintegration"),
    ("international-cooperation", "International cooperation", "Cooperación internacional", None),
    ("labour-migration", "Labour migration", "Migración laboral", None),
    ("remittances", "Remittances", "Remesas", None),
    ("climate-mobility", "Climate mobility", None, None),
    ("missing-migrants", "Missing migrants", "Migrantes desaparecidos", None),
    ("migration-data", "Migration data", None, None),
    ("detention-alternatives", "Alternatives to detention", None, None),
    ("social-inclusion", "Social inclusion", "Inclusión social", None),
    ("legal-identity", "Legal identity", None, None),
    ("skills-recognition", "Skills recognition", None, None),
    ("diaspora-engagement", "Diaspora engagement", None, None),
]
WORK_KINDS = [("report", "Report"), ("study", "Study"), ("guidelines", "Guidelines"), ("handbook", "Handbook"),
              ("web-platform", "Web platform"), ("video", "Video"), ("strategy", "Strategy"),
              ("protocol", "Protocol"), ("advisory-opinion", "Advisory opinion"), ("treaty", "Treaty")]
WORK_CLASS = {"report": "Report", "study": "Report", "guidelines": "CreativeWork", "handbook": "Book",
              "web-platform": "WebSite", "video": "VideoObject", "strategy": "CreativeWork",
              "protocol": "Legislation", "advisory-opinion": "CreativeWork", "treaty": "Legislation"}
ORGS = [("unodc", "United Nations Office on Drugs and Crime", "UNODC"),
        ("iom", "International Organization for Migration", "OIM"),
        ("unhcr", "Office of the United Nations High Commissioner for Refugees", "ACNUR"),
        ("ilo", "International Labour Organization", "OIT"),
        ("ohchr", "Office of the United Nations High Commissioner for Human Rights", "OACNUDH"),
        ("unicef", "United Nations Children's Fund", "UNICEF"),
        ("undp", "United Nations Development Programme", "PNUD"),
        ("eclac", "Economic Commission for Latin America and the Caribbean", "CEPAL"),
        ("unwomen", "United Nations Entity for Gender Equality and the Empowerment of Women", "ONU Mujeres"),
        ("oas", "Organization of American States", "OEA")]
N_EXTRA_ORGS = 50

WORDS = (
    "migrants migration states regional cooperation border management trafficking persons smuggling "
    "consular protection return reintegration sustainable assistance victims identification national "
    "authorities policies frameworks capacity building data evidence rights human safe orderly regular "
    "pathways labour mobility communities origin transit destination countries governments partners "
    "civil society access services justice protocols referral mechanisms vulnerable children women "
    "families documentation legal identity recruitment fair decent work remittances inclusion cohesion "
    "climate disasters displacement search rescue missing coordination information exchange good "
    "practices challenges opportunities implementation review progress commitments objectives compact "
    "strengthen promote ensure develop improve enhance support establish facilitate address prevent"
).split()
#: Rare words: each occurs in about one text in a hundred (a text has ~30 words); the CONTAINS
#: benchmark looks for one.
RARE_WORDS = ["statelessness", "firewall", "biometrics", "readmission", "interoperability"]
RARE_WORD_P = 0.01 * len(RARE_WORDS) / 30


def lit(text: str, lang: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}' if lang else f'"{escaped}"'


def typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def parse_size(text: str) -> int:
    """``10k`` / ``100k`` / ``1m`` / ``250000`` / ``2.5m`` → a triple count."""
    key = text.strip().lower()
    if key in SIZES:
        return SIZES[key]
    factor = 1
    if key.endswith("k"):
        factor, key = 1_000, key[:-1]
    elif key.endswith("m"):
        factor, key = 1_000_000, key[:-1]
    try:
        value = int(float(key) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a triple count: {text!r} (use 10k, 100k, 1m or an integer)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the triple count must be positive")
    return value


class _Writer:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[str] = []
        self.bnodes = 0

    def t(self, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} .\n")

    def text(self, n_chars: int, end: str = ".") -> str:
        rng = self.rng
        words: list[str] = []
        length = 0
        while length < n_chars:
            word = rng.choice(RARE_WORDS) if rng.random() < RARE_WORD_P else rng.choice(WORDS)
            words.append(word)
            length += len(word) + 1
        sentence = " ".join(words)
        return sentence[0].upper() + sentence[1:] + end

    def passage(self, key: str, source: str, section: str, exact: str) -> str:
        passage = G(f"passage/{key}")
        self.bnodes += 1
        selector = f"_:sel{self.bnodes}"
        self.t(passage, RDF_TYPE, OA("SpecificResource"))
        self.t(passage, OA("hasSource"), source)
        self.t(passage, OA("hasSelector"), selector)
        self.t(selector, RDF_TYPE, OA("TextQuoteSelector"))
        self.t(selector, OA("exact"), lit(exact))
        self.t(selector, OA("prefix"), lit(self.text(20, "")))
        self.t(selector, OA("suffix"), lit(self.text(20, "")))
        self.t(passage, DCT("isPartOf"), section)
        return passage


def _shared(w: _Writer) -> None:
    """The compact, the schemes, the 23 objectives, the themes, the work kinds, the organisations."""
    rng = w.rng
    gcm = G("compact/gcm")
    w.t(gcm, RDF_TYPE, ELI("LegalResource"))
    w.t(gcm, RDF_TYPE, S("Legislation"))
    w.t(gcm, S("name"), lit("Global Compact for Safe, Orderly and Regular Migration", "en"))
    w.t(gcm, S("legislationIdentifier"), lit("A/RES/73/195"))
    w.t(gcm, S("legislationDate"), typed("2018-12-19", "date"))
    scheme = G("scheme/objectives")
    w.t(scheme, RDF_TYPE, SKOS("ConceptScheme"))
    for n in range(1, 24):
        objective = G(f"objective/{n}")
        w.t(objective, RDF_TYPE, O("Objective"))
        w.t(objective, SKOS("prefLabel"), lit(f"Synthetic objective {n}: " + w.text(60, ""), "en"))
        w.t(objective, SKOS("notation"), f'"{n}"^^{O("ObjectiveNumber")}')
        w.t(objective, S("position"), typed(n, "integer"))
        w.t(objective, SKOS("inScheme"), scheme)
        w.t(objective, SKOS("topConceptOf"), scheme)
        w.t(objective, O("setOutIn"), G(f"paragraph/gcm-{16 + n}"))
    themes = G("scheme/themes")
    w.t(themes, RDF_TYPE, SKOS("ConceptScheme"))
    for key, en, es, broader in THEMES:
        theme = G(f"theme/{key}")
        w.t(theme, RDF_TYPE, O("Theme"))
        w.t(theme, SKOS("prefLabel"), lit(en, "en"))
        if es:
            w.t(theme, SKOS("prefLabel"), lit(es, "es"))
        w.t(theme, SKOS("definition"), lit(w.text(120), "en"))
        w.t(theme, SKOS("inScheme"), themes)
        if broader:
            w.t(theme, SKOS("broader"), G(f"theme/{broader}"))
        else:
            w.t(theme, SKOS("topConceptOf"), themes)
        for n in sorted(rng.sample(range(1, 24), 2)):
            w.t(theme, SKOS("relatedMatch"), G(f"objective/{n}"))
    kinds = G("scheme/work-kinds")
    w.t(kinds, RDF_TYPE, SKOS("ConceptScheme"))
    for key, label in WORK_KINDS:
        kind = G(f"work-kind/{key}")
        w.t(kind, RDF_TYPE, SKOS("Concept"))
        w.t(kind, SKOS("prefLabel"), lit(label, "en"))
        w.t(kind, SKOS("inScheme"), kinds)
    for key, name, acronym in _orgs():
        org = G(f"organization/{key}")
        w.t(org, RDF_TYPE, S("Organization"))
        w.t(org, RDF_TYPE, ORG("Organization"))
        w.t(org, S("name"), lit(name, "en"))
        w.t(org, S("alternateName"), lit(acronym, "es"))


def _orgs() -> list[tuple[str, str, str]]:
    extra = [(f"agency-{i}", f"Synthetic Migration Agency {i}", f"SMA{i}") for i in range(1, N_EXTRA_ORGS + 1)]
    return ORGS + extra


def _round_table(w: _Writer, review_key: str, review: str, k: int) -> None:
    rng = w.rng
    org_keys = [key for key, _n, _a in _orgs()]
    theme_keys = [key for key, *_ in THEMES]
    rt_key = f"{review_key}-{k}"
    rt = G(f"round-table/{rt_key}")
    p_key = f"{review_key}-rt{k}"
    paper = G(f"document/{p_key}-background-paper")
    sections = [G(f"section/{p_key}-{i}") for i in range(1, 6)]
    rt_themes = rng.sample(theme_keys, rng.randint(2, 4))
    rt_objectives = sorted(rng.sample(range(1, 24), rng.randint(3, 6)))

    w.t(review, S("subEvent"), rt)
    w.t(rt, RDF_TYPE, S("Event"))
    w.t(rt, S("name"), lit(f"Round table {k}: " + w.text(50, ""), "en"))
    w.t(rt, S("position"), typed(k, "integer"))
    w.t(rt, S("superEvent"), review)
    w.t(rt, O("generalObjective"), lit(w.text(150), "en"))
    for n in rt_objectives:
        w.t(rt, O("coversObjective"), G(f"objective/{n}"))
    for key in rt_themes:
        w.t(rt, S("about"), G(f"theme/{key}"))
    w.t(rt, S("subjectOf"), paper)

    w.t(paper, RDF_TYPE, S("Report"))
    w.t(paper, S("name"), lit(f"Background paper of round table {k}", "en"))
    w.t(paper, S("about"), rt)
    w.t(paper, S("inLanguage"), lit("en"))
    for i, section in enumerate(sections, 1):
        w.t(paper, S("hasPart"), section)
        w.t(section, RDF_TYPE, S("CreativeWork"))
        w.t(section, S("name"), lit(w.text(30, ""), "en"))
        w.t(section, S("position"), typed(i, "integer"))
        w.t(section, S("isPartOf"), paper)

    for n in rt_objectives:  # annotations linking a passage to each covered objective
        annotation = G(f"annotation/{p_key}-objective-{n}")
        passage = w.passage(f"{p_key}-objective-{n}", paper, sections[0], f"GCM Objective #{n}. " + w.text(60))
        w.t(annotation, RDF_TYPE, OA("Annotation"))
        w.t(annotation, OA("motivatedBy"), OA("identifying"))
        w.t(annotation, OA("hasBody"), G(f"objective/{n}"))
        w.t(annotation, OA("hasTarget"), passage)

    for i in range(1, rng.randint(4, 8) + 1):  # section II: challenges and opportunities
        key = f"{p_key}-{'challenge' if i % 2 else 'opportunity'}-{i}"
        statement = G(f"statement/{key}")
        text = w.text(rng.randint(120, 240))
        w.t(statement, RDF_TYPE, S("Claim"))
        w.t(statement, RDF_TYPE, O("Challenge" if i % 2 else "Opportunity"))
        w.t(statement, S("text"), lit(text, "en"))
        w.t(statement, DCT("subject"), G(f"theme/{rng.choice(rt_themes)}"))
        w.t(statement, S("isPartOf"), sections[1])
        w.t(statement, PROV("wasDerivedFrom"), w.passage(key, paper, sections[1], text))

    for i in range(1, rng.randint(10, 14) + 1):  # section IV: guiding questions
        key = f"{p_key}-{i}"
        question = G(f"question/{key}")
        text = w.text(rng.randint(170, 230), "?")
        w.t(question, RDF_TYPE, S("Question"))
        w.t(question, S("position"), typed(i, "integer"))
        w.t(question, S("text"), lit(text, "en"))
        w.t(question, S("isPartOf"), sections[3])
        for theme in rng.sample(rt_themes, rng.randint(1, 2)):
            w.t(question, DCT("subject"), G(f"theme/{theme}"))
        for n in rng.sample(rt_objectives, rng.randint(1, 3)):
            w.t(question, O("servesObjective"), G(f"objective/{n}"))
        w.t(question, PROV("wasDerivedFrom"), w.passage(key, paper, sections[3], text))

    for i in range(1, rng.randint(6, 12) + 1):  # section V: cited works
        key = f"{p_key}-work-{i}"
        work = G(f"work/{key}")
        kind, _label = rng.choice(WORK_KINDS)
        language = rng.choice(["en", "es", "es", "pt", "fr"])
        title = w.text(rng.randint(40, 90), "")
        org = rng.choice(org_keys)
        w.t(paper, CITO("cites"), work)
        w.t(work, RDF_TYPE, S(WORK_CLASS[kind]))
        w.t(work, DCT("type"), G(f"work-kind/{kind}"))
        w.t(work, S("name"), lit(title, language))
        w.t(work, S("url"), typed(f"https://www.example.org/{org}/publications/{key}", "anyURI"))
        w.t(work, S("inLanguage"), lit(language))
        w.t(work, S("author" if rng.random() < 0.15 else "publisher"), G(f"organization/{org}"))
        if rng.random() < 0.8:
            w.t(work, S("datePublished"), typed(rng.randint(2000, 2021), "gYear"))
        w.t(work, DCT("subject"), G(f"theme/{rng.choice(rt_themes)}"))
        w.t(work, PROV("wasDerivedFrom"), w.passage(key, paper, sections[4], title))


def generate(n_triples: int, seed: int = 1) -> Iterator[str]:
    """The N-Triples lines (with their newline) of the synthetic graph: exactly ``n_triples``."""
    rng = random.Random(seed)
    w = _Writer(rng)
    _shared(w)
    emitted = 0
    review_index = 0
    while emitted < n_triples:
        if len(w.lines) >= n_triples - emitted or len(w.lines) > 50_000:
            chunk = w.lines[: n_triples - emitted]
            emitted += len(chunk)
            w.lines = []
            yield from chunk
            continue
        region = REGIONS[review_index % len(REGIONS)]
        year = 2019 + (review_index // len(REGIONS)) % 4
        review_key = f"{region}-{review_index // len(REGIONS) + 1}-{year}"
        review = G(f"review/{review_key}")
        review_index += 1
        w.t(review, RDF_TYPE, S("Event"))
        w.t(review, S("name"), lit(f"Regional review {review_index} of the GCM in {REGION_NAMES[region]}", "en"))
        w.t(review, S("startDate"), typed(f"{year}-04-{rng.randint(10, 20)}", "date"))
        w.t(review, S("endDate"), typed(f"{year}-04-{rng.randint(21, 28)}", "date"))
        w.t(review, S("about"), G("compact/gcm"))
        for k in range(1, 5):
            _round_table(w, review_key, review, k)


def write(n_triples: int, seed: int, path: Path) -> Path:
    """Write the graph to ``path`` (atomically: a half-written file never has the final name)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        out.writelines(generate(n_triples, seed))
    tmp.replace(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=parse_size, default=SIZES["10k"],
                        help="number of triples: 10k, 100k, 1m or an integer (default 10k)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--output", "-o", type=Path, help="N-Triples file to write (default: stdout)")
    args = parser.parse_args(argv)
    if args.output:
        write(args.triples, args.seed, args.output)
    else:
        sys.stdout.writelines(generate(args.triples, args.seed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
