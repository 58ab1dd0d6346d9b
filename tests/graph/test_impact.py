"""impact: downstream/upstream closure, distances, explaining paths, criticality, filters."""

from __future__ import annotations

import pytest

from graph.index import index_of
from graph.queries.impact import impact
from graph.store import GraphStore
from ontology import vocab as v
from ontology.errors import AmbiguousName, InvalidArgument, NotFound
from ontology.terms import local_id
from tests.graph.dependency_fixtures import deps_store


@pytest.fixture(scope="module")
def deps() -> GraphStore:
    return deps_store()


def ids(result: dict) -> list[str]:
    return [item["id"] for item in result["impacted"]]


def test_downstream_is_everything_that_depends_transitively(deps: GraphStore) -> None:
    result = impact(deps, "nsp")
    assert result["root"] == {"id": "nsp", "label": "National Service Platform", "type": "system"}
    assert result["direction"] == "downstream"
    assert ids(result) == ["fmk", "epj", "portal", "archive"]
    archive = result["impacted"][-1]
    assert archive == {
        "id": "archive",
        "label": "Record Archive",
        "type": "system",
        "distance": 3,
        "path": ["nsp", "fmk", "epj", "archive"],
        "criticality": "low",
    }


def test_upstream_is_everything_needed(deps: GraphStore) -> None:
    result = impact(deps, "Record Archive", direction="upstream")
    assert ids(result) == ["epj", "fmk", "nsp"]
    assert result["impacted"][-1]["path"] == ["archive", "epj", "fmk", "nsp"]


def test_no_depth_cap_by_default_and_max_depth(deps: GraphStore) -> None:
    assert len(impact(deps, "nsp")["impacted"]) == 4
    assert ids(impact(deps, "nsp", max_depth=1)) == ["fmk"]
    assert ids(impact(deps, "nsp", max_depth=2)) == ["fmk", "epj", "portal"]


def test_min_criticality_filters_edges(deps: GraphStore) -> None:
    assert ids(impact(deps, "nsp", min_criticality="critical")) == ["fmk", "portal"]
    assert ids(impact(deps, "nsp", min_criticality="high")) == ["fmk", "epj", "portal"]


def test_types_filter_reports_but_traverses_through(deps: GraphStore) -> None:
    assert ids(impact(deps, "proj-infra", types=["project"])) == ["proj-epj", "proj-portal"]
    assert ids(impact(deps, "nsp", types=["project"])) == []


def test_as_of_drops_dependencies_not_yet_valid(deps: GraphStore) -> None:
    assert "archive" in ids(impact(deps, "epj", as_of="2024-06-01"))
    assert ids(impact(deps, "epj", as_of="2023-12-31")) == []


def test_bodies_to_inform_owners_operators_steering_and_deciders(deps: GraphStore) -> None:
    bodies = {b["id"]: b for b in impact(deps, "nsp")["bodies_to_inform"]}
    assert set(bodies["region-x"]["for"]) == {"epj", "archive"}
    assert "owner" in bodies["region-x"]["roles"]
    assert "governing_body" in bodies["board-x"]["roles"]
    # The root is covered too: whoever runs NSP is told when NSP slips.
    assert bodies["agency-y"]["for"] == ["nsp", "fmk"]
    assert "operator" in bodies["agency-y"]["roles"]
    assert {"reason": "operator", "item": "nsp"} in [
        {k: r[k] for k in ("reason", "item")} for r in bodies["agency-y"]["reasons"]
    ]
    # Council X holds the mandate over the EPJ itself: the most specific decider.
    assert bodies["council-x"] == {**bodies["council-x"], "roles": ["decider"], "for": ["epj"]}
    without = {b["id"] for b in impact(deps, "nsp", deciders=False)["bodies_to_inform"]}
    assert "council-x" not in without


def test_node_without_dependencies(deps: GraphStore) -> None:
    result = impact(deps, "board-x")
    assert result["impacted"] == []
    # Never "nothing depends on it": the answer says what was searched.
    assert result["message"].startswith("no dependency on ")
    assert "loaded documents" in result["message"]


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"max_depth": 0}, "max_depth"),
        ({"types": ["spaceship"]}, "types"),
        ({"min_criticality": "urgent"}, "min_criticality"),
        ({"as_of": "2024-13"}, "as_of"),
    ],
)
def test_invalid_arguments(deps: GraphStore, kwargs: dict, argument: str) -> None:
    with pytest.raises(InvalidArgument) as err:
        impact(deps, "nsp", **kwargs)
    assert err.value.argument == argument


def test_unknown_and_ambiguous_names(deps: GraphStore) -> None:
    with pytest.raises(NotFound):
        impact(deps, "no-such-system")
    with pytest.raises(AmbiguousName):
        impact(deps, "platform")  # an alias of both NSP and the portal


def test_on_bundled_data(store: GraphStore) -> None:
    index = index_of(store)
    deps = index.of_type(v.DEPENDENCY)
    assert deps, "the bundled data records dependencies"
    for dep in deps:
        node = index.node(dep)
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        assert dependent and prerequisite
        down = impact(store, local_id(prerequisite), deciders=False)
        hit = next(i for i in down["impacted"] if i["id"] == local_id(dependent))
        assert hit["distance"] == 1
        up = impact(store, local_id(dependent), direction="upstream", deciders=False)
        assert local_id(prerequisite) in ids(up)


def test_summary_ties_in_iri_order_whatever_the_term_ids() -> None:
    """Owners with as many impacted items each are listed by IRI (term ids differ per store)."""
    from graph.oxigraph_store import OxigraphStore
    from ontology.terms import DATA, RDF_TYPE

    system, owner = v.ENTITY_CLASSES["system"], v.RELATION_KEYS["owner"]
    triples = [(f"{DATA}hub", RDF_TYPE, system)]
    letters = "qwertyuiopasdfgh"
    for n, letter in enumerate(letters):
        item, dep = f"{DATA}item-{letter}", f"{DATA}dep-{letter}"
        triples += [
            (item, RDF_TYPE, system),
            (item, owner, f"{DATA}org-{letter}"),
            (dep, RDF_TYPE, v.DEPENDENCY),
            (dep, v.DEPENDENT, item),
            (dep, v.PREREQUISITE, f"{DATA}hub"),
        ]
        if n % 3 == 0:  # a second item for some owners: counts first, then IRIs
            triples += [
                (f"{item}-2", RDF_TYPE, system),
                (f"{item}-2", owner, f"{DATA}org-{letter}"),
            ]
            triples += [
                (f"{dep}-2", RDF_TYPE, v.DEPENDENCY),
                (f"{dep}-2", v.DEPENDENT, f"{item}-2"),
            ]
            triples += [(f"{dep}-2", v.PREREQUISITE, f"{DATA}hub")]
    store = OxigraphStore()
    store.replace({"urn:govgraph:graph:test/ties": triples})
    summary = impact(store, "hub", deciders=False, limit=5)["summary"]
    listed = [(-o["count"], o["id"]) for o in summary["by_organisation"]]
    assert listed == sorted(listed)
    assert [o["count"] for o in summary["by_organisation"]][:6] == [2] * 6
