"""Checkpoints of the embedded store, for readers in other processes.

pyoxigraph documents a read-only reader beside a live writer as undefined behaviour, so a second
process (the CLI while ``govgraph serve`` holds the store; later, SPARQL worker processes) reads
a *checkpoint* instead: ``Store.backup`` writes a RocksDB checkpoint (hard links on the same file
system, ~0.2 s per 100k triples while the store stays open), which is never written to again,
so any number of readers can open it with ``Store.read_only``.

Layout, beside the store directory ``<store>``::

    <store>.checkpoints/<time_ns>-<generation>/   one checkpoint each
    <store>.checkpoints/LATEST                    the name of the newest (replaced atomically)

The process holding the store writes a checkpoint after every write (:class:`Checkpointed`);
the SPARQL worker pool (:mod:`api.sparql_pool`) and reader processes (``govgraph serve
--workers N``) read the same checkpoints. The newest :data:`KEEP` are kept; older ones are
removed, except any this process holds (:func:`hold`) while a query reads it.

The query projection (:mod:`graph.projection`) is persisted beside the store too, keyed by the
store's content stamp (:mod:`graph.stamp`)::

    <store>.stamp                                 the stamp of what the store holds
    <store>.checkpoints/<name>.stamp              the stamp of what a checkpoint holds
    <store>.projection/<stamp>/                   the projection of that content

so a cold process (the CLI, beside a server or not) opens it memory-mapped instead of reading
the whole store.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graph import stamp
from graph.arrays import to_oldest_generation
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from graph.store import Changes
from ontology.terms import Triple

KEEP = 3  # a reader that opened the previous checkpoint keeps its files while it runs
_HELD: dict[Path, int] = {}  # checkpoints this process is reading, and by how many users
_HELD_LOCK = threading.Lock()


def hold(path: Path) -> None:
    """Keep the checkpoint at ``path`` from being removed until :func:`release`."""
    with _HELD_LOCK:
        _HELD[path] = _HELD.get(path, 0) + 1


def release(path: Path) -> None:
    """Let the checkpoint at ``path`` be removed again (once every holder released it)."""
    with _HELD_LOCK:
        _HELD[path] -= 1
        if _HELD[path] <= 0:
            del _HELD[path]
    prune(path.parent)


def prune(folder: Path, newest: str | None = None) -> None:
    """Remove all but the :data:`KEEP` newest checkpoints in ``folder`` (none held here)."""
    if newest is None:
        try:
            newest = (folder / "LATEST").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return
    old = sorted(p for p in folder.iterdir() if p.is_dir() and p.name != newest)
    with _HELD_LOCK:
        for stale in old[: max(0, len(old) - (KEEP - 1))]:
            if stale not in _HELD:
                shutil.rmtree(stale, ignore_errors=True)
                stale.with_name(stale.name + ".stamp").unlink(missing_ok=True)


def generation_of(path: Path) -> int:
    """The write generation of the process that wrote the checkpoint at ``path``.

    >>> generation_of(Path("/s.checkpoints/1733150000000000000-7"))
    7
    """
    return int(path.name.rsplit("-", 1)[1])


def checkpoints_dir(store_path: Path) -> Path:
    """Where the checkpoints of the store at ``store_path`` live."""
    return store_path.with_name(store_path.name + ".checkpoints")


def latest(store_path: Path) -> Path | None:
    """The newest checkpoint of the store at ``store_path``, or ``None`` when there is none."""
    folder = checkpoints_dir(store_path)
    try:
        name = (folder / "LATEST").read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = folder / name
    return path if name and path.is_dir() else None


def write(store: OxigraphStore) -> Path:
    """Checkpoint ``store`` (opened read-write on a path) and make it the newest; its path."""
    if store.path is None:
        raise ValueError("an in-memory store has no checkpoints")
    folder = checkpoints_dir(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    for attempt in range(4):
        name = f"{time.time_ns()}-{store.generation}"
        try:
            store.raw.backup(str(folder / name))
            break
        except (OSError, RuntimeError):
            # RocksDB may remove a file being linked while it compacts (a store just
            # bulk-loaded): start the checkpoint again
            shutil.rmtree(folder / name, ignore_errors=True)
            if attempt == 3:
                raise
            time.sleep(0.2 * (attempt + 1))
    token = stamp.read(store.path)
    if token is not None:  # the checkpoint holds what the stamp describes: share its projection
        (folder / f"{name}.stamp").write_text(token, encoding="utf-8")
    pointer = folder / f".LATEST.{os.getpid()}"
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, folder / "LATEST")  # readers see the old name or the new, never half
    prune(folder, name)
    return folder / name


# -- the persisted projection ---------------------------------------------------------------------
#: projections kept per store (the newest by time); a reader holding an older one keeps its maps
KEEP_PROJECTIONS = 3


def _primary(path: Path) -> Path:
    """The store a path belongs to: itself, or the store a checkpoint was taken of."""
    parent = path.parent
    if parent.name.endswith(".checkpoints"):
        return parent.with_name(parent.name.removesuffix(".checkpoints"))
    return path


def projection_root(store_path: Path) -> Path:
    """Where the projections of the store at ``store_path`` (or of its checkpoints) live."""
    primary = _primary(store_path)
    return primary.with_name(primary.name + ".projection")


def content_stamp(store: object) -> str | None:
    """The stamp of what ``store`` holds, or ``None`` (in memory, not embedded, or unknown)."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return None
    if _primary(path) != path:  # a checkpoint: the stamp its writer left beside it
        try:
            return path.with_name(path.name + ".stamp").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None
    return stamp.read(path)


