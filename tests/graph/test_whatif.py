"""whatif: scenarios applied to a copy; diffs of impact, who-decides and check."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.queries.whatif import load_scenario, whatif
from graph.store import GraphStore
from ontology.errors import InvalidArgument, NotFound, ValidationFailed
from tests.graph.dependency_fixtures import FIXTURES, deps_store


def run(store: GraphStore, *changes: dict, **kwargs: object) -> dict:
    return whatif(store, list(changes), check=False, **kwargs)  # type: ignore[arg-type]


def test_scenario_file_applies_every_change_to_a_copy() -> None:
    store = deps_store()
    before = store.count()
    spec = load_scenario(FIXTURES / "scenario-deps.yaml")
    queries = spec["queries"]
    result = whatif(
        store,
        spec["changes"],
        impact=queries["impact"],
        who_decides=queries["who_decides"],
        check=queries["check"],
    )
    assert store.count() == before  # the original is untouched
    assert len(result["changes"]) == 4
    nsp, infra = result["impact"]
    assert (nsp["node"], nsp["before"], nsp["after"]) == ("nsp", 4, 1)
    assert [i["id"] for i in nsp["removed"]] == ["archive", "epj", "fmk"]
    assert nsp["changed"] == [
        {
            "id": "portal",
            "distance_before": 2,
            "criticality_before": "critical",
            "distance_after": 1,
            "criticality_after": "critical",
        }
    ]
    assert infra["before"] == infra["after"] == 2
    (epj,) = result["who_decides"]
    assert epj["before"] == ["council-x (council-x-decides-epj)", "board-x (board-x-decides)"]
    assert epj["after"] == ["board-x (council-x-decides-epj)", "board-x (board-x-decides)"]
    assert epj["changed"] is True
    (delay,) = result["slips"]
    assert {m["id"]: m["days"] for m in delay["moved"]} == {
        "proj-infra": 14,
        "proj-epj": 14,
        "proj-portal": 14,
    }
    assert result["check"] is None


def test_defaults_follow_the_changes() -> None:
    result = run(
        deps_store(), {"move_mandate": {"mandate": "council-x-decides-epj", "to": "agency-y"}}
    )
    assert result["impact"] == []
    assert [d["subject"] for d in result["who_decides"]] == ["epj"]
    assert result["who_decides"][0]["after"][0] == "agency-y (council-x-decides-epj)"


def test_removed_node_has_no_after() -> None:
    (diff,) = run(deps_store(), {"remove": "epj"})["impact"]
    assert (diff["node"], diff["before"], diff["after"]) == ("epj", 1, None)


def test_remove_dependency_by_id_and_retire() -> None:
    result = whatif(
        deps_store(), [{"remove_dependency": {"id": "dep-archive-epj"}}, {"retire": "nsp"}]
    )
    assert result["impact"][0] == {**result["impact"][0], "node": "epj", "before": 1, "after": 0}
    kinds = {f["kind"] for f in result["check"]["added"]}
    assert "dependency_on_retired" in kinds  # FMK now depends on a retired system


@pytest.mark.parametrize(
    "change",
    [
        {"explode": "nsp"},
        {"remove": "nsp", "retire": "fmk"},
        {"add_dependency": {"dependent": "fmk"}},
        {"add_dependency": {"dependent": "fmk", "prerequisite": "epj", "criticality": "huge"}},
        {"remove_dependency": {"dependent": "nsp", "prerequisite": "fmk"}},
        {"delay": {"project": "proj-infra", "days": -3}},
        {"move_mandate": {"mandate": "nsp", "to": "board-x"}},
        {"merge": {"from": "board-x", "into": "board-x"}},
    ],
)
def test_malformed_changes(change: dict) -> None:
    with pytest.raises(InvalidArgument):
        run(deps_store(), change)


def test_unknown_entity() -> None:
    with pytest.raises(NotFound):
        run(deps_store(), {"remove": "no-such-thing"})


def test_bad_scenario_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    for text in ("changes: [", "remove: x\n", "changes: []\nextra: 1\n"):
        bad.write_text(text)
        with pytest.raises(ValidationFailed):
            load_scenario(bad)
    with pytest.raises(InvalidArgument):
        load_scenario(tmp_path / "missing.yaml")


def test_on_bundled_data(store: GraphStore) -> None:
    spec = load_scenario(FIXTURES / "scenario-bundled.yaml")
    result = whatif(store, spec["changes"], impact=spec["queries"]["impact"], check=True)
    (diff,) = result["impact"]
    assert diff["node"] == "financing-model"
    assert "fmk" in [i["id"] for i in diff["removed"]]
    assert isinstance(result["check"]["added"], list)
