"""Row edits behind :mod:`graph.projection_delta`: where rows go when a write removes and
adds some (:class:`Plan`), CSR indexes spliced without a full sort, and arrays grown in place
into spare room after their end when only rows are appended (readers of the shorter, older
array never look past its end, so they keep a consistent snapshot)."""

from __future__ import annotations

import bisect
import weakref

import numpy as np

#: row columns with spare room after their end: id of the buffer -> (the buffer, rows in use)
_USED: dict[int, tuple[weakref.ref[np.ndarray], int]] = {}


def _used(buffer: np.ndarray) -> int | None:
    found = _USED.get(id(buffer))
    return found[1] if found is not None and found[0]() is buffer else None


def _use(buffer: np.ndarray, rows: int) -> None:
    key = id(buffer)
    if key not in _USED:
        weakref.finalize(buffer, _USED.pop, key, None)
    _USED[key] = (weakref.ref(buffer), rows)


def spare_room(rows: int) -> int:
    """How many rows of spare room a column of ``rows`` rows is given when it is copied."""
    return max(1024, rows // 64)


def with_room(buffer: np.ndarray, rows: int) -> np.ndarray:
    """The first ``rows`` items of ``buffer``, the rest of it spare room that
    :func:`appended` may fill (the caller writes no more into it)."""
    _use(buffer, rows)
    return buffer[:rows]


def appended(old: np.ndarray, tail: np.ndarray) -> np.ndarray:
    """``old`` followed by ``tail``: written into spare room after ``old`` when ``old`` is
    the newest prefix of a buffer with room (readers of ``old`` never look past its end),
    else copied into a new buffer with room for the next writes."""
    count = len(old) + len(tail)
    base = old.base if isinstance(old.base, np.ndarray) else None
    if (
        base is not None
        and base.ndim == 1
        and _used(base) == len(old)
        and len(base) >= count
        and old.ctypes.data == base.ctypes.data
    ):
        base[len(old) : count] = tail
        _use(base, count)
        return base[:count]
    room = np.empty(count + spare_room(count), dtype=old.dtype)
    room[: len(old)] = old
    room[len(old) : count] = tail
    return with_room(room, count)


class Plan:
    """Where rows go when ``gone`` (sorted row numbers) are removed and ``adding`` rows added:
    the new rows fill the holes first (the lowest), then follow the last row; holes left over
    are filled with the last rows. No other row moves, so the CSR indexes change only where
    these rows are (no renumbering of every row)."""

    def __init__(self, rows: int, gone: np.ndarray, adding: int) -> None:
        holes = gone.tolist()
        self.count = rows - len(holes) + adding
        self.gone = gone
        self.slots = np.array(
            holes[:adding] + list(range(rows, rows + adding - len(holes))), dtype=np.int64
        )
        left = set(holes[adding:])
        self.tail = np.array([r for r in range(self.count, rows) if r not in left], dtype=np.int64)
        self.targets = np.array([h for h in holes[adding:] if h < self.count], dtype=np.int64)

    def column(self, old: np.ndarray, added: np.ndarray) -> np.ndarray:
        """A row column with the plan applied: appended in place into spare room after
        ``old`` when only rows are added (readers of ``old`` never look past its end), else
        one copy (with spare room for the next writes)."""
        if not len(self.gone):
            return appended(old, added)
        room = np.empty(self.count + spare_room(self.count), dtype=old.dtype)
        out = room[: self.count]
        keep = min(len(old), self.count)
        out[:keep] = old[:keep]
        out[self.slots] = added
        out[self.targets] = old[self.tail]
        _use(room, self.count)
        return out

    def moves(
        self, keys: np.ndarray, added: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """For an index of the rows by ``keys`` (a column before the plan; ``added`` the new
        rows' keys): ``(keys, rows)`` of the entries that leave (removed and moved rows) and
        of those that come (new and moved rows, at their new places)."""
        out_rows = np.concatenate([self.gone, self.tail])
        in_rows = np.concatenate([self.slots, self.targets])
        in_keys = np.concatenate([added.astype(np.int64), keys[self.tail].astype(np.int64)])
        return keys[out_rows].astype(np.int64), out_rows, in_keys, in_rows


_NO_ROWS = np.zeros(0, dtype=np.int32)
#: a :class:`RowIndex` holding more keys or rows apart than this is merged into whole arrays
PATCHED_KEYS = 4096
PATCHED_SHARE = 4  # ... or more than a quarter of its rows


class RowIndex:
    """Rows grouped by key (a CSR index: the rows of key ``k`` are ``edges[ptr[k]:ptr[k + 1]]``,
    in row order) for ``keys`` keys, with the keys writes changed held apart (``patched``:
    key -> its rows), so a write edits the rows of a few keys instead of copying arrays of
    millions (and faulting their pages in). Keys past the pointers have no rows unless
    patched. Never changed once made: :meth:`edited` makes another.

    >>> index = RowIndex(np.array([1, 0, 2], np.int32), np.array([0, 2, 3]), 3)
    >>> after = index.edited(np.array([0]), np.array([0]), np.array([2, 1]), np.array([3, 4]))
    >>> [after.rows(k).tolist() for k in range(3)], index.rows(0).tolist()
    ([[1], [2, 4], [3]], [1, 0])
    >>> [a.tolist() for a in after.gather(np.array([2, 0, 1]))]
    [[3, 1, 2, 4], [1, 1, 2]]
    >>> [a.tolist() for a in after.merged()]
    [[1, 2, 4, 3], [0, 1, 3, 4]]
    """

    __slots__ = ("edges", "ptr", "keys", "patched", "_patched_keys", "_patched_rows")

    def __init__(
        self,
        edges: np.ndarray,
        ptr: np.ndarray,
        keys: int,
        patched: dict[int, np.ndarray] | None = None,
        patched_rows: int = 0,
    ) -> None:
        self.edges, self.ptr, self.keys = edges, ptr, keys
        self.patched: dict[int, np.ndarray] = patched or {}
        self._patched_rows = patched_rows
        self._patched_keys = np.array(sorted(self.patched), dtype=np.int64)

    def widened(self, keys: int) -> RowIndex:
        """This index over ``keys`` keys (at least as many as it has; the new have no rows)."""
        if keys == self.keys:
            return self
        return RowIndex(self.edges, self.ptr, keys, self.patched, self._patched_rows)

    def rows(self, key: int) -> np.ndarray:
        """The rows of ``key``, in row order."""
        found = self.patched.get(key)
        if found is not None:
            return found
        ptr = self.ptr
        if key + 1 < len(ptr):
            return self.edges[ptr[key] : ptr[key + 1]]
        return _NO_ROWS

    def count(self, key: int) -> int:
        """How many rows ``key`` has."""
        found = self.patched.get(key)
        if found is not None:
            return len(found)
        ptr = self.ptr
        return int(ptr[key + 1] - ptr[key]) if key + 1 < len(ptr) else 0

    def gather(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of every key of ``keys`` at once (key by key, each in row order) and how
        many each key has (:func:`gathered` over the patched index)."""
        keys = np.asarray(keys, dtype=np.int64)
        base = len(self.ptr) - 1
        if not self.patched and (not len(keys) or int(keys.max()) < base):
            return gathered(self.ptr, self.edges, keys)
        inside = keys < base
        begin = self.ptr[np.where(inside, keys, 0)]
        counts = np.where(inside, self.ptr[np.where(inside, keys + 1, 0)] - begin, 0)
        hit = np.flatnonzero(np.isin(keys, self._patched_keys))
        counts[hit] = 0  # the base rows of a patched key are not read
        plain = counts.copy()
        for j in hit.tolist():
            counts[j] = len(self.patched[int(keys[j])])
        ends = np.cumsum(counts)
        out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=self.edges.dtype)
        total = int(plain.sum())
        if total:
            shift = np.repeat(ends - counts - begin, plain)
            source = np.repeat(begin - np.cumsum(plain) + plain, plain) + np.arange(total)
            out[source + shift] = self.edges[source]
        for j in hit.tolist():
            out[ends[j] - counts[j] : ends[j]] = self.patched[int(keys[j])]
        return out, counts

    def counts(self) -> np.ndarray:
        """How many rows each key has."""
        counts = np.zeros(self.keys, dtype=np.int64)
        base = min(len(self.ptr) - 1, self.keys)
        counts[:base] = np.diff(self.ptr[: base + 1])
        for key, rows in self.patched.items():
            counts[key] = len(rows)
        return counts

    def edited(
        self, out_keys: np.ndarray, out_rows: np.ndarray, in_keys: np.ndarray, in_rows: np.ndarray
    ) -> RowIndex:
        """This index with the entries ``(out_keys, out_rows)`` removed and ``(in_keys,
        in_rows)`` added, over keys up to the largest key it or they name (the old index
        is not changed; merged into whole arrays when too much is held apart)."""
        keys = max([self.keys, int(in_keys.max()) + 1 if len(in_keys) else 0])
        patched = dict(self.patched)
        patched_rows = self._patched_rows
        leaving: dict[int, list[int]] = {}
        coming: dict[int, list[int]] = {}
        for k, r in zip(out_keys.tolist(), out_rows.tolist(), strict=True):
            leaving.setdefault(k, []).append(r)
        for k, r in zip(in_keys.tolist(), in_rows.tolist(), strict=True):
            coming.setdefault(k, []).append(r)
        for key in leaving.keys() | coming.keys():
            rows = self.rows(key)
            gone = leaving.get(key)
            if gone:
                rows = rows[~np.isin(rows, gone)]
            new = coming.get(key)
            if new:
                new_rows = np.sort(np.array(new, dtype=rows.dtype))
                rows = np.insert(rows, np.searchsorted(rows, new_rows), new_rows)
            elif not gone:
                continue
            patched_rows += len(rows) - len(patched.get(key, ()))
            patched[key] = rows.astype(np.int32, copy=False)
        index = RowIndex(self.edges, self.ptr, keys, patched, patched_rows)
        if len(patched) > PATCHED_KEYS or patched_rows * PATCHED_SHARE > max(len(self.edges), 1):
            return RowIndex(*index.merged(), keys)
        return index

    def merged(self) -> tuple[np.ndarray, np.ndarray]:
        """``(edges, ptr)``: the whole CSR arrays (one copy of the edges)."""
        counts = self.counts()
        ptr = np.zeros(self.keys + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        if not self.patched and len(self.ptr) == self.keys + 1:
            return self.edges, self.ptr
        base, edges, old = len(self.ptr) - 1, self.edges, self.ptr
        pieces: list[np.ndarray] = []
        start, end = 0, int(old[base])
        for key in self._patched_keys.tolist():
            if key < base:
                pieces.append(edges[start : old[key]])
                start = int(old[key + 1])
            elif start < end:
                pieces.append(edges[start:end])
                start = end
            pieces.append(self.patched[key])
        pieces.append(edges[start:end])
        return np.concatenate(pieces).astype(np.int32, copy=False), ptr


def edit(array: np.ndarray, drop: np.ndarray, at: np.ndarray, values: np.ndarray) -> np.ndarray:
    """``array`` without the items at the sorted positions ``drop`` and with ``values``
    inserted before the sorted positions ``at`` (both positions in ``array``): one copy of
    memory, no mask over the whole array (``np.delete``/``np.insert`` build one each)."""
    drops, cuts = drop.tolist(), at.tolist()
    values = values.astype(array.dtype, copy=False)
    pieces: list[np.ndarray] = []
    start = i = j = 0
    while i < len(drops) or j < len(cuts):
        if j < len(cuts) and (i == len(drops) or cuts[j] <= drops[i]):
            pieces.append(array[start : cuts[j]])
            start = cuts[j]
            end = bisect.bisect_right(cuts, cuts[j], lo=j)
            pieces.append(values[j:end])
            j = end
        else:
            pieces.append(array[start : drops[i]])
            start = drops[i] + 1
            i += 1
    pieces.append(array[start:])
    return np.concatenate(pieces) if len(pieces) > 1 else array.copy()


def gathered(
    ptr: np.ndarray, entries: np.ndarray, keys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The CSR ``entries`` of every key of ``keys`` at once (key by key, each in index order)
    and how many each key has.

    >>> ptr, entries = np.array([0, 2, 2, 3]), np.array([10, 11, 12])
    >>> [a.tolist() for a in gathered(ptr, entries, np.array([2, 0, 1]))]
    [[12, 10, 11], [1, 2, 0]]
    """
    begin = ptr[keys]
    counts = ptr[keys + 1] - begin
    starts = np.repeat(begin - np.cumsum(counts) + counts, counts)
    return entries[starts + np.arange(int(counts.sum()))], counts
