"""``indicators``: each indicator's latest value, trend and distance to its target.

Indicators are ``qb:DataSet``s (``gg:Indicator``); their observations ``qb:Observation``s with
``sdmx-dimension:refPeriod`` and ``sdmx-measure:obsValue`` (docs/ontology.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import numpy as np

from graph.index import GovIndex, index_of
from graph.portfolio_lookups import IndicatorLookups, Observation, indicator_lookups, quiet_build
from graph.portfolio_patch import Rows, rows_patched
from graph.projection_rows import gathered
from graph.queries.impact import as_of_day
from graph.queries.portfolio_facts import names, refs_of
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import concept_slug, local_id


def observations_by_indicator(index: GovIndex) -> dict[str, list[Observation]]:
    """Every observation, by indicator, oldest period first (made for every indicator: an
    answer reads one indicator's with ``indicator_lookups(index).series``)."""
    return indicator_lookups(index).observations


def _overall(found: IndicatorLookups, iri: str, day: date | None) -> tuple[int, list[int]]:
    """How many observations of ``iri`` count on ``day`` and which of them (positions in the
    arrays) make its overall series: those without an area if there are any, else all."""
    a, b = found.spans.get(iri, (0, 0))
    if day is not None:
        b = a + int(np.searchsorted(found.day[a:b], day.toordinal(), side="right"))
    areas = found.area[a:b]
    bare = areas < 0
    if bare.all() or not bare.any():
        return b - a, list(range(a, b))
    return b - a, (np.flatnonzero(bare) + a).tolist()


def _first(read: Read, predicate: str) -> str | None:
    found = read[predicate]
    return found[0] if found else None


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _trend(previous: float | None, latest: float | None, direction: str | None) -> dict[str, Any]:
    """Which way the last two values moved, and whether that is good.

    >>> _trend(30.0, 35.0, "lower_is_better")
    {'change': 5.0, 'trend': 'up', 'judgement': 'worsening'}
    """
    if previous is None or latest is None:
        return {"change": None, "trend": None, "judgement": None}
    change = round(latest - previous, 6)
    trend = "up" if change > 0 else "down" if change < 0 else "flat"
    judgement = None
    if direction and trend != "flat":
        better = (trend == "up") == (direction == "higher_is_better")
        judgement = "improving" if better else "worsening"
    elif trend == "flat":
        judgement = "unchanged"
    return {"change": change, "trend": trend, "judgement": judgement}


def indicator_row(
    index: GovIndex,
    iri: str,
    day: date | None,
    lang: str | None,
    *,
    series: bool = False,
) -> dict[str, Any]:
    """One indicator as the answer shows it (``series``: every observation, for charts).

    Built once per index, day, language and ``series`` (a fresh top-level dict each call;
    nested values are shared and must not be changed by callers)."""
    (row,) = indicator_rows(index, [iri], day, lang, series=series)
    return row


def indicator_rows(
    index: GovIndex,
    iris: list[str],
    day: date | None,
    lang: str | None,
    *,
    series: bool = False,
) -> list[dict[str, Any]]:
    """:func:`indicator_row` of each of ``iris``; those not made yet are made together, the
    labels and types of everything they name read in one pass (:class:`Names`)."""
    cache: Rows = index.memo(
        f"indicators:rows:{day}:{lang}:{series}",
        Rows,
        patch=rows_patched,  # type: ignore[call-arg,unused-ignore]
    )
    missing = [iri for iri in dict.fromkeys(iris) if iri not in cache]
    if missing:
        if len(missing) < 64:  # a few: one at a time costs less than a pass
            reads = {iri: _read_one(index, iri) for iri in missing}
        else:
            reads = _read_many(index, missing)
            names(index, lang).prefetch(
                [*missing, *(x for read in reads.values() for pred in _LINKS for x in read[pred])]
            )
        refs = refs_of(index, lang)
        found = indicator_lookups(index)
        for iri in missing:
            read = reads[iri]
            # What it is made from first: a write's patch keeps only rows whose sources it knows.
            cache.reads[iri] = frozenset([iri, *(x for pred in _LINKS for x in read[pred])])
            cache[iri] = _indicator_row(index, found, refs, iri, read, day, series=series)
    return [dict(cache[iri]) for iri in iris]


#: What a row reads of its indicator: every relation of these (:meth:`GovIndex.out`) ...
_LINKS = (p.MEASURES, v.RELATION_KEYS["owner"], v.PART_OF)
#: ... and the first value of these (:meth:`GovIndex.first`: a relation, else a literal).
_FIRSTS = (
    p.DIRECTION,
    p.UNIT_MEASURE,
    p.TARGET_VALUE,
    p.TARGET_DATE,
    p.INDICATOR_COUNT,
    p.BASELINE_VALUE,
)
#: predicate -> its values a row reads (relations, then literals for :data:`_FIRSTS`)
Read = dict[str, list[str]]


def _read_one(index: GovIndex, iri: str) -> Read:
    read = {pred: index.out(iri, pred) for pred in _LINKS}
    for pred in _FIRSTS:
        value = index.first(iri, pred)
        read[pred] = [] if value is None else [value]
    return read


def _read_many(index: GovIndex, iris: list[str]) -> dict[str, Read]:
    """:func:`_read_one` of each of ``iris``, over their rows of the projection gathered at
    once (each subject's rows in the order :meth:`GovIndex.out` reads them)."""
    projection = index.projection
    out: dict[str, Read] = {iri: {pred: [] for pred in (*_LINKS, *_FIRSTS)} for iri in iris}
    known = [
        (iri, i) for iri, i in ((iri, projection.ids.get(iri)) for iri in iris) if i is not None
    ]
    keys = np.array([i for _, i in known], dtype=np.int64)
    terms, values = projection.terms, projection.values
    wanted = {projection.ids.get(pred): pred for pred in (*_LINKS, *_FIRSTS)}
    wanted.pop(None, None)
    firsts = {i: pred for i, pred in wanted.items() if pred in _FIRSTS}
    for ptr, entries, preds, objects, read in (
        (projection.out_ptr, projection.out_edges, projection.p, projection.o, wanted),
        (projection.lit_ptr, projection.lit_rows, projection.lit_p, None, firsts),
    ):
        rows, counts = gathered(ptr, entries, keys)
        owner, pred = np.repeat(np.arange(len(keys)), counts), preds[rows]
        chosen = np.zeros(len(rows), dtype=bool)
        for i in read:
            chosen |= pred == i
        rows, owner, pred = rows[chosen], owner[chosen].tolist(), pred[chosen].tolist()
        if objects is None:  # literals, after every relation (a relation comes first)
            found = list(map(values.__getitem__, rows.tolist()))
        else:
            ids = objects[rows].tolist()
            projection.ids_known(ids)  # named next
            found = list(map(terms.__getitem__, ids))
        for k, i, value in zip(owner, pred, found, strict=True):
            out[known[k][0]][read[i]].append(value)
    return out


def _indicator_row(
    index: GovIndex,
    found: IndicatorLookups,
    refs: Callable[[str], dict[str, str]],
    iri: str,
    read: Read,
    day: date | None,
    *,
    series: bool,
) -> dict[str, Any]:
    measures, owner, part_of = (read[pred] for pred in _LINKS)
    count_obs, overall_at = _overall(found, iri, day)
    latest = found.record(overall_at[-1]) if overall_at else None
    previous = found.record(overall_at[-2]) if len(overall_at) > 1 else None
    direction = _first(read, p.DIRECTION)
    direction = concept_slug(direction) if direction else None
    unit = _first(read, p.UNIT_MEASURE)
    target = _number(_first(read, p.TARGET_VALUE))
    count = _first(read, p.INDICATOR_COUNT)
    distance = None
    if target is not None and latest is not None:
        gap = target - latest.value
        if direction == "lower_is_better":
            gap = -gap
        distance = {"value": round(gap, 6), "met": gap <= 0}
    row: dict[str, Any] = {
        **refs(iri),
        "unit": concept_slug(unit) if unit else None,
        "direction": direction,
        "measures": [dict(refs(x)) for x in measures],
        "owner": [dict(refs(x)) for x in owner],
        "part_of": [dict(refs(x)) for x in part_of],
        "count": int(count) if count is not None else None,
        "target": None
        if target is None
        else {"value": target, "date": _first(read, p.TARGET_DATE)},
        "baseline": _number(_first(read, p.BASELINE_VALUE)),
        "latest": None if latest is None else _obs(index, latest),
        "previous": None if previous is None else _obs(index, previous, sources=False),
        **_trend(previous.value if previous else None, latest.value if latest else None, direction),
        "distance_to_target": distance,
        "observations": count_obs,
        "sources": index.citation_dicts(iri),
        "gaps": [
            text
            for missing, text in (
                (not count_obs, "no observed value is recorded"),
                (unit is None, "no unit is recorded"),
                (direction is None, "no direction is recorded"),
                (target is None, "no target is recorded"),
                (not owner, "no owner is recorded"),
                (not measures, "what it measures is not recorded"),
            )
            if missing
        ],
    }
    if series:
        row["series"] = [
            {"period": found.periods[int(found.period[k])], "value": float(found.value[k])}
            for k in overall_at
        ]
    return row


def _obs(index: GovIndex, o: Observation, *, sources: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"period": o.period, "value": o.value}
    if o.area:
        out["area"] = local_id(o.area)
    if sources:
        out["sources"] = index.citation_dicts(o.iri)
    return out


def _subject_indicators(index: GovIndex, subject: str) -> list[str]:
    """Indicators of ``subject``: itself if it is one; else those that measure it, are owned
    by it or are part of it, and the members of those that are families."""
    all_indicators = indicator_lookups(index).indicator_set
    if subject in all_indicators:
        found = {subject}
    else:
        found = {
            i
            for pred in (p.MEASURES, v.RELATION_KEYS["owner"], v.PART_OF)
            for i in index.into(subject, pred)
            if i in all_indicators
        }
    frontier = list(found)
    while frontier:
        for member in index.into(frontier.pop(), v.PART_OF):
            if member in all_indicators and member not in found:
                found.add(member)
                frontier.append(member)
    return sorted(found)


def indicators(
    store: GraphStore,
    subject: str | None = None,
    *,
    as_of: date | str | None = None,
    lang: str | None = None,
    series: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """Indicators with their latest value, trend and distance to target.

    Parameters
    ----------
    store : GraphStore
    subject : str, optional
        An indicator, or a goal, system, agreement, initiative or body: then the indicators
        that measure it, are owned by it or are part of it. Default: every indicator.
    as_of : date or str, optional
        Only observations up to that day count.
    lang : str, optional
        Preferred label language.
    series : bool
        Include every observation (``series``), for charts.
    limit, offset : int, optional
        Paging (``page`` gives the total).

    Returns
    -------
    dict
        ``{subject, as_of, indicators, page, message}``; each indicator ``{id, label, type,
        unit, direction, measures, owner, part_of, count, target, baseline, latest, previous,
        change, trend, judgement, distance_to_target, observations, sources, gaps}``.
        ``trend`` is up/down/flat between the last two values; ``judgement`` says whether that
        is improving or worsening given ``direction``; ``distance_to_target.value`` is how far
        the latest value is from the target in the good direction (``<= 0``: met).

    Raises
    ------
    NotFound, AmbiguousName
    InvalidArgument
        A bad date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> answer = indicators(deps_store("portfolio"), "g-use")
    >>> [(i["id"], i["latest"] and i["latest"]["value"], i["judgement"]) for i in answer["indicators"]]
    [('ind-family', None, None), ('ind-uptake', 70.0, 'improving')]
    >>> answer["indicators"][1]["distance_to_target"]
    {'value': 20.0, 'met': False}
    """
    day = as_of_day(as_of)
    index = index_of(store)
    chosen = resolve(index, subject) if subject is not None else None
    found = _subject_indicators(index, chosen) if chosen else indicator_lookups(index).indicators
    window = found[offset : offset + limit if limit is not None else None]
    message = None
    if not found:
        message = (
            f"no indicator of {index.label(chosen, lang)} is recorded"
            if chosen
            else "no indicator is recorded"
        )
    return {
        "subject": index.ref(chosen, lang) if chosen else None,
        "as_of": day.isoformat() if day else None,
        "indicators": quiet_build(lambda: indicator_rows(index, window, day, lang, series=series)),
        "message": message,
        "page": {"total": len(found), "limit": limit, "offset": offset},
    }
