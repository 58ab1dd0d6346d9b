"""Which mandates bear on a subject: covering it from above, or over matters inside it.

Shared by ``who_decides`` and ``check``; pure functions over a :class:`GovIndex`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from graph.arrays import stable_order
from graph.index import GovIndex
from graph.queries.scope_arrays import flags, holder, read_mandates, scope_arrays
from graph.queries.scope_contained import contained_ids
from graph.queries.scope_labels import Labels, label, prefetch
from graph.queries.scopes import (
    Path,
    containing_scopes,
    effective_actions,
    mandate_actions,
    mandate_status,
    outside_restriction,
    prefetch_actions,
    role_of,
)
from graph.resolve import normalise
from ontology import vocab as v
from ontology.terms import local_id

# Tie-break between mandates at the same distance: the strongest action first.
ACTION_STRENGTH = (
    "decide",
    "approve",
    "set_direction",
    "prioritise",
    "allocate_resources",
    "recommend",
    "coordinate",
    "implement",
    "deliver",
    "follow_up",
    "advise",
)


def strength(index: GovIndex, mandate: str) -> int:
    """Rank of the mandate's strongest action (0 = decide); lower sorts first."""
    ranks = [
        ACTION_STRENGTH.index(a) if a in ACTION_STRENGTH else len(ACTION_STRENGTH)
        for a in mandate_actions(index, mandate)
    ]
    return min(ranks, default=len(ACTION_STRENGTH))


#: (distance, mandate, scope through which it bears on the subject)
Hit = tuple[int, str, str]


@dataclass
class Assessment:
    """The mandates bearing on one subject, before rendering."""

    subject: str
    scopes: dict[str, Path]
    covering: list[Hit] = field(default_factory=list)
    # (mandate, kind, reason, citations)
    excluded: list[tuple[str, str, str, list[dict[str, str]]]] = field(default_factory=list)
    # covering mandates valid for the subject whose actions do not match the question
    other_actions: list[Hit] = field(default_factory=list)
    # matching mandates that are not in force (recommended, planned, ended)
    not_in_force: list[Hit] = field(default_factory=list)


def holder_of(index: GovIndex, mandate: str) -> str | None:
    """The mandate's first ``gg:holder`` (read from the scope arrays)."""
    return holder(index, mandate)


def _naming_citations(index: GovIndex, mandate: str, targets: list[str]) -> list[dict[str, str]]:
    """The mandate's citations that name one of ``targets``, else all of them."""
    cites = [c for t in targets for c in index.citation_dicts(mandate, v.EXCLUDES, t)]
    cites = cites or index.citation_dicts(mandate)
    names = {
        normalise(n) for t in targets for n in [*index.labels(t).values(), *index.alt_labels(t)]
    }
    names.discard("")
    naming = [c for c in cites if names and _mentions(normalise(c["quote"]), names)]
    return naming or cites


def _mentions(text: str, names: set[str]) -> bool:
    return any(n in text for n in names)


def _period_text(index: GovIndex, iri: str) -> str:
    period = index.period(iri)
    return f"valid {period.start or '…'} – {period.end or '…'}"


def _ruled_out(
    index: GovIndex, mandate: str, subject: str, day: date | None
) -> tuple[str, str, list[dict[str, str]]] | None:
    """``(kind, reason, citations)`` when the mandate does not cover ``subject``, else None."""
    scopes = containing_scopes(index, subject)
    hit = next((e for e in index.out(mandate, v.EXCLUDES) if e in scopes), None)
    if hit is not None:
        via = "" if hit == subject else f" ({index.label(subject)} lies within it)"
        reason = f"mandate {local_id(mandate)} excludes {index.label(hit)} ({local_id(hit)}){via}"
        return "exclusion", reason, _naming_citations(index, mandate, [hit])
    outside = outside_restriction(index, mandate, subject)
    if outside:
        allowed = ", ".join(index.label(o) for o in index.out(mandate, v.RESTRICTED_TO))
        others = ", ".join(index.label(o) for o in outside)
        reason = (
            f"mandate {local_id(mandate)} covers only matters that concern {allowed} alone; "
            f"{index.label(subject)} concerns {others}"
        )
        return (
            "restriction",
            reason,
            _naming_citations(index, mandate, index.out(mandate, v.RESTRICTED_TO)),
        )
    if not index.valid_at(mandate, day):
        reason = (
            f"mandate {local_id(mandate)} is not in force on {day} ({_period_text(index, mandate)})"
        )
        return "not_in_force", reason, index.citation_dicts(mandate)
    holder = holder_of(index, mandate)
    if holder is not None and not index.valid_at(holder, day):
        reason = f"{index.label(holder)} did not exist on {day} ({_period_text(index, holder)})"
        return "holder_not_existing", reason, index.citation_dicts(holder)
    return None


