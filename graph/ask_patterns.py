"""The question patterns of ``graph.ask_parse``, in Danish, Norwegian and English.

Each pattern matches a whole question (the "as of" phrase and any delay already taken out) and
names the subject ``x``; ``verb`` names the action when the question has one.
"""

from __future__ import annotations

import re
from typing import Any

from graph.names import wordset

# Verb forms (present, infinitive, past, English third person) -> decision action.
VERBS: dict[str, str] = {
    **dict.fromkeys(
        wordset(
            "beslutter beslutte besluttede besluttet bestemmer bestemme bestemte bestemt afgør "
            "afgøre avgjør avgjøre decides decide decided"
        ),
        "decide",
    ),
    **dict.fromkeys(
        wordset(
            "prioriterer prioritere prioriterede prioriterte prioritises prioritizes prioritise "
            "prioritize prioritised prioritized"
        ),
        "prioritise",
    ),
    **dict.fromkeys(
        wordset(
            "godkender godkende godkendte godkjenner godkjenne godkjente approves approve approved"
        ),
        "approve",
    ),
    **dict.fromkeys(
        wordset("rådgiver rådgive rådgav rådgir rådgi advises advise advised"), "advise"
    ),
    **dict.fromkeys(
        ["gir råd", "giver råd", "gi råd", "give råd", "gives advice", "give advice"], "advise"
    ),
    **dict.fromkeys(wordset("anbefaler anbefale anbefalte recommends recommend"), "recommend"),
    **dict.fromkeys(
        ["følger op", "følger opp", "følge op", "følge opp", "follows up", "follow up"],
        "follow_up",
    ),
}
_VERB = "|".join(sorted((re.escape(v) for v in VERBS), key=len, reverse=True))
_WHO = r"(?:hvem|who)"
_WHAT = r"(?:hva|hvad|what|which\s+\w+|hvilke\s+\w+|hvilken\s+\w+|hvilket\s+\w+)"
_PREP = r"(?:om|over|på|for|about|on|upon|over|af|av|of|med|with|til|in|i)"
_POWER = (
    r"(?:the\s+|a\s+)?(?:mandat(?:et)?|mandate|myndighed(?:en)?|myndighet(?:en)?|"
    r"kompetence(?:n)?|kompetanse(?:n)?|beslutningskompetence(?:n)?|beslutningsret(?:ten)?|"
    r"beslutningsrett(?:en)?|authority|power|ansvar(?:et)?|responsibility|say)"
)
_EVENT = (
    r"(?:blir\s+forsinket|bliver\s+forsinket|er\s+forsinket|forsinkes|udskydes|utsettes|"
    r"skrider|slips|slip|is\s+late|runs\s+late|is\s+delayed|gets\s+delayed|delays|"
    r"is\s+postponed|fails|fail|goes\s+down|breaks|stops|is\s+cancelled|is\s+canceled|"
    r"fejler|svigter|svikter|feiler|går\s+ned|stopper|falder\s+ud|faller\s+ut|"
    r"bortfalder|forsvinder|forsvinner|lukker|lukkes|legges\s+ned|nedlægges)"
)
_HIT = (
    r"(?:rammes|påvirkes|berøres|rammet|påvirket|berørt|is\s+hit|are\s+hit|gets\s+hit|"
    r"is\s+affected|are\s+affected|would\s+be\s+(?:hit|affected)|breaks|"
    r"blir\s+(?:rammet|påvirket|berørt)|bliver\s+(?:ramt|påvirket|berørt)|"
    r"vil\s+(?:blive|bli)\s+(?:ramt|rammet|påvirket|berørt)|"
    r"(?:er|is|are)\s+(?:ramt|rammet|påvirket|berørt|hit|affected)|happens|sker|skjer)"
)
_DEPENDS_ON = (
    r"(?:depends?\s+on|relies\s+on|rely\s+on|afhænger\s+af|avhenger\s+av|"
    r"er\s+afhængige?\s+af|er\s+avhengige?\s+av|bygger\s+på|builds\s+on)"
)
_FORMED = (
    r"(?:formed|founded|established|set\s+up|created|decided|started|launched|"
    r"nedsat|etableret|oprettet|besluttet|dannet|vedtaget|stiftet|startet|igangsat|"
    r"opprettet|etablert|nedsatt|vedtatt|grunnlagt|satt\s+ned|sat\s+i\s+gang)"
)


def action_of(verb: str | None) -> str | None:
    """The action a verb form names, or ``None``."""
    return VERBS.get(" ".join(verb.lower().split())) if verb else None


