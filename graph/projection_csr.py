"""The CSR indexes of a projection's rows: each key's rows in stream order (a stable sort).

numpy sorts without the interpreter lock, so :func:`indexes_beside` sorts them on a thread
while the caller does Python work (decoding literals, sorting the terms): the three sorts of a
national graph (0.08 s of CPU with :func:`graph.arrays.stable_order`, 0.15-0.4 s as merge
sorts) then cost no wall time of their own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from graph.arrays import stable_order

#: ``(out_edges, out_ptr, in_edges, in_ptr, lit_rows, lit_ptr)``
Indexes = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
#: rows from which :func:`indexes_beside` sorts on a thread (below, a thread costs more)
BESIDE = 100_000


def indexes(s: np.ndarray, o: np.ndarray, lit_s: np.ndarray, n: int) -> Indexes:
    """The rows by subject, by object and the literal rows by subject, of ``n`` terms.

    >>> [a.tolist() for a in indexes(np.array([1, 0, 1]), np.array([0, 0, 1]), np.array([1]), 2)]
    [[1, 0, 2], [0, 1, 3], [0, 1, 2], [0, 2, 3], [0], [0, 0, 1]]
    """
    return (*csr(s, n), *csr(o, n), *csr(lit_s, n))


def indexes_beside(
    s: np.ndarray, o: np.ndarray, lit_s: np.ndarray, n: int
) -> Callable[[], Indexes]:
    """:func:`indexes`, sorted on a thread from :data:`BESIDE` rows (else at once): a function
    that returns them once sorted (raising what the sort raised)."""
    if len(s) + len(lit_s) < BESIDE:
        found = indexes(s, o, lit_s, n)
        return lambda: found
    out: list[Indexes | BaseException] = []

    def sort() -> None:
        try:
            out.append(indexes(s, o, lit_s, n))
        except BaseException as exc:  # raised where they are asked for
            out.append(exc)

    thread = threading.Thread(target=sort, name="govgraph-csr")
    thread.start()

    def result() -> Indexes:
        thread.join()
        if isinstance(out[0], BaseException):
            raise out[0]
        return out[0]

    return result


def csr(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(rows, ptr)``: the row numbers sorted by key (stable), and their CSR pointers."""
    return stable_order(keys).astype(np.int32), pointers(keys, n)


def pointers(keys: np.ndarray, n: int) -> np.ndarray:
    """CSR row pointers: rows of key ``i`` are ``[ptr[i], ptr[i + 1])`` of the sorted order."""
    counts = np.bincount(keys, minlength=n) if len(keys) else np.zeros(n, dtype=np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


__all__ = ["BESIDE", "Indexes", "csr", "indexes", "indexes_beside", "pointers"]
