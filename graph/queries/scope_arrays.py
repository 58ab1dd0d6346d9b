"""Flags by term id for the scope walks of ``who-decides``, and the walk down into a scope.

:class:`ScopeArrays` is built once per projection (:meth:`GovIndex.memo`) in a few vectorised
passes: which predicates are containment, which terms are entities and agents, each mandate's
holder, and whether an exclusion or a restriction could rule it out. With them
:mod:`graph.queries.scope_contained` walks everything inside a scope.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

import numpy as np

from graph.index import GovIndex
from graph.nodes import HIDDEN_TYPES
from graph.projection_rows import spare_room, with_room
from ontology import vocab as v

#: Agents: things that hold mandates and are never inside a matter.
AGENT_TYPES = v.ORGANISATION_TYPES | {"person", "post"}


class ScopeArrays:
    """Per term id: flags and first objects read from the projection, each group on first use
    (``impact`` asks only for holders and statuses, ``who-decides`` for all)."""

    def __init__(self, index: GovIndex) -> None:
        self._index = index
        projection = index.projection
        n = len(projection.terms)
        #: bool by predicate: a containment predicate (``gg:withinScope``)
        self.within = np.zeros(n, dtype=bool)
        self.within[_ids(index, index.within_scope_predicates)] = True
        #: bool by predicate: organisational containment
        self.org_within = np.zeros(n, dtype=bool)
        org = index.within_scope_predicates & v.ORG_CONTAINMENT_PREDICATES
        self.org_within[_ids(index, org)] = True
        scope, holds = projection.ids.get(v.SCOPE), projection.ids.get(v.HOLDER)
        self.scope = -1 if scope is None else scope  # term id of ``gg:scope``
        self.holds = -1 if holds is None else holds  # term id of ``gg:holder``

    def ready(self, name: str) -> bool:
        """True once the group ``name`` (``holder``, ``has_status`` ...) has been read."""
        return name in self.__dict__

    @cached_property
    def holder(self) -> np.ndarray:
        """int64: the first ``gg:holder`` (``-1``: none)."""
        return first_objects(self._index, v.HOLDER)

    @cached_property
    def may_rule_out(self) -> np.ndarray:
        """bool: has ``gg:excludes`` or ``gg:restrictedTo``."""
        return _having(self._index, (v.EXCLUDES, v.RESTRICTED_TO), literals=False)

    @cached_property
    def has_status(self) -> np.ndarray:
        """bool: has a ``gg:mandateStatus`` (a relation or a literal)."""
        return _having(self._index, (v.MANDATE_STATUS,), literals=True)

    @cached_property
    def has_editorial(self) -> np.ndarray:
        """bool: has a ``gg:editorialNote`` (a relation or a literal)."""
        return _having(self._index, (v.EDITORIAL,), literals=True)

    @cached_property
    def _types(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
        return _types(self._index)

    @property
    def entity(self) -> np.ndarray:
        """bool: :meth:`GovIndex.is_entity`."""
        return self._types[0]

    @property
    def agent(self) -> np.ndarray:
        """bool: the type is an agent's (:data:`AGENT_TYPES`)."""
        return self._types[1]

    @property
    def organisation(self) -> np.ndarray:
        """bool: the type is an organisation's (``v.ORGANISATION_TYPES``)."""
        return self._types[2]

    @property
    def kind(self) -> np.ndarray:
        """int32: the place of the term's type name in :attr:`kinds`."""
        return self._types[3]

    @property
    def kinds(self) -> tuple[str, ...]:
        """Type names (:meth:`GovIndex.type_name`)."""
        return self._types[4]


def scope_arrays(index: GovIndex) -> ScopeArrays:
    """The :class:`ScopeArrays` of ``index`` (made on first use, its groups as asked for)."""
    return index.memo("scope-arrays", lambda: ScopeArrays(index), patch=_patched)


