"""``impact``: what is hit if a thing slips or fails (downstream), or what it needs (upstream).

The traversal runs on :class:`DependencyNet`, a compact integer adjacency of the valid
dependencies built once per projection and day, so a query costs one breadth-first search.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.inform import (
    INFORM_RELATIONS,
    SECRETARIAT,
    _bodies_to_inform,
    editorial_notes,
    empty_message,
    inform_relations,
    most_specific_deciders,
)
from graph.resolve import resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import parse_day
from ontology.errors import InvalidArgument
from ontology.terms import concept_slug, local_id

#: A supplier (``gg:vendor``) relation is a dependency whose criticality no source grades.
UNSTATED = 0
__all__ = [
    "INFORM_RELATIONS",
    "SECRETARIAT",
    "_bodies_to_inform",
    "editorial_notes",
    "empty_message",
    "impact",
    "inform_relations",
    "most_specific_deciders",
]

RANK_NAMES = {rank: name for name, rank in v.CRITICALITY_RANK.items()} | {UNSTATED: "unstated"}
_NO_LIMIT = max(v.CRITICALITY_RANK.values()) + 1


def as_of_day(value: date | str | None, argument: str = "as_of") -> date | None:
    """Coerce an ``as_of`` argument (a date, ``YYYY[-MM[-DD]]`` or ``None``) to a day.

    >>> as_of_day("2024-05")
    datetime.date(2024, 5, 1)
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_day(str(value))
    except ValueError as exc:
        raise InvalidArgument(argument, str(exc)) from None


def criticality_rank(value: str | None, argument: str = "min_criticality") -> int:
    """The rank of a criticality name (``None``: no filter, rank 0)."""
    if value is None:
        return 0
    if value not in v.CRITICALITY_RANK:
        raise InvalidArgument(argument, f"{value!r} is not one of {', '.join(v.CRITICALITIES)}")
    return v.CRITICALITY_RANK[value]


@dataclass
class DependencyNet:
    """Valid dependencies as integer adjacency lists (parallel edges collapsed, strongest kept).

    ``prerequisites[i]`` lists ``(j, rank)`` for each thing node ``i`` needs; ``dependents[j]``
    the reverse. ``ids[i]`` is the IRI of node ``i``.
    """

    ids: list[str] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    prerequisites: list[list[tuple[int, int]]] = field(default_factory=list)
    dependents: list[list[tuple[int, int]]] = field(default_factory=list)
    #: ``{id, label, type}`` of node ``i`` per language, filled as queries show nodes
    refs: dict[str | None, list[dict[str, str] | None]] = field(default_factory=dict)

    def ref(self, index: GovIndex, pos: int, lang: str | None) -> dict[str, str]:
        """The ``{id, label, type}`` of node ``pos`` (computed once per language)."""
        refs = self.refs.get(lang)
        if refs is None:
            refs = self.refs[lang] = [None] * len(self.ids)
        ref = refs[pos]
        if ref is None:
            ref = refs[pos] = index.ref(self.ids[pos], lang)
        return ref

    def _node(self, iri: str) -> int:
        pos = self.position.get(iri)
        if pos is None:
            pos = self.position[iri] = len(self.ids)
            self.ids.append(iri)
            self.prerequisites.append([])
            self.dependents.append([])
        return pos

    @classmethod
    def from_edges(cls, edges: Iterable[tuple[str, str, int]]) -> DependencyNet:
        """Build from ``(dependent, prerequisite, rank)`` triples."""
        net = cls()
        strongest: dict[tuple[int, int], int] = {}
        for dependent, prerequisite, rank in edges:
            key = (net._node(dependent), net._node(prerequisite))
            if strongest.get(key, -1) < rank:
                strongest[key] = rank
        for (a, b), rank in strongest.items():
            net.prerequisites[a].append((b, rank))
            net.dependents[b].append((a, rank))
        return net


