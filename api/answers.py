"""Answers served from memory: pre-serialised JSON (orjson), cached per store generation, 304s.

A read answer depends only on the store's contents and the request (path, query, the media type
negotiated). :class:`AnswerCache` keeps the serialised bytes of recent answers, keyed by
``(path, normalised query, media, store generation)``; a write moves the generation on, so an
answer is never served from an older state. Each cached answer has an ``ETag`` (a hash of its
bytes, so every worker process gives the same tag to the same answer); a request whose
``If-None-Match`` names it is answered ``304 Not Modified`` without a body.

The handlers using :func:`serve` are ``async``: a hit never leaves the event loop; a miss runs
the query in at most ONE hop through the threadpool, and none when the route's answers have
been quick (:mod:`api.pace`). The bytes are returned as a :class:`JSONBytes` response, so
FastAPI neither runs ``jsonable_encoder`` nor validates the answer against the route's
``response_model`` (which still documents it in the OpenAPI schema).
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import orjson
from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool

from api.pace import Pace

_OPTIONS = orjson.OPT_NON_STR_KEYS


def _default(value: Any) -> Any:
    """What orjson cannot write itself: sets (sorted), paths and anything else as text."""
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON.

    >>> dumps({"b": {1, 0}, "a": "æ"})
    b'{"b":[0,1],"a":"\\xc3\\xa6"}'
    """
    return orjson.dumps(value, default=_default, option=_OPTIONS)


class JSONBytes(Response):
    """A JSON response whose body is already bytes (or is written with orjson)."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else dumps(content)


@dataclass(frozen=True)
class Cached:
    """One serialised answer and its entity tag."""

    body: bytes
    media: str
    etag: str
    headers: Mapping[str, str]  # more headers to send with it (Vary)


def etag_of(body: bytes) -> str:
    """A strong entity tag for ``body``: the same bytes give the same tag in any process.

    >>> etag_of(b"{}")
    '"bf78e4a953b40eee238ca2e9"'
    """
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


class AnswerCache:
    """The most recent answers, at most ``entries`` of them and ``max_bytes`` in all (LRU).

    Used from the event loop only (no lock). ``entries=0`` turns caching off.

    >>> cache = AnswerCache(entries=2, max_bytes=100)
    >>> for name in "abc":
    ...     cache.put((name,), Cached(name.encode(), "application/json", etag_of(b""), {}))
    >>> cache.get(("a",)) is None, cache.get(("c",)).body, len(cache)
    (True, b'c', 2)
    """

    def __init__(self, *, entries: int = 2048, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[Any, ...], Cached] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> Cached | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: tuple[Any, ...], answer: Cached) -> None:
        """Keep ``answer`` under ``key`` (unless it alone exceeds a quarter of the budget)."""
        if self.entries <= 0 or len(answer.body) > self.max_bytes // 4:
            return
        old = self._items.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._items[key] = answer
        self._bytes += len(answer.body)
        while len(self._items) > self.entries or self._bytes > self.max_bytes:
            _, dropped = self._items.popitem(last=False)
            self._bytes -= len(dropped.body)

    def __len__(self) -> int:
        return len(self._items)


def generation_of(store: Any) -> int | None:
    """The store's write generation when reading it costs nothing (an embedded store), else
    ``None``: a Cypher store keeps its generation in the database, a round trip per request,
    so its answers are not cached here."""
    if getattr(store, "raw", None) is None:
        return None
    generation: int = store.generation
    return generation


def matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak comparison, RFC 9110 13.1.2).

    >>> matches('W/"x", "y"', '"x"'), matches("*", '"x"'), matches(None, '"x"')
    (True, True, False)
    """
    if not header:
        return False
    if header.strip() == "*":
        return True
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def key_of(request: Request, media: str, generation: int) -> tuple[Any, ...]:
    """The cache key of ``request``: path, query parameters (sorted), media, generation."""
    query = tuple(sorted(request.query_params.multi_items()))
    return (request.scope["path"], query, media, generation)


