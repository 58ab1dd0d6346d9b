"""The portfolio lookups of a projection, read once per store generation.

Milestones and status reports by item, the dependencies, the follow-up mandates and what lies
within each scope (:func:`lookups`) and, apart, indicators and their observations
(:func:`indicator_lookups`, :mod:`graph.indicator_lookups`): everything ``portfolio``,
``milestones``, ``indicators`` and ``slip`` read, gathered the first time any of them is asked
for and kept with the projection (:meth:`GovIndex.memo`).

They are read **by predicate** into numpy arrays (:class:`graph.portfolio_columns.Columns`:
a few vectorised passes over the projection's arrays, dates as day ordinals), not node by
node; the records (:mod:`graph.portfolio_records`) are made from the arrays when an answer
asks for them, and a whole board is judged over the arrays
(:mod:`graph.queries.portfolio_judge`). So the first answer after a write costs a few tens of
milliseconds here at 10,000 initiatives, not a pass that makes every record. Only public
:class:`GovIndex` members are used.

:data:`LOOKUPS_READS` and :data:`INDICATORS_READS` (:mod:`graph.portfolio_reads`) name the
predicates each reads: a write that changes none of them leaves them as they were, one of
statuses, milestone dates or observed values patches them (:mod:`graph.portfolio_patch`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TypeVar, cast

import numpy as np

from graph.arrays import distinct, stable_lex_order, stable_order
from graph.index import GovIndex
from graph.indicator_lookups import INDICATORS_READS, IndicatorLookups, indicator_lookups
from graph.portfolio_columns import Columns, kept, quiet_build
from graph.portfolio_reads import LOOKUPS_READS, READS, STRUCTURE_READS, TIMELINE_READS
from graph.portfolio_records import (
    ByIri,
    Dependency,
    FollowUp,
    Milestone,
    Observation,
    Records,
    StatusReport,
    TermList,
    day_of,
)
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import concept, concept_slug

__all__ = [
    "FOLLOW_UP",
    "INDICATORS_READS",
    "ITEM_TYPES",
    "LOOKUPS_READS",
    "NOT_IN_FORCE",
    "PORTFOLIO_TYPES",
    "READS",
    "STRUCTURE_READS",
    "TIMELINE_READS",
    "Dependency",
    "FollowUp",
    "IndicatorLookups",
    "Lookups",
    "Milestone",
    "Observation",
    "StatusReport",
    "day_of",
    "indicator_lookups",
    "lookups",
    "quiet_build",
]

FOLLOW_UP = concept("action", "follow_up")
# Mandates that are not in force (SHAPES.md, who-decides `other_mandates`) follow nothing.
NOT_IN_FORCE = frozenset({"recommended", "planned", "ended"})
PORTFOLIO_TYPES = (v.ENTITY_CLASSES["initiative"], v.ENTITY_CLASSES["project"])
ITEM_TYPES = frozenset({*PORTFOLIO_TYPES, v.ENTITY_CLASSES["system"]})
T = TypeVar("T")


def _no_ints() -> np.ndarray:
    return np.zeros(0, np.int64)


@dataclass
class Lookups:
    """Everything the portfolio queries read, by what they look it up by.

    ``units`` number everything judged on a day (the items with milestones or status reports
    and both ends of each dependency), in IRI order. The ``ms_*`` arrays hold one entry per
    milestone (by unit, then planned order; :meth:`milestone_at` makes its record), the
    ``st_*`` arrays one per status report (by unit, then day; :meth:`status_at`); dates are day
    ordinals, ``0`` for none. ``milestones``, ``milestone`` and ``statuses`` make records from
    them on first access.
    """

    milestones: Mapping[str, list[Milestone]] = field(default_factory=dict)
    milestone: Mapping[str, Milestone] = field(default_factory=dict)
    # milestone -> the milestones recorded ``after`` it
    successors: dict[str, list[str]] = field(default_factory=dict)
    statuses: Mapping[str, list[StatusReport]] = field(default_factory=dict)
    items: frozenset[str] = frozenset()  # initiatives, projects and systems
    portfolio_items: list[str] = field(default_factory=list)  # initiatives and projects
    dependencies: list[Dependency] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)
    # scope -> what lies within it (``gg:withinScope`` predicates pointing at it)
    within: dict[str, list[str]] = field(default_factory=dict)
    # dependencies and mandates with a validity period (the others are valid every day)
    dated: frozenset[str] = frozenset()
    units: dict[str, int] = field(default_factory=dict)
    unit_names: list[str] = field(default_factory=list)
    # their term ids (stable across writes; a reader checks them against the terms)
    unit_terms: list[int] = field(default_factory=list)
    ms_unit: np.ndarray = field(default_factory=_no_ints)
    ms_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    ms_planned: np.ndarray = field(default_factory=_no_ints)
    ms_forecast: np.ndarray = field(default_factory=_no_ints)
    ms_actual: np.ndarray = field(default_factory=_no_ints)
    ms_rank: np.ndarray = field(default_factory=_no_ints)
    st_unit: np.ndarray = field(default_factory=_no_ints)
    st_day: np.ndarray = field(default_factory=_no_ints)
    st_code: np.ndarray = field(default_factory=_no_ints)  # index into ``status_slugs``
    st_ptr: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    status_slugs: list[str] = field(default_factory=list)
    _milestone_at: Callable[[int], Milestone] | None = None
    _status_at: Callable[[int], StatusReport] | None = None
    # For a patch (:mod:`graph.portfolio_patch`): the IRIs of the ``ms_*`` and ``st_*``
    # entries, the dates by ordinal, and what makes the records from the arrays again.
    ms_iris: Sequence[str] = field(default_factory=list)
    st_iris: Sequence[str] = field(default_factory=list)
    dates: dict[int, date | None] = field(default_factory=dict)
    remake: Callable[[Lookups], None] | None = None

    def milestone_at(self, k: int) -> Milestone:
        """Milestone ``k`` of the ``ms_*`` arrays."""
        assert self._milestone_at is not None
        return self._milestone_at(k)

    def status_at(self, k: int) -> StatusReport:
        """Status report ``k`` of the ``st_*`` arrays."""
        assert self._status_at is not None
        return self._status_at(k)

    def status_on(self, item: str, day: date) -> StatusReport | None:
        """The newest status report of ``item`` on or before ``day``."""
        u = self.units.get(item)
        if u is None:
            return None
        a, b = int(self.st_ptr[u]), int(self.st_ptr[u + 1])
        at = a + int(np.searchsorted(self.st_day[a:b], day.toordinal(), side="right"))
        return self.status_at(at - 1) if at > a else None

    def valid_at(self, index: GovIndex, iri: str, day: date | None) -> bool:
        """:meth:`GovIndex.valid_at` for a dependency or mandate, without reading the many
        that have no validity period."""
        return iri not in self.dated or index.valid_at(iri, day)


def lookups(index: GovIndex) -> Lookups:
    """The lookups of ``index``, built on first use (read by predicate) and kept with it
    (and with the index a write makes, if the write changes none of :data:`LOOKUPS_READS`)."""
    return kept(
        index, "portfolio:lookups", lambda: quiet_build(lambda: _build(index)), READS, _patch
    )


def _patch(old: Lookups, index: GovIndex, touched: object) -> Lookups | None:
    from graph.portfolio_patch import patched  # it reads this module

    return patched(old, index, touched)


def _firsts(index: GovIndex, predicate: str, of_type: str | None = None) -> dict[str, str]:
    """Each subject's first object of ``predicate`` (:meth:`Node.first`), read by predicate."""
    subjects, objects = index.pairs(predicate, of_type)
    return dict(zip(reversed(subjects), reversed(objects), strict=True))  # the first one wins


