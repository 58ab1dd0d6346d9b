"""An in-memory projection of a store: the generic path every query runs on.

Built once from ``store.triples()``; gives typed access (labels, types, validity, citations,
relations both ways) and networkx projections for graph algorithms.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from graph.index_columns import PredicateColumns
from graph.nodes import (
    HIDDEN_TYPES,
    NO_FACTS,
    Citation,
    Facts,
    IncomingView,
    Node,
    NodesView,
    choose_label,
    first_of,
    labels_by_subject,
    pick,
    read_citations,
    read_facts,
    type_name_of,
)
from graph.projection import Projection
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import Period
from ontology.terms import DATA, Literal, Triple, local_id

if TYPE_CHECKING:
    import networkx as nx

T = TypeVar("T")


class GovIndex(PredicateColumns):
    """Everything in a store, indexed for the queries.

    Backed by a :class:`graph.projection.Projection` (integer ids, CSR arrays); :class:`Node`
    objects are made on access, labels and types cached as they are asked for. The reads over
    a whole predicate or class are :class:`graph.index_columns.PredicateColumns`'.
    """

    def __init__(
        self,
        triples: Iterable[Triple] | Projection,
        *,
        citations: dict[str, list[Citation]] | None = None,
    ) -> None:
        projection = triples if isinstance(triples, Projection) else Projection.build(triples)
        self.projection = projection
        self.nodes: Mapping[str, Node] = NodesView(self)
        self.incoming: Mapping[str, list[tuple[str, str]]] = IncomingView(self)
        self._made: dict[str, Node] = {}  # nodes made recently (read-only by contract)
        self._facts: dict[str, Facts] = {}  # facts read, by IRI (see :meth:`_facts_of`)
        self.citations: dict[str, list[Citation]] = (
            read_citations(projection) if citations is None else citations
        )
        self._within = self._subproperties(v.WITHIN_SCOPE) | v.WITHIN_SCOPE_PREDICATES
        self._memo: dict[str, Any] = {}
        # per memo key: the predicates it reads, or how to patch it (see :meth:`memo`)
        self._memo_reads: dict[str, frozenset[str] | Callable[..., Any] | None] = {}
        self._labels: dict[str, dict[str, str]] = {}
        #: where the projection is persisted, if it is (derived data may be saved beside it)
        self.folder: Path | None = None
        #: while the projection's files are written: what to save beside them once they are
        #: (changed under :attr:`lock`)
        self.when_saved: list[Callable[[], None]] | None = None
        self._type_names: dict[str, str] = {}
        self._of_type: dict[str, list[str]] = {}
        self._label_predicates = (v.PREF_LABEL, v.TITLE, v.LABEL, v.FOAF_NAME)
        self._label_ids = [
            i for i in (projection.ids.get(p) for p in self._label_predicates) if i is not None
        ]
        # Guards every lazily derived structure (memo, name index, dependency nets):
        # concurrent cold requests wait for one build. Re-entrant: one build may need another.
        self.lock = threading.RLock()

    def _materialise(self, i: int) -> Node:
        iri = self.projection.terms[i]
        types, links, literals = self._facts_of(iri)
        node = Node(iri)
        node.types.update(types)
        for p, objects in links:
            node.links[p] = list(objects)
        for p, values in literals:
            node.literals[p] = [Literal(*value) for value in values]
        return node

    def _facts_of(self, iri: str) -> Facts:
        """What the projection holds about ``iri`` (read once, then kept: a node asked about
        is usually asked about again, its label, type and relations)."""
        found = self._facts.get(iri)
        if found is None:
            projection = self.projection
            i = projection.ids.get(iri)
            if i is None or not projection.is_subject[i]:
                found = NO_FACTS
            else:
                found = read_facts(projection, i)
            if len(self._facts) >= _FACTS_KEPT:
                self._facts.clear()  # a bounded cache: start again rather than grow
            self._facts[iri] = found
        return found

    def memo(
        self,
        key: str,
        compute: Callable[[], T],
        reads: Collection[str] | None = None,
        patch: Callable[[T, GovIndex, Any], T | None] | None = None,
    ) -> T:
        """``compute()`` once per index: derived data (closures, lookups) shared by queries.

        After a write (:func:`graph.index_carry.carry_over`) the new index keeps the value if
        ``reads`` (predicate IRIs; ``rdf:type`` for classes) names all it is computed from and
        the write changed none (the value then holds no reference to the index and no array
        by term id), or takes ``patch(value, new_index, touched)`` (``None``: compute again).
        A value declaring neither is computed again after every write.
        """
        if key not in self._memo:
            with self.lock:
                if key not in self._memo:
                    self._memo[key] = compute()
                    self._memo_reads[key] = (
                        patch if patch is not None else None if reads is None else frozenset(reads)
                    )
        return self._memo[key]

    @classmethod
    def from_store(cls, store: GraphStore) -> GovIndex:
        """Build from ``store``: a pyoxigraph store is read directly, any other by ``triples()``."""
        raw = getattr(store, "raw", None)
        if raw is not None and type(raw).__module__.startswith("pyoxigraph"):
            from graph.oxigraph_store import store_error

            try:
                return cls(Projection.build_oxigraph(raw))
            except (OSError, RuntimeError) as exc:
                raise store_error(store.description, exc) from None
        return cls(store.triples())

    # -- ontology-driven sets ------------------------------------------------------------------
    def _subproperties(self, parent: str) -> set[str]:
        found: set[str] = set()
        frontier = [parent]
        while frontier:
            current = frontier.pop()
            for pred, child in self.incoming.get(current, []):
                if pred == v.SUBPROPERTY_OF and child not in found:
                    found.add(child)
                    frontier.append(child)
        return found

    @property
    def within_scope_predicates(self) -> set[str]:
        """Predicates along which a thing lies within a wider scope (``gg:withinScope``)."""
        return self._within

    # -- node access ---------------------------------------------------------------------------
    def __contains__(self, iri: object) -> bool:
        return iri in self.nodes

    def node(self, iri: str) -> Node:
        return self.nodes.get(iri) or Node(iri)

    def type_name(self, iri: str) -> str:
        found = self._type_names.get(iri)
        if found is None:
            found = self._type_names[iri] = type_name_of(self.types_of(iri))
        return found

    def types_of(self, iri: str) -> set[str]:
        """The classes of ``iri`` (``rdf:type``), without making its :class:`Node`."""
        return set(self._facts_of(iri)[0])

    def is_entity(self, iri: str) -> bool:
        """True for what users name and look at: not citations, periods or ontology terms."""
        types = self.types_of(iri)
        return bool(types) and not types & HIDDEN_TYPES

    def entities(self) -> Iterator[str]:
        return (iri for iri in self.nodes if self.is_entity(iri))

    def labels(self, iri: str) -> dict[str, str]:
        found = self._labels.get(iri)
        if found is not None:
            return dict(found)
        out: dict[str, str] = {}
        literals = self._facts_of(iri)[2]
        for pred in self._label_predicates:
            for value, lang, _ in pick(literals, pred):
                out.setdefault(lang or "", value)
        self._labels[iri] = out
        return dict(out)

    def label(self, iri: str, lang: str | None = None) -> str:
        """The label in ``lang`` if there is one, else the original language, else the id."""
        found = choose_label(self.labels(iri), lang)
        return local_id(iri) if found is None else found

    def label_map(self, lang: str | None = None) -> dict[str, str]:
        """:meth:`label` of everything labelled, read by predicate (once per language): for
        sorting thousands of items by label without reading each one's literals.

        >>> from ontology.terms import Literal
        >>> GovIndex([("urn:a", v.PREF_LABEL, Literal("A", lang="en"))]).label_map("da")
        {'urn:a': 'A'}
        """

        def build() -> dict[str, str]:
            found = labels_by_subject(self.projection, self._label_ids)
            terms = self.projection.terms
            return {terms[i]: choose_label(labels, lang) or "" for i, labels in found.items()}

        return self.memo(f"index:label-map:{lang}", build, reads=self._label_predicates)

    def alt_labels(self, iri: str) -> list[str]:
        return [value for value, _, _ in pick(self._facts_of(iri)[2], v.ALT_LABEL)]

    def ref(self, iri: str, lang: str | None = None) -> dict[str, str]:
        """``{id, label, type}`` as every JSON answer shows an entity."""
        return {"id": local_id(iri), "label": self.label(iri, lang), "type": self.type_name(iri)}

    def period(self, iri: str) -> Period:
        found = self.out(iri, v.TEMPORAL) or self.out(iri, v.MEMBER_DURING)
        if not found:
            return Period()
        return Period(self.literal(found[0], v.START_DATE), self.literal(found[0], v.END_DATE))

    def literal(self, iri: str, predicate: str) -> str | None:
        """The first literal value of ``iri``'s ``predicate``, or ``None``."""
        found = pick(self._facts_of(iri)[2], predicate)
        return found[0][0] if found else None

    def valid_at(self, iri: str, day: date | None) -> bool:
        return day is None or self.period(iri).contains(day)

    def out(self, iri: str, predicate: str) -> list[str]:
        return list(pick(self._facts_of(iri)[1], predicate))

    def relations(self, iri: str) -> Mapping[str, tuple[str, ...]]:
        """``{predicate: objects}`` of ``iri``'s relations (classes aside), without a node."""
        return dict(self._facts_of(iri)[1])

    def literal_values(self, iri: str, predicate: str) -> list[str]:
        """Every literal value of ``iri``'s ``predicate``, in stream order."""
        return [value for value, _, _ in pick(self._facts_of(iri)[2], predicate)]

    def first(self, iri: str, predicate: str) -> str | None:
        """``node(iri).first(predicate)`` without making the node: a relation, else a literal."""
        return first_of(self._facts_of(iri), predicate)

    def citations_for(
        self, iri: str, predicate: str | None = None, obj: str | None = None
    ) -> list[Citation]:
        """Citations of a node (``predicate=None``) or of one of its relations."""
        return [
            c
            for c in self.citations.get(iri, [])
            if (predicate is None and c.predicate is None)
            or (predicate is not None and c.predicate == predicate and c.object == obj)
        ]

    def citation_dicts(
        self, iri: str, predicate: str | None = None, obj: str | None = None
    ) -> list[dict[str, str]]:
        return [
            {"document": local_id(c.document), "title": self.label(c.document), "quote": c.quote}
            for c in self.citations_for(iri, predicate, obj)
        ]

    # -- projections ---------------------------------------------------------------------------
    def dependency_graph(self, as_of: date | None = None) -> nx.DiGraph:
        """Edges dependent -> prerequisite, one per valid ``gg:Dependency`` (strongest kept)."""
        from graph.depgraph import dependency_graph

        return dependency_graph(self, as_of)

    def is_data(self, iri: str) -> bool:
        return iri.startswith(DATA)


