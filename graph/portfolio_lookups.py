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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple, TypeVar

import numpy as np

from graph.index import GovIndex
from graph.portfolio_columns import Columns, numbers
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


#: The predicates :func:`lookups` reads (besides ``rdf:type`` and the labels): a write that
#: touches none of them leaves the lookups as they were (for a memo kept across writes).
LOOKUPS_READS = (
    p.MILESTONE_OF,
    p.PLANNED_DATE,
    p.FORECAST_DATE,
    p.ACTUAL_DATE,
    p.AFTER,
    p.STATUS_OF,
    p.STATUS,
    p.REPORT_DATE,
    p.PROGRESS,
    p.PHASE,
    v.DEPENDENT,
    v.PREREQUISITE,
    v.CRITICALITY,
    v.LAG_DAYS,
    v.DEPENDENCY_TYPE,
    v.HOLDER,
    v.MANDATE_STATUS,
    v.SCOPE,
    v.ACTION,
    v.TEMPORAL,
    v.MEMBER_DURING,
    v.START_DATE,
    v.END_DATE,
    v.SUBPROPERTY_OF,
    *sorted(v.WITHIN_SCOPE_PREDICATES),
)


@dataclass
class Lookups:
    """Everything the portfolio queries read, by what they look it up by.

    Beside the records, the dates as arrays for judging a whole board at once
    (:mod:`graph.queries.portfolio_judge`): ``units`` are the items that have milestones or
    status reports or take part in a dependency, ``ms_*`` one entry per milestone in the order
    of ``ms_list`` (by unit, then planned order), ``st_*`` one per status report (by unit, then
    day), dates as day ordinals (``0``: none).
    """

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
    # dependencies and mandates with a validity period (the others are valid every day)
    dated: frozenset[str] = frozenset()
    units: dict[str, int] = field(default_factory=dict)
    ms_list: list[Milestone] = field(default_factory=list)
    ms_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ms_planned: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ms_forecast: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ms_actual: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    ms_rank: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    st_list: list[StatusReport] = field(default_factory=list)
    st_unit: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    st_day: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    st_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))

    def status_on(self, item: str, day: date) -> StatusReport | None:
        """The newest status report of ``item`` on or before ``day``."""
        days = self.status_days.get(item)
        if not days:
            return None
        at = bisect.bisect_right(days, day)
        return self.statuses[item][at - 1] if at else None

    def valid_at(self, index: GovIndex, iri: str, day: date | None) -> bool:
        """:meth:`GovIndex.valid_at` for a dependency or mandate, without reading the many
        that have no validity period."""
        return iri not in self.dated or index.valid_at(iri, day)


def lookups(index: GovIndex) -> Lookups:
    """The lookups of ``index``, built on first use (read by predicate) and kept with it."""
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


def _follow_up(index: GovIndex, iri: str, out: Lookups) -> None:
    """Keep a ``follow_up`` mandate that is in force and has a holder."""
    holder, status = index.first(iri, v.HOLDER), index.first(iri, v.MANDATE_STATUS)
    if holder is not None and (status is None or concept_slug(status) not in NOT_IN_FORCE):
        out.follow_ups.append(FollowUp(iri, holder, tuple(index.out(iri, v.SCOPE))))


