"""Questions as users ask them, with the interpretation ``ask`` must give (bundled dataset).

Each case runs through the parser and resolver (tests/graph/test_ask.py), the CLI and the API
(tests/api/test_ask.py). ``subject`` is a set of acceptable ids where a later relabelling may
move a tie (e.g. a project labelled "Fælles Medicinkort (projekt)"); the tests assert the
interpretation and the subject, never the rest of the answer.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    question: str
    query: str
    subject: frozenset[str] | None
    language: str
    action: str | None = None
    as_of: str | None = None
    direction: str | None = None
    delay_days: int | None = None


def c(question: str, query: str, subject: str | None, language: str, **more: object) -> Case:
    ids = frozenset(subject.split("|")) if subject else None
    return Case(question, query, ids, language, **more)  # type: ignore[arg-type]


DOWN, UP = "downstream", "upstream"

CASES: list[Case] = [
    # ---------------------------------------------------------------------------- Danish (da)
    c("Hvem beslutter om Sundhedsplatformen?", "who_decides", "sp", "da", action="decide"),
    c(
        "Hvem har mandat til at prioritere Fælles Medicinkort?",
        "who_decides",
        "project-fmk",
        "da",
        action="prioritise",
    ),
    c(
        "Hvem bestemmer over billeddiagnostikken?",
        "who_decides",
        "billeddiagnostik",
        "da",
        action="decide",
    ),
    c(
        "Hvem godkender porteføljestyregruppens projekter?",
        "who_decides",
        "psg-portfolio",
        "da",
        action="approve",
    ),
    c(
        "Hvem beslutter om drift og vedligehold?",
        "who_decides",
        "rh-drift-vedligehold",
        "da",
        action="decide",
    ),
    c(
        "hvem har ansvaret for sundhedsplatformen pr. 1. januar 2020",
        "who_decides",
        "sp",
        "da",
        as_of="2020-01-01",
    ),
    c(
        "Hvem prioriterer projekterne i Region Hovedstaden?",
        "who_decides",
        "region-hovedstaden",
        "da",
        action="prioritise",
    ),
    c(
        "Hvem beslutter om Sundhedsplatformn i 2019?",
        "who_decides",
        "sp",
        "da",
        action="decide",
        as_of="2019",
    ),
    c(
        "Hvad påvirkes hvis National Serviceplatform forsinkes 3 måneder?",
        "impact",
        "nsp",
        "da",
        direction=DOWN,
        delay_days=90,
    ),
    c("Hvad rammes hvis EPJ SYD bliver forsinket?", "impact", "epj-syd", "da", direction=DOWN),
    c("Hvis Fælles Medicinkort fejler, hvad rammes så?", "impact", "fmk", "da", direction=DOWN),
    c("Hvad afhænger af sundhedsplatformen?", "impact", "sp", "da", direction=DOWN),
    c("Hvad afhænger RIPA SYD af?", "impact", "ripa-syd", "da", direction=UP),
    c("Hvem sidder i Digital Styregruppe?", "members", "ds", "da"),
    c("Hvem er medlemmer af porteføljestyregruppen?", "members", "portfolio-steering-group", "da"),
    c("Hvem er formand for Digital Styregruppe?", "chair", "ds", "da"),
    c("Hvem refererer Digital Styregruppe til?", "reports_to", "ds", "da"),
    c("Hvem er sekretariat for DS?", "secretariat", "ds", "da"),
    c("Hvornår blev Digital Styregruppe nedsat?", "formed", "ds", "da"),
    c("Hvad ændrede sig mellem 2019 og 2021?", "diff", None, "da"),
    c(
        "Hvem bestemmer over regionsrådet?",
        "who_decides",
        "regionsraadet-rsd",
        "da",
        action="decide",
    ),
    # ------------------------------------------------------------------------- Norwegian (nb)
    c("Hva rammes hvis EPJ SYD blir forsinket?", "impact", "epj-syd", "nb", direction=DOWN),
    c(
        "Hva rammes hvis Sykehuspartner blir forsinket med 2 uker?",
        "impact",
        "sykehuspartner",
        "nb",
        direction=DOWN,
        delay_days=14,
    ),
    c("Hva blir rammet hvis Sundhedsplatformen svikter?", "impact", "sp", "nb", direction=DOWN),
    c("Hva avhenger av Nasjonal Serviceplatform?", "impact", "nsp", "nb", direction=DOWN),
    c("Hva avhenger Sykehuspartner av?", "impact", "sykehuspartner", "nb", direction=UP),
    c("Hva trenger EPJ SYD?", "impact", "epj-syd", "nb", direction=UP),
    c(
        "Hvem bestemmer over helseforetakene?",
        "who_decides",
        "hso-helseforetakene",
        "nb",
        action="decide",
    ),
    c(
        "Hvem har myndighet til å prioritere porteføljen innenfor teknologiområdet?",
        "who_decides",
        "hso-teknologiportefolje",
        "nb",
        action="prioritise",
    ),
    c(
        "Hvem godkjenner styringsmodellen for teknologiområdet?",
        "who_decides",
        "hso-styringsmodell",
        "nb",
        action="approve",
    ),
    c(
        "Hvem har ansvar for Sykehuspartner HF per 2020-01-01?",
        "who_decides",
        "sykehuspartner",
        "nb",
        as_of="2020-01-01",
    ),
    c(
        "Hvem bestemmer over Helse Sør-Øst i 2021?",
        "who_decides",
        "helse-sor-ost",
        "nb",
        action="decide",
        as_of="2021",
    ),
    c("Hvem gir råd om Sykehuspartner?", "who_decides", "sykehuspartner", "nb", action="advise"),
    c(
        "Hvem rådgir om helseforetakene?",
        "who_decides",
        "hso-helseforetakene",
        "nb",
        action="advise",
    ),
    c("Hvem sitter i styret for Helse Sør-Øst?", "members", "hso-styret", "nb"),
    c("Hvem er leder av Digital Styregruppe?", "chair", "ds", "nb"),
    c("Hvem rapporterer Digital Styregruppe til?", "reports_to", "ds", "nb"),
    c("Hvem er sekretariatet for Sykehuspartner?", "secretariat", "sykehuspartner", "nb"),
    c("Når ble Porteføljestyregruppen opprettet?", "formed", "portfolio-steering-group", "nb"),
    c("Hva endret seg mellom 2018 og 2022?", "diff", None, "nb"),
    c("Hvem bestemmer over Sykehuspartnr?", "who_decides", "sykehuspartner", "nb", action="decide"),
    # --------------------------------------------------------------------------- English (en)
    c("Who decides about the Health Platform?", "who_decides", "sp", "en", action="decide"),
    c(
        "Who prioritises projects in Region Hovedstaden?",
        "who_decides",
        "region-hovedstaden",
        "en",
        action="prioritise",
    ),
    c(
        "Who approves the Shared Medication Record?",
        "who_decides",
        "fmk|project-fmk",
        "en",
        action="approve",
    ),
    c(
        "Who has the mandate to prioritise the Portfolio Steering Group's projects?",
        "who_decides",
        "psg-portfolio",
        "en",
        action="prioritise",
    ),
    # Since issue 10 two regions have an imaging domain: the question names Region
    # Hovedstaden's by its own name.
    c("Who decides on billeddiagnostik?", "who_decides", "billeddiagnostik", "en", action="decide"),
    c(
        "Who is responsible for Sundhedsplatformen as of 2020-01-01?",
        "who_decides",
        "sp",
        "en",
        as_of="2020-01-01",
    ),
    c(
        "Who makes decisions about diagnostic imaging capital region in 2019?",
        "who_decides",
        "billeddiagnostik",
        "en",
        action="decide",
        as_of="2019",
    ),
    c("Who advises on Helse Sør-Øst?", "who_decides", "helse-sor-ost", "en", action="advise"),
    c(
        "Who follows up on operation and maintenance?",
        "who_decides",
        "rh-drift-vedligehold",
        "en",
        action="follow_up",
    ),
    c("What is hit if EPJ SYD slips?", "impact", "epj-syd", "en", direction=DOWN),
    c(
        "What is affected if the National Service Platform is late by 3 months?",
        "impact",
        "nsp",
        "en",
        direction=DOWN,
        delay_days=90,
    ),
    c("If RIPA SYD fails, what is hit?", "impact", "ripa-syd", "en", direction=DOWN),
    c("What depends on Sundhedsplatformen?", "impact", "sp", "en", direction=DOWN),
    c("What does EPJ SYD need?", "impact", "epj-syd", "en", direction=UP),
    c("What does the Shared Medication Record depend on?", "impact", "fmk", "en", direction=UP),
    c("Who sits in the Digital Steering Group?", "members", "ds", "en"),
    c("Who chairs the Portfolio Steering Group?", "chair", "portfolio-steering-group", "en"),
    c("Whom does DS report to?", "reports_to", "ds", "en"),
    c("Who is DS's secretariat?", "secretariat", "ds", "en"),
    c("When was the Digital Steering Group formed?", "formed", "ds", "en"),
    c("What changed between 2019 and 2024?", "diff", None, "en"),
    c("Who decides about the Digital Steerign Group?", "who_decides", "ds", "en", action="decide"),
]
