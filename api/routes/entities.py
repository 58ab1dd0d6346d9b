"""Entities: list, search, describe (JSON, Turtle, JSON-LD, N-Triples), and the export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response

from api.answers import dumps, serve
from api.deps import RDF_MEDIA, Reader, SettingsDep, StoreDep, negotiate
from api.http_errors import LimitExceeded
from api.limits import MAX_PAGE, page
from api.models import Entity, EntityList, SearchAnswer
from api.read_route import ReadRoute
from graph.entity_state import entity_etag
from graph.export import export_graph, serialise
from graph.queries.describe import describe, list_entities, search

router = APIRouter(tags=["entities"], route_class=ReadRoute)

Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language (da, nb, en)")]
_ENTITY: dict[int | str, dict[str, Any]] = {
    "200": {
        "description": "the entity; JSON by default, RDF by `Accept`",
        "content": {m: {} for m in RDF_MEDIA if m != "application/json"},
    }
}


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="most items in this page")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="items to skip")]


@router.get(
    "/entities",
    summary="List entities, optionally of one type, a page at a time",
    response_model=EntityList,
    response_model_exclude_unset=True,
)
async def entities(
    request: Request,
    store: StoreDep,
    _: Reader,
    type: Annotated[str | None, Query(examples=["body"], description="e.g. body, system")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    lang: Lang = None,
) -> Response:
    def compute() -> dict[str, Any]:
        answer = list_entities(store, kind=type, limit=limit, offset=offset, lang=lang)
        answer["page"] = {"total": answer["total"], "limit": limit, "offset": offset}
        return answer

    return await serve(request, store, compute)


@router.get(
    "/search",
    summary="Find entities by id, label or alias (any language)",
    response_model=SearchAnswer,
    response_model_exclude_unset=True,
)
async def find(
    request: Request,
    store: StoreDep,
    _: Reader,
    q: Annotated[str, Query(min_length=1, max_length=500, examples=["styre"])],
    limit: Limit = 20,
    offset: Offset = 0,
    lang: Lang = None,
) -> Response:
    def compute() -> dict[str, Any]:
        hits = search(store, q, limit=MAX_PAGE * 10, lang=lang)  # total: up to 10,000 matches
        shown, paging = page(hits, limit=limit, offset=offset)
        return {"query": q, "results": shown, "page": paging}

    return await serve(request, store, compute)


@router.get(
    "/entities/{name}",
    summary="One entity: facts, relations, members, mandates, citations",
    responses=_ENTITY,
    response_model=Entity,
    response_model_exclude_unset=True,
)
async def entity(
    request: Request,
    store: StoreDep,
    _: Reader,
    name: str,
    lang: Lang = None,
) -> Response:
    """``name`` is an id, label or alias. `Accept: text/turtle` or `application/ld+json` gives
    the entity's own triples as RDF."""
    media = negotiate(request, RDF_MEDIA, "application/json")

    def compute() -> tuple[bytes, str]:
        described = describe(store, name, lang=lang)
        # The version a write's If-Match must name (docs/api.md, "Writes").
        etag = entity_etag(store, described["iri"]) or ""
        if media == "application/json":
            return dumps(described), etag
        subject = described["iri"]
        triples = [*store.triples(subject), *store.triples(subject + "#validity")]
        return serialise(triples, RDF_MEDIA[media]), etag

    return await serve(
        request,
        store,
        compute,
        media=media,
        encode=lambda answer: answer[0],
        etag=lambda answer: answer[1],
        headers={"Vary": "Accept"},
    )


@router.get(
    "/export",
    summary="The whole graph (Turtle by default; JSON-LD, N-Triples by `Accept`)",
    responses={"200": {"content": {m: {} for m in RDF_MEDIA}}},
)
def export(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    _: Reader,
    with_ontology: Annotated[bool, Query(description="include the ontology graph")] = False,
) -> Response:
    media = negotiate(request, RDF_MEDIA, "text/turtle")
    if store.count() > settings.export_max_triples:
        raise LimitExceeded(
            "export_max_triples",
            f"the store holds more than {settings.export_max_triples} triples: export it with "
            "`govgraph export` on the server, or page through SPARQL CONSTRUCT with LIMIT/OFFSET",
        )
    fmt = "jsonld" if media == "application/json" else RDF_MEDIA[media]
    body = export_graph(store, fmt, with_ontology=with_ontology)
    return Response(body, media_type=media, headers={"Vary": "Accept"})
