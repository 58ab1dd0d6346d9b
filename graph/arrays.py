"""Array helpers shared by the projection's readers: distinct values, first-met order and the
stable order of integer keys, by sorting (:func:`numpy.unique` checks for masked arrays, which
imports :mod:`numpy.ma`: some 70 ms on a cold process, and its hash table is slower on these id
arrays).

A stable ``argsort`` of integers is a merge sort (50 ms for 600,000 keys); numpy sorts plain
integers with SIMD instructions instead (4 ms), so :func:`stable_order` sorts each key packed
with its row number into one ``int64``: the keys are then all distinct, and their order is the
stable one; :func:`stable_lex_order` chains such sorts for :func:`numpy.lexsort` (a
merge sort per key too: 5 ms for three keys of 30,000 rows, against 1 ms).

numpy asks the kernel for huge pages for every array from 4 MiB (``madvise``); where the kernel
then compacts memory to find them (``transparent_hugepage/defrag`` ``madvise``, a common
default), a first touch can stall for a long time: 0.3-0.6 s of system time for the CSR indexes
of a national graph instead of 0.02 s, 2 s once for a concatenation. A cold build allocates its
arrays inside :func:`small_pages`.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct ``values``, sorted.

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def first_met(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ``values`` in the order first met, and each value's place among them.

    One stable sort: ``found[place] == values`` and ``found`` is ``values`` with every repeat
    left out.

    >>> found, place = first_met(np.array([7, 3, 7, 5, 3]))
    >>> found.tolist(), place.tolist()
    ([7, 3, 5], [0, 1, 0, 2, 1])
    """
    n = len(values)
    order = stable_order(values)
    ordered = values[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    group = np.cumsum(starts) - 1  # per sorted row, its value's group (sorted by value)
    first = order[starts]  # per group, where it is first met (the stable sort's first row)
    by_first = stable_order(first)
    group_place = np.empty(len(first), dtype=np.int64)
    group_place[by_first] = np.arange(len(first))
    place = np.empty(n, dtype=np.int64)
    place[order] = group_place[group]
    return values[first[by_first]], place


def stable_order(keys: np.ndarray) -> np.ndarray:
    """The row numbers (``int64``) of the integer ``keys`` sorted, equal keys in row order:
    ``np.argsort(keys, kind="stable")``, by one sort of each key and its row packed into an
    ``int64`` when they fit (a key range below 2**62 over the row count).

    >>> stable_order(np.array([3, 1, 3, -2, 1])).tolist()
    [3, 1, 4, 0, 2]
    """
    n = len(keys)
    if n < 2 or keys.dtype.kind not in "iu" or keys.dtype == np.uint64:
        return np.argsort(keys, kind="stable")
    low, high = int(keys.min()), int(keys.max())
    shift = (n - 1).bit_length()
    if high - low >= 1 << (62 - shift):
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64)
    if low:
        packed -= low
    packed <<= shift
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << shift) - 1
    return packed


def stable_lex_order(keys: Sequence[np.ndarray]) -> np.ndarray:
    """``np.lexsort(keys)`` (the last key the primary, full ties in row order) as row
    numbers (``int64``), by one :func:`stable_order` per key from the first (the least
    significant) to the last.

    >>> stable_lex_order((np.array([2, 1, 0]), np.array([1, 0, 1]))).tolist()
    [1, 2, 0]
    """
    order = stable_order(keys[0]).astype(np.int64, copy=False)
    for key in keys[1:]:
        order = order[stable_order(key[order])]
    return order


class _Pages:
    """How many blocks of :func:`small_pages` run, and numpy's setting before the first."""

    lock = threading.Lock()
    inside = 0
    before = True


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's new arrays in ordinary pages inside the block (no huge-page ``madvise``), its
    setting restored when the last block of any thread ends."""
    setter = _hugepage_setter()
    if setter is None:
        yield
        return
    with _Pages.lock:
        if _Pages.inside == 0:
            _Pages.before = setter(False)
        _Pages.inside += 1
    try:
        yield
    finally:
        with _Pages.lock:
            _Pages.inside -= 1
            if _Pages.inside == 0:
                setter(_Pages.before)


def to_oldest_generation() -> None:
    """Move every object the collector tracks to its oldest generation at once (two list
    splices: :func:`gc.freeze`, then :func:`gc.unfreeze`, so nothing stays frozen). For the
    millions of young objects a projection, a write or a loaded net makes: a full collection
    visits them, as it visits the old ones, instead of the next young one (tens of ms, in
    whichever request comes next)."""
    gc.freeze()
    gc.unfreeze()


def _hugepage_setter() -> Callable[[bool], bool] | None:
    """numpy's private switch (``numpy._core.multiarray``, ``numpy.core`` before 2.0)."""
    for name in ("numpy._core.multiarray", "numpy.core.multiarray"):
        try:
            found = getattr(importlib.import_module(name), "_set_madvise_hugepage", None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None