def _p(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


PATTERNS: list[tuple[str, re.Pattern[str], dict[str, Any]]] = [
    # -- who decides --------------------------------------------------------------------------
    (
        "who_decides",
        _p(
            rf"{_WHO}\s+(?:har|has|holds?|hold|gets?)\s+{_POWER}\s+(?:til\s+(?:at|å)|to)\s+"
            rf"(?P<verb>{_VERB})(?:\s+{_PREP})?\s+(?P<x>.+)"
        ),
        {},
    ),
    (
        "who_decides",
        _p(rf"{_WHO}\s+(?:har|has|holds?)\s+{_POWER}\s+{_PREP}\s+(?P<x>.+)"),
        {},
    ),
    (
        "who_decides",
        _p(
            rf"{_WHO}\s+(?:makes?|takes?|træffer|tager|tar|fatter)\s+(?:the\s+)?"
            r"(?:decisions?|beslutning(?:en|er|erne)?|beslutninger(?:ne)?|avgjørelse(?:n|r)?)"
            rf"\s+{_PREP}\s+(?P<x>.+)"
        ),
        {"action": "decide"},
    ),
    (
        "who_decides",
        _p(
            rf"{_WHO}\s+(?:er|is|are)\s+(?:ansvarlig|responsible|in\s+charge|accountable)\s+"
            rf"{_PREP}\s+(?P<x>.+)"
        ),
        {},
    ),
    (
        "who_decides",
        _p(
            rf"{_WHO}\s+(?:(?:may|can|kan|må|skal|should|gets?\s+to|is\s+allowed\s+to|får)\s+)?"
            rf"(?P<verb>{_VERB})(?:\s+{_PREP})?\s+(?P<x>.+)"
        ),
        {},
    ),
    # -- impact: downstream ------------------------------------------------------------------
    (
        "impact",
        _p(rf"{_WHAT}\s+{_HIT}\s*,?\s+(?:hvis|if|når|when|om|should)\s+(?P<x>.+?)\s+{_EVENT}"),
        {},
    ),
    (
        "impact",
        _p(
            rf"(?:hvis|if|når|when|om|should)\s+(?P<x>.+?)\s+{_EVENT}\s*,?\s+(?:{_WHAT}|{_WHO})\b.*"
        ),
        {},
    ),
    (
        "impact",
        _p(rf"(?:{_WHAT}|{_WHO})\s+{_DEPENDS_ON}\s+(?P<x>.+)"),
        {},
    ),
    (
        "impact",
        _p(rf"(?:{_WHAT}|{_WHO})\s+{_HIT}\s+(?:by|af|av|of)\s+(?P<x>.+)"),
        {},
    ),
    # -- impact: upstream ----------------------------------------------------------------------
    (
        "impact",
        _p(
            r"(?:what|which\s+\w+)\s+(?:does|do)\s+(?P<x>.+?)\s+(?:need|depend\s+on|rely\s+on|require)"
        ),
        {"direction": "upstream"},
    ),
    (
        "impact",
        _p(r"(?:hvad|hva)\s+(?:afhænger|avhenger|bygger|beror)\s+(?P<x>.+?)\s+(?:af|av|på)"),
        {"direction": "upstream"},
    ),
    (
        "impact",
        _p(
            r"(?:hvad|hva)\s+(?:har|trenger|behøver|kræver|krever|trænger|forudsætter|"
            r"forutsetter)\s+(?P<x>.+?)(?:\s+(?:brug|bruk|behov)\s+for)?"
        ),
        {"direction": "upstream"},
    ),
    # -- who sits in, chairs, reports to, secretariat -------------------------------------------
    (
        "chair",
        _p(rf"{_WHO}\s+(?:chairs|leads|heads|leder|presides\s+over)\s+(?P<x>.+)"),
        {},
    ),
    (
        "chair",
        _p(
            rf"{_WHO}\s+(?:er|is)\s+(?:the\s+)?(?:formand(?:en)?|formann(?:en)?|forperson(?:en)?|"
            r"leder(?:en)?|chair(?:man|person|woman)?|head)\s+(?:for|af|av|i|of|in)\s+(?P<x>.+)"
        ),
        {},
    ),
    (
        "members",
        _p(
            rf"{_WHO}\s+(?:er|is|are)\s+(?:the\s+)?(?:medlem(?:mer|merne)?|members?)\s+"
            r"(?:af|av|of|i|in)\s+(?P<x>.+)"
        ),
        {},
    ),
    (
        "members",
        _p(rf"{_WHO}\s+(?:sidder|sitter|sits|is|are|er)\s+(?:med\s+)?(?:i|in|on|på)\s+(?P<x>.+)"),
        {},
    ),
    (
        "members",
        _p(
            r"(?:hvilke|which|what)\s+(?:medlemmer|members)\s+(?:har|has|does)\s+(?P<x>.+?)(?:\s+have)?"
        ),
        {},
    ),
    (
        "reports_to",
        _p(r"(?:to\s+whom|whom|who)\s+does\s+(?P<x>.+?)\s+report(?:\s+to)?"),
        {},
    ),
    (
        "reports_to",
        _p(r"(?:til\s+)?(?:hvem|hvor)\s+(?:refererer|rapporterer|svarer)\s+(?P<x>.+?)(?:\s+til)?"),
        {},
    ),
    (
        "reports_to",
        _p(rf"{_WHO}\s+(?:er|is)\s+(?P<x>.+?)\s+(?:underlagt|accountable\s+to)"),
        {},
    ),
    (
        "secretariat",
        _p(rf"{_WHO}\s+(?:er|is)\s+(?:the\s+)?(?P<x>.+?)['’]s\s+secretariat"),
        {},
    ),
    (
        "secretariat",
        _p(
            rf"{_WHO}\s+(?:er|is|provides|runs|leverer|varetager|har)\s+(?:the\s+)?"
            r"(?:sekretariat(?:et)?|secretariat)(?:sfunktionen)?\s+(?:for|af|av|of|to|i|in)\s+"
            r"(?P<x>.+)"
        ),
        {},
    ),
    (
        "secretariat",
        _p(rf"{_WHO}\s+(?:sekretariatsbetjener|betjener|services|serves)\s+(?P<x>.+)"),
        {},
    ),
    # -- when formed / decided -----------------------------------------------------------------
    (
        "formed",
        _p(rf"(?:when|hvornår|når)\s+(?:was|were|blev|ble|er|did|is)\s+(?P<x>.+?)\s+{_FORMED}"),
        {},
    ),
]
