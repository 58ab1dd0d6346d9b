"""The answers issue 10 found wrong, on the bundled data: each names the body that should be named
and the quote from the seed that supports it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from graph.oxigraph_store import OxigraphStore
from graph.queries.impact import impact
from graph.queries.who_decides import who_decides
from graph.store import GraphStore
from loaders import load_paths
from tests.support import DATA


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [item["id"] for item in items]


def quotes(entry: dict[str, Any]) -> list[str]:
    return [c["quote"] for c in entry["citations"]]


def entry(items: list[dict[str, Any]], body: str, mandate: str | None = None) -> dict[str, Any]:
    found = [
        i for i in items if i["id"] == body and (mandate is None or i["mandate"]["id"] == mandate)
    ]
    assert found, (body, mandate, [(i["id"], i["mandate"]["id"]) for i in items])
    return found[0]


def every_entry(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        *answer["deciders"],
        *answer["other_roles"],
        *answer["within"],
        *answer["other_mandates"],
    ]


# -- who decides -------------------------------------------------------------------------------


def test_who_prioritises_in_region_hovedstaden_names_ds_and_the_domain_groups(
    store: GraphStore,
) -> None:
    answer = who_decides(store, "Region Hovedstaden", action="prioritise")
    assert answer["gap"] is False
    ds = entry(answer["within"], "ds")
    assert ds["role"] == "decides"
    assert (
        "Digital Styregruppe (DS) beslutter og prioriterer nye digitale tiltag i Region "
        "Hovedstaden på et overordnet niveau." in quotes(ds)
    )
    assert ids(ds["path"]) == ["rh-nye-digitale-tiltag", "region-hovedstaden"]
    groups = entry(answer["within"], "domaenestyregrupperne")
    assert "har mandat til at prioritere og træffe beslutninger indenfor domænet" in quotes(groups)
    assert ids(answer["within"]).index("ds") < ids(answer["within"]).index("domaenestyregrupperne")


def test_dso_decides_and_prioritises_for_sp(store: GraphStore) -> None:
    for action in ("decide", "prioritise"):
        answer = who_decides(store, "SP", action=action)
        assert answer["gap"] is False
        dso = answer["deciders"][0]
        assert (dso["id"], dso["mandate"]["id"], dso["role"]) == (
            "dso",
            "dso-prioriterer-sp",
            "decides",
        )
        assert "To beslutningsfora" in quotes(dso)
        assert "Ét sted for strategisk styring af Digitalisering (SP)" in quotes(dso)
        assert (
            "DSØ fastlægger prioritering, ramme og fordeling af opgaver til hospitalerne"
            in quotes(dso)
        )


def test_the_hospitals_prioritising_sp_is_a_recommendation_not_in_force(store: GraphStore) -> None:
    answer = who_decides(store, "SP", action="prioritise")
    assert "hospitalerne" not in ids(answer["deciders"])
    hospitals = entry(answer["other_mandates"], "hospitalerne", "hospitalerne-ansvar-sp")
    assert hospitals["status"] == "recommended"
    assert hospitals["addressee"]["id"] == "hospitalerne"
    assert (
        "Hospitalerne får og skal tage langt større ansvar for prioritering, udvikling og "
        "implementering." in quotes(hospitals)
    )
    assert "Ekspertrådets anbefalinger til hospitalernes implementering af SP" in quotes(hospitals)


def test_dso_does_not_steer_sp_before_december_2019(store: GraphStore) -> None:
    before = who_decides(store, "SP", action="decide", as_of="2019-11")
    assert "dso" not in ids(before["deciders"])
    dso = entry(
        [{**e, "mandate": {"id": e["mandate"]}} for e in before["excluded"]],
        "dso",
        "dso-prioriterer-sp",
    )
    assert dso["kind"] == "holder_not_existing"
    assert "2019-12" in dso["reason"]
    assert (
        "Region Hovedstaden lancerede i december 2019 en ny styringsstruktur for digitalisering "
        "af sundhedsvæsnet." in quotes(dso)
    )
    after = who_decides(store, "SP", action="decide", as_of="2019-12")
    assert ids(after["deciders"]) == ["dso"]


def test_ripa_syd_is_not_answered_by_region_hovedstadens_domain_groups(store: GraphStore) -> None:
    answer = who_decides(store, "RIPA SYD")
    assert "domaenestyregrupperne" not in ids(every_entry(answer))
    assert "koncerndirektionen" not in ids(answer["escalation"])
    council = entry(answer["deciders"], "regionsraadet-rsd")
    assert any("Care-stream skal være leverandør" in q for q in quotes(council))


def test_a_restriction_to_region_hovedstaden_is_honoured() -> None:
    """A system in Region Hovedstaden's imaging domain that Region Syddanmark also owns."""
    extra = Path(__file__).parent / "fixtures" / "shared-imaging-system.yaml"
    store = OxigraphStore()
    load_paths(store, [DATA, extra])
    answer = who_decides(store, "shared-imaging-system", action="decide")
    assert "domaenestyregrupperne" not in ids(answer["deciders"])
    groups = entry(
        [{**e, "mandate": {"id": e["mandate"]}} for e in answer["excluded"]],
        "domaenestyregrupperne",
    )
    assert groups["kind"] == "restriction"
    assert "Region Syddanmark" in groups["reason"]
    assert any("alene vedrører Region Hovedstaden" in q for q in quotes(groups))


