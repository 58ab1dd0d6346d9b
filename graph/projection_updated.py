"""The projection a write made from another (:mod:`graph.projection_delta`): what it keeps
apart instead of copying arrays of millions per write, merged when read in whole.

- term ids: the first projection's dictionary or string-order search (answers kept across
  writes) and a dictionary of the terms added since (:class:`CarriedIds`);
- the CSR indexes: :class:`graph.projection_rows.RowIndex`, the changed keys apart;
- the string order: the order of the first terms and the terms added since
  (:data:`OrderParts`); ``rank`` is kept whole (queries sort by it at once).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from graph.projection import Projection
from graph.projection_rows import RowIndex, edit
from graph.projection_terms import TermIds, ids_of


class CarriedIds(TermIds):
    """IRI -> id of an updated projection: the first projection's dictionary or string-order
    search (:class:`TermIds`, its answers kept across writes: old terms keep their ids) and
    a dictionary of the terms added since; nothing copied or searched again per write."""

    def __init__(
        self,
        terms: Sequence[str],
        order: np.ndarray,
        base: Mapping[str, int] | TermIds | None,
        extra: dict[str, int],
    ) -> None:
        super().__init__(terms, order)
        self._base, self._extra = base, extra

    def get(self, iri: str, default: int | None = None) -> int | None:
        if self._base is None:
            return super().get(iri, default)
        found = self._base.get(iri)
        if found is None:
            found = self._extra.get(iri)
        return default if found is None else found

    def many(self, iris: Sequence[str]) -> list[int | None]:
        base = self._base
        if base is None:
            return super().many(iris)
        found = ids_of(base, iris)
        extra = self._extra
        return [extra.get(iri) if i is None else i for iri, i in zip(iris, found, strict=True)]

    def known(self, ids: list[int]) -> None:
        base = self._base
        if base is None:
            super().known(ids)
        elif isinstance(base, TermIds):  # its terms: the first projection's
            count = len(base)
            base.known(ids if not ids or max(ids) < count else [i for i in ids if i < count])


_ARRAYS = {
    "out": ("out_edges", "out_ptr"),
    "in": ("in_edges", "in_ptr"),
    "lit": ("lit_rows", "lit_ptr"),
}


#: the string order of a projection as ``(order of its first terms, the ids of the terms
#: added after them, in string order)``
OrderParts = tuple[np.ndarray, tuple[int, ...]]
#: terms added since the order was last made in whole, before it is made again
ADDED_KEPT_APART = 4096


def order_parts(projection: Projection) -> OrderParts:
    """The string order of ``projection`` as :data:`OrderParts` (nothing merged)."""
    if isinstance(projection, UpdatedProjection):
        return projection.order_parts
    return projection.order, ()


def merged_order(terms: Sequence[str], base: np.ndarray, added: Sequence[int]) -> np.ndarray:
    """The order of all ``terms``: ``base`` (of the first ones) with ``added`` merged in."""
    if not added:
        return base
    key = terms.__getitem__
    at = np.array([bisect.bisect_left(base, terms[i], key=key) for i in added], dtype=np.int64)
    return edit(base, np.zeros(0, np.int64), at, np.array(added, dtype=np.int64))


def _read_only(read: Any) -> Any:
    """``property(read)``, typed to stand for a plain attribute of :class:`Projection`."""
    return property(read)


def _whole_array(kind: str, part: int) -> Any:
    """A read-only attribute of :class:`UpdatedProjection`: part ``part`` of its merged
    ``kind`` index."""

    def read(self: UpdatedProjection) -> np.ndarray:
        return self.whole(kind)[part]

    return property(read)


class UpdatedProjection(Projection):
    """A projection a write made from another: its three CSR indexes are :class:`RowIndex`
    es (the keys the writes changed held apart), read key by key without merging; a reader
    of the whole arrays (``in_ptr``, ``out_edges``, ..., or saving) merges them once."""

    def __init__(self, terms: Sequence[str], ids: TermIds) -> None:
        super().__init__(terms, ids)
        self.indexes: dict[str, RowIndex] = {}
        self._whole: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        #: the string order as an order of the first terms and the terms added since
        self.order_parts: OrderParts = (np.zeros(0, np.int32), ())

    def _merged_order(self) -> np.ndarray:
        """The terms in string order (merged from :attr:`order_parts` on first read)."""
        base, added = self.order_parts
        if added:
            base = merged_order(self.terms, base, added)
            self.order_parts = (base, ())
        return base

    order = _read_only(_merged_order)

    def whole(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """``(edges, ptr)`` of the ``kind`` index merged into whole arrays (once)."""
        found = self._whole.get(kind)
        if found is None:
            found = self._whole[kind] = self.indexes[kind].merged()
        return found

    def row_index(self, kind: str) -> RowIndex:
        """The ``kind`` index, on the merged arrays if a reader has merged them already."""
        whole = self._whole.get(kind)
        if whole is not None:
            return RowIndex(*whole, len(self.terms))
        return self.indexes[kind]

    def out_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["out"].rows(i)

    def in_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["in"].rows(i)

    def literal_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["lit"].rows(i)

    def rows_of(self, kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.indexes[kind].gather(keys)

    # The whole arrays, for a reader that reads them so (merged on first use).
    out_edges = _whole_array("out", 0)
    out_ptr = _whole_array("out", 1)
    in_edges = _whole_array("in", 0)
    in_ptr = _whole_array("in", 1)
    lit_rows = _whole_array("lit", 0)
    lit_ptr = _whole_array("lit", 1)


def row_index(projection: Projection, kind: str, keys: int) -> RowIndex:
    """The ``kind`` CSR index of ``projection`` as a :class:`RowIndex` over ``keys`` keys."""
    if isinstance(projection, UpdatedProjection):
        index = projection.row_index(kind)
    else:
        edges, ptr = (getattr(projection, name) for name in _ARRAYS[kind])
        index = RowIndex(edges, ptr, len(projection.terms))
    return index.widened(keys)
