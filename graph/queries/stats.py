"""Counts of what a store holds."""

from __future__ import annotations

from collections import Counter
from typing import Any

from graph.index import index_of
from graph.store import GraphStore


def stats(store: GraphStore) -> dict[str, Any]:
    """Triples, graphs and entities by type.

    >>> from tests.support import sample_store
    >>> stats(sample_store())["entities"]["body"]
    2
    """
    index = index_of(store)
    by_type = Counter(index.type_name(iri) for iri in index.entities())
    return {
        "backend": store.description,
        "triples": store.count(),
        "graphs": [g for g in store.graph_names()],
        "entities": dict(sorted(by_type.items())),
    }
