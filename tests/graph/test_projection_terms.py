"""IRI -> term id lookups of a projection: many at once answer as one at a time, for a
projection opened from its files (a string-order search), an updated one and a built one."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.index import GovIndex
from graph.portfolio_columns import Names
from graph.projection import Projection
from graph.projection_delta import apply_changes
from graph.projection_terms import TermIds, ids_of

words = st.text(alphabet="abcé:/", min_size=0, max_size=4).map(lambda x: f"urn:{x}")


@settings(max_examples=80, deadline=None)
@given(
    st.sets(words, max_size=30),
    st.lists(words, max_size=40),
    st.booleans(),
    st.sampled_from([1, 2, 3, 7, 64]),
)
def test_many_at_once_answer_as_one_at_a_time(
    terms: set[str], asked: list[str], warm: bool, step: int
) -> None:
    """Also with every ``step``-th term sampled (the search's first stage) at small steps."""
    listed = tuple(terms)
    order = np.array(sorted(range(len(listed)), key=listed.__getitem__), dtype=np.int32)
    one, many = TermIds(listed, order), TermIds(listed, order)
    one._STEP = many._STEP = step
    if warm:  # some answers kept already
        for iri in asked[::2]:
            many.get(iri)
    expected = [one.get(iri) for iri in asked]
    assert many.many(asked) == expected == [listed.index(i) if i in terms else None for i in asked]
    assert many.many(asked) == expected  # from the answers kept
    assert ids_of({t: k for k, t in enumerate(listed)}, asked) == expected


def test_an_updated_projection_finds_old_and_new_terms_at_once(tmp_path: Path) -> None:
    built = Projection.build([("urn:b", "urn:p", "urn:a"), ("urn:c", "urn:p", "urn:b")])
    built.save(tmp_path / "saved")
    opened = Projection.load(tmp_path / "saved")
    assert opened is not None and isinstance(opened.ids, TermIds)
    applied = apply_changes(opened, [("urn:d", "urn:p", "urn:aa")], [])
    assert applied is not None
    new = applied[0]
    asked = ["urn:aa", "urn:a", "urn:x", "urn:d", "urn:p", "urn:aa"]
    expected = [new.ids.get(i) for i in asked]
    assert ids_of(new.ids, asked) == expected
    assert [new.terms[i] if i is not None else None for i in expected] == [
        "urn:aa",
        "urn:a",
        None,
        "urn:d",
        "urn:p",
        "urn:aa",
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-3, 12), min_size=12, max_size=12), st.booleans())
def test_names_read_ids_by_place_or_lookup_as_the_index_does(
    guesses: list[int], opened: bool
) -> None:
    triples = [(f"urn:s{k}", "urn:p", f"urn:o{k % 4}") for k in range(8)]
    index = GovIndex(triples)
    if opened:  # term ids by string-order search, as a projection opened from its files
        projection = index.projection
        index.projection.ids = TermIds(projection.terms, projection.order)
    iris = [f"urn:s{k}" for k in range(6)] + ["urn:none", "urn:o1", "urn:o1", "urn:x"]
    places = ({iri: k for k, iri in enumerate(iris)}, guesses[: len(iris)])
    for given_places in (None, places):
        unknown, ids = Names(index, None)._ids(iris, given_places)
        assert unknown == [i for i in iris if index.projection.ids.get(i) is None]
        assert ids.tolist() == [
            i for i in (index.projection.ids.get(iri) for iri in iris) if i is not None
        ]
