"""Pages for people to browse: source documents with their quotes highlighted (and, below,
entities by type and organisation, search results and the mandate matrix)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from api.deps import Reader, SettingsDep, StoreDep
from api.routes.views import Here, Lang, PageLang

router = APIRouter(tags=["views"])


@router.get(
    "/documents/{doc_id}",
    response_class=HTMLResponse,
    summary="A source document with every quoted sentence highlighted",
)
def document(
    store: StoreDep, settings: SettingsDep, _: Reader, ui_lang: PageLang, page: Here, doc_id: str
) -> str:
    from viz.documents import document_page

    return document_page(store, doc_id, data_dir=settings.data_dir, ui_lang=ui_lang, here=page)


@router.get("/browse", response_class=HTMLResponse, summary="Every entity by type and organisation")
def browse(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    kind: Annotated[str | None, Query(alias="type", description="only this type")] = None,
    organisation: Annotated[str | None, Query(description="only this organisation")] = None,
    lang: Lang = None,
) -> str:
    from viz.browse import browse_page

    return browse_page(
        store,
        ui_lang=ui_lang,
        kind=kind or None,
        organisation=organisation or None,
        lang=lang,
        here=page,
    )


@router.get("/browse/search", response_class=HTMLResponse, summary="Search results, as a page")
def search(
    store: StoreDep,
    _: Reader,
    ui_lang: PageLang,
    page: Here,
    q: Annotated[str, Query(max_length=200)] = "",
    lang: Lang = None,
) -> str:
    from viz.browse import search_page

    return search_page(store, q, ui_lang=ui_lang, lang=lang, here=page)


@router.get(
    "/browse/mandates",
    response_class=HTMLResponse,
    summary="The mandate matrix: bodies x matters x actions, each cell linked to its quote",
)
def mandates(store: StoreDep, _: Reader, ui_lang: PageLang, page: Here, lang: Lang = None) -> str:
    from viz.matrix import matrix_page

    return matrix_page(store, ui_lang=ui_lang, lang=lang, here=page)
