"""Bounded requests: body-size limits, JSON bodies checked before any route, secrets kept out
of the logs, and the one paging shape of list answers.

* Every request body is read (at most its route's limit: ``GOVGRAPH_MAX_BODY_BYTES``, or
  ``GOVGRAPH_UPLOAD_MAX_BYTES`` for ``POST /batches``) before the route runs; a larger one is
  answered 413 ``too_large`` at once, whether or not it declared a ``Content-Length``.
* A JSON body nested too deep for Python's parser, or holding a lone UTF-16 surrogate
  (``"\\ud800"``: valid JSON, but no Unicode text can hold it), is answered 400 before it can
  reach a query, the store or the audit log.
* Query strings carrying secrets (``access_token=``, ``token=``, ``api_key=``, ``password=``)
  are redacted from every line the server's loggers write.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from api.http_errors import TooLarge, error_body
from ontology.errors import InvalidArgument

if TYPE_CHECKING:
    from fastapi import FastAPI

    from api.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: the largest ``limit`` a list route accepts (SHAPES.md: paging)
MAX_PAGE = 1000
_SECRET = re.compile(
    r"((?:access_token|token|api_key|apikey|password|secret)=)[^&\s\"']+", re.IGNORECASE
)


def page(items: list[Any], *, limit: int, offset: int) -> tuple[list[Any], dict[str, int]]:
    """The slice of ``items`` a page shows, and its ``page`` object.

    >>> page(list(range(10)), limit=3, offset=6)
    ([6, 7, 8], {'total': 10, 'limit': 3, 'offset': 6})
    """
    return items[offset : offset + limit], {"total": len(items), "limit": limit, "offset": offset}


def redact(text: str) -> str:
    """``text`` with the values of secret-looking query parameters replaced.

    >>> redact("GET /health?access_token=abc123&x=1")
    'GET /health?access_token=[redacted]&x=1'
    """
    return _SECRET.sub(r"\1[redacted]", text)


class Redact(logging.Filter):
    """A logging filter that redacts secrets from the message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


def install_redaction() -> None:
    """Redact every log record of the process as it is made (once), whichever logger writes it.

    A logger's own filters do not see records its children propagate to it, so the redaction
    sits in the record factory instead.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts", False):
        return
    redacting = Redact()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        redacting.filter(record)
        return record

    factory.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


class BodyLimit:
    """ASGI middleware: read each body up to its limit, refuse larger ones and bad JSON."""

    def __init__(self, app: ASGIApp, *, default: int, per_path: dict[str, int]) -> None:
        self.app = app
        self.default = default
        self.per_path = per_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope["path"], self.default)
        declared, content_type = b"", b""
        for name, value in scope["headers"]:  # the last of a repeated header counts
            name = name.lower()
            if name == b"content-length":
                declared = value
            elif name == b"content-type":
                content_type = value
        if declared.isdigit() and int(declared) > limit:
            await _reject(scope, send, error_body(TooLarge(limit)))
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await _reject(scope, send, error_body(TooLarge(limit)))
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"json" in content_type and body:
            problem = _json_problem(body)
            if problem is not None:
                await _reject(scope, send, error_body(InvalidArgument("body", problem)))
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _json_problem(body: bytes) -> str | None:
    """Why a JSON body cannot be taken (``None``: fine, or not JSON: the route says why)."""
    try:
        value = json.loads(body)
    except RecursionError:
        return "the JSON body is nested too deeply"
    except ValueError:
        return None
    if b"\\u" not in body and b"\\U" not in body:
        return None
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "the JSON body holds a lone UTF-16 surrogate (such as \\ud800), which is not text"
    except RecursionError:
        return "the JSON body is nested too deeply"
    return None


async def _reject(scope: Scope, send: Send, body: dict[str, Any]) -> None:
    from starlette.responses import JSONResponse

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await JSONResponse(body, status_code=int(body["status"]))(scope, nothing, send)


def install(app: FastAPI, settings: Settings) -> None:
    """Add the body limits and the log redaction to ``app``."""
    app.add_middleware(
        BodyLimit,
        default=settings.max_body_bytes,
        per_path={"/batches": settings.upload_max_bytes},
    )
    install_redaction()
