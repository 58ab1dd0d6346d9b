"""``milestones``: the milestones due in a period, with their state, slip and followers."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from graph.index import GovIndex, index_of
from graph.portfolio_lookups import lookups, quiet_build
from graph.queries.impact import as_of_day
from graph.queries.portfolio_facts import (
    day_of,
    following,
    iso,
    milestone_dict,
    milestones_by_item,
    prerequisites,
    refs_of,
)
from graph.queries.portfolio_judge import expected_days
from graph.resolve import resolve
from graph.store import GraphStore
from ontology.errors import InvalidArgument
from ontology.terms import local_id


def milestones(
    store: GraphStore,
    *,
    from_date: date | str,
    to_date: date | str,
    body: str | None = None,
    as_of: date | str | None = None,
    lang: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Milestones whose expected date (actual, else forecast, else planned) or planned date
    falls between ``from_date`` and ``to_date`` (both included), earliest first.

    Parameters
    ----------
    store : GraphStore
    from_date, to_date : date or str
        The period (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; a partial ``to_date`` means its
        last day).
    body : str, optional
        Only milestones of the items this body follows up.
    as_of : date or str, optional
        The day the states are judged on (default: today).
    lang : str, optional
        Preferred label language.
    limit, offset : int, optional
        Paging (``page`` in the answer gives the total).

    Returns
    -------
    dict
        ``{from, to, as_of, body, milestones, message, page}``; each milestone ``{id, label, planned,
        forecast, actual, expected, slip_days, state, after, item, followed_by, sources}``,
        ``state`` one of ``achieved``, ``overdue``, ``late``, ``on_track``, ``undated``.

    Raises
    ------
    InvalidArgument
        A bad date. (A period that ends before it starts is empty: ``message`` says so.)
    NotFound, AmbiguousName
        ``body`` names nothing, or several things.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> answer = milestones(deps_store("portfolio"), from_date="2024-06", to_date="2024-12",
    ...                     as_of="2024-05-01")
    >>> [(m["id"], m["state"], m["slip_days"]) for m in answer["milestones"]]
    [('m-a2', 'late', 92), ('m-b1', 'late', 14), ('m-g1', 'on_track', 0)]
    """
    start = as_of_day(from_date, "from")
    end = _last_day(to_date)
    if start is None or end is None:
        raise InvalidArgument("from", "give both --from and --to")
    day = as_of_day(as_of) or date.today()
    index = index_of(store)
    follow = following(index, day)
    chosen = None
    wanted = None
    if body is not None:
        chosen = resolve(index, body)
        wanted = set(follow.items_by_body.get(chosen, []))
    facts = lookups(index)
    whens, at = index.memo(
        f"milestones:by-date:{day}", lambda: quiet_build(lambda: _by_date(index, day))
    )
    first = int(np.searchsorted(whens, start.toordinal(), side="left"))
    last = max(first, int(np.searchsorted(whens, end.toordinal(), side="right")))
    due = at[first:last]
    if wanted is not None:
        units = facts.units
        due = due[np.isin(facts.ms_unit[due], [units[i] for i in wanted if i in units])]
    _, once = np.unique(due, return_index=True)  # a milestone due twice: its earliest date
    due = due[np.sort(once)]
    total = len(due)
    shown = due[offset : offset + limit if limit is not None else None]
    window = [facts.milestone_at(k) for k in shown.tolist()]
    # Each row built once per index, day and language (nested values shared: do not change).
    cache: dict[str, dict[str, Any]] = index.memo(f"milestones:rows:{day}:{lang}", dict)
    refs = refs_of(index, lang)
    rows = []
    for m in window:
        row = cache.get(m.iri)
        if row is None:
            row = milestone_dict(index, m, day, lang, refs=refs)
            row["item"] = refs(m.item)
            row["followed_by"] = [refs(b) for b, _ in follow.bodies_by_item.get(m.item, ())]
            cache[m.iri] = row
        rows.append(dict(row))
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": day.isoformat(),
        "body": index.ref(chosen, lang) if chosen else None,
        "milestones": rows,
        "message": f"the period ends ({end}) before it starts ({start}): nothing is due in it"
        if end < start
        else None,
        "page": {"total": total, "limit": limit, "offset": offset},
    }


def _by_date(index: GovIndex, day: date) -> tuple[np.ndarray, np.ndarray]:
    """``(days, milestones)``: every milestone (:meth:`Lookups.milestone_at`) under its expected
    and its planned day (once if they are one), in order of day, then IRI."""
    facts = lookups(index)
    _, _, expected = expected_days(facts, day.toordinal())
    planned = facts.ms_planned
    k = np.arange(len(planned))
    other = (planned > 0) & (planned != expected)
    whens = np.concatenate([expected[expected > 0], planned[other]])
    at = np.concatenate([k[expected > 0], k[other]])
    order = np.lexsort((facts.ms_rank[at], whens))
    return whens[order], at[order]


