"""Red, amber, green of portfolio items on one day (the rules: docs/portfolio.md, "Red,
amber, green"; :mod:`graph.queries.portfolio`).

Judged for every item at once over the lookups' date arrays (:class:`Lookups`: ``ms_*``,
``st_*``), so a board of 10,000 items costs a few numpy passes on the first answer of a day;
the reasons (sentences naming milestones) are written only for the items an answer shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from graph.index import GovIndex
from graph.portfolio_columns import kept
from graph.portfolio_lookups import READS, Lookups, Milestone, StatusReport, lookups, quiet_build
from graph.queries.portfolio_facts import dependents, iso, label, prerequisites
from ontology import portfolio_terms as p

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
RAGS = tuple(RAG_ORDER)
RED, AMBER, GREEN, GREY = range(4)
CRITICAL = frozenset({"critical", "high"})
# Why an item has its own mark (the reasons are written from it when an answer shows them).
_NONE, _STATUS, _OVERDUE, _SLIP, _UNDATED, _PAUSED = range(6)


@dataclass(frozen=True)
class Day:
    """Every unit judged on one day (arrays over :attr:`Lookups.units`)."""

    own: np.ndarray  # own mark (RED .. GREY)
    why: np.ndarray  # why (_NONE .. _PAUSED)
    final: np.ndarray  # the own mark lowered by a red critical prerequisite
    slip: np.ndarray  # largest slip of an open milestone (days, >= 0)
    overdue: np.ndarray  # an open milestone is overdue
    next: np.ndarray  # the next milestone (:meth:`Lookups.milestone_at`), -1 for none
    status: np.ndarray  # the status report on the day (:meth:`Lookups.status_at`), -1: none
    overdue_ms: np.ndarray  # per milestone: open and its date has passed
    # The same as lists (a row reads them one at a time; a list is read faster than an array)
    late_list: list[bool]
    next_list: list[int]
    status_list: list[int]


def expected_days(facts: Lookups, d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(achieved, overdue, expected)`` of every milestone on day ordinal ``d``, as
    :meth:`Milestone.achieved`, :meth:`Milestone.overdue` and :meth:`Milestone.expected`
    (``0``: no expected day)."""
    planned, forecast, actual = facts.ms_planned, facts.ms_forecast, facts.ms_actual
    achieved = (actual > 0) & (actual <= d)
    best = np.where(forecast > 0, forecast, planned)
    overdue = ~achieved & (best > 0) & (best < d)
    reached = np.where(actual > 0, actual, best)
    expected = np.where(achieved, actual, np.where(overdue, np.maximum(reached, d), reached))
    return achieved, overdue, expected


def judge_day(facts: Lookups, day: date, critical: list[tuple[str, str]]) -> Day:
    """Every unit judged on ``day``; ``critical``: the ``(dependent, prerequisite)`` pairs
    whose (strongest valid) dependency is critical or high."""
    n, d = len(facts.units), day.toordinal()
    planned, forecast, actual = facts.ms_planned, facts.ms_forecast, facts.ms_actual
    unit = facts.ms_unit
    achieved, overdue, expected = expected_days(facts, d)
    open_ = ~achieved
    slip = np.zeros(n, dtype=np.int64)
    np.maximum.at(
        slip, unit, np.where(open_ & (planned > 0) & (expected > 0), expected - planned, 0)
    )
    late = np.zeros(n, dtype=bool)
    late[unit[overdue]] = True
    dated = np.zeros(n, dtype=bool)
    dated[unit[(planned > 0) | (forecast > 0) | (actual > 0)]] = True
    # The next milestone: the open one expected first (then by IRI).
    candidates = np.flatnonzero(open_ & (expected > 0))
    order = candidates[
        np.lexsort((facts.ms_rank[candidates], expected[candidates], unit[candidates]))
    ]
    following = np.full(n, -1, dtype=np.int64)
    first = np.ones(len(order), dtype=bool)
    first[1:] = unit[order][1:] != unit[order][:-1]
    following[unit[order[first]]] = order[first]
    # The newest status report on or before the day (reports are by unit, then day).
    reported = np.bincount(facts.st_unit[facts.st_day <= d], minlength=n)
    status_at = np.where(reported > 0, facts.st_ptr[:-1] + reported - 1, -1)
    status = np.full(n, -1, dtype=np.int64)
    status[status_at >= 0] = facts.st_code[status_at[status_at >= 0]]

    def is_status(*names: str) -> np.ndarray:
        return np.isin(status, [k for k, slug in enumerate(facts.status_slugs) if slug in names])

    own = np.full(n, GREEN, dtype=np.int64)
    why = np.full(n, _NONE, dtype=np.int64)
    gone = is_status("cancelled", "retired")
    rest = ~is_status("completed") & ~gone
    own[gone], why[gone] = GREY, _STATUS
    for mask, mark, reason in (
        (rest & late, RED, _OVERDUE),
        (rest & ~late & (slip >= p.RED_SLIP_DAYS), RED, _SLIP),
        (rest & ~late & (slip < p.RED_SLIP_DAYS) & (slip >= p.AMBER_SLIP_DAYS), AMBER, _SLIP),
        (rest & ~late & (slip < p.AMBER_SLIP_DAYS) & ~dated, GREY, _UNDATED),
    ):
        own[mask], why[mask] = mark, reason
    paused = is_status("paused") & (own == GREEN)
    own[paused], why[paused] = AMBER, _PAUSED
    final = own.copy()
    units = facts.units
    pairs = np.array(
        [(units[a], units[b]) for a, b in critical if a in units and b in units], dtype=np.int64
    ).reshape(-1, 2)
    flagged = pairs[own[pairs[:, 1]] == RED, 0]
    flagged = flagged[own[flagged] == GREEN]
    final[flagged] = AMBER
    return Day(
        own,
        why,
        final,
        slip,
        late,
        following,
        status_at,
        overdue,
        ((slip > 0) | late).tolist(),
        following.tolist(),
        status_at.tolist(),
    )


