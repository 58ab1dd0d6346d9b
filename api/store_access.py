"""Open the configured store; fill the embedded default with the bundled dataset on first use."""

from __future__ import annotations

from api.settings import Settings
from graph.store import GraphStore
from ontology.errors import StoreUnavailable


def open_store(settings: Settings, *, write: bool = False) -> GraphStore:
    """Open the store named by ``settings``.

    A read opens a snapshot (another process, such as the server, may hold the write lock);
    a missing or empty embedded store is created and loaded with the bundled dataset first.
    """
    from graph.oxigraph_store import OxigraphStore

    path = settings.store_path
    exists = (path / "CURRENT").exists()
    if exists and not write:
        store = OxigraphStore(path, read_only=True)
        if store.count() > 0:
            return store
        store.close()
    try:
        store = OxigraphStore(path)
    except StoreUnavailable as exc:
        if "lock" in exc.reason.lower():
            raise StoreUnavailable(
                exc.store,
                "another govgraph process (a server?) is writing to it; stop it or write "
                "through the API",
            ) from None
        raise
    initialise(store, settings)
    return store


def initialise(store: GraphStore, settings: Settings) -> None:
    """Load the bundled dataset into an empty store."""
    from loaders import load_paths

    if store.count() == 0 and settings.data_dir.exists():
        load_paths(store, [settings.data_dir])
