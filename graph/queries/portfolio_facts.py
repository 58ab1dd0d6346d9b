"""The portfolio facts of a projection, read once per index: milestones, status history,
follow-up mandates and what each body follows.

Shared by ``portfolio``, ``milestones``, ``indicators`` and ``slip``; every lookup is built on
first use and kept in :meth:`GovIndex.memo`, so a query over 10,000 initiatives costs one pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from graph.index import GovIndex
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.dates import last_day
from ontology.terms import concept, concept_slug, local_id

FOLLOW_UP = concept("action", "follow_up")
# Mandates that are not in force (SHAPES.md, who-decides `other_mandates`) follow nothing.
NOT_IN_FORCE = frozenset({"recommended", "planned", "ended"})
PORTFOLIO_TYPES = (v.ENTITY_CLASSES["initiative"], v.ENTITY_CLASSES["project"])
ITEM_TYPES = frozenset({*PORTFOLIO_TYPES, v.ENTITY_CLASSES["system"]})


def day_of(value: str | None) -> date | None:
    """The last day a partial date covers (a milestone due ``2025-06`` is on time all June).

    >>> day_of("2025-06")
    datetime.date(2025, 6, 30)
    >>> day_of(None) is None
    True
    """
    if value is None:
        return None
    try:
        return last_day(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Milestone:
    iri: str
    item: str
    planned: date | None
    forecast: date | None
    actual: date | None
    after: tuple[str, ...]

    def achieved(self, day: date) -> bool:
        return self.actual is not None and self.actual <= day

    def expected(self, day: date) -> date | None:
        """When it is (or was) reached: actual, else forecast, else planned; never before
        ``day`` while still open (a date that passed without an actual date is overdue)."""
        if self.achieved(day):
            return self.actual
        best = self.actual or self.forecast or self.planned
        return None if best is None else max(best, day) if self.overdue(day) else best

    def overdue(self, day: date) -> bool:
        """Open, and its forecast (or planned) date has passed."""
        if self.achieved(day):
            return False
        best = self.forecast or self.planned
        return best is not None and best < day

    def slip(self, day: date) -> int | None:
        """Days the expected date lies after the planned one (``None`` without a plan)."""
        expected = self.expected(day)
        if self.planned is None or expected is None:
            return None
        return (expected - self.planned).days

    def state(self, day: date) -> str:
        if self.achieved(day):
            return "achieved"
        if self.overdue(day):
            return "overdue"
        slip = self.slip(day)
        if slip is None:
            return "undated" if self.expected(day) is None else "on_track"
        return "late" if slip > 0 else "on_track"


@dataclass(frozen=True)
class StatusReport:
    iri: str
    item: str
    day: date
    status: str
    progress: float | None
    phase: str | None


def milestones_by_item(index: GovIndex) -> dict[str, list[Milestone]]:
    """Every milestone, by the item it belongs to, in planned (then forecast) order."""

    def build() -> dict[str, list[Milestone]]:
        out: dict[str, list[Milestone]] = defaultdict(list)
        for iri in index.of_type(p.MILESTONE):
            node = index.node(iri)
            item = node.first(p.MILESTONE_OF)
            if item is None:
                continue
            out[item].append(
                Milestone(
                    iri,
                    item,
                    day_of(node.first(p.PLANNED_DATE)),
                    day_of(node.first(p.FORECAST_DATE)),
                    day_of(node.first(p.ACTUAL_DATE)),
                    tuple(node.links.get(p.AFTER, ())),
                )
            )
        for items in out.values():
            items.sort(key=lambda m: (m.planned or m.forecast or date.max, m.iri))
        return dict(out)

    return index.memo("portfolio:milestones", build)


def milestone_index(index: GovIndex) -> dict[str, Milestone]:
    return index.memo(
        "portfolio:milestone-iri",
        lambda: {m.iri: m for ms in milestones_by_item(index).values() for m in ms},
    )


def status_history(index: GovIndex) -> dict[str, list[StatusReport]]:
    """Every dated status report, by item, oldest first."""

    def build() -> dict[str, list[StatusReport]]:
        out: dict[str, list[StatusReport]] = defaultdict(list)
        for iri in index.of_type(p.STATUS_REPORT):
            node = index.node(iri)
            item, status = node.first(p.STATUS_OF), node.first(p.STATUS)
            day = day_of(node.first(p.REPORT_DATE))
            if item is None or status is None or day is None:
                continue
            progress = node.first(p.PROGRESS)
            out[item].append(
                StatusReport(
                    iri,
                    item,
                    day,
                    concept_slug(status),
                    float(progress) if progress is not None else None,
                    node.first(p.PHASE),
                )
            )
        for reports in out.values():
            reports.sort(key=lambda r: (r.day, r.iri))
        return dict(out)

    return index.memo("portfolio:statuses", build)


def status_on(index: GovIndex, item: str, day: date) -> StatusReport | None:
    """The newest status report on or before ``day``."""
    current = None
    for report in status_history(index).get(item, ()):
        if report.day > day:
            break
        current = report
    return current


def _children(index: GovIndex) -> dict[str, list[str]]:
    """What lies directly within each scope (the inverse of the within-scope predicates)."""

    def build() -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        preds = index.within_scope_predicates
        for node in index.nodes.values():
            for pred in preds:
                for target in node.links.get(pred, ()):
                    out[target].append(node.iri)
        return dict(out)

    return index.memo("portfolio:children", build)


def follow_up_mandates(index: GovIndex, day: date | None) -> list[str]:
    """Follow-up mandates valid on ``day`` and in force."""
    out = []
    for mandate in index.into(FOLLOW_UP, v.ACTION):
        status = index.node(mandate).first(v.MANDATE_STATUS)
        if status is not None and concept_slug(status) in NOT_IN_FORCE:
            continue
        if index.valid_at(mandate, day):
            out.append(mandate)
    return sorted(out)


@dataclass(frozen=True)
class Following:
    """Who follows what: items by body, bodies (with their mandate) by item."""

    items_by_body: dict[str, list[str]]
    bodies_by_item: dict[str, list[tuple[str, str]]]


def following(index: GovIndex, day: date | None) -> Following:
    """The initiatives, projects and systems each body follows up, through its follow-up
    mandates' scopes and everything within them (portfolio members, parts of a strategy)."""

    def build() -> Following:
        children = _children(index)
        items: dict[str, set[str]] = defaultdict(set)
        bodies: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for mandate in follow_up_mandates(index, day):
            holder = index.node(mandate).first(v.HOLDER)
            if holder is None:
                continue
            seen: set[str] = set()
            frontier = list(index.out(mandate, v.SCOPE))
            while frontier:
                here = frontier.pop()
                if here in seen:
                    continue
                seen.add(here)
                frontier.extend(children.get(here, ()))
            for here in seen:
                if index.node(here).types & ITEM_TYPES and here not in items[holder]:
                    items[holder].add(here)
                    bodies[here].append((holder, mandate))
        return Following(
            {body: sorted(found) for body, found in items.items()},
            {item: sorted(set(found)) for item, found in bodies.items()},
        )

    return index.memo(f"portfolio:following:{day}", build)


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def milestone_dict(
    index: GovIndex, m: Milestone, day: date, lang: str | None, *, sources: bool = True
) -> dict[str, Any]:
    """One milestone as every answer shows it."""
    out: dict[str, Any] = {
        "id": local_id(m.iri),
        "label": label(index, m.iri, lang),
        "planned": iso(m.planned),
        "forecast": iso(m.forecast),
        "actual": iso(m.actual),
        "expected": iso(m.expected(day)),
        "slip_days": m.slip(day),
        "state": m.state(day),
        "after": [local_id(a) for a in m.after],
    }
    if sources:
        out["sources"] = citations(index, m.iri)
    return out


def ref(index: GovIndex, iri: str, lang: str | None) -> dict[str, str]:
    """``index.ref`` kept per index and language: a board names the same bodies and items
    thousands of times, and labels cost more than the rest of a row."""
    cache: dict[str, dict[str, str]] = index.memo(f"portfolio:refs:{lang}", dict)
    found = cache.get(iri)
    if found is None:
        found = cache[iri] = index.ref(iri, lang)
    return dict(found)


def label(index: GovIndex, iri: str, lang: str | None) -> str:
    return ref(index, iri, lang)["label"]


def citations(index: GovIndex, iri: str) -> list[dict[str, str]]:
    """``index.citation_dicts`` with the documents' titles kept per index."""
    titles: dict[str, str] = index.memo("portfolio:doc-titles", dict)
    out = []
    for c in index.citations_for(iri):
        title = titles.get(c.document)
        if title is None:
            title = titles[c.document] = index.label(c.document)
        out.append({"document": local_id(c.document), "title": title, "quote": c.quote})
    return out