def _patched(old: ScopeArrays, index: GovIndex, touched: Any) -> ScopeArrays:
    """``old`` after a write: the groups it had read, grown to the new terms, with the
    subjects the write touched read again (no other term's flags can have changed)."""
    new = ScopeArrays(index)  # the containment predicates: cheap, and may have changed
    projection, n = index.projection, len(index.projection.terms)
    subjects = sorted(touched.subjects)
    outs = {s: projection.out_rows(s) for s in subjects}
    lits = {s: {p for p, _ in projection.literal_rows(s)} for s in subjects}
    ids = projection.ids

    def grown(array: np.ndarray, fill: object) -> np.ndarray:
        if all(s >= len(array) for s in subjects):  # new terms only: written after the end
            from graph.projection_rows import appended

            return appended(array, np.full(n - len(array), fill, dtype=array.dtype))
        # An old term changes: readers keep the old copy; the new one has room, as built.
        out = with_room(np.empty(n + spare_room(n), dtype=array.dtype), n)
        out[: len(array)] = array
        out[len(array) :] = fill
        return out

    if old.ready("holder"):
        holder, p = grown(old.holder, -1), ids.get(v.HOLDER)
        for s, (preds, objects) in outs.items():
            holder[s] = next((o for q, o in zip(preds, objects, strict=True) if q == p), -1)
        new.__dict__["holder"] = holder
    for name, predicates, literals in (
        ("may_rule_out", (v.EXCLUDES, v.RESTRICTED_TO), False),
        ("has_status", (v.MANDATE_STATUS,), True),
        ("has_editorial", (v.EDITORIAL,), True),
    ):
        if old.ready(name):
            flags, wanted = grown(getattr(old, name), False), {ids.get(q) for q in predicates}
            for s, (preds, _) in outs.items():
                flags[s] = bool(wanted & set(preds)) or (literals and bool(wanted & lits[s]))
            new.__dict__[name] = flags
    if old.ready("_types"):
        entity, agent, organisation, kind, kinds = old._types
        entity, agent = grown(entity, False), grown(agent, False)
        organisation, kind = grown(organisation, False), grown(kind, 0)
        codes = {name: code for code, name in enumerate(kinds)}
        hidden = {i for i in (ids.get(c) for c in HIDDEN_TYPES) if i is not None}
        for s, (preds, objects) in outs.items():
            classes = {o for q, o in zip(preds, objects, strict=True) if q == projection.type_id}
            name = index.type_name(projection.terms[s]) if classes else "unknown"
            entity[s] = bool(classes) and not classes & hidden
            agent[s] = bool(classes) and name in AGENT_TYPES
            organisation[s] = bool(classes) and name in v.ORGANISATION_TYPES
            kind[s] = codes.setdefault(name, len(codes))
        new.__dict__["_types"] = (entity, agent, organisation, kind, tuple(codes))
    return new


def _ids(index: GovIndex, iris: set[str] | frozenset[str]) -> list[int]:
    ids = index.projection.ids
    return [i for i in (ids.get(iri) for iri in sorted(iris)) if i is not None]


def full_with_room(n: int, fill: object, dtype: Any) -> np.ndarray:
    """``np.full(n, fill, dtype)`` with spare room after its end
    (:func:`graph.projection_rows.with_room`): the first write that adds terms appends to it
    in place, as later writes do, instead of copying it (some 8 ms on a national graph).

    >>> a = full_with_room(3, -1, np.int64)
    >>> a.tolist(), len(a.base) > 3
    ([-1, -1, -1], True)
    """
    return with_room(np.full(n + spare_room(n), fill, dtype=dtype), n)


def first_objects(index: GovIndex, predicate: str) -> np.ndarray:
    """int64 per term id: its first object of ``predicate`` in stream order (``-1``: none)."""
    projection = index.projection
    dense = full_with_room(len(projection.terms), -1, np.int64)
    p = projection.ids.get(predicate)
    if p is not None:
        subjects, objects = projection.pairs(p)
        dense[subjects[::-1]] = objects[::-1]  # the first in stream order wins
    return dense


def _having(index: GovIndex, predicates: tuple[str, ...], *, literals: bool) -> np.ndarray:
    """bool per term: the subject of one of ``predicates`` (relations, and literals too)."""
    projection = index.projection
    found = full_with_room(len(projection.terms), False, bool)
    for predicate in predicates:
        p = projection.ids.get(predicate)
        if p is not None:
            found[projection.pairs(p)[0]] = True
            if literals:
                found[projection.lit_s[projection.lit_p == p]] = True
    return found


