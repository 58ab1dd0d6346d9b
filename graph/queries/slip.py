"""``slip``: critical-path propagation of a delay over finish-to-start dependencies."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.impact import as_of_day
from graph.queries.milestones import plan_dates, shifted_milestones
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import first_day, last_day
from ontology.errors import InvalidArgument
from ontology.terms import concept_slug, local_id

FINISH_TO_START = "finish_to_start"


@dataclass(frozen=True)
class Link:
    """One finish-to-start dependency: ``dependent`` may start ``lag`` days after the day
    following the end of ``prerequisite``."""

    dependency: str
    prerequisite: str
    dependent: str
    lag: int


def _day(index: GovIndex, iri: str, key: str, last: bool = False) -> date | None:
    value = index.node(iri).first(v.DATE_KEYS[key])
    if value is None and key in ("planned_start", "planned_end"):
        # Without plan dates, the item's milestones give them (first and last planned).
        return plan_dates(index, iri)[key == "planned_end"]
    if value is None:
        return None
    try:
        return last_day(value) if last else first_day(value)
    except ValueError:
        return None


def finish_to_start_links(index: GovIndex, as_of: date | None) -> dict[str, list[Link]]:
    """Valid finish-to-start dependencies, by prerequisite."""
    links: dict[str, list[Link]] = {}
    for dep in index.of_type(v.DEPENDENCY):
        node = index.node(dep)
        if concept_slug(node.first(v.DEPENDENCY_TYPE) or "") != FINISH_TO_START:
            continue
        dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
        if dependent is None or prerequisite is None or not index.valid_at(dep, as_of):
            continue
        try:
            lag = int(node.first(v.LAG_DAYS) or 0)
        except ValueError:
            lag = 0
        links.setdefault(prerequisite, []).append(Link(dep, prerequisite, dependent, lag))
    return links


def _slack(index: GovIndex, link: Link) -> int | None:
    """Days the dependent can absorb on this link (``None`` when a date is missing)."""
    end = _day(index, link.prerequisite, "planned_end", last=True)
    start = _day(index, link.dependent, "planned_start")
    if end is None or start is None:
        return None
    return (start - (end + timedelta(days=1 + link.lag))).days


def _iso(day: date | None, shift: int = 0) -> str | None:
    return (day + timedelta(days=shift)).isoformat() if day else None


def slip(
    store: GraphStore,
    node: str,
    *,
    days: int,
    as_of: date | str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """What moves, what absorbs the delay and which go-lives break if ``node`` ends late.

    The end of ``node`` moves ``days`` later; the delay spreads forward over finish-to-start
    dependencies only (critical-path forward pass). A dependent may start on the day after its
    prerequisite's planned end plus ``lag_days``; the days between that and its planned start
    are its slack on that link, and absorb the delay. A moved item keeps its duration: start,
    end and go-live all move by its shift, the largest push over its incoming links, and so do
    its open milestones (``milestones``). An item without ``planned_start``/``planned_end``
    takes them from its first and last planned milestone. Nothing
    ever moves earlier. An item without dates has no known slack and passes the delay on in
    full (``dated: false``). A conflict already in the plan (negative slack) is reported under
    ``conflicts`` and not blamed on this slip.

    Parameters
    ----------
    store : GraphStore
    node : str
        The project (or other item) that slips.
    days : int
        How many days its end moves (``>= 0``).
    as_of : date or str, optional
        Use only the dependencies valid on that day.
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{root, days, moved, absorbed, go_lives_broken, conflicts}``. ``moved``: ``{id,
        label, type, days, dated, planned_start, planned_end, new_start, new_end, via,
        milestones}`` (each open milestone ``{id, label, planned, expected, new_expected}``) (the
        root first, then by days moved). ``absorbed``: ``{id, label, type, pushed, absorbed,
        slack, via}`` for each dependent that took in some or all of a push. ``go_lives_broken``:
        ``{id, label, type, go_live, new_go_live, days}``, including systems a moved project
        ``delivers``.

    Raises
    ------
    NotFound, AmbiguousName
    InvalidArgument
        ``days`` is negative, or a bad date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> result = slip(deps_store("deps-plan"), "proj-a", days=30)
    >>> [(m["id"], m["days"]) for m in result["moved"]]
    [('proj-a', 30), ('proj-b', 20), ('proj-c', 20), ('proj-u', 20), ('proj-w', 20)]
    >>> [(a["id"], a["absorbed"]) for a in result["absorbed"]]
    [('proj-b', 10), ('proj-d', 30)]
    """
    if days < 0:
        raise InvalidArgument("days", "a slip is a delay: use a number of days >= 0")
    day = as_of_day(as_of)
    index = index_of(store)
    root = resolve(index, node)
    links = finish_to_start_links(index, day)

    shift: dict[str, int] = {root: days}
    via: dict[str, str] = {}
    pushes: dict[str, tuple[int, str, int | None]] = {}
    conflicts: list[dict[str, Any]] = []
    # Largest shift first: shifts only shrink along links (slack >= 0), like Dijkstra.
    heap = [(-days, root)]
    done: set[str] = set()
    while heap:
        negative, here = heapq.heappop(heap)
        if here in done or -negative != shift[here]:
            continue
        done.add(here)
        for link in links.get(here, []):
            slack = _slack(index, link)
            if (
                slack is not None
                and slack < 0
                and not any(c["dependency"] == local_id(link.dependency) for c in conflicts)
            ):
                conflicts.append(
                    {
                        "dependency": local_id(link.dependency),
                        "prerequisite": index.ref(link.prerequisite, lang),
                        "dependent": index.ref(link.dependent, lang),
                        "days": -slack,
                        "message": f"{index.label(link.dependent, lang)} is planned to start "
                        f"{-slack} day(s) before {index.label(link.prerequisite, lang)} "
                        "allows, already before this slip.",
                    }
                )
            push = shift[here]
            moved = max(0, push - max(0, slack or 0))
            if push > pushes.get(link.dependent, (-1, "", None))[0]:
                pushes[link.dependent] = (push, here, slack)
            if link.dependent != root and moved > shift.get(link.dependent, 0):
                shift[link.dependent] = moved
                via[link.dependent] = here
                heapq.heappush(heap, (-moved, link.dependent))

    moved_items: list[dict[str, Any]] = []
    for iri, amount in shift.items():
        if amount <= 0 and iri != root:
            continue
        start = _day(index, iri, "planned_start")
        end = _day(index, iri, "planned_end", last=True)
        moved_items.append(
            {
                **index.ref(iri, lang),
                "days": amount,
                "dated": start is not None or end is not None,
                "planned_start": _iso(start),
                "planned_end": _iso(end),
                "new_start": _iso(start, 0 if iri == root else amount),
                "new_end": _iso(end, amount),
                "via": local_id(via[iri]) if iri in via else None,
                "milestones": shifted_milestones(index, iri, amount, day or date.today()),
            }
        )
    moved_items.sort(key=lambda m: (m["id"] != local_id(root), -m["days"], m["id"]))

    absorbed = []
    for iri, (push, source, slack) in sorted(pushes.items()):
        taken = push - shift.get(iri, 0)
        if iri != root and push > 0 and taken > 0:
            absorbed.append(
                {
                    **index.ref(iri, lang),
                    "pushed": push,
                    "absorbed": taken,
                    "slack": slack,
                    "via": local_id(source),
                }
            )

    broken = []
    for iri, amount in shift.items():
        if amount <= 0:
            continue
        for item in [iri, *index.out(iri, v.RELATION_KEYS["delivers"])]:
            go_live = _day(index, item, "go_live")
            if go_live is not None:
                broken.append(
                    {
                        **index.ref(item, lang),
                        "go_live": _iso(go_live),
                        "new_go_live": _iso(go_live, amount),
                        "days": amount,
                    }
                )
    broken.sort(key=lambda b: (b["go_live"], b["id"]))
    return {
        "root": index.ref(root, lang),
        "days": days,
        "as_of": day.isoformat() if day else None,
        "moved": moved_items,
        "absorbed": absorbed,
        "go_lives_broken": broken,
        "conflicts": sorted(conflicts, key=lambda c: c["dependency"]),
    }
