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
    room = np.empty(count + max(1024, count // 64), dtype=old.dtype)
    room[: len(old)] = old
    room[len(old) : count] = tail
    _use(room, count)
    return room[:count]


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
        room = np.empty(self.count + max(1024, self.count // 64), dtype=old.dtype)
        out = room[: self.count]
        keep = min(len(old), self.count)
        out[:keep] = old[:keep]
        out[self.slots] = added
        out[self.targets] = old[self.tail]
        _use(room, self.count)
        return out

    def index(
        self, edges: np.ndarray, ptr: np.ndarray, keys: np.ndarray, added: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """A CSR index over the rows (``edges`` grouped by ``keys``, by row within a key) with
        the plan applied: the removed and moved rows' entries out, the new and moved in."""
        old_ptr, last = ptr, len(ptr) - 1

        def begin(k: int) -> int:  # a new key (past the old pointers) has no rows yet
            return int(ptr[k]) if k <= last else int(ptr[last])

        def end(k: int) -> int:
            return int(ptr[k + 1]) if k < last else int(ptr[last])

        out_rows = np.concatenate([self.gone, self.tail])
        out_keys = keys[out_rows].astype(np.int64)
        drop = np.sort(
            np.fromiter(
                (
                    begin(k) + int(np.flatnonzero(edges[begin(k) : end(k)] == r)[0])
                    for k, r in zip(out_keys.tolist(), out_rows.tolist(), strict=True)
                ),
                dtype=np.int64,
                count=len(out_rows),
            )
        )
        in_rows = np.concatenate([self.slots, self.targets])
        in_keys = np.concatenate([added.astype(np.int64), keys[self.tail].astype(np.int64)])
        at = np.fromiter(
            (
                begin(k) + int(np.searchsorted(edges[begin(k) : end(k)], r))
                for k, r in zip(in_keys.tolist(), in_rows.tolist(), strict=True)
            ),
            dtype=np.int64,
            count=len(in_rows),
        )
        order = np.lexsort((in_rows, in_keys, at))
        if not len(drop) and (not len(in_keys) or int(in_keys.min()) >= last):
            # Only rows of new keys: appended after the old index (its readers see no change).
            counts = np.bincount(in_keys - last, minlength=n - last)[: n - last]
            tail = int(ptr[last]) + np.cumsum(counts)
            return appended(edges, in_rows[order].astype(edges.dtype)), appended(ptr, tail)
        edges = edit(edges, drop, at[order], in_rows[order])
        ptr = _shifted(
            old_ptr,
            n,
            np.concatenate([out_keys, in_keys]),
            np.concatenate([np.full(len(out_keys), -1), np.ones(len(in_keys))]).astype(np.int64),
        )
        return edges.astype(np.int32, copy=False), ptr


def grown(ptr: np.ndarray, n: int) -> np.ndarray:
    """CSR pointers extended to ``n`` keys (new keys have no rows)."""
    if len(ptr) == n + 1:
        return ptr
    return appended(ptr, np.full(n + 1 - len(ptr), ptr[-1], dtype=ptr.dtype))


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


def _shifted(ptr: np.ndarray, n: int, keys: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``ptr`` for ``n`` keys with ``counts[j]`` rows more (or fewer) for key ``keys[j]``
    (one copy)."""
    unique, where = np.unique(keys, return_inverse=True)
    net = np.zeros(len(unique), dtype=np.int64)
    np.add.at(net, where, counts)
    out = np.empty(n + 1, dtype=ptr.dtype)
    out[: len(ptr)] = ptr
    out[len(ptr) :] = ptr[-1]
    if len(unique) > 16:
        change = np.zeros(n + 1, dtype=np.int64)
        change[unique + 1] = net
        out += np.cumsum(change)
        return out
    for k, c in zip(unique.tolist(), net.tolist(), strict=True):
        if c:
            out[k + 1 :] += c
    return out


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
