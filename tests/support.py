"""Shared helpers for tests and doctests."""

from __future__ import annotations

from pathlib import Path

from graph.oxigraph_store import OxigraphStore
from loaders import load_paths

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"


def sample_store() -> OxigraphStore:
    """An in-memory store holding ``tests/fixtures/sample.yaml``."""
    store = OxigraphStore()
    load_paths(store, [FIXTURES / "sample" / "sample.yaml"])
    return store
