"""Pages for people to browse: source documents with their quotes highlighted (and, below,
entities by type and organisation, search results and the mandate matrix)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import Reader, SettingsDep, StoreDep
from api.routes.views import Here, PageLang

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
