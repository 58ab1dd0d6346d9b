"""The fixed words of the portfolio views in da, nb and en.

Keyed by the English text (a gettext msgid), so that the entries move into the da/nb/en
catalogs unchanged once those are in place; until then this table is their only home.
"""

from __future__ import annotations

from collections.abc import Callable

WORDS: dict[str, dict[str, str]] = {
    "Portfolio board": {"da": "Porteføljetavle", "nb": "Porteføljetavle"},
    "Timeline": {"da": "Tidslinje", "nb": "Tidslinje"},
    "Indicators": {"da": "Indikatorer", "nb": "Indikatorer"},
    "Steering body": {"da": "Styringsorgan", "nb": "Styringsorgan"},
    "All bodies": {"da": "Alle organer", "nb": "Alle organer"},
    "as of": {"da": "pr.", "nb": "per"},
    "follows up": {"da": "følger op på", "nb": "følger opp"},
    "items": {"da": "initiativer", "nb": "initiativer"},
    "Next milestone": {"da": "Næste milepæl", "nb": "Neste milepæl"},
    "no milestone": {"da": "ingen milepæl", "nb": "ingen milepæl"},
    "days late": {"da": "dage forsinket", "nb": "dager forsinket"},
    "Needs": {"da": "Afhænger af", "nb": "Avhenger av"},
    "Inform": {"da": "Orientér", "nb": "Informer"},
    "Who decides?": {"da": "Hvem beslutter?", "nb": "Hvem bestemmer?"},
    "What is hit?": {"da": "Hvad rammes?", "nb": "Hva rammes?"},
    "progress": {"da": "fremdrift", "nb": "framdrift"},
    "no status recorded": {"da": "ingen status registreret", "nb": "ingen status registrert"},
    "Followed up by no body": {
        "da": "Følges ikke op af noget organ",
        "nb": "Følges ikke opp av noe organ",
    },
    "red": {"da": "rød", "nb": "rød"},
    "amber": {"da": "gul", "nb": "gul"},
    "green": {"da": "grøn", "nb": "grønn"},
    "grey": {"da": "grå", "nb": "grå"},
    "planned": {"da": "planlagt", "nb": "planlagt"},
    "active": {"da": "aktiv", "nb": "aktiv"},
    "paused": {"da": "sat i bero", "nb": "satt på vent"},
    "completed": {"da": "afsluttet", "nb": "avsluttet"},
    "cancelled": {"da": "annulleret", "nb": "avlyst"},
    "retired": {"da": "udfaset", "nb": "utfaset"},
    "unknown": {"da": "ukendt", "nb": "ukjent"},
    "achieved": {"da": "nået", "nb": "nådd"},
    "overdue": {"da": "overskredet", "nb": "overskredet"},
    "late": {"da": "forsinket", "nb": "forsinket"},
    "on_track": {"da": "efter plan", "nb": "etter plan", "en": "on track"},
    "undated": {"da": "udateret", "nb": "udatert"},
    "no observed value is recorded": {
        "da": "ingen målt værdi er registreret",
        "nb": "ingen målt verdi er registrert",
    },
    "no unit is recorded": {"da": "ingen enhed er registreret", "nb": "ingen enhet er registrert"},
    "no direction is recorded": {
        "da": "ingen retning er registreret",
        "nb": "ingen retning er registrert",
    },
    "no target is recorded": {"da": "intet mål er registreret", "nb": "intet mål er registrert"},
    "no owner is recorded": {"da": "ingen ejer er registreret", "nb": "ingen eier er registrert"},
    "what it measures is not recorded": {
        "da": "hvad den måler, er ikke registreret",
        "nb": "hva den måler, er ikke registrert",
    },
    "Critical chain": {"da": "Kritisk kæde", "nb": "Kritisk kjede"},
    "planned date": {"da": "planlagt dato", "nb": "planlagt dato"},
    "expected date": {"da": "forventet dato", "nb": "forventet dato"},
    "Latest": {"da": "Seneste", "nb": "Siste"},
    "Target": {"da": "Mål", "nb": "Mål"},
    "Trend": {"da": "Udvikling", "nb": "Utvikling"},
    "improving": {"da": "forbedres", "nb": "forbedres"},
    "worsening": {"da": "forværres", "nb": "forverres"},
    "unchanged": {"da": "uændret", "nb": "uendret"},
    "Source": {"da": "Kilde", "nb": "Kilde"},
    "Gaps": {"da": "Mangler", "nb": "Mangler"},
    "indicators in this family": {
        "da": "indikatorer i denne familie",
        "nb": "indikatorer i denne familien",
    },
    "No dated milestones to draw.": {
        "da": "Ingen daterede milepæle at vise.",
        "nb": "Ingen daterte milepæler å vise.",
    },
    "No indicator is recorded.": {
        "da": "Ingen indikator er registreret.",
        "nb": "Ingen indikator er registrert.",
    },
    "Nothing is followed up here.": {
        "da": "Intet følges op her.",
        "nb": "Ingenting følges opp her.",
    },
    "Download as spreadsheet": {"da": "Hent som regneark", "nb": "Last ned som regneark"},
    "Red: a milestone is overdue or 31+ days late. Amber: 1-30 days late, paused, or a critical prerequisite is red. Green: on plan or completed. Grey: no dated milestone.": {
        "da": "Rød: en milepæl er overskredet eller 31+ dage forsinket. Gul: 1-30 dage forsinket, sat i bero, eller en kritisk forudsætning er rød. Grøn: efter plan eller afsluttet. Grå: ingen dateret milepæl.",
        "nb": "Rød: en milepæl er overskredet eller 31+ dager forsinket. Gul: 1-30 dager forsinket, satt på vent, eller en kritisk forutsetning er rød. Grønn: etter plan eller avsluttet. Grå: ingen datert milepæl.",
    },
}


def gettext(lang: str | None) -> Callable[[str], str]:
    """A ``_`` for ``lang``: the translation of an English text, or the text itself.

    >>> _ = gettext("da")
    >>> _("Timeline"), _("no such words")
    ('Tidslinje', 'no such words')
    """

    def translate(text: str) -> str:
        return WORDS.get(text, {}).get(lang or "en", text)

    return translate
