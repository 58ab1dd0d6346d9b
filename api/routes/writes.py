"""Writes (editor role): create, update and retire entities; upload a YAML or Turtle batch.

Every write is validated, applied atomically and audited before it is acknowledged
(:mod:`api.audit`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Query, Request
from pydantic import BaseModel, Field

from api.deps import Editor, WriterDep
from api.http_errors import LimitExceeded
from ontology.errors import InvalidArgument

router = APIRouter(tags=["writes"])

MAX_BODY = 5 * 1024 * 1024
_EXAMPLE = {
    "entity": {
        "id": "api-test-board",
        "type": "body",
        "label": {"da": "Testbestyrelse", "en": "Test board"},
        "part_of": "region-hovedstaden",
    },
    "reason": "new board set up in 2025",
    "source": "minutes 2025-03-01",
}


class EntityWrite(BaseModel):
    """One entity record in the YAML authoring format (docs/authoring.md), as JSON."""

    entity: dict[str, Any] = Field(description="an `entities:` record: id, type, label, ...")
    reason: str | None = Field(None, max_length=2000, description="why (for the audit log)")
    source: str | None = Field(None, max_length=2000, description="the source document")


Reason = Annotated[str | None, Query(max_length=2000, description="why (audit log)")]
Source = Annotated[str | None, Query(max_length=2000, description="source document (audit log)")]
_FORMATS = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/trig": "trig",
}


@router.post("/entities", status_code=201, summary="Create an entity (editor)")
def create(
    writer: WriterDep, who: Editor, body: Annotated[EntityWrite, Body(examples=[_EXAMPLE])]
) -> dict[str, Any]:
    return writer.create_entity(who, body.entity, reason=body.reason, source=body.source)


@router.put("/entities/{name}", summary="Replace an entity's own statements (editor)")
def update(
    writer: WriterDep,
    who: Editor,
    name: str,
    body: Annotated[EntityWrite, Body(examples=[_EXAMPLE])],
) -> dict[str, Any]:
    return writer.update_entity(who, name, body.entity, reason=body.reason, source=body.source)


@router.delete("/entities/{name}", summary="Retire an entity: end its validity (editor)")
def retire(
    writer: WriterDep,
    who: Editor,
    name: str,
    on: Annotated[str | None, Query(description="end date; default today")] = None,
    reason: Reason = None,
    source: Source = None,
) -> dict[str, Any]:
    return writer.retire_entity(who, name, on=on, reason=reason, source=source)


@router.post(
    "/batches",
    status_code=201,
    summary="Upload a YAML or RDF document as one atomic batch (editor)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/yaml": {"schema": {"type": "string"}},
                "text/turtle": {"schema": {"type": "string"}},
            },
        }
    },
)
async def upload(
    request: Request,
    writer: WriterDep,
    who: Editor,
    format: Annotated[
        Literal["yaml", "ttl", "nt", "jsonld", "trig"] | None,
        Query(description="default: from Content-Type (YAML unless an RDF type)"),
    ] = None,
    graph: Annotated[
        str | None, Query(description="graph to replace (GET /graphs) or a new batch slug")
    ] = None,
    reason: Reason = None,
    source: Source = None,
) -> dict[str, Any]:
    raw = await request.body()
    if len(raw) > MAX_BODY:
        raise LimitExceeded("body", f"the body has {len(raw)} bytes; the limit is {MAX_BODY}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgument("body", "the body is not UTF-8 text") from None
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = format or _FORMATS.get(media, "yaml")
    from starlette.concurrency import run_in_threadpool

    result: dict[str, Any] = await run_in_threadpool(
        lambda: writer.upload(who, text, fmt, graph=graph, reason=reason, source=source)
    )
    return result
