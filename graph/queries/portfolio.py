"""``portfolio``: what a steering body follows, with status, next milestone, slip, critical
dependencies, red/amber/green and whom to inform about each late item.

Red, amber, green (``rag``), judged on ``as_of`` (docs/queries.md, "Red, amber, green"):

- ``green``: completed; or every open milestone expected on or before its planned date.
- ``amber``: an open milestone expected 1-30 days after its planned date; or the item is
  paused; or a critical/high prerequisite is red.
- ``red``: an open milestone overdue (its date passed without an actual date) or expected 31
  days or more after its planned date.
- ``grey``: no dated milestone (nothing to judge: a gap, shown as such); also cancelled and
  retired items.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from graph.index import GovIndex, index_of
from graph.portfolio_lookups import STRUCTURE_READS, quiet_build
from graph.portfolio_patch import STRUCTURE_CLASSES, changed_reads
from graph.queries.impact import as_of_day
from graph.queries.portfolio_facts import (
    Following,
    citations,
    following,
    iso,
    label,
    milestone_dict,
    names,
    ref,
    refs_of,
)
from graph.queries.portfolio_judge import RAG_ORDER, Judge
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import local_id


def _inform(
    index: GovIndex, judge: Judge, follow: Following, item: str, lang: str | None
) -> list[dict[str, Any]]:
    """Bodies to tell that ``item`` is late: those that follow it up, and those that follow
    up the items that depend on it (with the item each reason comes from)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for body, mandate in follow.bodies_by_item.get(item, ()):
        found.setdefault(body, []).append(
            {"reason": "follows_up", "item": local_id(item), "mandate": local_id(mandate)}
        )
    for dependent in judge.dependents.get(item, ()):
        for body, mandate in follow.bodies_by_item.get(dependent, ()):
            reasons = found.setdefault(body, [])
            if not any(r["item"] == local_id(dependent) for r in reasons):
                reasons.append(
                    {
                        "reason": "follows_dependent",
                        "item": local_id(dependent),
                        "mandate": local_id(mandate),
                    }
                )
    return [{**ref(index, b, lang), "reasons": found[b]} for b in sorted(found)]


def item_row(
    index: GovIndex,
    judge: Judge,
    follow: Following,
    item: str,
    lang: str | None,
    *,
    history: bool = False,
) -> dict[str, Any]:
    """One card of the board: status, next milestone, slip, rag, dependencies, whom to tell.

    Built once per index, day and language (a fresh top-level dict each call; the nested
    values are shared and must not be changed by callers)."""
    (row,) = item_rows(index, judge, follow, [item], lang)
    if history:
        row["status_history"] = [
            {"value": r.status, "date": iso(r.day), "progress": r.progress, "phase": r.phase}
            for r in judge.facts.statuses.get(item, ())
        ]
    return row


def item_rows(
    index: GovIndex, judge: Judge, follow: Following, items: list[str], lang: str | None
) -> list[dict[str, Any]]:
    """The cards of ``items``, each built once per index, day and language (a fresh
    top-level dict each call; nested values are shared and must not be changed)."""
    cache: dict[str, dict[str, Any]] = index.memo(f"portfolio:rows:{judge.day}:{lang}", dict)
    missing = [item for item in items if item not in cache]
    if len(missing) > 1:
        _prefetch(index, judge, follow, missing, lang)
    out = []
    for item in items:
        row = cache.get(item)
        if row is None:
            row = cache[item] = _item_row(index, judge, follow, item, lang)
        out.append(dict(row))
    return out


def _prefetch(
    index: GovIndex, judge: Judge, follow: Following, items: list[str], lang: str | None
) -> None:
    """Read the labels and types of everything the rows of ``items`` name, in one pass."""
    named = [*items]
    ms = []
    for item in items:
        found = judge.next_milestone(item)
        if found is not None:
            ms.append(found.iri)
        named.extend(pre for pre, _ in judge.critical_prerequisites(item))
        named.extend(b for b, _ in follow.bodies_by_item.get(item, ()))
    places = (judge.units, judge.facts.unit_terms)
    names(index, lang).prefetch(named, places=places)
    names(index, lang).prefetch(ms, types=False)
    overdue = [m.iri for item in items for m in judge.overdue(item)]
    names(index, None).prefetch(overdue, types=False)  # the reasons name them


