"""The landing page and a health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import StoreDep

router = APIRouter(tags=["about"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing(store: StoreDep, request: Request) -> str:
    """The landing page for people: questions, browsing, and the developer links below."""
    from api.routes.views import here, page_language
    from viz.browse import home_page

    return home_page(store, ui_lang=page_language(request), here=here(request))


@router.get("/health", summary="Liveness and the store in use")
def health(store: StoreDep) -> dict[str, Any]:
    return {"status": "ok", "store": store.description, "generation": store.generation}