def dependency_edges(index: GovIndex, as_of: date | None) -> Iterable[tuple[str, str, int]]:
    """``(dependent, prerequisite, rank)`` of every ``gg:Dependency`` valid at ``as_of``.

    A system's supplier (``gg:vendor``) is a prerequisite too, of unstated criticality (rank 0:
    followed unless a minimum criticality is asked for).
    """
    for system in index.into_predicate(v.GG_VENDOR):
        if index.valid_at(system, as_of):
            for vendor in index.out(system, v.GG_VENDOR):
                yield system, vendor, UNSTATED
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if dependent is None or prerequisite is None or not index.valid_at(dep, as_of):
            continue
        rank = v.CRITICALITY_RANK.get(concept_slug(node.first(v.CRITICALITY) or "low"), 1)
        yield dependent, prerequisite, rank


_NETS: weakref.WeakKeyDictionary[GovIndex, dict[date | None, DependencyNet]] = (
    weakref.WeakKeyDictionary()
)


def dependency_net(index: GovIndex, as_of: date | None = None) -> DependencyNet:
    """The :class:`DependencyNet` of ``index`` at ``as_of``, built on first use."""
    nets = _NETS.setdefault(index, {})
    net = nets.get(as_of)
    if net is None:
        net = nets[as_of] = DependencyNet.from_edges(dependency_edges(index, as_of))
    return net


def traverse(
    net: DependencyNet,
    start: int,
    *,
    downstream: bool = True,
    min_rank: int = 0,
    max_depth: int | None = None,
) -> tuple[list[int], dict[int, int], dict[int, int], dict[int, int]]:
    """Breadth-first search from ``start``: ``(order, distance, parent, weakest rank)``.

    Among the shortest paths to a node, the parent kept is the one whose weakest dependency is
    strongest, so the reported criticality is the best a shortest chain can show.
    """
    adjacency = net.dependents if downstream else net.prerequisites
    distance = {start: 0}
    parent: dict[int, int] = {}
    weakest = {start: _NO_LIMIT}
    order: list[int] = []
    frontier = [start]
    depth = 0
    while frontier and (max_depth is None or depth < max_depth):
        depth += 1
        following: list[int] = []
        for here in frontier:
            strength = weakest[here]
            for there, rank in adjacency[here]:
                if rank < min_rank:
                    continue
                bottleneck = rank if rank < strength else strength
                seen = distance.get(there)
                if seen is None:
                    distance[there] = depth
                    parent[there] = here
                    weakest[there] = bottleneck
                    following.append(there)
                elif seen == depth and bottleneck > weakest[there]:
                    parent[there] = here
                    weakest[there] = bottleneck
        order.extend(following)
        frontier = following
    return order, distance, parent, weakest