def _all(index: GovIndex, predicate: str) -> dict[str, list[str]]:
    """Each subject's objects of ``predicate``, in order, read by predicate."""
    out: dict[str, list[str]] = defaultdict(list)
    for subject, obj in zip(*index.pairs(predicate), strict=True):
        out[subject].append(obj)
    return out


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def _cached(make: Callable[[int], T]) -> Callable[[int], T]:
    """``make``, each answer kept (a record asked for twice is one object)."""
    made: dict[int, T] = {}

    def get(k: int) -> T:
        found = made.get(k)
        if found is None:
            found = made[k] = make(k)
        return found

    return get


def _build(index: GovIndex) -> Lookups:
    out = Lookups()
    cols = Columns(index)
    terms, dates = cols.projection.terms, cols.dates
    # Milestones and reports: ids, owners, dates and status codes, as arrays.
    ms, owner = cols.links(p.MILESTONE_OF, p.MILESTONE)
    planned, forecast = cols.days(p.PLANNED_DATE)[ms], cols.days(p.FORECAST_DATE)[ms]
    actual = cols.days(p.ACTUAL_DATE)[ms]
    reports, reported_of = cols.links(p.STATUS_OF, p.STATUS_REPORT)
    status_s, status_codes, status_texts = cols.codes(p.STATUS)
    out.status_slugs = [concept_slug(text) for text in status_texts]
    status_code = cols.dense(status_s, status_codes, fill=-1)[reports]
    report_day = cols.days(p.REPORT_DATE)[reports]
    keep = (status_code >= 0) & (report_day > 0)
    reports, reported_of = reports[keep], reported_of[keep]
    status_code, report_day = status_code[keep], report_day[keep]
    ends = _dependencies(cols, out)
    # Units: everything judged on a day, numbered in IRI order.
    unit_ids = distinct(np.concatenate([owner, reported_of, ends]))
    unit_ids = unit_ids[stable_order(cols.ranks(unit_ids))]
    out.unit_terms = unit_ids.tolist()
    names = out.unit_names = list(map(terms.__getitem__, out.unit_terms))
    out.units = units = dict(zip(names, range(len(names)), strict=True))
    position = cols.dense(unit_ids, np.arange(len(unit_ids), dtype=np.int64), fill=-1)
    # Milestones by unit, then planned (else forecast) day, then IRI.
    ms_unit, ms_rank = position[owner], cols.ranks(ms)
    key = np.where(planned > 0, planned, np.where(forecast > 0, forecast, date.max.toordinal()))
    order = stable_lex_order((ms_rank, key, ms_unit))
    ms, out.ms_unit, out.ms_rank = ms[order], ms_unit[order], ms_rank[order]
    out.ms_planned, out.ms_forecast = planned[order], forecast[order]
    out.ms_actual = actual[order]
    afters = _all(index, p.AFTER)
    successors: dict[str, list[str]] = defaultdict(list)
    for later, befores in afters.items():
        for before in befores:
            successors[before].append(later)
    out.successors = {k: sorted(set(x)) for k, x in successors.items()}
    # Records name things by IRI, never by term id: the lookups may outlive this projection
    # (an index made by a write that changes none of :data:`LOOKUPS_READS` keeps them).
    out.ms_iris = TermList(terms, ms)
    out.ms_ptr = np.searchsorted(out.ms_unit, np.arange(len(names) + 1))
    # Status reports by unit, then day, then IRI.
    st_unit = position[reported_of]
    order = stable_lex_order((cols.ranks(reports), report_day, st_unit))
    reports, out.st_unit = reports[order], st_unit[order]
    out.st_code, out.st_day = status_code[order], report_day[order]
    out.st_ptr = np.searchsorted(out.st_unit, np.arange(len(names) + 1))
    progress_s, progress_codes, progress_texts = cols.codes(p.PROGRESS)
    progress_at = cols.dense(progress_s, progress_codes, fill=-1)[reports]
    phase_s, phase_codes, phase_texts = cols.codes(p.PHASE)
    phase_at = cols.dense(phase_s, phase_codes, fill=-1)[reports]
    out.st_iris = TermList(terms, reports)
    progress_l, phase_l = progress_at.tolist(), phase_at.tolist()
    ms_unit_l, st_unit_l, day_l = out.ms_unit.tolist(), out.st_unit.tolist(), out.st_day.tolist()

    def records(lk: Lookups) -> None:
        """Make ``lk``'s records from its arrays (again, after a patch changed a few)."""
        ms_iris, report_iris, slugs, dates = lk.ms_iris, lk.st_iris, lk.status_slugs, lk.dates
        planned_l, forecast_l = lk.ms_planned.tolist(), lk.ms_forecast.tolist()
        actual_l, code_l = lk.ms_actual.tolist(), lk.st_code.tolist()

        def milestone(k: int) -> Milestone:
            iri = ms_iris[k]
            return Milestone(
                iri,
                names[ms_unit_l[k]],
                dates[planned_l[k]],
                dates[forecast_l[k]],
                dates[actual_l[k]],
                tuple(afters.get(iri, ())),
            )

        def status(k: int) -> StatusReport:
            return StatusReport(
                report_iris[k],
                names[st_unit_l[k]],
                cast(date, dates[day_l[k]]),  # reports without a day are left out
                slugs[code_l[k]],
                _number(progress_texts[progress_l[k]]) if progress_l[k] >= 0 else None,
                phase_texts[phase_l[k]] if phase_l[k] >= 0 else None,
            )

        lk._milestone_at = _cached(milestone)
        lk.milestones = Records(units, names, lk.ms_ptr, lk._milestone_at)
        lk.milestone = ByIri(ms_iris, lk._milestone_at)
        lk._status_at = _cached(status)
        lk.statuses = Records(units, names, lk.st_ptr, lk._status_at)

    out.dates, out.remake = dict(dates), records
    records(out)
    _scopes(index, cols, out)
    return out


