"""The one place where errors become HTTP responses: one status table, one JSON shape.

Every error body is ``GovGraphError.as_dict()`` plus ``status``::

    {"error": "not_found", "message": "no entity named 'x'", "status": 404, "name": "x", ...}

FastAPI's own errors (unknown route, bad parameter) and unexpected exceptions are turned into
the same shape, so a client reads ``error`` and ``message`` everywhere.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ontology.errors import (
    AmbiguousName,
    ConfigurationError,
    Conflict,
    GovGraphError,
    InvalidArgument,
    NotFound,
    PreconditionFailed,
    StoreUnavailable,
    ValidationFailed,
)

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

log = logging.getLogger("govgraph.api")


class NotAuthenticated(GovGraphError):
    """The request carries no valid bearer token."""

    code = "not_authenticated"


class NotPermitted(GovGraphError):
    """The token is valid but its role may not do this."""

    code = "not_permitted"

    def __init__(self, role: str, needed: str) -> None:
        self.role = role
        self.needed = needed
        super().__init__(f"this needs the {needed} role; your token has the {role} role")

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "role": self.role, "needed": self.needed}


class NotAcceptable(GovGraphError):
    """No representation the client accepts."""

    code = "not_acceptable"

    def __init__(self, offered: list[str]) -> None:
        self.offered = offered
        super().__init__(
            f"cannot answer in the requested media type; use one of {', '.join(offered)}"
        )

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "offered": self.offered}


class LimitExceeded(GovGraphError):
    """A request went past a configured limit (SPARQL time or result size)."""

    code = "limit_exceeded"

    def __init__(self, limit: str, message: str) -> None:
        self.limit = limit
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "limit": self.limit}


class RateLimited(GovGraphError):
    """Too many requests from one client, or the SPARQL pool is saturated (``Retry-After``)."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "retry_after": self.retry_after}


class TooLarge(GovGraphError):
    """A request body past the route's size limit."""

    code = "too_large"

    def __init__(self, limit: int) -> None:
        self.limit = limit
        super().__init__(f"the request body is over the limit of {limit} bytes for this route")

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "limit_bytes": self.limit}


STATUS: dict[type[GovGraphError], int] = {
    InvalidArgument: 400,
    NotAuthenticated: 401,
    NotPermitted: 403,
    NotFound: 404,
    NotAcceptable: 406,
    AmbiguousName: 409,
    Conflict: 409,
    PreconditionFailed: 412,
    ValidationFailed: 422,
    LimitExceeded: 422,
    TooLarge: 413,
    RateLimited: 429,
    StoreUnavailable: 503,
    ConfigurationError: 500,  # the server's own settings: nothing the client can change
}

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large", 415: "unsupported"}


def status_of(error: GovGraphError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def error_body(error: GovGraphError) -> dict[str, Any]:
    return {**error.as_dict(), "status": status_of(error)}


def _respond(body: dict[str, Any], headers: dict[str, str] | None = None) -> JSONResponse:
    from fastapi.responses import JSONResponse

    return JSONResponse(body, status_code=int(body["status"]), headers=headers)


def _allowed(request: Request) -> list[str]:
    """The methods some route of the app answers on this path (routers split a path's methods
    between them, so Starlette's own ``Allow`` names only the first router's)."""
    from fastapi.routing import APIRoute

    found: set[str] = set()

    def walk(routes: list[Any]) -> None:
        for route in routes:
            if isinstance(route, APIRoute) and route.path_regex.match(request.url.path):
                found.update(m for m in route.methods or () if m != "HEAD")
            inner = getattr(route, "original_router", None)
            if inner is not None:
                walk(inner.routes)

    walk(request.app.routes)
    return sorted(found)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException

    async def on_govgraph(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, GovGraphError)
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        if isinstance(exc, RateLimited):
            headers = {"Retry-After": str(exc.retry_after)}
        return _respond(error_body(exc), headers)

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        first = exc.errors()[0] if exc.errors() else {"loc": ("request",), "msg": "invalid"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "body"
        return _respond(error_body(InvalidArgument(where, str(first.get("msg", "invalid")))))

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        body = {
            "error": _HTTP_CODES.get(exc.status_code, "http_error"),
            "message": str(exc.detail),
            "status": exc.status_code,
        }
        headers = dict(exc.headers) if exc.headers else {}
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed(request))
        return _respond(body, headers or None)

    async def on_not_text(request: Request, exc: Exception) -> JSONResponse:
        # Text from a request (a YAML "\ud800" escape, a JSON-LD string) that no UTF-8 store can
        # hold: the store refuses it before anything is written, so it is the input's fault.
        assert isinstance(exc, UnicodeEncodeError)
        error = InvalidArgument(
            "body", "the input holds a lone UTF-16 surrogate (such as \\ud800), which is not text"
        )
        return _respond(error_body(error))

    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        body = {
            "error": "internal",
            "message": f"internal error ({type(exc).__name__}); this is a bug in govgraph",
            "status": 500,
        }
        return _respond(body)

    app.add_exception_handler(GovGraphError, on_govgraph)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(UnicodeEncodeError, on_not_text)
    app.add_exception_handler(Exception, on_bug)
