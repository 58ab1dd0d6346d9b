"""``govgraph serve --workers N``: N reader processes over the store's checkpoints, one writer.

The embedded store admits one read-write process, and pyoxigraph documents a reader beside a
live writer as undefined, so (docs/deploy.md, "Several worker processes"):

* the ``serve`` process opens the store read-write (the **writer**), writes a fresh checkpoint
  (:mod:`graph.checkpoint`), and serves the whole API on a private Unix socket beside the store
  (``<store>.writer.sock``);
* N **reader** processes share the public listening socket. Each reads the newest checkpoint
  (:class:`api.store_access.FollowedCheckpoint`) and answers ``GET``/``HEAD`` reads itself; every
  other request (writes, ``POST /what-if``), and every ``/sparql`` and ``/audit`` request, is
  passed to the writer as it came (:class:`ToWriter`), so the audit log, the SPARQL worker
  pool and every write stay in one process;
* the writer checkpoints after each write before it answers, so a reader's next request sees
  the write (it re-opens the checkpoint when the pointer moves on: read-your-writes).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from api.answers import AnswerCache, Cached, generation_of, raw_key
from api.settings import Settings

#: paths a reader passes to the writer whatever the method
WRITER_PATHS = ("/sparql", "/audit")
#: the peer address of a request a reader passed on (trusted by the writer only: its socket is
#: a file beside the store, not reachable from the network)
CLIENT_HEADER = "x-govgraph-client"
_HOP = {
    b"connection",
    b"keep-alive",
    b"transfer-encoding",
    b"host",
    b"content-length",
    b"date",
    b"server",
}


def writer_socket(store_path: Path) -> Path:
    """Where the writer of the store at ``store_path`` listens."""
    return store_path.with_name(store_path.name + ".writer.sock")


def to_writer(scope: Any) -> bool:
    """Whether a reader passes this request to the writer.

    >>> to_writer({"method": "GET", "path": "/entities/ds"}), to_writer({"method": "PUT", "path": "/x"})
    (False, True)
    >>> to_writer({"method": "GET", "path": "/sparql"})
    True
    """
    if scope["method"] not in ("GET", "HEAD"):
        return True
    path: str = scope["path"]
    return any(path == p or path.startswith(p + "/") for p in WRITER_PATHS)


class ToWriter:
    """ASGI middleware of a reader: pass what :func:`to_writer` names to the writer's socket."""

    def __init__(self, app: Any, socket_path: Path, owner: Any) -> None:
        self.app = app
        self.owner = owner  # the FastAPI app: its state holds the store and the answer cache
        self.client = httpx.AsyncClient(
            transport=httpx.AsyncHTTPTransport(uds=str(socket_path)),
            base_url="http://writer",
            timeout=None,
            limits=httpx.Limits(max_connections=256, max_keepalive_connections=256),
        )

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not to_writer(scope):
            await self.app(scope, receive, send)
            return

        async def body() -> Any:  # streamed on: the writer's own body limit applies
            while True:
                message = await receive()
                yield message.get("body", b"")
                if not message.get("more_body"):
                    return

        headers = [(k, v) for k, v in scope["headers"] if k.lower() not in _HOP]
        client = scope.get("client") or ("unknown", 0)
        headers.append((CLIENT_HEADER.encode(), str(client[0]).encode("latin-1")))
        query = scope.get("query_string", b"").decode("latin-1")
        reading = scope["method"] in ("GET", "HEAD")
        generation = generation_of(self.owner.state.store)
        try:
            answer = await self.client.request(
                scope["method"],
                scope["path"] + (f"?{query}" if query else ""),
                headers=headers,
                content=None if reading else body(),
            )
        except httpx.TransportError:
            answer = httpx.Response(
                503,
                json={
                    "error": "store_unavailable",
                    "message": "the writer process is not answering; retry shortly",
                    "status": 503,
                },
                headers={"Retry-After": "1"},
            )
        if scope["method"] == "GET" and scope["path"] == "/sparql" and answer.status_code == 200:
            # kept under the generation this reader had before asking: the writer's answer is
            # of that state or a newer one, and a newer checkpoint moves the key on
            self._keep(scope, answer, generation)
        raw = [(k, v) for k, v in answer.headers.raw if k.lower() not in _HOP]
        raw.append((b"content-length", str(len(answer.content)).encode()))
        await send({"type": "http.response.start", "status": answer.status_code, "headers": raw})
        await send({"type": "http.response.body", "body": answer.content})

    def _keep(self, scope: Any, answer: httpx.Response, generation: int | None) -> None:
        cache: AnswerCache = self.owner.state.answers
        etag = answer.headers.get("etag")
        if generation is None or not etag:
            return
        media = answer.headers.get("content-type", "application/octet-stream").split(";")[0]
        vary = {"Vary": answer.headers["vary"]} if "vary" in answer.headers else {}
        cache.put(raw_key(scope, generation), Cached(answer.content, media, etag, vary))


