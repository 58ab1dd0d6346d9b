"""The dependency net: valid dependencies as integer CSR arrays, and a breadth-first search on it.

Built once per projection and day (:func:`graph.queries.impact.dependency_net`); a traversal is
a level-synchronous search in numpy, a handful of array operations per level.
"""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from ontology import vocab as v

if TYPE_CHECKING:
    from graph.index import GovIndex

NO_LIMIT = max(v.CRITICALITY_RANK.values()) + 1


@dataclass
class DependencyNet:
    """Valid dependencies between ``len(ids)`` things (parallel edges collapsed, strongest kept).

    ``ids[i]`` is the IRI of node ``i`` and ``position`` the reverse. The edges of node ``i``
    are rows ``down_ptr[i]:down_ptr[i + 1]`` of ``down_to``/``down_rank`` (the things that depend
    on it) and ``up_ptr``/``up_to``/``up_rank`` (the things it needs), in the order the
    dependencies were first met.
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
    #: ``{id, label, type}`` of node ``i`` per language, filled as queries show nodes
    refs: dict[str | None, list[dict[str, str] | None]] = field(default_factory=dict)

    def ref(self, index: GovIndex, pos: int, lang: str | None) -> dict[str, str]:
        """The ``{id, label, type}`` of node ``pos`` (computed once per language)."""
        refs = self.refs.get(lang)
        if refs is None:
            refs = self.refs[lang] = [None] * len(self.ids)
        ref = refs[pos]
        if ref is None:
            ref = refs[pos] = index.ref(self.ids[pos], lang)
        return ref

    def edges(self) -> list[tuple[int, int]]:
        """``(dependent, prerequisite)`` of every edge."""
        counts = np.diff(self.up_ptr)
        sources = np.repeat(np.arange(len(self.ids)), counts)
        return list(zip(sources.tolist(), self.up_to.tolist(), strict=True))

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
            order = np.argsort(key, kind="stable")
            sorted_keys = key[order]
            starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
            strongest = np.maximum.reduceat(rank[order], starts)
            first = order[starts]  # the first time each pair was met
            met = np.argsort(first, kind="stable")
            a, b, r = dependent[first[met]], prerequisite[first[met]], strongest[met]
        else:
            a = b = np.zeros(0, np.int32)
            r = np.zeros(0, np.int8)
        down = np.argsort(b, kind="stable")
        up = np.argsort(a, kind="stable")
        return cls(
            ids=ids,
            position={iri: i for i, iri in enumerate(ids)},
            down_ptr=_pointers(b, n),
            down_to=a[down].astype(np.int32),
            down_rank=r[down].astype(np.int8),
            up_ptr=_pointers(a, n),
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
        for name in _SAVED:
            np.save(partial / f"{name}.npy", getattr(net, name), allow_pickle=False)
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
    return DependencyNet(ids=ids, position=dict(zip(ids, range(len(ids)), strict=True)), **arrays)


def _pointers(keys: np.ndarray, n: int) -> np.ndarray:
    ptr = np.zeros(n + 1, dtype=np.int64)
    if len(keys):
        np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr


class Walk(NamedTuple):
    """A traversal: nodes in the order found, and per node its distance, parent and weakest
    rank along the kept path (``-1``/``0`` for nodes not reached)."""

    order: np.ndarray
    distance: np.ndarray
    parent: np.ndarray
    weakest: np.ndarray


def traverse(
    net: DependencyNet,
    start: int,
    *,
    downstream: bool = True,
    min_rank: int = 0,
    max_depth: int | None = None,
) -> Walk:
    """Breadth-first search from ``start``.

    Among the shortest paths to a node, the parent kept is the one whose weakest dependency is
    strongest (the first met among equals), so the reported criticality is the best a shortest
    chain can show.
    """
    ptr, to, ranks = (
        (net.down_ptr, net.down_to, net.down_rank)
        if downstream
        else (net.up_ptr, net.up_to, net.up_rank)
    )
    n = len(net.ids)
    distance = np.full(n, -1, dtype=np.int32)
    parent = np.full(n, -1, dtype=np.int32)
    weakest = np.zeros(n, dtype=np.int8)
    distance[start] = 0
    weakest[start] = NO_LIMIT
    best = np.full(n, -1, dtype=np.int8)  # scratch: the strongest bottleneck met this level
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)  # scratch: first row met
    frontier = np.array([start], dtype=np.int64)
    found: list[np.ndarray] = []
    depth = 0
    while frontier.size and (max_depth is None or depth < max_depth):
        depth += 1
        begin = ptr[frontier]
        counts = ptr[frontier + 1] - begin
        total = int(counts.sum())
        if not total:
            break
        if total <= _SMALL_LEVEL:  # a few edges: plain Python beats a dozen array operations
            frontier = _small_level(
                ptr, to, ranks, frontier, depth, min_rank, distance, parent, weakest
            )
            if not frontier.size:
                break
            found.append(frontier)
            continue
        # The rows of every frontier node, in frontier order then adjacency order.
        rows = np.repeat(begin - np.cumsum(counts) + counts, counts) + np.arange(total)
        source = np.repeat(frontier, counts)
        target, rank = to[rows], ranks[rows]
        fresh = distance[target] < 0
        if min_rank:
            fresh &= rank >= min_rank
        source, target, rank = source[fresh], target[fresh], rank[fresh]
        if not target.size:
            break
        bottleneck = np.minimum(rank, weakest[source])
        met = np.arange(target.size)
        # Per target: the strongest bottleneck, then the first row met with it (no sorting).
        np.maximum.at(best, target, bottleneck)
        strongest = np.flatnonzero(bottleneck == best[target])
        np.minimum.at(first, target[strongest], strongest)
        chosen = np.flatnonzero(first[target] == met)
        reached = target[chosen]
        parent[reached] = source[chosen]
        weakest[reached] = bottleneck[chosen]
        distance[reached] = depth
        first[target] = np.iinfo(np.int64).max
        # The next level in the order its nodes were first met.
        np.minimum.at(first, target, met)
        frontier = target[first[target] == met]
        first[target] = np.iinfo(np.int64).max
        best[target] = -1
        found.append(frontier)
    order = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return Walk(order, distance, parent, weakest)


_SMALL_LEVEL = 512  # edges in a level below which the level is walked in Python


def _small_level(
    ptr: np.ndarray,
    to: np.ndarray,
    ranks: np.ndarray,
    frontier: np.ndarray,
    depth: int,
    min_rank: int,
    distance: np.ndarray,
    parent: np.ndarray,
    weakest: np.ndarray,
) -> np.ndarray:
    """One level of :func:`traverse` edge by edge (the same choices as the array version)."""
    following: list[int] = []
    for here in frontier.tolist():
        strength = int(weakest[here])
        begin, end = int(ptr[here]), int(ptr[here + 1])
        for there, rank in zip(to[begin:end].tolist(), ranks[begin:end].tolist(), strict=True):
            if rank < min_rank:
                continue
            bottleneck = rank if rank < strength else strength
            seen = distance[there]
            if seen < 0:
                distance[there] = depth
                parent[there] = here
                weakest[there] = bottleneck
                following.append(there)
            elif seen == depth and bottleneck > weakest[there]:
                parent[there] = here
                weakest[there] = bottleneck
    return np.array(following, dtype=np.int64)