def _item_row(
    index: GovIndex, judge: Judge, follow: Following, item: str, lang: str | None
) -> dict[str, Any]:
    day = judge.day
    report = judge.report(item)
    rag, reasons, slip = judge.rag(item)
    upcoming = judge.next_milestone(item)
    refs = refs_of(index, lang)
    late = judge.late(item)
    gaps = []
    if report is None:
        gaps.append("no dated status is recorded")
    count = judge.milestone_count(item)
    if not count:
        gaps.append("no milestone is recorded")
    return {
        **refs(item),
        "status": None
        if report is None
        else {
            "value": report.status,
            "date": report.day.isoformat(),
            "progress": report.progress,
            "phase": report.phase,
            "sources": citations(index, report.iri),
        },
        "next_milestone": None
        if upcoming is None
        else milestone_dict(index, upcoming, day, lang, refs=refs),
        "milestones": count,
        "slip_days": slip,
        "late": late,
        "rag": rag,
        "rag_reasons": reasons,
        "critical_dependencies": [
            {**refs(pre), "criticality": crit, "rag": judge.rag(pre)[0]}
            for pre, crit in judge.critical_prerequisites(item)
        ],
        "followed_by": [refs(b) for b, _ in follow.bodies_by_item.get(item, ())],
        "gaps": gaps,
        "inform": _inform(index, judge, follow, item, lang) if late else [],
    }


