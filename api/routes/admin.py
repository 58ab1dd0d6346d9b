"""Store information, the named graphs, and the audit log (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import Admin, Reader, StoreDep
from api.limits import MAX_PAGE, page
from api.models import GraphList
from graph.queries.stats import stats

router = APIRouter(tags=["admin"])


@router.get("/stats", summary="Triples, named graphs and entities by type")
def info(store: StoreDep, _: Reader) -> dict[str, Any]:
    return stats(store)


@router.get(
    "/graphs",
    summary="The named graphs (what a batch upload may replace), a page at a time",
    response_model=GraphList,
)
def graphs(
    store: StoreDep,
    _: Reader,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="most graphs shown")] = MAX_PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="graphs to skip")] = 0,
) -> dict[str, Any]:
    shown, paging = page(store.graph_names(), limit=limit, offset=offset)
    return {"graphs": shown, "page": paging}


@router.get("/audit", summary="The audit log of writes, newest first (admin)")
def audit(
    request: Request,
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> dict[str, Any]:
    entries: dict[str, Any] = request.app.state.writer.log.entries(limit=limit, offset=offset)
    entries["page"] = {"total": entries.get("total", 0), "limit": limit, "offset": offset}
    return entries