async def serve(
    request: Request,
    store: Any,
    compute: Callable[[], Any],
    *,
    media: str = "application/json",
    encode: Callable[[Any], bytes] = dumps,
    headers: Mapping[str, str] | None = None,
    etag: Callable[[Any], str] | None = None,
    media_of: Callable[[Any], str] | None = None,
    vary: tuple[Any, ...] = (),
    waits: bool = False,
) -> Response:
    """The answer ``compute()`` gives, from the cache when it has it.

    ``media`` is the negotiated media type (part of the key); ``encode`` turns the computed
    value into bytes (JSON by default) and ``media_of`` names its media type when only the
    computation knows it (SPARQL). ``etag`` gives the answer's tag from the computed value
    instead of the hash of its bytes (the entity route's version tag, which writes name in
    ``If-Match``); ``vary`` adds what else the answer depends on (a POST body) to the key.
    ``compute`` runs in the threadpool, or on the event loop while the route's answers are
    quick (:class:`api.pace.Pace`); one that ``waits`` (for another process: SPARQL) always
    runs in the threadpool. Errors are raised, never cached.
    """
    state = request.app.state
    cache: AnswerCache = state.answers
    current = generation_of(store)
    generation = current if cache.entries > 0 else None
    key = None if generation is None else (*key_of(request, media, generation), *vary)
    hit: Cached | None = None if key is None else cache.get(key)
    if hit is None:

        def work() -> Cached:
            value = compute()
            body = encode(value)
            tag = etag(value) if etag is not None else etag_of(body)
            return Cached(body, media_of(value) if media_of else media, tag, dict(headers or {}))

        pace: Pace = state.pace
        route = getattr(request.scope.get("route"), "path", request.scope["path"])
        # Only an embedded store's answers may be computed on the loop: a Cypher store's
        # (generation None) wait on the network.
        computed: Cached
        if current is None or waits:
            computed = await run_in_threadpool(work)
        elif pace.inline(route, current):
            computed, cpu, wall = _timed(work)
            pace.took(route, current, cpu, wall, inline=True)
        else:
            computed, cpu, wall = await run_in_threadpool(_timed, work)
            pace.took(route, current, cpu, wall)
        if key is not None:
            cache.put(key, computed)
        state.heap.computed(current)
        hit = computed
    if key is not None and request.method == "GET" and not vary:
        cache.put(raw_key(request.scope, generation), hit)  # for the fast path
    return respond(request, hit)


def _timed(work: Callable[[], Cached]) -> tuple[Cached, float, float]:
    """``work()``, the CPU milliseconds its thread spent on it (the cost of the answer, not
    the time it waited for the GIL or a core of a busy machine) and the milliseconds it took."""
    cpu, wall = time.thread_time(), time.perf_counter()
    done = work()
    return done, (time.thread_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000


def respond(request: Request, answer: Cached) -> Response:
    """``answer`` as a response, or ``304`` when the client already holds it."""
    extra = {"ETag": answer.etag, "Cache-Control": "no-cache", **answer.headers}
    if matches(request.headers.get("if-none-match"), answer.etag):
        return Response(status_code=304, headers=extra)
    return JSONBytes(answer.body, media_type=answer.media, headers=extra)


def raw_key(scope: Mapping[str, Any], generation: int | None) -> tuple[Any, ...]:
    """The fast path's key: the request exactly as sent (path, query string, Accept)."""
    accept = next((v for k, v in scope["headers"] if k == b"accept"), b"")
    return ("raw", scope["path"], scope["query_string"], accept, generation)


class CachedAnswers:
    """ASGI middleware: a ``GET`` whose answer the cache holds is answered before routing.

    Only for open reads (``GOVGRAPH_READ_ACCESS=open``) without an ``Authorization`` header:
    such a request needs no check a route would make, and the same path, query string and
    ``Accept`` header passed the route's validation when the answer was cached. Everything
    else (a miss, a token, a write) goes to the app. Installed inside the security-header and
    body-limit middlewares, so a cached answer carries the same headers as a routed one.
    """

    def __init__(self, app: Any, owner: Any) -> None:
        self.app = app
        self.owner = owner  # the FastAPI app: its state holds the store, settings and cache

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            hit = self._hit(scope)
            if hit is not None:
                await self._send(scope, hit, send)
                return
        await self.app(scope, receive, send)

    def _hit(self, scope: Any) -> Cached | None:
        state = self.owner.state
        cache: AnswerCache | None = getattr(state, "answers", None)
        store = getattr(state, "store", None)
        if cache is None or store is None or not len(cache):
            return None
        if state.settings.read_access != "open":
            return None
        if any(k == b"authorization" for k, _ in scope["headers"]):
            return None
        generation = generation_of(store)
        return None if generation is None else cache.get(raw_key(scope, generation))

    @staticmethod
    async def _send(scope: Any, hit: Cached, send: Any) -> None:
        condition = next((v for k, v in scope["headers"] if k == b"if-none-match"), None)
        headers = [
            (b"etag", hit.etag.encode("latin-1")),
            (b"cache-control", b"no-cache"),
            *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in hit.headers.items()),
        ]
        if condition is not None and matches(condition.decode("latin-1"), hit.etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        media = hit.media.encode("latin-1")
        if hit.media.startswith("text/") and b"charset" not in media:
            media += b"; charset=utf-8"
        headers += [(b"content-type", media), (b"content-length", str(len(hit.body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": hit.body})
