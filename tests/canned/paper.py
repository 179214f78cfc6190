"""What the background paper of round table 3 (LAC regional review, 26-28 April 2021) says, as
read by a person, for the expected results of the canned-query tests.

Every value here was written down from the paper's text (and, for objective titles, from
paragraph 16 of A/RES/73/195), never from query output.
"""

ID = "https://w3id.org/gcm-kg/id/"

# The six "GCM Objective #n." headings printed at the top of the paper (and again in section III).
ROUND_TABLE_OBJECTIVES = [
    (9, "Strengthen the transnational response to smuggling of migrants"),
    (10, "Prevent, combat and eradicate trafficking in persons in the context of international migration"),
    (11, "Manage borders in an integrated, secure and coordinated manner"),
    (14, "Enhance consular protection, assistance and cooperation throughout the migration cycle"),
    (21, "Cooperate in facilitating safe and dignified return and readmission, as well as sustainable reintegration"),
    (23, "Strengthen international cooperation and global partnerships for safe, orderly and regular migration"),
]

# Section IV, the 14 guiding questions, verbatim.
QUESTIONS = {
    1: "How can we make the issue of human trafficking a priority, even in the face of the challenges of the pandemic, in order to be able to make the necessary adaptations to government programs, budgets and actions?",
    2: "What innovative practices in the region have been successful in guaranteeing the protection of the rights of victims of trafficking in persons and migrants in vulnerable situations in the context of smuggling of migrants, including those in an irregular situation?",
    3: "What lessons can be learned from the dynamics of migrant smugglers to minimize the occurrence of this phenomenon?",
    4: "How could the capacity of local border governments be strengthened to contribute to coordinated border management, including their contribution to public policy decision-making?",
    5: "How can we prevent the smuggling of migrants through the expansion of regular migration channels and the establishment of regularization schemes for migrants?",
    6: "What mechanisms or channels could be promoted so that local governments can feed their experiences back into national migration policies and strengthen the response?",
    7: "How can we guarantee access to orderly, regular and safe return processes that take into consideration the different contexts and profiles of migrants, particularly in scenarios of mixed migration flows?",
    8: "How can we collaborate with civil society organizations, the private sector, workers and other stakeholders to address irregular migration, including through border management and combating transnational crime?",
    9: "What role could the private sector play in border areas in identifying opportunities for the economic insertion of migrants and the prevention of irregular migration?",
    10: "What role could labor market actors (government, employers and workers) in border areas play at the binational and/or sub-regional level for cooperation in preventing irregular migration, promoting regular and formal transit and insertion at the destination? (This could include the perspective of equitable recruitment).",
    11: "What mechanisms can be put in place to improve cross-border collaboration on national border management in accordance with obligations under international law and the human rights of migrants, regardless of their migration status, and how to strengthen the capacity of governments to ensure that return always takes place in safety and dignity, as well as to support the sustainable reintegration of migrants?",
    12: "How can we strengthen collaboration mechanisms against smuggling of migrants between national agencies and between countries for the exchange of intelligence and joint investigations?",
    13: "How can we strengthen the mechanisms for allocating national resources to ensure consular services that adequately protect nationals abroad and cooperate in the voluntary return of migrants?",
    14: "How can we strengthen the technical capacity of consular officers to ensure the protection and well-being of their nationals abroad, especially in the face of persons subject to administrative detention or victims of transnational crimes such as human trafficking or in the context of migrant smuggling?",
}

# Themes named by the paper (section I headings in bold, section V Spanish sub-headings, the
# round table's title, question 14), with the hierarchy the paper's wording gives ("both crimes";
# return and readmission + sustainable reintegration; AVRR "aims at the return and
# reintegration", so it sits under both) and the objective headings they echo (administrative
# detention: objective 13, "use migration detention only as a measure of last resort";
# irregular migration: no objective's title).
NARROWER = {
    "trafficking-and-smuggling": ["trafficking-in-persons", "smuggling-of-migrants"],
    "return-and-reintegration": ["return-and-readmission", "sustainable-reintegration"],
    "return-and-readmission": ["assisted-voluntary-return-and-reintegration"],
    "sustainable-reintegration": ["assisted-voluntary-return-and-reintegration"],
}
TOP_THEMES = ["administrative-detention", "border-management", "consular-protection", "international-cooperation",
              "irregular-migration", "return-and-reintegration", "trafficking-and-smuggling"]
THEME_OBJECTIVES = {
    "trafficking-and-smuggling": {9, 10}, "trafficking-in-persons": {10}, "smuggling-of-migrants": {9},
    "border-management": {11}, "consular-protection": {14}, "return-and-reintegration": {21},
    "return-and-readmission": {21}, "sustainable-reintegration": {21},
    "assisted-voluntary-return-and-reintegration": {21}, "international-cooperation": {23},
    "administrative-detention": {13}, "irregular-migration": set(),
}


def below(theme: str) -> set[str]:
    """The theme and every theme under it."""
    out = {theme}
    for child in NARROWER.get(theme, []):
        out |= below(child)
    return out


