"""The answer page of a question asked in the question box (``GET /ask`` as HTML)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from graph.store import GraphStore
from viz.page import environment


def ask_page(store: GraphStore, question: str, *, lang: str | None = None) -> str:
    """The sentence, how the question was read, the answer's items as links, and links to the
    picture and the JSON; a subject that names nothing, or several things, lists the closest
    names or the candidates (label, type, organisation) as questions to ask instead.
    """
    from graph.ask import ask
    from graph.ask_parse import parse
    from ontology.errors import AmbiguousName, NotFound

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
        values |= {
            "language": readings[0].language if readings else "en",
            "error": str(error).split(": it matches")[0].split("; did you mean")[0],
            "choices": [
                {
                    "text": option["label"],
                    "detail": ", ".join(
                        x for x in (option["type"], option.get("organisation")) if x
                    ),
                    "question": _instead(question, named, option["id"]),
                }
                for option in options
                if isinstance(option, dict)
            ],
        }
        return environment().get_template("ask.html").render(**values)
    read = answer["interpreted_as"]
    values |= {"sentence": answer["sentence"], "language": answer.get("language", "en")}
    if read is None:
        values["choices"] = [
            {"text": c["question"], "detail": c["subject"]["type"], "question": c["question"]}
            for c in answer["choices"]
        ]
        return environment().get_template("ask.html").render(**values)
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
    return environment().get_template("ask.html").render(**values)


def _instead(question: str, named: str | None, replacement: str) -> str:
    """``question`` with the words that named the subject replaced (by an id)."""
    if named and named in question:
        return question.replace(named, replacement, 1)
    return replacement


def _items(answer: dict[str, Any], query: str) -> list[dict[str, Any]]:
    if query == "who_decides":
        return [
            {**d, "note": ", ".join(d["mandate"]["actions"])} for d in answer.get("deciders", [])
        ] or [{**b, "note": "nearest body"} for b in answer.get("nearest_bodies", [])]
    if query == "impact":
        return [
            {**i, "note": f"{i['criticality']}, {i['distance']} step(s)"}
            for i in answer.get("impacted", [])
        ]
    if query in ("members", "chair"):
        return [{**m["member"], "note": m["role"]} for m in answer["answer"] if m.get("member")]
    if query in ("reports_to", "secretariat"):
        return list(answer["answer"])
    if query == "formed":
        return [{**e, "note": e.get("date") or ""} for e in answer["answer"]["events"]]
    if query == "diff":
        return [{**i, "type": i.get("kind", ""), "note": "added"} for i in answer["added"]] + [
            {**i, "type": i.get("kind", ""), "note": "removed"} for i in answer["removed"]
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
