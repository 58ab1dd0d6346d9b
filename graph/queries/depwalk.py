"""The breadth-first search of ``impact`` over a :class:`DependencyNet`: Python, then numpy.

A walk starts in plain Python over each visited node's edges (read from the CSR arrays once per
node and kept on the net): the small answers, most of them, cost a few microseconds per node and
nothing sized to the whole net. It finds the nodes alone, level by level; which of a node's
shortest paths explains it (its parent, and the weakest rank along that path) is chosen when
first read, in one more pass over the same edges as far as the levels read (a page of an
answer: its first levels), so a walk whose paths nobody reads (a count, a summary) costs only
its search. When a level grows past :data:`ARRAY_FROM` nodes the rest of the walk is
level-synchronous numpy over the whole net (:mod:`graph.queries.depwalk_arrays`), a handful of
array operations per level, choosing the parents as it goes. Both make the same choices, so
the answer does not depend on where the switch falls.
"""

from __future__ import annotations

import bisect
import threading
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np

from graph.queries.depnet import NO_LIMIT
from graph.queries.depwalk_arrays import finish_in_numpy

if TYPE_CHECKING:
    from graph.queries.depnet import DependencyNet

__all__ = ["ARRAY_FROM", "NO_LIMIT", "Walk", "traverse"]

#: a level of more nodes than this is walked with numpy (and every level after it)
ARRAY_FROM = 256

#: held while a walk's :class:`_Choice` is made (once per walk whose paths are read)
_MAKING = threading.Lock()
#: per node, the ends (or the ranks) of its edges in one direction (``None`` until visited)
Ends = list[tuple[int, ...] | None]
#: the nodes, parents or weakest ranks of a walk, in the order found
Column = list[int] | np.ndarray


class Walk:
    """A traversal: the nodes found (the start left out) in the order found, and aligned with
    ``order`` their ``distance``, ``parent`` (a node; the start's parent is ``-1``) and
    ``weakest`` rank along the kept path.

    A walk found in Python keeps its nodes, its level sizes and the net's edge lists it read;
    the parents and weakest ranks are chosen as far as they are read (:class:`_Choice`: a page
    of an answer reads its first levels alone), each array made when first read.
    """

    __slots__ = (
        "_order",
        "_sizes",
        "_source",
        "_choice",
        "_columns",
        "_slots",
        "_places",
        "_up",
        "_arrays",
    )

    def __init__(
        self,
        order: list[int] | np.ndarray,
        sizes: list[int] | np.ndarray,
        *,
        source: tuple[int, Ends, Ends] | None = None,
        columns: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        slots: np.ndarray | None = None,
    ) -> None:
        self._order, self._sizes, self._source, self._slots = order, sizes, source, slots
        self._choice: _Choice | None = None
        self._columns: tuple[Column, Column, Column] | None = columns
        self._places: dict[int, int] | None = None
        self._up: list[int] | dict[int, int] | None = None  # see ``_parents``
        self._arrays: dict[str, np.ndarray] = {}

    def _chosen(self, k: int) -> tuple[Column, Column]:
        """The parents and weakest ranks, chosen at least through place ``k`` of ``order``."""
        columns = self._columns
        if columns is not None:
            return columns[1], columns[2]
        choice = self._choice
        if choice is None:
            with _MAKING:  # one choice per walk: a reader's chain follows the choice's ``up``
                choice = self._choice
                if choice is None:
                    assert self._source is not None and isinstance(self._order, list)
                    places = self._where()
                    choice = self._choice = _Choice(self._order, self._sizes, *self._source, places)
        return choice.through(k)

    def _array(self, name: str, k: int, dtype: type) -> np.ndarray:
        found = self._arrays.get(name)
        if found is None:
            column = self._order if k == 0 else self._chosen(len(self._order) - 1)[k - 1]
            found = self._arrays[name] = np.asarray(column, dtype=dtype)
        return found

    def _where(self) -> dict[int, int]:
        """Each node's place in ``order`` (made on first use)."""
        places = self._places
        if places is None:
            nodes = self._order
            if isinstance(nodes, np.ndarray):
                nodes = nodes.tolist()
            places = self._places = dict(zip(nodes, range(len(nodes)), strict=True))
        return places

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
        return len(self._order)

    def find(self, node: int) -> int:
        """Where ``node`` is in ``order`` (``-1`` for the start and for nodes not reached)."""
        slots = self._slots
        if slots is not None:  # a walk found in numpy
            return int(slots[node])
        places = self._places
        return (self._where() if places is None else places).get(node, -1)

    def weakest_at(self, k: int) -> int:
        """The weakest rank along the kept path of the node at place ``k`` of ``order``."""
        return int(self._chosen(k)[1][k])

    def chain(self, node: int) -> list[int]:
        """The kept path from ``node`` back to the start (``node`` first)."""
        up = self._up
        if up is None:
            up = self._parents()
        if isinstance(up, list):
            step = up[node]
        else:
            found = up.get(node)
            if found is None:  # not chosen so far (or not reached)
                self._chosen(self.find(node))
                found = up.get(node, -1)
            step = found
        chain = [node]
        while step >= 0:
            chain.append(step)
            step = up[step]
        return chain

    def _parents(self) -> list[int] | dict[int, int]:
        """Each node's parent, the start's ``-1``: for a walk found in numpy a list over the
        net's nodes; for one found in Python the nodes chosen so far (:class:`_Choice` adds
        each level it chooses)."""
        up: list[int] | dict[int, int]
        if self._slots is not None:
            nodes, parents, _ = self._columns or ((), (), ())
            by_node = np.full(len(self._slots), -1, dtype=np.int64)
            by_node[nodes] = parents
            up = by_node.tolist()
        else:
            self._chosen(-1)  # nothing chosen yet: the choice made
            assert self._choice is not None
            up = self._choice.up
        self._up = up
        return up


