"""The dependency net: valid dependencies as integer CSR arrays, built once per projection.

Built per projection and day (:func:`graph.queries.impact.dependency_net`); the traversal
is in :mod:`graph.queries.depwalk`.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from graph.arrays import stable_order, to_oldest_generation
from graph.projection_csr import pointers
from ontology import vocab as v

if TYPE_CHECKING:
    from graph.index import GovIndex

#: the ``weakest`` rank of a walk's start: stronger than every dependency
NO_LIMIT = max(v.CRITICALITY_RANK.values()) + 1


@dataclass
class DependencyNet:
    """Valid dependencies between ``len(ids)`` things (parallel edges collapsed, strongest kept).

    ``ids[i]`` is the IRI of node ``i`` and ``position`` the reverse. The edges of node ``i``
    are rows ``down_ptr[i]:down_ptr[i + 1]`` of ``down_to``/``down_rank`` (the things that depend
    on it) and ``up_ptr``/``up_to``/``up_rank`` (the things it needs), in the order the
    dependencies were first met.

    A net patched after a write (:func:`graph.depgraph.patched_net`) keeps the arrays of the
    net it was made from and holds the edges of the nodes the writes changed apart
    (``patched``, per direction): read the arrays through :meth:`arrays` (merged once when
    asked for), a node's edges through :meth:`edges_of`.
    """

    ids: list[str]
    position: dict[str, int]
    down_ptr: np.ndarray
    down_to: np.ndarray
    down_rank: np.ndarray
    up_ptr: np.ndarray
    up_to: np.ndarray
    up_rank: np.ndarray
    #: the projection's term id of node ``i``, when built from a projection
    terms: np.ndarray | None = None
    #: ``{id, label, type}`` of node ``i`` per language, filled as queries show nodes; the
    #: lists are shared with the nets patched from this one (a national net's hold some
    #: 100,000 refs: a copy per write costs more than the rest of the patch), which neither
    #: read nor fill them at the positions in their ``stale``
    refs: dict[str | None, list[dict[str, str] | None]] = field(default_factory=dict)
    #: positions whose node a write changed since the ``refs`` lists were made (their refs
    #: kept in ``own_refs`` instead, as are those of nodes past the lists' end)
    stale: frozenset[int] = frozenset()
    own_refs: dict[str | None, dict[int, dict[str, str]]] = field(
        default_factory=dict, repr=False, init=False
    )
    #: per (direction, least rank) two lists: node ``i``'s edges' ends ``(to, ...)`` and their
    #: ranks, made on first visit (see :func:`graph.queries.depwalk.traverse`); not copied by
    #: ``dataclasses.replace`` (a net made from another starts with none)
    lists: dict[
        tuple[bool, int],
        tuple[list[tuple[int, ...] | None], list[tuple[int, ...] | None]],
    ] = field(default_factory=dict, repr=False, init=False)
    #: per direction, a lock, a list over the nodes that one walk at a time marks and the
    #: base of the last walk's marks
    scratch: dict[bool, tuple[threading.Lock, list[int], list[int]]] = field(
        default_factory=dict, repr=False, init=False
    )
    #: per direction (``True``: downstream), the edges ``(to, rank)`` of the nodes writes
    #: changed since the arrays were made (a node past the arrays' end is always here)
    patched: dict[bool, dict[int, tuple[list[int], list[int]]]] = field(default_factory=dict)
    _merged: dict[bool, tuple[np.ndarray, np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, init=False
    )

    def base(self, downstream: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(ptr, to, rank)`` of one direction as made, without the patched nodes' edges."""
        if downstream:
            return self.down_ptr, self.down_to, self.down_rank
        return self.up_ptr, self.up_to, self.up_rank

    def arrays(self, downstream: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(ptr, to, rank)`` of one direction, the patched nodes' edges merged in (once)."""
        base = self.base(downstream)
        patched = self.patched.get(downstream)
        if not patched:
            return base
        found = self._merged.get(downstream)
        if found is None:
            found = self._merged[downstream] = spliced(*base, patched, len(self.ids))
        return found

    def edges_of(self, node: int, downstream: bool) -> tuple[list[int], list[int]]:
        """``(to, rank)`` of ``node``'s edges in one direction, in order."""
        found = self.patched.get(downstream, {}).get(node)
        if found is not None:
            return list(found[0]), list(found[1])
        ptr, to, rank = self.base(downstream)
        if node < len(ptr) - 1:
            rows = slice(int(ptr[node]), int(ptr[node + 1]))
            return to[rows].tolist(), rank[rows].tolist()
        return [], []

    def ref(self, index: GovIndex, pos: int, lang: str | None) -> dict[str, str]:
        """The ``{id, label, type}`` of node ``pos`` (computed once per language)."""
        refs = self.refs.get(lang)
        if refs is None:
            refs = self.refs.setdefault(lang, [None] * len(self.ids))
        if pos < len(refs) and pos not in self.stale:
            ref = refs[pos]
            if ref is None:
                ref = refs[pos] = index.ref(self.ids[pos], lang)
            return ref
        own = self.own_refs.setdefault(lang, {})
        found = own.get(pos)
        if found is None:
            found = own[pos] = index.ref(self.ids[pos], lang)
        return found

    def edges(self) -> list[tuple[int, int]]:
        """``(dependent, prerequisite)`` of every edge."""
        ptr, to, _ = self.arrays(False)
        sources = np.repeat(np.arange(len(self.ids)), np.diff(ptr))
        return list(zip(sources.tolist(), to.tolist(), strict=True))

    @classmethod
    def from_arrays(
        cls,
        ids: list[str],
        dependent: np.ndarray,
        prerequisite: np.ndarray,
        rank: np.ndarray,
        terms: np.ndarray | None = None,
    ) -> DependencyNet:
        """Build from edges as positions into ``ids``, in the order they were met."""
        n = len(ids)
        if len(dependent):
            key = dependent.astype(np.int64) * max(n, 1) + prerequisite
            order = stable_order(key)
            sorted_keys = key[order]
            starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            strongest = np.maximum.reduceat(rank[order], starts)
            first = order[starts]  # the first time each pair was met
            met = stable_order(first)
            a, b, r = dependent[first[met]], prerequisite[first[met]], strongest[met]
        else:
            a = b = np.zeros(0, np.int32)
            r = np.zeros(0, np.int8)
        down = stable_order(b)
        up = stable_order(a)
        return cls(
            ids=ids,
            position={iri: i for i, iri in enumerate(ids)},
            down_ptr=pointers(b, n),
            down_to=a[down].astype(np.int32),
            down_rank=r[down].astype(np.int8),
            up_ptr=pointers(a, n),
            up_to=b[up].astype(np.int32),
            up_rank=r[up].astype(np.int8),
            terms=terms,
        )


_SAVED = ("terms", "down_ptr", "down_to", "down_rank", "up_ptr", "up_to", "up_rank")


def save_net(index: GovIndex, net: DependencyNet) -> None:
    """Persist the net of today's dependencies beside the index's persisted projection."""
    if index.folder is None or net.terms is None or (index.folder / "net").exists():
        return
    partial = index.folder / f".net.{os.getpid()}.{threading.get_ident()}"
    try:
        partial.mkdir()
        up, down = net.arrays(False), net.arrays(True)
        arrays = dict(zip(("up_ptr", "up_to", "up_rank"), up, strict=True))
        arrays.update(zip(("down_ptr", "down_to", "down_rank"), down, strict=True))
        for name in _SAVED:
            found = net.terms if name == "terms" else arrays[name]
            np.save(partial / f"{name}.npy", found, allow_pickle=False)
        partial.rename(index.folder / "net")
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)


