"""CLI commands: portfolio, indicators, milestones (registered on ``api.cli.app``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli import JsonOpt, LangOpt, _lang, _run, _store, app

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Judge on that day (YYYY[-MM[-DD]]; default today).", show_default=False
    ),
]
XlsxOpt = Annotated[
    Path | None,
    typer.Option(
        "--xlsx",
        help="Also write the answer as a spreadsheet with the portfolio sheet's columns.",
        show_default=False,
    ),
]


def _answer(kind: str, path: Path | None, query: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Run ``query`` on the store; with ``path``, also write the answer's spreadsheet."""
    store = _store()
    result: dict[str, Any] = query(store, *args, **kwargs)
    if path is not None:
        from loaders.portfolio_workbook import write_xlsx

        result["export"] = {"output": str(path), "rows": write_xlsx(kind, result, path, store)}
    return result


@app.command()
def portfolio(
    body: Annotated[
        str | None,
        typer.Argument(help="Steering body (id, label or alias); without it, every body."),
    ] = None,
    as_of: AsOfOpt = None,
    xlsx: XlsxOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What BODY follows up: status, next milestone, slip, red/amber/green, whom to inform."""
    from api import render_portfolio
    from graph.queries.portfolio import portfolio as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: _answer("portfolio", xlsx, query, body, as_of=as_of, lang=language),
        render_portfolio.portfolio,
    )


@app.command()
def indicators(
    subject: Annotated[
        str | None,
        typer.Argument(help="An indicator, or what indicators measure; default: all."),
    ] = None,
    as_of: AsOfOpt = None,
    xlsx: XlsxOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Indicators with their latest value, trend and distance to target, quoted."""
    from api import render_portfolio
    from graph.queries.indicators import indicators as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: _answer(
            "indicators", xlsx, query, subject, as_of=as_of, lang=language, series=xlsx is not None
        ),
        render_portfolio.indicators,
    )


@app.command()
def milestones(
    from_date: Annotated[str, typer.Option("--from", help="First day (YYYY[-MM[-DD]]).")],
    to_date: Annotated[str, typer.Option("--to", help="Last day (YYYY[-MM[-DD]]).")],
    body: Annotated[
        str | None,
        typer.Option("--body", help="Only what this body follows up.", show_default=False),
    ] = None,
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Milestones due between --from and --to, with state, slip and who follows them."""
    from api import render_portfolio
    from graph.queries.milestones import milestones as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: query(
            _store(), from_date=from_date, to_date=to_date, body=body, as_of=as_of, lang=language
        ),
        render_portfolio.milestones,
    )
