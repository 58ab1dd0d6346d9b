"""CLI commands: ``govgraph viz VIEW [NAME] -o file.html`` (registered on ``api.cli.app``)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli import LangOpt, _lang, _run, _store, app


class View(StrEnum):
    overview = "overview"
    neighbourhood = "neighbourhood"
    entity = "entity"
    impact = "impact"
    who_decides = "who-decides"
    chains = "chains"
    org_chart = "org-chart"


_NEEDS_NAME = {View.neighbourhood, View.entity, View.impact, View.who_decides}


@app.command()
def viz(
    view: Annotated[View, typer.Argument(help="Which picture to draw.")],
    name: Annotated[
        str | None, typer.Argument(help="The entity (id, label or alias) the view is about.")
    ] = None,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML file to write (works offline).")
    ] = Path("govgraph-view.html"),
    hops: Annotated[int, typer.Option(help="neighbourhood: how many steps out.", min=0)] = 1,
    relation: Annotated[
        list[str] | None, typer.Option(help="neighbourhood: follow only these relations.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="who-decides: the action asked.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY[-MM[-DD]].")] = None,
    direction: Annotated[
        str, typer.Option(help="impact: downstream (what it hits) or upstream.")
    ] = "downstream",
    k: Annotated[int, typer.Option("-k", help="chains: how many.", min=1)] = 5,
    documents: Annotated[
        bool, typer.Option("--documents", help="overview: also draw source documents.")
    ] = False,
    fold_above: Annotated[
        int, typer.Option("--fold-above", help="Fold by organisation above this many nodes.")
    ] = 10000,
    lang: LangOpt = None,
) -> None:
    """Write one view as a self-contained HTML file (no CDN: it works offline)."""
    from ontology.errors import InvalidArgument

    language = _lang(lang)

    def action_() -> dict[str, Any]:
        from viz import pages

        if view in _NEEDS_NAME and not name:
            raise InvalidArgument("NAME", f"the {view.value} view needs an entity name")
        store = _store()
        subject = name or ""
        if view is View.overview:
            html = pages.overview_page(
                store, lang=language, documents=documents, fold_above=fold_above
            )
        elif view is View.neighbourhood:
            html = pages.neighbourhood_page(
                store,
                subject,
                hops=hops,
                relation_types=relation,
                lang=language,
                fold_above=fold_above,
            )
        elif view is View.entity:
            html = pages.entity_page(store, subject, lang=language)
        elif view is View.impact:
            html = pages.impact_page(
                store, subject, direction=direction, as_of=as_of, lang=language
            )
        elif view is View.who_decides:
            html = pages.who_decides_page(store, subject, action=action, as_of=as_of, lang=language)
        elif view is View.org_chart:
            from viz.orgchart import org_chart_page

            html = org_chart_page(store, name, lang=language)
        else:
            html = pages.chains_page(store, k=k, lang=language)
        output.write_text(html, encoding="utf-8")
        return {"view": view.value, "output": str(output), "bytes": len(html.encode())}

    _run(False, action_, lambda r: print(f"wrote {r['output']} ({r['bytes']:,} bytes)"))
