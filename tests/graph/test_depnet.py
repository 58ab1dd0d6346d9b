"""The dependency net saved beside a persisted projection and read back (graph.queries.depnet)."""

from __future__ import annotations

import gc
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np

from graph.queries.depnet import DependencyNet, load_net, save_net


def test_a_loaded_net_is_the_saved_one_and_leaves_no_young_objects(tmp_path: Path) -> None:
    """Read back equal; its lists already in the collector's oldest generation, so that the
    next young collection (in the request that opened it) does not walk them."""
    terms = [f"urn:t:{i}" for i in range(6)]
    index: Any = SimpleNamespace(
        folder=tmp_path, projection=SimpleNamespace(iris=lambda ids: [terms[i] for i in ids])
    )
    net = DependencyNet.from_arrays(
        terms,
        np.array([1, 2, 2, 5], dtype=np.int32),
        np.array([0, 0, 1, 3], dtype=np.int32),
        np.array([1, 2, 3, 1], dtype=np.int8),
        terms=np.arange(6, dtype=np.int64),
    )
    save_net(index, net)
    loaded = load_net(index)
    assert loaded is not None
    assert loaded.ids == net.ids and loaded.position == net.position
    for downstream in (True, False):
        for mine, saved in zip(loaded.arrays(downstream), net.arrays(downstream), strict=True):
            assert mine.tolist() == saved.tolist()
    assert not any(found is loaded.ids for found in gc.get_objects(generation=0))
