"""The landing page and a health check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import StoreDep

router = APIRouter(tags=["about"])

_LINKS = [
    ("/docs", "API documentation (OpenAPI, try requests in the browser)"),
    ("/openapi.json", "OpenAPI schema"),
    ("/views", "Interactive views of the graph"),
    ("/entities?limit=20", "Entities, paged"),
    ("/search?q=styre", "Search: styre"),
    (
        "/ask?q=Hvem%20beslutter%20om%20Sundhedsplatformen%3F",
        "Ask: Hvem beslutter om Sundhedsplatformen?",
    ),
    ("/who-decides?subject=sundhedsplatformen", "Who decides about Sundhedsplatformen?"),
    ("/impact?node=sundhedsplatformen", "What depends on Sundhedsplatformen?"),
    ("/check", "Governance consistency findings"),
    ("/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%3Fs%20a%20%3Ft%7D%20LIMIT%205", "SPARQL"),
    ("/export", "The whole graph as Turtle"),
]


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def landing() -> str:
    from viz.page import environment

    box = environment().get_template("_question_box.html").render()
    items = "\n".join(f'<li><a href="{href}">{href}</a> {text}</li>' for href, text in _LINKS)
    return (
        "<!doctype html><html lang=en><meta charset=utf-8><title>govgraph</title>"
        "<body style='font-family:system-ui;max-width:46rem;margin:2rem auto'>"
        "<h1>govgraph</h1><p>Governance structure and dependencies of Nordic public health "
        "IT: who decides what, what depends on what, and where each fact is written down.</p>"
        f"{box}<ul>{items}</ul></body></html>"
    )


@router.get("/health", summary="Liveness and the store in use")
def health(store: StoreDep) -> dict[str, Any]:
    return {"status": "ok", "store": store.description, "generation": store.generation}
