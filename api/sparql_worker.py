"""One SPARQL worker process: reads requests on stdin, answers on stdout, until stdin closes.

Run by :mod:`api.sparql_pool` as ``python -m api.sparql_worker MEMORY_BYTES``; never imported by
the server for anything but its media tables. The process limits its own address space
(``RLIMIT_AS``) before it touches a store, so a query that grows without bound ends this process
(Oxigraph aborts when an allocation fails), never the server. It opens only read-only checkpoints
of the store (:meth:`pyoxigraph.Store.backup`), which nothing writes to.

Frames are ``4-byte big-endian length + payload``. A request is one JSON frame::

    {"checkpoint": DIR, "query": TEXT, "accept": [MEDIA...], "max_bytes": N,
     "union": BOOL, "default": [IRI...] | null, "named": [IRI...] | null, "base": IRI}

and the answer is a JSON header frame then a body frame: ``{"ok": true, "media": M}`` + the
serialised results, or ``{"ok": false, "kind": "invalid"|"size"|"not_acceptable",
"message": ...}`` + an empty body.
"""

from __future__ import annotations

import json
import struct
import sys
from typing import Any, BinaryIO

import pyoxigraph as ox

#: media types for SELECT/ASK results, and for CONSTRUCT/DESCRIBE graphs (first: the default)
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
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


class _TooBig(Exception):
    pass


class _Sink:
    """A byte buffer that stops the serialisation past ``max_bytes``."""

    def __init__(self, max_bytes: int) -> None:
        self.buffer = bytearray()
        self.max_bytes = max_bytes

    def write(self, data: bytes) -> int:
        if len(self.buffer) + len(data) > self.max_bytes:
            raise _TooBig
        self.buffer += data
        return len(data)

    def flush(self) -> None:
        pass


def choose(accept: list[str], offered: dict[str, Any]) -> str | None:
    """The first media type of ``accept`` (best first) that ``offered`` has, or ``None``.

    >>> choose(["image/png", "text/*"], RESULT_MEDIA), choose(["*/*"], GRAPH_MEDIA)
    ('text/csv', 'text/turtle')
    """
    default = next(iter(offered))
    for media in accept:
        if media in ("*/*", ""):
            return default
        if media.endswith("/*"):  # text/* -> the first offered text type
            found = next((m for m in offered if m.startswith(media[:-1])), None)
            if found:
                return found
        if media in offered:
            return media
    return None


def answer(store: ox.Store, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """Evaluate one request on ``store``: the header and the body to send back."""
    options: dict[str, Any] = {"base_iri": request.get("base")}
    if request.get("default") is not None:
        options["default_graph"] = [ox.NamedNode(g) for g in request["default"]]
    elif request.get("union"):
        options["use_default_graph_as_union"] = True
    if request.get("named") is not None:
        options["named_graphs"] = [ox.NamedNode(g) for g in request["named"]]
    try:
        result: Any = store.query(request["query"], **options)
        offered: dict[str, Any] = (
            GRAPH_MEDIA if isinstance(result, ox.QueryTriples) else RESULT_MEDIA
        )
        media = choose(request["accept"], offered)
        if media is None:
            return {"ok": False, "kind": "not_acceptable", "offered": list(offered)}, b""
        sink: Any = _Sink(request["max_bytes"])
        result.serialize(sink, offered[media])
        return {"ok": True, "media": media}, bytes(sink.buffer)
    except _TooBig:
        return {"ok": False, "kind": "size"}, b""
    except SyntaxError as exc:
        return {"ok": False, "kind": "syntax", "message": str(exc)}, b""
    except (OSError, RuntimeError, ValueError, TypeError) as exc:
        # evaluation errors (an unknown function, a bad IRI, a SERVICE reply that does not
        # parse) are the query's fault: the client gets 400 with Oxigraph's message
        if isinstance(exc.__context__, _TooBig) or "_TooBig" in str(exc):
            return {"ok": False, "kind": "size"}, b""
        return {"ok": False, "kind": "invalid", "message": str(exc)}, b""


def _read_frame(stream: BinaryIO) -> bytes | None:
    head = stream.read(4)
    if len(head) < 4:
        return None
    (size,) = struct.unpack(">I", head)
    return stream.read(size)


def _write_frame(stream: BinaryIO, payload: bytes) -> None:
    stream.write(struct.pack(">I", len(payload)) + payload)


def _watch_parent() -> None:
    """End this process when the server that started it is gone (even mid-query)."""
    import os
    import threading
    import time

    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def main(argv: list[str]) -> None:
    import os
    import resource
    import signal

    _watch_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the server; it ends us
    memory = int(argv[1]) if len(argv) > 1 else 0
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    # The answers go on a private copy of stdout; anything else printed (by Python or by the
    # engine, to file descriptor 1) lands on stderr and cannot corrupt a frame.
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    _write_frame(stdout, b'{"ready": true}')
    stdout.flush()
    opened: tuple[str, ox.Store] | None = None
    while (frame := _read_frame(stdin)) is not None:
        request = json.loads(frame)
        if opened is None or opened[0] != request["checkpoint"]:
            opened = None  # drop the older checkpoint before opening the newer one
            opened = (request["checkpoint"], ox.Store.read_only(request["checkpoint"]))
        try:
            header, body = answer(opened[1], request)
        except MemoryError:
            header, body = {"ok": False, "kind": "memory"}, b""
        _write_frame(stdout, json.dumps(header).encode())
        _write_frame(stdout, body)
        stdout.flush()


if __name__ == "__main__":
    main(sys.argv)