def test_a_body_is_not_inside_the_matter_it_concerns(store: GraphStore) -> None:
    answer = who_decides(store, "DSØ")
    assert "dso" not in ids(answer["deciders"])  # never its own decider
    assert "hospitalerne" not in ids(answer["deciders"])
    assert "hospitalerne" not in ids(answer["other_roles"])
    for body in ("SPIF", "Ekspertrådet"):
        about = who_decides(store, body)
        assert all(e["mandate"]["scope"]["id"] != "sp" for e in about["deciders"]), body
        assert about["deciders"] == [] and about["other_roles"] == [], body


def test_the_domain_groups_only_recommend_priorities_to_the_project_portfolio(
    store: GraphStore,
) -> None:
    prioritise = who_decides(store, "rh-projektportefolje", action="prioritise")
    assert "domaenestyregrupperne" not in ids(prioritise["deciders"])
    assert prioritise["gap"] is True  # the seed does not say who prioritises the portfolio
    recommend = who_decides(store, "rh-projektportefolje", action="recommend")
    groups = entry(recommend["deciders"], "domaenestyregrupperne", "domaenestyregrupper-indstiller")
    assert groups["role"] == "advises"
    assert groups["mandate"]["actions"] == ["recommend"]
    assert "indstille prioriteringer til projektporteføljen" in quotes(groups)


def test_advisers_and_implementers_are_never_deciders(store: GraphStore) -> None:
    answer = who_decides(store, "SP")
    assert {d["role"] for d in answer["deciders"]} == {"decides"}
    assert set(ids(answer["deciders"])) == {"dso"}
    roles = {(e["id"], e["role"]) for e in answer["other_roles"]}
    assert ("ekspertraadet", "advises") in roles
    assert ("faglige-fyrtaarne", "advises") in roles
    advisers = entry(answer["other_roles"], "faglige-fyrtaarne")
    assert any("De faglige ”fyrtårne” får indflydelse" in q for q in quotes(advisers))
    decide = who_decides(store, "SP", action="decide")
    assert ids(decide["deciders"]) == ["dso"]


# -- impact ------------------------------------------------------------------------------------


def reasons(answer: dict[str, Any], body: str) -> dict[tuple[str, str], list[str]]:
    found = [b for b in answer["bodies_to_inform"] if b["id"] == body]
    assert found, (body, ids(answer["bodies_to_inform"]))
    return {(r["reason"], r["item"]): quotes(r) for r in found[0]["reasons"]}


