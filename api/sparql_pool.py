"""A small pool of SPARQL worker processes that can be killed, over checkpoints of the store.

Why processes: a query cannot be interrupted from Python once Oxigraph evaluates it, and a
query that overflows Oxigraph's stack ends the process running it (docs/api.md). So each query
runs in a worker process (:mod:`api.sparql_worker`) with its own address-space limit. The server

* sends the query to an idle worker and waits at most ``timeout`` seconds for the answer; a
  worker past its time is killed (SIGKILL) and replaced, and its client gets 422
  ``limit_exceeded`` (``limit: sparql_timeout``);
* replaces a worker that died (its memory limit: 422 ``sparql_memory``; a crash such as
  SIGSEGV: 503 ``store_unavailable``) and serves on;
* keeps one warm spare process beyond ``workers``, so the query right after a kill is served at
  once, and starts replacements on demand (a burst of starts would compete with that query);
* answers 429 ``rate_limited`` with ``Retry-After`` when a client already has
  ``per_client`` queries running, or when no worker frees up within a second.

Workers read **checkpoints** (:class:`Checkpoints`): the store's newest checkpoint of
:mod:`graph.checkpoint` (``Store.backup``: hard links, well under a second), which the process
holding the store writes after each write and which is never written to; so no worker ever opens
the live store beside its writer.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from api.http_errors import LimitExceeded, RateLimited
from graph import checkpoint
from ontology.errors import StoreUnavailable

_REPO = Path(__file__).resolve().parent.parent
_START_TIMEOUT = 20.0
_QUEUE_WAIT = 1.0


@dataclass(frozen=True)
class Job:
    """One query and its protocol parameters."""

    query: str
    accept: list[str]
    union: bool
    default: list[str] | None
    named: list[str] | None
    base: str


class Checkpoints:
    """The checkpoint each query reads: the store's newest (:mod:`graph.checkpoint`).

    ``store`` is an :class:`graph.oxigraph_store.OxigraphStore` (its ``raw`` store, its
    ``path`` and write ``generation``), possibly wrapped. An on-disk store has ONE checkpoint
    mechanism, :mod:`graph.checkpoint` (``<store>.checkpoints/``): the process holding the store
    writes one after each write, and a query reads the newest, held (:func:`checkpoint.hold`)
    so it is not pruned while the query runs; one is written here only when the newest is older
    than the store. An in-memory store (tests) is copied quad by quad into a temporary
    directory instead, renewed when its generation moves on.
    """

    def __init__(self, store: Any) -> None:
        self.store = store
        self.path: Path | None = getattr(store, "path", None)
        self._lock = threading.Lock()
        self._copy: tuple[int, str] | None = None  # in-memory stores: (generation, directory)
        self._users: Counter[str] = Counter()
        self._written = False  # the first query checkpoints once: the newest may predate us
        if self.path is not None:
            # left by earlier versions, which kept a second set of checkpoints for SPARQL
            shutil.rmtree(self.path.with_name(f"{self.path.name}.sparql-checkpoints"), True)
            self.root = checkpoint.checkpoints_dir(self.path)
        else:
            self.root = Path(tempfile.mkdtemp(prefix="govgraph-sparql-"))

    def acquire(self) -> str:
        """The newest checkpoint's directory, held until :meth:`release`."""
        with self._lock:
            generation = self.store.generation
            if self.path is None:
                return self._acquire_copy(generation)
            newest = checkpoint.latest(self.path)
            if (
                not self._written
                or newest is None
                or checkpoint.generation_of(newest) != generation
            ):
                newest = self._write()
                self._written = True
            checkpoint.hold(newest)
            return str(newest)

    def release(self, path: str) -> None:
        if self.path is not None:
            checkpoint.release(Path(path))
            return
        with self._lock:
            self._users[path] -= 1
            if not self._users[path]:
                del self._users[path]
                if self._copy is None or path != self._copy[1]:
                    shutil.rmtree(path, ignore_errors=True)

    def _write(self) -> Path:
        target = getattr(self.store, "checkpoint", None)  # graph.checkpoint.Checkpointed
        try:
            return Path(target()) if callable(target) else checkpoint.write(self.store)
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"checkpoint of {self.path}", str(exc)) from None

    def _acquire_copy(self, generation: int) -> str:
        if self._copy is None or self._copy[0] != generation:
            previous = self._copy
            self._copy = (generation, self._make(generation))
            if previous is not None and not self._users[previous[1]]:
                shutil.rmtree(previous[1], ignore_errors=True)
        self._users[self._copy[1]] += 1
        return self._copy[1]

    def _make(self, generation: int) -> str:
        import pyoxigraph as ox

        target = self.root / f"g{generation}"
        try:
            copy = ox.Store(str(target))
            copy.bulk_extend(self.store.raw.quads_for_pattern(None, None, None, None))
            copy.flush()
            del copy
        except (OSError, RuntimeError) as exc:
            raise StoreUnavailable(f"checkpoint {target}", str(exc)) from None
        return str(target)

    def close(self) -> None:
        """Drop the in-memory store's copies (an on-disk store's checkpoints stay: the CLI and
        other processes read them)."""
        with self._lock:
            self._copy = None
            if self.path is None:
                shutil.rmtree(self.root, ignore_errors=True)

    def reopen(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)


