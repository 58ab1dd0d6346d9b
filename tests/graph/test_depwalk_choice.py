"""The impact walk finds its nodes first and chooses their parents when first read: the choice
is the one a walk choosing as it goes makes (a plain reference below), follows the bottleneck
rule, and does not depend on what the net's shared scratch holds by the time it is read."""

from __future__ import annotations

import sys
import threading
import time
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.queries.depnet import NO_LIMIT, DependencyNet
from graph.queries.depwalk import Walk, traverse

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HUGE = 10**9

Facts = tuple[list[int], list[int], list[int], list[int], list[list[int]]]


def reference(
    net: DependencyNet, start: int, downstream: bool, min_rank: int, max_depth: int | None
) -> Facts:
    """The walk written plainly, choosing as it goes: level by level, each level's edges in
    the order of its nodes then of their edges; a node's first edge from the level before sets
    its parent, a later one replaces it only with a stronger bottleneck."""
    ptr, to, rank = net.arrays(downstream)
    distance, parent, weakest = {start: 0}, {start: -1}, {start: NO_LIMIT}
    order: list[int] = []
    level, depth = [start], 0
    while level and depth != max_depth:
        depth += 1
        met: list[int] = []
        for here in level:
            rows = slice(int(ptr[here]), int(ptr[here + 1]))
            for there, strength in zip(to[rows].tolist(), rank[rows].tolist(), strict=True):
                if strength < min_rank:
                    continue
                bottleneck = min(strength, weakest[here])
                if there not in distance:
                    distance[there], parent[there], weakest[there] = depth, here, bottleneck
                    met.append(there)
                elif distance[there] == depth and bottleneck > weakest[there]:
                    parent[there], weakest[there] = here, bottleneck
        order += met
        level = met

    def chain(node: int) -> list[int]:
        return [node] + (chain(parent[node]) if parent[node] >= 0 else [])

    return (
        order,
        [distance[node] for node in order],
        [parent[node] for node in order],
        [weakest[node] for node in order],
        [chain(node) for node in order],
    )


def facts(walk: Walk, reading: int = 0) -> Facts:
    """What a walk tells, read in one of four orders (what is chosen when read must not care):
    the columns first; each node's path in order (a level at a time); each node's weakest
    rank in order; the paths from the last node back."""
    nodes = [int(node) for node in walk.order]
    if reading == 1:
        chains = [walk.chain(node) for node in nodes]
    elif reading == 2:
        strongest = [walk.weakest_at(k) for k in range(len(nodes))]
    elif reading == 3:
        chains = [walk.chain(node) for node in reversed(nodes)][::-1]
    parent, weakest = walk.parent.tolist(), walk.weakest.tolist()
    if reading in (0, 2):
        chains = [walk.chain(node) for node in nodes]
    if reading != 2:
        strongest = [walk.weakest_at(k) for k in range(len(nodes))]
    assert strongest == weakest
    assert [walk.find(node) for node in nodes] == list(range(len(nodes))) == list(range(len(walk)))
    return nodes, walk.distance.tolist(), parent, weakest, chains


def make(n: int, edges: list[tuple[int, int, int]], extra: int = 0) -> DependencyNet:
    """``n`` nodes (and ``extra`` more past the arrays' end); edges (dependent, prerequisite,
    rank)."""
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    r = np.array([e[2] for e in edges], dtype=np.int8)
    net = DependencyNet.from_arrays([f"n{i}" for i in range(n)], a, b, r)
    net.ids = [*net.ids, *(f"n{i}" for i in range(n, n + extra))]
    net.position = {iri: i for i, iri in enumerate(net.ids)}
    return net


@st.composite
def cases(draw: st.DrawFn) -> tuple[DependencyNet, dict[str, Any]]:
    """A random net with ranks (some nodes' edges patched, as after a write), a start and the
    walk's options."""
    n = draw(st.integers(1, 30))
    extra = draw(st.integers(0, 3))
    total = n + extra
    edge = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 4))
    net = make(n, draw(st.lists(edge, max_size=4 * n)), extra)
    downstream = draw(st.booleans())
    patched_nodes = draw(st.sets(st.integers(0, total - 1), max_size=3))
    patched_nodes |= set(range(n, total))  # a node past the arrays' end is always patched
    patch = {}
    for node in sorted(patched_nodes):
        ends = draw(st.lists(st.integers(0, total - 1), unique=True, max_size=5))
        patch[node] = (ends, [draw(st.integers(0, 4)) for _ in ends])
    net.patched = {downstream: patch} if patch else {}
    options = {
        "start": draw(st.integers(0, total - 1)),
        "downstream": downstream,
        "min_rank": draw(st.integers(0, 4)),
        "max_depth": draw(st.sampled_from([None, 1, 2, 3, 6])),
    }
    return net, options