def _dependencies(cols: Columns, out: Lookups) -> np.ndarray:
    """Every dependency with both ends, by IRI; returns the term ids of their ends."""
    deps, needs = cols.links(v.DEPENDENT, v.DEPENDENCY)
    pre_s, pre_o = cols.links(v.PREREQUISITE)
    pre = cols.dense(pre_s, pre_o, fill=-1)[deps]
    keep = pre >= 0
    deps, needs, pre = deps[keep], needs[keep], pre[keep]
    order = stable_order(cols.ranks(deps))
    deps, needs, pre = deps[order], needs[order], pre[order]

    def column(predicate: str) -> list[str]:
        """The slug of each dependency's first value of ``predicate`` ("" if it has none):
        a few concepts, each named thousands of times, made into slugs once."""
        subjects, codes, texts = cols.codes(predicate)
        slugs = np.array([*map(concept_slug, texts), ""], dtype=object)
        return slugs[cols.dense(subjects, codes, fill=-1)[deps]].tolist()

    lag_s, lag_texts = cols.texts(v.LAG_DAYS)
    lag_at = cols.dense(lag_s, np.arange(len(lag_texts)), fill=-1)[deps].tolist()
    lags = [
        0 if k < 0 else int(x) if (x := _number(lag_texts[k])) is not None else 0 for k in lag_at
    ]
    criticality = [crit or "low" for crit in column(v.CRITICALITY)]
    ranks = [v.CRITICALITY_RANK.get(crit, 1) for crit in criticality]
    terms = cols.projection.terms
    out.dependencies = list(
        map(
            Dependency,
            map(terms.__getitem__, deps.tolist()),
            map(terms.__getitem__, needs.tolist()),
            map(terms.__getitem__, pre.tolist()),
            criticality,
            ranks,
            column(v.DEPENDENCY_TYPE),
            lags,
        )
    )
    return np.concatenate([needs, pre])


