"""The portfolio views: a board per steering body, a timeline, indicator charts.

Each function asks one query and renders one self-contained HTML page (inline CSS and SVG,
no script, nothing fetched from elsewhere). ``served`` adds links that only work inside the
app (entity pages, who-decides, impact, the spreadsheet export).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from graph.queries.indicators import indicators
from graph.queries.milestones import timeline
from graph.queries.portfolio import portfolio
from graph.store import GraphStore
from ontology.portfolio_terms import REPORT_STATUSES
from viz.i18n import translate
from viz.page import environment
from viz.portfolio_charts import STATE_COLOURS, line_chart, timeline_svg
from viz.portfolio_words import gettext

VIEWS = "/views"
TIMELINE_ROWS = 150  # rows a timeline draws; the critical chain's items are always among them


def _text(value: date | str | None) -> str | None:
    return str(value) if value else None


def _query(path: str, **params: str | None) -> str:
    clean = {k: v for k, v in params.items() if v}
    return f"{path}?{urlencode(clean)}" if clean else path


def _shell(title: str, path: str, lang: str | None, served: bool, **params: str | None) -> dict:
    w = gettext(lang)  # the portfolio views' own words (viz/portfolio_words.py)
    nav = [
        (_query(f"{VIEWS}/portfolio", lang=lang, **params), w("Portfolio board")),
        (_query(f"{VIEWS}/timeline", lang=lang, **params), w("Timeline")),
        (_query(f"{VIEWS}/indicators", lang=lang), w("Indicators")),
    ]
    return {
        "w": w,
        "title": w(title),
        "lang": lang or "en",
        "nav": nav if served else [],
        "lang_links": {code: _query(path, lang=code, **params) for code in ("da", "nb", "en")},
        "entity_base": f"{VIEWS}/entity/" if served else "#",
    }


def _bodies(
    store: GraphStore, path: str, current: str | None, as_of: Any, lang: str | None
) -> list[dict[str, Any]]:
    overview = portfolio(store, as_of=as_of, lang=lang)
    return [
        {
            "label": b["label"],
            "count": b["items"],
            "href": _query(path, body=b["id"], lang=lang, as_of=str(as_of) if as_of else None),
            "current": b["id"] == current,
        }
        for b in overview["bodies"]
    ]


def board_page(
    store: GraphStore,
    body: str | None = None,
    *,
    as_of: date | str | None = None,
    lang: str | None = None,
    served: bool = False,
) -> str:
    """The portfolio board of ``body``: a column per status, a card per item (red/amber/green,
    next milestone, critical prerequisites linked to their cards, whom to inform, links to
    who decides and what is hit). Without ``body``: the bodies to choose from and the gaps."""
    answer = portfolio(store, body, as_of=as_of, lang=lang)
    chosen = answer["body"]["id"] if answer.get("body") else None
    columns: dict[str, list[dict[str, Any]]] = {s: [] for s in (*REPORT_STATUSES, "unknown")}
    for item in answer.get("items", []):
        columns[item["status"]["value"] if item["status"] else "unknown"].append(item)
    shown = [
        (s, cards)
        for s, cards in columns.items()
        if cards or s in ("planned", "active", "completed")
    ]
    path = f"{VIEWS}/portfolio"
    return (
        environment(lang)
        .get_template("portfolio_board.html")
        .render(
            **_shell("Portfolio board", path, lang, served, body=chosen, as_of=_text(as_of)),
            answer=answer,
            columns=shown,
            bodies=_bodies(store, path, chosen, as_of, lang),
            links={"who": f"{VIEWS}/who-decides?subject=", "impact": f"{VIEWS}/impact?node="}
            if served
            else None,
            xlsx_href=_query("/portfolio.xlsx", body=chosen, lang=lang)
            if served and chosen
            else None,
        )
    )


def timeline_page(
    store: GraphStore,
    body: str | None = None,
    *,
    as_of: date | str | None = None,
    lang: str | None = None,
    served: bool = False,
) -> str:
    """The roadmap of what ``body`` follows: milestones on a time axis, planned against
    expected, arrows between milestones, the critical chain in red."""
    answer = timeline(store, body, as_of=as_of, lang=lang, limit=TIMELINE_ROWS)
    chosen = answer["body"]["id"] if answer["body"] else None
    w = gettext(lang)
    words = {"title": w("Timeline"), "days late": translate(lang, "days late")}
    labels = {
        m["id"]: f"{row['item']['label']}: {m['label']}"
        for row in answer["rows"]
        for m in row["milestones"]
    }
    path = f"{VIEWS}/timeline"
    return (
        environment(lang)
        .get_template("portfolio_timeline.html")
        .render(
            **_shell("Timeline", path, lang, served, body=chosen, as_of=_text(as_of)),
            answer=answer,
            svg=timeline_svg(answer, words),
            states=list(STATE_COLOURS.items()),
            critical=[labels.get(c, c) for c in answer["critical"]],
            bodies=_bodies(store, path, chosen, as_of, lang),
        )
    )


def indicators_page(
    store: GraphStore,
    subject: str | None = None,
    *,
    lang: str | None = None,
    served: bool = False,
) -> str:
    """One card per indicator: latest value, trend, target, a line chart, the source quote
    and what is not recorded."""
    answer = indicators(store, subject, lang=lang, series=True)
    cards = [
        {
            "indicator": ind,
            "svg": line_chart(
                ind["series"],
                target=ind["target"]["value"] if ind["target"] else None,
                unit=ind["unit"],
                title=ind["label"],
            )
            if ind["series"]
            else "",
        }
        for ind in answer["indicators"]
    ]
    subject_id = answer["subject"]["id"] if answer["subject"] else None
    return (
        environment(lang)
        .get_template("portfolio_indicators.html")
        .render(
            **_shell("Indicators", f"{VIEWS}/indicators", lang, served, subject=subject_id),
            answer=answer,
            cards=cards,
        )
    )


__all__ = ["board_page", "indicators_page", "timeline_page"]