def _build(index: GovIndex) -> Lookups:
    out = Lookups()
    cols = Columns(index)
    terms = cols.projection.terms
    dates = cols.dates
    system = v.ENTITY_CLASSES["system"]
    typed = {cls: index.of_type(cls) for cls in (system, *PORTFOLIO_TYPES)}
    # Milestones: ids, owners and dates as arrays; records made once, in their final order.
    ms, owner = cols.links(p.MILESTONE_OF, p.MILESTONE)
    planned, forecast = cols.days(p.PLANNED_DATE)[ms], cols.days(p.FORECAST_DATE)[ms]
    actual = cols.days(p.ACTUAL_DATE)[ms]
    ms_rank = cols.ranks(ms)
    # Reports: the status (its concept's slug), the report day, progress and phase.
    reports, reported_of = cols.links(p.STATUS_OF, p.STATUS_REPORT)
    status_s, status_texts = cols.texts(p.STATUS)
    slugs: dict[str, int] = {}
    status_slugs: list[str] = []
    for text in dict.fromkeys(status_texts):
        slugs[text] = len(status_slugs)
        status_slugs.append(concept_slug(text))
    status_code = cols.dense(
        status_s, np.array([slugs[t] for t in status_texts], dtype=np.int64), fill=-1
    )[reports]
    report_day = cols.days(p.REPORT_DATE)[reports]
    keep = (status_code >= 0) & (report_day > 0)
    reports, reported_of = reports[keep], reported_of[keep]
    status_code, report_day = status_code[keep], report_day[keep]
    dependent = _firsts(index, v.DEPENDENT, v.DEPENDENCY)
    prerequisite = _firsts(index, v.PREREQUISITE)
    # Units: everything judged on a day (an item with milestones or reports, or a dependency's
    # end), numbered in IRI order.
    ids = cols.projection.ids
    ends = [
        ids.get(x)
        for d, needs in dependent.items()
        if d in prerequisite
        for x in (needs, prerequisite[d])
    ]
    unit_ids = np.unique(
        np.concatenate([owner, reported_of, np.array([e for e in ends if e is not None], np.int64)])
    )
    unit_ids = unit_ids[np.argsort(cols.ranks(unit_ids), kind="stable")]
    position = cols.dense(unit_ids, np.arange(len(unit_ids), dtype=np.int64), fill=-1)
    out.units = {terms[u]: k for k, u in enumerate(unit_ids.tolist())}
    # Milestones by unit, then planned (else forecast) day, then IRI.
    ms_unit = position[owner]
    order = np.lexsort(
        (
            ms_rank,
            np.where(planned > 0, planned, np.where(forecast > 0, forecast, date.max.toordinal())),
            ms_unit,
        )
    )
    ms, ms_unit, ms_rank = ms[order], ms_unit[order], ms_rank[order]
    planned, forecast, actual = planned[order], forecast[order], actual[order]
    afters = _all(index, p.AFTER)
    successors: dict[str, list[str]] = defaultdict(list)
    ms_list = []
    unit_names = list(out.units)
    for m, u, pd, fd, ad in zip(
        ms.tolist(),
        ms_unit.tolist(),
        planned.tolist(),
        forecast.tolist(),
        actual.tolist(),
        strict=True,
    ):
        iri = terms[m]
        after = tuple(afters.get(iri, ())) if afters else ()
        for before in after:
            successors[before].append(iri)
        ms_list.append(Milestone(iri, unit_names[u], dates[pd], dates[fd], dates[ad], after))
    bounds = np.searchsorted(ms_unit, np.arange(len(unit_ids) + 1))
    out.milestones = {
        unit_names[u]: ms_list[a:b]
        for u, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
        if b > a
    }
    out.milestone = {m.iri: m for m in ms_list}
    out.successors = {k: sorted(set(x)) for k, x in successors.items()}
    out.ms_list, out.ms_unit, out.ms_rank = ms_list, ms_unit, ms_rank
    out.ms_planned, out.ms_forecast, out.ms_actual = planned, forecast, actual
    # Status reports by unit, then day, then IRI.
    st_unit = position[reported_of]
    order = np.lexsort((cols.ranks(reports), report_day, st_unit))
    reports, st_unit = reports[order], st_unit[order]
    status_code, report_day = status_code[order], report_day[order]
    report_iris = [terms[r] for r in reports.tolist()]
    progress = _firsts(index, p.PROGRESS) if len(reports) else {}
    phase = _firsts(index, p.PHASE) if len(reports) else {}
    st_list = [
        StatusReport(
            iri,
            unit_names[u],
            dates[d],
            status_slugs[c],
            _number(progress.get(iri)),
            phase.get(iri),
        )
        for iri, u, d, c in zip(
            report_iris, st_unit.tolist(), report_day.tolist(), status_code.tolist(), strict=True
        )
    ]
    bounds = np.searchsorted(st_unit, np.arange(len(unit_ids) + 1))
    out.st_list, out.st_unit, out.st_day, out.st_ptr = st_list, st_unit, report_day, bounds
    for u, (a, b) in enumerate(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)):
        if b > a:
            out.statuses[unit_names[u]] = st_list[a:b]
            out.status_days[unit_names[u]] = [r.day for r in st_list[a:b]]
    criticality = _firsts(index, v.CRITICALITY)
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
        _follow_up(index, iri, out)
    out.dated = frozenset(index.subjects_with(v.TEMPORAL)) | frozenset(
        index.subjects_with(v.MEMBER_DURING)
    )
    portfolio_items = {i for cls in PORTFOLIO_TYPES for i in typed[cls]}
    out.items = frozenset(portfolio_items | set(typed[system]))
    out.portfolio_items = sorted(portfolio_items)
    out.dependencies.sort(key=lambda d: d.iri)
    out.follow_ups.sort(key=lambda f: f.iri)
    return out


#: The predicates :func:`indicator_lookups` reads (besides ``rdf:type``).
INDICATORS_READS = (p.IN_DATA_SET, p.REF_PERIOD, p.OBS_VALUE, p.REF_AREA)


