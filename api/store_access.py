"""Open the configured store; fill the embedded default with the bundled dataset on first use."""

from __future__ import annotations

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