def _last_day(value: date | str) -> date | None:
    if isinstance(value, date):
        return value
    day = day_of(str(value))
    if day is None:
        raise InvalidArgument("to", f"{value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    return day


def plan_dates(index: GovIndex, iri: str) -> tuple[date | None, date | None]:
    """The first and last planned milestone dates of an item (``None`` without milestones),
    which ``slip`` uses when the item has no ``planned_start``/``planned_end``."""
    dates = [m.planned for m in milestones_by_item(index).get(iri, ()) if m.planned]
    return (min(dates), max(dates)) if dates else (None, None)


def timeline(
    store: GraphStore,
    body: str | None = None,
    *,
    as_of: date | str | None = None,
    lang: str | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The roadmap of what ``body`` follows (default: every item with milestones): its
    milestones, the arrows between them and the critical chain.

    Arrows: a milestone's ``after`` links, and each critical or high finish-to-start
    dependency between two items, drawn from the prerequisite's last milestone to the
    dependent's first; an item's milestones follow one another. The critical chain runs back from the latest expected milestone,
    each step to the predecessor expected latest (the one that drives it).

    Returns
    -------
    dict
        ``{as_of, total, body, start, end, rows, arrows, critical}``; ``rows`` (at most
        ``limit``, the critical chain's items kept): ``{item, rag,
        milestones}`` in order of first milestone; ``arrows``: ``{from, to, kind, critical}``
        between milestone ids (``kind``: after, dependency, or sequence for two milestones of
        one item on the critical chain); ``critical``: milestone ids along the chain, earliest first.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> t = timeline(deps_store("portfolio"), "psg", as_of="2024-05-01")
    >>> t["critical"]
    ['m-a1', 'm-a2', 'm-b1', 'm-g1']
    """
    from graph.queries.portfolio import judge_items

    day = as_of_day(as_of) or date.today()
    index = index_of(store)
    follow = following(index, day)
    by_item = milestones_by_item(index)
    chosen = resolve(index, body) if body is not None else None
    items = follow.items_by_body.get(chosen, []) if chosen else sorted(by_item)
    items = [i for i in items if by_item.get(i)]
    known = {m.iri: m for i in items for m in by_item[i]}
    preds: dict[str, set[str]] = {m: set() for m in known}
    arrows = []
    for m in known.values():
        for before in m.after:
            if before in known:
                preds[m.iri].add(before)
                arrows.append({"from": before, "to": m.iri, "kind": "after"})
    sequence = []
    for item in items:
        # An item's milestones follow one another: the chain may run through them.
        for first, then in zip(by_item[item], by_item[item][1:], strict=False):
            if first.iri not in preds[then.iri]:
                preds[then.iri].add(first.iri)
                sequence.append({"from": first.iri, "to": then.iri, "kind": "sequence"})
    pres = prerequisites(index, day)
    chosen_items = set(items)
    for item in items:
        for pre, dep in pres.get(item, {}).items():
            if pre in by_item and pre in chosen_items and dep.criticality in ("critical", "high"):
                src, dst = by_item[pre][-1].iri, by_item[item][0].iri
                if src != dst and src not in preds[dst]:
                    preds[dst].add(src)
                    arrows.append({"from": src, "to": dst, "kind": "dependency"})
    critical: list[str] = []
    dated = [m for m in known.values() if m.expected(day)]
    if dated:
        here: str | None = max(dated, key=lambda m: (m.expected(day), m.iri)).iri
        while here is not None and here not in critical:
            critical.append(here)
            options = [known[x] for x in preds.get(here, ()) if known[x].expected(day)]
            here = max(options, key=lambda m: (m.expected(day), m.iri)).iri if options else None
        critical.reverse()
    on_chain = set(zip(critical, critical[1:], strict=False))
    ordered = sorted(
        items,
        key=lambda i: (min((m.planned or m.expected(day) or date.max) for m in by_item[i]), i),
    )
    # Rows on the critical chain first among those cut by ``limit``: the chain stays drawn.
    on_critical = {known[c].item for c in critical}
    if limit is not None and len(ordered) > limit:
        keep = set(sorted(ordered, key=lambda i: i not in on_critical)[:limit])
        ordered = [i for i in ordered if i in keep]
    all_days = [d for i in ordered for m in by_item[i] for d in (m.planned, m.expected(day)) if d]
    rags = judge_items(index, ordered, day)
    rows = [
        {
            "item": index.ref(item, lang),
            "rag": rags[item],
            "milestones": [
                milestone_dict(index, m, day, lang, sources=False) for m in by_item[item]
            ],
        }
        for item in ordered
    ]
    return {
        "as_of": day.isoformat(),
        "total": len(items),
        "body": index.ref(chosen, lang) if chosen else None,
        "start": iso(min(all_days)) if all_days else None,
        "end": iso(max(all_days)) if all_days else None,
        "rows": rows,
        "arrows": [
            {
                "from": local_id(a["from"]),
                "to": local_id(a["to"]),
                "kind": a["kind"],
                "critical": (a["from"], a["to"]) in on_chain,
            }
            for a in arrows
        ]
        + [
            {
                "from": local_id(a["from"]),
                "to": local_id(a["to"]),
                "kind": "sequence",
                "critical": True,
            }
            for a in sequence
            if (a["from"], a["to"]) in on_chain
        ],
        "critical": [local_id(c) for c in critical],
    }
