"""Answers streamed as NDJSON (``application/x-ndjson``): one JSON object per line.

A route that can stream (``/impact``) asks :func:`wants_stream` whether the client prefers
NDJSON, then returns :func:`ndjson` over a generator of parts from the library
(:func:`graph.queries.impact_stream.impact_stream`). The first part is computed before the
response starts, in one hop through the threadpool: an error about the question (404, 400, 409)
is then an ordinary error response. The rest is written a page at a time, each page one hop
and one chunk; uvicorn waits for the client to take a chunk before the next is computed, so the
server holds at most a page of the answer whatever its size. An error after the first byte
cannot change the status any more: it ends the stream with one line ``{"error": {...}}`` (the
error body of docs/api.md); a stream without its ``end`` line was cut. A client that goes away
stops the stream: no further page is computed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from api.answers import dumps
from api.deps import accepted
from api.http_errors import error_body
from ontology.errors import GovGraphError

log = logging.getLogger("govgraph.api")

NDJSON = "application/x-ndjson"
#: lines gathered into one chunk at most (a page ends a chunk anyway)
_CHUNK_BYTES = 256 * 1024


def wants_stream(request: Request) -> bool:
    """Whether the ``Accept`` header prefers NDJSON to JSON (never by default or ``*/*``).

    >>> from starlette.requests import Request
    >>> def ask(accept):
    ...     return wants_stream(Request({"type": "http", "headers": [(b"accept", accept)]}))
    >>> ask(b"application/x-ndjson"), ask(b"application/json, application/x-ndjson"), ask(b"*/*")
    (True, False, False)
    """
    ranked = accepted(request)
    if NDJSON not in ranked:
        return False
    return "application/json" not in ranked or ranked.index(NDJSON) < ranked.index(
        "application/json"
    )


async def ndjson(parts: Iterator[dict[str, Any]], *, page_end: str) -> StreamingResponse:
    """A streaming response of ``parts``, one line each; ``page_end`` names the part that ends
    a page (a chunk is sent after it). The first part is computed here: its errors propagate."""
    first = await run_in_threadpool(next, parts)
    return StreamingResponse(
        _chunks(first, parts, page_end),
        media_type=NDJSON,
        headers={
            "Cache-Control": "no-store",
            "Vary": "Accept",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _chunks(
    first: dict[str, Any], parts: Iterator[dict[str, Any]], page_end: str
) -> Iterator[bytes]:
    """The lines of ``first`` and ``parts``, a page (or ``_CHUNK_BYTES``) per chunk."""
    buffer = bytearray(dumps(first) + b"\n")
    try:
        for part in parts:
            buffer += dumps(part)
            buffer += b"\n"
            if page_end in part or len(buffer) >= _CHUNK_BYTES:
                yield bytes(buffer)
                buffer.clear()
    except GovGraphError as error:
        buffer += dumps({"error": error_body(error)}) + b"\n"
    except Exception as error:  # after the first byte: the line tells the client, the log us
        log.exception("internal error while streaming")
        body = {
            "error": "internal",
            "status": 500,
            "message": f"internal error ({type(error).__name__}); this is a bug in govgraph",
        }
        buffer += dumps({"error": body}) + b"\n"
    finally:
        close = getattr(parts, "close", None)
        if close is not None:
            close()  # a client that went away: the generator's own cleanup runs now
    if buffer:
        yield bytes(buffer)