def serve_workers(settings: Settings, *, host: str, port: int, workers: int, run: Any) -> None:
    """Open the store as the writer, start ``workers`` readers on ``host:port``, serve writes.

    ``run(app, **uvicorn_options)`` runs one uvicorn server to its end (``uvicorn.run``).
    """
    from api.app import create_app
    from api.store_access import open_store
    from graph import checkpoint

    if settings.store != "oxigraph":
        # a Cypher database serves any number of processes itself: uvicorn's own workers
        run("api.app:app_from_settings", factory=True, host=host, port=port, workers=workers)
        return
    store = open_store(settings)
    if isinstance(store, checkpoint.Checkpointed):
        store.checkpoint()  # readers start from the state this process holds
    listener, address = _listen(host, port)
    sock_path = writer_socket(settings.store_path)
    with contextlib.suppress(FileNotFoundError):
        sock_path.unlink()
    env = {**os.environ, "GOVGRAPH_WRITER_SOCKET": str(sock_path)}
    children: list[subprocess.Popen[bytes]] = []

    def start_readers() -> None:  # once the writer listens, so a reader never passes to nobody
        while not sock_path.exists() and not stopping.is_set():
            time.sleep(0.05)
        while len(children) < workers and not stopping.is_set():
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "api.workers", *address],
                    pass_fds=[listener.fileno()] if address[0] == "--fd" else [],
                    env=env,
                )
            )

    stopping = threading.Event()
    starter = threading.Thread(target=start_readers, daemon=True)
    starter.start()
    app = create_app(settings, store=store)
    app.state.trust_client_header = True
    try:
        run(app, uds=str(sock_path))
    finally:
        stopping.set()
        starter.join()
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        listener.close()
        store.close()
        with contextlib.suppress(FileNotFoundError):
            sock_path.unlink()


def reader_app(settings: Settings) -> Any:
    """The app of a reader process: the newest checkpoint, writes passed to the writer."""
    from api.app import create_app
    from api.store_access import FollowedCheckpoint

    return create_app(settings, store=FollowedCheckpoint(settings.store_path), reader=True)


def _listen(host: str, port: int) -> tuple[socket.socket, list[str]]:
    """The socket holding ``host:port`` for the readers, and how a reader gets its own.

    Readers sharing one listening socket do not share its connections: the first to wake
    accepts a burst of them (50 connections opened at once went 48 to one reader and 2 to
    the other, and its p99 with them). Where the system has ``SO_REUSEPORT``, this process
    only binds the port (holding it, never listening: no connection is queued for it) and each
    reader listens on a socket of its own bound to the same port, so the kernel spreads new
    connections over the readers. Elsewhere the readers share this socket, as before.
    """
    if not hasattr(socket, "SO_REUSEPORT"):
        shared = socket.create_server((host, port), reuse_port=False, backlog=2048)
        shared.set_inheritable(True)
        return shared, ["--fd", str(shared.fileno())]
    family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    holder = socket.socket(family, kind, proto)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    holder.bind(where)
    bound = holder.getsockname()
    return holder, ["--bind", str(int(family)), bound[0], str(bound[1])]


def _reader_socket(args: list[str]) -> socket.socket:
    """The listening socket of a reader (see :func:`_listen`)."""
    if args[0] == "--fd":
        # The socket object made here knows its family (TCP); uvicorn's own ``fd=`` takes any
        # descriptor for a Unix socket, and the loop then leaves Nagle's algorithm on: ~40 ms
        # stalls.
        return socket.socket(fileno=int(args[1]))
    family, host, port = socket.AddressFamily(int(args[1])), args[2], int(args[3])
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.listen(2048)
    return listener


def _reader_main(args: list[str]) -> None:
    import uvicorn

    from api.settings import get_settings

    settings = get_settings()
    parent = os.getppid()

    def orphaned() -> None:  # the writer ended (even by SIGKILL): end this reader too
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=orphaned, daemon=True).start()
    app = reader_app(settings)
    config = uvicorn.Config(
        app,
        log_level="warning",
        loop="auto",
        http="auto",
        access_log=settings.access_log,
        timeout_graceful_shutdown=5,
        limit_concurrency=200,
    )
    uvicorn.Server(config).run(sockets=[_reader_socket(args)])


if __name__ == "__main__":
    _reader_main(sys.argv[1:])
