"""Entities: list, search, describe (JSON, Turtle, JSON-LD, N-Triples), and the export."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from api.deps import RDF_MEDIA, Reader, StoreDep, negotiate
from graph.entity_state import entity_etag
from graph.export import export_graph, serialise
from graph.queries.describe import describe, list_entities, search

router = APIRouter(tags=["entities"])

Lang = Annotated[Literal["da", "nb", "en"] | None, Query(description="label language (da, nb, en)")]
_ENTITY: dict[int | str, dict[str, Any]] = {
    "200": {
        "description": "the entity; JSON by default, RDF by `Accept`",
        "content": {m: {} for m in RDF_MEDIA if m != "application/json"},
    }
}


@router.get("/entities", summary="List entities, optionally of one type, a page at a time")
def entities(
    store: StoreDep,
    _: Reader,
    type: Annotated[str | None, Query(examples=["body"], description="e.g. body, system")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
    lang: Lang = None,
) -> dict[str, Any]:
    return list_entities(store, kind=type, limit=limit, offset=offset, lang=lang)


@router.get("/search", summary="Find entities by id, label or alias (any language)")
def find(
    store: StoreDep,
    _: Reader,
    q: Annotated[str, Query(min_length=1, examples=["styre"])],
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    lang: Lang = None,
) -> dict[str, Any]:
    return {"query": q, "results": search(store, q, limit=limit, lang=lang)}


@router.get(
    "/entities/{name}",
    summary="One entity: facts, relations, members, mandates, citations",
    responses=_ENTITY,
)
def entity(request: Request, store: StoreDep, _: Reader, name: str, lang: Lang = None) -> Any:
    """``name`` is an id, label or alias. `Accept: text/turtle` or `application/ld+json` gives
    the entity's own triples as RDF."""
    media = negotiate(request, RDF_MEDIA, "application/json")
    described = describe(store, name, lang=lang)
    # The version a write's If-Match must name (docs/api.md, "Writes").
    headers = {"ETag": entity_etag(store, described["iri"]) or ""}
    if media == "application/json":
        return JSONResponse(jsonable_encoder(described), headers=headers)
    subject = described["iri"]
    triples = [*store.triples(subject), *store.triples(subject + "#validity")]
    return Response(serialise(triples, RDF_MEDIA[media]), media_type=media, headers=headers)


@router.get(
    "/export",
    summary="The whole graph (Turtle by default; JSON-LD, N-Triples by `Accept`)",
    responses={"200": {"content": {m: {} for m in RDF_MEDIA}}},
)
def export(
    request: Request,
    store: StoreDep,
    _: Reader,
    with_ontology: Annotated[bool, Query(description="include the ontology graph")] = False,
) -> Response:
    media = negotiate(request, RDF_MEDIA, "text/turtle")
    fmt = "jsonld" if media == "application/json" else RDF_MEDIA[media]
    return Response(export_graph(store, fmt, with_ontology=with_ontology), media_type=media)
