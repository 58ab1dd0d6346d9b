"""Portfolio routes: ``/portfolio``, ``/indicators``, ``/milestones`` (JSON, the CLI's shapes),
their xlsx exports, and the portfolio views under ``/views`` (board, timeline, indicators)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, Response

from api.deps import Reader, StoreDep
from graph.queries.indicators import indicators as queries_indicators
from graph.queries.milestones import milestones as queries_milestones
from graph.queries.portfolio import portfolio as queries_portfolio

router = APIRouter(tags=["portfolio"])

MAX_LIMIT = 1000
Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language")]
DATE = r"^[12][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$"
AsOf = Annotated[
    str | None,
    Query(
        description="judge on that day (YYYY, YYYY-MM or YYYY-MM-DD); default today",
        pattern=DATE,
        examples=["2025-01-01"],
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"at most {MAX_LIMIT}")]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]
BodyName = Annotated[str | None, Query(min_length=1, examples=["ds"], description="steering body")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_HTML: dict[int | str, dict[str, Any]] = {200: {"content": {"text/html": {}}}}


@router.get("/portfolio", summary="What a steering body follows up, red/amber/green")
def portfolio(
    store: StoreDep,
    _: Reader,
    body: Annotated[str | None, Query(min_length=1, examples=["ds"])] = None,
    as_of: AsOf = None,
    lang: Lang = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries_portfolio(store, body, as_of=as_of, lang=lang, limit=limit, offset=offset)


@router.get("/indicators", summary="Indicators: latest value, trend, distance to target")
def indicators(
    store: StoreDep,
    _: Reader,
    subject: Annotated[str | None, Query(min_length=1, examples=["ds"])] = None,
    as_of: AsOf = None,
    series: bool = False,
    lang: Lang = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries_indicators(
        store, subject, as_of=as_of, lang=lang, series=series, limit=limit, offset=offset
    )


@router.get("/milestones", summary="Milestones due in a period")
def milestones(
    store: StoreDep,
    _: Reader,
    from_date: Annotated[str, Query(alias="from", pattern=DATE, examples=["2025-01-01"])],
    to_date: Annotated[str, Query(alias="to", pattern=DATE, examples=["2025-12-31"])],
    body: Annotated[str | None, Query(min_length=1, examples=["ds"])] = None,
    as_of: AsOf = None,
    lang: Lang = None,
    limit: Limit = 200,
    offset: Offset = 0,
) -> dict[str, Any]:
    return queries_milestones(
        store,
        from_date=from_date,
        to_date=to_date,
        body=body,
        as_of=as_of,
        lang=lang,
        limit=limit,
        offset=offset,
    )


@router.get(
    "/portfolio.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}},
    summary="The portfolio (and its indicators) as the secretariat's spreadsheet",
)
def portfolio_xlsx(
    store: StoreDep,
    _: Reader,
    body: Annotated[str, Query(min_length=1, examples=["ds"])],
    as_of: AsOf = None,
    lang: Lang = None,
) -> Response:
    from loaders.portfolio_workbook import portfolio_workbook

    data = portfolio_workbook(store, body, as_of=as_of, lang=lang)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="portfolio.xlsx"'},
    )


@router.get(
    "/views/portfolio", response_class=HTMLResponse, responses=_HTML, summary="Portfolio board"
)
def board_view(
    store: StoreDep, _: Reader, body: BodyName = None, as_of: AsOf = None, lang: Lang = None
) -> str:
    from viz.portfolio_pages import board_page

    return board_page(store, body, as_of=as_of, lang=lang, served=True)


@router.get(
    "/views/timeline", response_class=HTMLResponse, responses=_HTML, summary="Portfolio timeline"
)
def timeline_view(
    store: StoreDep, _: Reader, body: BodyName = None, as_of: AsOf = None, lang: Lang = None
) -> str:
    from viz.portfolio_pages import timeline_page

    return timeline_page(store, body, as_of=as_of, lang=lang, served=True)


@router.get(
    "/views/indicators", response_class=HTMLResponse, responses=_HTML, summary="Indicator charts"
)
def indicators_view(
    store: StoreDep,
    _: Reader,
    subject: Annotated[str | None, Query(min_length=1, examples=["ds"])] = None,
    lang: Lang = None,
) -> str:
    from viz.portfolio_pages import indicators_page

    return indicators_page(store, subject, lang=lang, served=True)
