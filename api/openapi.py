"""An honest OpenAPI schema: every status a route can answer, with the one error schema.

FastAPI documents only 200 and its own 422 validation shape. This module rewrites each
operation's responses from what the route depends on and does:

* every route: 400 (a malformed parameter or body), 413 (body limit), 503 (store unavailable);
* routes behind a token (any role): 401 and 429 (failed authentications are rate-limited);
  editor and admin routes also 403;
* routes that resolve a name: 404 and 409; routes that negotiate ``Accept``: 406;
* writes, ``/sparql``, ``/export`` and ``/what-if``: 422 (validation or a limit);
* ``/sparql``: 429 (per-client limit, pool saturated) with ``Retry-After``.

Reads carry an optional security requirement (``[{}, {HTTPBearer: []}]``) while
``GOVGRAPH_READ_ACCESS=open``: a token is accepted but not needed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from api.settings import Settings

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_WHY = {
    400: "a malformed parameter or body (`argument` names it)",
    401: "no valid bearer token (`WWW-Authenticate: Bearer`)",
    403: "the token's role is too low",
    404: "no such entity (`suggestions`)",
    406: "no representation matches `Accept` (`offered`)",
    409: "the name matches several entities (`candidates`); POST /entities: the id exists",
    412: "`If-Match` names a version that is no longer stored (`current`)",
    413: "the request body is over the limit (`limit_bytes`)",
    422: "a rule or a limit was broken (`violations` or `limit`); nothing was written",
    429: "too many requests from this client (`Retry-After`)",
    503: "the store, the audit log or a SPARQL worker is unavailable",
}
_RESOLVES = {"name", "subject", "node", "body", "doc_id"}  # body: a steering body (portfolio)
_NEGOTIATES = {"/entities/{name}", "/export", "/sparql"}
_LIMITED = {"/sparql", "/export", "/what-if", "/batches", "/entities", "/entities/{name}"}


def _roles(app: FastAPI) -> dict[tuple[str, str], str]:
    """(path, method) -> the role its dependencies ask for ("" for none)."""
    from fastapi.routing import APIRoute

    from api import deps

    calls: dict[Any, str] = {deps._reader: "reader", deps._editor: "editor", deps._admin: "admin"}

    def role_of(dependant: Any) -> str:
        for sub in dependant.dependencies:
            if sub.call in calls:
                return calls[sub.call]
            if found := role_of(sub):
                return found
        return ""

    def walk(routes: list[Any]) -> Any:
        for route in routes:
            if isinstance(route, APIRoute):
                yield route
            inner = getattr(route, "original_router", None)  # FastAPI >= 0.16x wraps routers
            if inner is not None and hasattr(inner, "routes"):
                yield from walk(inner.routes)

    found: dict[tuple[str, str], str] = {}
    for route in walk(app.routes):
        role = role_of(route.dependant)
        for method in route.methods:
            found[(route.path, method.lower())] = role
    return found


def statuses(path: str, method: str, role: str, parameters: list[str]) -> list[int]:
    """The error statuses an operation can answer.

    >>> statuses("/entities/{name}", "get", "reader", ["name", "lang"])
    [400, 401, 404, 406, 409, 413, 422, 429, 503]
    """
    codes = {400, 413, 503}
    if role:
        codes |= {401, 429}
    if role in ("editor", "admin"):
        codes.add(403)
    # /ask resolves the name inside its question: an unknown or shared name is 404/409 there too.
    if _RESOLVES & set(parameters) or path in ("/what-if", "/entities/{name}", "/ask"):
        codes |= {404, 409}
    if path == "/documents/{doc_id}":
        codes.add(404)  # no source document has that id (viz.documents)
    if path in _NEGOTIATES:
        codes.add(406)
    if path in _LIMITED or method != "get":
        codes.add(422)
    if path == "/sparql":
        codes.add(429)
    if path == "/entities" and method == "post":
        codes.add(409)  # the id exists (api.writes)
    if path == "/entities/{name}" and method in ("put", "patch", "delete"):
        codes.add(412)  # If-Match is stale (api.writes)
    return sorted(codes)


def install(app: FastAPI, settings: Settings) -> None:
    """Replace ``app.openapi`` with the rewritten schema (built once, then cached)."""
    from fastapi.openapi.utils import get_openapi

    from api.models import ErrorBody

    def schema() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        spec = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = spec.setdefault("components", {}).setdefault("schemas", {})
        components["ErrorBody"] = ErrorBody.model_json_schema()
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        roles = _roles(app)
        for path, operations in spec.get("paths", {}).items():
            for method, operation in operations.items():
                _rewrite(path, method, operation, roles.get((path, method), ""), settings)
        app.openapi_schema = spec
        return spec

    app.openapi = schema  # type: ignore[method-assign]


def _rewrite(
    path: str, method: str, operation: dict[str, Any], role: str, settings: Settings
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    if "422" in responses and "HTTPValidationError" in str(responses["422"]):
        del responses["422"]
    parameters = [p["name"] for p in operation.get("parameters", [])]
    for code in statuses(path, method, role, parameters):
        entry: dict[str, Any] = {
            "description": _WHY[code],
            "content": {"application/json": {"schema": _ERROR_REF}},
        }
        if code == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        if code == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        responses[str(code)] = entry
    if role == "reader" and settings.read_access == "open":
        operation["security"] = [{}, {"HTTPBearer": []}]
