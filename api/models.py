"""Response models of the main JSON answers, for the OpenAPI schema and its conformance tests.

The answers are built by the query functions (``graph.queries``) as plain dicts; these models
describe them. Each model allows extra keys (``extra="allow"``), so a key a query adds later
passes through unchanged and is documented as soon as it is named here; routes use
``response_model_exclude_unset`` so an optional key absent from an answer stays absent.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Ref(_Open):
    """An entity as every answer shows one."""

    id: str
    label: str | None = None
    type: str | None = None


class Citation(_Open):
    """Where a fact is written: the seed document and a verbatim quote."""

    document: str | None = None
    title: str | None = None
    quote: str | None = None


class Page(BaseModel):
    """Which slice of a list answer this is (query parameters ``limit`` and ``offset``)."""

    total: int = Field(ge=0, description="items in the whole answer")
    limit: int = Field(ge=1, description="most items shown")
    offset: int = Field(ge=0, description="items skipped")


class ErrorBody(_Open):
    """The one error shape of every route (docs/api.md, "Errors")."""

    error: str = Field(description="a stable code: not_found, invalid_argument, ...")
    message: str = Field(description="what went wrong and what to do, as the CLI says it")
    status: int = Field(description="the HTTP status")


class Decider(Ref):
    """A holder of a mandate over the subject, with the mandate, path and citations."""

    id: str | None = None  # type: ignore[assignment]  # entries of other_mandates may lack one
    mandate: dict[str, Any] | None = None
    path: list[Any] = []
    distance: int | None = None
    citations: list[Citation] = []
    role: str | None = Field(None, description="decides, advises, implements or follows_up")
    status: str | None = Field(None, description="other_mandates: recommended, planned, ended")


class WhoDecides(_Open):
    """``GET /who-decides``: who holds the mandate to act on a subject, and why."""

    subject: Ref
    action: str | None = None
    as_of: str | None = None
    deciders: list[Decider]
    escalation: list[Any] = []
    excluded: list[Any] = []
    gap: bool
    nearest_bodies: list[Any] = []
    within: list[Decider] | None = None
    other_mandates: list[Decider] | None = None
    held_by_subject: list[Any] = Field(
        default=[],
        description="The subject body's own mandates in force: they answer who decides over "
        "their scopes, never over the body itself.",
    )


class Impacted(Ref):
    """One item reached from the root, with its distance, path and weakest criticality."""

    distance: int
    path: list[str]
    criticality: str | None = None


class Impact(_Open):
    """``GET /impact``: what depends on a node (or what it needs), transitively."""

    root: Ref
    direction: str
    as_of: str | None = None
    impacted: list[Impacted]
    bodies_to_inform: list[dict[str, Any]]
    message: str | None = None
    page: Page | None = None


class Relation(_Open):
    predicate: str
    direction: str
    target: Ref
    citations: list[Citation] = []


class Entity(_Open):
    """``GET /entities/{name}``: one entity's facts, relations, members, mandates, citations."""

    id: str
    iri: str
    label: str | None = None
    type: str | None = None
    labels: dict[str, str] = {}
    alt_labels: list[str] = []
    valid: dict[str, Any] = {}
    properties: dict[str, list[Any]] = {}
    relations: list[Relation] = []
    members: list[Any] = []
    mandates: list[Any] = []
    citations: list[Citation] = []


class Hit(Ref):
    alt_labels: list[str] = []


class SearchAnswer(_Open):
    """``GET /search``: entities whose id, label or alias matches, best first."""

    query: str
    results: list[Hit]
    page: Page


class EntityList(_Open):
    """``GET /entities``: a page of entities ordered by label."""

    total: int
    offset: int
    limit: int
    entities: list[Hit]
    page: Page


class GraphList(_Open):
    """``GET /graphs``: the named graphs, a page at a time."""

    graphs: list[str]
    page: Page


#: ``GET /impact`` with ``Accept: application/x-ndjson``: the JSON schema of one line (exactly
#: one of these keys; see graph.queries.impact_stream)
IMPACT_PART_SCHEMA: dict[str, Any] = {
    "title": "ImpactPart",
    "type": "object",
    "minProperties": 1,
    "maxProperties": 1,
    "properties": {
        "head": {
            "type": "object",
            "description": "first: root, direction, as_of, also, summary, items (how many item "
            "lines follow), message (nothing impacted), page (with a limit)",
            "required": ["root", "direction", "items", "summary"],
        },
        "item": {"$ref": "#/components/schemas/Impacted"},
        "bodies_to_inform": {
            "type": "array",
            "items": {"type": "object"},
            "description": "after each page: whom to tell about that page's items",
        },
        "end": {
            "type": "object",
            "properties": {"items": {"type": "integer"}},
            "description": "last: the stream is complete",
        },
        "error": {"$ref": "#/components/schemas/ErrorBody"},
    },
}