# What each question's wording names: (themes, objectives). Objectives outside the round table's
# six are named by the wording of questions 5 and 10 ("regular migration channels", "promoting
# regular and formal transit": 5), 10 ("equitable recruitment": 6) and 14 ("administrative
# detention": 13); question 6 continues question 4 (the same local border governments); every
# "border" phrase ("border areas", questions 9 and 10) names border management; "combating
# transnational crime" (question 8) is the paper's phrase for smuggling and trafficking, and
# question 8's collaboration with civil society and the private sector is not between countries.
QUESTION_LINKS = {
    1: ({"trafficking-in-persons"}, {10}),
    2: ({"trafficking-in-persons", "smuggling-of-migrants", "irregular-migration"}, {10, 9}),
    3: ({"smuggling-of-migrants"}, {9}),
    4: ({"border-management"}, {11}),
    5: ({"smuggling-of-migrants"}, {9, 5}),
    6: ({"border-management"}, {11}),
    7: ({"return-and-readmission"}, {21}),
    8: ({"irregular-migration", "border-management", "trafficking-and-smuggling"}, {11, 9, 10}),
    9: ({"irregular-migration", "border-management"}, {11}),
    10: ({"international-cooperation", "irregular-migration", "border-management"}, {23, 11, 6, 5}),
    11: ({"border-management", "international-cooperation", "return-and-readmission", "sustainable-reintegration"},
         {11, 23, 21}),
    12: ({"smuggling-of-migrants", "international-cooperation"}, {9, 23}),
    13: ({"consular-protection", "assisted-voluntary-return-and-reintegration"}, {14, 21}),
    14: ({"consular-protection", "trafficking-in-persons", "smuggling-of-migrants", "administrative-detention"},
         {14, 10, 9, 13}),
}

# Section V: each resource by the URL printed for it, with the themes it is listed under or is
# about, its kind as the paper names it, the organisations the paper prints with it, and those
# only inferred from the link's own domain.
GLOTIP = "https://www.unodc.org/unodc/data-and-analysis/glotip.html"
GLOSOM = "https://www.unodc.org/unodc/en/data-and-analysis/glosom.html"
OHCHR_PRINCIPLES = "https://www.ohchr.org/Documents/Issues/Migration/OHCHR_Recommended_Principles_Guidelines_SP.pdf"
IOM_HANDBOOK = ("https://publications.iom.int/books/reintegration-handbook-practical-guidance-design-"
                "implementation-and-monitoring-reintegration")
IOM_PLATFORM = "https://returnandreintegration.iom.int/en"
AVRR_VIDEO = "https://www.youtube.com/watch?v=kyCcr2jAQLI"
AVRR_BRAZIL = "https://www.youtube.com/watch?v=uWq-finV0cO&list=PLEOC69EF8DB3A2891&index=9"
ILO_ES = ("https://www.ilo.org/wcmsp5/groups/public/---americas/---ro-lima/documents/publication/"
          "wcms_775178.pdf")
ILO_EN = "https://www.ilo.org/americas/publicaciones/WCMS_775183/lang-en/index.htm"
UNICEF_PROTOCOL = ("https://www.unicef.org/mexico/media/1231/file/Protocolo%20para%20la%20atenci%C3%B3n%20"
                   "consular%20de%20ni%C3%B1as,%20ni%C3%B1os%20y%20adolescentes%20migrantes%20no%20"
                   "acompa%C3%B1ados..pdf")
OC_16_99 = "https://corteidh.or.cr/docs/opiniones/seriea_16_esp.pdf"
VIENNA = "https://www.oas.org/legal/spanish/documentos/convvienaconsulares.htm"

WORK_THEMES = {
    GLOTIP: {"trafficking-in-persons"},        # "Reporte Global sobre Trata de Personas"
    GLOSOM: {"smuggling-of-migrants"},         # "Estudio Global sobre Tráfico Ilícito de Migrantes"
    OHCHR_PRINCIPLES: {"return-and-reintegration", "border-management"},  # "… en las Fronteras Internacionales"
    IOM_HANDBOOK: {"sustainable-reintegration"},
    IOM_PLATFORM: {"return-and-reintegration"},
    AVRR_VIDEO: {"assisted-voluntary-return-and-reintegration"},
    AVRR_BRAZIL: {"assisted-voluntary-return-and-reintegration"},
    ILO_ES: {"international-cooperation"},
    ILO_EN: {"international-cooperation"},
    UNICEF_PROTOCOL: {"consular-protection"},
    OC_16_99: {"consular-protection"},
    VIENNA: {"consular-protection"},
}
WORK_KIND = {
    GLOTIP: "report", GLOSOM: "study", IOM_HANDBOOK: "handbook", IOM_PLATFORM: "web-platform",
    AVRR_VIDEO: "video", AVRR_BRAZIL: "video", ILO_ES: "strategy", ILO_EN: "strategy",
    UNICEF_PROTOCOL: "protocol", OC_16_99: "advisory-opinion", VIENNA: "treaty",
}


def works_on(theme: str) -> set[str]:
    return {url for url, themes in WORK_THEMES.items() if themes & below(theme)}


def works_for_objective(objective: int) -> set[str]:
    """A work bears on an objective when its theme, or a theme under it, echoes the objective."""
    return {url for url, themes in WORK_THEMES.items()
            if any(objective in THEME_OBJECTIVES[t] for theme in themes for t in below(theme))}
