"""Open the configured store; fill the embedded default with the bundled dataset on first use."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from api.settings import Settings
from graph.store import GraphStore
from ontology.errors import StoreUnavailable

WRITE_THROUGH_API = (
    "a running govgraph server (`govgraph serve`) holds this store: send the write to its API "
    "with an editor token, e.g. `curl -X POST -H 'Authorization: Bearer $TOKEN' "
    "--data-binary @file.yaml 'http://HOST:PORT/batches?graph=NAME&reason=WHY'` "
    "(docs/api.md), or stop the server first"
)


def open_store(settings: Settings, *, write: bool = True) -> GraphStore:
    """Open the store named by ``settings`` for this process.

    The embedded store admits one read-write process at a time; that process leaves a checkpoint
    after each write (:mod:`graph.checkpoint`). While another process (such as `govgraph
    serve`) holds the store, a reader (``write=False``) opens the newest checkpoint read-only,
    and a writer is told to go through the server's API. A missing or empty store is created
    and loaded with the bundled dataset first.
    """
    if settings.store != "oxigraph":
        return _open_cypher(settings)
    from graph import checkpoint
    from graph.oxigraph_store import OxigraphStore

    try:
        store = OxigraphStore(settings.store_path)
    except StoreUnavailable as exc:
        if "lock" not in exc.reason.lower():
            raise
        snapshot = None if write else checkpoint.open_latest(settings.store_path)
        if snapshot is not None:
            return snapshot
        raise StoreUnavailable(
            exc.store,
            WRITE_THROUGH_API
            if write
            else "another govgraph process is using it and has left no checkpoint to read; "
            "query that server over HTTP, stop it, or point GOVGRAPH_STORE_PATH elsewhere",
        ) from None
    try:
        initialise(store, settings)
    except BaseException:
        store.close()
        raise
    return checkpoint.Checkpointed(store)


class FollowedCheckpoint:
    """The newest checkpoint of the store at ``path``, read-only, reopened after each write.

    For a reader process beside the one holding the store (``govgraph serve --workers N``):
    :attr:`generation` looks at the checkpoint pointer (one ``stat``) and, when the holder
    has written a newer checkpoint, opens it and moves the generation on, so every cache keyed
    by generation (projection, names, answers) is rebuilt from the new state. Everything else is
    the opened checkpoint's. A checkpoint replaced meanwhile stays open for the readers using it.
    """

    def __init__(self, path: Path) -> None:
        from graph import checkpoint

        self.path = path
        self.description = f"oxigraph:{path} (newest checkpoint)"
        self._pointer = checkpoint.checkpoints_dir(path) / "LATEST"
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None
        self._generation = 0
        self._store: Any = None
        self._follow()
        if self._store is None:
            raise StoreUnavailable(self.description, "no checkpoint of this store exists yet")

    def _follow(self) -> None:
        from graph import checkpoint

        try:
            status = os.stat(self._pointer)
        except FileNotFoundError:
            return
        seen = (status.st_ino, status.st_mtime_ns)
        if seen == self._seen:
            return
        with self._lock:
            if seen == self._seen:
                return
            opened = checkpoint.open_latest(self.path)
            if opened is not None:
                self._store = opened
                self._generation += 1
            self._seen = seen

    @property
    def generation(self) -> int:
        self._follow()
        return self._generation

    @generation.setter
    def generation(self, value: int) -> None:  # the checkpoints decide it; kept for the protocol
        pass

    @property
    def raw(self) -> Any:
        return self._store.raw

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def replace(self, graphs: Any, remove: Any = ()) -> None:
        raise StoreUnavailable(self.description, WRITE_THROUGH_API)

    def close(self) -> None:
        """Nothing to close: the checkpoints are closed when the process ends."""


def _open_cypher(settings: Settings) -> GraphStore:
    """A Cypher store (Neo4j or FalkorDB), loaded with the bundled dataset when empty."""
    from graph.cypher_store import open_cypher_store

    store = open_cypher_store(
        settings.store,
        uri=settings.neo4j_uri,
        user=settings.neo4j_user,
        password=settings.neo4j_password.get_secret_value(),
        database=settings.neo4j_database,
        host=settings.falkordb_host,
        port=settings.falkordb_port,
        unix_socket=settings.falkordb_socket,
        graph=settings.falkordb_graph,
        query_timeout=settings.query_timeout,
    )
    try:
        initialise(store, settings)
    except BaseException:
        store.close()
        raise
    return store


def initialise(store: GraphStore, settings: Settings) -> None:
    """Load the bundled dataset into an empty store; give older stores stable graph names."""
    from loaders import load_paths, migrate_graph_names

    # Named graphs first: counting every triple of a large store takes a second or more.
    if not store.graph_names() and store.count() == 0 and settings.data_dir.exists():
        load_paths(store, [settings.data_dir], limits=settings.limits(), root=settings.data_root)
    else:
        migrate_graph_names(store)
