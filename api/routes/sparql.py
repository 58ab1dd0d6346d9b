"""The SPARQL 1.1 Protocol endpoint (query only; updates are refused)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Query, Request, Response

from api.answers import serve
from api.deps import Reader, SparqlDep, accepted, client_of
from api.read_route import ReadRoute
from api.sparql import GRAPH_MEDIA, RESULT_MEDIA, refuse_update
from ontology.errors import InvalidArgument

router = APIRouter(tags=["sparql"], route_class=ReadRoute)

_EXAMPLE = "PREFIX gg: <https://w3id.org/govgraph/ontology#> SELECT ?s WHERE { ?s a gg:GoverningBody } LIMIT 10"
_MEDIA = list(dict.fromkeys([*RESULT_MEDIA, *GRAPH_MEDIA]))
_RESPONSES: dict[int | str, dict[str, Any]] = {
    "200": {
        "description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph, by `Accept`",
        "content": {m: {"schema": {}} for m in _MEDIA},
        "headers": {"Vary": {"schema": {"type": "string"}}},
    }
}
DefaultGraphs = Annotated[
    list[str] | None,
    Query(
        alias="default-graph-uri",
        description="graphs forming the default graph (overrides FROM; default: all graphs)",
    ),
]
NamedGraphs = Annotated[
    list[str] | None,
    Query(alias="named-graph-uri", description="the graphs GRAPH may see (overrides FROM NAMED)"),
]
_BODY = {
    "application/x-www-form-urlencoded": {
        "schema": {
            "type": "object",
            "properties": {
                "query": {"type": "string", "minLength": 1, "example": _EXAMPLE},
                "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                "named-graph-uri": {"type": "array", "items": {"type": "string"}},
            },
            "required": ["query"],
        }
    },
    "application/sparql-query": {"schema": {"type": "string", "minLength": 1}},
}


@router.get("/sparql", summary="SPARQL query (GET)", responses=_RESPONSES)
async def sparql_get(
    request: Request,
    endpoint: SparqlDep,
    _: Reader,
    query: Annotated[str, Query(min_length=1, examples=[_EXAMPLE])],
    default_graphs: DefaultGraphs = None,
    named_graphs: NamedGraphs = None,
) -> Response:
    params = request.query_params
    if "update" in params:
        raise refuse_update()
    if len(params.getlist("query")) > 1:
        raise InvalidArgument("query", "give one `query`, not several")
    return await _run(request, endpoint, query, default_graphs, named_graphs)


@router.post(
    "/sparql",
    summary="SPARQL query (POST: form-encoded `query`, or an application/sparql-query body)",
    responses=_RESPONSES,
    openapi_extra={"requestBody": {"required": True, "content": _BODY}},
)
async def sparql_post(
    request: Request,
    endpoint: SparqlDep,
    _: Reader,
    default_graphs: DefaultGraphs = None,
    named_graphs: NamedGraphs = None,
) -> Response:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "application/sparql-update" or "update" in request.query_params:
        raise refuse_update()
    if "query" in request.query_params:
        raise InvalidArgument("query", "send the query in the body of a POST, not in the URL")
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidArgument("body", "the body is not UTF-8 text") from None
    if media == "application/sparql-query":
        query = text
    elif media == "application/x-www-form-urlencoded":
        # parsed here rather than with request.form(), which needs python-multipart
        form = parse_qsl(text, keep_blank_values=True)
        fields: dict[str, list[str]] = {}
        for key, value in form:
            fields.setdefault(key, []).append(value)
        if "update" in fields:
            raise refuse_update()
        if len(fields.get("query", [])) != 1:
            raise InvalidArgument("query", "give exactly one `query` field")
        query = fields["query"][0]
        default_graphs = (default_graphs or []) + fields.get("default-graph-uri", [])
        named_graphs = (named_graphs or []) + fields.get("named-graph-uri", [])
    else:
        raise InvalidArgument(
            "Content-Type",
            "send application/x-www-form-urlencoded (query=...) or application/sparql-query",
        )
    return await _run(request, endpoint, query, default_graphs, named_graphs)


async def _run(
    request: Request,
    endpoint: SparqlDep,
    query: str,
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
) -> Response:
    accept = accepted(request)
    return await serve(
        request,
        request.app.state.store,
        lambda: endpoint.run(
            query,
            accept,
            client=client_of(request),
            default_graphs=default_graphs or None,
            named_graphs=named_graphs or None,
        ),
        media=",".join(accept),
        encode=lambda answer: answer[0],
        media_of=lambda answer: answer[1],
        headers={"Vary": "Accept"},
        # a POST's query is in its body, which the key must hold; a GET's is in the URL
        vary=(query, tuple(default_graphs or ()), tuple(named_graphs or ()))
        if request.method == "POST"
        else (),
        waits=True,  # on a worker process: never on the event loop
    )
