"""Concurrent cold requests build each lazy projection once (builds are counted, not timed)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import graph.index as index_module
import graph.queries.impact as impact_module
import graph.resolve as resolve_module
from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import dependency_net
from graph.resolve import name_index
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import DATA as IDS
from tests.support import DATA

THREADS = 20


def _at_once(call: Callable[[], Any]) -> list[Any]:
    """``call()`` in :data:`THREADS` threads released together; their answers."""
    barrier = threading.Barrier(THREADS)
    answers: list[Any] = [None] * THREADS
    errors: list[BaseException] = []

    def run(n: int) -> None:
        barrier.wait()
        try:
            answers[n] = call()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    return answers


def _counting(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[int]:
    """Wrap ``owner.name`` so each call is counted (and slow enough for the threads to meet)."""
    calls: list[int] = []
    original = getattr(owner, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        time.sleep(0.05)  # widens the window in which an unguarded cache would build twice
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, counted)
    return calls


@pytest.fixture
def bundled() -> OxigraphStore:
    store = OxigraphStore()
    load_paths(store, [DATA])
    return store


def test_the_projection_is_built_once(
    bundled: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    builds = _counting(monkeypatch, GovIndex, "from_store")
    answers = _at_once(lambda: index_of(bundled))
    assert len(builds) == 1
    assert all(a is answers[0] for a in answers)
    index_module._CACHE.pop(id(bundled), None)


def test_names_nets_memos_and_reverse_links_are_built_once(
    bundled: OxigraphStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = GovIndex.from_store(bundled)
    names = _counting(monkeypatch, resolve_module, "NameIndex")
    nets = _counting(monkeypatch, impact_module, "dependency_edges")
    memo: list[int] = []

    def closure() -> int:
        memo.append(1)
        time.sleep(0.05)
        return len(index.nodes)

    def everything() -> tuple[object, ...]:
        return (
            name_index(index),
            dependency_net(index),
            index.memo("test-closure", closure),
            tuple(index.into(IDS + "nsp", v.PREREQUISITE)),
        )

    answers = _at_once(everything)
    assert (len(names), len(nets), len(memo)) == (1, 1, 1)
    assert all(a[0] is answers[0][0] and a[1] is answers[0][1] for a in answers)
    assert len({a[3] for a in answers}) == 1