@dataclass
class IndicatorLookups:
    """Indicators and their observations (the most numerous nodes, read apart).

    The observations are arrays, by indicator (``spans``: its ``[start, end)``), then day,
    area and IRI; :meth:`series` makes an indicator's records when they are asked for.
    """

    indicators: list[str]
    indicator_set: frozenset[str]
    spans: dict[str, tuple[int, int]]
    obs: np.ndarray  # term ids
    day: np.ndarray  # day ordinals
    value: np.ndarray  # floats
    area: np.ndarray  # index into ``areas``, -1 for none
    period: np.ndarray  # index into ``periods``
    areas: list[str]
    periods: list[str]
    terms: Sequence[str]
    dates: dict[int, Any]
    _series: dict[str, list[Observation]] = field(default_factory=dict)

    def record(self, k: int) -> Observation:
        """Observation ``k`` of the arrays."""
        area = int(self.area[k])
        return Observation(
            self.terms[int(self.obs[k])],
            self.periods[int(self.period[k])],
            self.dates[int(self.day[k])],
            float(self.value[k]),
            self.areas[area] if area >= 0 else None,
        )

    def series(self, indicator: str) -> list[Observation]:
        """Every observation of ``indicator``, oldest period first (kept once made)."""
        found = self._series.get(indicator)
        if found is None:
            a, b = self.spans.get(indicator, (0, 0))
            found = self._series[indicator] = [self.record(k) for k in range(a, b)]
        return found

    @property
    def observations(self) -> dict[str, list[Observation]]:
        """Every indicator's :meth:`series` (made for all: prefer :meth:`series`)."""
        return {i: self.series(i) for i in self.spans}


def indicator_lookups(index: GovIndex) -> IndicatorLookups:
    """Every indicator and its observations, oldest period first; read by predicate, kept
    with ``index``."""
    return index.memo("portfolio:indicators", lambda: quiet_build(lambda: _indicators(index)))


def _indicators(index: GovIndex) -> IndicatorLookups:
    cols = Columns(index)
    # Observations: the data set they belong to, their period (a date), value and area.
    obs, data_set = cols.links(p.IN_DATA_SET, p.OBSERVATION)
    period_s, period_texts = cols.texts(p.REF_PERIOD)
    codes: dict[str, int] = {}
    period_code = cols.dense(
        period_s,
        np.fromiter(
            (codes.setdefault(t, len(codes)) for t in period_texts),
            np.int64,
            count=len(period_texts),
        ),
        fill=-1,
    )[obs]
    periods = list(codes)
    ordinal = cols.ordinal
    period_day = np.array([ordinal(t) for t in periods] + [0], dtype=np.int64)[period_code]
    value_s, value_texts = cols.texts(p.OBS_VALUE)
    try:
        parsed = np.array(value_texts, dtype=np.float64) if value_texts else np.zeros(0)
        known = np.ones(len(parsed), dtype=bool)
    except ValueError:  # some are not numbers: read one at a time
        found = numbers(value_texts)
        parsed = np.array([0.0 if x is None else x for x in found], dtype=np.float64)
        known = np.array([x is not None for x in found], dtype=bool)
    has_value = cols.dense(value_s, known, fill=False)[obs]
    value = cols.dense(value_s, parsed, fill=0)[obs].astype(np.float64)
    keep = (period_code >= 0) & has_value & (period_day > 0)
    obs, data_set, value = obs[keep], data_set[keep], value[keep]
    period_code, period_day = period_code[keep], period_day[keep]
    area_s, area_texts = cols.texts(p.REF_AREA)
    areas = sorted(set(area_texts) | {""})
    area_index = {a: k for k, a in enumerate(areas)}
    area_code = cols.dense(
        area_s, np.array([area_index[a] for a in area_texts], dtype=np.int64), fill=-1
    )[obs]
    # Oldest first; then by area ("" for none) and IRI, as the answers list them.
    order = np.lexsort(
        (cols.ranks(obs), np.maximum(area_code, area_index[""]), period_day, data_set)
    )
    obs, data_set, value = obs[order], data_set[order], value[order]
    period_code, period_day, area_code = period_code[order], period_day[order], area_code[order]
    terms = cols.projection.terms
    starts = np.flatnonzero(np.diff(data_set, prepend=-1))  # data_set is sorted: its runs
    groups, ends = data_set[starts], np.append(starts[1:], len(data_set))[: len(starts)]
    spans = {
        terms[g]: (a, b)
        for g, a, b in zip(groups.tolist(), starts.tolist(), ends.tolist(), strict=True)
    }
    indicators = index.of_type(p.INDICATOR)
    return IndicatorLookups(
        indicators,
        frozenset(indicators),
        spans,
        obs,
        period_day,
        value,
        area_code,
        period_code,
        areas,
        periods,
        terms,
        cols.dates,
    )