def bottleneck_rule(net: DependencyNet, options: dict[str, Any], told: Facts) -> None:
    """Each node's weakest rank is the strongest bottleneck over all its shortest paths, and
    its parent the first node of the level before (in the walk's order) giving it."""
    order, distance, parent, weakest, _ = told
    start, min_rank = options["start"], options["min_rank"]
    place = {node: k for k, node in enumerate(order)} | {start: -1}
    depth = dict(zip(order, distance, strict=True)) | {start: 0}
    best = dict(zip(order, weakest, strict=True)) | {start: NO_LIMIT}
    into: dict[int, list[tuple[int, int]]] = {}  # node -> (place of the edge's source, bottleneck)
    for here in [start, *order]:
        ends, ranks = net.edges_of(here, options["downstream"])
        for there, rank in zip(ends, ranks, strict=True):
            if rank >= min_rank and there in depth and depth[there] == depth[here] + 1:
                into.setdefault(there, []).append((place[here], min(rank, best[here])))
    for node, k in zip(order, range(len(order)), strict=True):
        strongest = max(b for _, b in into[node])
        assert weakest[k] == strongest
        first = min(p for p, b in into[node] if b == strongest)
        assert parent[k] == (start if first < 0 else order[first])


@SETTINGS
@given(cases(), st.sampled_from([0, 1, 2, 3, HUGE]), st.integers(0, 3))
def test_the_lazy_choice_is_the_walk_choosing_as_it_goes(
    case: tuple[DependencyNet, dict[str, Any]], array_from: int, reading: int
) -> None:
    net, options = case
    start = options.pop("start")
    expected = reference(net, start, **options)
    walk = traverse(net, start, array_from=array_from, **options)
    told = facts(walk, reading)
    assert told == expected
    bottleneck_rule(net, {"start": start, **options}, told)


@SETTINGS
@given(cases(), st.lists(st.integers(0, 40), min_size=1, max_size=4))
def test_a_walk_read_late_is_not_changed_by_the_walks_after_it(
    case: tuple[DependencyNet, dict[str, Any]], others: list[int]
) -> None:
    """Parents chosen after other walks remarked the shared scratch, after the net's edge
    lists were dropped, and while another walk holds the scratch: the same."""
    net, options = case
    start = options.pop("start")
    expected = reference(net, start, **options)
    walks = [traverse(net, start, array_from=HUGE, **options) for _ in range(2)]
    for other in others:  # these mark the same scratch list, some from other starts
        traverse(net, other % len(net.ids), downstream=options["downstream"], array_from=HUGE)
    net.lists.clear()
    assert facts(walks[0]) == expected
    lock, _, _ = net.scratch[options["downstream"]]
    with lock:  # another walk holds the marks: this one reads its own
        assert facts(traverse(net, start, array_from=HUGE, **options)) == expected
    assert facts(walks[1], 3) == expected


def test_one_walk_read_from_many_threads_at_once() -> None:
    """A walk kept for the next page may be read by requests at once, each choosing the
    parents as far as it reads: all read the same."""
    edges = [(i + 1, i // 3, i % 5) for i in range(200)] + [(i, i + 7, 2) for i in range(150)]
    net = make(201, edges)
    expected = reference(net, 0, True, 0, None)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often: a race shows
    try:
        for _ in range(20):
            walk = traverse(net, 0, array_from=HUGE)
            results: list[Facts] = []
            threads = [threading.Thread(target=_read, args=(walk, results, k)) for k in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert results == [expected] * 4
    finally:
        sys.setswitchinterval(interval)


def _read(walk: Walk, into: list[Facts], reading: int) -> None:
    into.append(facts(walk, reading))


def test_readers_of_one_walk_wait_for_the_level_being_chosen(monkeypatch: Any) -> None:
    """Two readers that need the same level: the second waits for the first to choose it
    (choosing a level releases the interpreter here, as a thread switch may at any point),
    so no level is chosen twice or skipped."""
    from graph.queries import depwalk

    edges = [(i + 1, i // 2, i % 5) for i in range(120)] + [(i, i + 5, 3) for i in range(100)]
    net = make(121, edges)
    expected = reference(net, 0, True, 0, None)
    chosen: list[int] = []
    level = depwalk._Choice._level

    def slow_level(self: Any, i: int) -> None:
        chosen.append(i)
        time.sleep(0.002)  # the other reader runs now
        level(self, i)

    monkeypatch.setattr(depwalk._Choice, "_level", slow_level)
    walk = traverse(net, 0, array_from=HUGE)
    results: list[Facts] = []
    threads = [threading.Thread(target=_read, args=(walk, results, 0)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(chosen) == list(range(max(expected[1])))  # each level once
    assert results == [expected] * 3