def portfolio(
    store: GraphStore,
    body: str | None = None,
    *,
    as_of: date | str | None = None,
    lang: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Every initiative, project and system ``body`` follows up, as a board.

    What a body follows: the scope of each of its ``follow_up`` mandates valid on ``as_of``
    and everything within it (portfolio members, parts of a strategy). Without ``body``, one
    summary per following body and the initiatives and projects that no body follows (a gap).

    Parameters
    ----------
    store : GraphStore
    body : str, optional
        The steering body (id, label or alias).
    as_of : date or str, optional
        The day everything is judged on (default: today).
    lang : str, optional
        Preferred label language.
    limit, offset : int, optional
        Paging of ``items`` (``page`` gives the total); ``summary`` counts all.

    Returns
    -------
    dict
        With ``body``: ``{body, as_of, mandates, items, summary, late, page}``; each item
        ``{id, label, type, status, next_milestone, milestones, slip_days, late, rag,
        rag_reasons, critical_dependencies, followed_by, inform, gaps}``, red first, then
        amber, green, grey, most slipped first. ``inform`` names the bodies to tell about a
        late item, each with ``reasons``. Without ``body``: ``{as_of, bodies, unfollowed}``.

    Raises
    ------
    NotFound, AmbiguousName
    InvalidArgument
        A bad date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> board = portfolio(deps_store("portfolio"), "psg", as_of="2024-05-01")
    >>> [(i["id"], i["rag"], i["slip_days"]) for i in board["items"]]
    [('p-alpha', 'red', 92), ('p-eps', 'red', 30), ('p-beta', 'amber', 14), ('p-delta', 'green', 0), ('p-gamma', 'green', 0), ('init-x', 'grey', 0)]
    >>> [b["id"] for b in board["items"][0]["inform"]]
    ['board', 'psg']
    """
    day = as_of_day(as_of) or date.today()
    index = index_of(store)
    follow = following(index, day)
    judge = Judge(index, day)
    if body is None:
        overview = index.memo(
            f"portfolio:overview:{day}:{lang}", lambda: _overview(index, judge, follow, lang)
        )
        return {**overview, "bodies": list(overview["bodies"])}
    chosen = resolve(index, body)
    if limit is None and offset == 0:
        # The full answer, kept per index, body, day and language (a fresh top level and item
        # list each call; the rows inside are shared and must not be changed).
        answer = index.memo(
            f"portfolio:answer:{chosen}:{day}:{lang}",
            lambda: quiet_build(lambda: _answer(index, judge, follow, chosen, day, lang, None, 0)),
        )
        return {**answer, "items": list(answer["items"])}
    return _answer(index, judge, follow, chosen, day, lang, limit, offset)


def _answer(
    index: GovIndex,
    judge: Judge,
    follow: Following,
    chosen: str,
    day: date,
    lang: str | None,
    limit: int | None,
    offset: int,
) -> dict[str, Any]:
    items = follow.items_by_body.get(chosen, [])
    board = index.memo(
        f"portfolio:board:{chosen}:{day}:{lang}",
        lambda: quiet_build(lambda: _board(index, judge, follow, chosen, items, lang)),
        patch=_board_patch(follow, judge),
    )
    judged, summary, late, mandates = board
    window = judged[offset : offset + limit if limit is not None else None]
    rows = item_rows(index, judge, follow, [item for item, *_ in window], lang)
    return {
        "body": ref(index, chosen, lang),
        "as_of": day.isoformat(),
        "mandates": [
            {
                "id": local_id(m),
                "label": label(index, m, lang),
                "scope": [ref(index, s, lang) for s in index.out(m, v.SCOPE)],
                "sources": citations(index, m),
            }
            for m in mandates
        ],
        "items": rows,
        "summary": dict(summary),
        "late": list(late),
        "message": None
        if items
        else f"{label(index, chosen, lang)} follows up nothing: no follow-up mandate of it is "
        "recorded and valid on that day",
        "page": {"total": len(judged), "limit": limit, "offset": offset},
    }


def _board(
    index: GovIndex,
    judge: Judge,
    follow: Following,
    chosen: str,
    items: list[str],
    lang: str | None,
) -> tuple[list[tuple[str, str, int, bool]], dict[str, int], list[str], list[str]]:
    """A body's items in board order with the counts, the late ones and the mandates: the
    part of the answer that costs a pass over every item, kept per index, day and language so
    a page costs only its rows."""
    rags, slips, lates = judge.marks(items)
    # Labels for the whole board, read at once: the rows of a page are labelled apart.
    named = names(index, lang)
    named.prefetch(items, types=False, places=(judge.units, judge.facts.unit_terms))
    label_of = named.label
    judged = sorted(
        zip(items, rags, slips, lates, strict=True),
        key=lambda j: (RAG_ORDER[j[1]], -j[2], label_of(j[0]), j[0]),
    )
    summary = {name: 0 for name in RAG_ORDER}
    for rag in rags:
        summary[rag] += 1
    late = [local_id(item) for item, _, _, is_late in judged if is_late]
    mandates = follow.mandates_by_body.get(chosen, [])
    return judged, summary, late, mandates


def _board_patch(follow: Following, judge: Judge) -> Any:
    """A patch keeping a board (:func:`_board`) for the index a write made, if that write
    left who follows what, the items' labels and every item's marks as ``judge`` gave them.
    It holds ``judge``'s day and marks, not ``judge`` (nor its index)."""
    day, units, judged_day = judge.day, judge.units, judge.judged

    def patch(
        old: tuple[list[tuple[str, str, int, bool]], Any, Any, Any], index: GovIndex, touched: Any
    ) -> Any:
        if changed_reads(index, touched, STRUCTURE_READS, STRUCTURE_CLASSES) or (
            v.SUBPROPERTY_OF in touched.predicates
        ):
            return None
        terms = index.projection.terms
        if any(terms[i] in follow.bodies_by_item for i in touched.subjects):
            return None  # an item itself (its label) changed
        now = Judge(index, day)
        if now.units is units and all(
            np.array_equal(getattr(now.judged, a), getattr(judged_day, a))
            for a in ("final", "slip", "overdue")
        ):
            return old  # the same items, each marked as before
        judged = old[0]
        rags, slips, lates = now.marks([item for item, *_ in judged])
        marks = list(zip(rags, slips, lates, strict=True))
        return old if marks == [(rag, slip, late) for _, rag, slip, late in judged] else None

    return patch


def _overview(index: GovIndex, judge: Judge, follow: Following, lang: str | None) -> dict[str, Any]:
    bodies = []
    for body in sorted(follow.items_by_body, key=lambda b: (label(index, b, lang), b)):
        counts = {name: 0 for name in RAG_ORDER}
        for rag in judge.marks(follow.items_by_body[body])[0]:
            counts[rag] += 1
        bodies.append(
            {**ref(index, body, lang), "items": len(follow.items_by_body[body]), "summary": counts}
        )
    candidates = judge.facts.portfolio_items
    unfollowed = [
        ref(index, item, lang)
        for item in candidates
        if item not in follow.bodies_by_item and index.is_data(item)
    ]
    unfollowed = sorted({u["id"]: u for u in unfollowed}.values(), key=lambda u: u["id"])
    return {
        "as_of": judge.day.isoformat(),
        "bodies": bodies,
        "unfollowed": unfollowed,
        "message": f"{len(unfollowed)} initiative(s) or project(s) are followed up by no body"
        if unfollowed
        else None,
    }


def judge_items(index: GovIndex, items: list[str], day: date) -> dict[str, str]:
    """Red/amber/green of each item on ``day`` (for views that draw many items)."""
    rags = Judge(index, day).marks(items)[0]
    return dict(zip(items, rags, strict=True))
