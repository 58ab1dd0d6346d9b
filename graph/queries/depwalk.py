"""The breadth-first search of ``impact`` over a :class:`DependencyNet`: Python, then numpy.

A walk starts in plain Python over each visited node's edges (read from the CSR arrays once per
node and kept on the net): the small answers, most of them, cost a few microseconds per node and
nothing sized to the whole net. When a level grows past :data:`ARRAY_FROM` nodes the rest of the
walk is level-synchronous numpy over the whole net, a handful of array operations per level.
Both make the same choices, so the answer does not depend on where the switch falls.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np

from ontology import vocab as v

if TYPE_CHECKING:
    from graph.queries.depnet import DependencyNet

#: the ``weakest`` rank of the start: stronger than every dependency
NO_LIMIT = max(v.CRITICALITY_RANK.values()) + 1
#: a level of more nodes than this is walked with numpy (and every level after it)
ARRAY_FROM = 256
#: edges in a numpy-walked level below which that level is walked edge by edge
_SMALL_LEVEL = 512

Edges = tuple[tuple[int, int], ...]


#: a node found in Python: ``(node, parent, weakest rank along the kept path)``
Found = tuple[int, int, int]
#: the nodes, parents or weakest ranks of a walk, in the order found
Column = list[int] | np.ndarray


class Walk:
    """A traversal: the nodes found (the start left out) in the order found, and aligned with
    ``order`` their ``distance``, ``parent`` (a node; the start's parent is ``-1``) and
    ``weakest`` rank along the kept path.

    A walk found in Python keeps what it found, ``(node, parent, weakest)`` per node, and
    makes each column and array when it is first read.
    """

    __slots__ = ("_found", "_columns", "_sizes", "_slots", "_places", "_up", "_arrays")

    def __init__(
        self,
        found: list[Found] | None,
        sizes: list[int] | np.ndarray,
        columns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        slots: np.ndarray | None = None,
    ) -> None:
        self._found, self._sizes, self._slots = found, sizes, slots
        self._columns: tuple[Column, Column, Column] | None = columns
        self._places: dict[int, int] | None = None
        self._up: dict[int, int] | None = None
        self._arrays: dict[str, np.ndarray] = {}

    def _column(self, k: int) -> Column:
        columns = self._columns
        if columns is None:
            found = self._found or []
            nodes, parents, weakest = (
                (list(c) for c in zip(*found, strict=True)) if found else ([], [], [])
            )
            columns = self._columns = (nodes, parents, weakest)
        return columns[k]

    def _array(self, name: str, k: int, dtype: type) -> np.ndarray:
        found = self._arrays.get(name)
        if found is None:
            found = self._arrays[name] = np.asarray(self._column(k), dtype=dtype)
        return found

    @property
    def order(self) -> np.ndarray:
        return self._array("order", 0, np.int64)

    @property
    def distance(self) -> np.ndarray:
        found = self._arrays.get("distance")
        if found is None:
            sizes = self._sizes
            levels = np.arange(1, len(sizes) + 1, dtype=np.int32)
            found = self._arrays["distance"] = np.repeat(levels, sizes)
        return found

    @property
    def parent(self) -> np.ndarray:
        return self._array("parent", 1, np.int32)

    @property
    def weakest(self) -> np.ndarray:
        return self._array("weakest", 2, np.int8)

    def __len__(self) -> int:
        return len(self._column(0))

    def find(self, node: int) -> int:
        """Where ``node`` is in ``order`` (``-1`` for the start and for nodes not reached)."""
        slots = self._slots
        if slots is None:  # a walk found in Python: its places, made on first use
            places = self._places
            if places is None:
                nodes = self._column(0)
                places = self._places = dict(zip(nodes, range(len(nodes)), strict=True))
            return places.get(node, -1)
        return int(slots[node])

    def chain(self, node: int) -> list[int]:
        """The kept path from ``node`` back to the start (``node`` first)."""
        up = self._up
        if up is None:  # each node's parent, made on first use
            nodes, parents = self._column(0), self._column(1)
            if isinstance(nodes, np.ndarray):
                nodes, parents = nodes.tolist(), np.asarray(parents).tolist()
            up = self._up = dict(zip(nodes, parents, strict=True))
        chain = [node]
        step = up.get(node)
        while step is not None:
            chain.append(step)
            step = up.get(step)
        return chain


def _edges(net: DependencyNet, downstream: bool, min_rank: int) -> list[Edges | None]:
    """Per node, its edges at least ``min_rank`` in one direction as ``(to, rank)`` pairs,
    made on the node's first visit and kept on the net (``None`` until then)."""
    key = (downstream, min_rank)
    found = net.lists.get(key)
    if found is None:
        made: list[Edges | None] = [None] * len(net.ids)
        # The nodes a write changed (and any past the arrays' end) from the net's patch.
        patched = net.patched.get(downstream, {})
        for node in range(len(net.base(downstream)[0]) - 1, len(made)):
            made[node] = ()
        for node, (targets, ranks) in patched.items():
            made[node] = tuple(
                (there, rank)
                for there, rank in zip(targets, ranks, strict=True)
                if rank >= min_rank
            )
        found = net.lists.setdefault(key, made)
    return found


def traverse(
    net: DependencyNet,
    start: int,
    *,
    downstream: bool = True,
    min_rank: int = 0,
    max_depth: int | None = None,
    array_from: int = ARRAY_FROM,
) -> Walk:
    """Breadth-first search from ``start``.

    Among the shortest paths to a node, the parent kept is the one whose weakest dependency is
    strongest (the first met among equals), so the reported criticality is the best a shortest
    chain can show. ``array_from`` is where the walk turns to numpy (see the module); ``0``
    walks every level in numpy, a very large value every level in Python.

    >>> from graph.queries.depnet import DependencyNet
    >>> net = DependencyNet.from_arrays(
    ...     ["a", "b", "c"], np.array([1, 2, 2]), np.array([0, 1, 0]), np.array([4, 4, 1])
    ... )
    >>> walk = traverse(net, 0)
    >>> walk.order.tolist(), walk.distance.tolist(), walk.weakest.tolist(), walk.chain(2)
    ([1, 2], [1, 1], [4, 1], [2, 0])
    """
    ptr, to, ranks = net.base(downstream)
    edges = _edges(net, downstream, min_rank)
    limit = -1 if max_depth is None else max_depth
    found: list[Found] = []
    sizes: list[int] = []
    lock, seen, walks = _scratch(net, downstream)
    walk = (edges, ptr, to, ranks, start, min_rank, limit, array_from)
    if lock.acquire(blocking=False):
        try:  # marks of earlier walks are below this walk's base: nothing to clear
            walks[0] += len(net.ids) + 2
            done = _python_levels(*walk, seen, walks[0], found, sizes)
        finally:
            lock.release()
    else:  # a concurrent walk on this net holds the marks: this one makes its own
        done = _python_levels(*walk, [0] * len(net.ids), 1, found, sizes)
    if not done:  # over the whole arrays (a patched net's merged)
        arrays = net.arrays(downstream)
        return _finish_in_numpy(net, *arrays, start, min_rank, limit, found, sizes)
    return Walk(found, sizes)


def _scratch(net: DependencyNet, downstream: bool) -> tuple[threading.Lock, list[int], list[int]]:
    """A list of marks over the net's nodes and the base of the last walk that marked it,
    for one walk at a time."""
    found = net.scratch.get(downstream)
    if found is None:
        found = net.scratch.setdefault(downstream, (threading.Lock(), [0] * len(net.ids), [0]))
    return found


def _python_levels(
    edges: list[Edges | None],
    ptr: np.ndarray,
    to: np.ndarray,
    ranks: np.ndarray,
    start: int,
    min_rank: int,
    limit: int,
    array_from: int,
    seen: list[int],
    base: int,
    found: list[Found],
    sizes: list[int],
) -> bool:
    """Walk level by level in Python, appending ``(node, parent, weakest)`` to ``found``.
    This walk marks the start ``base`` and the node at place ``k`` of ``found``
    ``base + 1 + k`` in ``seen``; a mark below ``base`` is an earlier walk's (unseen here).
    ``False`` when a level is too large for it (the next level starts from the last nodes
    found)."""
    level: Iterable[Found] = ((start, -1, NO_LIMIT),)
    append = found.append
    seen[start] = base
    first = base + 1  # the mark of place 0
    mark = first  # the next node's mark
    size = 0
    while len(sizes) != limit:
        if size > array_from or (not sizes and array_from <= 0):
            return False
        floor = mark - 1  # a mark above this: met on this level
        for here, _, strength in level:
            pairs = edges[here]
            if pairs is None:
                a, b = int(ptr[here]), int(ptr[here + 1])
                pairs = tuple(zip(to[a:b].tolist(), ranks[a:b].tolist(), strict=True))
                if min_rank:
                    pairs = tuple(edge for edge in pairs if edge[1] >= min_rank)
                edges[here] = pairs
            for there, rank in pairs:
                k = seen[there]
                if k < base:
                    seen[there] = mark
                    mark += 1
                    append((there, here, rank if rank < strength else strength))
                elif k > floor:  # met again on this level: keep the stronger bottleneck
                    bottleneck = rank if rank < strength else strength
                    if bottleneck > found[k - first][2]:
                        found[k - first] = (there, here, bottleneck)
        size = mark - 1 - floor
        if not size:
            break
        sizes.append(size)
        level = found[floor - base :]
    return True


def _finish_in_numpy(
    net: DependencyNet,
    ptr: np.ndarray,
    to: np.ndarray,
    ranks: np.ndarray,
    start: int,
    min_rank: int,
    limit: int,
    found: list[Found],
    sizes: list[int],
) -> Walk:
    """The rest of a walk from the last level found in Python, in numpy over the whole net."""
    n = len(net.ids)
    distance = np.full(n, -1, dtype=np.int32)
    parent = np.full(n, -1, dtype=np.int32)
    weak = np.zeros(n, dtype=np.int8)
    columns = np.array(found, dtype=np.int64).reshape(-1, 3)
    known = columns[:, 0]
    distance[known] = np.repeat(np.arange(1, len(sizes) + 1, dtype=np.int32), sizes)
    parent[known] = columns[:, 1]
    weak[known] = columns[:, 2]
    distance[start] = 0
    weak[start] = NO_LIMIT
    last = len(found) - (sizes[-1] if sizes else 0)
    frontier = known[last:] if sizes else np.array([start], dtype=np.int64)
    more = _array_levels(
        ptr, to, ranks, frontier, len(sizes), min_rank, limit, distance, parent, weak
    )
    everything = np.concatenate([known, *more])
    slots = np.full(n, -1, dtype=np.int64)
    slots[everything] = np.arange(len(everything))
    levels = np.bincount(distance[everything])[1:]
    return Walk(None, levels, (everything, parent[everything], weak[everything]), slots)


def _array_levels(
    ptr: np.ndarray,
    to: np.ndarray,
    ranks: np.ndarray,
    frontier: np.ndarray,
    depth: int,
    min_rank: int,
    limit: int,
    distance: np.ndarray,
    parent: np.ndarray,
    weakest: np.ndarray,
) -> list[np.ndarray]:
    """The levels after ``depth`` from ``frontier``, each in the order its nodes were met."""
    n = len(distance)
    best = np.full(n, -1, dtype=np.int8)  # scratch: the strongest bottleneck met this level
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)  # scratch: first row met
    found: list[np.ndarray] = []
    while frontier.size and depth != limit:
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
    return found


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
    """One level of the numpy walk edge by edge (the same choices as the array version)."""
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
