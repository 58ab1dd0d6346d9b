"""The shared array helpers agree with numpy's own ``unique`` and stable ``argsort`` on any id
array."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from graph.arrays import (
    _hugepage_setter,
    distinct,
    first_met,
    small_pages,
    stable_lex_order,
    stable_order,
)

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


DTYPES = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint32, np.uint64]
#: keys from a few values (many ties), and keys whose range is too wide to pack beside a row
keys = st.one_of(
    st.lists(st.integers(-3, 40), max_size=80),
    st.lists(st.integers(-(2**62), 2**62), max_size=20),
)


@given(keys, st.sampled_from(DTYPES))
def test_stable_order_is_numpy_stable_argsort(values: list[int], dtype: type) -> None:
    info = np.iinfo(dtype)
    array = np.array([min(max(x, info.min), info.max) for x in values], dtype=dtype)
    order = stable_order(array)
    assert order.tolist() == np.argsort(array, kind="stable").tolist()
    assert order.dtype == np.int64


def test_stable_order_of_the_extreme_int64_keys() -> None:
    extremes = np.array([2**63 - 1, -(2**63), 0, -(2**63), 2**63 - 1], dtype=np.int64)
    assert stable_order(extremes).tolist() == [1, 3, 2, 0, 4]
    assert stable_order(np.array([5, 5, 5], dtype=np.int64)).tolist() == [0, 1, 2]


def test_small_pages_turns_numpy_huge_pages_off_inside_and_back_after_the_last_block() -> None:
    setter = _hugepage_setter()
    assert setter is not None  # numpy's switch is where this numpy keeps it
    before = setter(True)
    try:
        with small_pages():
            with small_pages():
                assert setter(False) is False
            assert setter(False) is False  # still inside the outer block
        assert setter(True) is True  # restored
    finally:
        setter(before)


#: up to four keys over the same rows: few values (many ties), wide ones, and a float key
lex_keys = st.integers(0, 40).flatmap(
    lambda n: st.lists(
        st.one_of(
            st.lists(st.integers(-2, 3), min_size=n, max_size=n).map(np.array),
            st.lists(st.integers(-(2**62), 2**62), min_size=n, max_size=n).map(np.array),
            st.lists(st.sampled_from([0.5, -1.0, 2.0]), min_size=n, max_size=n).map(np.array),
        ),
        min_size=1,
        max_size=4,
    )
)


@given(lex_keys)
def test_stable_lex_order_is_numpy_lexsort(keys: list[np.ndarray]) -> None:
    order = stable_lex_order(keys)
    assert order.tolist() == np.lexsort(keys).tolist()
    assert order.dtype == np.int64
