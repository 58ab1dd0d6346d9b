"""CLI command: ask (registered on ``api.cli.app``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.markup import escape

from api.cli import JsonOpt, LangOpt, _lang, _run, _store, app


@app.command()
def ask(
    question: Annotated[
        str, typer.Argument(help="A question in Danish, Norwegian or English (quote it).")
    ],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question in your own words: who decides, what is hit, who sits in ...

    Examples: "Hvem beslutter om Sundhedsplatformen?", "Hva rammes hvis EPJ SYD blir
    forsinket?", "Who sits in the Digital Steering Group as of 2020-01-01?".
    """
    from graph.ask import ask as query

    language = _lang(lang)
    _run(as_json, lambda: query(_store(), question, lang=language), _render)


def _render(answer: dict[str, Any]) -> None:
    from api.render import console

    console.print(escape(answer["sentence"]))
    read = answer["interpreted_as"]
    if read is None:
        for choice in answer["choices"]:
            console.print(f"  govgraph ask {escape(repr(choice['question']))}")
        return
    subject = read.get("subject")
    parts = [read["query"]]
    if subject:
        parts.append(f"subject={subject['label']} ({subject['type']}; id {subject['id']})")
    parts += [f"{key}={read[key]}" for key in ("action", "as_of", "from", "to") if read.get(key)]
    if read.get("direction") == "upstream":
        parts.append("upstream")
    if read.get("delay_days"):
        parts.append(f"delay={read['delay_days']} days")
    parts.append(f"language={read['language']}")
    console.print(f"[dim]read as: {escape(', '.join(parts))}; --json for the whole answer[/dim]")
