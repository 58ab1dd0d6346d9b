"""``who-decides``: the bodies whose mandate covers a subject, with the reasoning and the sources.

A mandate over X covers X and everything within the scope of X (the sub-properties of
``gg:withinScope``: part of, in domain, in portfolio, owned by, governed by, concerns ...). The
answer ranks the covering mandates by how close their scope is to the subject, reports the ones
that an explicit exclusion, the date or the holder's existence rules out, and follows
``org:reportsTo`` upward for the escalation chain. No covering mandate is a governance gap: an
answer with the nearest bodies, not an error.

The helpers (:func:`containing_scopes`, :func:`action_closure`, :func:`assess`) are shared with
``graph.queries.check``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.resolve import normalise, resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import parse_day
from ontology.errors import InvalidArgument
from ontology.terms import compact, concept_slug, local_id

REPORTS_TO = v.RELATION_KEYS["reports_to"]
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
ESTABLISHED_BY = v.RELATION_KEYS["established_by"]


def as_of_day(as_of: date | str | None) -> date | None:
    """Parse an ``as_of`` argument (a date, ``YYYY[-MM[-DD]]`` or ``None``).

    Raises
    ------
    InvalidArgument
        The text is not a date.

    >>> as_of_day("2019-12")
    datetime.date(2019, 12, 1)
    """
    if as_of is None or isinstance(as_of, date):
        return as_of
    try:
        return parse_day(as_of)
    except ValueError as exc:
        raise InvalidArgument("as_of", str(exc)) from None


def action_closure(index: GovIndex) -> dict[str, frozenset[str]]:
    """Each action slug -> the actions it entails (itself included), transitively.

    Read from ``gg:implies`` in the store's concept scheme; ``vocab.ACTION_IMPLIES`` is the
    fallback when the store holds no implications. Computed once per index.
    """
    return index.memo("action_closure", lambda: _action_closure(index))


def _action_closure(index: GovIndex) -> dict[str, frozenset[str]]:
    direct: dict[str, set[str]] = {a: set() for a in v.ACTIONS}
    found = False
    for node in index.nodes.values():
        for target in node.links.get(v.IMPLIES, []):
            direct.setdefault(concept_slug(node.iri), set()).add(concept_slug(target))
            direct.setdefault(concept_slug(target), set())
            found = True
    if not found:
        for action, implied in v.ACTION_IMPLIES.items():
            direct[action].update(implied)
    closure: dict[str, frozenset[str]] = {}
    for action in direct:
        seen, frontier = {action}, [action]
        while frontier:
            for nxt in direct.get(frontier.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        closure[action] = frozenset(seen)
    return closure


def mandate_actions(index: GovIndex, mandate: str) -> list[str]:
    slugs = {concept_slug(a) for a in index.out(mandate, v.ACTION)}
    order = {a: i for i, a in enumerate(v.ACTIONS)}
    return sorted(slugs, key=lambda a: (order.get(a, len(order)), a))


def strength(index: GovIndex, mandate: str) -> int:
    """Rank of the mandate's strongest action (0 = decide); lower sorts first."""
    ranks = [
        ACTION_STRENGTH.index(a) if a in ACTION_STRENGTH else len(ACTION_STRENGTH)
        for a in mandate_actions(index, mandate)
    ]
    return min(ranks, default=len(ACTION_STRENGTH))


def effective_actions(
    index: GovIndex, mandate: str, closure: dict[str, frozenset[str]]
) -> set[str]:
    """The actions a mandate grants, with everything they imply."""
    out: set[str] = set()
    for action in mandate_actions(index, mandate):
        out |= closure.get(action, frozenset({action}))
    return out


def containing_scopes(index: GovIndex, subject: str) -> dict[str, list[tuple[str, str]]]:
    """Every scope that contains ``subject`` -> the shortest path to it, as ``(predicate, iri)``.

    The subject itself is in the result with an empty path; the path length is the distance used
    to rank mandates (the more specific scope first). Cycle-safe breadth-first search.
    """
    paths: dict[str, list[tuple[str, str]]] = {subject: []}
    queue = deque([subject])
    predicates = sorted(index.within_scope_predicates)
    while queue:
        current = queue.popleft()
        node = index.node(current)
        for pred in predicates:
            for target in node.links.get(pred, []):
                if target not in paths:
                    paths[target] = [*paths[current], (pred, target)]
                    queue.append(target)
    return paths


@dataclass
class Assessment:
    """The mandates bearing on one subject, before rendering."""

    subject: str
    scopes: dict[str, list[tuple[str, str]]]
    # (distance, mandate, scope it covers the subject through)
    covering: list[tuple[int, str, str]] = field(default_factory=list)
    # (mandate, kind, reason, citations)
    excluded: list[tuple[str, str, str, list[dict[str, str]]]] = field(default_factory=list)
    # covering mandates valid for the subject whose actions do not match the question
    other_actions: list[tuple[int, str, str]] = field(default_factory=list)


