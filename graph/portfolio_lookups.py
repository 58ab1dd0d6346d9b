"""The portfolio lookups of a projection, read once per store generation.

Milestones and status reports by item, the dependencies, the follow-up mandates
(:func:`lookups`) and, apart, indicators and their observations (:func:`indicator_lookups`):
everything ``portfolio``, ``milestones``, ``indicators`` and ``slip`` read, gathered the first
time any of them is asked for, in one pass over the nodes when the projection holds them in a
dict, else through its type index (:meth:`GovIndex.of_type`), and kept with the projection
(:meth:`GovIndex.memo`). Only public :class:`GovIndex` members are used.

Each build runs with the cyclic garbage collector paused: it allocates hundreds of thousands
of small objects, and each burst would otherwise start collections that walk the whole
projection. (:func:`gc.freeze` after the build saved about a quarter of the CPU time of a
first 10,000-item answer but is left out: frozen objects are never collected, and a projection
sits in reference cycles, e.g. with the resolver's name index, so every replaced projection
would stay in memory.)
"""

from __future__ import annotations

import bisect
import gc
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar

from graph.index import GovIndex, Node
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.dates import last_day
from ontology.terms import Literal, concept, concept_slug

T = TypeVar("T")

FOLLOW_UP = concept("action", "follow_up")
# Mandates that are not in force (SHAPES.md, who-decides `other_mandates`) follow nothing.
NOT_IN_FORCE = frozenset({"recommended", "planned", "ended"})
PORTFOLIO_TYPES = (v.ENTITY_CLASSES["initiative"], v.ENTITY_CLASSES["project"])
ITEM_TYPES = frozenset({*PORTFOLIO_TYPES, v.ENTITY_CLASSES["system"]})


def day_of(value: str | None) -> date | None:
    """The last day a partial date covers (a milestone due ``2025-06`` is on time all June).

    >>> day_of("2025-06")
    datetime.date(2025, 6, 30)
    >>> day_of(None) is None
    True
    """
    if value is None:
        return None
    try:
        return last_day(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Milestone:
    iri: str
    item: str
    planned: date | None
    forecast: date | None
    actual: date | None
    after: tuple[str, ...]

    def achieved(self, day: date) -> bool:
        return self.actual is not None and self.actual <= day

    def expected(self, day: date) -> date | None:
        """When it is (or was) reached: actual, else forecast, else planned; never before
        ``day`` while still open (a date that passed without an actual date is overdue)."""
        if self.achieved(day):
            return self.actual
        best = self.actual or self.forecast or self.planned
        return None if best is None else max(best, day) if self.overdue(day) else best

    def overdue(self, day: date) -> bool:
        """Open, and its forecast (or planned) date has passed."""
        if self.achieved(day):
            return False
        best = self.forecast or self.planned
        return best is not None and best < day

    def slip(self, day: date) -> int | None:
        """Days the expected date lies after the planned one (``None`` without a plan)."""
        expected = self.expected(day)
        if self.planned is None or expected is None:
            return None
        return (expected - self.planned).days

    def state(self, day: date) -> str:
        if self.achieved(day):
            return "achieved"
        if self.overdue(day):
            return "overdue"
        slip = self.slip(day)
        if slip is None:
            return "undated" if self.expected(day) is None else "on_track"
        return "late" if slip > 0 else "on_track"


@dataclass(frozen=True)
class StatusReport:
    iri: str
    item: str
    day: date
    status: str
    progress: float | None
    phase: str | None


@dataclass(frozen=True)
class Observation:
    iri: str
    period: str
    day: date
    value: float
    area: str | None


@dataclass(frozen=True)
class Dependency:
    """One ``gg:Dependency``: ``dependent`` needs ``prerequisite``."""

    iri: str
    dependent: str
    prerequisite: str
    criticality: str
    rank: int
    type: str
    lag: int


@dataclass(frozen=True)
class FollowUp:
    """A ``follow_up`` mandate in force: its holder and its scopes."""

    iri: str
    holder: str
    scopes: tuple[str, ...]


@dataclass
class Lookups:
    """Everything the portfolio queries read, by what they look it up by."""

    milestones: dict[str, list[Milestone]] = field(default_factory=dict)
    milestone: dict[str, Milestone] = field(default_factory=dict)
    # milestone -> the milestones recorded ``after`` it
    successors: dict[str, list[str]] = field(default_factory=dict)
    statuses: dict[str, list[StatusReport]] = field(default_factory=dict)
    status_days: dict[str, list[date]] = field(default_factory=dict)
    items: frozenset[str] = frozenset()  # initiatives, projects and systems
    portfolio_items: list[str] = field(default_factory=list)  # initiatives and projects
    dependencies: list[Dependency] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)

    def status_on(self, item: str, day: date) -> StatusReport | None:
        """The newest status report of ``item`` on or before ``day``."""
        days = self.status_days.get(item)
        if not days:
            return None
        at = bisect.bisect_right(days, day)
        return self.statuses[item][at - 1] if at else None


