"""Helpers for the loader tests: real test files, bad inputs, and store snapshots."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from graph.index import GovIndex
from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.terms import RDF_TYPE
from tests.support import FIXTURES, REPO

EXTERNAL = FIXTURES / "external"
TEMPLATES = REPO / "docs" / "templates"


def loaded(*paths: Path, fmt: str = "auto") -> tuple[OxigraphStore, Any]:
    """A fresh in-memory store with ``paths`` loaded, and the load summary."""
    store = OxigraphStore()
    summary = load_paths(store, list(paths), fmt=fmt)
    return store, summary


def of_type(store: GraphStore, cls: str) -> set[str]:
    return {s for s, _, _ in store.triples(None, RDF_TYPE, cls)}


def count_type(store: GraphStore, cls: str) -> int:
    return len(of_type(store, cls))


def index(store: GraphStore) -> GovIndex:
    return GovIndex.from_store(store)


def snapshot(cli: Callable[..., Any]) -> tuple[int, dict[str, int]]:
    """Triples and entities by type of the CLI's store (``govgraph info --json``)."""
    info = cli("info", "--json").json()
    return info["triples"], info["entities"]


def assert_refused(
    cli: Callable[..., Any], args: Sequence[str], *fragments: str, line: int | None = None
) -> str:
    """Run ``govgraph load ARGS``: non-zero exit, the located message, the store unchanged."""
    before = snapshot(cli)
    result = cli("load", *args)
    after = snapshot(cli)
    assert result.exit_code == 65, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "nothing was written" in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    if line is not None:
        assert f":{line}:" in result.stderr, result.stderr
    assert before == after
    return result.stderr


def citations_cover(store: GraphStore, subjects: set[str]) -> bool:
    """Every subject is the ``gg:about`` of at least one citation."""
    cited = {str(o) for _, _, o in store.triples(None, v.CITE_ABOUT, None)}
    return subjects <= cited
