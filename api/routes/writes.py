"""Writes (editor role): create, replace, patch and retire entities; upload a batch.

Every write is validated, audited and applied atomically before it is acknowledged
(:mod:`api.writes`, :mod:`api.audit`); entity answers carry an ``ETag`` and writes honour
``If-Match`` (docs/api.md, "Writes").
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header, Query, Request, Response
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
_YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml"}
_FORMATS = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/trig": "trig",
}


IfMatch = Annotated[
    str | None,
    Header(description="the ETag last read: the write is refused with 412 if it changed"),
]


def _client(request: Request) -> str | None:
    return request.client.host if request.client else None


def _tagged(response: Response, answer: dict[str, Any]) -> dict[str, Any]:
    if answer.get("etag"):
        response.headers["ETag"] = answer["etag"]
    return answer


@router.post(
    "/entities",
    status_code=201,
    summary="Create an entity (editor); 409 if the id exists",
)
def create(
    request: Request,
    response: Response,
    writer: WriterDep,
    who: Editor,
    body: Annotated[EntityWrite, Body(examples=[_EXAMPLE])],
) -> dict[str, Any]:
    answer = writer.create_entity(
        who, body.entity, reason=body.reason, source=body.source, client=_client(request)
    )
    response.headers["Location"] = f"/entities/{answer['target']}"
    return _tagged(response, answer)


@router.put(
    "/entities/{name}",
    summary="Replace an entity's own statements (editor); honours If-Match",
)
def update(
    request: Request,
    response: Response,
    writer: WriterDep,
    who: Editor,
    name: str,
    body: Annotated[EntityWrite, Body(examples=[_EXAMPLE])],
    if_match: IfMatch = None,
) -> dict[str, Any]:
    answer = writer.update_entity(
        who,
        name,
        body.entity,
        if_match=if_match,
        reason=body.reason,
        source=body.source,
        client=_client(request),
    )
    return _tagged(response, answer)


@router.patch(
    "/entities/{name}",
    summary="Change some fields of an entity (editor); honours If-Match",
)
def patch(
    request: Request,
    response: Response,
    writer: WriterDep,
    who: Editor,
    name: str,
    body: Annotated[EntityWrite, Body(examples=[{"entity": {"label": {"en": "New name"}}}])],
    if_match: IfMatch = None,
) -> dict[str, Any]:
    answer = writer.patch_entity(
        who,
        name,
        body.entity,
        if_match=if_match,
        reason=body.reason,
        source=body.source,
        client=_client(request),
    )
    return _tagged(response, answer)


@router.delete(
    "/entities/{name}",
    summary="Retire an entity: end its validity (editor); honours If-Match",
)
def retire(
    request: Request,
    response: Response,
    writer: WriterDep,
    who: Editor,
    name: str,
    on: Annotated[str | None, Query(description="end date; default today")] = None,
    reason: Reason = None,
    source: Source = None,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    answer = writer.retire_entity(
        who, name, on=on, if_match=if_match, reason=reason, source=source, client=_client(request)
    )
    return _tagged(response, answer)


@router.post(
    "/batches",
    status_code=201,
    summary="Upload a YAML or RDF document as one atomic batch (editor)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                # a YAML batch is one mapping of sections (docs/authoring.md)
                "application/yaml": {"schema": {"type": "object"}},
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
    stated = _FORMATS.get(media) or ("yaml" if media in _YAML_TYPES else None)
    if format and stated and format != stated:
        raise InvalidArgument(
            "format",
            f"format={format} contradicts Content-Type {media}: drop one or make them agree",
        )
    fmt = format or stated or "yaml"
    from starlette.concurrency import run_in_threadpool

    client = _client(request)
    result: dict[str, Any] = await run_in_threadpool(
        lambda: writer.upload(
            who, text, fmt, graph=graph, reason=reason, source=source, client=client
        )
    )
    return result
