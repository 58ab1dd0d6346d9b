"""The impact traversal: the Python walk and the numpy walk make the same choices wherever the
walk switches from one to the other, and both agree with networkx."""

from __future__ import annotations

import random
import threading
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.queries.depnet import DependencyNet
from graph.queries.depwalk import ARRAY_FROM, Walk, traverse

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

nets = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 4)),
            min_size=1,
            max_size=60,
        ),
    )
)


def make(n: int, edges: list[tuple[int, int, int]]) -> DependencyNet:
    """A net of ``n`` nodes; each edge is (dependent, prerequisite, rank)."""
    a = np.array([e[0] for e in edges], dtype=np.int64)
    b = np.array([e[1] for e in edges], dtype=np.int64)
    r = np.array([e[2] for e in edges], dtype=np.int8)
    return DependencyNet.from_arrays([f"n{i}" for i in range(n)], a, b, r)


def facts(walk: Walk) -> tuple[list[int], list[int], list[int], list[int], list[list[int]]]:
    order = walk.order.tolist()
    return (
        order,
        walk.distance.tolist(),
        walk.parent.tolist(),
        walk.weakest.tolist(),
        [walk.chain(node) for node in order],
    )


@SETTINGS
@given(nets, st.data())
def test_the_switch_to_numpy_changes_nothing(case: tuple, data: st.DataObject) -> None:
    n, edges = case
    net = make(n, edges)
    start = data.draw(st.integers(0, n - 1))
    downstream = data.draw(st.booleans())
    min_rank = data.draw(st.integers(0, 4))
    max_depth = data.draw(st.sampled_from([None, 1, 2, 5]))
    options: dict[str, Any] = {
        "downstream": downstream,
        "min_rank": min_rank,
        "max_depth": max_depth,
    }
    in_python = facts(traverse(net, start, array_from=10**9, **options))
    # every level in numpy, and switching after each possible level size
    for array_from in (0, 1, 2, 3, 5, 8, ARRAY_FROM):
        assert facts(traverse(net, start, array_from=array_from, **options)) == in_python
    # and the walk is what networkx finds
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    for a, b, rank in edges:
        if a != b and rank >= min_rank:
            graph.add_edge(*((b, a) if downstream else (a, b)))
    lengths = nx.single_source_shortest_path_length(graph, start, cutoff=max_depth)
    order, distance, _, _, chains = in_python
    assert dict(zip(order, distance, strict=True)) == {k: d for k, d in lengths.items() if d}
    for node, chain in zip(order, chains, strict=True):
        assert chain[-1] == start and len(chain) - 1 == lengths[node]
        assert all(graph.has_edge(u, w) for w, u in zip(chain, chain[1:], strict=False))


def test_the_switch_on_dense_random_nets() -> None:
    """Many ties between parents on one level: where the walk switches changes nothing."""
    rng = random.Random(15)
    for _ in range(200):
        n = rng.randint(5, 60)
        edges = [(rng.randrange(n), rng.randrange(n), rng.randrange(5)) for _ in range(4 * n)]
        net = make(n, edges)
        start, downstream = rng.randrange(n), rng.random() < 0.5
        in_python = facts(traverse(net, start, downstream=downstream, array_from=10**9))
        for array_from in (0, 1, 4):
            walk = traverse(net, start, downstream=downstream, array_from=array_from)
            assert facts(walk) == in_python


def test_walks_one_after_another_and_at_once_agree() -> None:
    """The marks of earlier walks do not leak into the next, nor into a concurrent one."""
    edges = [(i + 1, i // 2, i % 5) for i in range(600)]  # a tree: wide enough to switch
    net = make(601, edges)
    alone = facts(traverse(net, 0))
    assert len(alone[0]) == 600
    deep = facts(traverse(net, 599, downstream=False))  # marks its path on the same list
    assert deep[0] == [299, 149, 74, 36, 17, 8, 3, 1, 0]
    assert facts(traverse(net, 0)) == alone and facts(traverse(net, 0, array_from=0)) == alone
    lock, _, _ = net.scratch[True]
    with lock:  # another walk holds the marks: this one makes its own
        assert facts(traverse(net, 0)) == alone
    results: list[tuple] = []
    threads = [
        threading.Thread(target=lambda: results.append(facts(traverse(net, 0)))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [alone] * 4
