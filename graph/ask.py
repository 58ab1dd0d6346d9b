"""``ask``: a question in Danish, Norwegian or English, answered by the query it asks for.

The parser (``graph.ask_parse``) reads the question; the one resolver finds its subject for the
query's purpose; the query runs; the answer is that query's JSON plus ``interpreted_as`` and a
``sentence`` in the question's language. A question no pattern reads gets ``choices``: the
closest interpretations, each with a question to ask instead.
"""

from __future__ import annotations

import re
from typing import Any

from graph.ask_parse import Reading, detect_language, parse
from graph.ask_words import T, also_sentence, names, who_decides_sentence
from graph.index import GovIndex, index_of
from graph.names import wordset
from graph.resolve import Resolution, name_index, resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.errors import AmbiguousName, GovGraphError, NotFound
from ontology.terms import DATA, local_id

__all__ = ["ask", "QUERIES"]

QUERIES = (
    "who_decides",
    "impact",
    "members",
    "chair",
    "reports_to",
    "secretariat",
    "formed",
    "diff",
)
_WHOLE_NAME = ("id", "exact", "inflected", "qualifier")
_PURPOSE = {"who_decides": "who_decides", "impact": "impact"}
_WITHIN = re.compile(r"\s+(?:in|i|within|inden\s+for|innenfor|under|hos|ved)\s+", re.IGNORECASE)
_STOP = wordset(
    "hvem hvad hva who what when hvornår når hvis if om er is are the a of for i in på af av "
    "til to and og does do with med"
)


def ask(store: GraphStore, question: str, *, lang: str | None = None) -> dict[str, Any]:
    """Answer ``question`` (da, nb or en) with the query it asks for.

    Parameters
    ----------
    store : GraphStore
    question : str
        E.g. "Hvem beslutter om Sundhedsplatformen?", "Hva rammes hvis EPJ SYD blir forsinket?",
        "Who sits in the Digital Steering Group as of 2020-01-01?".
    lang : str, optional
        Label language of the answer; default the question's language.

    Returns
    -------
    dict
        The query's answer plus ``interpreted_as`` (``{query, subject, action, as_of,
        language, ...}``) and ``sentence``; for a question no pattern reads,
        ``interpreted_as`` is ``None`` and ``choices`` lists the closest interpretations.

    Raises
    ------
    NotFound, AmbiguousName
        The question reads, but its subject names no entity or several of the same rank.
    InvalidArgument
        A date in the question is impossible.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> answer = ask(sample_store(), "Hvem har mandat til at prioritere Koncerndirektionen?")
    >>> answer["interpreted_as"]["query"], answer["interpreted_as"]["action"]
    ('who_decides', 'prioritise')
    >>> answer["interpreted_as"]["subject"]["id"], answer["interpreted_as"]["language"]
    ('koncerndirektionen', 'da')
    """
    readings = parse(question)
    index = index_of(store)
    if not readings:
        return _choices(index, question)
    reading = readings[0]
    if reading.query == "diff":
        return _diff(store, reading, lang)
    subject_text = reading.subject_text or ""
    found, within = _resolve(index, subject_text, _PURPOSE.get(reading.query, "any"))
    language = _language(index, reading, found.iri)
    label_lang = lang or language
    subject = {
        **name_index(index).candidate(found.iri, label_lang),
        "text": subject_text,
        "matched": found.tier,
    }
    interpreted: dict[str, Any] = {
        "query": reading.query,
        "subject": subject,
        "action": reading.action,
        "as_of": reading.as_of,
        "language": language,
    }
    if reading.query == "impact":
        interpreted |= {"direction": reading.direction, "delay_days": reading.days}
    if within:
        interpreted["within"] = within
    answer, sentence = _run(store, index, reading, found.iri, language, label_lang)
    names_ = name_index(index)
    also = [names_.candidate(DATA + a["id"], label_lang) for a in found.also]
    answer["also"] = also
    sentence += also_sentence(also, language)
    return {**answer, "interpreted_as": interpreted, "sentence": sentence, "question": question}


def _resolve(index: GovIndex, text: str, purpose: str) -> tuple[Resolution, str | None]:
    """The subject. "X in Y": X when it is a name, else Y (X kept as context: "projects in
    Region Hovedstaden"), else X as far as it matches."""
    try:
        return resolve_match(index, text, purpose=purpose, fuzzy=True), None
    except (NotFound, AmbiguousName) as error:
        parts = _WITHIN.split(text, maxsplit=1)
        if len(parts) != 2:
            raise
        first, rest = parts
        found: list[tuple[Resolution, str]] = []
        for part, context in ((first, rest), (rest, first)):
            try:
                found.append((resolve_match(index, part, purpose=purpose, fuzzy=True), context))
            except (NotFound, AmbiguousName):
                continue
        named = [f for f in found if f[0].tier in _WHOLE_NAME]
        if named or found:
            return (named or found)[0]
        raise error from None


def _language(index: GovIndex, reading: Reading, iri: str) -> str:
    """The question's language; Danish and Norwegian without a telling word go by the subject."""
    language = reading.language
    if language != "en" and reading.scores.get("da", 0) == reading.scores.get("nb", 0):
        labels = index.labels(iri)
        if "nb" in labels and "da" not in labels:
            return "nb"
    return language


