"""Interactive views and question pages (HTML), under ``/views``.

Each route parses its parameters and asks ``viz.pages`` for one page; errors raised here go
through the app's single error handler (question pages show a bad name on their form instead).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import Reader, SettingsDep, StoreDep

router = APIRouter(prefix="/views", tags=["views"])

Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language")]
FoldAbove = Annotated[
    int | None,
    Query(
        ge=1,
        description="fold by organisation/domain above this many nodes (default 10000; below it the page folds)",
    ),
]
_HTML: dict[str | int, dict[str, Any]] = {200: {"content": {"text/html": {}}}}


def _lang(lang: str | None) -> str | None:
    return lang or None


def page_language(request: Request) -> str:
    """The page's language: ``lang`` in the query, else ``Accept-Language``, else English."""
    from viz.i18n import negotiate

    return negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))


def here(request: Request) -> str:
    """This page's path and query (for the language switch)."""
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


PageLang = Annotated[str, Depends(page_language)]
Here = Annotated[str, Depends(here)]


@router.get("", response_class=HTMLResponse, summary="List of views and question pages")
def views_index(store: StoreDep, _: Reader, ui_lang: PageLang) -> str:
    from viz.pages import index_page

    return index_page(store, ui_lang=ui_lang)


@router.get("/overview", response_class=HTMLResponse, summary="The whole graph, by type")
def overview(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    lang: Lang = None,
    documents: bool = False,
    fold_above: FoldAbove = None,
) -> str:
    from viz.pages import overview_page
    from viz.views import DEFAULT_FOLD_ABOVE

    return overview_page(
        store,
        lang=lang,
        documents=documents,
        fold_above=fold_above or DEFAULT_FOLD_ABOVE,
        served=True,
        ui_lang=ui_lang,
        here=page,
    )


@router.get(
    "/neighbourhood/{name}", response_class=HTMLResponse, summary="An entity and its neighbours"
)
def neighbourhood(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    name: str,
    hops: Annotated[int, Query(ge=0, le=6)] = 1,
    relation: Annotated[list[str] | None, Query(description="relation names to follow")] = None,
    lang: Lang = None,
    fold_above: FoldAbove = None,
) -> str:
    from viz.pages import neighbourhood_page
    from viz.views import DEFAULT_FOLD_ABOVE

    return neighbourhood_page(
        store,
        name,
        hops=hops,
        relation_types=relation,
        lang=lang,
        fold_above=fold_above or DEFAULT_FOLD_ABOVE,
        served=True,
        ui_lang=ui_lang,
        here=page,
    )


@router.get("/entity/{name}", response_class=HTMLResponse, summary="An entity's page")
def entity(
    store: StoreDep, _: Reader, ui_lang: PageLang, page: Here, name: str, lang: Lang = None
) -> str:
    from viz.pages import entity_page

    return entity_page(store, name, lang=lang, served=True, ui_lang=ui_lang, here=page)


@router.get("/who-decides", response_class=HTMLResponse, summary="Who decides [subject]?")
def who_decides(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    subject: str | None = None,
    action: str | None = None,
    as_of: str | None = None,
    lang: Annotated[str | None, Query(description="da, nb or en")] = None,
) -> str:
    from viz.pages import who_decides_page

    return who_decides_page(
        store,
        subject or None,
        action=action or None,
        as_of=as_of or None,
        lang=_lang(lang) if lang in ("da", "nb", "en") else None,
        served=True,
        ui_lang=ui_lang,
        here=page,
    )


@router.get("/impact", response_class=HTMLResponse, summary="What is hit if [X] slips / fails?")
def impact(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    node: str | None = None,
    direction: Literal["downstream", "upstream"] = "downstream",
    as_of: str | None = None,
    lang: Annotated[str | None, Query(description="da, nb or en")] = None,
    max_depth: Annotated[int | None, Query(ge=1, le=50, description="steps to follow")] = None,
    min_criticality: Annotated[
        Literal["critical", "high", "medium", "low", ""] | None,
        Query(description="only dependencies at least this critical"),
    ] = None,
    late_days: Annotated[
        int | None, Query(ge=0, le=3650, description="also show what moves if it is N days late")
    ] = None,
) -> str:
    from viz.pages import impact_page

    return impact_page(
        store,
        node or None,
        direction=direction,
        max_depth=max_depth,
        min_criticality=min_criticality or None,
        late_days=late_days,
        as_of=as_of or None,
        lang=lang if lang in ("da", "nb", "en") else None,
        served=True,
        ui_lang=ui_lang,
        here=page,
    )


@router.get("/chains", response_class=HTMLResponse, summary="Critical dependency chains")
def chains(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    lang: Lang = None,
) -> str:
    from viz.pages import chains_page

    return chains_page(store, k=k, lang=lang, served=True, ui_lang=ui_lang, here=page)


@router.get("/org-chart", response_class=HTMLResponse, summary="Org chart (reporting lines)")
def org_chart(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    root: Annotated[
        str | None, Query(description="draw only this body and what reports to it")
    ] = None,
    lang: Lang = None,
) -> str:
    from viz.orgchart import org_chart_page

    return org_chart_page(store, root or None, lang=lang, served=True, ui_lang=ui_lang, here=page)


@router.get("/suggest", summary="Names for the question forms' autocomplete")
def suggest(
    store: StoreDep,
    _: Reader,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1, le=50)] = 15,
    lang: Lang = None,
) -> list[dict[str, Any]]:
    from graph.queries.describe import search

    return search(store, q, limit=limit, lang=lang)


DayParam = Annotated[str | None, Query(max_length=10, description="YYYY[-MM[-DD]]")]


@router.get("/check", response_class=HTMLResponse, summary="Gaps and overlaps, as a page")
def check(
    store: StoreDep,
    settings: SettingsDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    as_of: DayParam = None,
    lang: Lang = None,
) -> str:
    from viz.question_pages import check_page

    return check_page(
        store,
        ui_lang=ui_lang,
        as_of=as_of or None,
        lang=lang,
        documents_dir=settings.data_dir,
        here=page,
    )


@router.get("/diff", response_class=HTMLResponse, summary="What changed between two days?")
def diff(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    from_date: Annotated[
        str | None, Query(alias="from", max_length=10, description="YYYY[-MM[-DD]]")
    ] = None,
    to_date: Annotated[
        str | None, Query(alias="to", max_length=10, description="YYYY[-MM[-DD]]")
    ] = None,
    lang: Lang = None,
) -> str:
    from viz.question_pages import diff_page

    return diff_page(
        store,
        ui_lang=ui_lang,
        from_date=from_date or None,
        to_date=to_date or None,
        lang=lang,
        here=page,
    )


@router.get("/slip", response_class=HTMLResponse, summary="What if [X] is N days late?")
def slip(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    node: str | None = None,
    days: Annotated[int | None, Query(ge=0, le=3650, description="days late")] = None,
    as_of: DayParam = None,
    lang: Lang = None,
) -> str:
    from viz.question_pages import slip_page

    return slip_page(
        store,
        ui_lang=ui_lang,
        node=node or None,
        days=days,
        as_of=as_of or None,
        lang=lang,
        here=page,
    )