class _Ended(Exception):
    """The worker ended (its exit status tells why) or passed its deadline."""


class _Worker:
    """One worker process and its pipes."""

    def __init__(self, memory: int) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO), env.get("PYTHONPATH")]))
        # glibc reserves 64 MB of address space per thread arena; RocksDB's threads would
        # spend the RLIMIT_AS budget on reservations alone
        env["MALLOC_ARENA_MAX"] = "2"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.sparql_worker", str(memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
        self.ready = False

    def is_ready(self) -> bool:
        """Whether the process has started (its ready frame arrived), without waiting."""
        if not self.ready and self.process.stdout is not None:
            fd = self.process.stdout.fileno()
            return bool(select.select([fd], [], [], 0)[0])
        return self.ready

    def ask(self, request: dict[str, Any], timeout: float) -> tuple[dict[str, Any], bytes]:
        """Send ``request``; its answer within ``timeout`` seconds (counted once started)."""
        assert self.process.stdin is not None
        if not self.ready:
            self._read(time.monotonic() + _START_TIMEOUT)
            self.ready = True
        deadline = time.monotonic() + timeout
        payload = json.dumps(request).encode()
        try:
            self.process.stdin.write(struct.pack(">I", len(payload)) + payload)
            self.process.stdin.flush()
        except OSError:
            raise _Ended from None
        try:
            header = json.loads(self._read(deadline))
        except ValueError:  # not our frame: treat the worker as broken
            raise _Ended("died") from None
        return header, self._read(deadline)

    def _read(self, deadline: float) -> bytes:
        (size,) = struct.unpack(">I", self._exactly(4, deadline))
        return self._exactly(size, deadline)

    def _exactly(self, size: int, deadline: float) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks = bytearray()
        while len(chunks) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                raise _Ended("time")
            chunk = os.read(fd, min(size - len(chunks), 1 << 20))
            if not chunk:
                raise _Ended("died")
            chunks += chunk
        return bytes(chunks)

    def kill(self) -> int | None:
        """End the process; its exit status (negative: the signal that ended it)."""
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return None
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        return self.process.returncode