def impact(
    store: GraphStore,
    node: str,
    *,
    direction: str = "downstream",
    max_depth: int | None = None,
    types: Sequence[str] | None = None,
    min_criticality: str | None = None,
    as_of: date | str | None = None,
    lang: str | None = None,
    deciders: bool = True,
) -> dict[str, Any]:
    """What depends on ``node`` (downstream) or what ``node`` needs (upstream), transitively.

    Parameters
    ----------
    store : GraphStore
    node : str
        Id, IRI, label or alias of the thing that slips or fails.
    direction : {"downstream", "upstream"}
        Downstream: everything that depends on ``node`` directly or transitively ("if it slips,
        what is hit"). Upstream: everything ``node`` needs.
    max_depth : int, optional
        Stop after this many dependency hops (no cap by default).
    types : sequence of str, optional
        Report only impacted items of these entity types (``system``, ``project`` ...). The
        traversal still passes through items of other types.
    min_criticality : {"critical", "high", "medium", "low"}, optional
        Follow only dependencies at least this critical.
    as_of : date or str, optional
        Use only the dependencies valid on that day.
    lang : str, optional
        Preferred label language.
    deciders : bool
        Also ask ``who_decides`` for the most specific decider of each impacted item (one
        query per item); ``False`` keeps only owners, operators and steering bodies.

    Returns
    -------
    dict
        ``{root, direction, as_of, impacted, bodies_to_inform}`` (and ``message`` when nothing
        is impacted: what was searched). Each impacted item has
        ``id, label, type, distance`` (hops), ``path`` (ids from the root to the item, one
        shortest explaining path) and ``criticality`` (the weakest dependency along that path;
        of the shortest paths, the one whose weakest link is strongest; ``unstated`` when a
        supplier relation is on it). ``editorial`` lists what the editor added to the last
        dependency on that path without a quote (e.g. its criticality grade). Items are ordered
        by distance, then id.
        ``bodies_to_inform`` lists ``{id, label, type, roles, for, reasons}`` for the root and
        every impacted item: owners, operators, suppliers, governing bodies, the most specific
        decider and its secretariat; each reason is ``{reason, item, citations}`` (``via``: the
        decider a secretariat serves).

    Raises
    ------
    NotFound, AmbiguousName
        ``node`` names nothing or several things.
    InvalidArgument
        A bad direction, depth, type, criticality or date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> result = impact(deps_store(), "nsp")
    >>> [(i["id"], i["distance"], i["criticality"]) for i in result["impacted"]]
    [('fmk', 1, 'critical'), ('epj', 2, 'high'), ('portal', 2, 'critical'), ('archive', 3, 'low')]
    >>> result["impacted"][1]["path"]
    ['nsp', 'fmk', 'epj']
    """
    native = getattr(store, "native_impact", None)  # the store's own engine (STYLE rule 2)
    if native is not None:
        answer = native(
            node,
            direction=direction,
            max_depth=max_depth,
            types=types,
            min_criticality=min_criticality,
            as_of=as_of,
            lang=lang,
            deciders=deciders,
        )
        if answer is not None:
            return answer
    if direction not in ("downstream", "upstream"):
        raise InvalidArgument("direction", "use downstream or upstream")
    if max_depth is not None and max_depth < 1:
        raise InvalidArgument("max_depth", "must be at least 1")
    for kind in types or ():
        if kind not in v.ENTITY_CLASSES:
            raise InvalidArgument("types", f"{kind!r} is not one of {', '.join(v.ENTITY_CLASSES)}")
    min_rank = criticality_rank(min_criticality)
    day = as_of_day(as_of)
    index = index_of(store)
    named = resolve_match(index, node, purpose="impact")
    root = named.iri
    net = dependency_net(index, day)
    hits: list[tuple[dict[str, Any], str]] = []
    start = net.position.get(root)
    if start is not None:
        order, distance, parent, weakest = traverse(
            net, start, downstream=direction == "downstream", min_rank=min_rank, max_depth=max_depth
        )
        ids = net.ids
        paths: dict[int, list[str]] = {start: [local_id(root)]}
        wanted = set(types) if types else None
        # BFS order lists parents before children, so each path extends its parent's.
        for pos in order:
            ref = net.ref(index, pos, lang)
            path = paths[pos] = [*paths[parent[pos]], ref["id"]]
            if wanted is not None and ref["type"] not in wanted:
                continue
            entry = {
                **ref,
                "distance": distance[pos],
                "path": path,
                "criticality": RANK_NAMES[weakest[pos]],
            }
            here, there = ids[pos], ids[parent[pos]]
            edge = (here, there) if direction == "downstream" else (there, here)
            notes = editorial_notes(index).get(edge)
            if notes:
                entry["editorial"] = notes
            hits.append((entry, ids[pos]))
    hits.sort(key=lambda hit: (hit[0]["distance"], hit[0]["id"]))
    impacted = [entry for entry, _ in hits]
    items = [root, *(item for _, item in hits)]
    answer = {
        "root": index.ref(root, lang),
        "direction": direction,
        "as_of": day.isoformat() if day else None,
        "impacted": impacted,
        "bodies_to_inform": _bodies_to_inform(index, items, day, lang, store if deciders else None),
        "also": named.also,
    }
    if not impacted:
        documents = len(index.of_type(v.SOURCE_DOCUMENT))
        answer["message"] = empty_message(index.label(root, lang), direction, documents)
    return answer