def _scopes(index: GovIndex, cols: Columns, out: Lookups) -> None:
    """Items, what lies within each scope, the follow-up mandates in force and what has a
    validity period."""
    within: dict[str, list[str]] = defaultdict(list)
    for pred in sorted(index.within_scope_predicates):
        for part, scope in zip(*index.pairs(pred), strict=True):
            within[scope].append(part)
    out.within = dict(within)
    for iri in index.into(FOLLOW_UP, v.ACTION):
        holder, status = index.first(iri, v.HOLDER), index.first(iri, v.MANDATE_STATUS)
        if holder is not None and (status is None or concept_slug(status) not in NOT_IN_FORCE):
            out.follow_ups.append(FollowUp(iri, holder, tuple(index.out(iri, v.SCOPE))))
    out.follow_ups.sort(key=lambda f: f.iri)
    out.dated = frozenset(index.subjects_with(v.TEMPORAL)) | frozenset(
        index.subjects_with(v.MEMBER_DURING)
    )
    # Members by term id, sorted by rank (the IRIs' string order) rather than by string.
    terms = cols.projection.terms
    members = distinct(np.concatenate([cols.members(cls) for cls in PORTFOLIO_TYPES]))
    members = members[stable_order(cols.ranks(members))]
    out.portfolio_items = list(map(terms.__getitem__, members.tolist()))
    systems = cols.members(v.ENTITY_CLASSES["system"]).tolist()
    out.items = frozenset(out.portfolio_items).union(map(terms.__getitem__, systems))
