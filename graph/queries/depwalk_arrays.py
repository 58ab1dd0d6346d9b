"""The numpy part of :func:`graph.queries.depwalk.traverse`: the levels after one grows past
``ARRAY_FROM`` nodes, level-synchronous over the whole net's CSR arrays, choosing each node's
parent as the Python walk does (among a node's shortest paths the one whose weakest dependency
is strongest, the first met among equals).
"""

from __future__ import annotations

import numpy as np

from graph.queries.depnet import NO_LIMIT

#: edges in a numpy-walked level below which that level is walked edge by edge
_SMALL_LEVEL = 512


def finish_in_numpy(
    n: int,
    ptr: np.ndarray,
    to: np.ndarray,
    ranks: np.ndarray,
    start: int,
    min_rank: int,
    limit: int,
    found: tuple[list[int], list[int], list[int]],
    sizes: list[int],
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """The rest of a walk over a net of ``n`` nodes from the last level found in Python
    (``found``: its nodes, parents and weakest ranks; ``sizes``: its levels' sizes).

    Returns the size of each level, the nodes in the order found with their parents and
    weakest ranks, and each node's place in that order (``-1``: not reached).
    """
    distance = np.full(n, -1, dtype=np.int32)
    parent = np.full(n, -1, dtype=np.int32)
    weak = np.zeros(n, dtype=np.int8)
    nodes, parents, weakest = found
    known = np.asarray(nodes, dtype=np.int64)
    distance[known] = np.repeat(np.arange(1, len(sizes) + 1, dtype=np.int32), sizes)
    parent[known] = parents
    weak[known] = weakest
    distance[start] = 0
    weak[start] = NO_LIMIT
    last = len(nodes) - (sizes[-1] if sizes else 0)
    frontier = known[last:] if sizes else np.array([start], dtype=np.int64)
    more = _array_levels(
        ptr, to, ranks, frontier, len(sizes), min_rank, limit, distance, parent, weak
    )
    everything = np.concatenate([known, *more])
    slots = np.full(n, -1, dtype=np.int64)
    slots[everything] = np.arange(len(everything))
    levels = np.bincount(distance[everything])[1:]
    return levels, (everything, parent[everything], weak[everything]), slots


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
