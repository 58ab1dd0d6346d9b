"""Server-side folding of very large pictures: at most ``FOLD_LIMIT`` nodes, every node and
edge still counted."""

from __future__ import annotations

import pytest

from graph.index import GovIndex
from viz import fold as folding
from viz.relations import drawn_nodes, relations


def test_more_homes_than_the_limit_go_into_one_more_group(
    viz_index: GovIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    nodes = drawn_nodes(viz_index)
    rels = relations(viz_index, nodes)
    homes = {folding.home_of(viz_index, n) for n in nodes}
    assert len(homes) > 6
    monkeypatch.setattr(folding, "FOLD_LIMIT", 6)
    result = folding.fold(viz_index, nodes, rels, fold_above=10)
    assert len(result.nodes) + len(result.groups) <= 6
    assert folding.MORE in result.groups
    members = [m for ms in result.groups.values() for m in ms]
    assert sorted(members + result.nodes) == sorted(nodes)  # every node once
    drawn = sum(len(r) for _, _, r in result.edges) + sum(len(r) for r in result.inner.values())
    assert drawn == len(rels)  # every edge counted