class SparqlPool:
    """``workers`` killable SPARQL processes under a time, size and memory limit."""

    def __init__(
        self,
        store: Any,
        *,
        workers: int,
        timeout: float,
        max_bytes: int,
        memory_mb: int,
        per_client: int,
    ) -> None:
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.memory = memory_mb * 1024 * 1024
        self.per_client = per_client
        self.checkpoints = Checkpoints(store)
        self._cond = threading.Condition()
        self.workers = workers
        self._idle: list[_Worker] = []  # started on demand, up to ``workers``
        self._busy: set[_Worker] = set()
        self._clients: Counter[str] = Counter()
        self._closed = False

    def start(self) -> None:
        """Serve again after :meth:`close` (an app started twice, as tests do)."""
        with self._cond:
            self._closed = False
            self.checkpoints.reopen()

    def close(self) -> None:
        """Kill every worker (a query still running answers 503) and drop the checkpoints."""
        with self._cond:
            self._closed = True
            workers = [*self._idle, *self._busy]
            self._idle.clear()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()
        self.checkpoints.close()

    def run(self, job: Job, client: str) -> tuple[bytes, str]:
        """Evaluate ``job`` in a worker: the serialised answer and its media type.

        Raises RateLimited (429), LimitExceeded (422: time, size, memory), StoreUnavailable
        (503: stopping, or the worker crashed) and, from the answer, the caller's errors.
        """
        worker = self._take(client)
        try:
            checkpoint = self.checkpoints.acquire()
        except BaseException:
            self._give_back(worker, client, alive=True)
            raise
        request = {
            "checkpoint": checkpoint,
            "query": job.query,
            "accept": job.accept,
            "max_bytes": self.max_bytes,
            "union": job.union,
            "default": job.default,
            "named": job.named,
            "base": job.base,
        }
        alive = True
        try:
            header, body = worker.ask(request, self.timeout)
        except _Ended as ended:
            alive = False
            raise self._failure(str(ended), worker.kill()) from None
        finally:
            self.checkpoints.release(checkpoint)
            self._give_back(worker, client, alive=alive)
        return self._answer(header, body)

    # -- the pool --------------------------------------------------------------------------
    def _take(self, client: str) -> _Worker:
        """An idle worker for ``client`` (a ready one first), or 429.

        Up to ``workers`` queries run at once, but ``workers + 1`` processes are kept: the spare
        is warm when the others are killed, so the next query need not wait for a start.
        """
        retry = max(1, math.ceil(self.timeout))
        with self._cond:
            if self._clients[client] >= self.per_client:
                raise RateLimited(
                    f"you already have {self.per_client} SPARQL queries running; wait for them",
                    retry_after=retry,
                )
            end = time.monotonic() + _QUEUE_WAIT
            while not self._closed and not (self._idle and len(self._busy) < self.workers):
                if not self._idle and len(self._busy) < self.workers:
                    self._idle.append(_Worker(self.memory))
                    continue
                if not self._cond.wait(max(0.0, end - time.monotonic())):
                    break
            if self._closed:
                raise StoreUnavailable("sparql", "the server is stopping")
            if not (self._idle and len(self._busy) < self.workers):
                raise RateLimited(
                    "every SPARQL worker is busy; retry after the time in Retry-After",
                    retry_after=retry,
                )
            self._idle.sort(key=lambda w: w.is_ready())  # ready ones last: popped first
            worker = self._idle.pop()
            self._busy.add(worker)
            self._clients[client] += 1
            if not self._idle and len(self._busy) < self.workers + 1:
                self._idle.append(_Worker(self.memory))  # the spare, warming up meanwhile
            return worker

    def _give_back(self, worker: _Worker, client: str, *, alive: bool) -> None:
        """Return a live worker to the idle ones; a dead one is dropped (replaced on demand:
        the warm spare serves the next query, and no burst of starts competes with it)."""
        with self._cond:
            self._clients[client] -= 1
            if self._clients[client] <= 0:
                del self._clients[client]
            self._busy.discard(worker)
            if self._closed:
                worker.kill()
            elif alive:
                self._idle.append(worker)
            self._cond.notify()

    # -- answers ---------------------------------------------------------------------------
    def _failure(self, why: str, status: int | None) -> Exception:
        if self._closed:
            return StoreUnavailable("sparql", "the server is stopping")
        if why == "time":
            return LimitExceeded(
                "sparql_timeout",
                f"the query ran longer than {self.timeout:g} s and was stopped: narrow it or "
                "add a LIMIT",
            )
        if status in (-signal.SIGABRT, -signal.SIGKILL):  # failed allocation; the OOM killer
            return LimitExceeded(
                "sparql_memory",
                f"the query needed more than {self.memory // (1024 * 1024)} MB and was stopped: "
                "narrow it or add a LIMIT",
            )
        return StoreUnavailable(
            "sparql",
            f"the query ended its worker process (exit status {status}); the worker was "
            "replaced. Simplify the query",
        )

    def _answer(self, header: dict[str, Any], body: bytes) -> tuple[bytes, str]:
        from api.http_errors import NotAcceptable
        from ontology.errors import InvalidArgument

        if header.get("ok"):
            return body, str(header["media"])
        kind = header.get("kind")
        if kind == "size":
            raise LimitExceeded(
                "sparql_max_bytes",
                f"the results exceed {self.max_bytes} bytes: add a LIMIT or select fewer variables",
            )
        if kind == "memory":
            raise self._failure("died", -signal.SIGABRT)
        if kind == "not_acceptable":
            raise NotAcceptable(list(header.get("offered", [])))
        if kind == "syntax":
            raise SyntaxError(str(header.get("message", "")))
        raise InvalidArgument("query", f"the query failed: {header.get('message', '')}")