def assess(
    index: GovIndex,
    subject: str,
    *,
    actions: frozenset[str] | None,
    day: date | None,
    closure: dict[str, frozenset[str]],
) -> Assessment:
    """Collect covering, excluded, other-action and not-in-force mandates for ``subject``.

    A mandate answers the question when its actions, with what they imply, meet ``actions``
    (``None``: any action). A body is never its own decider: mandates held by the subject are
    left out.
    """
    scopes = containing_scopes(index, subject)
    result = Assessment(subject, scopes)
    candidates: dict[str, tuple[int, str] | None] = {}
    for scope, path in scopes.items():
        for mandate in index.into(scope, v.SCOPE):
            best = candidates.get(mandate)
            if best is None or len(path) < best[0]:
                candidates[mandate] = (len(path), scope)
        for mandate in index.into(scope, v.EXCLUDES):
            candidates.setdefault(mandate, None)
    ids = index.projection.ids
    read_mandates(index, [i for i in (ids.get(m) for m in candidates) if i is not None])
    for mandate in sorted(candidates):
        if holder_of(index, mandate) == subject:
            continue
        matches = actions is None or bool(effective_actions(index, mandate, closure) & actions)
        # Without a day, only an exclusion or a restriction can rule a mandate out.
        maybe = day is not None or flags(index, mandate)[0]
        ruled = _ruled_out(index, mandate, subject, day) if maybe else None
        if ruled is not None and ruled[0] in ("exclusion", "restriction"):
            if matches:
                result.excluded.append((mandate, *ruled))
            continue
        cover = candidates[mandate]
        if cover is None:
            continue
        hit = (cover[0], mandate, cover[1])
        if not matches:
            result.other_actions.append(hit)
        elif mandate_status(index, mandate) != "in_force":
            result.not_in_force.append(hit)
        elif ruled is not None:
            result.excluded.append((mandate, *ruled))
        else:
            result.covering.append(hit)
    _prefetch_holders(index, [*result.covering, *result.not_in_force], rows=False)
    result.covering.sort(key=lambda c: order_key(index, c))
    result.not_in_force.sort(key=lambda c: order_key(index, c))
    result.other_actions.sort()
    return result


def nearest_decider(index: GovIndex, subject: str, *, day: date | None) -> Hit | None:
    """The first of ``assess(index, subject, actions=None, ...).covering`` whose role is
    ``decides``, without assessing the mandates over the wider scopes once one is found.

    Scopes are taken nearest first, one distance at a time; the first distance with a decider
    in force, not ruled out and not held by the subject gives the answer (ranked by
    :func:`order_key`, as ``assess`` ranks them).
    """
    by_distance: dict[int, list[str]] = {}
    for scope, path in containing_scopes(index, subject).items():
        by_distance.setdefault(len(path), []).append(scope)
    seen: set[str] = set()
    for distance in sorted(by_distance):
        hits: list[Hit] = []
        for scope in by_distance[distance]:
            for mandate in index.into(scope, v.SCOPE):
                if mandate in seen:
                    continue
                seen.add(mandate)  # first met at its nearest distance, as ``assess`` keeps it
                if (
                    role_of(index, mandate, None) != "decides"
                    or holder_of(index, mandate) == subject
                    or mandate_status(index, mandate) != "in_force"
                    or _ruled_out(index, mandate, subject, day) is not None
                ):
                    continue
                hits.append((distance, mandate, scope))
        if hits:
            return min(hits, key=lambda c: order_key(index, c))
    return None


def order_key(index: GovIndex, hit: Hit) -> tuple[int, int, str, str]:
    distance, mandate, _ = hit
    cache: dict[str, tuple[int, str]] = index.memo("mandate_order", dict)
    rank = cache.get(mandate)
    if rank is None:
        holder = holder_of(index, mandate) or ""
        rank = cache[mandate] = (strength(index, mandate), label(index, holder))
    return (distance, rank[0], rank[1], mandate)


