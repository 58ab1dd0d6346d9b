"""check: consistency findings on a hand-made fixture and on the bundled data."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.oxigraph_store import OxigraphStore
from graph.queries.check import check
from graph.store import GraphStore
from loaders import load_paths
from ontology.errors import InvalidArgument
from tests.support import DATA

FIXTURE = Path(__file__).parent / "fixtures" / "governance.yaml"


@pytest.fixture(scope="module")
def gov() -> GraphStore:
    store = OxigraphStore()
    load_paths(store, [FIXTURE])
    return store


def by_kind(result: dict, kind: str) -> list[list[str]]:
    return [[s["id"] for s in f["subjects"]] for f in result["findings"] if f["kind"] == kind]


def test_finding_shape_and_order(gov: GraphStore) -> None:
    findings = check(gov, documents_dir=DATA)["findings"]
    assert findings
    for f in findings:
        assert set(f) == {"kind", "severity", "subjects", "message"}
        assert f["severity"] in ("error", "warning", "info")
        assert all(set(s) == {"id", "label"} for s in f["subjects"])
    order = ["error", "warning", "info"]
    assert [order.index(f["severity"]) for f in findings] == sorted(
        order.index(f["severity"]) for f in findings
    )


def test_reporting_cycle(gov: GraphStore) -> None:
    result = check(gov, documents_dir=DATA)
    assert by_kind(result, "reporting_cycle") == [["board-dom", "board-org", "board-sys"]]


def test_holder_not_existing_at_mandate_start(gov: GraphStore) -> None:
    assert by_kind(check(gov, documents_dir=DATA), "holder_not_existing") == [
        ["m-new", "board-new"]
    ]


def test_overlapping_mandates_respect_validity_and_implication(gov: GraphStore) -> None:
    result = check(gov, documents_dir=DATA)
    overlaps = by_kind(result, "overlapping_mandates")
    # m-dom (prioritise, 2019-) and m-rival-2 (decide => prioritise, 2020-2021) overlap;
    # m-rival (2015-2018) does not overlap m-dom in time.
    assert ["m-dom", "m-rival-2", "board-dom", "board-rival"] in overlaps
    assert ["m-dom", "m-rival", "board-dom", "board-rival"] not in overlaps
    # Nested scopes: m-org decides over Organisation A, which owns Domain A (issue 10; the
    # old check saw identical scopes only).
    assert ["m-dom", "m-org", "board-dom", "board-org"] in overlaps
    nested = next(
        f for f in result["findings"] if [s["id"] for s in f["subjects"]][:2] == ["m-dom", "m-org"]
    )
    assert nested["severity"] == "warning"
    assert "prioritise over Domain A (within Organisation A)" in nested["message"]
    # As of a day when only one of them is in force there is no overlap.
    early = by_kind(check(gov, as_of="2019-06-01", documents_dir=DATA), "overlapping_mandates")
    assert ["m-dom", "m-rival-2", "board-dom", "board-rival"] not in early


def test_dependency_on_retired_system(gov: GraphStore) -> None:
    result = check(gov, documents_dir=DATA)
    assert by_kind(result, "dependency_on_retired") == [["sys-a", "sys-old", "dep-a-old"]]
    finding = next(f for f in result["findings"] if f["kind"] == "dependency_on_retired")
    assert finding["severity"] == "error"  # critical
    assert (
        by_kind(check(gov, as_of="2019-01-01", documents_dir=DATA), "dependency_on_retired") == []
    )


def test_no_decider_and_bodies_without_members(gov: GraphStore) -> None:
    result = check(gov, as_of="2025-01-01", documents_dir=DATA)
    assert ["sys-c"] in by_kind(result, "no_decider")  # m-later only from 2030
    assert ["sys-old"] in by_kind(result, "no_decider")
    assert ["sys-a"] not in by_kind(result, "no_decider")
    empty = by_kind(result, "body_without_members")
    assert ["board-sys"] in empty
    assert ["board-org"] not in empty  # person-x is a member
    assert ["board-dom"] in empty  # person-x's membership ended in 2022


def test_quote_not_in_seed(gov: GraphStore) -> None:
    result = check(gov, documents_dir=DATA)
    assert by_kind(result, "quote_not_found") == [["sys-old", "doc-fixture"]]
    missing = check(gov, documents_dir=Path("/nonexistent"))
    assert by_kind(missing, "document_missing") == [["doc-fixture"]]
    assert by_kind(missing, "quote_not_found") == []


def test_bad_as_of(gov: GraphStore) -> None:
    with pytest.raises(InvalidArgument):
        check(gov, as_of="yesterday")


def test_bundled_data(store: GraphStore) -> None:
    result = check(store)
    # Every quote in the bundled data is verbatim in its seed.
    assert by_kind(result, "quote_not_found") == []
    assert by_kind(result, "document_missing") == []
    assert by_kind(result, "reporting_cycle") == []
    # DSØ decides and prioritises for SP (seed 000 "To beslutningsfora", seed 002).
    assert ["sp"] not in by_kind(result, "no_decision_mandate")
    # DSØ and the hospitals over SP, through nested scopes; the hospitals' is a recommendation.
    nested = [
        f
        for f in result["findings"]
        if f["kind"] == "overlapping_mandates"
        and {"dso-fokusomraader", "hospitalerne-ansvar-sp"} <= {s["id"] for s in f["subjects"]}
    ]
    assert nested and nested[0]["severity"] == "info"
    assert "(within Sundhedsplatformen)" in nested[0]["message"]