def _types(
    index: GovIndex,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, tuple[str, ...]]:
    """``(entity, agent, organisation, kind, kinds)`` per term id."""
    projection = index.projection
    n = len(projection.terms)
    entity, agent, organisation = (
        full_with_room(n, False, bool),
        full_with_room(n, False, bool),
        full_with_room(n, False, bool),
    )
    names: dict[str, int] = {"unknown": 0}  # what GovIndex.type_name says of the untyped
    kind = full_with_room(n, 0, np.int32)
    if projection.type_id >= 0:
        subjects, classes = projection.pairs(projection.type_id)
        entity[subjects] = True
        hidden = np.zeros(n, dtype=bool)
        hidden[_ids(index, HIDDEN_TYPES)] = True
        entity[subjects[hidden[classes]]] = False
        several = np.bincount(subjects, minlength=n) > 1
        single = ~several[subjects]
        # A thing of one class: its type name is its class's (asked of one such thing).
        ones, of_class = subjects[single], classes[single]
        sample = np.full(n, -1, dtype=np.int64)
        sample[of_class[::-1]] = ones[::-1]
        found = np.flatnonzero(sample >= 0)
        kinds = [index.type_name(projection.terms[i]) for i in sample[found].tolist()]
        code_of = np.zeros(n, dtype=np.int32)
        code_of[found] = [names.setdefault(name, len(names)) for name in kinds]
        kind[ones] = code_of[of_class]
        for flags, wanted in ((agent, AGENT_TYPES), (organisation, v.ORGANISATION_TYPES)):
            chosen = np.zeros(n, dtype=bool)
            chosen[found[[name in wanted for name in kinds]] if kinds else found[:0]] = True
            flags[ones[chosen[of_class]]] = True
        for i in np.flatnonzero(several).tolist():  # several classes: asked one by one
            name = index.type_name(projection.terms[i])
            agent[i], organisation[i] = name in AGENT_TYPES, name in v.ORGANISATION_TYPES
            kind[i] = names.setdefault(name, len(names))
    return entity, agent, organisation, kind, tuple(names)


#: per mandate read in bulk: ``(holder or None, may be ruled out, has an editorial note,
#: states a status)``; atoms in a tuple, nothing the collector scans
Row = tuple[str | None, bool, bool, bool]
_ROWS = "scope-mandate-rows"
_ROWS_KEPT = 200_000


def read_mandates(index: GovIndex, ids: list[int]) -> None:
    """Read the rows of many mandates (term ids) at once from the arrays."""
    if not ids:
        return
    arrays = scope_arrays(index)
    rows: dict[str, Row] = index.memo(_ROWS, dict)
    if len(rows) >= _ROWS_KEPT:
        rows.clear()
    at = np.array(ids, dtype=np.int64)
    terms = index.projection.terms
    for i, h, limited, noted, stated in zip(
        ids,
        arrays.holder[at].tolist(),
        arrays.may_rule_out[at].tolist(),
        arrays.has_editorial[at].tolist(),
        arrays.has_status[at].tolist(),
        strict=True,
    ):
        rows[terms[i]] = (terms[h] if h >= 0 else None, limited, noted, stated)


def mandate_row(index: GovIndex, mandate: str) -> Row | None:
    """The mandate's row if :func:`read_mandates` read it."""
    rows: dict[str, Row] = index.memo(_ROWS, dict)
    return rows.get(mandate)


def holder(index: GovIndex, mandate: str) -> str | None:
    """The mandate's first ``gg:holder`` (as :func:`graph.queries.coverage.holder_of`): from
    the arrays once a walk over many mandates has read them, else from the mandate's facts (a
    question about a few mandates does not pay for reading them all)."""
    row = mandate_row(index, mandate)
    if row is not None and row[0] is not None:
        return row[0]
    arrays = scope_arrays(index)
    if row is None and arrays.ready("holder"):
        projection = index.projection
        i = projection.ids.get(mandate)
        if i is not None:
            h = int(arrays.holder[i])
            if h >= 0:
                return projection.terms[h]
    return index.first(mandate, v.HOLDER)  # none, or a literal


def without_status(index: GovIndex, mandate: str) -> bool:
    """True when the mandate surely states no ``gg:mandateStatus`` (so it is in force);
    ``False`` when it does, or the array is not read yet (see :func:`holder`)."""
    row = mandate_row(index, mandate)
    if row is not None:
        return not row[3]
    arrays = scope_arrays(index)
    if not arrays.ready("has_status"):
        return False
    i = index.projection.ids.get(mandate)
    return i is not None and not arrays.has_status[i]


def flags(index: GovIndex, mandate: str) -> tuple[bool, bool]:
    """``(may be ruled out, has an editorial note)`` of a mandate: ``False`` says for sure
    that it states no exclusion or restriction, and no editorial note."""
    row = mandate_row(index, mandate)
    if row is not None:
        return row[1], row[2]
    i = index.projection.ids.get(mandate)
    if i is None:
        return True, True
    arrays = scope_arrays(index)
    return bool(arrays.may_rule_out[i]), bool(arrays.has_editorial[i])


def out_pairs(index: GovIndex, ids: list[int], predicate: str) -> list[tuple[int, int]]:
    """``(subject, object)`` term ids of the ``predicate`` relations of ``ids``, read at once
    (per subject in stream order)."""
    projection = index.projection
    p = projection.ids.get(predicate)
    if p is None or not ids:
        return []
    subjects = np.array(ids, dtype=np.int64)
    rows, counts = projection.rows_of("out", subjects)
    at = np.repeat(subjects, counts)
    keep = projection.p[rows] == p
    return list(zip(at[keep].tolist(), projection.o[rows[keep]].tolist(), strict=True))