_FACTS_KEPT = 300_000  # subjects' facts kept per index (the collector does not scan them)
#: triples from which a built projection is persisted beside the store
PERSIST_FROM = 50_000
#: per store: ``(store, generation, index, exact)``; ``exact`` is false when the store was
#: written while the index was built (it may hold either generation: never updated from it)
_CACHE: dict[int, tuple[GraphStore, int, GovIndex, bool]] = {}
_BUILDING = threading.Lock()


def index_of(store: GraphStore) -> GovIndex:
    """The projection of ``store``, updated from the store's change log after a write (else
    opened from its persisted files, else rebuilt) when the store has changed since.

    Concurrent callers on a cold or stale projection wait for one build (a lock held only
    while building; a warm answer takes no lock).
    """
    cached = _CACHE.get(id(store))
    generation = store.generation
    if cached is not None and cached[0] is store and cached[1] == generation:
        return cached[2]
    with _BUILDING:
        cached = _CACHE.get(id(store))
        generation = store.generation
        if cached is not None and cached[0] is store and cached[1] == generation:
            return cached[2]
        index, exact = None, True
        if cached is not None and cached[0] is store and cached[3]:
            from graph.index_carry import updated

            index = updated(store, cached[2], cached[1], generation)
        if index is None:
            index = _open_or_build(store)
            exact = store.generation == generation
        _CACHE[id(store)] = (store, generation, index, exact)
        return index


def _open_or_build(store: GraphStore) -> GovIndex:
    """The persisted projection of what ``store`` holds, else one built and persisted."""
    from graph import checkpoint

    projection, folder = checkpoint.load_projection(store)
    if projection is None:  # a reader beside a writer that persists: its files come soon
        projection, folder = checkpoint.wait_for_projection(store)
    if projection is not None:
        index = GovIndex(projection)
        index.folder = folder
        return index
    token = checkpoint.claim_stamp(store)  # before reading: a write meanwhile changes it
    index = GovIndex.from_store(store)
    if token is None or len(index.projection.s) + len(index.projection.values) < PERSIST_FROM:
        return index  # a small store is read again faster than its files are written

    def save() -> None:
        folder = None
        try:
            with contextlib.suppress(OSError):  # a read-only or full disk: the next one builds
                folder = checkpoint.save_projection(store, index.projection, token)
        finally:
            with index.lock:  # derived data built meanwhile is saved beside it now
                index.folder, hooks, index.when_saved = folder, index.when_saved or [], None
        for hook in hooks if folder is not None else ():
            hook()

    index.when_saved = []
    # Readers need not wait for the files; a process that ends waits for them (not a daemon).
    threading.Thread(target=save, name="govgraph-save-projection").start()
    return index
