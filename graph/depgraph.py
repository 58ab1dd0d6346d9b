"""The dependency network of a projection as a networkx graph (for graph algorithms), and the
numpy dependency net (:class:`graph.queries.depnet.DependencyNet`) patched after a write."""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from graph.queries.depnet import DependencyNet, spliced
from ontology import vocab as v
from ontology.terms import concept_slug, local_id

if TYPE_CHECKING:
    import networkx as nx

    from graph.index import GovIndex
    from graph.projection_delta import Touched


def dependency_graph(index: GovIndex, as_of: date | None = None) -> nx.DiGraph:
    """Edges dependent -> prerequisite, one per ``gg:Dependency`` valid on ``as_of``
    (the strongest kept when two link the same pair).

    >>> from tests.graph.dependency_fixtures import deps_store
    >>> from graph.index import index_of
    >>> index = index_of(deps_store())
    >>> graph = dependency_graph(index)
    >>> all(data["dependency"] in index for *_, data in graph.edges(data=True))
    True
    >>> graph.number_of_edges() == len(index.of_type(v.DEPENDENCY))
    True
    """
    import networkx as nx

    graph = nx.DiGraph()
    for dep in index.of_type(v.DEPENDENCY):
        if not index.valid_at(dep, as_of):
            continue
        node = index.node(dep)
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


# -- the dependency net after a write ------------------------------------------------------------
_Key = tuple[int, str]
#: nodes whose edges a patched net holds apart (per direction) before it merges them
PATCHED_NODES = 4096
#: nodes a patched net shows afresh (not from the shared ``refs``) before it starts new refs
STALE_REFS = 4096


def patched_net(
    net: DependencyNet, old: GovIndex, new: GovIndex, touched: Touched
) -> DependencyNet | None:
    """The net of today's dependencies (``as_of=None``) of ``new``, made from ``net`` (of
    ``old``) by re-reading only the dependency records a write touched; ``None`` when the
    write touched what this does not patch (suppliers, ``gg:vendor``), or ``net`` is not one
    built from a projection (then the net is built again).

    Each node's edges stay in the order a fresh build gives them (suppliers first, then by the
    IRI of the first dependency linking the pair); a new node is numbered last.
    """
    if v.GG_VENDOR in touched.predicates or net.terms is None:
        return None
    records: set[str] = set()
    for index in (old, new):
        terms = index.projection.terms
        for i in touched.subjects:
            if i < len(terms) and v.DEPENDENCY in index.types_of(terms[i]):
                records.add(terms[i])
    if not records:
        return _shown_afresh(net, new, touched)
    pairs = {edge for index in (old, new) for edge in map(lambda d: _edge_of(index, d), records)}
    pairs.discard(None)
    edit = _NetEdit(net, new)
    for a, b in sorted(p for p in pairs if p is not None):
        if b in new.out(a, v.GG_VENDOR):
            return None
        edit.unlink(a, b)
        linked = edit.link_of(a, b)
        if linked is not None:
            edit.link(a, b, *linked)
    return edit.finish(touched)


def _shown_afresh(net: DependencyNet, index: GovIndex, touched: Touched) -> DependencyNet:
    """``net`` after a write that changed no dependency: the same edges (and their caches),
    the nodes the write touched (a label, a type) shown afresh."""
    touched_nodes = {net.position[i] for i in touched.iris(index.projection) if i in net.position}
    if not touched_nodes:
        return net
    stale = net.stale | touched_nodes
    refs = dict(net.refs)
    if len(stale) > STALE_REFS:
        refs, stale = {}, frozenset()
    fresh = dataclasses.replace(net, refs=refs, stale=stale)
    fresh.lists, fresh.scratch = net.lists, net.scratch  # the same edges: walks share them
    if refs:
        fresh.own_refs = {
            lang: {pos: ref for pos, ref in own.items() if pos not in touched_nodes}
            for lang, own in net.own_refs.items()
        }
    return fresh


def _edge_of(index: GovIndex, dep: str) -> tuple[str, str] | None:
    """``(dependent, prerequisite)`` of the dependency record ``dep`` as the net reads it."""
    if v.DEPENDENCY not in index.types_of(dep):
        return None
    links = index.relations(dep)
    dependent, prerequisite = links.get(v.DEPENDENT), links.get(v.PREREQUISITE)
    if not dependent or not prerequisite:
        return None
    return dependent[0], prerequisite[0]


def _rank_of(index: GovIndex, dep: str) -> int:
    """The criticality rank of ``dep`` as the net reads it (a concept, else a literal)."""
    grade = index.relations(dep).get(v.CRITICALITY)
    rank = (
        v.CRITICALITY_RANK.get(concept_slug(grade[0]), 1)
        if grade
        else v.CRITICALITY_RANK.get("low", 1)
    )
    if not grade:
        text = index.literal(dep, v.CRITICALITY)
        if text is not None:
            rank = v.CRITICALITY_RANK.get(concept_slug(text), 1)
    return rank


