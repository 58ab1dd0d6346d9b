"""The SPARQL 1.1 Protocol endpoint (query only; updates are refused)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import Reader, SparqlDep, accepted
from api.sparql import GRAPH_MEDIA, RESULT_MEDIA, refuse_update
from ontology.errors import InvalidArgument

router = APIRouter(tags=["sparql"])

_EXAMPLE = "PREFIX gg: <https://w3id.org/govgraph/ontology#> SELECT ?s WHERE { ?s a gg:GoverningBody } LIMIT 10"
_RESPONSES: dict[int | str, dict[str, Any]] = {
    "200": {"content": {m: {} for m in [*RESULT_MEDIA, *GRAPH_MEDIA]}}
}
DefaultGraphs = Annotated[
    list[str] | None,
    Query(alias="default-graph-uri", description="graphs forming the default graph (default: all)"),
]


@router.get("/sparql", summary="SPARQL query (GET)", responses=_RESPONSES)
async def sparql_get(
    request: Request,
    runner: SparqlDep,
    _: Reader,
    query: Annotated[str, Query(examples=[_EXAMPLE])],
    default_graphs: DefaultGraphs = None,
) -> Response:
    return await _run(request, runner, query, default_graphs)


@router.post(
    "/sparql",
    summary="SPARQL query (POST: form-encoded `query`, or an application/sparql-query body)",
    responses=_RESPONSES,
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {"query": {"type": "string", "example": _EXAMPLE}},
                        "required": ["query"],
                    }
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            }
        }
    },
)
async def sparql_post(
    request: Request, runner: SparqlDep, _: Reader, default_graphs: DefaultGraphs = None
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update":
        raise refuse_update()
    if media == "application/sparql-query":
        query = (await request.body()).decode("utf-8", errors="replace")
    elif media == "application/x-www-form-urlencoded":
        # parsed here rather than with request.form(), which needs python-multipart
        form = parse_qs((await request.body()).decode("utf-8", errors="replace"))
        if "update" in form:
            raise refuse_update()
        query = (form.get("query") or [""])[0]
        default_graphs = default_graphs or form.get("default-graph-uri")
    else:
        raise InvalidArgument(
            "Content-Type",
            "send application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    return await _run(request, runner, query, default_graphs)


async def _run(
    request: Request, runner: SparqlDep, query: str, default_graphs: list[str] | None
) -> Response:
    body, media = await run_in_threadpool(
        runner.run, query, accepted(request), default_graphs=default_graphs or None
    )
    return Response(body, media_type=media)