class _Choice:
    """The parents and weakest ranks of a walk found in Python, chosen level by level as far
    as they are read: the edges of each level again in the order the walk met them, a node's
    first edge from the level before setting its parent, a later one with a stronger
    bottleneck replacing it. Reads only the edges the walk read (kept on the net); a lock
    keeps two readers of one walk from choosing the same level at once."""

    def __init__(
        self,
        order: list[int],
        sizes: list[int] | np.ndarray,
        start: int,
        targets: Ends,
        ranks: Ends,
        places: dict[int, int],
    ) -> None:
        self.order, self.start, self.places = order, start, places
        self.targets, self.ranks = targets, ranks
        self.bounds = list(accumulate((int(size) for size in sizes), initial=0))
        self.parents = [-1] * len(order)
        self.weakest = [-1] * len(order)  # below every rank: the first edge met sets it
        self.up = {start: -1}  # the parents of the levels chosen, by node
        self.done = 0  # levels chosen: places below ``bounds[done]``
        self.lock = threading.Lock()

    def through(self, k: int) -> tuple[list[int], list[int]]:
        """The parents and weakest ranks, chosen at least through place ``k``."""
        bounds = self.bounds
        if k >= bounds[self.done]:
            with self.lock:
                last = min(bisect.bisect_right(bounds, k), len(bounds) - 1)
                while self.done < last:
                    self._level(self.done)
                    self.done += 1
        return self.parents, self.weakest

    def _level(self, i: int) -> None:
        order, bounds, weakest, parents = self.order, self.bounds, self.weakest, self.parents
        targets, ranks, where = self.targets, self.ranks, self.places.get
        lo, hi = bounds[i], bounds[i + 1]
        if i:
            level, strengths = order[bounds[i - 1] : lo], weakest[bounds[i - 1] : lo]
        else:
            level, strengths = [self.start], [NO_LIMIT]
        for here, strength in zip(level, strengths, strict=True):
            ends, kinds = targets[here], ranks[here]
            assert ends is not None and kinds is not None  # read by the walk
            j = 0  # counted: a zip or enumerate per node costs more than its few edges
            for there in ends:
                k = where(there, -1)
                if lo <= k < hi:
                    rank = kinds[j]
                    bottleneck = rank if rank < strength else strength
                    if bottleneck > weakest[k]:
                        weakest[k] = bottleneck
                        parents[k] = here
                j += 1  # noqa: SIM113
        self.up.update(zip(order[lo:hi], parents[lo:hi], strict=True))


def _edges(net: DependencyNet, downstream: bool, min_rank: int) -> tuple[Ends, Ends]:
    """Per node, the ends and the ranks of its edges at least ``min_rank`` in one direction,
    made on the node's first visit (:func:`_read`) and kept on the net (``None`` until then)."""
    key = (downstream, min_rank)
    found = net.lists.get(key)
    if found is None:
        targets: Ends = [None] * len(net.ids)
        ranks: Ends = [None] * len(net.ids)
        # The nodes a write changed (and any past the arrays' end) from the net's patch.
        patched = net.patched.get(downstream, {})
        for node in range(len(net.base(downstream)[0]) - 1, len(targets)):
            targets[node] = ranks[node] = ()
        for node, (ends, strengths) in patched.items():
            targets[node], ranks[node] = _at_least(ends, strengths, min_rank)
        found = net.lists.setdefault(key, (targets, ranks))
    return found