def _run(
    store: GraphStore, index: GovIndex, r: Reading, iri: str, language: str, lang: str
) -> tuple[dict[str, Any], str]:
    from graph.queries.describe import describe

    words = T[language]
    node = local_id(iri)
    label = index.label(iri, lang)
    if r.query == "who_decides":
        from graph.queries.who_decides import who_decides

        answer = who_decides(store, node, action=r.action, as_of=r.as_of, lang=lang)
        return answer, who_decides_sentence(answer, r.action, language)
    if r.query == "impact":
        from graph.queries.impact import impact

        answer = impact(store, node, direction=r.direction, as_of=r.as_of, lang=lang)
        hit = answer["impacted"]
        if r.direction == "upstream":
            key = "upstream" if hit else "upstream_none"
            return answer, words[key].format(x=label, n=len(hit), y=names(hit, language))
        slip = words["slip_by"].format(d=r.days) if r.days else words["slip"]
        if r.days:
            answer["slip"] = _slip(store, node, r.days, lang)
        key = "impact" if hit else "impact_none"
        return answer, words[key].format(x=label, slip=slip, n=len(hit), y=names(hit, language))
    answer = describe(store, node, lang=lang)
    when = words["when"].format(d=r.as_of) if r.as_of else ""
    if r.query in ("members", "chair"):
        members = [m for m in answer["members"] if _valid(m["valid"], r.as_of)]
        if r.query == "chair":
            members = [m for m in members if m["role"] in ("chair", "vice_chair")]
        answer["answer"] = members
        people = [m["member"] for m in members if m["member"]]
        key = r.query if people else f"{r.query}_none"
        return answer, words[key].format(
            x=label, n=len(people), y=names(people, language, 12), when=when
        )
    if r.query in ("reports_to", "secretariat"):
        predicate = "org:reportsTo" if r.query == "reports_to" else "gg:secretariat"
        targets = [
            rel["target"]
            for rel in answer["relations"]
            if rel["predicate"] == predicate and rel["direction"] == "out"
        ]
        answer["answer"] = targets
        key = r.query if targets else f"{r.query}_none"
        return answer, words[key].format(x=label, y=names(targets, language))
    return _formed(index, iri, answer, language, lang)


def _formed(
    index: GovIndex, iri: str, answer: dict[str, Any], language: str, lang: str
) -> tuple[dict[str, Any], str]:
    """When ``iri`` was formed: its validity start, and the events and decisions about it."""
    words = T[language]
    events = [
        {**index.ref(e, lang), "date": index.node(e).first(v.EVENT_DATE)}
        for e in index.into(iri, v.RESULTING) + index.into(iri, v.ABOUT)
        if index.type_name(e) in ("change", "decision")
    ]
    by = [
        rel["target"]
        for rel in answer["relations"]
        if rel["predicate"] == "gg:establishedBy" and rel["direction"] == "out"
    ]
    day = answer["valid"]["from"] or next((e["date"] for e in events if e["date"]), None)
    answer["answer"] = {"from": day, "events": events, "established_by": by}
    label = index.label(iri, lang)
    suffix = words["by"].format(y=names(by, language)) if by else ""
    if day:
        return answer, words["formed"].format(x=label, d=day, y=suffix)
    return answer, words["formed_none"].format(x=label, y=suffix)


def _slip(store: GraphStore, node: str, days: int, lang: str) -> dict[str, Any] | None:
    from graph.queries.slip import slip

    try:
        return slip(store, node, days=days, lang=lang)
    except GovGraphError:
        return None


def _valid(period: dict[str, Any], as_of: str | None) -> bool:
    if as_of is None:
        return True
    start, end = period.get("from"), period.get("to")
    return (start is None or str(start) <= as_of) and (end is None or as_of <= str(end))


def _diff(store: GraphStore, r: Reading, lang: str | None) -> dict[str, Any]:
    from graph.queries.diff import diff

    answer = diff(store, from_date=r.from_date or "", to_date=r.to_date or "", lang=lang)
    sentence = T[r.language]["diff"].format(
        a=answer["from"], b=answer["to"], n=len(answer["added"]), m=len(answer["removed"])
    )
    interpreted: dict[str, Any] = {
        "query": "diff",
        "subject": None,
        "action": None,
        "as_of": None,
        "language": r.language,
        "from": answer["from"],
        "to": answer["to"],
    }
    return {**answer, "interpreted_as": interpreted, "sentence": sentence}


def _choices(index: GovIndex, question: str) -> dict[str, Any]:
    """The closest interpretations of an unreadable question: what it might ask about what."""
    language, _ = detect_language(question)
    words = T[language]
    entity = _mentioned(index, question)
    choices: list[dict[str, Any]] = []
    if entity is not None:
        names_ = name_index(index)
        ref = names_.candidate(entity, language)
        kinds = ["who_decides", "impact", "upstream"]
        if index.type_name(entity) in v.ORGANISATION_TYPES:
            kinds = ["members", "who_decides", "impact"]
        for kind in kinds:
            query = "impact" if kind == "upstream" else kind
            choices.append(
                {
                    "query": query,
                    "subject": ref,
                    "question": words[f"ask_{kind}"].format(x=ref["label"]),
                }
            )
    return {
        "question": question,
        "interpreted_as": None,
        "language": language,
        "choices": choices,
        "sentence": words["unparsed"],
    }


def _mentioned(index: GovIndex, question: str) -> str | None:
    """The entity the longest run of the question's words names, if any."""
    tokens = [t for t in re.findall(r"[^\s?!.,]+", question)]
    for size in range(min(len(tokens), 8), 0, -1):
        for start in range(len(tokens) - size + 1):
            span = tokens[start : start + size]
            if all(t.lower() in _STOP for t in span):
                continue
            try:
                return resolve_match(index, " ".join(span), fuzzy=True).iri
            except (NotFound, AmbiguousName):
                continue
    return None
