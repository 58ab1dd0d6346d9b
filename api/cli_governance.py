"""CLI commands: who-decides, check, diff, events (registered on ``api.cli.app``)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from api.cli import JsonOpt, LangOpt, _lang, _run, _store, app

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Answer as the world was that day (YYYY[-MM[-DD]]).", show_default=False
    ),
]


@app.command("who-decides")
def who_decides(
    subject: Annotated[str, typer.Argument(help="Id, label or alias of any entity.")],
    action: Annotated[
        str | None,
        typer.Option(
            "--action",
            help="Only mandates that allow this action (decide, prioritise, approve, ...); "
            "an action also matches the actions that imply it.",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Who has the mandate over SUBJECT: deciders with their sources, exclusions, escalation."""
    from api import render_governance
    from graph.queries.who_decides import who_decides as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: query(_store(), subject, action=action, as_of=as_of, lang=language),
        render_governance.who_decides,
    )


@app.command()
def check(
    as_of: AsOfOpt = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit with status 1 when there is an error finding.")
    ] = False,
    full_scan: Annotated[
        bool,
        typer.Option(
            "--store", help="Also read the whole store through every index (corruption check)."
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Governance consistency findings: gaps, overlaps, cycles, dangling references, ..."""
    from api import render_governance
    from api.settings import get_settings
    from graph.health import check_store, dangling_references
    from graph.queries.check import check as query

    answer: dict[str, Any] = {}

    def action() -> dict[str, Any]:
        store = _store()
        if full_scan:
            answer["store"] = {k: v for k, v in check_store(store).items() if k != "findings"}
        answer.update(query(store, as_of=as_of, documents_dir=get_settings().data_dir))
        answer["findings"] = dangling_references(store) + answer["findings"]
        return answer

    _run(as_json, action, render_governance.findings)
    if strict and any(f["severity"] == "error" for f in answer.get("findings", [])):
        raise typer.Exit(1)


@app.command()
def diff(
    from_date: Annotated[
        str, typer.Option("--from", help="The earlier day (YYYY[-MM[-DD]]).", show_default=False)
    ],
    to_date: Annotated[
        str, typer.Option("--to", help="The later day (YYYY[-MM[-DD]]).", show_default=False)
    ],
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What changed between two days: bodies, memberships, mandates, dependencies."""
    from api import render_governance
    from graph.queries.diff import diff as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: query(_store(), from_date=from_date, to_date=to_date, lang=language),
        render_governance.changes,
    )


@app.command()
def events(
    subject: Annotated[
        str | None,
        typer.Argument(
            help="Only events about this entity (or what lies within it).", show_default=False
        ),
    ] = None,
    from_date: Annotated[
        str | None,
        typer.Option("--from", help="The earliest day (YYYY[-MM[-DD]]).", show_default=False),
    ] = None,
    to_date: Annotated[
        str | None,
        typer.Option("--to", help="The latest day (YYYY[-MM[-DD]]).", show_default=False),
    ] = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The timeline: decisions and changes, oldest first, with their sources."""
    from api import render_governance
    from graph.queries.events import events as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: query(_store(), subject, from_date=from_date, to_date=to_date, lang=language),
        render_governance.timeline,
    )
