"""The answer page of a question asked in the question box (``GET /ask`` as HTML)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from graph.store import GraphStore
from viz.i18n import LANGUAGES, N_, plural, translate
from viz.page import environment

QUERY_WORDS = {
    "who_decides": N_("who decides"),
    "impact": N_("what is hit"),
    "members": N_("who are the members"),
    "chair": N_("who chairs"),
    "reports_to": N_("who it reports to"),
    "secretariat": N_("who is the secretariat"),
    "formed": N_("when it was formed"),
    "diff": N_("what changed"),
}
"""How the answer page names the query a question was read as."""


def _page(values: dict[str, Any], lang: str | None) -> str:
    """The answer page in the question's language (``lang`` when given)."""
    ui_lang = lang if lang in LANGUAGES else values.get("language", "en")
    if ui_lang not in LANGUAGES:
        ui_lang = "en"
    values["language"] = ui_lang
    if values.get("read"):
        values["query_words"] = translate(ui_lang, QUERY_WORDS.get(values["read"]["query"], ""))
    for item in values.get("items", []):
        item["note"] = _note(item.pop("notes", ()), ui_lang)
    return environment(ui_lang).get_template("ask.html").render(**values)


def _note(notes: Any, ui_lang: str) -> str:
    """An item's note (its actions, criticality and distance, role ...) in ``ui_lang``."""
    from viz.words import actions_phrase, criticality_word, role_word

    value: Any
    kind, value = notes if notes else ("", "")
    if kind == "actions":
        return actions_phrase(value, ui_lang)
    if kind == "impact":
        level, steps = value
        return f"{criticality_word(level, ui_lang)}, " + plural(
            ui_lang, "%(num)d step away", "%(num)d steps away", steps
        ) % {"num": steps}
    if kind == "role":
        return role_word(str(value), ui_lang)
    if kind == "nearest":
        from viz.words import nearest_reason

        body, subject = value
        return nearest_reason(body, ui_lang, subject) or translate(ui_lang, "nearest body")
    if kind == "text":
        return str(value or "")
    if kind == "word":
        return translate(ui_lang, str(value))
    return ""


def ask_page(store: GraphStore, question: str, *, lang: str | None = None) -> str:
    """The sentence, how the question was read, the answer's items as links, and links to the
    picture and the JSON; a subject that names nothing, or several things, lists the closest
    names or the candidates (label, type, organisation) as questions to ask instead.
    """
    from graph.ask import ask
    from graph.ask_parse import parse
    from ontology.errors import AmbiguousName, NotFound
    from viz.words import type_word

    values: dict[str, Any] = {"question": question, "ask_question": question, "language": "en"}
    values["json_url"] = "/ask?" + urlencode({"q": question, "format": "json"})
    try:
        answer = ask(store, question, lang=lang)
    except (NotFound, AmbiguousName) as error:
        readings = parse(question)
        named = readings[0].subject_text if readings else None
        options = (
            error.suggestions
            if isinstance(error, NotFound)
            else [c.__dict__ for c in error.candidates]
        )
        language = lang or (readings[0].language if readings else "en")
        values |= {
            "language": language,
            "error": (
                translate(language, "Nothing is called “%(name)s”.")
                if isinstance(error, NotFound)
                else translate(language, "“%(name)s” could mean several things: choose one.")
            )
            % {"name": error.name},
            "choices": [
                {
                    "text": option["label"],
                    "detail": ", ".join(
                        x
                        for x in (type_word(option["type"], language), option.get("organisation"))
                        if x
                    ),
                    "question": _instead(question, named, option["id"]),
                }
                for option in options
                if isinstance(option, dict)
            ],
        }
        return _page(values, lang)
    read = answer["interpreted_as"]
    values |= {"sentence": answer["sentence"], "language": answer.get("language", "en")}
    if read is None:
        values["choices"] = [
            {"text": c["question"], "detail": c["subject"]["type"], "question": c["question"]}
            for c in answer["choices"]
        ]
        language = lang if lang in LANGUAGES else values["language"]
        for choice in values["choices"]:
            choice["detail"] = type_word(choice["detail"], language)
        return _page(values, lang)
    named = read["subject"]["text"] if read.get("subject") else None
    values |= {
        "language": read["language"],
        "read": read,
        "items": _items(answer, read["query"]),
        "view": _view(read),
        "also": [
            {**a, "question": _instead(question, named, a["id"])} for a in answer.get("also", [])
        ],
    }
    return _page(values, lang)


def _instead(question: str, named: str | None, replacement: str) -> str:
    """``question`` with the words that named the subject replaced (by an id)."""
    if named and named in question:
        return question.replace(named, replacement, 1)
    return replacement


def _items(answer: dict[str, Any], query: str) -> list[dict[str, Any]]:
    """The answer's items as links, each with ``notes``: ``(kind, value)`` put in words by
    :func:`_note`."""
    if query == "who_decides":
        return [
            {**d, "notes": ("actions", d["mandate"]["actions"])} for d in answer.get("deciders", [])
        ] or [
            {**b, "notes": ("nearest", (b, (answer.get("subject") or {}).get("label", "")))}
            for b in answer.get("nearest_bodies", [])
        ]
    if query == "impact":
        return [
            {**i, "notes": ("impact", (i["criticality"], i["distance"] or 1))}
            for i in answer.get("impacted", [])
        ]
    if query in ("members", "chair"):
        return [
            {**m["member"], "notes": ("role", m["role"])}
            for m in answer["answer"]
            if m.get("member")
        ]
    if query in ("reports_to", "secretariat"):
        return list(answer["answer"])
    if query == "formed":
        return [{**e, "notes": ("text", e.get("date"))} for e in answer["answer"]["events"]]
    if query == "diff":
        return [
            {**i, "type": i.get("kind", ""), "notes": ("word", N_("added"))}
            for i in answer["added"]
        ] + [
            {**i, "type": i.get("kind", ""), "notes": ("word", N_("removed"))}
            for i in answer["removed"]
        ]
    return []


def _view(read: dict[str, Any]) -> str | None:
    subject = read.get("subject")
    if subject is None:
        return None
    if read["query"] == "who_decides":
        params = {"subject": subject["id"], "action": read.get("action") or "",
                  "as_of": read.get("as_of") or ""}  # fmt: skip
        return "/views/who-decides?" + urlencode(params)
    if read["query"] == "impact":
        return "/views/impact?" + urlencode({"node": subject["id"], "direction": read["direction"]})
    return "/views/entity/" + quote(subject["id"])
