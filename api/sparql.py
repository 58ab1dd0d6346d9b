"""Read-only SPARQL 1.1 queries over the store, with a time limit and a result-size limit.

How the limits work (honestly): each query is evaluated and serialised in a worker thread.
Oxigraph evaluates lazily, so most of the work happens while results are written; the writer
checks the deadline and the byte count on every chunk and stops the query when either is
passed. The HTTP request itself waits at most ``sparql_timeout`` seconds and then answers
``limit_exceeded``. A query that computes for long before yielding its first result (a big
``ORDER BY`` or aggregate) cannot be interrupted inside Oxigraph: its thread runs on until that
step ends, then stops at its next write. At most ``sparql_workers`` queries run at once, so such
queries cannot pile up; further queries wait for a free worker until their own deadline.
"""

from __future__ import annotations

import io
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

import pyoxigraph as ox

from api.http_errors import LimitExceeded
from ontology.errors import InvalidArgument

#: media types for SELECT/ASK results, and for CONSTRUCT/DESCRIBE graphs
RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}
_UPDATE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)


def refuse_update() -> InvalidArgument:
    return InvalidArgument(
        "update",
        "this SPARQL endpoint is read-only: updates are refused. Change the graph through "
        "POST/PUT/DELETE /entities or POST /batches (an editor token is needed)",
    )


class _Stop(Exception):
    pass


class _LimitedSink(io.RawIOBase):
    """A byte buffer that stops the serialisation past the deadline or the size limit."""

    def __init__(self, deadline: float, max_bytes: int) -> None:
        self.buffer = bytearray()
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.reason: str | None = None

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        if time.monotonic() > self.deadline:
            self.reason = "time"
            raise _Stop
        if len(self.buffer) + len(data) > self.max_bytes:
            self.reason = "size"
            raise _Stop
        self.buffer += data
        return len(data)


class SparqlRunner:
    """Runs queries on a pyoxigraph store under the configured limits."""

    def __init__(self, store: ox.Store, *, timeout: float, max_bytes: int, workers: int) -> None:
        self.store = store
        self.timeout = timeout
        self.max_bytes = max_bytes
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sparql")
        self._slots = threading.BoundedSemaphore(workers)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def run(
        self, query: str, accept: list[str], *, default_graphs: list[str] | None = None
    ) -> tuple[bytes, str]:
        """Evaluate ``query``; return the serialised results and their media type.

        ``accept`` lists acceptable media types, best first (``*/*`` for any).
        Raises InvalidArgument (syntax, an update), LimitExceeded (time, size, busy).
        """
        if not query.strip():
            raise InvalidArgument("query", "give a SPARQL query in `query`")
        deadline = time.monotonic() + self.timeout
        if not self._slots.acquire(timeout=self.timeout):
            raise self._limit("time")
        try:
            future = self._pool.submit(self._evaluate, query, accept, default_graphs, deadline)
        except RuntimeError:
            self._slots.release()
            raise
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()) + 0.05)
        except FutureTimeout:
            raise self._limit("time") from None

    def _limit(self, which: str) -> LimitExceeded:
        if which == "time":
            return LimitExceeded(
                "sparql_timeout",
                f"the query ran longer than {self.timeout:g} s: narrow it or add a LIMIT",
            )
        return LimitExceeded(
            "sparql_max_bytes",
            f"the results exceed {self.max_bytes} bytes: add a LIMIT or select fewer variables",
        )

    def _evaluate(
        self, query: str, accept: list[str], default_graphs: list[str] | None, deadline: float
    ) -> tuple[bytes, str]:
        result: Any = None
        try:
            options: dict[str, Any] = {"use_default_graph_as_union": not default_graphs}
            try:
                if default_graphs:
                    options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
                result = self.store.query(query, **options)
            except SyntaxError as exc:
                if _UPDATE.search(re.sub(r"<[^>]*>|\"[^\"]*\"|#.*", " ", query)):
                    raise refuse_update() from None
                raise InvalidArgument("query", f"SPARQL syntax error: {exc}") from None
            except ValueError as exc:  # e.g. a malformed graph IRI
                raise InvalidArgument("default-graph-uri", str(exc)) from None
            offered = GRAPH_MEDIA if isinstance(result, ox.QueryTriples) else RESULT_MEDIA
            media = _choose(accept, offered)
            sink = _LimitedSink(deadline, self.max_bytes)
            try:
                result.serialize(sink, offered[media])
            except _Stop:
                raise self._limit(sink.reason or "time") from None
            except OSError as exc:  # evaluation errors surface while results are written
                if sink.reason:
                    raise self._limit(sink.reason) from None
                raise InvalidArgument("query", f"the query failed: {exc}") from None
            return bytes(sink.buffer), media
        finally:
            # pyoxigraph results may only be dropped on the thread that made them; a traceback
            # carried to the request thread would otherwise keep this frame's reference alive.
            result = None  # noqa: F841
            self._slots.release()


def _choose(accept: list[str], offered: dict[str, Any]) -> str:
    from api.http_errors import NotAcceptable

    default = next(iter(offered))
    for media in accept:
        if media in ("*/*", "") or (media.endswith("/*") and default.startswith(media[:-1])):
            return default
        if media in offered:
            return media
    raise NotAcceptable(list(offered))
