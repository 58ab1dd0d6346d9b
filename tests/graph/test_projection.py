"""The compact projection: the same answers as the triples say, persisted beside the store and
reopened by a cold process only while nothing was written since."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import graph.index as index_module
import graph.queries.impact as impact_module
from graph import checkpoint, stamp
from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from graph.queries.impact import impact
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import DATA, RDF_TYPE, Literal, Triple
from tests.graph.dependency_fixtures import FIXTURES


def _wait_for_saves() -> None:
    for thread in threading.enumerate():
        if thread.name == "govgraph-save-projection":
            thread.join()


@pytest.fixture(autouse=True)
def _persist_small_projections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(index_module, "PERSIST_FROM", 0)  # the fixtures are small


def _loaded(path: Path) -> OxigraphStore:
    store = OxigraphStore(path)
    load_paths(store, [FIXTURES / "deps.yaml"])
    return store


def test_nodes_links_literals_and_reverse_links_match_the_triples() -> None:
    triples: list[Triple] = [
        ("urn:a", RDF_TYPE, "urn:C"),
        ("urn:a", "urn:p", "urn:b"),
        ("urn:a", "urn:p", "urn:b"),  # a duplicate (another graph) counts once
        ("urn:a", "urn:q", Literal("A", lang="da")),
        ("urn:b", "urn:p", "urn:c"),
    ]
    index = GovIndex(triples)
    assert set(index.nodes) == {"urn:a", "urn:b"}  # "urn:c" is only an object
    node = index.node("urn:a")
    assert node.types == {"urn:C"}
    assert node.links["urn:p"] == ["urn:b"]
    assert node.literals["urn:q"] == [Literal("A", lang="da")]
    assert index.incoming["urn:b"] == [("urn:p", "urn:a")]
    assert index.into("urn:c", "urn:p") == ["urn:b"]
    assert index.of_type("urn:C") == ["urn:a"]
    assert "urn:c" not in index.nodes and index.node("urn:c").types == set()


def test_pairs_read_a_predicate_as_the_nodes_say_it() -> None:
    triples: list[Triple] = [
        ("urn:a", RDF_TYPE, "urn:C"),
        ("urn:a", "urn:p", "urn:x"),
        ("urn:a", "urn:p", Literal("later")),
        ("urn:b", "urn:p", "urn:y"),
        ("urn:b", "urn:p", "urn:z"),
        ("urn:c", RDF_TYPE, "urn:C"),
        ("urn:c", "urn:p", Literal("v", lang="da")),
    ]
    index = GovIndex(triples)
    subjects, objects = index.pairs("urn:p")
    assert sorted(zip(subjects, objects, strict=True)) == [
        ("urn:a", "later"),
        ("urn:a", "urn:x"),
        ("urn:b", "urn:y"),
        ("urn:b", "urn:z"),
        ("urn:c", "v"),
    ]
    firsts = dict(zip(reversed(subjects), reversed(objects), strict=True))
    assert firsts == {s: index.node(s).first("urn:p") for s in ("urn:a", "urn:b", "urn:c")}
    assert index.pairs("urn:p", of_type="urn:C") == (
        ["urn:a", "urn:a", "urn:c"],
        ["urn:x", "later", "v"],
    )
    assert index.pairs("urn:p", of_type="urn:Nobody") == ([], [])
    assert index.pairs("urn:missing") == ([], [])
    assert index.pairs(RDF_TYPE) == ([], [])  # types are read with of_type


def test_a_saved_projection_loads_equal(tmp_path: Path) -> None:
    store = _loaded(tmp_path / "store")
    built = GovIndex.from_store(store)
    built.projection.save(tmp_path / "saved")
    loaded = Projection.load(tmp_path / "saved")
    assert loaded is not None
    again = GovIndex(loaded)
    assert list(again.nodes) == list(built.nodes)
    for iri in built.nodes:
        assert again.node(iri) == built.node(iri)
        assert again.incoming.get(iri) == built.incoming.get(iri)
    assert again.of_type(v.DEPENDENCY) == built.of_type(v.DEPENDENCY)
    store.close()


def test_a_cold_process_opens_the_persisted_projection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store"
    store = _loaded(path)
    first = impact(store, "nsp")
    _wait_for_saves()
    token = stamp.read(path)
    assert token is not None and (checkpoint.projection_root(path) / token).is_dir()
    store.close()
    index_module._CACHE.clear()

    builds: list[int] = []
    original = GovIndex.from_store

    def counted(store: OxigraphStore) -> GovIndex:
        builds.append(1)
        return original(store)

    monkeypatch.setattr(GovIndex, "from_store", counted)
    reopened = OxigraphStore(path)
    assert impact(reopened, "nsp") == first
    assert builds == []  # opened, not rebuilt

    # A write changes the stamp: the next cold process must not trust the old projection.
    reopened.replace({"urn:govgraph:graph:extra": [(DATA + "x", RDF_TYPE, v.DEPENDENCY)]})
    assert stamp.read(path) not in (None, token)
    reopened.close()
    index_module._CACHE.clear()
    third = OxigraphStore(path)
    index_of(third)
    assert builds == [1]
    _wait_for_saves()
    third.close()


def test_the_net_built_while_the_projection_is_written_is_saved_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answered = threading.Event()
    original = checkpoint.save_projection

    def after_the_answer(*args: object) -> Path | None:
        answered.wait(timeout=30)  # the files are written after impact has built its net
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(checkpoint, "save_projection", after_the_answer)
    path = tmp_path / "store"
    store = _loaded(path)
    first = impact(store, "nsp")
    answered.set()
    _wait_for_saves()
    token = stamp.read(path)
    assert token is not None and (checkpoint.projection_root(path) / token / "net").is_dir()
    store.close()
    index_module._CACHE.clear()

    built: list[int] = []
    monkeypatch.setattr(impact_module.DependencyNet, "from_arrays", _counting(built))
    reopened = OxigraphStore(path)
    assert impact(reopened, "nsp") == first
    assert built == []  # the cold process opened the saved net instead of building one
    reopened.close()


def _counting(built: list[int]) -> object:
    make = impact_module.DependencyNet.from_arrays

    def counted(*args: object, **kwargs: object) -> object:
        built.append(1)
        return make(*args, **kwargs)  # type: ignore[arg-type]

    return counted


def test_a_reader_does_not_persist_what_it_cannot_vouch_for(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _loaded(path).close()
    stamp.clear(path)
    reader = OxigraphStore(path, read_only=True)
    index_of(reader)
    _wait_for_saves()
    assert stamp.read(path) is None
    assert not checkpoint.projection_root(path).exists() or not any(
        p for p in checkpoint.projection_root(path).iterdir() if not p.name.startswith(".")
    )
    reader.close()
