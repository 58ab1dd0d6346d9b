"""The portfolio lookups of a projection, read once per store generation.

Milestones and status reports by item, the dependencies, the follow-up mandates and what lies
within each scope (:func:`lookups`) and, apart, indicators and their observations
(:func:`indicator_lookups`): everything ``portfolio``, ``milestones``, ``indicators`` and
``slip`` read, gathered the first time any of them is asked for and kept with the projection
(:meth:`GovIndex.memo`). They are read **by predicate** (:meth:`GovIndex.pairs`: one pass over
the projection's arrays per predicate), not node by node: no :class:`Node` is made for the
tens of thousands of milestones, status reports and observations, and the records are named
tuples (made several times faster than frozen dataclasses). Only public :class:`GovIndex`
members are used.

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
from typing import NamedTuple, TypeVar

from graph.index import GovIndex, Node
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.dates import last_day
from ontology.terms import concept, concept_slug

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


class Milestone(NamedTuple):
    """One ``gg:Milestone`` (a tuple, as every record here: tens of thousands are made at once,
    and a tuple is made several times faster than a frozen dataclass)."""

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


class StatusReport(NamedTuple):
    iri: str
    item: str
    day: date
    status: str
    progress: float | None
    phase: str | None


class Observation(NamedTuple):
    iri: str
    period: str
    day: date
    value: float
    area: str | None


class Dependency(NamedTuple):
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
    # scope -> what lies within it (``gg:withinScope`` predicates pointing at it)
    within: dict[str, list[str]] = field(default_factory=dict)

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


def _firsts(index: GovIndex, predicate: str, of_type: str | None = None) -> dict[str, str]:
    """Each subject's first object of ``predicate`` (:meth:`Node.first`), read by predicate."""
    subjects, objects = index.pairs(predicate, of_type)
    return dict(zip(reversed(subjects), reversed(objects), strict=True))  # the first one wins


def _all(index: GovIndex, predicate: str, of_type: str | None = None) -> dict[str, list[str]]:
    """Each subject's objects of ``predicate``, in order, read by predicate."""
    out: dict[str, list[str]] = defaultdict(list)
    for subject, obj in zip(*index.pairs(predicate, of_type), strict=True):
        out[subject].append(obj)
    return out


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
    typed = of_types(index, (system, *PORTFOLIO_TYPES))
    # Read by predicate from the projection's arrays: no node is made for these.
    item_of = _firsts(index, p.MILESTONE_OF, p.MILESTONE)
    planned, forecast = _firsts(index, p.PLANNED_DATE), _firsts(index, p.FORECAST_DATE)
    actual, afters = _firsts(index, p.ACTUAL_DATE), _all(index, p.AFTER)
    for iri, item in item_of.items():
        after = tuple(afters.get(iri, ()))
        for before in after:
            successors[before].append(iri)
        milestones[item].append(
            Milestone(
                iri,
                item,
                parse(planned.get(iri)),
                parse(forecast.get(iri)),
                parse(actual.get(iri)),
                after,
            )
        )
    status_of, status = _firsts(index, p.STATUS_OF, p.STATUS_REPORT), _firsts(index, p.STATUS)
    reported, progress = _firsts(index, p.REPORT_DATE), _firsts(index, p.PROGRESS)
    phase = _firsts(index, p.PHASE)
    slugs: dict[str, str] = {}
    for iri, item in status_of.items():
        value, day = status.get(iri), parse(reported.get(iri))
        if value is not None and day is not None:
            slug = slugs.get(value) or slugs.setdefault(value, concept_slug(value))
            statuses[item].append(
                StatusReport(iri, item, day, slug, _number(progress.get(iri)), phase.get(iri))
            )
    dependent = _firsts(index, v.DEPENDENT, v.DEPENDENCY)
    prerequisite, criticality = _firsts(index, v.PREREQUISITE), _firsts(index, v.CRITICALITY)
    lags, kinds = _firsts(index, v.LAG_DAYS), _firsts(index, v.DEPENDENCY_TYPE)
    for iri, needs in dependent.items():
        pre = prerequisite.get(iri)
        if pre is None:
            continue
        crit = concept_slug(criticality.get(iri) or "") or "low"
        lag = _number(lags.get(iri))
        out.dependencies.append(
            Dependency(
                iri,
                needs,
                pre,
                crit,
                v.CRITICALITY_RANK.get(crit, 1),
                concept_slug(kinds.get(iri) or ""),
                int(lag) if lag is not None else 0,
            )
        )
    within: dict[str, list[str]] = defaultdict(list)
    for pred in sorted(index.within_scope_predicates):
        for part, scope in zip(*index.pairs(pred), strict=True):
            within[scope].append(part)
    out.within = dict(within)
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
    # Read by predicate from the projection's arrays: no node is made for the observations.
    data_set = _firsts(index, p.IN_DATA_SET, p.OBSERVATION)
    periods, values = _firsts(index, p.REF_PERIOD), _firsts(index, p.OBS_VALUE)
    areas = _firsts(index, p.REF_AREA)
    for iri, indicator in data_set.items():
        period, number = periods.get(iri), _number(values.get(iri))
        if period is None or number is None:
            continue
        day = days[period] if period in days else days.setdefault(period, day_of(period))
        if day is not None:
            observations[indicator].append(Observation(iri, period, day, number, areas.get(iri)))
    for series in observations.values():
        series.sort(key=lambda o: (o.day, o.area or "", o.iri))
    indicators = index.of_type(p.INDICATOR)
    return IndicatorLookups(dict(observations), indicators, frozenset(indicators))
