"""The governance and dependency queries; each handler calls one library function.

A query whose module has not landed yet is left out of the app (and of the OpenAPI schema).
"""

from __future__ import annotations

import importlib
from importlib.util import find_spec
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query

from api.deps import Reader, StoreDep

router = APIRouter(tags=["queries"])

Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language")]
AsOf = Annotated[
    str | None,
    Query(description="date (YYYY, YYYY-MM or YYYY-MM-DD); default today", examples=["2024-01-01"]),
]


def _query(module: str, function: str) -> Any:
    return getattr(importlib.import_module(f"graph.queries.{module}"), function)


def _has(module: str) -> bool:
    return find_spec(f"graph.queries.{module}") is not None


if _has("who_decides"):

    @router.get("/who-decides", summary="Who holds the mandate to act on a subject, and why")
    def who_decides(
        store: StoreDep,
        _: Reader,
        subject: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
        action: Annotated[str | None, Query(examples=["decide"])] = None,
        as_of: AsOf = None,
        lang: Lang = None,
    ) -> dict[str, Any]:
        run = _query("who_decides", "who_decides")
        result: dict[str, Any] = run(store, subject, action=action, as_of=as_of, lang=lang)
        return result


if _has("impact"):

    @router.get("/impact", summary="What depends on a node (or what it needs), transitively")
    def impact(
        store: StoreDep,
        _: Reader,
        node: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
        direction: Literal["downstream", "upstream"] = "downstream",
        max_depth: Annotated[int | None, Query(ge=1, le=100)] = None,
        types: Annotated[list[str] | None, Query(examples=[["system"]])] = None,
        min_criticality: Annotated[str | None, Query(examples=["high"])] = None,
        as_of: AsOf = None,
        lang: Lang = None,
    ) -> dict[str, Any]:
        run = _query("impact", "impact")
        result: dict[str, Any] = run(
            store,
            node,
            direction=direction,
            max_depth=max_depth,
            types=types,
            min_criticality=min_criticality,
            as_of=as_of,
            lang=lang,
        )
        return result


if _has("check"):

    @router.get("/check", summary="Governance consistency findings, most severe first")
    def check(store: StoreDep, _: Reader, as_of: AsOf = None) -> dict[str, Any]:
        result: dict[str, Any] = _query("check", "check")(store, as_of=as_of)
        return result


if _has("chains"):

    @router.get("/chains", summary="The k most critical dependency chains")
    def chains(
        store: StoreDep,
        _: Reader,
        k: Annotated[int, Query(ge=1, le=100)] = 5,
        as_of: AsOf = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = _query("chains", "critical_chains")(store, k=k, as_of=as_of)
        return result


if _has("slip"):

    @router.get("/slip", summary="What slips, and by how much, if a node is late by `days`")
    def slip(
        store: StoreDep,
        _: Reader,
        node: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
        days: Annotated[int, Query(ge=-3650, le=3650, examples=[30])],
    ) -> dict[str, Any]:
        result: dict[str, Any] = _query("slip", "slip")(store, node, days=days)
        return result


if _has("diff"):

    @router.get("/diff", summary="What changed in governance between two dates")
    def diff(
        store: StoreDep,
        _: Reader,
        from_date: Annotated[str, Query(alias="from", examples=["2020-01-01"])],
        to_date: Annotated[str, Query(alias="to", examples=["2024-01-01"])],
    ) -> dict[str, Any]:
        result: dict[str, Any] = _query("diff", "diff")(store, from_date=from_date, to_date=to_date)
        return result


if _has("whatif"):

    @router.post("/what-if", summary="The effect of hypothetical changes (nothing is written)")
    def whatif(
        store: StoreDep,
        _: Reader,
        changes: Annotated[
            list[dict[str, Any]],
            Body(embed=True, examples=[[{"remove": "sundhedsplatformen"}]]),
        ],
    ) -> dict[str, Any]:
        result: dict[str, Any] = _query("whatif", "whatif")(store, changes)
        return result
