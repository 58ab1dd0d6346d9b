"""``diff``: what changed between two days (facts valid on one day and not on the other)."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.events import event_record, events_between
from graph.queries.scopes import as_of_day
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import ALWAYS, first_day
from ontology.errors import InvalidArgument
from ontology.terms import concept_slug, local_id

FACT_CLASSES = (v.MEMBERSHIP, v.MANDATE, v.DEPENDENCY)


def _short(index: GovIndex, iri: str | None, lang: str | None) -> dict[str, str] | None:
    return None if iri is None else {"id": local_id(iri), "label": index.label(iri, lang)}


def _describe(index: GovIndex, iri: str, lang: str | None) -> dict[str, Any]:
    """One fact as the diff shows it: what it is, its validity and who/what it links."""
    node = index.node(iri)
    kind = index.type_name(iri)
    item: dict[str, Any] = {
        "kind": kind,
        "id": local_id(iri),
        "label": index.label(iri, lang),
        "valid": index.period(iri).as_dict(),
    }
    if kind == "membership":
        item["member"] = _short(index, node.first(v.MEMBER), lang)
        item["body"] = _short(index, node.first(v.ORGANIZATION_P), lang)
        item["role"] = concept_slug(node.first(v.ROLE) or "member")
    elif kind == "mandate":
        item["holder"] = _short(index, node.first(v.HOLDER), lang)
        item["actions"] = [concept_slug(a) for a in index.out(iri, v.ACTION)]
        item["scope"] = [_short(index, s, lang) for s in index.out(iri, v.SCOPE)]
    elif kind == "dependency":
        item["dependent"] = _short(index, node.first(v.DEPENDENT), lang)
        item["prerequisite"] = _short(index, node.first(v.PREREQUISITE), lang)
        item["criticality"] = concept_slug(node.first(v.CRITICALITY) or "low")
    item["citations"] = index.citation_dicts(iri)
    return item


def _dated_facts(index: GovIndex) -> list[str]:
    """Entities and facts that carry a validity period (the only ones that can change)."""
    facts = {f for cls in FACT_CLASSES for f in index.of_type(cls)}
    facts.update(index.entities())
    return sorted(f for f in facts if index.period(f) != ALWAYS)


def diff(
    store: GraphStore,
    *,
    from_date: date | str,
    to_date: date | str,
    lang: str | None = None,
) -> dict[str, Any]:
    """Facts valid on ``to_date`` but not ``from_date`` (added) and the reverse (removed).

    Covers every entity with a validity period (bodies, organisations, strategies ...) and the
    memberships, mandates and dependencies. A fact without a period is valid on both days and
    never appears.

    Parameters
    ----------
    store : GraphStore
    from_date, to_date : date or str
        ``YYYY[-MM[-DD]]``; a partial date means its first day.
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{"from", "to", "added": [...], "removed": [...], "events": [...]}``; ``events`` are
        the decisions and changes dated between the two days (after ``from``, up to ``to``),
        as ``graph.queries.events`` shows them. Each added/removed item has ``kind`` (the type:
        ``body``, ``membership``, ``mandate``, ``dependency`` ...), ``id``, ``label``, ``valid``,
        the ends it links (``member``/``body``, ``holder``/``actions``/``scope``,
        ``dependent``/``prerequisite``) and ``citations``.

    Raises
    ------
    InvalidArgument
        A date is missing or malformed.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> change = diff(sample_store(), from_date="2019-06-01", to_date="2020-01-01")
    >>> [(item["kind"], item["id"]) for item in change["added"]], change["removed"]
    ([('body', 'ds')], [])
    """
    index = index_of(store)
    start = as_of_day(from_date) if from_date is not None else None
    end = as_of_day(to_date) if to_date is not None else None
    if start is None or end is None:
        raise InvalidArgument("from_date" if start is None else "to_date", "a date is required")
    added, removed = [], []
    for fact in _dated_facts(index):
        before, after = index.valid_at(fact, start), index.valid_at(fact, end)
        if after and not before:
            added.append(_describe(index, fact, lang))
        elif before and not after:
            removed.append(_describe(index, fact, lang))
    early, late = min(start, end), max(start, end)
    dated = [
        event_record(index, e, lang)
        for e in events_between(index, early, late)
        # an event on the earlier day itself already happened by then
        if first_day(index.node(e).first(v.EVENT_DATE) or "") > early
    ]
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "added": added,
        "removed": removed,
        "events": dated,
    }
