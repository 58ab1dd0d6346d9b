"""who_decides: on the bundled data (the seeds' cases) and on a hand-made fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.queries.who_decides import action_closure, who_decides
from graph.store import GraphStore
from loaders import load_paths
from ontology.errors import AmbiguousName, InvalidArgument, NotFound

FIXTURE = Path(__file__).parent / "fixtures" / "governance.yaml"


@pytest.fixture(scope="module")
def gov() -> GraphStore:
    store = OxigraphStore()
    load_paths(store, [FIXTURE])
    return store


def ids(items: list[dict]) -> list[str]:
    return [item["id"] for item in items]


# -- bundled data ------------------------------------------------------------------------------


def test_matter_concerning_sp_is_decided_by_dso_not_a_domain_steering_group(
    store: GraphStore,
) -> None:
    answer = who_decides(store, "sp-fokusomraader", action="decide")
    # DSØ twice: over the focus areas themselves, then over SP, which they concern.
    assert ids(answer["deciders"]) == ["dso", "dso"]
    assert [d["mandate"]["id"] for d in answer["deciders"]] == [
        "dso-fokusomraader",
        "dso-prioriterer-sp",
    ]
    decider = answer["deciders"][0]
    assert decider["mandate"]["id"] == "dso-fokusomraader"
    assert "decide" in decider["mandate"]["actions"]
    assert any("DSØ Beslutter" in c["quote"] for c in decider["citations"])
    assert all({"document", "title", "quote"} <= set(c) for c in decider["citations"])
    excluded = {e["id"]: e for e in answer["excluded"]}
    assert "domaenestyregrupperne" in excluded
    reason = excluded["domaenestyregrupperne"]
    assert reason["kind"] == "exclusion"
    assert "Sundhedsplatformen" in reason["reason"]
    assert any("ikke vedrører Sundhedsplatformen" in c["quote"] for c in reason["citations"])
    assert answer["gap"] is False


def test_domain_is_decided_by_the_domain_steering_groups_with_path(store: GraphStore) -> None:
    answer = who_decides(store, "billeddiagnostik", action="decide")
    top = answer["deciders"][0]
    assert top["id"] == "domaenestyregrupperne"
    assert ids(top["path"]) == ["billeddiagnostik", "rh-domaener"]
    assert top["mandate"]["scope"]["id"] == "rh-domaener"
    # Escalation: the domain groups report nowhere; DS granted their mandate, DS reports up.
    assert ids(answer["escalation"]) == ["ds", "koncerndirektionen"]


def test_escalation_of_ds_goes_to_koncerndirektionen(store: GraphStore) -> None:
    answer = who_decides(store, "rh-nye-digitale-tiltag", action="decide")
    assert ids(answer["deciders"]) == ["ds"]
    assert answer["escalation"] == [
        {"id": "koncerndirektionen", "label": "Koncerndirektionen", "via": "org:reportsTo"}
    ]


def test_before_ds_was_formed_ds_is_not_a_decider(store: GraphStore) -> None:
    after = who_decides(store, "rh-nye-digitale-tiltag", as_of="2019-12-01")
    assert "ds" in ids(after["deciders"])
    before = who_decides(store, "rh-nye-digitale-tiltag", as_of="2019-11-30")
    assert "ds" not in ids(before["deciders"])
    assert before["as_of"] == "2019-11-30"
    excluded = {e["id"]: e for e in before["excluded"]}
    assert excluded["ds"]["kind"] == "holder_not_existing"
    assert "2019-12" in excluded["ds"]["reason"]
    assert before["gap"] is True


def test_gap_is_an_answer_with_nearest_bodies(store: GraphStore) -> None:
    # Seed 000 lets the domain steering groups only recommend priorities to the project
    # portfolio; who prioritises it is not stated.
    answer = who_decides(store, "rh-projektportefolje", action="prioritise")
    assert answer["subject"]["id"] == "rh-projektportefolje"
    assert answer["gap"] is True
    assert answer["deciders"] == [] and answer["escalation"] == []
    assert "domaenestyregrupperne" in ids(answer["nearest_bodies"])


def test_json_shape(store: GraphStore) -> None:
    answer = who_decides(store, "DSØ", lang="en")
    assert set(answer) >= {
        "subject",
        "action",
        "as_of",
        "deciders",
        "escalation",
        "excluded",
        "gap",
    }
    for decider in answer["deciders"]:
        assert {"id", "label", "type", "mandate", "path", "citations"} <= set(decider)
        assert {"id", "actions", "scope"} <= set(decider["mandate"])
        assert set(decider["mandate"]["scope"]) == {"id", "label"}
        assert decider["citations"], "every decider carries its mandate's sources"


# -- fixture: precise semantics ---------------------------------------------------------------


def test_most_specific_scope_first(gov: GraphStore) -> None:
    answer = who_decides(gov, "sys-a", as_of="2020-06-01")
    # At equal distance the stronger action first: m-rival-2 decides, m-dom prioritises.
    assert [(d["id"], d["mandate"]["id"], d["distance"]) for d in answer["deciders"]] == [
        ("board-rival", "m-rival-2", 1),
        ("board-dom", "m-dom", 1),
        ("board-org", "m-org", 2),
    ]
    # m-sys only advises: listed apart, never as a decider.
    assert [(d["id"], d["role"]) for d in answer["other_roles"]] == [("board-sys", "advises")]
    assert ids(answer["deciders"][2]["path"]) == ["sys-a", "dom-a", "org-a"]
    assert [p.get("via") for p in answer["deciders"][2]["path"]] == [
        None,
        "gg:inDomain",
        "gg:owner",
    ]


def test_action_implication(gov: GraphStore) -> None:
    # m-org grants decide, which implies approve and prioritise; m-sys only advises.
    approve = who_decides(gov, "sys-a", action="approve", as_of="2022-06-01")
    assert ids(approve["deciders"]) == ["board-new", "board-org"]
    prioritise = who_decides(gov, "sys-a", action="prioritise", as_of="2022-06-01")
    assert ids(prioritise["deciders"]) == ["board-dom", "board-org"]
    advise = who_decides(gov, "sys-a", action="advise", as_of="2022-06-01")
    assert ids(advise["deciders"]) == ["board-sys"]
    assert action_closure(index_of(gov))["decide"] >= {"decide", "prioritise", "approve"}


def test_unknown_action_lists_valid_ones(gov: GraphStore) -> None:
    with pytest.raises(InvalidArgument) as err:
        who_decides(gov, "sys-a", action="rule")
    assert "decide" in str(err.value) and "prioritise" in str(err.value)


def test_exclusion_of_subject_and_of_what_it_concerns(gov: GraphStore) -> None:
    direct = who_decides(gov, "SB", action="decide", as_of="2022-06-01")
    assert "board-org" not in ids(direct["deciders"])
    kinds = {e["mandate"]: (e["id"], e["kind"]) for e in direct["excluded"]}
    assert kinds == {
        "m-org": ("board-org", "exclusion"),
        "m-rival-2": ("board-rival", "not_in_force"),
    }
    concerning = who_decides(gov, "topic-b", action="decide", as_of="2022-06-01")
    assert ids(concerning["deciders"]) == []
    assert concerning["gap"] is True
    assert "board-org" in ids(concerning["excluded"])
    assert "lies within it" in concerning["excluded"][0]["reason"]


def test_validity_of_mandate_and_holder(gov: GraphStore) -> None:
    answer = who_decides(gov, "sys-a", as_of="2020-06-01")
    kinds = {e["mandate"]: e["kind"] for e in answer["excluded"]}
    assert kinds == {"m-new": "holder_not_existing", "m-rival": "not_in_force"}
    assert "board-new" not in ids(answer["deciders"])
    later = who_decides(gov, "sys-a", as_of="2021-03-01")
    assert "board-new" in ids(later["deciders"])


def test_gap_lists_owner_as_nearest_body(gov: GraphStore) -> None:
    assert who_decides(gov, "sys-c")["gap"] is False  # without as_of every mandate counts
    answer = who_decides(gov, "sys-c", as_of="2025-01-01")
    assert answer["gap"] is True
    assert ids(answer["nearest_bodies"]) == ["org-c"]
    assert answer["excluded"][0]["kind"] == "not_in_force"


def test_escalation_is_cycle_safe(gov: GraphStore) -> None:
    answer = who_decides(gov, "sys-a", action="advise")
    assert ids(answer["escalation"]) == ["board-dom", "board-org"]


def test_errors(gov: GraphStore) -> None:
    with pytest.raises(NotFound):
        who_decides(gov, "no-such-thing")
    with pytest.raises(InvalidArgument):
        who_decides(gov, "sys-a", as_of="2020-13")


def test_ambiguous_subject(gov: GraphStore) -> None:
    with pytest.raises(AmbiguousName) as err:
        who_decides(gov, "C")  # System C and Organisation C share the alias
    assert {c.id for c in err.value.candidates} == {"sys-c", "org-c"}