def test_a_supplier_slipping_hits_its_system(store: GraphStore) -> None:
    answer = impact(store, "Systematic")
    assert ids(answer["impacted"])[0] == "epj-syd"
    assert answer["impacted"][0]["criticality"] == "unstated"
    owner = reasons(answer, "region-syddanmark")
    assert any("EPJ SYD" in q for q in owner[("owner", "epj-syd")])
    council = reasons(answer, "regionsraadet-rsd")
    assert any(
        "Systematic skal være fremtidig leverandør" in q for q in council[("decider", "epj-syd")]
    )


def test_an_empty_impact_says_what_was_searched_and_names_the_roots_bodies(
    store: GraphStore,
) -> None:
    answer = impact(store, "sundhedsplatformen")
    assert answer["impacted"] == []
    assert answer["message"] == (
        "no dependency on Sundhedsplatformen is recorded in the 5 loaded documents"
    )
    dso = reasons(answer, "dso")
    assert "Ét sted for strategisk styring af Digitalisering (SP)" in dso[("governing_body", "sp")]
    assert "To beslutningsfora" in dso[("decider", "sp")]


def test_the_deciders_secretariat_is_the_contact(store: GraphStore) -> None:
    answer = impact(store, "rh-nye-digitale-tiltag")
    assert "beslutter og prioriterer nye digitale tiltag" in " ".join(
        reasons(answer, "ds")[("decider", "rh-nye-digitale-tiltag")]
    )
    cimt = [b for b in answer["bodies_to_inform"] if b["id"] == "cimt"][0]
    (why,) = cimt["reasons"]
    assert (why["reason"], why["via"]) == ("secretariat", "ds")
    assert any("sekretariatsbetjenes af Center for IT og Medicoteknologi" in q for q in quotes(why))


@pytest.mark.parametrize("name", ["FMK", "NSP", "KIH"])
def test_editorial_abbreviations_still_find_but_are_marked(store: GraphStore, name: str) -> None:
    from graph.queries.describe import describe

    shown = describe(store, name)
    assert name in shown["editorial"]["alt_labels"]


def test_a_forum_of_two_regions_decides_inside_each(store: GraphStore) -> None:
    """DSØ is "i Region Hovedstaden og Region Sjælland" (seed 000): it decides inside both."""
    for region in ("Region Hovedstaden", "Region Sjælland"):
        answer = who_decides(store, region, action="prioritise")
        dso = entry(answer["within"], "dso", "dso-prioriterer-sp")
        assert [p.get("via") for p in dso["path"]][-1] == "org:member"
        assert "To beslutningsfora" in quotes(dso)


def test_a_gap_names_the_bodies_below(store: GraphStore) -> None:
    answer = who_decides(store, "Helse Sør-Øst RHF", action="decide")
    assert answer["gap"] is True  # seed 004 gives no body a mandate to decide
    below = {b["id"]: b["reason"] for b in answer["nearest_bodies"]}
    assert "inside the subject" in below["sykehuspartner"]
    assert "inside the subject" in below["hso-helseforetakene"]
    assert "inside the subject" in below["hso-styret"]
    from graph.queries.describe import describe

    group = describe(store, "hso-foretaksgruppen")
    (up,) = [r for r in group["relations"] if r["target"]["id"] == "helse-sor-ost"]
    assert any("at foretaksgruppen samarbeider" in c["quote"] for c in up["citations"])


def test_a_gap_over_a_body_lists_what_the_body_itself_decides(store: GraphStore) -> None:
    answer = who_decides(store, "DSØ")
    assert answer["gap"] is True  # no seed says who decides over DSØ itself
    held = {h["mandate"]: h for h in answer["held_by_subject"]}
    sp = held["dso-prioriterer-sp"]
    assert sp["role"] == "decides"
    assert "decide" in sp["actions"]
    assert [s["id"] for s in sp["scope"]] == ["sp"]
    # Before DSØ was set up, it held nothing in force.
    assert who_decides(store, "DSØ", as_of="2019-06")["held_by_subject"] == []
    # A matter holds no mandates.
    assert who_decides(store, "SP")["held_by_subject"] == []