class _NetEdit:
    """The edges of a few nodes of a net, edited as lists, then spliced into new arrays."""

    def __init__(self, net: DependencyNet, index: GovIndex) -> None:
        self.net, self.index = net, index
        self.ids = net.ids
        self.position = net.position
        self.added: list[str] = []
        self.up: dict[int, tuple[list[int], list[int]]] = {}  # node -> (to, rank)
        self.down: dict[int, tuple[list[int], list[int]]] = {}

    def _pos(self, iri: str, create: bool) -> int | None:
        found = self.position.get(iri)
        if found is None and create:
            if not self.added:
                self.ids, self.position = list(self.ids), _Positions(self.position)
            found = self.position[iri] = len(self.ids)
            self.ids.append(iri)
            self.added.append(iri)
        return found

    def _list(self, side: str, node: int) -> tuple[list[int], list[int]]:
        lists = self.up if side == "up" else self.down
        found = lists.get(node)
        if found is None:
            found = lists[node] = self.net.edges_of(node, side == "down")
        return found

    def key(self, a: str, b: str) -> _Key:
        """Where the edge ``a -> b`` comes in a fresh build: suppliers first, then by the IRI
        of the first dependency record linking the pair."""
        if b in self.index.out(a, v.GG_VENDOR):
            return (0, "")
        found = self.link_of(a, b)
        return (1, found[1]) if found is not None else (2, "")

    def link_of(self, a: str, b: str) -> tuple[int, str] | None:
        """``(strongest rank, first record)`` of the dependency records linking ``a -> b``."""
        index = self.index
        records = sorted(d for d in index.into(a, v.DEPENDENT) if _edge_of(index, d) == (a, b))
        if not records:
            return None
        return max(_rank_of(index, d) for d in records), records[0]

    def unlink(self, a: str, b: str) -> None:
        pa, pb = self._pos(a, False), self._pos(b, False)
        if pa is None or pb is None:
            return
        for side, here, there in (("up", pa, pb), ("down", pb, pa)):
            to, rank = self._list(side, here)
            if there in to:
                at = to.index(there)
                del to[at], rank[at]

    def link(self, a: str, b: str, rank: int, first: str) -> None:
        pa, pb = self._pos(a, True), self._pos(b, True)
        assert pa is not None and pb is not None
        key = (1, first)
        to, ranks = self._list("up", pa)
        at = bisect.bisect_left(to, key, key=lambda y: self.key(a, self.ids[y]))
        to.insert(at, pb)
        ranks.insert(at, rank)
        to, ranks = self._list("down", pb)
        at = bisect.bisect_left(to, key, key=lambda x: self.key(self.ids[x], b))
        to.insert(at, pa)
        ranks.insert(at, rank)

    def finish(self, touched: Touched) -> DependencyNet:
        net, n = self.net, len(self.ids)
        arrays = {"down": net.base(True), "up": net.base(False)}
        patched = {
            downstream: {**net.patched.get(downstream, {}), **edited}
            for downstream, edited in ((True, self.down), (False, self.up))
        }
        if max(len(p) for p in patched.values()) > PATCHED_NODES:  # merged into new arrays
            for side, downstream, edited in (("down", True, self.down), ("up", False, self.up)):
                arrays[side] = spliced(*net.arrays(downstream), edited, n)
            patched = {}
        terms = net.terms
        if self.added and terms is not None:
            ids = self.index.projection.ids
            extra = np.array([ids[i] for i in self.added], dtype=terms.dtype)
            terms = np.concatenate([terms, extra])
        stale = net.stale.union(
            self.position[i] for i in touched.iris(self.index.projection) if i in self.position
        )
        refs = dict(net.refs)  # the lists shared, the touched nodes' entries not read (stale)
        if len(stale) > STALE_REFS:
            refs, stale = {}, frozenset()
        return DependencyNet(
            ids=self.ids,
            position=self.position,
            down_ptr=arrays["down"][0],
            down_to=arrays["down"][1],
            down_rank=arrays["down"][2],
            up_ptr=arrays["up"][0],
            up_to=arrays["up"][1],
            up_rank=arrays["up"][2],
            terms=terms,
            refs=refs,
            patched=patched,
            stale=stale,
        )


class _Positions(dict[str, int]):
    """A net's IRI -> node position: the positions added by a patch, over the old net's
    (shared, never changed): no copy of a dictionary of every node per write."""

    base: dict[str, int]

    def __init__(self, base: dict[str, int]) -> None:
        super().__init__()
        if isinstance(base, _Positions):
            self.update(base.items_added())
            base = base.base
        self.base = base

    def items_added(self) -> list[tuple[str, int]]:
        return list(super().items())

    def __missing__(self, iri: str) -> int:
        return self.base[iri]

    def get(self, iri: str, default: int | None = None) -> int | None:  # type: ignore[override]
        found = super().get(iri)
        return self.base.get(iri, default) if found is None else found

    def __contains__(self, iri: object) -> bool:
        return super().__contains__(iri) or iri in self.base

    def __len__(self) -> int:
        return len(self.base) + super().__len__()

    def __iter__(self) -> Iterator[str]:
        yield from self.base
        yield from super().__iter__()
