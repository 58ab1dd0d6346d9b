"""The projection's arrays read a predicate at a time, for the portfolio lookups.

:class:`Columns` gives each subject's first value of a predicate as numpy id arrays (dates as
day ordinals, ``0`` for none), so that the lookups of 10,000 initiatives and 100,000
observations are read in a few vectorised passes instead of a loop over strings. :class:`Names`
labels and types a batch of IRIs at once, reading only the label and type rows of those IRIs.

Only public members of :class:`GovIndex` and :class:`Projection` are used.
"""

from __future__ import annotations

import gc
import inspect
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from itertools import repeat
from typing import Any, TypeVar

import numpy as np

from graph.arrays import distinct, stable_lex_order
from graph.index import GovIndex
from graph.portfolio_arrays import firsts as _firsts
from graph.portfolio_arrays import lex_order, numbers
from graph.projection_terms import ids_of
from ontology import vocab as v
from ontology.dates import last_day
from ontology.terms import local_id

# The label predicates in the order GovIndex.labels reads them.
LABEL_PREDICATES = (v.PREF_LABEL, v.TITLE, v.LABEL, v.FOAF_NAME)
T = TypeVar("T")
#: ``(place by IRI, term id by place)``: where some IRIs' term ids are known (Names.prefetch)
Places = tuple[Mapping[str, int], Sequence[int]]
NONE = 0  # the day ordinal of "no date" (real ordinals start at 1)


