"""The dependency network of a projection as a networkx graph (for graph algorithms)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ontology import vocab as v
from ontology.terms import local_id

if TYPE_CHECKING:
    import networkx as nx

    from graph.index import GovIndex


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
