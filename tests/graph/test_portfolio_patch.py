"""Portfolio and indicator lookups and rows patched after a write (graph.portfolio_patch)
against an index built afresh: random statuses, milestone dates and observed values."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import index as graph_index
from graph import indicator_lookups as indicator_module
from graph import portfolio_lookups as lookups_module
from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from graph.portfolio_lookups import indicator_lookups, lookups
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import RDF_TYPE, Literal, Triple, concept, iri
from tests.graph.test_portfolio_judge import _answers, _day, _triples, item

STATUS = st.sampled_from(["active", "paused", "completed", "cancelled"])
# One write of the sheet: which item's report, its status, the forecast and actual offsets of
# one milestone (None: left out), and one observed value (some not numbers, some absent).
# Mostly the same item and observation again: the writes a patch answers.
write = st.tuples(
    st.sampled_from([0, 0, 0, 1, 2, 3]),
    STATUS,
    st.integers(0, 3),
    st.none() | st.integers(-40, 40),
    st.none() | st.integers(-40, 40),
    st.sampled_from(["1", "2.5", "-3", "1e2"]) | st.none() | st.just("n/a"),
)


def _store(items: list) -> OxigraphStore:
    base = _triples(items, [(0, 1, "critical"), (2, 3, "high")] if len(items) == 4 else [])
    board, mandate = iri("board"), iri("board-follows")
    base += [
        (board, RDF_TYPE, v.ENTITY_CLASSES["body"]),
        (mandate, RDF_TYPE, v.MANDATE),
        (mandate, v.HOLDER, board),
        (mandate, v.ACTION, concept("action", "follow_up")),
        (iri("ind"), RDF_TYPE, p.INDICATOR),
        *((mandate, v.SCOPE, iri(f"i{n}")) for n in range(len(items))),
    ]
    for k in range(3):
        o = iri(f"base-o{k}")
        base += [
            (o, RDF_TYPE, p.OBSERVATION),
            (o, p.IN_DATA_SET, iri("ind")),
            (o, p.REF_PERIOD, Literal(f"2024-0{k + 1}")),
            (o, p.OBS_VALUE, Literal(str(k))),
        ]
    store = OxigraphStore()
    store.replace({"urn:test:base": base})
    return store


def _sheet(items: list, change: tuple) -> list[Triple]:
    """The sheet: a report of its own (newer than the item's), the dates one milestone has
    none of in the base graph, and an observation of its own (its value may be absent or not
    a number). A value is never given twice: which of two counts is not decided here."""
    n, status, m, forecast, actual, value = change
    n %= len(items)
    r, o = iri(f"w-r{n}"), iri("w-o")
    out: list[Triple] = [
        (r, RDF_TYPE, p.STATUS_REPORT),
        (r, p.STATUS_OF, iri(f"i{n}")),
        (r, p.STATUS, concept("status", status)),
        (r, p.REPORT_DATE, _day(-10)),
        (o, RDF_TYPE, p.OBSERVATION),
        (o, p.IN_DATA_SET, iri("ind")),
        (o, p.REF_PERIOD, Literal("2024-06")),
    ]
    if items[n][0]:
        m %= len(items[n][0])
        ms, base = iri(f"i{n}-m{m}"), items[n][0][m]
        for pred, offset, known in (
            (p.FORECAST_DATE, forecast, base[1]),
            (p.ACTUAL_DATE, actual, base[2]),
        ):
            if offset is not None and known is None:
                out.append((ms, pred, _day(offset)))
    if value is not None:
        out.append((o, p.OBS_VALUE, Literal(value)))
    return out


@settings(max_examples=40, deadline=None)
@given(st.lists(item, min_size=4, max_size=4), st.lists(write, min_size=1, max_size=6))
def test_answers_after_random_writes_equal_those_of_an_index_built_afresh(
    items: list, writes: list
) -> None:
    store = _store(items)
    _answers(store)
    for change in writes:
        store.replace({"urn:test:sheet": _sheet(items, change)})
        index_of(store)
        kept = _answers(store)
        graph_index._CACHE.pop(id(store), None)  # forget the index: the next is built afresh
        assert kept == _answers(store)


def test_a_status_or_an_observed_value_is_patched_not_read_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = [([(0, None, None), (30, 50, None)], "active"), ([(10, None, 12)], None)] * 2
    store = _store(items)
    store.replace({"urn:test:sheet": _sheet(items, (0, "active", 0, 40, None, "1"))})
    _answers(store)
    before = lookups(index_of(store)), indicator_lookups(index_of(store))
    built: list[str] = []

    def counting(name: str, real: Any) -> Any:
        def counted(index: object) -> Any:
            built.append(name)
            return real(index)

        return counted

    for module, name in ((lookups_module, "_build"), (indicator_module, "_indicators")):
        monkeypatch.setattr(module, name, counting(name, getattr(module, name)))
    # A status, a milestone's forecast (it has a planned date) and an observed value.
    store.replace({"urn:test:sheet": _sheet(items, (0, "paused", 0, 45, None, "2.5"))})
    after = index_of(store)
    assert built == []  # answered by patches
    assert lookups(after) is not before[0] and indicator_lookups(after) is not before[1]
    report = lookups(after).status_on(iri("i0"), date(2025, 1, 1))
    assert report is not None and report.status == "paused"
    kept = _answers(store)
    graph_index._CACHE.pop(id(store), None)
    assert kept == _answers(store)
