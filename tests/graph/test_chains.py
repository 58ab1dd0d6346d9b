"""critical_chains: longest chains of critical dependencies, weights, cycles as findings."""

from __future__ import annotations

import pytest

from graph.index import index_of
from graph.queries.chains import critical_chains
from graph.store import GraphStore
from ontology.errors import InvalidArgument
from ontology.terms import local_id
from tests.graph.dependency_fixtures import deps_store


def chain_ids(result: dict) -> list[list[str]]:
    return [[n["id"] for n in chain["nodes"]] for chain in result["chains"]]


def test_dated_chains_weigh_by_duration_then_hops() -> None:
    result = critical_chains(deps_store())
    assert chain_ids(result) == [
        ["proj-infra", "proj-epj", "proj-portal"],
        ["nsp", "fmk", "portal"],
    ]
    dated, undated = result["chains"]
    # 2024-01-01..06-30 (182) + 2024-07-01..12-31 (184) + 2025-01-01..03-31 (90)
    assert (dated["weight"], dated["unit"], dated["length"], dated["days"]) == (456, "days", 2, 456)
    assert (undated["weight"], undated["unit"], undated["length"]) == (2, "hops", 2)
    assert result["cycles"] == []


def test_high_adds_high_dependencies_and_k_limits() -> None:
    result = critical_chains(deps_store(), min_criticality="high", k=5)
    assert ["nsp", "fmk", "epj"] in chain_ids(result)
    assert len(critical_chains(deps_store(), k=1)["chains"]) == 1


def test_cycle_is_a_finding_with_the_cycle_and_chains_skip_it() -> None:
    result = critical_chains(deps_store("deps-cycle"))
    (finding,) = result["cycles"]
    assert finding["kind"] == "dependency_cycle"
    assert [s["id"] for s in finding["cycle"]] == ["sys-x", "sys-y", "sys-z"]
    assert finding["criticality"] == "high" and finding["severity"] == "warning"
    assert "System X -> System Y -> System Z -> System X" in finding["message"]
    assert chain_ids(result) == [["sys-x", "sys-w"]]


@pytest.mark.parametrize(
    ("kwargs", "argument"), [({"k": 0}, "k"), ({"min_criticality": "huge"}, "min_criticality")]
)
def test_invalid_arguments(kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        critical_chains(deps_store(), **kwargs)
    assert err.value.argument == argument


def test_on_bundled_data(store: GraphStore) -> None:
    result = critical_chains(store, min_criticality="high", k=10)
    edges = {(local_id(a), local_id(b)) for a, b in index_of(store).dependency_graph().edges}
    assert result["chains"], "the bundled data has high or critical dependencies"
    for chain in result["chains"]:
        assert chain["length"] == len(chain["nodes"]) - 1 >= 1
        for before, after in zip(chain["nodes"], chain["nodes"][1:], strict=False):
            assert (after["id"], before["id"]) in edges  # each item needs the one before it
