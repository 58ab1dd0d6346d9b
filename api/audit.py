"""The audit log: part of every write, durable before the write is committed.

A write through the API (:class:`api.writes.Writer`) is, in this order:

1. validated (nothing written on any error);
2. its entry -- who, from which client address, what was added and removed, and the store
   **generation** the write will produce -- appended to the JSON-lines log and ``fsync``-ed, in
   full: short writes are completed, and a write that fails (``ENOSPC``, ``EIO``) is cut back
   to the previous end of the log and refused with nothing committed;
3. committed to the store in one transaction that also sets the store's generation
   (:func:`graph.load.stored_generation`); if the commit fails, the entry is cut back;
4. acknowledged.

A crash between 2 and 3 leaves an entry whose generation the store never reached; one after 3
leaves both. At start-up :meth:`AuditLog.reconcile` compares the two: a torn last line (a crash
mid-append) is cut off and noted; entries past the store's generation are removed and noted as
``not_committed``; generations the store committed without an entry (a write by
``govgraph load`` while no server ran) are noted as ``recovered``. Each store has its own log
(``<store>.audit.jsonl`` beside the store directory, or ``GOVGRAPH_AUDIT_LOG``).

The file-system calls are a documented seam: ``AuditLog(path, write=..., fsync=...)`` lets the
tests inject short writes and ``ENOSPC``.
"""

from __future__ import annotations

import errno
import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ontology.errors import StorageFull, StoreUnavailable

WRITE_ACTIONS = {"create", "replace", "update", "patch", "retire", "upload"}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class AuditLog:
    """An append-only JSON-lines file; each entry is wholly on disk before ``append`` returns."""

    def __init__(
        self,
        path: Path,
        *,
        write: Callable[[int, bytes], int] = os.write,
        fsync: Callable[[int], None] = os.fsync,
    ) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._write = write
        self._fsync = fsync
        self._lock = threading.Lock()

    # -- writing ---------------------------------------------------------------------------
    def append(self, entry: dict[str, Any]) -> int:
        """Append ``entry`` durably; return the offset it starts at (for :meth:`rollback`).

        Raises :class:`StorageFull` (disk full) or :class:`StoreUnavailable` (other I/O
        errors) with the log cut back to where it was: never a torn fragment.
        """
        # ASCII JSON: any string (even a lone surrogate) can be written and read back.
        data = (json.dumps(entry, ensure_ascii=True, sort_keys=True) + "\n").encode("ascii")
        with self._lock:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            except OSError as exc:
                raise self._error(exc) from None
            try:
                start = os.fstat(fd).st_size
                try:
                    view = memoryview(data)
                    while view:
                        written = self._write(fd, bytes(view))
                        if written <= 0:
                            raise OSError(errno.ENOSPC, "no space left on device")
                        view = view[written:]
                    self._fsync(fd)
                except OSError as exc:
                    self._cut(fd, start)
                    raise self._error(exc) from None
            finally:
                os.close(fd)
        return start

    def rollback(self, offset: int) -> None:
        """Cut the log back to ``offset`` (an entry whose write was not committed)."""
        with self._lock:
            fd = os.open(self.path, os.O_WRONLY)
            try:
                self._cut(fd, offset)
            finally:
                os.close(fd)

    def _cut(self, fd: int, offset: int) -> None:
        try:
            os.ftruncate(fd, offset)
            os.fsync(fd)
        except OSError:
            pass  # the start-up reconciliation repairs what could not be cut here

    def _error(self, exc: OSError) -> StoreUnavailable:
        where = f"audit log {self.path}"
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return StorageFull(where, "the disk is full: nothing was written; free space and retry")
        return StoreUnavailable(where, f"{exc.strerror or exc}: nothing was written")

    # -- reading ---------------------------------------------------------------------------
    def _read(self) -> tuple[list[tuple[int, dict[str, Any]]], int, int]:
        """Entries with their offsets, the end of the last whole entry, and the file size."""
        if not self.path.exists():
            return [], 0, 0
        data = self.path.read_bytes()
        rows: list[tuple[int, dict[str, Any]]] = []
        offset = good = 0
        while offset < len(data):
            end = data.find(b"\n", offset)
            if end < 0:
                break  # a torn last line
            try:
                rows.append((offset, json.loads(data[offset:end])))
            except (json.JSONDecodeError, UnicodeDecodeError):
                break  # a torn line: everything from here on is repaired away
            offset = good = end + 1
        return rows, good, len(data)

    def entries(self, *, limit: int = 100, offset: int = 0) -> dict[str, Any]:
        """Newest first."""
        rows = [row for _, row in self._read()[0]]
        rows.reverse()
        return {"total": len(rows), "entries": rows[offset : offset + limit]}

    def last_generation(self) -> int:
        """The highest store generation an entry records (0 when none does)."""
        return max((int(r.get("generation") or 0) for _, r in self._read()[0]), default=0)

    # -- start-up --------------------------------------------------------------------------
    def reconcile(self, store_generation: int) -> list[dict[str, Any]]:
        """Bring the log in line with the store after a crash; return the notes appended."""
        notes: list[dict[str, Any]] = []
        with self._lock:
            rows, good, size = self._read()
            cut_at = good
            dropped = [
                (offset, row)
                for offset, row in rows
                if row.get("action") in WRITE_ACTIONS
                and int(row.get("generation") or 0) > store_generation
            ]
            if dropped:
                cut_at = min(offset for offset, _ in dropped)
            if cut_at < size:
                fd = os.open(self.path, os.O_WRONLY)
                try:
                    os.ftruncate(fd, cut_at)
                    os.fsync(fd)
                finally:
                    os.close(fd)
            if good < size:
                notes.append(
                    {
                        "action": "repair",
                        "removed_bytes": size - good,
                        "note": "torn last entry cut off",
                    }
                )
            if dropped:
                notes.append(
                    {
                        "action": "not_committed",
                        "generations": [int(r["generation"]) for _, r in dropped],
                        "targets": [r.get("target") for _, r in dropped],
                        "note": "logged, then the server stopped before the store committed it",
                    }
                )
            audited = [int(r.get("generation") or 0) for o, r in rows if o < cut_at]
            last = max(audited, default=0)
            if 0 < last < store_generation:
                notes.append(
                    {
                        "action": "recovered",
                        "generation": store_generation,
                        "generations": list(range(last + 1, store_generation + 1)),
                        "note": "committed without an entry: written outside the server",
                    }
                )
        for note in notes:
            self.append({"at": now(), "generation": None, **note})
        return notes
