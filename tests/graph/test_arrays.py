"""The shared array helpers agree with numpy's own ``unique`` on any id array."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from graph.arrays import distinct, first_met

ids = st.lists(st.integers(-3, 40), max_size=60).map(lambda xs: np.array(xs, dtype=np.int64))


@given(ids)
def test_distinct_is_numpy_unique(values: np.ndarray) -> None:
    assert distinct(values).tolist() == np.unique(values).tolist()


@given(ids)
def test_first_met_orders_by_first_place_and_places_every_value(values: np.ndarray) -> None:
    found, place = first_met(values)
    unique, first = np.unique(values, return_index=True)
    assert found.tolist() == unique[np.argsort(first)].tolist()  # first met, each once
    assert found[place].tolist() == values.tolist()
    assert place.dtype == np.int64 and len(place) == len(values)
