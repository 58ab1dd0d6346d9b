"""events: the timeline of decisions and changes, on the bundled data; and where it shows up."""

from __future__ import annotations

import pytest

from graph.queries.describe import describe
from graph.queries.diff import diff
from graph.queries.events import events
from graph.store import GraphStore
from ontology.errors import InvalidArgument


def ids(answer: dict) -> list[str]:
    return [e["id"] for e in answer["events"]]


def test_timeline_is_oldest_first_with_citations(store: GraphStore) -> None:
    answer = events(store)
    dates = [e["date"] for e in answer["events"]]
    assert dates == sorted(dates)
    first = answer["events"][0]
    assert first["id"] == "ev-rsd-epj-syd-leverandoer-2018"
    assert (first["kind"], first["date"], first["by"]["id"]) == (
        "decision",
        "2018",
        "regionsraadet-rsd",
    )
    assert [a["id"] for a in first["about"]] == ["epj-syd", "systematic"]
    assert any("I 2018 har regionsrådet besluttet" in c["quote"] for c in first["citations"])
    assert "ev-hso-styret-delstrategi-2023" in ids(answer)


def test_period_bounds_take_partial_dates_whole(store: GraphStore) -> None:
    in_2019 = events(store, from_date="2019", to_date="2019")
    assert (in_2019["from"], in_2019["to"]) == ("2019-01-01", "2019-12-31")
    assert set(ids(in_2019)) == {"ev-ds-dannet-2019", "ev-rh-styringsstruktur-2019"}
    assert ids(events(store, to_date="2018")) == [
        "ev-rsd-epj-syd-leverandoer-2018",
        "ev-rsd-ripa-syd-leverandoer-2018",
    ]


def test_subject_takes_what_lies_within_it(store: GraphStore) -> None:
    assert ids(events(store, "EPJ SYD")) == ["ev-rsd-epj-syd-leverandoer-2018"]
    # Both vendor decisions concern systems Region Syddanmark owns.
    assert ids(events(store, "Region Syddanmark")) == [
        "ev-rsd-epj-syd-leverandoer-2018",
        "ev-rsd-ripa-syd-leverandoer-2018",
    ]


def test_nothing_found_says_what_was_searched(store: GraphStore) -> None:
    answer = events(store, "SP", from_date="2030")
    assert answer["events"] == []
    assert answer["message"].startswith("no decision or change about Sundhedsplatformen")
    assert "5 loaded documents" in answer["message"]


def test_bad_arguments(store: GraphStore) -> None:
    with pytest.raises(InvalidArgument) as err:
        events(store, from_date="2019-13")
    assert err.value.argument == "from_date"
    with pytest.raises(InvalidArgument):
        events(store, from_date="2020", to_date="2019")


def test_show_and_diff_list_events(store: GraphStore) -> None:
    shown = describe(store, "DS")
    assert [e["id"] for e in shown["events"]] == [
        "ev-ds-dannet-2019",
        "ev-rh-styringsstruktur-2019",
    ]
    change = diff(store, from_date="2019-11-30", to_date="2020-01-01")
    assert {e["id"] for e in change["events"]} == {
        "ev-ds-dannet-2019",
        "ev-rh-styringsstruktur-2019",
    }
    assert diff(store, from_date="2020-01-01", to_date="2021-01-01")["events"] == []