def _exclusion_citations(index: GovIndex, mandate: str, target: str) -> list[dict[str, str]]:
    """The mandate's citations that name the excluded thing, else all of them."""
    cites = index.citation_dicts(mandate, v.EXCLUDES, target) or index.citation_dicts(mandate)
    names = {normalise(n) for n in [*index.labels(target).values(), *index.alt_labels(target)]}
    naming = [c for c in cites if any(n and n in normalise(c["quote"]) for n in names)]
    return naming or cites


def _period_text(index: GovIndex, iri: str) -> str:
    period = index.period(iri)
    return f"valid {period.start or '…'} – {period.end or '…'}"


def assess(
    index: GovIndex,
    subject: str,
    *,
    actions: frozenset[str] | None,
    day: date | None,
    closure: dict[str, frozenset[str]],
) -> Assessment:
    """Collect covering, excluded and other-action mandates for ``subject``.

    A mandate answers the question when its actions, with what they imply, meet ``actions``
    (``None``: any action).
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
    for mandate in sorted(candidates):
        granted = effective_actions(index, mandate, closure)
        matches = actions is None or bool(granted & actions)
        holder = index.node(mandate).first(v.HOLDER)
        hit = next((e for e in index.out(mandate, v.EXCLUDES) if e in scopes), None)
        if hit is not None:
            if matches:
                via = "" if hit == subject else f" ({index.label(subject)} lies within it)"
                reason = (
                    f"mandate {local_id(mandate)} excludes {index.label(hit)} "
                    f"({local_id(hit)}){via}"
                )
                result.excluded.append(
                    (mandate, "exclusion", reason, _exclusion_citations(index, mandate, hit))
                )
            continue
        cover = candidates[mandate]
        if cover is None:
            continue
        if not matches:
            result.other_actions.append((cover[0], mandate, cover[1]))
            continue
        if not index.valid_at(mandate, day):
            reason = f"mandate {local_id(mandate)} is not in force on {day} ({_period_text(index, mandate)})"
            result.excluded.append((mandate, "not_in_force", reason, index.citation_dicts(mandate)))
            continue
        if holder is not None and not index.valid_at(holder, day):
            reason = f"{index.label(holder)} did not exist on {day} ({_period_text(index, holder)})"
            result.excluded.append(
                (mandate, "holder_not_existing", reason, index.citation_dicts(holder))
            )
            continue
        result.covering.append((cover[0], mandate, cover[1]))
    result.covering.sort(
        key=lambda c: (
            c[0],
            strength(index, c[1]),
            index.label(index.node(c[1]).first(v.HOLDER) or ""),
            c[1],
        )
    )
    result.other_actions.sort()
    return result


def escalation_chain(
    index: GovIndex, body: str, *, day: date | None, first_hop: list[str] | None = None
) -> list[tuple[str, str]]:
    """Bodies above ``body`` along ``org:reportsTo`` (valid at ``day``), as ``(iri, via)``.

    A body that reports nowhere escalates to the body that established it; ``first_hop`` (the
    mandate's ``gg:grantedBy``) is used for the first step when ``body`` reports nowhere.
    Stops at a repeat, so a reporting cycle ends the chain.
    """
    chain: list[tuple[str, str]] = []
    seen = {body}
    current = body
    while True:
        options = [(t, "org:reportsTo") for t in index.out(current, REPORTS_TO)]
        if not options and first_hop and current == body:
            options = [(t, "gg:grantedBy") for t in first_hop]
        if not options:
            options = [(t, "gg:establishedBy") for t in index.out(current, ESTABLISHED_BY)]
        nxt = next(((t, via) for t, via in sorted(options) if index.valid_at(t, day)), None)
        if nxt is None or nxt[0] in seen:
            return chain
        chain.append(nxt)
        seen.add(nxt[0])
        current = nxt[0]


def _path(
    index: GovIndex, subject: str, steps: list[tuple[str, str]], lang: str | None
) -> list[dict[str, str]]:
    items = [{"id": local_id(subject), "label": index.label(subject, lang)}]
    for pred, iri in steps:
        items.append({"id": local_id(iri), "label": index.label(iri, lang), "via": compact(pred)})
    return items


def _short(index: GovIndex, iri: str, lang: str | None) -> dict[str, str]:
    return {"id": local_id(iri), "label": index.label(iri, lang)}


def _nearest_bodies(index: GovIndex, found: Assessment, lang: str | None) -> list[dict[str, Any]]:
    """Organisations containing the subject and holders of mandates with other actions."""
    best: dict[str, tuple[int, str]] = {}
    for scope, path in found.scopes.items():
        if scope != found.subject and index.type_name(scope) in v.ORGANISATION_TYPES:
            via = compact(path[-1][0]) if path else ""
            best.setdefault(scope, (len(path), f"contains the subject ({via})"))
    for distance, mandate, scope in found.other_actions:
        holder = index.node(mandate).first(v.HOLDER)
        if holder is None:
            continue
        actions = ", ".join(mandate_actions(index, mandate))
        reason = f"holds mandate {local_id(mandate)} ({actions}) over {index.label(scope, lang)}"
        if holder not in best or best[holder][0] > distance:
            best[holder] = (distance, reason)
    ordered = sorted(best.items(), key=lambda kv: (kv[1][0], index.label(kv[0], lang)))
    return [
        {**index.ref(iri, lang), "distance": dist, "reason": reason}
        for iri, (dist, reason) in ordered
    ]


def who_decides(
    store: GraphStore,
    subject: str,
    *,
    action: str | None = None,
    as_of: date | str | None = None,
    lang: str | None = None,
) -> dict[str, Any]:
    """Who holds the mandate to act on ``subject``, why, and where it is written down.

    Parameters
    ----------
    store : GraphStore
    subject : str
        Id, label or alias of any entity (system, domain, project, organisation, topic ...).
    action : str, optional
        One of ``vocab.ACTIONS``; a mandate matches when one of its actions is or implies it
        (``gg:implies``: decide implies prioritise and approve). ``None``: any action.
    as_of : date or str, optional
        Answer as the world was that day (``YYYY[-MM[-DD]]``); ``None``: ignore validity.
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{subject, action, as_of, deciders, escalation, excluded, gap, nearest_bodies}``.
        ``deciders`` (most specific scope first) each hold ``{id, label, type, mandate: {id,
        actions, scope, excludes}, path, distance, citations}``; ``path`` runs from the subject
        to the mandate's scope. ``excluded`` lists ``{id, label, type, mandate, kind, reason,
        citations}`` for mandates ruled out by an exclusion, by date or by the holder's
        existence. ``gap`` is true when no mandate covers the subject; ``nearest_bodies`` then
        lists the closest organisations and the holders of mandates with other actions.

    Raises
    ------
    NotFound, AmbiguousName
        ``subject`` does not name exactly one entity.
    InvalidArgument
        Unknown ``action`` or malformed ``as_of``.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> answer = who_decides(sample_store(), "Koncerndirektionen", action="prioritise")
    >>> [(d["id"], d["mandate"]["id"], d["mandate"]["scope"]["id"]) for d in answer["deciders"]]
    [('ds', 'ds-decides', 'region-hovedstaden')]
    >>> [body["id"] for body in answer["escalation"]]
    ['koncerndirektionen']
    >>> before = who_decides(sample_store(), "Koncerndirektionen", as_of="2019-06-01")
    >>> before["gap"], before["excluded"][0]["kind"]
    (True, 'holder_not_existing')
    """
    native = getattr(store, "native_who_decides", None)  # the store's own engine (STYLE rule 2)
    if native is not None:
        answer: dict[str, Any] | None = native(subject, action=action, as_of=as_of, lang=lang)
        if answer is not None:
            return answer
    index = index_of(store)
    closure = action_closure(index)
    if action is not None and action not in closure:
        raise InvalidArgument(
            "action", f"unknown action {action!r}; use one of {', '.join(sorted(closure))}"
        )
    day = as_of_day(as_of)
    named = resolve_match(index, subject, purpose="who_decides")
    iri = named.iri
    wanted = None if action is None else frozenset({action})
    found = assess(index, iri, actions=wanted, day=day, closure=closure)
    deciders = []
    for distance, mandate, scope in found.covering:
        holder = index.node(mandate).first(v.HOLDER) or mandate
        deciders.append(
            {
                **index.ref(holder, lang),
                "mandate": {
                    "id": local_id(mandate),
                    "label": index.label(mandate, lang),
                    "actions": mandate_actions(index, mandate),
                    "scope": _short(index, scope, lang),
                    "excludes": [_short(index, e, lang) for e in index.out(mandate, v.EXCLUDES)],
                },
                "path": _path(index, iri, found.scopes[scope], lang),
                "distance": distance,
                "citations": index.citation_dicts(mandate),
            }
        )
    escalation: list[dict[str, str]] = []
    if found.covering:
        top = found.covering[0][1]
        top_holder = index.node(top).first(v.HOLDER)
        if top_holder is not None:
            chain = escalation_chain(
                index, top_holder, day=day, first_hop=index.out(top, v.GRANTED_BY)
            )
            escalation = [{**_short(index, b, lang), "via": via} for b, via in chain]
    excluded = []
    for mandate, kind, reason, citations in found.excluded:
        holder = index.node(mandate).first(v.HOLDER) or mandate
        excluded.append(
            {
                **index.ref(holder, lang),
                "mandate": local_id(mandate),
                "kind": kind,
                "reason": reason,
                "citations": citations,
            }
        )
    gap = not deciders
    return {
        "subject": index.ref(iri, lang),
        "action": action,
        "as_of": day.isoformat() if day else None,
        "deciders": deciders,
        "escalation": escalation,
        "excluded": excluded,
        "gap": gap,
        "nearest_bodies": _nearest_bodies(index, found, lang) if gap else [],
        "also": named.also,
    }