class Columns:
    """Each subject's first object (relation first, then literal, as :meth:`Node.first`) of a
    predicate, as arrays of term ids; parsed dates and numbers kept by text."""

    def __init__(self, index: GovIndex) -> None:
        self.index = index
        self.projection = index.projection
        self.size = len(self.projection.terms)
        self._ordinals: dict[str | None, int] = {None: NONE}
        self.dates: dict[int, date | None] = {NONE: None}
        self._members: dict[str, np.ndarray] = {}

    def predicate(self, iri: str) -> int | None:
        p = self.projection.ids.get(iri)
        return None if p is None or p == self.projection.type_id else p

    def members(self, cls: str) -> np.ndarray:
        """Term ids of everything of class ``cls``."""
        found = self._members.get(cls)
        if found is None:
            projection = self.projection
            c = projection.ids.get(cls)
            if c is None or projection.type_id < 0:
                found = np.zeros(0, np.int64)
            else:
                found = projection.subjects_of(projection.type_id, c)
            self._members[cls] = found
        return found

    def links(self, predicate: str, cls: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """``(subjects, objects)``: each subject's first related term (literals ignored)."""
        p = self.predicate(predicate)
        if p is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        subjects, objects = self.projection.pairs(p)
        if cls is not None:
            keep = self.mask(self.members(cls))[subjects]
            subjects, objects = subjects[keep], objects[keep]
        subjects, first = _firsts(subjects)
        return subjects, objects[first]

    def _firsts_of(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(subjects, objects, literal subjects, literal rows)``: each subject's first value
        of predicate ``p``, a relation if it has one, else a literal."""
        projection = self.projection
        rel_s, rel_o = projection.pairs(p)
        rel_s, first = _firsts(rel_s)
        rel_o = rel_o[first]
        rows = np.flatnonzero(projection.lit_p == p)
        lit_s, first = _firsts(projection.lit_s[rows])
        rows = rows[first]
        if len(rel_s):  # a relation comes first
            keep = ~self.mask(rel_s)[lit_s]
            lit_s, rows = lit_s[keep], rows[keep]
        return rel_s, rel_o, lit_s, rows

    def texts(self, predicate: str) -> tuple[np.ndarray, list[str]]:
        """``(subjects, texts)``: each subject's first value, an IRI or a literal's text."""
        p = self.predicate(predicate)
        if p is None:
            return np.zeros(0, np.int64), []
        rel_s, rel_o, lit_s, rows = self._firsts_of(p)
        terms, values = self.projection.terms, self.projection.values
        texts = [*map(terms.__getitem__, rel_o.tolist()), *map(values.__getitem__, rows.tolist())]
        return np.concatenate([rel_s, lit_s]).astype(np.int64), texts

    def codes(self, predicate: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
        """``(subjects, codes, texts)``: as :meth:`texts`, each value a code into the distinct
        ``texts`` (a few concepts named thousands of times: read by term id, not by text)."""
        p = self.predicate(predicate)
        if p is None:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), []
        rel_s, rel_o, lit_s, rows = self._firsts_of(p)
        terms = self.projection.terms
        named = distinct(rel_o)
        at = {terms[i]: k for k, i in enumerate(named.tolist())}
        # Each text hashed twice in C (its distinct texts first met, then its code), rather
        # than a Python-level setdefault per row: some 90,000 date rows on a national board.
        texts = self._texts(rows)
        for text in dict.fromkeys(texts):
            at.setdefault(text, len(at))
        codes = np.concatenate(
            [np.searchsorted(named, rel_o), np.fromiter(map(at.__getitem__, texts), np.int64)]
        )
        return np.concatenate([rel_s, lit_s]).astype(np.int64), codes, list(at)

    def _texts(self, rows: np.ndarray) -> tuple[str, ...]:
        """The literal texts of ``rows``, read in one call."""
        listed = rows.tolist()
        if len(listed) < 2:  # itemgetter of one row returns the text, not a tuple
            return tuple(map(self.projection.values.__getitem__, listed))
        return operator.itemgetter(*listed)(self.projection.values)

    def numbers(self, predicate: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(subjects, values, known)``: each subject's first value of ``predicate`` as a
        float (``known`` false, value ``0``, where it is not a number), read in one pass."""
        p = self.predicate(predicate)
        if p is None:
            return np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros(0, bool)
        rel_s, rel_o, lit_s, rows = self._firsts_of(p)
        subjects = np.concatenate([rel_s, lit_s]).astype(np.int64)
        terms, values = self.projection.terms, self.projection.values
        texts = map(values.__getitem__, rows.tolist())
        if not len(rel_s):
            try:
                parsed = np.fromiter(map(float, texts), np.float64, len(rows))
                return subjects, parsed, np.ones(len(parsed), dtype=bool)
            except ValueError:  # some are not numbers: read one at a time
                texts = map(values.__getitem__, rows.tolist())
        read = numbers([*map(terms.__getitem__, rel_o.tolist()), *texts])
        parsed = np.array([0.0 if x is None else x for x in read], dtype=np.float64)
        return subjects, parsed, np.array([x is not None for x in read], dtype=bool)

    def mask(self, ids: np.ndarray) -> np.ndarray:
        """A boolean over every term id, true at ``ids`` (a membership test that costs one
        pass, where :func:`numpy.isin` sorts)."""
        out = np.zeros(self.size, dtype=bool)
        out[ids] = True
        return out

    def dense(self, subjects: np.ndarray, values: np.ndarray, fill: int = NONE) -> np.ndarray:
        """``values`` placed at ``subjects`` in an array over every term id."""
        out = np.full(self.size, fill, dtype=values.dtype if len(values) else np.int64)
        out[subjects] = values
        return out

    def ordinal(self, text: str | None) -> int:
        """The day ordinal of the last day ``text`` covers (:func:`day_of`); ``0`` if none."""
        found = self._ordinals.get(text)
        if found is None:
            try:
                day = last_day(text)  # type: ignore[arg-type]
            except (ValueError, TypeError):
                found = NONE
            else:
                found = day.toordinal()
                self.dates[found] = day
            self._ordinals[text] = found
        return found

    def days(self, predicate: str) -> np.ndarray:
        """Day ordinals of ``predicate`` over every term id (``0``: none, or not a date)."""
        subjects, codes, texts = self.codes(predicate)
        ordinals = np.array([self.ordinal(text) for text in texts] + [NONE], dtype=np.int64)
        return self.dense(subjects, ordinals[codes])

    def ranks(self, ids: np.ndarray) -> np.ndarray:
        """Each id's place in string order of the IRIs (ties broken as the strings are)."""
        projection = self.projection
        rank = getattr(projection, "rank", None)
        if rank is not None and len(rank) == self.size:
            return np.asarray(rank)[ids]
        terms = projection.terms
        listed = ids.tolist()
        order = sorted(range(len(listed)), key=lambda k: terms[listed[k]])
        out = np.empty(len(listed), dtype=np.int64)
        out[order] = np.arange(len(listed))
        return out


# Whether GovIndex.memo takes ``reads`` (the predicates a value is computed from, so that an
# index made by a write that changes none of them keeps the value): asked once, not assumed.
_DECLARES = "reads" in inspect.signature(GovIndex.memo).parameters


def kept(
    index: GovIndex,
    key: str,
    compute: Callable[[], T],
    reads: tuple[str, ...],
    patch: Callable[[T, GovIndex, Any], T | None] | None = None,
) -> T:
    """``index.memo(key, compute)``, declaring the predicates ``reads`` where the index takes
    them (the value must then hold no reference to the index or its projection, and no array
    indexed by term id), or ``patch`` (the value after a write, ``None``: compute again)."""
    if _DECLARES:
        if patch is not None:
            return index.memo(key, compute, patch=patch)  # type: ignore[call-arg,unused-ignore]
        return index.memo(key, compute, reads=reads)  # type: ignore[call-arg,unused-ignore]
    return index.memo(key, compute)


def quiet_build(build: Callable[[], T]) -> T:
    """``build()`` with the cyclic garbage collector paused (restored after): a build makes
    many small objects, and each burst would otherwise start collections that walk the whole
    projection. (:func:`gc.freeze` is left out: frozen objects are never collected, and a
    replaced projection sits in reference cycles that would then stay in memory.)"""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return build()
    finally:
        if enabled:
            gc.enable()


class Names:
    """Labels and type names of IRIs in one language, read a batch at a time (the label and
    type rows of just those IRIs) and kept: a board names thousands of items at once."""

    def __init__(self, index: GovIndex, lang: str | None) -> None:
        self.index, self.lang = index, lang
        self.labels: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self._by_types: dict[tuple[int, ...], str] = {}

    def label(self, iri: str) -> str:
        found = self.labels.get(iri)
        if found is None:
            found = self.labels[iri] = self.index.label(iri, self.lang)
        return found

    def type_name(self, iri: str) -> str:
        found = self.types.get(iri)
        if found is None:
            found = self.types[iri] = self.index.type_name(iri)
        return found

    def prefetch(
        self, iris: Iterable[str], *, types: bool = True, places: Places | None = None
    ) -> None:
        """Read the labels (and type names) of ``iris`` not known yet, in one pass each.

        ``places``: ``(place by IRI, term id by place)`` the caller knows for some of them
        (the lookups' units), each checked against the terms: fewer IRIs searched for.
        """
        wanted = [i for i in dict.fromkeys(iris) if i not in self.labels]
        if len(wanted) < 64:  # a few: one at a time costs less than a pass
            for iri in wanted:
                self.label(iri)
        else:
            self._labels(wanted, places)
        if types:
            missing = [i for i in dict.fromkeys(iris) if i not in self.types]
            if len(missing) < 64:
                for iri in missing:
                    self.type_name(iri)
            else:
                self._types(missing)

    def carried(self, index: GovIndex, touched: Any) -> Names | None:
        """These names for ``index``, made by a write that ``touched`` describes: each IRI's
        label and type name are read from its own statements, so all but those of the
        subjects it touched are kept (``None`` if it changed the property hierarchy)."""
        if v.SUBPROPERTY_OF in touched.predicates:
            return None
        terms = index.projection.terms
        gone = {terms[i] for i in touched.subjects}
        new = Names(index, self.lang)
        # Copied at once (a reader of the old index may be adding some), never shared: what
        # that reader adds next may be what the write changed.
        new.labels, new.types = dict(self.labels), dict(self.types)
        for iri in gone:
            new.labels.pop(iri, None)
            new.types.pop(iri, None)
        return new

    def _ids(self, iris: list[str], places: Places | None = None) -> tuple[list[str], np.ndarray]:
        """``(the IRIs that are no term, the term ids of the others, in order)``: those that
        ``places`` gives read by place (checked against the terms), the rest looked up at once
        (:func:`graph.projection_terms.ids_of`)."""
        terms = self.index.projection.terms
        found = np.full(len(iris), -1, dtype=np.int64)
        if places is not None and len(places[1]) and iris:
            at, term_of = places
            place = np.fromiter(map(at.get, iris, repeat(-1)), np.int64, len(iris))
            guess = np.asarray(term_of, dtype=np.int64)[place]  # place -1: dropped below
            guess[(place < 0) | (guess < 0) | (guess >= len(terms))] = -1
            placed = np.flatnonzero(guess >= 0)
            named = map(terms.__getitem__, guess[placed].tolist())
            same = np.fromiter(
                map(operator.eq, named, map(iris.__getitem__, placed.tolist())), bool, len(placed)
            )
            found[placed[same]] = guess[placed[same]]
        rest = np.flatnonzero(found < 0).tolist()
        looked_up = ids_of(self.index.projection.ids, [iris[k] for k in rest])
        found[rest] = [-1 if i is None else i for i in looked_up]
        return [iris[k] for k in np.flatnonzero(found < 0).tolist()], found[found >= 0]

    def _labels(self, iris: list[str], places: Places | None = None) -> None:
        """As :meth:`GovIndex.label` for each, chosen over arrays: of the label rows of these
        IRIs, each IRI's best by language (``lang``, then da, nb, none, en, then the others
        in order), then label predicate, then stream order."""
        projection = self.index.projection
        unknown, ids = self._ids(iris, places)
        for iri in unknown:
            self.labels[iri] = local_id(iri)
        wanted = np.zeros(len(projection.terms), dtype=bool)
        wanted[ids] = True
        found, ranks = [], []
        for rank, p in enumerate(LABEL_PREDICATES):
            pid = projection.ids.get(p)
            if pid is None:
                continue
            rows = np.flatnonzero(projection.lit_p == pid)
            rows = rows[wanted[projection.lit_s[rows]]]
            found.append(rows)
            ranks.append(np.full(len(rows), rank))
        rows = np.concatenate(found) if found else np.zeros(0, np.int64)
        subjects, codes = projection.lit_s[rows], projection.lit_lang[rows]
        # Each language tag's preference (tag -1: no language), as choose_label orders them.
        tags = projection.tags
        present = sorted({tags[g] or "" if g >= 0 else "" for g in distinct(codes).tolist()})
        first = [self.lang] if self.lang else []  # as choose_label: an empty lang is none
        order = {
            x: k for k, x in enumerate(dict.fromkeys([*first, "da", "nb", "", "en", *present]))
        }
        preference = np.array(
            [order.get(tags[g] or "" if g >= 0 else "", 0) for g in range(-1, len(tags))],
            dtype=np.int64,
        )[codes + 1]
        best = stable_lex_order(
            (rows, np.concatenate(ranks) if ranks else rows, preference, subjects)
        )
        chosen = np.ones(len(best), dtype=bool)
        chosen[1:] = subjects[best][1:] != subjects[best][:-1]
        best = best[chosen]
        terms, values, labels = projection.terms, projection.values, self.labels
        labelled = subjects[best]
        labels.update(
            zip(
                map(terms.__getitem__, labelled.tolist()),
                map(values.__getitem__, rows[best].tolist()),
                strict=True,
            )
        )
        wanted[labelled] = False  # those left have no label: their id stands for one
        for i in ids[wanted[ids]].tolist():
            labels[terms[i]] = local_id(terms[i])

    def _types(self, iris: list[str]) -> None:
        projection = self.index.projection
        unknown, ids = self._ids(iris)
        for iri in unknown:
            self.type_name(iri)
        classes: dict[int, list[int]] = {i: [] for i in ids.tolist()}
        if projection.type_id >= 0:
            subjects, objects = projection.pairs(projection.type_id)
            wanted = np.zeros(len(projection.terms), dtype=bool)
            wanted[ids] = True
            keep = wanted[subjects]
            for s, o in zip(subjects[keep].tolist(), objects[keep].tolist(), strict=True):
                classes[s].append(o)
        terms = projection.terms
        for i, found in classes.items():
            key = tuple(sorted(set(found)))
            name = self._by_types.get(key)
            if name is None:  # one IRI of each set of classes asks the index
                name = self._by_types[key] = self.index.type_name(terms[i])
            self.types[terms[i]] = name


__all__ = [
    "LABEL_PREDICATES",
    "NONE",
    "Columns",
    "Names",
    "kept",
    "lex_order",
    "numbers",
    "quiet_build",
]
