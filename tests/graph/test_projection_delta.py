"""A projection updated by a write's changes equals one built afresh from the store.

Random sequences of writes (seeded) through :meth:`OxigraphStore.replace`: graphs added,
replaced and dropped, the same triple in two graphs, new terms, literals with languages and
datatypes. After each write the projection updated from :func:`graph.store.changes_since`
must answer as a fresh build does.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from graph import projection_rows
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from graph.projection_delta import apply_changes
from graph.projection_room import ROW_COLUMNS, give_room
from graph.projection_updated import UpdatedProjection, merged_order, order_parts
from graph.store import changes_since
from ontology.errors import StoreUnavailable
from ontology.terms import RDF_TYPE, XSD, Literal, Triple

_NODES = [f"urn:n{i}" for i in range(14)]
_PREDICATES = [RDF_TYPE, "urn:p", "urn:q", "urn:label"]
_LITERALS = [
    Literal("x"),
    Literal("x", lang="da"),
    Literal("x", lang="en"),
    Literal("1", datatype=XSD + "integer"),
    Literal("y", datatype=XSD + "string"),  # stored plain: the log must normalise it
]


def _triple(rng: random.Random) -> Triple:
    s = rng.choice(_NODES + [f"urn:new{rng.randrange(1000)}"])
    p = rng.choice(_PREDICATES)
    if rng.random() < 0.35:
        return (s, p, rng.choice(_LITERALS + [Literal(f"v{rng.randrange(50)}", lang="nb")]))
    return (s, p, rng.choice(_NODES + [f"urn:new{rng.randrange(1000)}"]))


def _writes(rng: random.Random, count: int) -> Iterator[tuple[dict[str, list[Triple]], list[str]]]:
    graphs = [f"urn:g{i}" for i in range(4)]
    held: dict[str, list[Triple]] = {}
    for _ in range(count):
        g = rng.choice(graphs)
        action = rng.random()
        if action < 0.15 and held:
            gone = rng.choice(sorted(held))
            del held[gone]
            yield {}, [gone]
            continue
        triples = list(held.get(g, []))
        if action < 0.5 and triples:  # edit: drop some, add some
            triples = [t for t in triples if rng.random() < 0.7]
        if action > 0.85 and held:  # the same triples as another graph holds
            other = held[rng.choice(sorted(held))]
            triples += rng.sample(other, min(len(other), 3))
        triples += [_triple(rng) for _ in range(rng.randrange(0, 6))]
        held[g] = triples
        yield {g: triples}, []


def _links(p: Projection) -> list[tuple[str, str, str]]:
    return [(p.terms[s], p.terms[q], p.terms[o]) for s, q, o in zip(p.s, p.p, p.o, strict=True)]


def _literals(p: Projection) -> list[tuple[str, str, Literal]]:
    return [
        (p.terms[int(p.lit_s[r])], p.terms[int(p.lit_p[r])], p.literal(r))
        for r in range(len(p.values))
    ]


def assert_same(updated: Projection, fresh: Projection) -> None:
    """``updated`` answers as ``fresh`` does (row order within a subject aside)."""
    links, literals = _links(updated), _literals(updated)
    assert len(set(links)) == len(links) and len(set(literals)) == len(literals)
    assert set(links) == set(_links(fresh))
    assert set(literals) == set(_literals(fresh))
    for term in fresh.terms:
        i, j = updated.ids.get(term), fresh.ids.get(term)
        assert i is not None and j is not None and updated.terms[i] == term
        for rows in ("out_rows", "in_rows"):
            a, b = getattr(updated, rows)(i), getattr(fresh, rows)(j)
            assert sorted(zip(updated.iris(a[0]), updated.iris(a[1]), strict=True)) == sorted(
                zip(fresh.iris(b[0]), fresh.iris(b[1]), strict=True)
            ), (rows, term)
        mine = [(updated.terms[p], lit) for p, lit in updated.literal_rows(i)]
        theirs = [(fresh.terms[p], lit) for p, lit in fresh.literal_rows(j)]
        assert sorted(mine, key=repr) == sorted(theirs, key=repr)
        assert bool(updated.is_subject[i]) == bool(fresh.is_subject[j])
        if term in _PREDICATES and fresh.type_id >= 0 and updated.type_id >= 0:
            for cls in [None, *_NODES[:3]]:
                mine4 = updated.by_predicate(i, None if cls is None else updated.ids.get(cls, -1))
                theirs4 = fresh.by_predicate(j, None if cls is None else fresh.ids.get(cls, -1))
                for k in range(3):
                    assert sorted(updated.iris(mine4[k])) == sorted(fresh.iris(theirs4[k]))
            a2, b2 = updated.pairs(i), fresh.pairs(j)
            assert sorted(zip(updated.iris(a2[0]), updated.iris(a2[1]), strict=True)) == sorted(
                zip(fresh.iris(b2[0]), fresh.iris(b2[1]), strict=True)
            )
    _assert_indexes_agree(updated)
    known = set(fresh.terms)
    for i, term in enumerate(updated.terms):  # a term no triple uses any more has no rows
        if term not in known:
            assert not updated.is_subject[i] and not updated.in_rows(i)[0]
    assert updated.ids.get("urn:absent") is None
    order = merged_order(updated.terms, *order_parts(updated))  # not kept: chains stay apart
    in_order = [updated.terms[i] for i in order.tolist()]
    assert in_order == sorted(updated.terms)
    assert (updated.rank[order] == np.arange(len(updated.terms))).all()
    assert [t for t in in_order if t in known] == [fresh.terms[i] for i in fresh.order.tolist()]


def _row_ids(p: Projection) -> list[list[int]]:
    """Every key's rows in the three indexes, read key by key (nothing merged or cached)."""
    return [
        one(k).tolist()
        for one in (p.out_row_ids, p.in_row_ids, p.literal_row_ids)
        for k in range(len(p.terms))
    ]