class Judge:
    """Red/amber/green per item on one day: the marks of every item at once (kept with the
    index per day), the reasons written per item when asked for."""

    def __init__(self, index: GovIndex, day: date) -> None:
        self.index = index
        self.day = day
        self.facts = lookups(index)
        self.by_item = self.facts.milestones
        self.prerequisites = prerequisites(index, day)
        self.dependents = dependents(index, day)
        self.units = self.facts.units
        self.judged: Day = kept(
            index, f"portfolio:day:{day}", lambda: quiet_build(self._judge), READS
        )
        self.own: dict[str, tuple[str, list[str], int]] = index.memo(f"portfolio:own:{day}", dict)
        self.final: dict[str, tuple[str, list[str], int]] = index.memo(f"portfolio:rag:{day}", dict)

    def _judge(self) -> Day:
        critical = [
            (item, pre)
            for item, pres in self.prerequisites.items()
            for pre, dep in pres.items()
            if dep.criticality in CRITICAL
        ]
        return judge_day(self.facts, self.day, critical)

    def marks(self, items: list[str]) -> tuple[list[str], list[int], list[bool]]:
        """``(rag, slip_days, late)`` of each of ``items``, without their reasons."""
        at = np.array([self.units.get(i, -1) for i in items], dtype=np.int64)
        known = at >= 0
        where = np.where(known, at, 0)
        j = self.judged
        if len(j.final) == 0:
            return ["grey"] * len(items), [0] * len(items), [False] * len(items)
        rag = np.where(known, j.final[where], GREY)
        slip = np.where(known, j.slip[where], 0)
        late = known & ((j.slip[where] > 0) | j.overdue[where])
        return [RAGS[r] for r in rag.tolist()], slip.tolist(), late.tolist()

    def milestone_count(self, item: str) -> int:
        at = self.units.get(item)
        return 0 if at is None else int(self.facts.ms_ptr[at + 1] - self.facts.ms_ptr[at])

    def late(self, item: str) -> bool:
        """A milestone is expected after plan, or overdue."""
        at = self.units.get(item)
        return at is not None and self.judged.late_list[at]

    def next_milestone(self, item: str) -> Milestone | None:
        """The open milestone expected first on the day."""
        at = self.units.get(item)
        found = -1 if at is None else self.judged.next_list[at]
        return self.facts.milestone_at(found) if found >= 0 else None

    def report(self, item: str) -> StatusReport | None:
        """The newest status report on or before the day (:meth:`Lookups.status_on`)."""
        at = self.units.get(item)
        found = -1 if at is None else self.judged.status_list[at]
        return self.facts.status_at(found) if found >= 0 else None

    def overdue(self, item: str) -> list[Milestone]:
        """The item's open milestones whose date has passed, in milestone order."""
        at = self.units.get(item)
        if at is None:
            return []
        a, b = int(self.facts.ms_ptr[at]), int(self.facts.ms_ptr[at + 1])
        late = np.flatnonzero(self.judged.overdue_ms[a:b]) + a
        return [self.facts.milestone_at(k) for k in late.tolist()]

    def status(self, item: str) -> str | None:
        report = self.report(item)
        return None if report is None else report.status

    def own_rag(self, item: str) -> tuple[str, list[str], int]:
        """``(rag, reasons, slip_days)`` from the item's own status and milestones."""
        found = self.own.get(item)
        if found is not None:
            return found
        at = self.units.get(item)
        if at is None:  # nothing recorded about it: nothing to judge
            found = ("grey", ["no dated milestone is recorded"], 0)
        else:
            j = self.judged
            slip, why = int(j.slip[at]), int(j.why[at])
            reasons: list[str] = []
            if why == _STATUS:
                reasons = [f"status {self.status(item)}"]
            elif why == _OVERDUE:
                reasons = [
                    f"milestone {label(self.index, m.iri, None)} overdue since "
                    f"{iso(m.forecast or m.planned)}"
                    for m in self.overdue(item)
                ]
            elif why == _SLIP:
                reasons = [f"a milestone is expected {slip} days after plan"]
            elif why == _UNDATED:
                reasons = ["no dated milestone is recorded"]
            elif why == _PAUSED:
                reasons = ["status paused"]
            found = (RAGS[int(j.own[at])], reasons, slip)
        self.own[item] = found
        return found

    def critical_prerequisites(self, item: str) -> list[tuple[str, str]]:
        pres = self.prerequisites.get(item)
        if not pres:
            return []
        return sorted(
            (pre, dep.criticality) for pre, dep in pres.items() if dep.criticality in CRITICAL
        )

    def rag(self, item: str) -> tuple[str, list[str], int]:
        """``(rag, reasons, slip_days)``, the item's own mark lowered by red prerequisites."""
        found = self.final.get(item)
        if found is not None:
            return found
        rag, reasons, slip = self.own_rag(item)
        if rag == "green":
            red = [
                pre for pre, _ in self.critical_prerequisites(item) if self.own_rag(pre)[0] == "red"
            ]
            if red:
                names = ", ".join(label(self.index, x, None) for x in red)
                rag, reasons = "amber", [f"critical prerequisite is red: {names}"]
        self.final[item] = (rag, reasons, slip)
        return self.final[item]
