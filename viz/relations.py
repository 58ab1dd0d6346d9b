"""The graph a picture shows: which entities are nodes and which facts are edges.

Memberships and dependencies are facts between two entities, so they are drawn as edges
(``member_of``, ``depends_on``); mandates, decisions and documents are drawn as nodes.
Citations, periods and ontology terms are never drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import ORG, local_id

_EDGE_FACTS = {"membership", "dependency"}
# Facts of the portfolio model: shown on the portfolio views, not as network nodes.
_EDGE_FACTS |= {"status_report", "milestone", "observation"}

RELATION_NAMES: dict[str, str] = {
    **{pred: key for key, pred in v.RELATION_KEYS.items()},
    v.PART_OF_ORG: "part_of",
    ORG + "unitOf": "part_of",
    v.HOLDER: "held_by",
    v.SCOPE: "scope",
    v.EXCLUDES: "excludes",
    v.GRANTED_BY: "granted_by",
    v.DECIDED_BY: "decided_by",
    v.ABOUT: "about",
    v.RESULTING: "resulting",
    v.ORIGINAL: "original",
    v.PUBLISHER: "publisher",
    v.REPRESENTS: "represents",
}


@dataclass(frozen=True)
class Relation:
    """One edge: ``source -> target`` by ``relation``, from ``predicate`` or from a fact node."""

    source: str
    target: str
    relation: str
    predicate: str | None = None
    fact: str | None = None
    criticality: str | None = None

    def citations(self, index: GovIndex) -> list[dict[str, str]]:
        """The sources of this edge: the relation's own citations, or its fact's."""
        if self.fact is not None:
            return index.citation_dicts(self.fact)
        if self.predicate is None:
            return []
        return index.citation_dicts(self.source, self.predicate, self.target)


def is_drawn(index: GovIndex, iri: str, *, documents: bool = False) -> bool:
    """True for entities drawn as nodes (facts drawn as edges and, unless asked, documents are not)."""
    if not index.is_entity(iri):
        return False
    kind = index.type_name(iri)
    if kind in _EDGE_FACTS:
        return False
    return documents or kind != "document"


def drawn_nodes(
    index: GovIndex, *, documents: bool = False, as_of: date | None = None
) -> list[str]:
    """Every entity drawn as a node (valid at ``as_of`` when given), in a stable order."""
    return sorted(
        iri
        for iri in index.entities()
        if is_drawn(index, iri, documents=documents) and index.valid_at(iri, as_of)
    )


def relations(
    index: GovIndex, nodes: list[str] | set[str], *, as_of: date | None = None
) -> list[Relation]:
    """Every edge between two of ``nodes``: entity links, memberships and dependencies.

    Nothing between two drawn nodes is left out; an edge whose end is not drawn is not an edge
    of this picture.
    """
    drawn = set(nodes)
    found: list[Relation] = []
    for iri in sorted(drawn):
        kind = index.type_name(iri)
        for pred, targets in sorted(index.node(iri).links.items()):
            name = RELATION_NAMES.get(pred)
            if name is None:
                continue
            if pred == v.PART_OF and kind in v.ORGANISATION_TYPES:
                name = "part_of"
            for target in targets:
                if target in drawn:
                    found.append(Relation(iri, target, name, predicate=pred))
    for membership in index.of_type(v.MEMBERSHIP):
        member = index.node(membership).first(v.MEMBER)
        body = index.node(membership).first(v.ORGANIZATION_P)
        if member in drawn and body in drawn and index.valid_at(membership, as_of):
            found.append(Relation(member, body, "member_of", fact=membership))
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if dependent in drawn and prerequisite in drawn and index.valid_at(dep, as_of):
            criticality = (node.first(v.CRITICALITY) or "low").rsplit("/", 1)[-1]
            found.append(
                Relation(dependent, prerequisite, "depends_on", fact=dep, criticality=criticality)
            )
    return found


def relation_between(index: GovIndex, source: str, target: str) -> Relation | None:
    """The strongest-cited relation ``source -> target`` (a dependency first), if any."""
    for rel in relations(index, {source, target}):
        if rel.source == source and rel.target == target and rel.relation == "depends_on":
            return rel
    for rel in relations(index, {source, target}):
        if rel.source == source and rel.target == target:
            return rel
    return None


def short(iri: str) -> str:
    """The node id a page uses for an entity (its local id)."""
    return local_id(iri)