def _read(
    node: int,
    ptr: np.ndarray,
    to: np.ndarray,
    rank: np.ndarray,
    min_rank: int,
    targets: Ends,
    ranks: Ends,
) -> tuple[int, ...]:
    """Read ``node``'s edges from the arrays into ``targets`` and ``ranks``; its targets."""
    a, b = int(ptr[node]), int(ptr[node + 1])
    ends, strengths = _at_least(to[a:b].tolist(), rank[a:b].tolist(), min_rank)
    # The ranks first: a walk that finds the targets (a concurrent one too) finds the ranks.
    ranks[node] = strengths
    found = targets[node] = ends
    return found


def _at_least(
    ends: list[int], strengths: list[int], min_rank: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The edges ``(ends, strengths)`` of rank ``min_rank`` or more."""
    if min_rank:
        kept = [k for k, rank in enumerate(strengths) if rank >= min_rank]
        ends, strengths = [ends[k] for k in kept], [strengths[k] for k in kept]
    return tuple(ends), tuple(strengths)


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
    ptr, to, rank = net.base(downstream)
    targets, ranks = _edges(net, downstream, min_rank)
    limit = -1 if max_depth is None else max_depth
    order: list[int] = []
    sizes: list[int] = []
    lock, seen, walks = _scratch(net, downstream)
    walk = (targets, ranks, ptr, to, rank, start, min_rank, limit, array_from)
    if lock.acquire(blocking=False):
        try:  # marks of earlier walks are below this walk's: nothing to clear
            walks[0] += 1
            done = _python_levels(*walk, seen, walks[0], order, sizes)
        finally:
            lock.release()
    else:  # a concurrent walk on this net holds the marks: this one makes its own
        done = _python_levels(*walk, [0] * len(net.ids), 1, order, sizes)
    if not done:  # over the whole arrays (a patched net's merged)
        places = dict(zip(order, range(len(order)), strict=True))
        choice = _Choice(order, sizes, start, targets, ranks, places)
        found = (order, *choice.through(len(order) - 1))
        arrays = net.arrays(downstream)
        levels, columns, slots = finish_in_numpy(
            len(net.ids), *arrays, start, min_rank, limit, found, sizes
        )
        return Walk(columns[0], levels, columns=columns, slots=slots)
    return Walk(order, sizes, source=(start, targets, ranks))


def _scratch(net: DependencyNet, downstream: bool) -> tuple[threading.Lock, list[int], list[int]]:
    """A list of marks over the net's nodes and the mark of the last walk that marked it,
    for one walk at a time."""
    found = net.scratch.get(downstream)
    if found is None:
        found = net.scratch.setdefault(downstream, (threading.Lock(), [0] * len(net.ids), [0]))
    return found


def _python_levels(
    targets: Ends,
    ranks: Ends,
    ptr: np.ndarray,
    to: np.ndarray,
    rank: np.ndarray,
    start: int,
    min_rank: int,
    limit: int,
    array_from: int,
    seen: list[int],
    mark: int,
    order: list[int],
    sizes: list[int],
) -> bool:
    """Walk level by level in Python, appending the nodes met to ``order`` and each level's
    size to ``sizes``. This walk marks the nodes it meets ``mark`` in ``seen``; a lower mark
    is an earlier walk's (unseen here). ``False`` when a level is too large for it (the next
    level starts from the last nodes found)."""
    append = order.append
    seen[start] = mark
    level = [start]
    lo = 0  # where the level being met starts in ``order``
    while len(sizes) != limit:
        if len(level) > array_from:  # the start's level too when ``array_from`` is 0
            return False
        for here in level:
            ends = targets[here]
            if ends is None:
                ends = _read(here, ptr, to, rank, min_rank, targets, ranks)
            for there in ends:
                if seen[there] < mark:
                    seen[there] = mark
                    append(there)
        hi = len(order)
        if hi == lo:
            break
        sizes.append(hi - lo)
        level = order[lo:hi]
        lo = hi
    return True
