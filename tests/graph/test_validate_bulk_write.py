"""Large loads go through Oxigraph's bulk loader and still commit all or nothing.

The bulk path (``graph.oxigraph_store.BULK_THRESHOLD``) is taken here with a threshold of 10
triples, so that the tests stay small.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import oxigraph_store
from graph.batch import Batch
from graph.load import apply_batches, stored_generation
from graph.oxigraph_store import PENDING_GRAPH, OxigraphStore
from ontology.errors import StoreUnavailable
from ontology.terms import RDF_TYPE, SKOS, Literal, iri, local_id
from ontology.vocab import ENTITY_CLASSES


def _batch(name: str, count: int) -> Batch:
    batch = Batch(name=name, source=f"{name}.ttl")
    for i in range(count):
        node = iri(f"{name}-t{i}")
        batch.add(node, RDF_TYPE, ENTITY_CLASSES["topic"])
        batch.add(node, SKOS + "prefLabel", Literal(f"Topic {i}", lang="en"))
    return batch


@pytest.fixture
def small_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(oxigraph_store, "BULK_THRESHOLD", 10)


def _quads(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    try:
        return {str(q) for q in store}
    finally:
        del store


def test_a_bulk_load_commits_like_a_transaction(tmp_path: Path, small_threshold: None) -> None:
    store = OxigraphStore(tmp_path / "store")
    summary = apply_batches(store, [_batch("big", 40)])
    assert summary.triples == 80
    assert stored_generation(store) == 1
    assert PENDING_GRAPH not in {q.graph_name.value for q in store.raw}  # the mark is gone
    topics = {local_id(s) for s, _, _ in store.triples(None, RDF_TYPE, ENTITY_CLASSES["topic"])}
    assert topics == {f"big-t{i}" for i in range(40)}


def test_a_failed_bulk_write_leaves_the_store_unchanged(
    tmp_path: Path, small_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore(tmp_path / "store")
    apply_batches(store, [_batch("first", 3)])
    before = {str(q) for q in store.raw}

    def fail_halfway(quads: object) -> None:
        store.raw.extend(list(quads)[:5])  # type: ignore[call-overload]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_store", _Proxy(store.raw, fail_halfway))
    with pytest.raises(StoreUnavailable):
        apply_batches(store, [_batch("big", 40)])
    assert {str(q) for q in store.raw} == before


def test_a_bulk_write_is_compacted_once_committed_and_a_small_one_is_not(
    tmp_path: Path, small_threshold: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = OxigraphStore(tmp_path / "store")
    compacted: list[int] = []
    proxy = _Proxy(store.raw, store.raw.bulk_extend)
    proxy.optimize = lambda: compacted.append(stored_generation(store))  # type: ignore[attr-defined]
    monkeypatch.setattr(store, "_store", proxy)
    apply_batches(store, [_batch("big", 40)])
    assert compacted == [1]  # after the commit: the generation is already the new one
    apply_batches(store, [_batch("small", 1)])
    assert compacted == [1]


def test_a_crash_during_a_bulk_write_is_rolled_back_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = OxigraphStore(path)
    apply_batches(store, [_batch("first", 3)])
    store.close()
    before = _quads(path)
    # What a crash between the pending mark and the commit leaves behind.
    raw = ox.Store(str(path))
    g = "urn:govgraph:graph:file:half.nt"
    raw.extend(
        [
            ox.Quad(
                ox.NamedNode("urn:govgraph:store"),
                ox.NamedNode("https://w3id.org/govgraph/ontology#pendingGraph"),
                ox.NamedNode(g),
                ox.NamedNode(PENDING_GRAPH),
            ),
            ox.Quad(
                ox.NamedNode(iri("half")),
                ox.NamedNode(RDF_TYPE),
                ox.NamedNode(iri("X")),
                ox.NamedNode(g),
            ),
        ]
    )
    raw.flush()
    del raw
    OxigraphStore(path).close()
    assert _quads(path) == before


class _Proxy:
    """The pyoxigraph store with ``bulk_extend`` replaced."""

    def __init__(self, store: ox.Store, bulk_extend: object) -> None:
        self._inner, self.bulk_extend = store, bulk_extend

    def __getattr__(self, name: str) -> object:
        return getattr(self._inner, name)

    def __iter__(self) -> object:
        return iter(self._inner)
