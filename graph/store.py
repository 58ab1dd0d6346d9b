"""The store contract: a few core operations every backend implements.

Queries use only this interface (through :class:`graph.index.GovIndex`); a backend may also
answer a query natively (``native_impact`` ...), and both paths must pass the same tests
(STYLE.md rule 2).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Protocol, TypeAlias, runtime_checkable

from ontology.terms import Term, Triple

#: ``(added, removed)``: triples a write added to and removed from the union of the graphs
Changes: TypeAlias = tuple[list[Triple], list[Triple]]


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


def changes_since(store: object, generation: int, upto: int | None = None) -> Changes | None:
    """What the writes to ``store`` after ``generation`` (up to ``upto``, by default the
    current one) added and removed over the union of its graphs, or ``None`` when unknown:
    then its projection is read again.

    A backend may keep a change log by defining ``changes_since(generation)`` on its class
    (:class:`graph.oxigraph_store.OxigraphStore` does); one that does not (the Cypher store, a
    checkpoint follower passing attributes through) answers "unknown".

    >>> class NoLog:
    ...     generation = 3
    >>> changes_since(NoLog(), 2) is None
    True
    """
    method = getattr(type(store), "changes_since", None)
    if method is None:
        return None
    found: Changes | None = method(store, generation, upto)
    return found


def compose_changes(steps: Iterable[Changes | None]) -> Changes | None:
    """The net effect of consecutive changes (``None`` if any is unknown).

    >>> compose_changes([([("a", "p", "b")], []), ([], [("a", "p", "b")]), ([("c", "p", "d")], [])])
    ([('c', 'p', 'd')], [])
    """
    added: dict[Triple, None] = {}
    removed: dict[Triple, None] = {}
    for step in steps:
        if step is None:
            return None
        for t in step[1]:
            if t in added:
                del added[t]
            else:
                removed[t] = None
        for t in step[0]:
            if t in removed:
                del removed[t]
            else:
                added[t] = None
    return list(added), list(removed)
