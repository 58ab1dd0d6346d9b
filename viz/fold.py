"""Large pictures: fold nodes into one node per organisation (or domain), counting every edge.

vis-network becomes unusable with physics on at about 1-2k nodes, and users of graph tools
complain most about edges that silently disappear. Above a size, each organisation's nodes
become one group node; an edge inside a group is counted on the group, edges between groups are
merged into one edge that carries their count. No edge is dropped without being counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from graph.index import GovIndex
from ontology import vocab as v
from ontology.terms import ORG
from viz.relations import Relation

# Where a thing belongs, nearest first: containment, ownership, the body a post, mandate or
# membership sits in, then what it is governed by or about.
_HOME_LINKS = (
    v.PART_OF_ORG,
    ORG + "unitOf",
    v.PART_OF,
    v.RELATION_KEYS["owner"],
    v.RELATION_KEYS["post_in"],
    v.HOLDER,
    v.ORGANIZATION_P,
    v.RELATION_KEYS["governed_by"],
    v.RELATION_KEYS["portfolio"],
    v.PUBLISHER,
    v.DECIDED_BY,
    v.RELATION_KEYS["established_by"],
    v.RELATION_KEYS["operator"],
    v.RELATION_KEYS["supports"],
    v.RELATION_KEYS["concerns"],
    v.RELATION_KEYS["domain"],
    v.RELATION_KEYS["delivers"],
    v.SCOPE,
    v.ABOUT,
)
_ORGS = {"organisation", "collaboration"}


def top_organisation(index: GovIndex, iri: str) -> str:
    """Climb ``part of`` from an organisation to the outermost one (a region, an agency)."""
    seen = {iri}
    current = iri
    while True:
        parents = [
            p
            for pred in (v.PART_OF_ORG, v.PART_OF)
            for p in index.out(current, pred)
            if index.type_name(p) in _ORGS and p not in seen
        ]
        if not parents:
            return current
        current = sorted(parents)[0]
        seen.add(current)


def home_of(index: GovIndex, iri: str) -> str | None:
    """The organisation a node belongs to (outermost), else its domain, else ``None``.

    Searches breadth-first along ``_HOME_LINKS`` (and from a person to the bodies it is a
    member of or holds a post in).
    """
    if index.type_name(iri) in _ORGS:
        return top_organisation(index, iri)
    frontier, seen = [iri], {iri}
    while frontier:
        nxt: list[str] = []
        for node in frontier:
            steps = [t for pred in _HOME_LINKS for t in index.out(node, pred)]
            if index.type_name(node) == "person":
                steps += index.into(node, v.MEMBER) + index.into(node, v.RELATION_KEYS["held_by"])
            for step in steps:
                if step in seen:
                    continue
                if index.type_name(step) in _ORGS:
                    return top_organisation(index, step)
                seen.add(step)
                nxt.append(step)
        frontier = nxt
    domains = index.out(iri, v.RELATION_KEYS["domain"])
    return sorted(domains)[0] if domains else None


@dataclass
class Folding:
    """The result of folding: what stays, the groups, and the counts the page reports."""

    nodes: list[str]
    groups: dict[str, list[str]] = field(default_factory=dict)
    edges: list[tuple[str, str, list[Relation]]] = field(default_factory=list)
    inner: dict[str, list[Relation]] = field(default_factory=dict)
    total_nodes: int = 0
    total_edges: int = 0

    @property
    def folded_nodes(self) -> int:
        return sum(len(m) for m in self.groups.values())

    @property
    def folded_edges(self) -> int:
        """Edges not drawn as themselves: inside a group, or merged with others into one."""
        merged = sum(len(rels) for _, _, rels in self.edges if len(rels) > 1)
        return merged + sum(len(r) for r in self.inner.values())

    def counts(self) -> dict[str, int]:
        return {
            "total_nodes": self.total_nodes,
            "total_edges": self.total_edges,
            "nodes": self.folded_nodes,
            "edges": self.folded_edges,
            "clusters": len(self.groups),
        }


def group_key(home: str | None) -> str:
    return f"group:{home or 'other'}"


MORE = "group:more"
"""The group that holds the smallest groups when there are more than ``FOLD_LIMIT``."""
FOLD_LIMIT = 50
"""At most this many nodes (groups and single nodes) in a folded picture."""


def fold(
    index: GovIndex, nodes: list[str], rels: list[Relation], *, fold_above: int | None
) -> Folding:
    """Fold ``nodes`` by organisation/domain when there are more than ``fold_above``.

    Below the limit (or with ``fold_above=None``) every node and edge stays as it is. Above
    it, every home with two or more nodes becomes one group (with more than ``FOLD_LIMIT``
    homes, the smallest go together into one ``MORE`` group); edges are mapped onto the groups:
    those inside a group are counted in ``inner``, those between the same two ends are merged
    into one entry of ``edges`` that keeps every relation it stands for.
    """
    result = Folding(nodes=list(nodes), total_nodes=len(nodes), total_edges=len(rels))
    if fold_above is None or len(nodes) <= fold_above:
        result.edges = [(r.source, r.target, [r]) for r in rels]
        return result
    homes: dict[str, list[str]] = defaultdict(list)
    for iri in nodes:
        homes[group_key(home_of(index, iri))].append(iri)
    if len(homes) > FOLD_LIMIT:
        # the largest groups stay; the smallest go into one "more" group
        by_size = sorted(homes, key=lambda k: (-len(homes[k]), k))
        more = [m for k in by_size[FOLD_LIMIT - 1 :] for m in homes.pop(k)]
        homes[MORE] = more
    where: dict[str, str] = {}
    result.nodes = []
    for key, members in sorted(homes.items()):
        if len(members) == 1:
            result.nodes.append(members[0])
            where[members[0]] = members[0]
        else:
            result.groups[key] = members
            for m in members:
                where[m] = key
    merged: dict[tuple[str, str], list[Relation]] = defaultdict(list)
    for rel in rels:
        a, b = where[rel.source], where[rel.target]
        if a == b and a in result.groups:
            result.inner.setdefault(a, []).append(rel)
        else:
            merged[(a, b)].append(rel)
    result.edges = [(a, b, rs) for (a, b), rs in merged.items()]
    return result
