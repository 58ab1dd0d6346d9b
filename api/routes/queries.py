"""The governance and dependency queries; each handler calls one library function."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request, Response

from api.answers import serve
from api.deps import Reader, SettingsDep, StoreDep
from api.http_errors import LimitExceeded
from api.limits import MAX_PAGE, page
from api.models import IMPACT_PART_SCHEMA, Impact, WhoDecides
from api.read_route import ReadRoute
from api.streams import NDJSON, ndjson, wants_stream
from graph.queries.chains import critical_chains
from graph.queries.check import check as queries_check
from graph.queries.diff import diff as queries_diff
from graph.queries.events import events as queries_events
from graph.queries.impact import impact as queries_impact
from graph.queries.impact_stream import impact_stream
from graph.queries.slip import slip as queries_slip
from graph.queries.whatif import whatif as queries_whatif
from graph.queries.who_decides import who_decides as queries_who_decides
from ontology.errors import InvalidArgument

router = APIRouter(tags=["queries"], route_class=ReadRoute)

Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language")]
#: a date parameter's shape, declared in the OpenAPI schema; the calendar check (2024-02-30)
#: stays the query's own and answers 400
DATE: dict[str, Any] = {
    "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
    "description": "date: YYYY, YYYY-MM or YYYY-MM-DD",
}
AsOf = Annotated[
    str | None,
    Query(
        pattern=DATE["pattern"],
        description="date (YYYY, YYYY-MM or YYYY-MM-DD); default today",
        examples=["2024-01-01"],
    ),
]


@router.get(
    "/who-decides",
    summary="Who holds the mandate to act on a subject, and why",
    response_model=WhoDecides,
    response_model_exclude_unset=True,
)
async def who_decides(
    request: Request,
    store: StoreDep,
    _: Reader,
    subject: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
    action: Annotated[str | None, Query(examples=["decide"])] = None,
    as_of: AsOf = None,
    lang: Lang = None,
) -> Response:
    return await serve(
        request,
        store,
        lambda: queries_who_decides(store, subject, action=action, as_of=as_of, lang=lang),
    )


@router.get(
    "/impact",
    summary="What depends on a node (or what it needs), transitively",
    description="JSON: one page of `impacted` (`limit`, default 100). With `Accept: "
    "application/x-ndjson` the whole answer (or `offset`/`limit` of it) streams as lines: "
    "`head`, one `item` per impacted item, `bodies_to_inform` after each page, then `end` "
    "(or `error`); see docs/api.md.",
    response_model=Impact,
    response_model_exclude_unset=True,
    responses={
        "200": {
            "description": "the answer; NDJSON lines by `Accept: application/x-ndjson`",
            "content": {NDJSON: {"schema": IMPACT_PART_SCHEMA}},
        }
    },
)
async def impact(
    request: Request,
    store: StoreDep,
    _: Reader,
    node: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
    direction: Literal["downstream", "upstream"] = "downstream",
    max_depth: Annotated[int | None, Query(ge=1, le=100)] = None,
    types: Annotated[list[str] | None, Query(examples=[["system"]])] = None,
    min_criticality: Annotated[str | None, Query(examples=["high"])] = None,
    as_of: AsOf = None,
    lang: Lang = None,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=10_000_000,
            description=f"most items in `impacted` (JSON: default 100, at most {MAX_PAGE}; "
            "streamed: default all)",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")] = 0,
) -> Response:
    options: dict[str, Any] = {
        "direction": direction,
        "max_depth": max_depth,
        "types": types,
        "min_criticality": min_criticality,
        "as_of": as_of,
        "lang": lang,
        "offset": offset,
    }
    if wants_stream(request):
        parts = impact_stream(store, node, limit=limit, **options)
        return await ndjson(parts, page_end="bodies_to_inform")
    if limit is not None and limit > MAX_PAGE:
        raise InvalidArgument(
            "query.limit", f"at most {MAX_PAGE} items in one JSON page; stream more"
        )
    shown = 100 if limit is None else limit
    return await serve(
        request,
        store,
        lambda: queries_impact(store, node, limit=shown, **options),
        headers={"Vary": "Accept"},
    )


@router.get("/check", summary="Governance consistency findings, most severe first")
async def check(
    request: Request,
    store: StoreDep,
    _: Reader,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="most findings shown")] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000, description="findings to skip")] = 0,
) -> Response:
    def compute() -> dict[str, Any]:
        answer = queries_check(store, as_of=as_of)
        answer["findings"], answer["page"] = page(answer["findings"], limit=limit, offset=offset)
        return answer

    return await serve(request, store, compute)


@router.get("/chains", summary="The k most critical dependency chains")
async def chains(
    request: Request,
    store: StoreDep,
    _: Reader,
    k: Annotated[int, Query(ge=1, le=100)] = 5,
    as_of: AsOf = None,
) -> Response:
    return await serve(request, store, lambda: critical_chains(store, k=k, as_of=as_of))


@router.get("/slip", summary="What slips, and by how much, if a node is late by `days`")
async def slip(
    request: Request,
    store: StoreDep,
    _: Reader,
    node: Annotated[str, Query(min_length=1, examples=["sundhedsplatformen"])],
    days: Annotated[int, Query(ge=-3650, le=3650, examples=[30])],
) -> Response:
    return await serve(request, store, lambda: queries_slip(store, node, days=days))


@router.get("/diff", summary="What changed in governance between two dates")
async def diff(
    request: Request,
    store: StoreDep,
    _: Reader,
    from_date: Annotated[str, Query(alias="from", examples=["2020-01-01"], **DATE)],
    to_date: Annotated[str, Query(alias="to", examples=["2024-01-01"], **DATE)],
) -> Response:
    return await serve(
        request, store, lambda: queries_diff(store, from_date=from_date, to_date=to_date)
    )


@router.get("/events", summary="Decisions and changes, oldest first, with their sources")
async def events(
    request: Request,
    store: StoreDep,
    _: Reader,
    subject: Annotated[str | None, Query(min_length=1, examples=["epj-syd"])] = None,
    from_date: Annotated[str | None, Query(alias="from", examples=["2018"], **DATE)] = None,
    to_date: Annotated[str | None, Query(alias="to", examples=["2020-12-31"], **DATE)] = None,
    lang: Lang = None,
) -> Response:
    return await serve(
        request,
        store,
        lambda: queries_events(store, subject, from_date=from_date, to_date=to_date, lang=lang),
    )


@router.post("/what-if", summary="The effect of hypothetical changes (nothing is written)")
def whatif(
    store: StoreDep,
    settings: SettingsDep,
    _: Reader,
    changes: Annotated[
        list[dict[str, Any]],
        Body(embed=True, min_length=1, examples=[[{"remove": "sundhedsplatformen"}]]),
    ],
) -> dict[str, Any]:
    if len(changes) > settings.whatif_max_changes:
        raise LimitExceeded(
            "whatif_max_changes",
            f"{len(changes)} changes; at most {settings.whatif_max_changes} are evaluated at once",
        )
    return queries_whatif(store, changes)