def lookups(index: GovIndex) -> Lookups:
    """The lookups of ``index``, built on first use (one pass) and kept with it."""
    return index.memo("portfolio:lookups", lambda: quiet_build(lambda: _build(index)))


def quiet_build(build: Callable[[], T]) -> T:
    """``build()`` with the cyclic garbage collector paused (restored after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build()
    finally:
        if enabled:
            gc.enable()


def of_types(index: GovIndex, classes: tuple[str, ...]) -> dict[str, list[str]]:
    """Everything of each class: one pass when the projection holds its nodes in a dict,
    else :meth:`GovIndex.of_type` (an indexed projection answers it without a pass)."""
    nodes = index.nodes
    if not isinstance(nodes, dict):
        return {cls: index.of_type(cls) for cls in classes}
    wanted = frozenset(classes)
    out: dict[str, list[str]] = {cls: [] for cls in classes}
    for iri, node in nodes.items():
        if not wanted.isdisjoint(node.types):
            for cls in wanted & node.types:
                out[cls].append(iri)
    return out


def _first(links: dict[str, list[str]], pred: str) -> str | None:
    found = links.get(pred)
    return found[0] if found else None


def _text(literals: dict[str, list[Literal]], pred: str) -> str | None:
    found = literals.get(pred)
    return found[0].value if found else None


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _follow_up(node: Node, out: Lookups) -> None:
    """Keep a ``follow_up`` mandate that is in force and has a holder."""
    holder, status = node.first(v.HOLDER), node.first(v.MANDATE_STATUS)
    if holder is not None and (status is None or concept_slug(status) not in NOT_IN_FORCE):
        out.follow_ups.append(FollowUp(node.iri, holder, tuple(node.links.get(v.SCOPE, ()))))


def _build(index: GovIndex) -> Lookups:
    out = Lookups()
    days: dict[str | None, date | None] = {}

    def parse(value: str | None) -> date | None:
        # Dates repeat (a portfolio reports on the same days): parse each text once.
        if value in days:
            return days[value]
        found = days[value] = day_of(value)
        return found

    milestones: dict[str, list[Milestone]] = defaultdict(list)
    successors: dict[str, list[str]] = defaultdict(list)
    statuses: dict[str, list[StatusReport]] = defaultdict(list)
    node = index.node
    system = v.ENTITY_CLASSES["system"]
    typed = of_types(index, (p.MILESTONE, p.STATUS_REPORT, v.DEPENDENCY, system, *PORTFOLIO_TYPES))
    for iri in typed[p.MILESTONE]:
        here = node(iri)
        links, lits = here.links, here.literals
        item = _first(links, p.MILESTONE_OF)
        if item is None:
            continue
        after = tuple(links.get(p.AFTER, ()))
        for before in after:
            successors[before].append(iri)
        milestones[item].append(
            Milestone(
                iri,
                item,
                parse(_text(lits, p.PLANNED_DATE)),
                parse(_text(lits, p.FORECAST_DATE)),
                parse(_text(lits, p.ACTUAL_DATE)),
                after,
            )
        )
    for iri in typed[p.STATUS_REPORT]:
        here = node(iri)
        links, lits = here.links, here.literals
        item, status = _first(links, p.STATUS_OF), _first(links, p.STATUS)
        day = parse(_text(lits, p.REPORT_DATE))
        if item is not None and status is not None and day is not None:
            statuses[item].append(
                StatusReport(
                    iri,
                    item,
                    day,
                    concept_slug(status),
                    _number(_text(lits, p.PROGRESS)),
                    _text(lits, p.PHASE),
                )
            )
    for iri in typed[v.DEPENDENCY]:
        here = node(iri)
        dependent, prerequisite = here.first(v.DEPENDENT), here.first(v.PREREQUISITE)
        if dependent is None or prerequisite is None:
            continue
        crit = concept_slug(here.first(v.CRITICALITY) or "") or "low"
        lag = _number(here.first(v.LAG_DAYS))
        out.dependencies.append(
            Dependency(
                iri,
                dependent,
                prerequisite,
                crit,
                v.CRITICALITY_RANK.get(crit, 1),
                concept_slug(here.first(v.DEPENDENCY_TYPE) or ""),
                int(lag) if lag is not None else 0,
            )
        )
    for iri in index.into(FOLLOW_UP, v.ACTION):
        _follow_up(node(iri), out)
    portfolio_items = {i for cls in PORTFOLIO_TYPES for i in typed[cls]}
    out.items = frozenset(portfolio_items | set(typed[system]))
    out.portfolio_items = sorted(portfolio_items)
    for ms in milestones.values():
        ms.sort(key=lambda m: (m.planned or m.forecast or date.max, m.iri))
    for reports in statuses.values():
        reports.sort(key=lambda r: (r.day, r.iri))
    out.milestones = dict(milestones)
    out.milestone = {m.iri: m for ms in milestones.values() for m in ms}
    out.successors = {k: sorted(set(x)) for k, x in successors.items()}
    out.statuses = dict(statuses)
    out.status_days = {item: [r.day for r in reports] for item, reports in statuses.items()}
    out.dependencies.sort(key=lambda d: d.iri)
    out.follow_ups.sort(key=lambda f: f.iri)
    return out


@dataclass
class IndicatorLookups:
    """Indicators and their observations (the most numerous nodes, read apart)."""

    observations: dict[str, list[Observation]]
    indicators: list[str]
    indicator_set: frozenset[str]


def indicator_lookups(index: GovIndex) -> IndicatorLookups:
    """Every indicator and its observations, oldest period first; one pass, kept with ``index``."""
    return index.memo("portfolio:indicators", lambda: quiet_build(lambda: _indicators(index)))


def _indicators(index: GovIndex) -> IndicatorLookups:
    days: dict[str, date | None] = {}
    observations: dict[str, list[Observation]] = defaultdict(list)
    typed = of_types(index, (p.OBSERVATION, p.INDICATOR))
    for iri in typed[p.OBSERVATION]:
        node = index.node(iri)
        links, lits = node.links, node.literals
        indicator = _first(links, p.IN_DATA_SET)
        period, number = _text(lits, p.REF_PERIOD), _number(_text(lits, p.OBS_VALUE))
        if indicator is None or period is None or number is None:
            continue
        day = days[period] if period in days else days.setdefault(period, day_of(period))
        if day is not None:
            area = _first(links, p.REF_AREA) or _text(lits, p.REF_AREA)
            observations[indicator].append(Observation(iri, period, day, number, area))
    for series in observations.values():
        series.sort(key=lambda o: (o.day, o.area or "", o.iri))
    indicators = sorted(typed[p.INDICATOR])
    return IndicatorLookups(dict(observations), indicators, frozenset(indicators))
