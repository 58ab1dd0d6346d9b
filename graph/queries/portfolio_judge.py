"""Red, amber, green of portfolio items on one day (the rules: docs/portfolio.md, "Red,
amber, green"; :mod:`graph.queries.portfolio`)."""

from __future__ import annotations

from datetime import date

from graph.index import GovIndex
from graph.portfolio_lookups import Milestone, lookups
from graph.queries.portfolio_facts import dependents, iso, label, prerequisites
from ontology import portfolio_terms as p

RAG_ORDER = {"red": 0, "amber": 1, "green": 2, "grey": 3}
CRITICAL = frozenset({"critical", "high"})


class _Today:
    """An item's milestones judged on one day: the open ones, the overdue ones, the next one
    (earliest expected), the largest slip and whether any milestone is dated."""

    __slots__ = ("next", "open", "overdue", "slip", "dated")

    def __init__(self, milestones: list[Milestone], day: date) -> None:
        self.open = [m for m in milestones if not m.achieved(day)]
        self.overdue = [m for m in self.open if m.overdue(day)]
        self.next: Milestone | None = None
        best: tuple[date, str] | None = None
        slip = 0
        for m in self.open:
            expected = m.expected(day)
            if expected is None:
                continue
            if best is None or (expected, m.iri) < best:
                best, self.next = (expected, m.iri), m
            if m.planned is not None:
                slip = max(slip, (expected - m.planned).days)
        self.slip = slip
        self.dated = any(m.planned or m.forecast or m.actual for m in milestones)


class Judge:
    """Red/amber/green per item on one day; prerequisites judged once each (memoised)."""

    def __init__(self, index: GovIndex, day: date) -> None:
        self.index = index
        self.day = day
        self.facts = lookups(index)
        self.by_item = self.facts.milestones
        self.prerequisites = prerequisites(index, day)
        self.dependents = dependents(index, day)
        # Judgements are derived data of the projection and the day: kept with the index.
        self.today: dict[str, _Today] = index.memo(f"portfolio:today:{day}", dict)
        self.own: dict[str, tuple[str, list[str], int]] = index.memo(f"portfolio:own:{day}", dict)
        self.final: dict[str, tuple[str, list[str], int]] = index.memo(f"portfolio:rag:{day}", dict)

    def milestones_on(self, item: str) -> _Today:
        found = self.today.get(item)
        if found is None:
            found = self.today[item] = _Today(self.by_item.get(item, []), self.day)
        return found

    def own_rag(self, item: str) -> tuple[str, list[str], int]:
        """``(rag, reasons, slip_days)`` from the item's own status and milestones."""
        found = self.own.get(item)
        if found is not None:
            return found
        report = self.facts.status_on(item, self.day)
        status = report.status if report else None
        today = self.milestones_on(item)
        slip = today.slip
        reasons: list[str] = []
        if status == "completed":
            rag = "green"
        elif status in ("cancelled", "retired"):
            rag, reasons = "grey", [f"status {status}"]
        elif today.overdue:
            rag = "red"
            reasons = [
                f"milestone {label(self.index, m.iri, None)} overdue since {iso(m.forecast or m.planned)}"
                for m in today.overdue
            ]
        elif slip >= p.RED_SLIP_DAYS:
            rag, reasons = "red", [f"a milestone is expected {slip} days after plan"]
        elif slip >= p.AMBER_SLIP_DAYS:
            rag, reasons = "amber", [f"a milestone is expected {slip} days after plan"]
        elif not today.dated:
            rag, reasons = "grey", ["no dated milestone is recorded"]
        else:
            rag = "green"
        if status == "paused" and rag == "green":
            rag, reasons = "amber", ["status paused"]
        self.own[item] = (rag, reasons, slip)
        return self.own[item]

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
