"""Store information, the named graphs, and the audit log (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import Admin, Reader, StoreDep
from graph.queries.stats import stats

router = APIRouter(tags=["admin"])


@router.get("/stats", summary="Triples, named graphs and entities by type")
def info(store: StoreDep, _: Reader) -> dict[str, Any]:
    return stats(store)


@router.get("/graphs", summary="The named graphs (what a batch upload may replace)")
def graphs(store: StoreDep, _: Reader) -> dict[str, Any]:
    return {"graphs": store.graph_names()}


@router.get("/audit", summary="The audit log of writes, newest first (admin)")
def audit(
    request: Request,
    _: Admin,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> dict[str, Any]:
    entries: dict[str, Any] = request.app.state.writer.log.entries(limit=limit, offset=offset)
    return entries
