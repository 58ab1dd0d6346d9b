"""The portfolio facts of a projection, read once per index: milestones, status history,
follow-up mandates and what each body follows.

Shared by ``portfolio``, ``milestones``, ``indicators`` and ``slip``. The facts come from
:mod:`graph.portfolio_lookups` (read by predicate into arrays, kept with the projection). What
a mandate reaches is worked out once per projection; what depends on the day (the mandates and
dependencies valid then) once per set of valid ones, which most days share. Labels and type
names are read for what an answer shows (:func:`names`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.index import GovIndex
from graph.portfolio_columns import Names, kept
from graph.portfolio_lookups import (
    FOLLOW_UP,
    ITEM_TYPES,
    NOT_IN_FORCE,
    PORTFOLIO_TYPES,
    STRUCTURE_READS,
    Dependency,
    Milestone,
    StatusReport,
    day_of,
    lookups,
    quiet_build,
)
from graph.portfolio_patch import STRUCTURE_CLASSES, unless_changed
from ontology.terms import local_id

__all__ = [
    "FOLLOW_UP",
    "ITEM_TYPES",
    "NOT_IN_FORCE",
    "PORTFOLIO_TYPES",
    "Following",
    "Milestone",
    "StatusReport",
    "day_of",
    "following",
]


def milestones_by_item(index: GovIndex) -> Mapping[str, list[Milestone]]:
    """Every milestone, by the item it belongs to, in planned (then forecast) order."""
    return lookups(index).milestones


def milestone_index(index: GovIndex) -> Mapping[str, Milestone]:
    return lookups(index).milestone


def status_history(index: GovIndex) -> Mapping[str, list[StatusReport]]:
    """Every dated status report, by item, oldest first."""
    return lookups(index).statuses


def status_on(index: GovIndex, item: str, day: date) -> StatusReport | None:
    """The newest status report on or before ``day``."""
    return lookups(index).status_on(item, day)


def follow_up_mandates(index: GovIndex, day: date | None) -> list[str]:
    """Follow-up mandates valid on ``day`` and in force."""
    facts = lookups(index)
    return [f.iri for f in facts.follow_ups if facts.valid_at(index, f.iri, day)]


@dataclass(frozen=True)
class Following:
    """Who follows what: items by body, bodies (with their mandate) by item."""

    items_by_body: dict[str, list[str]]
    bodies_by_item: dict[str, tuple[tuple[str, str], ...]]
    #: each body's mandates through which it follows some item first (sorted)
    mandates_by_body: dict[str, list[str]] = field(default_factory=dict)


#: Keeps a value of the lookups' structure alone across a write that changed none of it.
_STRUCTURE = unless_changed(STRUCTURE_READS, STRUCTURE_CLASSES)


def _reach(index: GovIndex) -> dict[str, list[str]]:
    """Each follow-up mandate's items: its scopes and everything within them that is an
    initiative, project or system (the same every day: kept per index)."""

    def build() -> dict[str, list[str]]:
        facts = lookups(index)
        known, within = facts.items, facts.within
        scopes = within.keys()
        out = {}
        for mandate in facts.follow_ups:
            # Level by level, in set operations: of 10,000 items reached, only the few
            # scopes that hold anything are looked into.
            seen: set[str] = set()
            frontier = set(mandate.scopes)
            while frontier:
                seen |= frontier
                parts: set[str] = set()
                for here in scopes & frontier:
                    parts.update(within[here])
                frontier = parts - seen
            out[mandate.iri] = list(seen & known)
        return out

    return kept(index, "portfolio:reach", lambda: quiet_build(build), STRUCTURE_READS, _STRUCTURE)


def following(index: GovIndex, day: date | None) -> Following:
    """The initiatives, projects and systems each body follows up, through its follow-up
    mandates' scopes and everything within them (portfolio members, parts of a strategy).

    Kept per index and set of mandates valid on ``day`` (most days share one)."""
    facts = lookups(index)
    valid = tuple(f for f in facts.follow_ups if facts.valid_at(index, f.iri, day))

    def build() -> Following:
        reach = _reach(index)
        items: dict[str, set[str]] = defaultdict(set)
        # Tuples, not lists: the collector stops scanning a tuple of strings once it has seen
        # it, and 10,000 lists would be scanned by every collection after.
        bodies: dict[str, tuple[tuple[str, str], ...]] = {}
        mandates: dict[str, set[str]] = defaultdict(set)
        # By holder (then IRI, as before): each item's followers are appended in order, once
        # each (a holder reaches an item first through one mandate), so none needs sorting.
        for mandate in sorted(valid, key=lambda f: (f.holder, f.iri)):
            mine = items[mandate.holder]
            new = set(reach[mandate.iri]) - mine
            mine |= new
            follower = (mandate.holder, mandate.iri)
            for here in new:
                bodies[here] = (*bodies.get(here, ()), follower)
            if new:
                mandates[mandate.holder].add(mandate.iri)
        return Following(
            {body: sorted(found) for body, found in items.items()},
            bodies,
            {body: sorted(found) for body, found in mandates.items()},
        )

    key = hash(tuple(f.iri for f in valid))
    return kept(
        index, f"portfolio:following:{key}", lambda: quiet_build(build), STRUCTURE_READS, _STRUCTURE
    )


def prerequisites(index: GovIndex, day: date | None) -> dict[str, dict[str, Dependency]]:
    """``dependent -> {prerequisite: dependency}`` over the dependencies valid on ``day``
    (the strongest kept per pair, as :meth:`GovIndex.dependency_graph` does).

    Kept per index and set of dependencies not valid on ``day`` (most days share one)."""
    facts = lookups(index)
    invalid = _invalid(index, day)

    def build() -> dict[str, dict[str, Dependency]]:
        out: dict[str, dict[str, Dependency]] = defaultdict(dict)
        for dep in facts.dependencies:
            if dep.iri in invalid:
                continue
            mine = out[dep.dependent]
            existing = mine.get(dep.prerequisite)
            if existing is None or existing.rank < dep.rank:
                mine[dep.prerequisite] = dep
        return dict(out)

    key = f"portfolio:prerequisites:{hash(invalid)}"
    return kept(index, key, lambda: quiet_build(build), STRUCTURE_READS, _STRUCTURE)


def _invalid(index: GovIndex, day: date | None) -> frozenset[str]:
    """The dependencies not valid on ``day`` (few have a validity period at all)."""
    facts = lookups(index)
    if not facts.dated:  # most graphs date none (asked three times per judgement)
        return frozenset()
    return frozenset(
        d.iri for d in facts.dependencies if d.iri in facts.dated and not index.valid_at(d.iri, day)
    )


def dependents(index: GovIndex, day: date | None) -> dict[str, list[str]]:
    """``prerequisite -> [dependent, ...]`` (sorted) over the dependencies valid on ``day``."""
    pres = prerequisites(index, day)

    def build() -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for dependent, found in pres.items():
            for pre in found:
                out[pre].append(dependent)
        return {k: sorted(x) for k, x in out.items()}

    key = f"portfolio:dependents:{hash(_invalid(index, day))}"
    return kept(index, key, lambda: quiet_build(build), STRUCTURE_READS, _STRUCTURE)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def milestone_dict(
    index: GovIndex,
    m: Milestone,
    day: date,
    lang: str | None,
    *,
    sources: bool = True,
    refs: Callable[[str], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """One milestone as every answer shows it (``refs``: unused, kept for callers)."""
    achieved = m.achieved(day)
    overdue = not achieved and m.overdue(day)
    expected = m.expected(day)
    slip = None if m.planned is None or expected is None else (expected - m.planned).days
    if achieved:
        state = "achieved"
    elif overdue:
        state = "overdue"
    elif slip is None:
        state = "undated" if expected is None else "on_track"
    else:
        state = "late" if slip > 0 else "on_track"
    out: dict[str, Any] = {
        "id": local_id(m.iri),
        "label": label(index, m.iri, lang),
        "planned": iso(m.planned),
        "forecast": iso(m.forecast),
        "actual": iso(m.actual),
        "expected": iso(expected),
        "slip_days": slip,
        "state": state,
        "after": [local_id(a) for a in m.after],
    }
    if sources:
        out["sources"] = citations(index, m.iri)
    return out


def names(index: GovIndex, lang: str | None) -> Names:
    """Labels and type names in ``lang``, kept per index (:class:`Names`: read a batch at a
    time with ``prefetch``, only for what an answer shows)."""
    return index.memo(
        f"portfolio:names:{lang}",
        lambda: Names(index, lang),
        patch=lambda old, new, touched: old.carried(new, touched),
    )


def refs_of(index: GovIndex, lang: str | None) -> Callable[[str], dict[str, str]]:
    """``iri -> index.ref(iri, lang)``, kept per index and language: a board names the same
    bodies and items thousands of times (``names(index, lang).prefetch`` reads many at once).
    The dicts it returns are shared: do not change them."""

    def build() -> Callable[[str], dict[str, str]]:
        cache: dict[str, dict[str, str]] = {}
        named = names(index, lang)

        def refer(iri: str) -> dict[str, str]:
            found = cache.get(iri)
            if found is None:
                found = cache[iri] = {
                    "id": local_id(iri),
                    "label": named.label(iri),
                    "type": named.type_name(iri),
                }
            return found

        return refer

    return index.memo(f"portfolio:refs:{lang}", build)


def ref(index: GovIndex, iri: str, lang: str | None) -> dict[str, str]:
    """``index.ref`` kept per index and language (a copy: callers may change it)."""
    return dict(refs_of(index, lang)(iri))


def label(index: GovIndex, iri: str, lang: str | None) -> str:
    return names(index, lang).label(iri)


def citations(index: GovIndex, iri: str) -> list[dict[str, str]]:
    """``index.citation_dicts``, kept per index (the lists are shared: do not change them)."""
    cache: dict[str, list[dict[str, str]]] = index.memo("portfolio:citations", dict)
    found = cache.get(iri)
    if found is not None:
        return found
    titles: dict[str, str] = index.memo("portfolio:doc-titles", dict)
    out = []
    for c in index.citations_for(iri):
        title = titles.get(c.document)
        if title is None:
            title = titles[c.document] = index.label(c.document)
        out.append({"document": local_id(c.document), "title": title, "quote": c.quote})
    cache[iri] = out
    return out