def load_net(index: GovIndex) -> DependencyNet | None:
    """The persisted net of the index's projection, or ``None``."""
    if index.folder is None:
        return None
    try:
        arrays = {
            name: np.load(index.folder / "net" / f"{name}.npy", mmap_mode="r").view(np.ndarray)
            for name in _SAVED
        }
    except (OSError, ValueError):
        return None
    ids = index.projection.iris(arrays["terms"].tolist())
    net = DependencyNet(ids=ids, position=dict(zip(ids, range(len(ids)), strict=True)), **arrays)
    # Its lists and what opening made before them are young objects: moved to the oldest
    # generation at once (as graph.checkpoint does), so that the next young collection, in
    # this first request, visits none of them (5 ms -> 2.5 ms on a national net).
    to_oldest_generation()
    return net


def spliced(
    ptr: np.ndarray,
    to: np.ndarray,
    rank: np.ndarray,
    edited: dict[int, tuple[list[int], list[int]]],
    n: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CSR arrays with the edge lists of the ``edited`` nodes replaced (and ``n`` nodes)."""
    counts = np.diff(ptr)
    if len(counts) < n:
        counts = np.concatenate([counts, np.zeros(n - len(counts), dtype=counts.dtype)])
    to_parts: list[np.ndarray] = []
    rank_parts: list[np.ndarray] = []
    start = 0
    end = int(ptr[-1])
    for node in sorted(edited):
        begin = int(ptr[min(node, len(ptr) - 1)])
        to_parts.append(to[start:begin])
        rank_parts.append(rank[start:begin])
        new_to, new_rank = edited[node]
        to_parts.append(np.array(new_to, dtype=to.dtype))
        rank_parts.append(np.array(new_rank, dtype=rank.dtype))
        start = int(ptr[node + 1]) if node < len(ptr) - 1 else end
        counts[node] = len(new_to)
    to_parts.append(to[start:])
    rank_parts.append(rank[start:])
    pointers = np.zeros(n + 1, dtype=ptr.dtype)
    np.cumsum(counts, out=pointers[1:])
    return pointers, np.concatenate(to_parts), np.concatenate(rank_parts)
