"""Indicators and their observations, read by predicate into arrays once per projection.

The most numerous nodes of a portfolio (100,000 observations for 1,000 indicators) are never
made into records all at once: :class:`IndicatorLookups` keeps their ids, days, values and
areas as numpy arrays in answer order, and :meth:`IndicatorLookups.record` makes the few an
answer shows (the latest and previous value; a chart's series).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.index import GovIndex
from graph.portfolio_columns import Columns, kept, lex_order, quiet_build
from graph.portfolio_records import Observation, TermList
from ontology import portfolio_terms as p
from ontology.terms import RDF_TYPE

#: The predicates :func:`indicator_lookups` reads (besides ``rdf:type``).
INDICATORS_READS = (p.IN_DATA_SET, p.REF_PERIOD, p.OBS_VALUE, p.REF_AREA)
READS = (RDF_TYPE, *INDICATORS_READS)  # classes too: indicators and observations


@dataclass
class IndicatorLookups:
    """Indicators and their observations (the most numerous nodes, read apart).

    The observations are arrays, by indicator (``spans``: its ``[start, end)``), then day,
    area and IRI; :meth:`series` makes an indicator's records when they are asked for.
    """

    indicators: list[str]
    indicator_set: frozenset[str]
    spans: dict[str, tuple[int, int]]
    obs: Sequence[str]  # IRIs (never bare term ids: the lookups may outlive the projection)
    day: np.ndarray  # day ordinals
    value: np.ndarray  # floats
    area: np.ndarray  # index into ``areas``, -1 for none
    period: np.ndarray  # index into ``periods``
    areas: list[str]
    periods: list[str]
    dates: dict[int, Any]
    _series: dict[str, list[Observation]] = field(default_factory=dict)
    _positions: dict[str, int] | None = None

    def positions(self) -> dict[str, int]:
        """Each observation's place in the arrays (made on first use, shared by patches)."""
        if self._positions is None:
            self._positions = dict(zip(self.obs, range(len(self.obs)), strict=True))
        return self._positions

    def record(self, k: int) -> Observation:
        """Observation ``k`` of the arrays."""
        area = int(self.area[k])
        return Observation(
            self.obs[k],
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
    return kept(
        index,
        "portfolio:indicators",
        lambda: quiet_build(lambda: _indicators(index)),
        READS,
        _patch,
    )


def _patch(old: IndicatorLookups, index: GovIndex, touched: object) -> IndicatorLookups | None:
    from graph.portfolio_patch import indicators_patched  # it reads this module

    return indicators_patched(old, index, touched)


def _indicators(index: GovIndex) -> IndicatorLookups:
    cols = Columns(index)
    # Observations: the data set they belong to, their period (a date), value and area.
    obs, data_set = cols.links(p.IN_DATA_SET, p.OBSERVATION)
    period_s, period_codes, period_texts = cols.codes(p.REF_PERIOD)
    periods = sorted(period_texts)  # a few hundred periods, named 100,000 times
    place = {text: k for k, text in enumerate(periods)}
    recode = np.array([place[text] for text in period_texts] or [0], dtype=np.int64)
    period_code = cols.dense(period_s, recode[period_codes], fill=-1)[obs]
    ordinal = cols.ordinal
    period_day = np.array([ordinal(t) for t in periods] + [0], dtype=np.int64)[period_code]
    value_s, parsed, known = cols.numbers(p.OBS_VALUE)
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
    order = lex_order(
        (cols.ranks(obs), np.maximum(area_code, area_index[""]), period_day, data_set)
    )
    if order is not None:
        obs, data_set, value = obs[order], data_set[order], value[order]
        period_code, period_day = period_code[order], period_day[order]
        area_code = area_code[order]
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
        TermList(terms, obs),
        period_day,
        value,
        area_code,
        period_code,
        areas,
        periods,
        cols.dates,
    )
