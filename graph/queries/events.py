"""``events``: the dated decisions and changes in the graph, as a timeline with citations."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.scopes import containing_scopes
from graph.resolve import resolve
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import first_day, last_day
from ontology.errors import InvalidArgument
from ontology.terms import local_id

#: What links an event to the things it is about, and what the answer calls the link.
EVENT_LINKS = {
    v.DECIDED_BY: "by",
    v.ABOUT: "about",
    v.RESULTING: "resulting",
    v.ORIGINAL: "original",
}


def event_record(index: GovIndex, event: str, lang: str | None = None) -> dict[str, Any]:
    """One event as every answer shows it: ``{id, label, kind, date, by, about, resulting,
    original, citations}`` (``by`` is one ``{id, label, type}`` or None)."""
    node = index.node(event)
    record: dict[str, Any] = {
        "id": local_id(event),
        "label": index.label(event, lang),
        "kind": "decision" if v.DECISION in node.types else "change",
        "date": node.first(v.EVENT_DATE),
    }
    for predicate, key in EVENT_LINKS.items():
        refs = [index.ref(t, lang) for t in sorted(index.out(event, predicate))]
        record[key] = (refs[0] if refs else None) if key == "by" else refs
    editorial = [lit.value for lit in node.literals.get(v.EDITORIAL, [])]
    if editorial:
        record["editorial"] = editorial
    record["citations"] = index.citation_dicts(event)
    return record


def event_iris(index: GovIndex) -> list[str]:
    """Every decision and change event with a date, oldest first (then by id)."""
    found = [e for cls in (v.DECISION, v.CHANGE_EVENT) for e in index.of_type(cls)]
    dated = [(index.node(e).first(v.EVENT_DATE), e) for e in found]
    return [e for day, e in sorted((d, e) for d, e in dated if d is not None)]


def events_about(index: GovIndex, iri: str) -> list[str]:
    """Events that name ``iri`` (as decider, subject, result or original), oldest first."""
    return [
        e
        for e in event_iris(index)
        if any(iri in index.out(e, predicate) for predicate in EVENT_LINKS)
    ]


def events_between(index: GovIndex, start: date | None, end: date | None) -> list[str]:
    """Events whose date falls in ``[start, end]`` (a partial date counts if it overlaps)."""
    out = []
    for event in event_iris(index):
        day = index.node(event).first(v.EVENT_DATE) or ""
        if start is not None and last_day(day) < start:
            continue
        if end is not None and first_day(day) > end:
            continue
        out.append(event)
    return out


def events(
    store: GraphStore,
    subject: str | None = None,
    *,
    from_date: date | str | None = None,
    to_date: date | str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """The timeline: dated decisions and changes, oldest first, each with its sources.

    Parameters
    ----------
    store : GraphStore
    subject : str, optional
        Only events that name this entity, or something within its scope (its parts, systems,
        bodies ...), as decider, subject, result or original.
    from_date, to_date : date or str, optional
        ``YYYY[-MM[-DD]]``; an event dated ``2018`` is in any range that overlaps 2018.
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{subject, from, to, events, message}``: each event ``{id, label, kind, date, by,
        about, resulting, original, citations}``; ``message`` says what was searched when
        nothing was found.

    Raises
    ------
    NotFound, AmbiguousName
        ``subject`` does not name exactly one entity.
    InvalidArgument
        A malformed date, or ``from_date`` after ``to_date``.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> [e["id"] for e in events(sample_store())["events"]]
    []
    """
    index = index_of(store)
    start, end = _day(from_date, "from_date"), _day(to_date, "to_date", last=True)
    if start and end and start > end:
        raise InvalidArgument("from_date", f"{start} is after to_date {end}")
    chosen = events_between(index, start, end)
    about = None
    if subject is not None:
        about = resolve(index, subject)
        chosen = [e for e in chosen if _names(index, e, about)]
    found = [event_record(index, e, lang) for e in chosen]
    answer: dict[str, Any] = {
        "subject": index.ref(about, lang) if about else None,
        "from": start.isoformat() if start else None,
        "to": end.isoformat() if end else None,
        "events": found,
    }
    if not found:
        what = f" about {index.label(about, lang)}" if about else ""
        documents = len(index.of_type(v.SOURCE_DOCUMENT))
        answer["message"] = (
            f"no decision or change{what} in that period is recorded in the {documents} "
            "loaded documents"
        )
    return answer


def _day(value: date | str | None, argument: str, *, last: bool = False) -> date | None:
    """A bound of the period; a partial ``to`` date means its last day (``2019``: 31 Dec)."""
    if value is None or isinstance(value, date):
        return value
    try:
        return last_day(value) if last else first_day(value)
    except ValueError as exc:
        raise InvalidArgument(argument, str(exc)) from None


def _names(index: GovIndex, event: str, subject: str) -> bool:
    """True when the event names the subject or something within its scope."""
    for predicate in EVENT_LINKS:
        for target in index.out(event, predicate):
            if target == subject or subject in containing_scopes(index, target):
                return True
    return False
