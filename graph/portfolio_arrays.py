"""Array helpers of the portfolio lookups (:mod:`graph.portfolio_columns`): each subject's
first row, an order that skips the sort when rows are in order already, and
numbers read from texts."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from graph.arrays import stable_lex_order, stable_order


def lex_order(keys: tuple[np.ndarray, ...]) -> np.ndarray | None:
    """:func:`numpy.lexsort` of ``keys`` (the last the primary; by
    :func:`graph.arrays.stable_lex_order`), or ``None`` when the rows are in that order
    already (as observations loaded series by series are): a few passes that cost less than
    the sort.

    >>> lex_order((np.array([2, 1]), np.array([0, 0]))) is None
    False
    >>> lex_order((np.array([1, 2]), np.array([0, 0]))) is None
    True
    """
    n = len(keys[0])
    if n < 2:
        return None
    before, tied = np.zeros(n - 1, dtype=bool), np.ones(n - 1, dtype=bool)
    for key in reversed(keys):
        before |= tied & (key[:-1] < key[1:])
        tied &= key[:-1] == key[1:]
    return None if (before | tied).all() else stable_lex_order(keys)


def firsts(subjects: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(unique subjects, where each first occurs)``, sorted by subject."""
    order = stable_order(subjects)
    ordered = subjects[order]
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return ordered[first], order[first]


def numbers(texts: Iterable[str | None]) -> list[float | None]:
    """``float(text)`` of each, ``None`` where it is not a number."""
    out: list[float | None] = []
    for text in texts:
        try:
            out.append(float(text) if text is not None else None)
        except ValueError:
            out.append(None)
    return out


__all__ = ["firsts", "lex_order", "numbers"]
