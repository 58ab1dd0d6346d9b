"""The portfolio and indicator lookups and rows after a write of a few values, patched.

A secretariat's sheet changes a status report's status or a milestone's forecast or actual
date: :func:`patched` updates those entries of :class:`graph.portfolio_lookups.Lookups`'
arrays in place of reading every milestone and report again, and answers ``None`` (build
again) whenever it is unsure: any other predicate the lookups read changed, a milestone or
report appeared or went, a value is repeated, or a milestone without a planned date (ordered
by its forecast) moved. :func:`indicators_patched` does the same for observed values of
:class:`graph.indicator_lookups.IndicatorLookups`, :func:`rows_patched` keeps the answer
rows (:class:`Rows`) made from nothing a write touched.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Callable, Collection, Sequence
from typing import Any

from graph.index import GovIndex
from graph.indicator_lookups import READS as INDICATOR_READS
from graph.indicator_lookups import IndicatorLookups
from graph.portfolio_lookups import ITEM_TYPES, READS, TIMELINE_READS, Lookups
from graph.portfolio_records import TermList
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.dates import last_day
from ontology.terms import RDF_TYPE, concept_slug

#: The predicates a patch re-reads; a write changing any other of :data:`READS` rebuilds.
PATCHED = frozenset({p.STATUS, p.FORECAST_DATE, p.ACTUAL_DATE})
#: The classes whose members the portfolio lookups read (``rdf:type`` of nothing else is
#: read), those their structure alone reads, and those of the indicator lookups.
LOOKUPS_CLASSES = frozenset({p.MILESTONE, p.STATUS_REPORT, v.DEPENDENCY, *ITEM_TYPES})
STRUCTURE_CLASSES = frozenset({v.DEPENDENCY, *ITEM_TYPES})
INDICATOR_CLASSES = frozenset({p.INDICATOR, p.OBSERVATION})


def changed_reads(
    index: GovIndex, touched: Any, reads: Collection[str], classes: frozenset[str]
) -> set[str]:
    """The predicates of ``reads`` a write changed, ``rdf:type`` only if it may have changed
    the members of one of ``classes`` (a class is the object of each type statement, so
    every class whose members changed is among the objects the write touched)."""
    changed = set(touched.predicates) & set(reads)
    if RDF_TYPE in changed:
        terms = index.projection.terms
        if not any(terms[i] in classes for i in touched.objects):
            changed.discard(RDF_TYPE)
    return changed


def unless_changed(
    reads: Collection[str], classes: frozenset[str]
) -> Callable[[Any, GovIndex, Any], Any]:
    """A patch keeping a value computed from ``reads`` and the members of ``classes`` alone
    when a write changed none of them."""

    def patch(old: Any, index: GovIndex, touched: Any) -> Any:
        return None if changed_reads(index, touched, reads, classes) else old

    return patch


def patched(old: Lookups, index: GovIndex, touched: Any) -> Lookups | None:
    """``old`` for ``index`` after the write ``touched`` describes, or ``None`` (build again).

    ``touched`` is a :class:`graph.projection_delta.Touched`.
    """
    changed = changed_reads(index, touched, READS, LOOKUPS_CLASSES)
    if not changed:
        return old
    if not changed <= PATCHED or old.remake is None:
        return None
    terms = index.projection.terms
    subjects = [terms[i] for i in touched.subjects]
    ms_at = _places(old.ms_iris, subjects, touched.subjects, terms)
    st_at = _places(old.st_iris, subjects, touched.subjects, terms)
    new = copy.copy(old)
    new.ms_forecast, new.ms_actual = old.ms_forecast.copy(), old.ms_actual.copy()
    new.st_code, new.status_slugs = old.st_code.copy(), list(old.status_slugs)
    new.dates = dict(old.dates)
    for iri in subjects:
        if iri in ms_at:
            k = ms_at[iri]
            forecast, actual = _day(index, iri, p.FORECAST_DATE), _day(index, iri, p.ACTUAL_DATE)
            if forecast is None or actual is None:
                return None
            if old.ms_planned[k] == 0 and forecast[0] != old.ms_forecast[k]:
                return None  # ordered by its forecast: the order may change
            new.ms_forecast[k], new.ms_actual[k] = forecast[0], actual[0]
            new.dates.update((forecast, actual))
        elif iri in st_at:
            texts = _values(index, iri, p.STATUS)
            if len(texts) != 1:
                return None
            slug = concept_slug(texts[0])
            if slug not in new.status_slugs:
                new.status_slugs.append(slug)
            new.st_code[st_at[iri]] = new.status_slugs.index(slug)
        elif index.out(iri, p.MILESTONE_OF) or index.out(iri, p.STATUS_OF):
            return None  # a new milestone or report (or one no longer kept)
    old.remake(new)
    return new


def _places(
    iris: Sequence[str], wanted: list[str], ids: Sequence[int], terms: Sequence[str]
) -> dict[str, int]:
    """The places in ``iris`` of those of ``wanted`` (the terms ``ids`` of ``terms``) it
    holds: by term id where ``iris`` names term ids (:class:`TermList`), else each looked for
    along the list (a write touches a few: that costs less than a dictionary of them all)."""
    if isinstance(iris, TermList):
        found = iris.places(list(ids), terms)
        if found is not None:
            return found
    if len(wanted) > 16:
        chosen = set(wanted)
        return {iri: k for k, iri in enumerate(iris) if iri in chosen}
    found = {}
    for iri in wanted:
        with contextlib.suppress(ValueError):
            found[iri] = iris.index(iri)
    return found


def _values(index: GovIndex, iri: str, predicate: str) -> list[str]:
    """Every value (link or literal) of ``iri``'s ``predicate``, as :meth:`Node.first` reads."""
    node = index.node(iri)
    return [str(x) for x in node.links.get(predicate) or node.literals.get(predicate) or ()]


