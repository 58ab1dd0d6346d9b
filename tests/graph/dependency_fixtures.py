"""Stores holding the dependency fixtures (``tests/graph/fixtures/deps*.yaml``).

The fixtures are parsed by the YAML loader and written without the SHACL pass: the queries are
under test here, not validation, and skipping pyshacl keeps each store to a few milliseconds.
"""

from __future__ import annotations

from pathlib import Path

from graph.oxigraph_store import OxigraphStore

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def deps_store(name: str = "deps") -> OxigraphStore:
    """An in-memory store holding ``tests/graph/fixtures/<name>.yaml``."""
    from loaders import tag_quotes
    from loaders.files import read_paths

    store = OxigraphStore()
    batches = read_paths([FIXTURES / f"{name}.yaml"])
    tag_quotes(store, batches)
    problems = [w for b in batches for w in b.warnings if w.severity == "error"]
    if problems:
        raise AssertionError(problems)
    store.replace({b.graph: b.triples for b in batches})
    return store
