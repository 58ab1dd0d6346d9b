"""slip over milestones: property tests on random milestone plans with ``after`` links."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.oxigraph_store import OxigraphStore
from graph.queries.slip import slip
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, iri

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AS_OF = "2020-01-01"  # before every date: nothing is achieved or overdue
START = date(2024, 1, 1)

plans = st.integers(2, 10).flatmap(
    lambda n: st.tuples(
        st.lists(st.integers(0, 3), min_size=n, max_size=n),  # the item of each milestone
        st.lists(st.integers(0, 300), min_size=n, max_size=n),  # its planned day
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n),
    )
)


def build(items: list[int], days: list[int], after: list[tuple[int, int]]) -> OxigraphStore:
    """Milestone ``m{k}`` of project ``it{items[k]}``, planned ``START + days[k]``;
    ``(a, b)`` in ``after``: ``m{b}`` comes after ``m{a}``."""
    t: list[Triple] = []
    for item in set(items):
        t += [
            (iri(f"it{item}"), RDF_TYPE, v.ENTITY_CLASSES["project"]),
            (iri(f"it{item}"), v.PREF_LABEL, Literal(f"Item {item}", lang="en")),
        ]
    for k, (item, offset) in enumerate(zip(items, days, strict=True)):
        planned = (START + timedelta(days=offset)).isoformat()
        t += [
            (iri(f"m{k}"), RDF_TYPE, p.MILESTONE),
            (iri(f"m{k}"), v.PREF_LABEL, Literal(f"Milestone {k}", lang="en")),
            (iri(f"m{k}"), p.MILESTONE_OF, iri(f"it{item}")),
            (iri(f"m{k}"), p.PLANNED_DATE, Literal(planned, datatype=XSD + "date")),
        ]
    t += [(iri(f"m{b}"), p.AFTER, iri(f"m{a}")) for a, b in after if a != b]
    store = OxigraphStore()
    store.replace({"urn:plan": t})
    return store


def successors(items: list[int], days: list[int], after: list[tuple[int, int]]) -> dict:
    """What each milestone pushes: those recorded after it, and the next of its own item."""
    out: dict[int, set[int]] = {k: set() for k in range(len(items))}
    for a, b in after:
        if a != b:
            out[a].add(b)
    for item in set(items):
        mine = sorted((days[k], f"m{k}", k) for k in range(len(items)) if items[k] == item)
        for (_, _, k), (_, _, then) in zip(mine, mine[1:], strict=False):
            out[k].add(then)
    return out


def reachable(graph: dict[int, set[int]], root: int) -> set[int]:
    seen, frontier = {root}, [root]
    while frontier:
        for nxt in graph[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


@SETTINGS
@given(plan=plans, data=st.data())
def test_a_late_milestone_pushes_only_what_follows_it(plan: tuple, data: st.DataObject) -> None:
    items, days, after = plan
    store = build(items, days, after)
    root = data.draw(st.integers(0, len(items) - 1))
    delay = data.draw(st.integers(1, 120))
    result = slip(store, f"m{root}", days=delay, as_of=AS_OF)
    moved = {int(m["id"][1:]): m for m in result["milestones"]}
    assert moved[root]["days"] == delay
    graph = successors(items, days, after)
    follows = reachable(graph, root)
    for k, m in moved.items():
        assert 0 < m["days"] <= delay  # never earlier, never more than the slip
        assert m["new_expected"] > m["expected"]
        assert k in follows  # unrelated milestones do not move
    # The order the plan gives is kept: a milestone planned after one it follows stays after.
    new = {
        k: START + timedelta(days=days[k]) + timedelta(days=moved[k]["days"] if k in moved else 0)
        for k in range(len(items))
    }
    for a, later in graph.items():
        for b in later:
            if days[b] >= days[a]:
                assert new[b] >= new[a], (a, b)


@SETTINGS
@given(plan=plans, data=st.data())
def test_a_late_item_moves_all_its_open_milestones(plan: tuple, data: st.DataObject) -> None:
    items, days, after = plan
    store = build(items, days, after)
    item = data.draw(st.sampled_from(sorted(set(items))))
    delay = data.draw(st.integers(0, 120))
    result = slip(store, f"it{item}", days=delay, as_of=AS_OF)
    moved = {m["id"]: m["days"] for m in result["milestones"]}
    own = {f"m{k}" for k in range(len(items)) if items[k] == item}
    if delay:
        assert {k: d for k, d in moved.items() if k in own} == dict.fromkeys(own, delay)
    assert all(0 < d <= delay for d in moved.values())
    assert result["moved"][0]["id"] == f"it{item}" and result["moved"][0]["days"] == delay