def _assert_indexes_agree(p: Projection) -> None:
    """Each index read key by key, for many keys at once and as whole arrays agree."""
    keys = np.arange(len(p.terms), dtype=np.int64)[::-1]
    for kind, one in (("out", p.out_row_ids), ("in", p.in_row_ids), ("lit", p.literal_row_ids)):
        rows, counts = p.rows_of(kind, keys)
        assert rows.tolist() == [r for k in keys.tolist() for r in one(k).tolist()]
        assert counts.tolist() == [len(one(k)) for k in keys.tolist()]
        if isinstance(p, UpdatedProjection):  # merged afresh (the cached merge not made)
            edges, ptr = p.indexes[kind].merged()
            assert len(ptr) == len(p.terms) + 1
            assert [edges[ptr[k] : ptr[k + 1]].tolist() for k in range(len(p.terms))] == [
                one(k).tolist() for k in range(len(p.terms))
            ]


@pytest.mark.parametrize(
    ("seed", "patched_keys"), [(s, 4096) for s in range(12)] + [(s, 2) for s in range(12, 16)]
)
def test_random_writes_update_the_projection_as_a_fresh_build(
    seed: int, patched_keys: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Also with the changed keys merged into whole arrays every few writes, and from a
    projection opened from its files (term ids searched in string order, not a dictionary;
    its row columns as read-only maps, or mapped with spare room as a writer opens them)."""
    monkeypatch.setattr(projection_rows, "PATCHED_KEYS", patched_keys)
    rng = random.Random(seed)
    store = OxigraphStore()
    projection = Projection.build_oxigraph(store.raw)
    generation = store.generation
    saved: dict[str, np.ndarray] = {}
    for step, (graphs, remove) in enumerate(_writes(rng, 25)):
        if step == 3 and seed % 2:
            projection.save(tmp_path / "saved")
            opened = Projection.load(tmp_path / "saved")
            assert opened is not None and not isinstance(opened.ids, dict)
            if seed % 4 == 1:  # as a writer opens it: row columns mapped with spare room
                assert give_room(opened, tmp_path / "saved")
            saved = {name: np.load(tmp_path / "saved" / f"{name}.npy") for name in ROW_COLUMNS}
            projection = opened
        store.replace(graphs, remove)
        changes = changes_since(store, generation)
        assert changes is not None
        snapshot = (_links(projection), _literals(projection), _row_ids(projection))
        applied = apply_changes(projection, *changes)
        assert applied is not None
        # Readers of the old projection keep what they had.
        assert snapshot == (
            _links(projection),
            _literals(projection),
            _row_ids(projection),
        )
        projection, generation = applied[0], store.generation
        assert_same(projection, Projection.build_oxigraph(store.raw))
    for name, array in saved.items():  # the writes stayed in this process: files as saved
        assert np.array_equal(np.load(tmp_path / "saved" / f"{name}.npy"), array)


def test_changes_over_several_writes_compose() -> None:
    rng = random.Random(99)
    store = OxigraphStore()
    start = Projection.build_oxigraph(store.raw)
    for graphs, remove in _writes(rng, 10):
        store.replace(graphs, remove)
    changes = changes_since(store, 0)
    assert changes is not None
    applied = apply_changes(start, *changes)
    assert applied is not None
    assert_same(applied[0], Projection.build_oxigraph(store.raw))


def test_a_triple_in_two_graphs_stays_while_one_holds_it() -> None:
    store = OxigraphStore()
    shared = ("urn:a", "urn:p", "urn:b")
    store.replace({"urn:g1": [shared], "urn:g2": [shared, ("urn:a", "urn:p", "urn:c")]})
    projection = Projection.build_oxigraph(store.raw)
    store.replace({}, remove=["urn:g1"])
    assert changes_since(store, 1) == ([], [])
    store.replace({"urn:g2": []})
    added, removed = changes_since(store, 2) or ([], [])
    assert sorted(removed) == [shared, ("urn:a", "urn:p", "urn:c")]
    applied = apply_changes(projection, added, removed)
    assert applied is not None and len(applied[0].s) == 0


def test_a_change_that_does_not_fit_gives_none() -> None:
    projection = Projection.build([("urn:a", "urn:p", "urn:b")])
    assert apply_changes(projection, [], [("urn:a", "urn:p", "urn:c")]) is None
    assert apply_changes(projection, [("urn:a", "urn:p", "urn:b")], []) is None


def test_a_failed_write_makes_the_next_change_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    store = OxigraphStore()
    store.replace({"urn:g": [("urn:a", "urn:p", "urn:b")]})

    raw = store.raw
    monkeypatch.setattr(store, "_store", _Failing(raw))
    with pytest.raises(StoreUnavailable):
        store.replace({"urn:g": [("urn:a", "urn:p", "urn:c")]})
    monkeypatch.setattr(store, "_store", raw)
    store.replace({"urn:h": [("urn:x", "urn:p", "urn:y")]})
    assert changes_since(store, 1) is None


class _Failing:
    """A pyoxigraph store whose updates fail (reads pass through)."""

    def __init__(self, raw: object) -> None:
        self._raw = raw

    def update(self, text: str) -> None:
        raise OSError("disk gone")

    def extend(self, quads: object) -> None:
        raise OSError("disk gone")

    def __getattr__(self, name: str) -> object:
        return getattr(self._raw, name)
