"""An in-memory projection of a store: the generic path every query runs on.

Built once from ``store.triples()``; gives typed access (labels, types, validity, citations,
relations both ways) and networkx projections for graph algorithms.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import Period
from ontology.terms import DATA, OWL, RDF, RDF_TYPE, RDFS, SKOS, Literal, Triple, compact, local_id

if TYPE_CHECKING:
    import networkx as nx

T = TypeVar("T")

_GENERIC_TYPES = {
    v.ORGANIZATION: "organisation",
    v.ORG_ROLE: "role",
    SKOS + "Concept": "concept",
}
_HIDDEN_TYPES = {
    v.CITATION,
    v.PERIOD,
    OWL + "Class",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "TransitiveProperty",
    OWL + "Ontology",
    RDFS + "Class",
    SKOS + "ConceptScheme",
    SKOS + "Concept",
    RDF + "Property",
    RDFS + "Datatype",
    OWL + "NamedIndividual",
    OWL + "SymmetricProperty",
    OWL + "FunctionalProperty",
}


@dataclass(frozen=True)
class Citation:
    document: str
    quote: str
    predicate: str | None = None
    object: str | None = None


@dataclass
class Node:
    iri: str
    types: set[str] = field(default_factory=set)
    literals: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def first(self, predicate: str) -> str | None:
        values = self.links.get(predicate) or self.literals.get(predicate)
        return str(values[0]) if values else None


class GovIndex:
    """Everything in a store, indexed for the queries."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        self.nodes: dict[str, Node] = {}
        self.incoming: dict[str, list[tuple[str, str]]] = defaultdict(list)
        self.citations: dict[str, list[Citation]] = defaultdict(list)
        for s, p, o in triples:
            node = self.nodes.get(s)
            if node is None:
                node = self.nodes[s] = Node(s)
            if p == RDF_TYPE and isinstance(o, str):
                node.types.add(o)
            elif isinstance(o, Literal):
                node.literals[p].append(o)
            else:
                node.links[p].append(o)
                self.incoming[o].append((p, s))
        for cite in [n for n in self.nodes.values() if v.CITATION in n.types]:
            about = cite.first(v.CITE_ABOUT)
            doc = cite.first(v.CITE_SOURCE)
            quote = cite.first(v.QUOTE)
            if about and doc and quote is not None:
                self.citations[about].append(
                    Citation(doc, quote, cite.first(v.CITE_PREDICATE), cite.first(v.CITE_OBJECT))
                )
        for cites in self.citations.values():
            # The same order from every store, whatever order its triples come in.
            cites.sort(key=lambda c: (c.document, c.predicate or "", c.object or "", c.quote))
        self._within = self._subproperties(v.WITHIN_SCOPE) | v.WITHIN_SCOPE_PREDICATES
        self._into: dict[str, dict[str, list[str]]] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per index: derived data (closures, lookups) shared by queries."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    @classmethod
    def from_store(cls, store: GraphStore) -> GovIndex:
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
        types = self.node(iri).types
        for cls in sorted(types):
            if cls in v.CLASS_TYPES:
                return v.CLASS_TYPES[cls]
            if cls in v.FACT_TYPES:
                return v.FACT_TYPES[cls]
        for cls in sorted(types):
            if cls in _GENERIC_TYPES:
                return _GENERIC_TYPES[cls]
        return compact(sorted(types)[0]) if types else "unknown"

    def is_entity(self, iri: str) -> bool:
        """True for what users name and look at: not citations, periods or ontology terms."""
        types = self.node(iri).types
        return bool(types) and not types & _HIDDEN_TYPES

    def entities(self) -> Iterator[str]:
        return (iri for iri in self.nodes if self.is_entity(iri))

    def labels(self, iri: str) -> dict[str, str]:
        node = self.node(iri)
        out: dict[str, str] = {}
        for pred in (v.PREF_LABEL, v.TITLE, v.LABEL, v.FOAF_NAME):
            for lit in node.literals.get(pred, []):
                out.setdefault(lit.lang or "", lit.value)
        return out

    def label(self, iri: str, lang: str | None = None) -> str:
        """The label in ``lang`` if there is one, else the original language, else the id."""
        labels = self.labels(iri)
        if lang and lang in labels:
            return labels[lang]
        for choice in ("da", "nb", "", "en", *sorted(labels)):
            if choice in labels:
                return labels[choice]
        return local_id(iri)

    def alt_labels(self, iri: str) -> list[str]:
        return [lit.value for lit in self.node(iri).literals.get(v.ALT_LABEL, [])]

    def ref(self, iri: str, lang: str | None = None) -> dict[str, str]:
        """``{id, label, type}`` as every JSON answer shows an entity."""
        return {"id": local_id(iri), "label": self.label(iri, lang), "type": self.type_name(iri)}

    def period(self, iri: str) -> Period:
        node = self.node(iri)
        period_iri = node.first(v.TEMPORAL) or node.first(v.MEMBER_DURING)
        if period_iri is None:
            return Period()
        period = self.node(period_iri)
        return Period(period.first(v.START_DATE), period.first(v.END_DATE))

    def valid_at(self, iri: str, day: date | None) -> bool:
        return day is None or self.period(iri).contains(day)

    def out(self, iri: str, predicate: str) -> list[str]:
        return list(self.node(iri).links.get(predicate, []))

    def into(self, iri: str, predicate: str) -> list[str]:
        """Subjects with ``predicate`` pointing at ``iri`` (a per-predicate index, built once)."""
        by_target = self._into.get(predicate)
        if by_target is None:
            by_target = defaultdict(list)
            for node in self.nodes.values():
                for target in node.links.get(predicate, ()):
                    by_target[target].append(node.iri)
            self._into[predicate] = by_target
        return list(by_target.get(iri, ()))

    def into_predicate(self, predicate: str) -> list[str]:
        """Subjects that have ``predicate`` at all, sorted."""
        return sorted(n.iri for n in self.nodes.values() if predicate in n.links)

    def of_type(self, cls: str) -> list[str]:
        return sorted(iri for iri, node in self.nodes.items() if cls in node.types)

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
        import networkx as nx

        graph = nx.DiGraph()
        for dep in self.of_type(v.DEPENDENCY):
            if not self.valid_at(dep, as_of):
                continue
            node = self.node(dep)
            dependent = node.first(v.DEPENDENT)
            prerequisite = node.first(v.PREREQUISITE)
            if dependent is None or prerequisite is None:
                continue
            criticality = local_id(node.first(v.CRITICALITY) or "").rsplit("/", 1)[-1] or "low"
            rank = v.CRITICALITY_RANK.get(criticality, 1)
            existing = graph.get_edge_data(dependent, prerequisite)
            if existing is None or existing["rank"] < rank:
                graph.add_edge(
                    dependent,
                    prerequisite,
                    dependency=dep,
                    criticality=criticality,
                    rank=rank,
                    type=(node.first(v.DEPENDENCY_TYPE) or "").rsplit("/", 1)[-1],
                )
        return graph

    def is_data(self, iri: str) -> bool:
        return iri.startswith(DATA)


_CACHE: dict[int, tuple[GraphStore, int, GovIndex]] = {}


def index_of(store: GraphStore) -> GovIndex:
    """The projection of ``store``, rebuilt only when the store has changed since."""
    cached = _CACHE.get(id(store))
    if cached is not None and cached[0] is store and cached[1] == store.generation:
        return cached[2]
    index = GovIndex.from_store(store)
    _CACHE[id(store)] = (store, store.generation, index)
    return index
