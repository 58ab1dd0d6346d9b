"""diff: facts valid on one day and not on the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.oxigraph_store import OxigraphStore
from graph.queries.diff import diff
from graph.store import GraphStore
from loaders import load_paths
from ontology.errors import InvalidArgument

FIXTURE = Path(__file__).parent / "fixtures" / "governance.yaml"


@pytest.fixture(scope="module")
def gov() -> GraphStore:
    store = OxigraphStore()
    load_paths(store, [FIXTURE])
    return store


def kinds(items: list[dict]) -> set[tuple[str, str]]:
    return {(i["kind"], i["id"]) for i in items}


def test_added_and_removed(gov: GraphStore) -> None:
    change = diff(gov, from_date="2016-06-01", to_date="2021-06-01")
    assert change["from"] == "2016-06-01" and change["to"] == "2021-06-01"
    assert kinds(change["added"]) == {
        ("body", "board-new"),
        ("membership", "membership-person-x-board-dom"),
        ("mandate", "m-dom"),
        ("mandate", "m-new"),
        ("mandate", "m-rival-2"),
        ("dependency", "dep-a-old"),
    }
    assert kinds(change["removed"]) == {("mandate", "m-rival")}


def test_reverse_swaps_added_and_removed(gov: GraphStore) -> None:
    forward = diff(gov, from_date="2016", to_date="2021-06")
    backward = diff(gov, from_date="2021-06", to_date="2016")
    assert kinds(forward["added"]) == kinds(backward["removed"])
    assert kinds(forward["removed"]) == kinds(backward["added"])


def test_same_day_is_empty(gov: GraphStore) -> None:
    assert diff(gov, from_date="2020-01-01", to_date="2020-01-01")["added"] == []


def test_items_name_their_ends(gov: GraphStore) -> None:
    change = diff(gov, from_date="2019-06-01", to_date="2020-06-01")
    items = {i["id"]: i for i in change["added"]}
    membership = items["membership-person-x-board-dom"]
    assert membership["member"]["id"] == "person-x" and membership["body"]["id"] == "board-dom"
    mandate = items["m-rival-2"]
    assert mandate["holder"]["id"] == "board-rival" and mandate["actions"] == ["decide"]
    dependency = items["dep-a-old"]
    assert dependency["prerequisite"]["id"] == "sys-old"
    assert dependency["criticality"] == "critical"
    assert dependency["valid"] == {"from": "2020", "to": None}


def test_bad_date(gov: GraphStore) -> None:
    with pytest.raises(InvalidArgument):
        diff(gov, from_date="2020-02-30", to_date="2021")


def test_bundled_data_ds_is_added_when_formed(store: GraphStore) -> None:
    change = diff(store, from_date="2019-11-30", to_date="2019-12-01")
    assert ("body", "ds") in kinds(change["added"])
    assert change["removed"] == []
