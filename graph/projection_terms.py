"""IRI -> term id in a projection opened from its files (:meth:`graph.projection.Projection.load`):
a binary search over the terms in string order instead of a dictionary of every term.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np


class TermIds:
    """IRI -> term id without hashing every term at open: a binary search over the terms in
    string order (``order``), each answer kept (queries ask for the same IRIs again and again).

    Never builds a dictionary of every term: that costs one unlucky request a long pause on a
    national graph (hundreds of milliseconds), whereas the answers kept stay few.
    """

    _KEPT = 1_000_000  # answers kept before starting again (a bounded cache)

    def __init__(self, terms: Sequence[str], order: np.ndarray) -> None:
        self._terms, self._order = terms, order
        self._found: dict[str, int | None] = {}

    def _search(self, iri: str) -> int | None:
        terms, order = self._terms, self._order
        lo = bisect.bisect_left(order, iri, key=terms.__getitem__)
        if lo < len(order) and terms[order[lo]] == iri:
            return int(order[lo])
        return None

    def get(self, iri: str, default: int | None = None) -> int | None:
        found = self._found.get(iri, -1)
        if found == -1:
            found = self._search(iri)
            if len(self._found) >= self._KEPT:
                self._found.clear()
            self._found[iri] = found
        return default if found is None else found

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


__all__ = ["TermIds"]
