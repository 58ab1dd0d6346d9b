"""IRI -> term id in a projection opened from its files (:meth:`graph.projection.Projection.load`):
a binary search over the terms in string order instead of a dictionary of every term.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from itertools import repeat

import numpy as np


class TermIds:
    """IRI -> term id without hashing every term at open: a binary search over the terms in
    string order (``order``), each answer kept (queries ask for the same IRIs again and again).

    Never builds a dictionary of every term: that costs one unlucky request a long pause on a
    national graph (hundreds of milliseconds), whereas the answers kept stay few.
    """

    _KEPT = 1_000_000  # answers kept before starting again (a bounded cache)
    _STEP = 64  # one term in this many, in string order, kept in a plain list (:meth:`_search`)

    def __init__(self, terms: Sequence[str], order: np.ndarray) -> None:
        self._terms, self._order = terms, order
        self._found: dict[str, int | None] = {}
        self._sampled: list[str] | None = None

    def _search(self, iri: str) -> int | None:
        """The id of ``iri`` in string order: first among every :data:`_STEP`-th term (a list
        of strings, compared without a key function or an array read per probe: half the
        time of a search of the whole order), then among the terms between two of them."""
        terms, order, step = self._terms, self._order, self._STEP
        sample = self._sampled
        if sample is None:
            sample = self._sampled = list(map(terms.__getitem__, order[::step].tolist()))
        k = bisect.bisect_right(sample, iri)  # sample[k - 1] <= iri < sample[k]
        end = min(k * step, len(order))
        at = bisect.bisect_left(order, iri, max(k - 1, 0) * step, end, key=terms.__getitem__)
        if at < end and terms[order[at]] == iri:
            return int(order[at])
        return None

    def get(self, iri: str, default: int | None = None) -> int | None:
        found = self._found.get(iri, -1)
        if found == -1:
            found = self._search(iri)
            if len(self._found) >= self._KEPT:
                self._found.clear()
            self._found[iri] = found
        return default if found is None else found

    def many(self, iris: Sequence[str]) -> list[int | None]:
        """:meth:`get` of each of ``iris`` (``None``: not a term) at once: the answers kept
        read in one pass, each other IRI searched for once."""
        found = self._found
        out = list(map(found.get, iris, repeat(-1)))
        missing = {iri for iri, known in zip(iris, out, strict=True) if known == -1}
        if not missing:
            return out
        searched = {iri: self._search(iri) for iri in missing}
        if len(found) + len(searched) >= self._KEPT:
            found.clear()
        found.update(searched)
        return [
            searched[iri] if known == -1 else known for iri, known in zip(iris, out, strict=True)
        ]

    def known(self, ids: list[int]) -> None:
        """Keep the answers for terms whose ids the caller already has (no search later)."""
        found, terms = self._found, self._terms
        if len(found) + len(ids) >= self._KEPT:
            found.clear()
        for i in ids:
            found[terms[i]] = i

    def __getitem__(self, iri: str) -> int:
        found = self.get(iri)
        if found is None:
            raise KeyError(iri)
        return found

    def __contains__(self, iri: object) -> bool:
        return isinstance(iri, str) and self.get(iri) is not None

    def __len__(self) -> int:
        return len(self._terms)


def ids_of(ids: Mapping[str, int] | TermIds, iris: Sequence[str]) -> list[int | None]:
    """The term id of each of ``iris`` (``None``: not a term) in a projection's IRI index
    (``projection.ids``), looked up at once (:meth:`TermIds.many`).

    >>> terms = ("urn:b", "urn:a", "urn:c")
    >>> ids_of(TermIds(terms, np.array([1, 0, 2])), ["urn:c", "urn:x", "urn:a", "urn:c"])
    [2, None, 1, 2]
    >>> ids_of({"urn:a": 0}, ["urn:x", "urn:a"])
    [None, 0]
    """
    if isinstance(ids, TermIds):
        return ids.many(iris)
    return list(map(ids.get, iris))


__all__ = ["TermIds", "ids_of"]