def inside(
    index: GovIndex,
    subject: str,
    *,
    actions: frozenset[str] | None,
    day: date | None,
    closure: dict[str, frozenset[str]],
) -> tuple[list[Hit], list[Hit], dict[str, list[tuple[str, str]]]]:
    """Mandates over matters inside ``subject``, or held by bodies inside it: ``(in force, not)``.

    Each hit's scope is the inner thing it bears on (the matter, or the holder when it is the
    holder that lies inside); nearest first. The third value maps inner things to their path up
    to the subject. The mandates are gathered over the projection's arrays at once; only
    those that bear on the subject are read.
    """
    ids, things = contained_ids(index, subject)
    found = _reached(index, ids, [len(path) for path in things.values()])
    read_mandates(index, [m for m, _, _ in found])  # their holders and flags, at once
    arrays = scope_arrays(index)
    terms = index.projection.terms
    in_force: list[Hit] = []
    other: list[Hit] = []
    for m, distance, where in found:
        mandate = terms[m]
        h = int(arrays.holder[m])
        holder = terms[h] if h >= 0 else holder_of(index, mandate)
        if holder == subject:
            continue
        if actions is not None and not effective_actions(index, mandate, closure) & actions:
            continue
        if where == holder:  # the holder lies inside: its mandate counts while it is valid
            if not (index.valid_at(mandate, day) and index.valid_at(holder, day)):
                continue
        # Without a day, only an exclusion or a restriction can rule a mandate out.
        elif (day is not None or arrays.may_rule_out[m]) and _ruled_out(
            index, mandate, where, day
        ) is not None:
            continue
        hit = (distance, mandate, where)
        (in_force if mandate_status(index, mandate) == "in_force" else other).append(hit)
    _prefetch_holders(index, [*in_force, *other], rows=False)  # the rows are read above
    in_force.sort(key=lambda c: order_key(index, c))
    other.sort(key=lambda c: order_key(index, c))
    return in_force, other, things


def _prefetch_holders(index: GovIndex, hits: list[Hit], *, rows: bool = True) -> None:
    """Read the hits' mandates (holders and flags: :func:`read_mandates`, unless ``rows`` is
    false), their actions and the labels of their holders at once (what orders them)."""
    mandates = [m for _, m, _ in hits]
    if rows:
        ids = index.projection.ids
        read_mandates(index, [i for i in (ids.get(m) for m in mandates) if i is not None])
    prefetch_actions(index, mandates)
    holders = [holder_of(index, m) for m in mandates]
    prefetch(index, [h for h in holders if h is not None], None)
    cache: dict[str, tuple[int, str]] = index.memo("mandate_order", dict)
    names = Labels(index, None)
    for mandate, body in zip(mandates, holders, strict=True):
        if mandate not in cache:  # as :func:`order_key` ranks it
            cache[mandate] = (strength(index, mandate), names(body or ""))


def _reached(index: GovIndex, ids: list[int], lengths: list[int]) -> list[tuple[int, int, str]]:
    """``(mandate, distance, inner thing)`` of the mandates whose scope or holder is one of
    ``ids`` (at ``lengths`` from the subject), in IRI order of the mandates.

    A mandate reached several ways keeps the nearest through its scope if it has one (it says
    what the mandate is about), else the nearest through its holder; among equals the first
    met (things in order, scopes before holders).
    """
    arrays = scope_arrays(index)
    projection = index.projection
    if not ids or arrays.scope < 0 and arrays.holds < 0:
        return []
    things = np.array(ids, dtype=np.int64)
    rows, counts = projection.rows_of("in", things)
    at = np.repeat(np.arange(len(ids)), counts)
    preds = projection.p[rows]
    keep = (preds == arrays.scope) | (preds == arrays.holds)
    rows, at, route = rows[keep], at[keep], (preds[keep] == arrays.holds).astype(np.int64)
    if not len(rows):
        return []
    mandates = projection.s[rows].astype(np.int64)
    distance = np.array(lengths, dtype=np.int64)[at]
    met = np.arange(len(rows))  # per thing, its rows in stream order
    # per mandate: the least (route, distance), then the first met (thing, route, row)
    order = np.lexsort((met, route, at, distance, route, mandates))
    ranked = mandates[order]
    chosen = order[np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])]
    chosen = chosen[stable_order(projection.rank[mandates[chosen]])]
    terms = projection.terms
    found = projection.s[rows[chosen]].tolist()
    projection.ids_known(found)  # read next
    holders = arrays.holder[found]
    projection.ids_known(holders[holders >= 0].tolist())
    return [
        (m, d, terms[t])
        for m, d, t in zip(
            found, distance[chosen].tolist(), things[at[chosen]].tolist(), strict=True
        )
    ]
