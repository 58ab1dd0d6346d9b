"""A write's changes applied to a projection: a new :class:`Projection`, the old one untouched.

A write changes a few triples of millions; reading the whole store again costs seconds on a
national graph. :func:`apply_changes` makes the projection of the new content from the old one
and the write's ``(added, removed)`` (:func:`graph.store.changes_since`) with array moves
only (:mod:`graph.projection_rows`): term ids stay stable (new terms are appended), new rows
fill the removed rows' places first and then follow the last row (rows left over fill the rest,
so no other row is renumbered), the CSR indexes are edited key by key (the changed keys held
apart: :class:`graph.projection_updated.UpdatedProjection`), and the new terms are placed in
the string order (``rank`` updated in whole, ``order`` kept as the old order and the terms
added since). Nothing is sorted or spliced over the whole projection; readers of the old
projection keep a consistent snapshot, since no array of it is written (an array is extended
in place only past the end the old projection sees).

Row order differs from a fresh build, which follows the store's order: a subject's first
object of a predicate it has several of may differ (single-valued facts do not). Sets of rows,
CSR answers as sets and string order are the same (tests/graph/test_projection_delta.py checks
it against fresh builds).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from graph.projection import Projection
from graph.projection_rows import Plan, appended
from graph.projection_updated import (
    ADDED_KEPT_APART,
    CarriedIds,
    OrderParts,
    UpdatedProjection,
    merged_order,
    order_parts,
    row_index,
)
from ontology.terms import Literal, Triple


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
        parts, rank = self.string_order(terms)
        if isinstance(old.ids, CarriedIds):
            base, extra = old.ids._base, {**old.ids._extra, **self.extra}
        else:
            base, extra = old.ids, dict(self.extra)
        new = UpdatedProjection(terms, CarriedIds(terms, parts[0], base, extra))
        new.order_parts, new.rank = parts, rank
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
    def string_order(self, terms: Sequence[str]) -> tuple[OrderParts, np.ndarray]:
        """The string order with the new terms merged in, as :data:`OrderParts` (the order
        itself is made when read), and ``rank`` (no sort of the old terms)."""
        old = self.old
        base, added = order_parts(old)
        if not self.new_terms:
            return (base, added), old.rank
        key = terms.__getitem__
        fresh = sorted(range(self.n_old, len(terms)), key=key)
        # Each new term's place in the old order: among the base's terms, then the added.
        at = [
            bisect.bisect_left(base, terms[i], key=key)
            + bisect.bisect_left(added, terms[i], key=key)
            for i in fresh
        ]
        added = tuple(sorted((*added, *fresh), key=key))
        if len(fresh) > 16 or len(added) > ADDED_KEPT_APART:
            order = merged_order(terms, base, added)
            rank = np.empty(len(terms), dtype=old.rank.dtype)
            rank[order] = np.arange(len(terms), dtype=rank.dtype)
            return (order, ()), rank
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
        return (base, added), rank

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
