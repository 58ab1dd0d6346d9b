"""``slip``: critical-path propagation of a delay over finish-to-start dependencies."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from graph.index import GovIndex, index_of
from graph.portfolio_lookups import Milestone, lookups
from graph.queries.impact import as_of_day
from graph.queries.milestones import plan_dates
from graph.queries.portfolio_facts import Following, following
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import first_day, last_day
from ontology.errors import InvalidArgument
from ontology.terms import local_id

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
    facts = lookups(index)
    for dep in facts.dependencies:
        if dep.type == FINISH_TO_START and facts.valid_at(index, dep.iri, as_of):
            links.setdefault(dep.prerequisite, []).append(
                Link(dep.iri, dep.prerequisite, dep.dependent, dep.lag)
            )
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


# What moves: a whole item ("item": its start, and so all of it), an item's end ("end") or a
# milestone ("ms"); each keyed by kind and IRI.
Key = tuple[str, str]


class _Spread:
    """The forward pass: largest shift first, each push reduced by the slack it meets (a
    shift never grows along an edge, so each key is settled when first taken, as in
    Dijkstra's algorithm)."""

    def __init__(self, index: GovIndex, day: date, links: dict[str, list[Link]], lang: str | None):
        self.index, self.day, self.links, self.lang = index, day, links, lang
        self.facts = lookups(index)
        self.shift: dict[Key, int] = {}
        self.via: dict[Key, Key] = {}
        self.pushes: dict[str, tuple[int, str, int | None]] = {}
        self.conflicts: dict[str, dict[str, Any]] = {}

    def run(self, seeds: dict[Key, int]) -> None:
        self.shift.update(seeds)
        heap = [(-amount, key) for key, amount in seeds.items()]
        heapq.heapify(heap)
        done: set[Key] = set()
        while heap:
            negative, here = heapq.heappop(heap)
            if here in done or -negative != self.shift[here]:
                continue
            done.add(here)
            for target, slack in self._edges(here):
                moved = max(0, -negative - max(0, slack or 0))
                if target not in seeds and moved > self.shift.get(target, 0):
                    self.shift[target] = moved
                    self.via[target] = here
                    heapq.heappush(heap, (-moved, target))

    def _edges(self, key: Key) -> list[tuple[Key, int | None]]:
        """``(target, slack)`` for everything ``key`` pushes."""
        kind, iri = key
        day, facts = self.day, self.facts
        if kind == "item":
            # The whole item moves: its open milestones and its end, by as much.
            whole: list[tuple[Key, int | None]] = [(("end", iri), 0)]
            opened = [m for m in facts.milestones.get(iri, ()) if not m.achieved(day)]
            return [*whole, *((("ms", m.iri), 0) for m in opened)]
        if kind == "end":
            out: list[tuple[Key, int | None]] = []
            for link in self.links.get(iri, ()):
                slack = _slack(self.index, link)
                self._note_link(link, slack)
                out.append((("item", link.dependent), slack))
            return out
        m = facts.milestone[iri]
        expected = m.expected(day)
        later = [facts.milestone[s] for s in facts.successors.get(iri, ())]
        # An item's milestones follow one another: the next open one is also after this one.
        own = [x for x in facts.milestones.get(m.item, ()) if not x.achieved(day)]
        mine = sorted(own, key=lambda x: (x.expected(day) or date.max, x.iri))
        if m in mine and mine.index(m) + 1 < len(mine):
            later.append(mine[mine.index(m) + 1])
        out = []
        for s in later:
            if s.achieved(day) or s.iri == iri:
                continue
            gap = _gap(expected, s.expected(day))
            if gap is not None and gap < 0 and s.iri in facts.successors.get(iri, ()):
                self._note_order(m, s, -gap)
            out.append((("ms", s.iri), gap))
        end = _day(self.index, m.item, "planned_end", last=True)
        return [*out, (("end", m.item), _gap(expected, end))]

    def _note_link(self, link: Link, slack: int | None) -> None:
        push = self.shift.get(("end", link.prerequisite), 0)
        if push > self.pushes.get(link.dependent, (-1, "", None))[0]:
            self.pushes[link.dependent] = (push, link.prerequisite, slack)
        key = local_id(link.dependency)
        if slack is not None and slack < 0 and key not in self.conflicts:
            index, lang = self.index, self.lang
            self.conflicts[key] = {
                "dependency": key,
                "prerequisite": index.ref(link.prerequisite, lang),
                "dependent": index.ref(link.dependent, lang),
                "days": -slack,
                "message": f"{index.label(link.dependent, lang)} is planned to start "
                f"{-slack} day(s) before {index.label(link.prerequisite, lang)} "
                "allows, already before this slip.",
            }

    def _note_order(self, before: Milestone, after: Milestone, days: int) -> None:
        """A milestone recorded ``after`` another but expected before it: already a conflict."""
        key = f"{local_id(after.iri)} after {local_id(before.iri)}"
        if key not in self.conflicts:
            index, lang = self.index, self.lang
            self.conflicts[key] = {
                "dependency": None,
                "milestone": index.ref(after.iri, lang),
                "after": index.ref(before.iri, lang),
                "days": days,
                "message": f"{index.label(after.iri, lang)} is expected {days} day(s) before "
                f"{index.label(before.iri, lang)}, which it comes after, already before this "
                "slip.",
            }

    def item_shift(self, iri: str) -> tuple[int, int]:
        """``(start, end)`` shift of an item."""
        start = self.shift.get(("item", iri), 0)
        return start, max(start, self.shift.get(("end", iri), 0))

    def via_id(self, key: Key) -> str | None:
        source = self.via.get(key)
        if source is None:
            return None
        return local_id(source[1])


def _gap(before: date | None, after: date | None) -> int | None:
    """Days between two dates (the slack of an ``after`` link); ``None`` if one is missing."""
    return None if before is None or after is None else (after - before).days


def slip(
    store: GraphStore,
    node: str,
    *,
    days: int,
    as_of: date | str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """What moves, what absorbs the delay and which go-lives break if ``node`` ends late.

    ``node`` is a project (or other item) whose end moves ``days`` later, or a milestone that
    is reached ``days`` later. The delay spreads forward (critical-path forward pass):

    - over finish-to-start dependencies between items: a dependent may start on the day after
      its prerequisite's planned end plus ``lag_days``; the days between that and its planned
      start are its slack on that link and absorb the delay. A moved item keeps its duration:
      start, end, go-live and its open milestones all move by its shift;
    - over milestones: a milestone recorded ``after`` another (and the next open milestone of
      the same item) is pushed when the other's new date passes its own, by the days it then
      lies behind (the days between the two absorb the delay). A milestone that passes its
      item's planned end moves that end, and so the item's finish-to-start dependents.

    An item without ``planned_start``/``planned_end`` takes them from its first and last
    planned milestone. Nothing ever moves earlier, nothing moves more than ``days``, and only
    what follows ``node`` moves. An item or milestone without dates has no known slack and
    passes the delay on in full (``dated: false``). A conflict already in the plan (negative
    slack) is reported under ``conflicts`` and not blamed on this slip.

    Parameters
    ----------
    store : GraphStore
    node : str
        The item or milestone that slips.
    days : int
        How many days its end moves (``>= 0``).
    as_of : date or str, optional
        Use only the dependencies valid on that day; milestones are judged on it (default:
        today).
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{root, days, as_of, moved, milestones, absorbed, go_lives_broken, conflicts}``.
        ``moved``: the items whose end moves, ``{id, label, type, days, dated, planned_start,
        planned_end, new_start, new_end, via, milestones, inform}`` (the root first, then by
        days moved); ``milestones``: its moved open milestones; ``inform``: the bodies that
        follow the item up. ``milestones``: every moved milestone ``{id, label, item,
        planned, expected, new_expected, days, via, followed_by}``, most moved first.
        ``absorbed``: ``{id, label, type, pushed, absorbed, slack, via}`` for each dependent
        item that took in some or all of a push. ``go_lives_broken``: ``{id, label, type,
        go_live, new_go_live, days}``, including systems a moved project ``delivers``.

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
    as_of_date = as_of_day(as_of)
    day = as_of_date or date.today()
    index = index_of(store)
    root = resolve(index, node)
    facts = lookups(index)
    spread = _Spread(index, day, finish_to_start_links(index, as_of_date), lang)
    root_milestone = facts.milestone.get(root)
    if root_milestone is not None:
        spread.run({("ms", root): days})
    else:
        opened = [m for m in facts.milestones.get(root, ()) if not m.achieved(day)]
        spread.run({("end", root): days, **{("ms", m.iri): days for m in opened}})
    follow = following(index, day)
    moved_ms = _moved_milestones(index, spread, follow, lang)
    by_item: dict[str, list[dict[str, Any]]] = {}
    for iri, row in moved_ms:
        own = {k: x for k, x in row.items() if k not in ("item", "followed_by")}
        by_item.setdefault(iri, []).append(own)

    items = {iri for kind, iri in spread.shift if kind in ("item", "end")}
    moved_items: list[dict[str, Any]] = []
    for iri in items:
        start_shift, amount = spread.item_shift(iri)
        if amount <= 0 and iri != root:
            continue
        start = _day(index, iri, "planned_start")
        end = _day(index, iri, "planned_end", last=True)
        source = spread.via_id(("item", iri)) or spread.via_id(("end", iri))
        moved_items.append(
            {
                **index.ref(iri, lang),
                "_iri": iri,
                "days": amount,
                "dated": start is not None or end is not None,
                "planned_start": _iso(start),
                "planned_end": _iso(end),
                "new_start": _iso(start, start_shift),
                "new_end": _iso(end, amount),
                "via": source if source != local_id(iri) else None,
                "milestones": by_item.get(iri, []),
                "inform": [index.ref(b, lang) for b, _ in follow.bodies_by_item.get(iri, ())],
            }
        )
    moved_items.sort(key=lambda m: (m["id"] != local_id(root), -m["days"], m["id"]))

    absorbed = []
    for iri, (push, source, slack) in sorted(spread.pushes.items()):
        taken = push - spread.item_shift(iri)[0]
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
    for row in moved_items:
        iri, amount = row.pop("_iri"), row["days"]
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
        "as_of": as_of_date.isoformat() if as_of_date else None,
        "moved": moved_items,
        "milestones": [row for _, row in moved_ms],
        "absorbed": absorbed,
        "go_lives_broken": broken,
        "conflicts": [spread.conflicts[k] for k in sorted(spread.conflicts)],
    }


def _moved_milestones(
    index: GovIndex, spread: _Spread, follow: Following, lang: str | None
) -> list[tuple[str, dict[str, Any]]]:
    """``(item IRI, row)`` for every milestone that moves, most moved first."""
    out = []
    for (kind, iri), amount in spread.shift.items():
        if kind != "ms" or amount <= 0:
            continue
        m = spread.facts.milestone[iri]
        expected = m.expected(spread.day)
        row: dict[str, Any] = {
            "id": local_id(iri),
            "label": index.label(iri, lang),
            "item": index.ref(m.item, lang),
            "planned": _iso(m.planned),
            "expected": _iso(expected),
            "new_expected": _iso(expected, amount),
            "days": amount,
            "via": spread.via_id(("ms", iri)),
            "followed_by": [index.ref(b, lang) for b, _ in follow.bodies_by_item.get(m.item, ())],
        }
        out.append((m.item, row))
    out.sort(key=lambda pair: (-pair[1]["days"], pair[1]["new_expected"] or "", pair[1]["id"]))
    return out
