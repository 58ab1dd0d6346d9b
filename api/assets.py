"""Files the app serves itself: the views' scripts and styles, the API docs, the favicon.

Nothing is loaded from a CDN. Swagger UI and ReDoc come from the ``fastapi-offline`` package
(it ships ``swagger-ui-bundle.js``, ``swagger-ui.css`` and ``redoc.standalone.js``); the views'
vis-network, script and style from ``viz/static``. Each view page links them by a URL that
carries a hash of the file (``viz.page.asset_url``), so browsers keep them for a year and
fetch them again only when they change.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HERE = Path(__file__).resolve().parent
API_STATIC = HERE / "static"
VIEWS_STATIC_URL = "/static/viz"
DOCS_STATIC_URL = "/static/docs"
API_STATIC_URL = "/static/api"
CACHE_YEAR = "public, max-age=31536000, immutable"


def docs_static_dir() -> Path:
    """Where ``fastapi-offline`` keeps Swagger UI and ReDoc."""
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


class CachedStatic:
    """Static files with a long ``Cache-Control`` (their URLs change when their content does)."""

    def __init__(self, directory: Path) -> None:
        self.files: ASGIApp = StaticFiles(directory=directory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message.get("status") == 200:
                message["headers"] = [
                    *message.get("headers", []),
                    (b"cache-control", CACHE_YEAR.encode()),
                ]
            await send(message)

        await self.files(scope, receive, send_cached)


REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@lru_cache(maxsize=1)
def redoc_script() -> bytes:
    """ReDoc's bundle with its one outside request (the footer's logo) pointed at our favicon."""
    text = (docs_static_dir() / "redoc.standalone.js").read_text(encoding="utf-8")
    return text.replace(REDOC_LOGO, f"{VIEWS_STATIC_URL}/favicon.svg").encode("utf-8")


def _docs_page(title: str, head: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        f'<link rel="icon" href="{VIEWS_STATIC_URL}/favicon.svg" type="image/svg+xml">'
        f"{head}</head>{body}</html>"
    )


def install_assets(app: FastAPI) -> None:
    """Serve ``/static/...``, ``/docs`` (Swagger UI), ``/redoc`` and ``/favicon.ico``.

    The app must be created with ``docs_url=None, redoc_url=None`` so that these pages replace
    FastAPI's CDN-linked ones.
    """
    from viz.page import STATIC as VIZ_STATIC

    @app.get(f"{DOCS_STATIC_URL}/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        return Response(
            redoc_script(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount(VIEWS_STATIC_URL, CachedStatic(VIZ_STATIC), name="viz-static")
    app.mount(DOCS_STATIC_URL, CachedStatic(docs_static_dir()), name="docs-static")
    app.mount(API_STATIC_URL, CachedStatic(API_STATIC), name="api-static")
    openapi = app.openapi_url or "/openapi.json"
    title = f"{app.title} · API"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return HTMLResponse(
            _docs_page(
                title,
                f'<link rel="stylesheet" href="{DOCS_STATIC_URL}/swagger-ui.css">',
                f'<body data-openapi="{html.escape(openapi)}"><main id="swagger-ui"></main>'
                f'<script src="{DOCS_STATIC_URL}/swagger-ui-bundle.js"></script>'
                f'<script src="{API_STATIC_URL}/swagger-init.js"></script></body>',
            )
        )

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(
            _docs_page(
                title,
                "",
                f'<body><redoc spec-url="{html.escape(openapi)}"></redoc>'
                f'<script src="{DOCS_STATIC_URL}/redoc.standalone.js"></script></body>',
            )
        )

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(
            VIZ_STATIC / "favicon.svg",
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )
