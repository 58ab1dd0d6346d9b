"""The streamed impact answer holds exactly the full answer, on the bundled data and a
generated graph, whatever the page size."""

from __future__ import annotations

from typing import Any

import pytest

from graph.generate import generate, write_ntriples
from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from graph.queries.impact_stream import collect, impact_stream
from graph.store import GraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.errors import Conflict, InvalidArgument, NotFound
from ontology.terms import Literal


def _roots(store: GraphStore, count: int) -> list[str]:
    """Items that something depends on (the ones with an impact), largest first."""
    dependents: dict[str, int] = {}
    for *_, prerequisite in store.triples(None, v.PREREQUISITE):
        dependents[str(prerequisite)] = dependents.get(str(prerequisite), 0) + 1
    ranked = sorted(dependents, key=lambda p: (-dependents[p], p))
    return ranked[:count]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> GraphStore:
    path = tmp_path_factory.mktemp("gen") / "generated.nt"
    write_ntriples(generate(nodes=400, dependencies=1200, bodies=30, mandates=200, seed=11), path)
    store = OxigraphStore()
    load_paths(store, [path])
    return store


def _same(store: GraphStore, root: str, page_size: int, **options: Any) -> int:
    whole = impact(store, root, **options)
    parts = list(impact_stream(store, root, page_size=page_size, **options))
    streamed = [p["item"] for p in parts if "item" in p]
    assert streamed == whole["impacted"]
    assert parts[0]["head"]["items"] == len(streamed) == parts[-1]["end"]["items"]
    assert collect(parts) == whole
    return len(streamed)


def test_the_stream_equals_the_full_answer_on_the_bundled_data(data_store: GraphStore) -> None:
    roots = _roots(data_store, 6)
    assert roots
    sizes = [_same(data_store, root, 3) for root in roots]
    assert max(sizes) > 3  # several pages
    for root in roots[:2]:
        _same(data_store, root, 2, direction="upstream")
        _same(data_store, root, 5, lang="en", deciders=False)


def test_the_stream_equals_the_full_answer_on_a_generated_graph(generated: GraphStore) -> None:
    sizes = [_same(generated, root, 37) for root in _roots(generated, 4)]
    assert max(sizes) > 150  # the first page (100 items) and several more
    root = _roots(generated, 1)[0]
    _same(generated, root, 50, max_depth=2, types=["system"])
    _same(generated, root, 64, min_criticality="high", limit=90, offset=7)


def test_errors_come_before_the_first_part(data_store: GraphStore) -> None:
    with pytest.raises(NotFound):
        next(impact_stream(data_store, "no-such-thing-here"))
    with pytest.raises(InvalidArgument):
        next(impact_stream(data_store, "nsp", direction="sideways"))


def test_a_write_between_pages_ends_the_stream(generated: GraphStore) -> None:
    store = OxigraphStore()
    store.replace({"urn:copy": list(generated.triples())})
    root = _roots(store, 1)[0]
    parts = impact_stream(store, root, page_size=10)
    next(parts)
    store.replace({"urn:later": [("https://w3id.org/govgraph/id/x", v.LABEL, Literal("x"))]})
    with pytest.raises(Conflict):
        list(parts)


def test_a_cut_stream_is_not_collected(data_store: GraphStore) -> None:
    parts = list(impact_stream(data_store, _roots(data_store, 1)[0]))
    with pytest.raises(ValueError, match="cut"):
        collect(parts[:-1])
