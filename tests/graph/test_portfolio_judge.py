"""Red/amber/green judged over arrays (graph.queries.portfolio_judge) against the rules
applied one milestone at a time, and answers after a write against a freshly built index."""

from __future__ import annotations

import json
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from graph import index as graph_index
from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.portfolio_columns import Names
from graph.queries.indicators import indicators
from graph.queries.milestones import milestones, timeline
from graph.queries.portfolio import portfolio
from graph.queries.portfolio_facts import Milestone
from graph.queries.portfolio_judge import Judge
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, concept, iri

BASE = date(2025, 1, 1)
PROJECT = v.ENTITY_CLASSES["project"]
# Days from BASE; the set hits the edges of the rules (a slip of 0, 1, 30 and 31 days).
offsets = st.none() | st.sampled_from([-31, -30, -1, 0, 1, 30, 31]) | st.integers(-60, 60)
milestone_dates = st.tuples(offsets, offsets, offsets)  # planned, forecast, actual
statuses = st.none() | st.sampled_from(["active", "paused", "completed", "cancelled"])
item = st.tuples(st.lists(milestone_dates, max_size=3), statuses)


def _day(offset: int) -> Literal:
    return Literal((BASE + timedelta(days=offset)).isoformat(), datatype=XSD + "date")


def _triples(
    items: list[tuple[list, str | None]], deps: list[tuple[int, int, str]]
) -> list[Triple]:
    out: list[Triple] = []
    for n, (dates, status) in enumerate(items):
        out.append((iri(f"i{n}"), RDF_TYPE, PROJECT))
        for k, when in enumerate(dates):
            m = iri(f"i{n}-m{k}")
            out += [(m, RDF_TYPE, p.MILESTONE), (m, p.MILESTONE_OF, iri(f"i{n}"))]
            for pred, offset in zip(
                (p.PLANNED_DATE, p.FORECAST_DATE, p.ACTUAL_DATE), when, strict=True
            ):
                if offset is not None:
                    out.append((m, pred, _day(offset)))
        if status is not None:
            r = iri(f"i{n}-r")
            out += [
                (r, RDF_TYPE, p.STATUS_REPORT),
                (r, p.STATUS_OF, iri(f"i{n}")),
                (r, p.STATUS, concept("status", status)),
                (r, p.REPORT_DATE, _day(-90)),
            ]
    for k, (a, b, crit) in enumerate(deps):
        d = iri(f"dep{k}")
        out += [
            (d, RDF_TYPE, v.DEPENDENCY),
            (d, v.DEPENDENT, iri(f"i{a}")),
            (d, v.PREREQUISITE, iri(f"i{b}")),
            (d, v.CRITICALITY, concept("criticality", crit)),
        ]
    return out


def _own(milestones: list[Milestone], status: str | None, day: date) -> tuple[str, int]:
    """The rules of docs/portfolio.md, one milestone at a time (the reference)."""
    opened = [m for m in milestones if not m.achieved(day)]
    slip = 0
    for m in opened:
        expected = m.expected(day)
        if expected is not None and m.planned is not None:
            slip = max(slip, (expected - m.planned).days)
    if status == "completed":
        rag = "green"
    elif status in ("cancelled", "retired"):
        rag = "grey"
    elif any(m.overdue(day) for m in opened) or slip >= p.RED_SLIP_DAYS:
        rag = "red"
    elif slip >= p.AMBER_SLIP_DAYS:
        rag = "amber"
    elif not any(m.planned or m.forecast or m.actual for m in milestones):
        rag = "grey"
    else:
        rag = "green"
    if status == "paused" and rag == "green":
        rag = "amber"
    return rag, slip


@settings(max_examples=200, deadline=None)
@given(
    items=st.lists(item, min_size=1, max_size=5),
    deps=st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 4), st.sampled_from(["critical", "high", "low"])
        ),
        max_size=4,
    ),
    today=st.sampled_from([-1, 0, 1, 30]) | st.integers(min_value=-70, max_value=70),
)
def test_the_board_judged_at_once_follows_the_rules_one_item_at_a_time(
    items: list[tuple[list, str | None]], deps: list[tuple[int, int, str]], today: int
) -> None:
    deps = [(a, b, c) for a, b, c in deps if a < len(items) and b < len(items) and a != b]
    day = BASE + timedelta(days=today)
    judge = Judge(GovIndex(_triples(items, deps)), day)
    own = {}
    for n, (dates, status) in enumerate(items):
        ms = []
        for k, when in enumerate(dates):
            planned, forecast, actual = (
                None if x is None else BASE + timedelta(days=x) for x in when
            )
            ms.append(Milestone(iri(f"i{n}-m{k}"), iri(f"i{n}"), planned, forecast, actual, ()))
        own[n] = _own(ms, status, day)
    rags, slips, _ = judge.marks([iri(f"i{n}") for n in range(len(items))])
    for n in range(len(items)):
        # The strongest dependency per pair decides (critical 4, high 3, low 1).
        strongest: dict[int, int] = {}
        for a, b, crit in deps:
            if a == n:
                strongest[b] = max(strongest.get(b, 0), v.CRITICALITY_RANK[crit])
        red_critical = any(rank >= 3 and own[b][0] == "red" for b, rank in strongest.items())
        want = "amber" if own[n][0] == "green" and red_critical else own[n][0]
        assert (rags[n], slips[n]) == (want, own[n][1])
        assert judge.rag(iri(f"i{n}"))[0::2] == (want, own[n][1])


