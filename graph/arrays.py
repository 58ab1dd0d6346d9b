"""Array helpers shared by the projection's readers: distinct values and first-met order,
by sorting (:func:`numpy.unique` checks for masked arrays, which imports :mod:`numpy.ma`: some
70 ms on a cold process, and its hash table is slower on these id arrays)."""

from __future__ import annotations

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
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    group = np.cumsum(starts) - 1  # per sorted row, its value's group (sorted by value)
    first = order[starts]  # per group, where it is first met (the stable sort's first row)
    by_first = np.argsort(first, kind="stable")
    group_place = np.empty(len(first), dtype=np.int64)
    group_place[by_first] = np.arange(len(first))
    place = np.empty(n, dtype=np.int64)
    place[order] = group_place[group]
    return values[first[by_first]], place
