"""``GET /ask``: a question in Danish, Norwegian or English; JSON, or the answer page for a
browser (``Accept: text/html``, as the question box sends)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import Reader, StoreDep

router = APIRouter(tags=["queries"])


@router.get(
    "/ask",
    summary="Answer a question asked in your own words (da, nb, en)",
    responses={200: {"content": {"text/html": {}}}},
)
def ask(
    request: Request,
    store: StoreDep,
    _: Reader,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=500,
            examples=["Hvem beslutter om Sundhedsplatformen?"],
            description="the question",
        ),
    ],
    lang: Annotated[Literal["da", "nb", "en"] | None, Query(description="label language")] = None,
    format: Annotated[
        Literal["json", "html"] | None,
        Query(description="json or html; default by the Accept header"),
    ] = None,
) -> Any:
    """The query's JSON plus ``interpreted_as`` and ``sentence``; an unreadable question gets
    ``choices``. A browser gets the answer page, with the candidates of an ambiguous name as
    links."""
    accept = request.headers.get("accept", "")
    if format == "html" or (format is None and "text/html" in accept):
        from viz.ask_page import ask_page

        return HTMLResponse(ask_page(store, q, lang=lang))
    from graph.ask import ask as query

    return query(store, q, lang=lang)
