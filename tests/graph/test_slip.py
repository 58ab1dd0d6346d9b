"""slip: CPM forward propagation over finish-to-start dependencies with slack and lag."""

from __future__ import annotations

import pytest

from graph.queries.slip import slip
from graph.store import GraphStore
from ontology.errors import InvalidArgument, NotFound
from tests.graph.dependency_fixtures import deps_store


@pytest.fixture(scope="module")
def plan() -> GraphStore:
    return deps_store("deps-plan")


def moved(result: dict) -> dict[str, int]:
    return {m["id"]: m["days"] for m in result["moved"]}


def test_propagation_slack_lag_and_undated(plan: GraphStore) -> None:
    result = slip(plan, "proj-a", days=30)
    # B had 10 days of slack; C follows B with 5 days lag and no slack; D had 61 days;
    # U has no dates and passes the delay on to W.
    assert moved(result) == {"proj-a": 30, "proj-b": 20, "proj-c": 20, "proj-u": 20, "proj-w": 20}
    b = next(m for m in result["moved"] if m["id"] == "proj-b")
    assert (b["planned_start"], b["new_start"]) == ("2024-04-11", "2024-05-01")
    assert (b["planned_end"], b["new_end"]) == ("2024-06-30", "2024-07-20")
    assert b["via"] == "proj-a"
    root = result["moved"][0]
    assert (root["new_start"], root["new_end"]) == ("2024-01-01", "2024-04-30")
    u = next(m for m in result["moved"] if m["id"] == "proj-u")
    assert u["dated"] is False
    absorbed = {a["id"]: (a["pushed"], a["absorbed"], a["slack"]) for a in result["absorbed"]}
    assert absorbed == {"proj-b": (30, 10, 10), "proj-d": (30, 30, 61)}


def test_go_lives_break_and_technical_dependencies_do_not_move(plan: GraphStore) -> None:
    result = slip(plan, "proj-a", days=30)
    broken = {g["id"]: (g["go_live"], g["new_go_live"]) for g in result["go_lives_broken"]}
    assert broken == {
        "proj-a": ("2024-04-01", "2024-05-01"),
        "proj-b": ("2024-07-01", "2024-07-21"),
        "proj-c": ("2024-10-01", "2024-10-21"),
    }
    assert "sys-e" not in moved(result)  # E needs C technically, not finish-to-start


def test_small_slip_fully_absorbed(plan: GraphStore) -> None:
    result = slip(plan, "proj-a", days=10)
    assert moved(result) == {"proj-a": 10}
    assert [g["id"] for g in result["go_lives_broken"]] == ["proj-a"]


def test_zero_days_and_errors(plan: GraphStore) -> None:
    assert moved(slip(plan, "proj-c", days=0)) == {"proj-c": 0}
    with pytest.raises(InvalidArgument):
        slip(plan, "proj-a", days=-1)
    with pytest.raises(NotFound):
        slip(plan, "proj-zzz", days=3)


def test_existing_conflicts_are_reported_not_blamed() -> None:
    from graph.queries.whatif import whatif

    # W starts 2024-08-01; make it follow C (ends 2024-09-30): a conflict already in the plan.
    result = whatif(
        deps_store("deps-plan"),
        [
            {
                "add_dependency": {
                    "dependent": "proj-w",
                    "prerequisite": "proj-c",
                    "type": "finish_to_start",
                }
            },
            {"delay": {"project": "proj-c", "days": 0}},
        ],
        check=False,
    )
    (answer,) = result["slips"]
    assert answer["conflicts"][0]["dependent"]["id"] == "proj-w"
    assert answer["conflicts"][0]["days"] == 61
    assert moved(answer) == {"proj-c": 0}


def test_on_bundled_data(store: GraphStore) -> None:
    result = slip(store, "nsp", days=10)
    assert result["root"]["id"] == "nsp"
    assert all(m["days"] >= 0 for m in result["moved"])
