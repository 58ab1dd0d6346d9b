"""Invariants of the dependency queries on random graphs (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.oxigraph_store import OxigraphStore
from graph.queries.chains import critical_chains
from graph.queries.impact import impact
from graph.queries.slip import slip
from ontology import vocab as v
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, concept, iri

RANKS = v.CRITICALITY_RANK
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

edge_lists = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.tuples(
                st.integers(0, n - 1), st.integers(0, n - 1), st.sampled_from(v.CRITICALITIES)
            ),
            max_size=30,
        ),
    )
)


def build(n: int, edges: list[tuple[int, int, str]], kind: str = "technical") -> OxigraphStore:
    triples: list[Triple] = []
    for i in range(n):
        triples += [
            (iri(f"n{i}"), RDF_TYPE, v.ENTITY_CLASSES["system"]),
            (iri(f"n{i}"), v.PREF_LABEL, Literal(f"Node {i}", lang="en")),
        ]
    for k, (a, b, crit) in enumerate(edges):
        dep = iri(f"d{k}")
        triples += [
            (dep, RDF_TYPE, v.DEPENDENCY),
            (dep, v.DEPENDENT, iri(f"n{a}")),
            (dep, v.PREREQUISITE, iri(f"n{b}")),
            (dep, v.DEPENDENCY_TYPE, concept("dependency-type", kind)),
            (dep, v.CRITICALITY, concept("criticality", crit)),
        ]
    store = OxigraphStore()
    store.replace({"urn:test": triples})
    return store


def reference(n: int, edges: list[tuple[int, int, str]], min_rank: int = 0) -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(n))
    for a, b, crit in edges:
        if a != b and RANKS[crit] >= min_rank:
            rank = (
                max(RANKS[crit], graph.edges[f"n{a}", f"n{b}"]["rank"])
                if graph.has_edge(f"n{a}", f"n{b}")
                else RANKS[crit]
            )
            graph.add_edge(f"n{a}", f"n{b}", rank=rank)
    return graph


@SETTINGS
@given(edge_lists, st.data())
def test_impact_is_the_transitive_closure(case: tuple, data: st.DataObject) -> None:
    n, edges = case
    edges = [(a, b, c) for a, b, c in edges if a != b]
    root = f"n{data.draw(st.integers(0, n - 1))}"
    minimum = data.draw(st.sampled_from([None, *v.CRITICALITIES]))
    store = build(n, edges)
    graph = reference(n, edges, RANKS[minimum] if minimum else 0)
    down = impact(store, root, min_criticality=minimum, deciders=False)["impacted"]
    up = impact(store, root, direction="upstream", min_criticality=minimum, deciders=False)
    assert {i["id"] for i in down} == nx.ancestors(graph, root)
    assert {i["id"] for i in up["impacted"]} == nx.descendants(graph, root)
    lengths = nx.single_source_shortest_path_length(graph.reverse(), root)
    for item in down:
        path = item["path"]
        assert path[0] == root and path[-1] == item["id"]
        assert item["distance"] == len(path) - 1 == lengths[item["id"]]
        ranks = [graph.edges[b, a]["rank"] for a, b in zip(path, path[1:], strict=False)]
        assert RANKS[item["criticality"]] == min(ranks)
        best = max(
            min(graph.edges[b, a]["rank"] for a, b in zip(p, p[1:], strict=False))
            for p in nx.all_shortest_paths(graph.reverse(), root, item["id"])
        )
        assert RANKS[item["criticality"]] == best


@SETTINGS
@given(edge_lists)
def test_chains_are_valid_paths(case: tuple) -> None:
    n, edges = case
    edges = [(a, b, c) for a, b, c in edges if a != b]
    store = build(n, edges)
    critical = reference(n, [e for e in edges if e[2] == "critical"])
    result = critical_chains(store, k=n)
    cyclic = {frozenset(s["id"] for s in f["cycle"]) for f in result["cycles"]}
    assert bool(cyclic) == (not nx.is_directed_acyclic_graph(reference(n, edges)))
    for chain in result["chains"]:
        ids = [node["id"] for node in chain["nodes"]]
        assert chain["length"] == len(ids) - 1 >= 1 and chain["weight"] == chain["length"]
        for before, after in zip(ids, ids[1:], strict=False):
            assert critical.has_edge(after, before)
    weights = [chain["weight"] for chain in result["chains"]]
    assert weights == sorted(weights, reverse=True)
    # Without cycles (edges inside a cycle are left out of chains) the top chain is the longest.
    if not cyclic and critical.number_of_edges():
        assert weights[0] == nx.dag_longest_path_length(critical)


@SETTINGS
@given(edge_lists, st.data())
def test_slip_never_moves_anything_earlier(case: tuple, data: st.DataObject) -> None:
    n, edges = case
    edges = [(a, b, c) for a, b, c in edges if a != b]
    store = build(n, edges, kind="finish_to_start")
    triples: list[Triple] = []
    start0 = date(2024, 1, 1)
    for i in range(n):
        if data.draw(st.booleans()):
            start = start0 + timedelta(days=data.draw(st.integers(0, 200)))
            end = start + timedelta(days=data.draw(st.integers(0, 60)))
            triples += [
                (
                    iri(f"n{i}"),
                    v.DATE_KEYS["planned_start"],
                    Literal(start.isoformat(), datatype=XSD + "date"),
                ),
                (
                    iri(f"n{i}"),
                    v.DATE_KEYS["planned_end"],
                    Literal(end.isoformat(), datatype=XSD + "date"),
                ),
            ]
    store.replace({"urn:dates": triples})
    days = data.draw(st.integers(0, 90))
    root = f"n{data.draw(st.integers(0, n - 1))}"
    result = slip(store, root, days=days)
    assert result["moved"][0]["id"] == root and result["moved"][0]["days"] == days
    graph = reference(n, edges)
    reachable = nx.ancestors(graph, root)
    for item in result["moved"][1:]:
        assert 0 < item["days"] <= days
        assert item["id"] in reachable
        if item["planned_start"]:
            assert item["new_start"] >= item["planned_start"]
            assert item["new_end"] >= item["planned_end"]
    for item in result["absorbed"]:
        assert 0 < item["absorbed"] <= item["pushed"]
