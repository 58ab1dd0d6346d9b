"""The store contract: a few core operations every backend implements.

Queries use only this interface (through :class:`graph.index.GovIndex`); a backend may also
answer a query natively (``native_impact`` ...), and both paths must pass the same tests
(STYLE.md rule 2).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Protocol, runtime_checkable

from ontology.terms import Term, Triple


@runtime_checkable
class GraphStore(Protocol):
    """A set of named graphs of triples, changed only by whole-graph atomic replacement."""

    #: a short description for messages, e.g. ``oxigraph:/path``
    description: str
    #: bumped by every successful :meth:`replace`, so cached projections know they are stale
    generation: int

    def triples(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Triple]:
        """Triples matching the pattern, over the union of all graphs (duplicates removed)."""
        ...

    def graph_names(self) -> list[str]:
        """Names of the graphs present."""
        ...

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        """Triples of one named graph."""
        ...

    def replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str] = ()) -> None:
        """Atomically set each graph in ``graphs`` to exactly its triples and drop ``remove``.

        Either every change is applied or none is; concurrent readers see the state before or
        after, never between.
        """
        ...

    def count(self) -> int:
        """Number of stored triples (over all graphs)."""
        ...

    def close(self) -> None: ...
