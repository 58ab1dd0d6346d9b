"""Portfolio, milestones, indicators and slip over milestones (issue 16)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.index import GovIndex
from graph.queries.indicators import indicators
from graph.queries.milestones import milestones, timeline
from graph.queries.portfolio import portfolio
from graph.queries.portfolio_facts import Milestone
from graph.queries.portfolio_judge import Judge
from graph.queries.slip import slip
from graph.store import GraphStore
from ontology import portfolio_terms as p
from ontology.errors import InvalidArgument, NotFound
from ontology.terms import RDF_TYPE, XSD, Literal, concept, iri
from tests.graph.dependency_fixtures import deps_store
from tests.support import DATA

DAY = "2024-05-01"


@pytest.fixture(scope="module")
def plan() -> GraphStore:
    return deps_store("portfolio")


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {r["id"]: r for r in rows}


# -- portfolio -----------------------------------------------------------------------------------
def test_board_of_a_body_judges_each_item_from_its_dates(plan: GraphStore) -> None:
    board = portfolio(plan, "Portfolio Group", as_of=DAY)
    items = by_id(board["items"])
    assert set(items) == {"p-alpha", "p-beta", "p-gamma", "p-delta", "p-eps", "init-x"}
    assert items["p-alpha"]["rag"] == "red" and items["p-alpha"]["slip_days"] == 92
    assert items["p-eps"]["rag"] == "red" and "overdue" in items["p-eps"]["rag_reasons"][0]
    assert items["p-beta"]["rag"] == "amber" and items["p-beta"]["slip_days"] == 14
    assert items["p-delta"]["rag"] == "green" and items["p-delta"]["status"]["value"] == "completed"
    assert items["init-x"]["rag"] == "grey"
    assert "no milestone is recorded" in items["init-x"]["gaps"]
    assert board["summary"] == {"red": 2, "amber": 1, "green": 2, "grey": 1}
    assert [i["rag"] for i in board["items"]] == sorted(
        (i["rag"] for i in board["items"]), key=["red", "amber", "green", "grey"].index
    )


def test_status_is_the_newest_report_on_the_day(plan: GraphStore) -> None:
    early = by_id(portfolio(plan, "psg", as_of="2024-02-01")["items"])["p-alpha"]["status"]
    late = by_id(portfolio(plan, "psg", as_of=DAY)["items"])["p-alpha"]["status"]
    assert (early["date"], early["progress"]) == ("2024-01-31", 40.0)
    assert (late["date"], late["progress"], late["phase"]) == ("2024-04-01", 55.0, "build")
    assert late["sources"][0]["quote"] == "Alpha 55 %, building."


def test_next_milestone_and_critical_dependencies(plan: GraphStore) -> None:
    items = by_id(portfolio(plan, "psg", as_of=DAY)["items"])
    assert items["p-alpha"]["next_milestone"]["id"] == "m-a2"  # m-a1 is achieved
    assert items["p-alpha"]["next_milestone"]["expected"] == "2024-09-30"
    needs = items["p-beta"]["critical_dependencies"]
    assert [(d["id"], d["criticality"], d["rag"]) for d in needs] == [
        ("p-alpha", "critical", "red")
    ]


def test_a_red_critical_prerequisite_turns_a_green_item_amber(plan: GraphStore) -> None:
    # On 2024-08-01 Beta has no slip of its own beyond its forecast; Gamma needs Beta (high).
    items = by_id(portfolio(plan, "psg", as_of="2024-10-01")["items"])
    assert items["p-beta"]["rag"] == "red"  # its pilot (15 Sep) passed without an actual date
    assert items["p-gamma"]["rag"] == "amber"
    assert "critical prerequisite is red" in items["p-gamma"]["rag_reasons"][0]


def test_each_late_item_names_the_bodies_to_inform(plan: GraphStore) -> None:
    board = portfolio(plan, "psg", as_of=DAY)
    items = by_id(board["items"])
    assert set(board["late"]) == {"p-alpha", "p-eps", "p-beta"}
    inform = by_id(items["p-alpha"]["inform"])
    assert set(inform) == {"board", "psg"}
    assert {"reason": "follows_up", "item": "p-alpha", "mandate": "board-follows-alpha"} in inform[
        "board"
    ]["reasons"]
    assert any(
        r["reason"] == "follows_dependent" and r["item"] == "p-beta"
        for r in inform["psg"]["reasons"]
    )
    assert items["p-delta"]["inform"] == []


def test_paging_keeps_the_totals(plan: GraphStore) -> None:
    page = portfolio(plan, "psg", as_of=DAY, limit=2, offset=1)
    full = portfolio(plan, "psg", as_of=DAY)
    assert [i["id"] for i in page["items"]] == [i["id"] for i in full["items"][1:3]]
    assert page["page"] == {"total": 6, "limit": 2, "offset": 1}
    assert page["summary"] == full["summary"]


def test_without_a_body_every_following_body_and_the_unfollowed(plan: GraphStore) -> None:
    overview = portfolio(plan, as_of=DAY)
    assert [(b["id"], b["items"]) for b in overview["bodies"]] == [("psg", 6), ("board", 1)]
    assert [u["id"] for u in overview["unfollowed"]] == ["p-orphan"]
    assert "followed up by no body" in overview["message"]


def test_a_body_that_follows_nothing_is_a_gap_not_an_error(plan: GraphStore) -> None:
    answer = portfolio(plan, "g-use", as_of=DAY)
    assert answer["items"] == [] and "follows up nothing" in answer["message"]
    with pytest.raises(NotFound):
        portfolio(plan, "no-such-body")
    with pytest.raises(InvalidArgument):
        portfolio(plan, "psg", as_of="2024-13")


def _milestone_index(planned: date, forecast: date | None, actual: date | None) -> GovIndex:
    m, item = iri("m"), iri("item")
    triples = [
        (item, RDF_TYPE, p.MILESTONE.replace("Milestone", "Project")),
        (m, RDF_TYPE, p.MILESTONE),
        (m, p.MILESTONE_OF, item),
        (m, p.PLANNED_DATE, Literal(planned.isoformat(), datatype=XSD + "date")),
    ]
    for pred, day in ((p.FORECAST_DATE, forecast), (p.ACTUAL_DATE, actual)):
        if day:
            triples.append((m, pred, Literal(day.isoformat(), datatype=XSD + "date")))
    return GovIndex(triples)


days = st.integers(min_value=-200, max_value=200)


@settings(max_examples=150, deadline=None)
@given(
    planned=days,
    forecast=st.none() | days,
    later=st.integers(min_value=0, max_value=120),
    today=days,
)
def test_a_later_forecast_never_improves_the_mark(
    planned: int, forecast: int | None, later: int, today: int
) -> None:
    base = date(2025, 1, 1)
    day = base + timedelta(days=today)
    p_day = base + timedelta(days=planned)
    f_day = base + timedelta(days=forecast) if forecast is not None else None
    moved = (f_day or p_day) + timedelta(days=later)
    order = ["green", "amber", "red"]
    before = Judge(_milestone_index(p_day, f_day, None), day).rag(iri("item"))
    after = Judge(_milestone_index(p_day, moved, None), day).rag(iri("item"))
    assert after[2] >= before[2]  # slip days never shrink
    was_overdue = Milestone(iri("m"), iri("item"), p_day, f_day, None, ()).overdue(day)
    if not was_overdue:
        # Re-forecasting an overdue milestone may turn red into amber (the plan is current
        # again); otherwise a later forecast never improves the mark.
        assert order.index(after[0]) >= order.index(before[0])
    # The documented rule, restated: red when overdue or 31+ days late, amber when 1-30.
    m = Milestone(iri("m"), iri("item"), p_day, moved, None, ())
    expected = (
        "red"
        if m.overdue(day) or (m.slip(day) or 0) >= 31
        else "amber"
        if (m.slip(day) or 0) >= 1
        else "green"
    )
    assert after[0] == expected


# -- milestones and the timeline -------------------------------------------------------------------
def test_milestones_in_a_period_with_state_and_followers(plan: GraphStore) -> None:
    answer = milestones(plan, from_date="2024-01", to_date="2024-04", as_of=DAY)
    rows = by_id(answer["milestones"])
    assert list(rows) == ["m-d1", "m-a1", "m-e1"]
    assert rows["m-a1"]["state"] == "achieved" and rows["m-a1"]["slip_days"] == 9
    assert rows["m-e1"]["state"] == "overdue"
    assert [b["id"] for b in rows["m-a1"]["followed_by"]] == ["board", "psg"]
    only_board = milestones(plan, from_date="2024", to_date="2024", body="board", as_of=DAY)
    assert [m["id"] for m in only_board["milestones"]] == ["m-a1", "m-a2"]
    backwards = milestones(plan, from_date="2024-05", to_date="2024-01")
    assert backwards["milestones"] == [] and "ends" in backwards["message"]
    with pytest.raises(InvalidArgument):
        milestones(plan, from_date="2024-13", to_date="2025")


def test_timeline_arrows_and_critical_chain(plan: GraphStore) -> None:
    answer = timeline(plan, "psg", as_of=DAY)
    arrows = {(a["from"], a["to"], a["kind"]) for a in answer["arrows"]}
    assert ("m-a2", "m-b1", "after") in arrows and ("m-b1", "m-g1", "after") in arrows
    assert answer["critical"] == ["m-a1", "m-a2", "m-b1", "m-g1"]
    assert all(a["critical"] for a in answer["arrows"] if a["kind"] == "after")
    assert [r["item"]["id"] for r in answer["rows"]][0] == "p-delta"


# -- slip over milestones --------------------------------------------------------------------------
def test_slip_reads_milestone_dates_and_moves_open_milestones(plan: GraphStore) -> None:
    result = slip(plan, "p-alpha", days=100, as_of=DAY)
    moved = by_id(result["moved"])
    assert moved["p-alpha"]["planned_end"] == "2024-06-30"  # its last planned milestone
    assert moved["p-alpha"]["milestones"] == [
        {
            "id": "m-a2",
            "label": "Alpha live",
            "planned": "2024-06-30",
            "expected": "2024-09-30",
            "new_expected": "2025-01-08",
            "days": 100,
            "via": None,
        }
    ]
    # Beta starts (first milestone) 2024-09-01: 62 days of slack absorb part of the 100 on the
    # dependency; but its pilot comes after Alpha live and is already forecast 15 days before
    # it, so the pilot (and Beta's end) move the full 100 days.
    beta = moved["p-beta"]
    assert (beta["days"], beta["new_start"]) == (100, "2024-10-09")
    assert beta["via"] == "p-alpha"
    assert beta["milestones"][0]["new_expected"] == "2024-12-24"
    assert beta["milestones"][0]["via"] == "m-a2"
    (order,) = [c for c in result["conflicts"] if c.get("milestone")]
    assert (order["milestone"]["id"], order["after"]["id"], order["days"]) == ("m-b1", "m-a2", 15)
    assert [b["id"] for b in beta["inform"]] == ["psg"]


# -- indicators ------------------------------------------------------------------------------------
def test_indicator_latest_trend_and_distance(plan: GraphStore) -> None:
    rows = by_id(indicators(plan)["indicators"])
    uptake, downtime = rows["ind-uptake"], rows["ind-downtime"]
    assert uptake["latest"]["value"] == 70 and uptake["latest"]["period"] == "2024-06"
    assert (uptake["trend"], uptake["judgement"], uptake["change"]) == ("up", "improving", 10)
    assert uptake["distance_to_target"] == {"value": 20, "met": False}
    assert (downtime["trend"], downtime["judgement"]) == ("up", "worsening")
    assert downtime["distance_to_target"] == {"value": 25, "met": False}  # 35 h, target 10 h
    assert downtime["unit"] == "hours" and downtime["direction"] == "lower_is_better"
    assert "no owner is recorded" in downtime["gaps"]
    assert rows["ind-family"]["count"] == 3 and rows["ind-family"]["latest"] is None


def test_indicators_as_of_and_by_subject(plan: GraphStore) -> None:
    early = by_id(indicators(plan, as_of="2024-03-01", series=True)["indicators"])["ind-uptake"]
    assert early["latest"]["value"] == 60 and [s["value"] for s in early["series"]] == [50, 60]
    assert [i["id"] for i in indicators(plan, "psg")["indicators"]] == ["ind-uptake"]  # owner
    assert [i["id"] for i in indicators(plan, "p-alpha")["indicators"]] == ["ind-downtime"]
    assert [i["id"] for i in indicators(plan, "ind-uptake")["indicators"]] == ["ind-uptake"]
    none = indicators(plan, "p-orphan")
    assert none["indicators"] == [] and "no indicator" in none["message"]


# -- the bundled data: what the seeds say, nothing more ---------------------------------------------
def _seed_text() -> str:
    text = " ".join(path.read_text(encoding="utf-8") for path in (DATA / "seeds").glob("*.txt"))
    return re.sub(r"\s+", " ", text)


def test_bundled_indicator_families_quote_the_seeds_and_invent_no_value(store: GraphStore) -> None:
    answer = indicators(store)
    rows = by_id(answer["indicators"])
    assert {
        "ind-regionale-it-anvendelse",
        "ind-kommunikationsaftaler",
        "ind-nationale-loesninger",
        "ind-hso-maalbare-resultater",
    } <= set(rows)
    assert rows["ind-regionale-it-anvendelse"]["count"] == 5
    assert rows["ind-kommunikationsaftaler"]["count"] == 4
    assert [m["id"] for m in rows["ind-hso-maalbare-resultater"]["measures"]] == [
        "hso-strategiske-maal"
    ]
    seeds = _seed_text()
    for row in answer["indicators"]:
        assert row["latest"] is None and row["target"] is None and row["unit"] is None
        for source in row["sources"]:
            assert re.sub(r"\s+", " ", source["quote"]) in seeds


def test_bundled_portfolio_of_the_steering_group_shows_gaps(store: GraphStore) -> None:
    board = portfolio(store, "portfolio-steering-group")
    assert {i["id"] for i in board["items"]} == {
        "project-fmk", "project-medcom-standarder", "project-nsp", "project-kih", "project-sundhedsjournalen"
    }  # fmt: skip
    assert all(i["rag"] == "grey" and i["status"] is None for i in board["items"])
    national = by_id(portfolio(store, "national-board-health-it", as_of="2020-01-01")["items"])
    assert "fo5-portefoljeoverblik" in national
    assert national["financing-model"]["status"]["value"] == "active"
    overview = portfolio(store)
    assert "rsd-init-portefoljestyring" in {u["id"] for u in overview["unfollowed"]}


def test_bundled_data_file_has_no_observation_or_milestone() -> None:
    text = (DATA / "portfolio.yaml").read_text(encoding="utf-8")
    assert "\nobservations:" not in text and "\nmilestones:" not in text


def test_example_file_marks_every_record_as_invented() -> None:
    path = Path(__file__).resolve().parents[2] / "docs" / "examples" / "portfolio-example.yaml"
    text = path.read_text(encoding="utf-8")
    records = [line for line in text.splitlines() if line.startswith("  - {")]
    assert len(records) > 300
    assert all("doc-example-portfolio" in line for line in records)
    assert "INVENTED EXAMPLE DATA" in text


def test_timeline_limit_keeps_the_critical_chain(plan: GraphStore) -> None:
    answer = timeline(plan, "psg", as_of=DAY, limit=3)
    assert answer["total"] == 5
    assert [r["item"]["id"] for r in answer["rows"]] == ["p-alpha", "p-beta", "p-gamma"]


def test_a_recommended_follow_up_mandate_follows_nothing(tmp_path: Path) -> None:
    store = deps_store("portfolio")
    extra = tmp_path / "recommended.yaml"
    extra.write_text(
        "mandates:\n"
        "  - {id: board-should-follow-orphan, holder: board, actions: [follow_up], scope: [p-orphan],\n"
        '     status: recommended, addressee: board, sources: [{doc: doc-plan, quote: "The board should follow it."}]}\n',
        encoding="utf-8",
    )
    from loaders import load_paths

    load_paths(store, [extra])
    assert [u["id"] for u in portfolio(store, as_of=DAY)["unfollowed"]] == ["p-orphan"]


def test_kept_answers_follow_writes_and_callers_cannot_spoil_them() -> None:
    store = deps_store("portfolio")
    first = portfolio(store, "psg", as_of=DAY)
    first["items"].clear()  # a caller changing its own copy of the answer
    first["summary"] = {}
    again = portfolio(store, "psg", as_of=DAY)
    assert len(again["items"]) == again["page"]["total"] > 0 and again["summary"]["red"] == 2
    alpha = by_id(again["items"])["p-alpha"]
    assert alpha["status"]["progress"] == 55
    report = iri("rep-alpha-later")
    store.replace(
        {
            "urn:test:later": [
                (report, RDF_TYPE, p.STATUS_REPORT),
                (report, p.STATUS_OF, iri("p-alpha")),
                (report, p.STATUS, concept("status", "completed")),
                (report, p.REPORT_DATE, Literal("2024-04-20", datatype=XSD + "date")),
                (report, p.PROGRESS, Literal("100", datatype=XSD + "decimal")),
            ]
        }
    )
    after = by_id(portfolio(store, "psg", as_of=DAY)["items"])["p-alpha"]
    assert (after["status"]["value"], after["status"]["progress"], after["rag"]) == (
        "completed",
        100,
        "green",
    )
