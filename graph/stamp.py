"""A store's content stamp: a token beside the store that changes with every write through it.

A projection persisted beside the store is keyed by the stamp (:mod:`graph.checkpoint`), so a
cold process opens the projection only if nothing was written since it was made. The writer
removes the stamp *before* a write and sets a fresh one after it is flushed: a crash between
the two leaves no stamp, and the next process rebuilds rather than trust a stale projection.
Writes that bypass :class:`graph.oxigraph_store.OxigraphStore` (the raw pyoxigraph store)
leave the stamp as it was: remove the ``.stamp`` file after such a write.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def stamp_file(store_path: Path) -> Path:
    """Where the stamp of the store at ``store_path`` is kept."""
    return store_path.with_name(store_path.name + ".stamp")


def read(store_path: Path) -> str | None:
    """The stamp of the store at ``store_path``, or ``None`` when it has none."""
    try:
        text = stamp_file(store_path).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    return text or None


def clear(store_path: Path) -> None:
    """Remove the stamp (before a write)."""
    stamp_file(store_path).unlink(missing_ok=True)


def renew(store_path: Path) -> str:
    """Set a fresh stamp (after a flushed write, or for a store that has none); the token."""
    token = uuid.uuid4().hex
    target = stamp_file(store_path)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_text(token, encoding="utf-8")
    os.replace(partial, target)
    return token