def _day(index: GovIndex, iri: str, predicate: str) -> tuple[int, Any] | None:
    """``(ordinal, date)`` of ``iri``'s one value of ``predicate`` (``(0, None)`` for none),
    ``None`` when it has several."""
    texts = _values(index, iri, predicate)
    if not texts:
        return 0, None
    if len(texts) > 1:
        return None
    try:
        day = last_day(texts[0])
    except (ValueError, TypeError):
        return 0, None
    return day.toordinal(), day


def indicators_patched(old: IndicatorLookups, index: GovIndex, touched: Any) -> Any:
    """``old`` for ``index`` after a write that changed only observed values (else ``None``:
    build again)."""
    changed = changed_reads(index, touched, INDICATOR_READS, INDICATOR_CLASSES)
    if not changed:
        return old
    if changed != {p.OBS_VALUE}:
        return None
    terms = index.projection.terms
    subjects = [terms[i] for i in touched.subjects]
    at = (
        old.positions()
        if old._positions is not None
        else _places(old.obs, subjects, touched.subjects, terms)
    )
    new = copy.copy(old)
    new.value, new._series = old.value.copy(), dict(old._series)
    for iri in subjects:
        k = at.get(iri)
        if k is None:
            if index.out(iri, p.IN_DATA_SET):
                return None  # an observation not kept before (now with a value?)
            continue
        texts = _values(index, iri, p.OBS_VALUE)
        try:
            value = float(texts[0]) if len(texts) == 1 else None
        except ValueError:
            value = None
        if value is None:
            return None  # no longer kept
        new.value[k] = value
        for indicator, (a, b) in old.spans.items():
            if a <= k < b:
                new._series.pop(indicator, None)
    return new


class Rows(dict[str, dict[str, Any]]):
    """Answer rows by IRI, each with the IRIs it was made from (:attr:`reads`), so that a
    write keeps the rows it cannot have changed (:func:`rows_patched`)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: dict[str, frozenset[str]] = {}


#: Predicates a write may change and :class:`Rows` be patched (a row made from a subject
#: the write touched goes): any other write makes every row again.
ROWS_PATCHABLE = frozenset({*TIMELINE_READS, p.OBS_VALUE, RDF_TYPE})


def rows_patched(old: Rows, index: GovIndex, touched: Any) -> Rows | None:
    """Indicator rows ``old`` less those made from anything ``touched`` names (an
    observation's row goes with its indicator's), or ``None`` (make every row again)."""
    from graph.load import GENERATION  # the store's generation, written by every write

    if not set(touched.predicates) <= ROWS_PATCHABLE | {GENERATION}:
        return None
    terms = index.projection.terms
    gone: set[str] = set()
    for i in touched.subjects:
        iri = terms[i]
        gone.add(iri)
        gone.update(index.out(iri, p.IN_DATA_SET))
    new = Rows()
    # Copies first (each made at once): a reader of the old index may be adding rows.
    rows, made_from = dict(old), dict(old.reads)
    for iri, row in rows.items():
        reads = made_from.get(iri)
        if reads is not None and not reads & gone:
            new[iri], new.reads[iri] = row, reads
    return new
