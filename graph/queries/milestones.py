"""``milestones``: the milestones due in a period, with their state, slip and followers."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.impact import as_of_day
from graph.queries.portfolio_facts import (
    day_of,
    following,
    iso,
    milestone_dict,
    milestones_by_item,
)
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
        ``{from, to, as_of, body, milestones, page}``; each milestone ``{id, label, planned,
        forecast, actual, expected, slip_days, state, after, item, followed_by, sources}``,
        ``state`` one of ``achieved``, ``overdue``, ``late``, ``on_track``, ``undated``.

    Raises
    ------
    InvalidArgument
        A bad date, or ``to_date`` before ``from_date``.
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
    if end < start:
        raise InvalidArgument("to", f"the period ends ({end}) before it starts ({start})")
    day = as_of_day(as_of) or date.today()
    index = index_of(store)
    follow = following(index, day)
    chosen = None
    if body is not None:
        chosen = resolve(index, body)
        items = follow.items_by_body.get(chosen, [])
    else:
        items = sorted(milestones_by_item(index))
    found = []
    by_item = milestones_by_item(index)
    for item in items:
        for m in by_item.get(item, ()):
            dates = [d for d in (m.expected(day), m.planned) if d is not None]
            if any(start <= d <= end for d in dates):
                found.append((min(d for d in dates if start <= d <= end), m))
    found.sort(key=lambda pair: (pair[0], pair[1].iri))
    total = len(found)
    window = found[offset : offset + limit if limit is not None else None]
    rows = []
    for _, m in window:
        row = milestone_dict(index, m, day, lang)
        row["item"] = index.ref(m.item, lang)
        row["followed_by"] = [
            index.ref(b, lang) for b, _ in follow.bodies_by_item.get(m.item, ())
        ]
        rows.append(row)
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "as_of": day.isoformat(),
        "body": index.ref(chosen, lang) if chosen else None,
        "milestones": rows,
        "page": {"total": total, "limit": limit, "offset": offset},
    }


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


def shifted_milestones(index: GovIndex, iri: str, days: int, day: date) -> list[dict[str, Any]]:
    """The open milestones of ``iri`` with their dates moved ``days`` later (for ``slip``)."""
    out = []
    for m in milestones_by_item(index).get(iri, ()):
        if m.achieved(day):
            continue
        expected = m.expected(day)
        out.append(
            {
                "id": local_id(m.iri),
                "label": index.label(m.iri),
                "planned": iso(m.planned),
                "expected": iso(expected),
                "new_expected": iso(expected + timedelta(days=days)) if expected else None,
            }
        )
    return out
