"""Read a question in Danish, Norwegian or English as one of the queries govgraph answers.

Rule-based (regular expressions over the question; nothing leaves the machine): the "as of"
phrase and a delay ("3 måneder") are taken out first, then the first intent pattern that matches
the rest gives the query, the action and the words naming the subject. ``graph.ask`` resolves
those words and runs the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from graph.names import wordset

__all__ = ["Reading", "parse", "detect_language", "extract_as_of", "extract_delay"]

MONTHS = {
    **dict.fromkeys(("januar", "january", "jan"), 1),
    **dict.fromkeys(("februar", "february", "feb"), 2),
    **dict.fromkeys(("marts", "mars", "march", "mar"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("maj", "mai", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("august", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nov"), 11),
    **dict.fromkeys(("december", "desember", "dec", "des"), 12),
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}(?:-\d{{2}})?|\d{{1,2}}\.?\s+(?:{_MONTH})\.?\s+\d{{4}}"
    rf"|(?:{_MONTH})\.?\s+\d{{1,2}},?\s+\d{{4}}|(?:{_MONTH})\.?\s+\d{{4}}|\d{{4}})"
)
_AS_OF = re.compile(
    rf"(?:^|[\s,])(?:as\s+of|as\s+at|per|pr\.?|i|in|on|den|d\.|from|fra|since|siden)\s+"
    rf"(?P<date>{_DATE})(?=$|[\s,?.!])",
    re.IGNORECASE,
)
_NUMBERS = {
    **dict.fromkeys(("en", "et", "ett", "one", "a", "an"), 1),
    **dict.fromkeys(("to", "two"), 2),
    **dict.fromkeys(("tre", "three"), 3),
    **dict.fromkeys(("fire", "four"), 4),
    **dict.fromkeys(("fem", "five"), 5),
    **dict.fromkeys(("seks", "six"), 6),
}
_UNITS = {
    **dict.fromkeys(("dag", "dage", "dager", "dagen", "day", "days", "døgn"), 1),
    **dict.fromkeys(("uge", "uger", "uke", "uker", "week", "weeks"), 7),
    **dict.fromkeys(("måned", "måneder", "måneds", "month", "months", "mdr", "md"), 30),
    **dict.fromkeys(("år", "year", "years"), 365),
}
_DELAY = re.compile(
    r"(?:^|\s)(?:med\s+|by\s+|with\s+|på\s+|for\s+|i\s+)?"
    rf"(?P<n>\d+|{'|'.join(_NUMBERS)})\s+(?P<unit>{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
    r"(?:s)?(?=$|[\s,?.!])",
    re.IGNORECASE,
)

# Words only one of the languages uses (question words, particles, common verb forms).
_LANGUAGE_WORDS = {
    "da": wordset(
        "hvad hvornår påvirkes mellem ændret ændrede ændringer sidder af blev bliver nedsat "
        "formand formanden brug hvilken hvilket forsinkes berøres oprettet etableret dannet "
        "refererer sekretariatsbetjener uger måneder fejler svigter godkender rådgiver "
        "besluttede bestemte afhænger afhængig kræver behøver giver"
    ),
    "nb": wordset(
        "hva når mellom endret endringer sitter av ble blir nedsatt formann formannen leder "
        "trenger bruk hvilke forsinket opprettet etablert rapporterer uker måneder ikke å "
        "godkjenner rådgir gir besluttet avhenger avhengig krever rammet svikter feiler ramme "
        "rammes"
    ),
    "en": wordset(
        "who whom what when which if does do is are the of about on in decides decide "
        "prioritises prioritizes approves advises chairs sits report reports secretariat "
        "changed between affected hit slips fails late delayed need needs depend depends "
        "formed founded established set members member by months days weeks"
    ),
}
# Scored apart: Danish and Norwegian share most words; these decide between the two.
_DANISH_ONLY = {"hvad", "hvornår", "mellem", "af", "blev", "bliver", "sidder", "ændret", "uger"}
_NORWEGIAN_ONLY = {"hva", "når", "mellom", "av", "ble", "blir", "sitter", "endret", "uker", "å"}


@dataclass
class Reading:
    """One way to read a question: the query, its arguments and the words naming the subject."""

    query: str
    subject_text: str | None = None
    action: str | None = None
    direction: str = "downstream"
    as_of: str | None = None
    days: int | None = None
    from_date: str | None = None
    to_date: str | None = None
    language: str = "en"
    scores: dict[str, int] = field(default_factory=dict)


def detect_language(text: str) -> tuple[str, dict[str, int]]:
    """The question's language (``da``, ``nb`` or ``en``) and the word counts behind it.

    >>> detect_language("Hva rammes hvis EPJ SYD blir forsinket?")[0]
    'nb'
    >>> detect_language("Hvad påvirkes hvis NSP forsinkes?")[0]
    'da'
    >>> detect_language("Who decides about NSP?")[0]
    'en'
    """
    words = re.findall(r"[^\W\d_]+", text.lower())
    scores = {lang: sum(w in vocab for w in words) for lang, vocab in _LANGUAGE_WORDS.items()}
    nordic = sum(w in ("hvem", "hvis", "om", "og", "til", "er", "for") for w in words)
    danish = sum(w in _DANISH_ONLY for w in words)
    norwegian = sum(w in _NORWEGIAN_ONLY for w in words)
    if scores["en"] > max(scores["da"], scores["nb"]) + nordic:
        return "en", scores
    if norwegian > danish or (norwegian == danish and scores["nb"] > scores["da"]):
        return "nb", scores
    return "da", scores


def _day(text: str) -> str:
    """``YYYY[-MM[-DD]]`` from a date as people write it ("1. januar 2020", "March 2021")."""
    text = text.strip().lower().replace(",", "")
    if re.fullmatch(r"\d{4}(-\d{2}){0,2}", text):
        return text
    parts = [p.rstrip(".") for p in text.split()]
    numbers = [int(p) for p in parts if p.isdigit()]
    month = next(MONTHS[p] for p in parts if p in MONTHS)
    year = max(numbers)
    day = min(numbers) if len(numbers) > 1 else None
    return date(year, month, day).isoformat() if day else f"{year:04d}-{month:02d}"


def extract_as_of(text: str) -> tuple[str, str | None]:
    """Take an "as of" phrase out of ``text``: ``(rest, YYYY[-MM[-DD]] or None)``.

    >>> extract_as_of("Hvem beslutter om NSP pr. 1. januar 2020?")
    ('Hvem beslutter om NSP?', '2020-01-01')
    >>> extract_as_of("Who decides about NSP as of 2020-01-01")
    ('Who decides about NSP', '2020-01-01')
    >>> extract_as_of("Hvem bestemmer over EPJ SYD i 2019")
    ('Hvem bestemmer over EPJ SYD', '2019')
    """
    match = _AS_OF.search(text)
    if match is None:
        return text, None
    rest = (text[: match.start()] + text[match.end() :]).strip(" ,")
    try:
        return re.sub(r"\s+([?.!])", r"\1", rest), _day(match["date"])
    except (ValueError, StopIteration):
        return text, None


def extract_delay(text: str) -> tuple[str, int | None]:
    """Take a delay ("3 måneder", "by 90 days") out of ``text``: ``(rest, days or None)``.

    >>> extract_delay("Hvad påvirkes hvis NSP forsinkes 3 måneder?")
    ('Hvad påvirkes hvis NSP forsinkes?', 90)
    """
    match = _DELAY.search(text)
    if match is None:
        return text, None
    count = match["n"].lower()
    n = int(count) if count.isdigit() else _NUMBERS[count]
    rest = (text[: match.start()] + text[match.end() :]).strip()
    return re.sub(r"\s+([?.!])", r"\1", rest), n * _UNITS[match["unit"].lower()]


def parse(question: str) -> list[Reading]:
    """Every reading of ``question`` the patterns give, the most specific first (may be empty).

    >>> r = parse("Hvem har mandat til at prioritere Fælles Medicinkort?")[0]
    >>> r.query, r.action, r.subject_text, r.language
    ('who_decides', 'prioritise', 'Fælles Medicinkort', 'da')
    >>> r = parse("Hva rammes hvis EPJ SYD blir forsinket?")[0]
    >>> r.query, r.subject_text, r.language
    ('impact', 'EPJ SYD', 'nb')
    """
    from graph.ask_patterns import PATTERNS, action_of

    text = " ".join(question.split())
    language, scores = detect_language(text)
    text, days = extract_delay(text)
    changes = _between(text)
    if changes is not None:
        return [Reading("diff", from_date=changes[0], to_date=changes[1], language=language)]
    text, as_of = extract_as_of(text)
    body = text.strip().rstrip("?.! ").strip()
    readings = []
    for query, pattern, fixed in PATTERNS:
        match = pattern.fullmatch(body)
        if match is None:
            continue
        groups = match.groupdict()
        subject = _clean(groups.get("x") or "")
        if not subject:
            continue
        readings.append(
            Reading(
                query,
                subject_text=subject,
                action=fixed.get("action") or action_of(groups.get("verb")),
                direction=fixed.get("direction", "downstream"),
                as_of=as_of,
                days=days,
                language=language,
                scores=scores,
            )
        )
    return readings


_BETWEEN = re.compile(
    rf"(?:between|mellem|mellom|from|fra|siden|since)\s+(?P<a>{_DATE})\s+"
    rf"(?:and|og|to|til|until|indtil|inntil)\s+(?P<b>{_DATE})",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(?:chang\w*|ændr\w*|endr\w*|forandr\w*|differen\w*|forskel\w*|forskjell\w*|nyt|new|nytt)",
    re.IGNORECASE,
)


def _between(text: str) -> tuple[str, str] | None:
    match = _BETWEEN.search(text)
    if match is None or not _CHANGE.search(text):
        return None
    try:
        return _day(match["a"]), _day(match["b"])
    except (ValueError, StopIteration):
        return None  # "between 31. februar 2020 and ...": not a date, so not this reading


_LEADING = re.compile(
    r"^(?:the|a|an|om|over|for|på|af|av|about|on|of|i|in|til|to)\s+", re.IGNORECASE
)


def _clean(subject: str) -> str:
    """The subject words without quotes, leading articles and prepositions."""
    subject = subject.strip().strip("\"'“”«»").strip()
    while True:
        shorter = _LEADING.sub("", subject, count=1)
        if shorter == subject or not shorter:
            return subject.strip("\"'“”«» ")
        subject = shorter