def _answers(store: OxigraphStore) -> str:
    day = "2025-02-01"
    return json.dumps(
        [
            portfolio(store, "board", as_of=day),
            portfolio(store, as_of=day, lang="da"),
            indicators(store, series=True),
            milestones(store, from_date="2024", to_date="2026", as_of=day),
            timeline(store, "board", as_of=day),
        ],
        sort_keys=True,
        default=str,
    )


def test_answers_after_a_write_equal_those_of_an_index_built_afresh() -> None:
    """Whatever the index keeps across a write (lookups declared over the predicates they
    read), the answers after it are those of an index built from the store alone."""
    items: list[tuple[list, str | None]] = [
        ([(0, None, None), (30, 50, None)], "active"),
        ([(10, None, 12)], None),
    ]
    base = _triples(items, [(0, 1, "critical")])
    board, mandate, ind = iri("board"), iri("board-follows"), iri("ind")
    base += [
        (board, RDF_TYPE, v.ENTITY_CLASSES["body"]),
        (mandate, RDF_TYPE, v.MANDATE),
        (mandate, v.HOLDER, board),
        (mandate, v.ACTION, concept("action", "follow_up")),
        (mandate, v.SCOPE, iri("i0")),
        (mandate, v.SCOPE, iri("i1")),
        (ind, RDF_TYPE, p.INDICATOR),
    ]
    store = OxigraphStore()
    store.replace({"urn:test:base": base})

    def sheet(status: str, value: str, forecast: int) -> list[Triple]:
        r, o, m = iri("w-r"), iri("w-o"), iri("i1-m0")
        return [
            (r, RDF_TYPE, p.STATUS_REPORT),
            (r, p.STATUS_OF, iri("i1")),
            (r, p.STATUS, concept("status", status)),
            (r, p.REPORT_DATE, _day(20)),
            (o, RDF_TYPE, p.OBSERVATION),
            (o, p.IN_DATA_SET, ind),
            (o, p.REF_PERIOD, Literal("2025-01")),
            (o, p.OBS_VALUE, Literal(value)),
            (m, p.FORECAST_DATE, _day(forecast)),
        ]

    store.replace({"urn:test:sheet": sheet("active", "1", 20)})
    _answers(store)
    for change in (("paused", "1", 20), ("paused", "2", 20), ("paused", "2", 40)):
        store.replace({"urn:test:sheet": sheet(*change)})
        index_of(store)
        kept = _answers(store)
        graph_index._CACHE.pop(id(store), None)  # forget the index: the next is built afresh
        assert kept == _answers(store)


@settings(max_examples=60, deadline=None)
@given(
    labels=st.lists(
        st.tuples(
            st.integers(0, 79),
            st.sampled_from([v.PREF_LABEL, v.TITLE, v.LABEL]),
            st.sampled_from([None, "da", "nb", "en", "de", "sv"]),
            st.sampled_from(["a", "b", "c"]),
        ),
        max_size=160,
    ),
    lang=st.sampled_from([None, "", "da", "nb", "en", "sv", "fi"]),
)
def test_labels_read_for_a_batch_are_those_read_one_at_a_time(
    labels: list[tuple[int, str, str | None, str]], lang: str | None
) -> None:
    triples: list[Triple] = [(iri(f"x{n}"), RDF_TYPE, PROJECT) for n in range(80)]
    triples += [
        (iri(f"x{n}"), pred, Literal(f"{text}{n}{tag}", lang=tag)) for n, pred, tag, text in labels
    ]
    index = GovIndex(triples)
    names = Names(index, lang)
    everything = [iri(f"x{n}") for n in range(80)] + [iri("not-there")]
    names.prefetch(everything)  # 81 IRIs: read as one batch
    assert [names.label(i) for i in everything] == [index.label(i, lang) for i in everything]
    assert [names.type_name(i) for i in everything] == [index.type_name(i) for i in everything]