def load_projection(store: object) -> tuple[Projection | None, Path | None]:
    """The projection persisted for what ``store`` holds now and its folder, or ``None``s.

    For a store this process may write, the row columns are mapped with spare room after
    their end (:func:`graph.projection_room.give_room`): the first write appends its rows
    there instead of copying the columns (a reader never applies a write itself).
    """
    token = content_stamp(store)
    path = getattr(store, "path", None)
    if token is None or not isinstance(path, Path):
        return None, None
    folder = projection_root(path) / token
    found = Projection.load(folder)
    if found is None:
        return None, None
    # Its term and value tuples (a million items on a national graph) are young objects:
    # moved to the oldest generation at once, as after a write (graph.index_carry), so the
    # next young collection does not visit every item (20 ms, in the first request).
    to_oldest_generation()
    if not getattr(store, "_read_only", False):  # a writer: its first write appends in place
        from graph.projection_room import give_room

        give_room(found, folder)
    return found, folder


#: seconds a reader beside a writer waits for the writer to persist the projection of a new
#: write (it saves after two quiet seconds, :mod:`graph.index_carry`) before building its own
WAIT_FOR_WRITER = float(os.environ.get("GOVGRAPH_WAIT_FOR_PROJECTION", "8"))


def wait_for_projection(store: object) -> tuple[Projection | None, Path | None]:
    """For a read-only reader of a store whose writer persists projections (one is kept
    already) and has not yet saved the one of the newest content: that one once saved (up to
    :data:`WAIT_FOR_WRITER` seconds; a new stamp meanwhile is followed), else ``None``s."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path) or not getattr(store, "_read_only", False):
        return None, None
    root = projection_root(path)
    try:
        if not any(p.is_dir() and not p.name.startswith(".") for p in root.iterdir()):
            return None, None
    except OSError:
        return None, None
    deadline = time.monotonic() + WAIT_FOR_WRITER
    while time.monotonic() < deadline:
        time.sleep(0.1)
        found, folder = load_projection(store)
        if found is not None:
            return found, folder
    return None, None


def claim_stamp(store: object) -> str | None:
    """The stamp to persist a projection under, read *before* the projection is built: the
    store's own, or a fresh one for a read-write store that has none; ``None`` when the store
    cannot have one (in memory, not embedded, or a reader of a store without a stamp)."""
    path = getattr(store, "path", None)
    if not isinstance(path, Path):
        return None
    token = content_stamp(store)
    if token is None and _primary(path) == path and not getattr(store, "_read_only", True):
        token = stamp.renew(path)
    return token


def save_projection(store: object, projection: Projection, token: str | None) -> Path | None:
    """Persist ``projection`` of ``store`` under ``token`` (from :func:`claim_stamp` before
    the build), unless a write changed the stamp meanwhile; the folder, or ``None``."""
    path = getattr(store, "path", None)
    if token is None or not isinstance(path, Path) or content_stamp(store) != token:
        return None
    root = projection_root(path)
    root.mkdir(parents=True, exist_ok=True)
    target = root / token
    projection.save(target)
    if content_stamp(store) != token:  # written meanwhile: the projection may be of either
        shutil.rmtree(target, ignore_errors=True)
        return None
    kept = sorted(
        (p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.stat().st_mtime,
    )
    for stale in kept[: max(0, len(kept) - KEEP_PROJECTIONS)]:
        if stale != target:
            shutil.rmtree(stale, ignore_errors=True)
    return target


def open_latest(store_path: Path) -> OxigraphStore | None:
    """The newest checkpoint of the store at ``store_path``, opened read-only, or ``None``."""
    path = latest(store_path)
    return None if path is None else OxigraphStore(path, read_only=True)


class Checkpointed:
    """``store`` (read-write, on a path) leaving a checkpoint after each write.

    Everything else is the store's own (attributes are passed through). A checkpoint is taken
    at once if there is none yet, so readers always find one while the store is held.
    """

    def __init__(self, store: OxigraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        if store.path is not None and latest(store.path) is None:
            write(store)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str] = ()) -> None:
        self._store.replace(graphs, remove)
        self.checkpoint()

    def changes_since(self, generation: int, upto: int | None = None) -> Changes | None:
        """The store's change log (:meth:`OxigraphStore.changes_since`)."""
        return self._store.changes_since(generation, upto)

    def content_token(self, generation: int) -> str | None:
        return self._store.content_token(generation)

    def checkpoint(self) -> Path:
        """Write a checkpoint of the store as it is now and make it the newest; its path."""
        with self._lock:  # one checkpoint at a time
            return write(self._store)
