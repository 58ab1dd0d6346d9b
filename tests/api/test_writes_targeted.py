"""Entity writes read only the graphs that hold the entity, never every graph of the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from api.audit import AuditLog
from api.auth import Principal
from api.writes import Writer
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology.terms import Triple
from tests.support import REPO


class CountingStore(OxigraphStore):
    """Records which graphs are read whole."""

    def __init__(self) -> None:
        super().__init__()
        self.read: list[str] = []

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        self.read.append(graph)
        return super().graph_triples(graph)


def test_a_patch_reads_only_the_owning_graph(tmp_path: Path) -> None:
    store = CountingStore()
    load_paths(store, [REPO / "data"])
    files = [g for g in store.graph_names() if ":file:" in g]
    assert len(files) > 3
    writer = Writer(store, AuditLog(tmp_path / "audit.jsonl"))
    owner = store.graphs_with_subjects(["https://w3id.org/govgraph/id/ds"])
    assert len(owner) == 1
    store.read.clear()
    answer = writer.patch_entity(
        Principal("editor", "editor"), "ds", {"label": {"en": "Digital Steering Group, patched"}}
    )
    assert answer["added"] >= 1
    read = set(store.read)
    assert read <= owner | {g for g in answer["graphs"]}  # the owner and the API graph only
    assert not read & (set(files) - owner)


def test_a_store_without_graph_lookups_is_scanned(tmp_path: Path) -> None:
    class Plain:
        def __init__(self, inner: OxigraphStore) -> None:
            self.inner = inner

        def __getattr__(self, name: str) -> object:
            if name == "graphs_with_subjects":
                raise AttributeError(name)
            return getattr(self.inner, name)

    inner = OxigraphStore()
    load_paths(inner, [REPO / "data"])
    writer = Writer(Plain(inner), AuditLog(tmp_path / "audit.jsonl"))  # type: ignore[arg-type]
    graphs = writer._owning_graphs("https://w3id.org/govgraph/id/ds")
    assert graphs == inner.graph_names()
