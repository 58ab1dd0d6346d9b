"""A write's changes applied to a projection: a new :class:`Projection`, the old one untouched.

A write changes a few triples of millions; reading the whole store again costs seconds on a
national graph. :func:`apply_changes` makes the projection of the new content from the old one
and the write's ``(added, removed)`` (:func:`graph.store.changes_since`) with array moves
only (:mod:`graph.projection_rows`): term ids stay stable (new terms are appended), new rows
fill the removed rows' places first and then follow the last row (rows left over fill the rest,
so no other row is renumbered), the CSR indexes are spliced where those rows are, and the
string order merges the new terms in. Nothing is sorted over the whole projection; readers of
the old projection keep a consistent snapshot, since no array of it is written (an array is
extended in place only past the end the old projection sees).

Row order differs from a fresh build, which follows the store's order: a subject's first
object of a predicate it has several of may differ (single-valued facts do not). Sets of rows,
CSR answers as sets and string order are the same (tests/graph/test_projection_delta.py checks
it against fresh builds).
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from graph.projection import Projection, TermIds
from graph.projection_rows import Plan, RowIndex, appended, edit
from ontology.terms import Literal, Triple


class CarriedIds(TermIds):
    """IRI -> id of an updated projection: the first projection's dictionary or string-order
    search (:class:`TermIds`, its answers kept across writes: old terms keep their ids) and
    a dictionary of the terms added since; nothing copied or searched again per write."""

    def __init__(
        self,
        terms: Sequence[str],
        order: np.ndarray,
        base: Mapping[str, int] | TermIds | None,
        extra: dict[str, int],
    ) -> None:
        super().__init__(terms, order)
        self._base, self._extra = base, extra

    def get(self, iri: str, default: int | None = None) -> int | None:
        if self._base is None:
            return super().get(iri, default)
        found = self._base.get(iri)
        if found is None:
            found = self._extra.get(iri)
        return default if found is None else found

    def known(self, ids: list[int]) -> None:
        base = self._base
        if base is None:
            super().known(ids)
        elif isinstance(base, TermIds):  # its terms: the first projection's
            count = len(base)
            base.known(ids if not ids or max(ids) < count else [i for i in ids if i < count])


_ARRAYS = {
    "out": ("out_edges", "out_ptr"),
    "in": ("in_edges", "in_ptr"),
    "lit": ("lit_rows", "lit_ptr"),
}


def _whole_array(kind: str, part: int) -> Any:
    """A read-only attribute of :class:`UpdatedProjection`: part ``part`` of its merged
    ``kind`` index."""

    def read(self: UpdatedProjection) -> np.ndarray:
        return self.whole(kind)[part]

    return property(read)


class UpdatedProjection(Projection):
    """A projection a write made from another: its three CSR indexes are :class:`RowIndex`
    es (the keys the writes changed held apart), read key by key without merging; a reader
    of the whole arrays (``in_ptr``, ``out_edges``, ..., or saving) merges them once."""

    def __init__(self, terms: Sequence[str], ids: TermIds) -> None:
        super().__init__(terms, ids)
        self.indexes: dict[str, RowIndex] = {}
        self._whole: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def whole(self, kind: str) -> tuple[np.ndarray, np.ndarray]:
        """``(edges, ptr)`` of the ``kind`` index merged into whole arrays (once)."""
        found = self._whole.get(kind)
        if found is None:
            found = self._whole[kind] = self.indexes[kind].merged()
        return found

    def row_index(self, kind: str) -> RowIndex:
        """The ``kind`` index, on the merged arrays if a reader has merged them already."""
        whole = self._whole.get(kind)
        if whole is not None:
            return RowIndex(*whole, len(self.terms))
        return self.indexes[kind]

    def out_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["out"].rows(i)

    def in_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["in"].rows(i)

    def literal_row_ids(self, i: int) -> np.ndarray:
        return self.indexes["lit"].rows(i)

    def rows_of(self, kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.indexes[kind].gather(keys)

    # The whole arrays, for a reader that reads them so (merged on first use).
    out_edges = _whole_array("out", 0)
    out_ptr = _whole_array("out", 1)
    in_edges = _whole_array("in", 0)
    in_ptr = _whole_array("in", 1)
    lit_rows = _whole_array("lit", 0)
    lit_ptr = _whole_array("lit", 1)


def row_index(projection: Projection, kind: str, keys: int) -> RowIndex:
    """The ``kind`` CSR index of ``projection`` as a :class:`RowIndex` over ``keys`` keys."""
    if isinstance(projection, UpdatedProjection):
        index = projection.row_index(kind)
    else:
        edges, ptr = (getattr(projection, name) for name in _ARRAYS[kind])
        index = RowIndex(edges, ptr, len(projection.terms))
    return index.widened(keys)


@dataclass
class Touched:
    """What a change touched: subject and object term ids, predicate IRIs, new term ids."""

    subjects: set[int] = field(default_factory=set)
    objects: set[int] = field(default_factory=set)
    predicates: set[str] = field(default_factory=set)
    new_terms: list[int] = field(default_factory=list)

    def iris(self, projection: Projection) -> set[str]:
        """The IRIs of the subjects and objects touched."""
        terms = projection.terms
        return {terms[i] for i in self.subjects | self.objects}


class Inconsistent(Exception):
    """The changes do not fit the projection (a removed triple absent, an added one present)."""


def apply_changes(
    old: Projection, added: Sequence[Triple], removed: Sequence[Triple]
) -> tuple[Projection, Touched] | None:
    """The projection of ``old``'s content with ``added`` and without ``removed``, and what
    changed; ``None`` when the changes do not fit ``old`` (read the store again).

    >>> from ontology.terms import Literal
    >>> old = Projection.build([("urn:a", "urn:p", "urn:b"), ("urn:a", "urn:l", Literal("x"))])
    >>> new, touched = apply_changes(old, [("urn:c", "urn:p", "urn:b")], [("urn:a", "urn:p", "urn:b")])
    >>> new.iris(new.s.tolist()), new.iris(new.o.tolist()), len(old.s), new.literal(0).value
    (['urn:c'], ['urn:b'], 1, 'x')
    """
    try:
        return _Apply(old).run(added, removed)
    except Inconsistent:
        return None


class _Apply:
    def __init__(self, old: Projection) -> None:
        self.old = old
        self.n_old = len(old.terms)
        self.extra: dict[str, int] = {}
        self.new_terms: list[str] = []
        self.touched = Touched()

    def id_of(self, term: str, create: bool) -> int | None:
        found = self.old.ids.get(term)
        if found is None:
            found = self.extra.get(term)
        if found is None and create:
            found = self.extra[term] = self.n_old + len(self.new_terms)
            self.new_terms.append(term)
            self.touched.new_terms.append(found)
        return found

    def run(self, added: Sequence[Triple], removed: Sequence[Triple]) -> tuple[Projection, Touched]:
        old, touched = self.old, self.touched
        gone_links: list[int] = []
        gone_literals: list[int] = []
        for s, p, o in removed:
            si, pi = self.id_of(s, False), self.id_of(p, False)
            if si is None or pi is None:
                raise Inconsistent(s)
            touched.subjects.add(si)
            touched.predicates.add(p)
            if isinstance(o, Literal):
                gone_literals.append(self.literal_row(si, pi, o, must=True))
            else:
                oi = self.id_of(o, False)
                if oi is None:
                    raise Inconsistent(o)
                touched.objects.add(oi)
                gone_links.append(self.link_row(si, pi, oi, must=True))
        new_links: list[tuple[int, int, int]] = []
        new_literals: list[tuple[int, int, Literal]] = []
        for s, p, o in added:
            si, pi = self.id_of(s, True), self.id_of(p, True)
            assert si is not None and pi is not None
            touched.subjects.add(si)
            touched.predicates.add(p)
            if isinstance(o, Literal):
                if si < self.n_old and pi < self.n_old:
                    self.literal_row(si, pi, o, must=False)
                new_literals.append((si, pi, o))
            else:
                oi = self.id_of(o, True)
                assert oi is not None
                touched.objects.add(oi)
                if si < self.n_old and pi < self.n_old and oi < self.n_old:
                    self.link_row(si, pi, oi, must=False)
                new_links.append((si, pi, oi))
        n = self.n_old + len(self.new_terms)
        terms = tuple(old.terms) + tuple(self.new_terms) if self.new_terms else old.terms
        order, rank = self.string_order(terms)
        if isinstance(old.ids, CarriedIds):
            base, extra = old.ids._base, {**old.ids._extra, **self.extra}
        else:
            base, extra = old.ids, dict(self.extra)
        new = UpdatedProjection(terms, CarriedIds(terms, order, base, extra))
        new.order, new.rank = order, rank
        self.links(new, np.array(sorted(set(gone_links)), dtype=np.int64), new_links, n)
        self.literals(new, np.array(sorted(set(gone_literals)), dtype=np.int64), new_literals, n)
        out, lit = new.indexes["out"], new.indexes["lit"]
        now = {i: out.count(i) > 0 or lit.count(i) > 0 for i in touched.subjects}
        if all(i >= self.n_old or bool(old.is_subject[i]) == now[i] for i in now):
            fresh = np.array([now.get(i, False) for i in range(self.n_old, n)], dtype=bool)
            new.is_subject = appended(old.is_subject, fresh)
        else:
            is_subject = np.zeros(n, dtype=bool)
            is_subject[: self.n_old] = old.is_subject
            for i, value in now.items():
                is_subject[i] = value
            new.is_subject = is_subject
        return new, touched

    # -- finding rows ------------------------------------------------------------------------------
    def link_row(self, si: int, pi: int, oi: int, must: bool) -> int:
        old = self.old
        rows = old.out_row_ids(si)
        hit = rows[(old.p[rows] == pi) & (old.o[rows] == oi)]
        if bool(len(hit)) != must:
            raise Inconsistent((si, pi, oi))
        return int(hit[0]) if must else -1

    def literal_row(self, si: int, pi: int, value: Literal, must: bool) -> int:
        old = self.old
        rows = old.literal_row_ids(si)
        for r in rows[old.lit_p[rows] == pi].tolist():
            if old.literal(r) == value:
                if not must:
                    raise Inconsistent((si, pi, value))
                return int(r)
        if must:
            raise Inconsistent((si, pi, value))
        return -1

    # -- the parts ---------------------------------------------------------------------------------
    def string_order(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``order`` and ``rank`` with the new terms merged in (no sort of the old ones)."""
        old = self.old
        if not self.new_terms:
            return old.order, old.rank
        fresh = sorted(range(self.n_old, len(terms)), key=terms.__getitem__)
        at = [bisect.bisect_left(old.order, terms[i], key=old.terms.__getitem__) for i in fresh]
        order = edit(old.order, np.zeros(0, np.int64), np.array(at), np.array(fresh))
        if len(fresh) > 16:
            rank = np.empty(len(terms), dtype=old.rank.dtype)
            rank[order] = np.arange(len(terms), dtype=rank.dtype)
            return order, rank
        # Each old term moves up by the new terms placed before it: a pass per new term.
        rank = np.empty(len(terms), dtype=old.rank.dtype)
        moved = rank[: self.n_old]
        moved[:] = old.rank
        above = np.empty(self.n_old, dtype=bool)
        for place in sorted(at, reverse=True):
            np.greater_equal(old.rank, place, out=above)
            np.add(moved, above, out=moved, casting="unsafe")
        for k, i in enumerate(fresh):
            rank[i] = at[k] + k
        return order, rank

    def links(
        self, new: UpdatedProjection, gone: np.ndarray, fresh: list[tuple[int, int, int]], n: int
    ) -> None:
        old = self.old
        add = np.array(fresh, dtype=np.int32).reshape(-1, 3)
        by_subject, by_object = row_index(old, "out", n), row_index(old, "in", n)
        if not len(gone) and not len(add):
            new.s, new.p, new.o = old.s, old.p, old.o
            new.indexes["out"], new.indexes["in"] = by_subject, by_object
            return
        plan = Plan(len(old.s), gone, len(add))
        new.s, new.p, new.o = (
            plan.column(c, add[:, k]) for k, c in enumerate((old.s, old.p, old.o))
        )
        new.indexes["out"] = by_subject.edited(*plan.moves(old.s, add[:, 0]))
        new.indexes["in"] = by_object.edited(*plan.moves(old.o, add[:, 2]))

    def literals(
        self,
        new: UpdatedProjection,
        gone: np.ndarray,
        fresh: list[tuple[int, int, Literal]],
        n: int,
    ) -> None:
        old = self.old
        tags = list(old.tags)
        tag_ids = {t: i for i, t in enumerate(tags)}

        def tag(value: str | None) -> int:
            if value is None:
                return -1
            found = tag_ids.get(value)
            if found is None:
                found = tag_ids[value] = len(tags)
                tags.append(value)
            return found

        lang = np.array([tag(v.lang) for _, _, v in fresh], dtype=np.int32)
        kind = np.array([tag(v.datatype) for _, _, v in fresh], dtype=np.int32)
        subjects = np.array([s for s, _, _ in fresh], dtype=np.int32)
        if not len(gone) and not fresh:
            new.lit_s, new.lit_p, new.values = old.lit_s, old.lit_p, old.values
            new.lit_lang, new.lit_type, new.tags = old.lit_lang, old.lit_type, old.tags
            new.indexes["lit"] = row_index(old, "lit", n)
            return
        plan = Plan(len(old.lit_s), gone, len(fresh))
        new.lit_s = plan.column(old.lit_s, subjects)
        new.lit_p = plan.column(old.lit_p, np.array([p for _, p, _ in fresh], np.int32))
        new.lit_lang = plan.column(old.lit_lang, lang)
        new.lit_type = plan.column(old.lit_type, kind)
        if not len(gone):
            new.values = tuple(old.values) + tuple(v.value for _, _, v in fresh)
        else:
            new.values = self.edited_values(plan, fresh)
        new.tags = tags
        new.indexes["lit"] = row_index(old, "lit", n).edited(*plan.moves(old.lit_s, subjects))

    def edited_values(self, plan: Plan, fresh: list[tuple[int, int, Literal]]) -> tuple[str, ...]:
        old = self.old
        values = list(old.values[: plan.count]) + [""] * max(0, plan.count - len(old.values))
        for slot, (_, _, v) in zip(plan.slots.tolist(), fresh, strict=True):
            values[slot] = v.value
        for source, target in zip(plan.tail.tolist(), plan.targets.tolist(), strict=True):
            values[target] = old.values[source]
        return tuple(values)
