"""``who-decides``: the bodies whose mandate covers a subject, with the reasoning and the sources.

A mandate over X covers X and everything within the scope of X (the sub-properties of
``gg:withinScope``, for matters only: see :mod:`graph.queries.scopes`). The answer ranks the
covering mandates in force by how close their scope is to the subject and gives each its role
(decides, advises, follows up, implements): ``deciders`` hold only the answer's deciders, the
other roles come apart in ``other_roles``. It reports the mandates that an exclusion, a
restriction to other organisations, the date or the holder's existence rules out, lists the
mandates not in force (recommended, planned, ended) in ``other_mandates``, the mandates over
matters *inside* the subject in ``within`` (nearest first), and follows ``org:reportsTo`` upward
for the escalation chain. No decider is a governance gap: an answer with the nearest bodies.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.coverage import Assessment, Hit, assess, holder_of, inside, strength
from graph.queries.scope_arrays import flags, mandate_row
from graph.queries.scope_labels import Labels, prefetch
from graph.queries.scopes import (
    action_closure,
    as_of_day,
    contained_things,
    containing_scopes,
    effective_actions,
    is_agent,
    mandate_actions,
    mandate_status,
    role_of,
)
from graph.resolve import resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.errors import InvalidArgument
from ontology.terms import compact, local_id

REPORTS_TO = v.RELATION_KEYS["reports_to"]
ESTABLISHED_BY = v.RELATION_KEYS["established_by"]
#: ``within`` entries shown by default, nearest first
WITHIN_LIMIT = 100

__all__ = [
    "REPORTS_TO",
    "ESTABLISHED_BY",
    "Assessment",
    "action_closure",
    "as_of_day",
    "assess",
    "containing_scopes",
    "effective_actions",
    "escalation_chain",
    "strength",
    "who_decides",
]


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


def _path(names: Labels, subject: str, steps: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    items = [names.short(subject)]
    for pred, iri in steps:
        items.append({"id": local_id(iri), "label": names(iri), "via": compact(pred)})
    return items


def _entry(
    index: GovIndex,
    names: Labels,
    hit: Hit,
    path: list[dict[str, str]],
    wanted: frozenset[str] | None,
) -> dict[str, Any]:
    """One mandate as every list of the answer shows it."""
    distance, mandate, scope = hit
    row = mandate_row(index, mandate)  # what the scope arrays say of it, when read
    holder = (row[0] if row is not None else None) or holder_of(index, mandate) or mandate
    # no need to read what the mandate does not state
    limited, noted = (row[1], row[2]) if row is not None else flags(index, mandate)
    entry: dict[str, Any] = {
        **names.ref(holder),
        "role": role_of(index, mandate, wanted),
        "mandate": {
            "id": local_id(mandate),
            "label": names(mandate),
            "actions": mandate_actions(index, mandate),
            "scope": names.short(scope),
            "excludes": [names.short(e) for e in sorted(index.out(mandate, v.EXCLUDES))]
            if limited
            else [],
            "restricted_to": [names.short(o) for o in sorted(index.out(mandate, v.RESTRICTED_TO))]
            if limited
            else [],
        },
        "path": path,
        "distance": distance,
        "citations": index.citation_dicts(mandate),
    }
    status = "in_force" if row is not None and not row[3] else mandate_status(index, mandate)
    if status != "in_force":
        entry["status"] = status
        addressees = index.out(mandate, v.ADDRESSEE)
        if addressees:
            entry["addressee"] = names.short(addressees[0])
    editorial = index.literal_values(mandate, v.EDITORIAL) if noted else []
    if editorial:
        entry["editorial"] = editorial
    return entry


def _down_path(names: Labels, thing: str, steps: list[tuple[str, str]]) -> list[dict[str, str]]:
    """From an inner thing up to the subject."""
    items = [names.short(thing)]
    for pred, iri in steps:
        items.append({"id": local_id(iri), "label": names(iri), "via": compact(pred)})
    return items


def _named(
    index: GovIndex,
    subject: str,
    hits: list[Hit],
    scopes: dict[str, Any],
    things: dict[str, list[tuple[str, str]]],
) -> list[str]:
    """Everything the entries of ``hits`` name: holders, mandates, scopes, excluded and
    restricted things, and every step of their paths."""
    named = [subject]
    for _, mandate, where in hits:
        holder = holder_of(index, mandate)
        named += [mandate, where, *([holder] if holder else [])]
        if flags(index, mandate)[0]:
            named += index.out(mandate, v.EXCLUDES) + index.out(mandate, v.RESTRICTED_TO)
        named += [step for _, step in scopes.get(where) or things.get(where) or ()]
    return named


def _nearest_bodies(
    index: GovIndex, found: Assessment, below: list[Hit], lang: str | None
) -> list[dict[str, Any]]:
    """Organisations around the subject, holders of other mandates over it and bodies below it.

    Each has ``reason`` (an English sentence for the CLI) and ``why``, the same as data for
    pages that say it in their own language: ``{kind: contains | holds | below | inside,
    relation}`` or, for a mandate, ``{kind, mandate: {id, label}, actions, scope: {id, label},
    status}``.
    """
    best: dict[str, tuple[int, str, dict[str, Any]]] = {}
    for scope, path in found.scopes.items():
        if scope != found.subject and is_agent(index, scope):
            via = compact(path[-1][0]) if path else ""
            why = {"kind": "contains", "relation": via}
            best.setdefault(scope, (len(path), f"contains the subject ({via})", why))

    def held(kind: str, mandate: str, scope: str) -> dict[str, Any]:
        return {
            "kind": kind,
            "mandate": {"id": local_id(mandate), "label": index.label(mandate, lang)},
            "actions": list(mandate_actions(index, mandate)),
            "scope": {"id": local_id(scope), "label": index.label(scope, lang)},
            "status": mandate_status(index, mandate),
        }

    for distance, mandate, scope in [*found.other_actions, *found.covering]:
        holder = holder_of(index, mandate)
        if holder is None:
            continue
        actions = ", ".join(mandate_actions(index, mandate))
        reason = f"holds mandate {local_id(mandate)} ({actions}) over {index.label(scope, lang)}"
        status = mandate_status(index, mandate)
        if status != "in_force":
            reason += f" ({status}, not in force)"
        if holder not in best or best[holder][0] > distance:
            best[holder] = (distance, reason, held("holds", mandate, scope))
    for distance, mandate, where in below:
        holder = holder_of(index, mandate)
        if holder is None or holder in best:
            continue
        actions = ", ".join(mandate_actions(index, mandate))
        reason = (
            f"below the subject: holds mandate {local_id(mandate)} ({actions}) over "
            f"{index.label(where, lang)}"
        )
        best[holder] = (distance, reason, held("below", mandate, where))
    if is_agent(index, found.subject):
        for thing, inner in contained_things(index, found.subject).items():
            if is_agent(index, thing) and thing not in best:
                via = compact(inner[0][0])
                why = {"kind": "inside", "relation": via}
                best[thing] = (len(inner), f"inside the subject ({via})", why)
    ordered = sorted(best.items(), key=lambda kv: (kv[1][0], index.label(kv[0], lang)))
    return [
        {**index.ref(iri, lang), "distance": dist, "reason": reason, "why": why}
        for iri, (dist, reason, why) in ordered
    ]


def _held_by_subject(
    index: GovIndex, subject: str, day: date | None, lang: str | None
) -> list[dict[str, Any]]:
    """The subject's own mandates in force: they answer who decides over *their* scopes.

    A body's own mandates are never an answer to "who decides over this body"; they are listed
    so that a gap over a body that itself decides a great deal is not read as a body without
    power.
    """
    held: list[dict[str, Any]] = []
    if not index.valid_at(subject, day):  # a body not yet set up (or wound up) holds nothing
        return held
    for mandate in sorted(index.into(subject, v.HOLDER)):
        if mandate_status(index, mandate) != "in_force" or not index.valid_at(mandate, day):
            continue
        held.append(
            {
                "mandate": local_id(mandate),
                "actions": mandate_actions(index, mandate),
                "role": role_of(index, mandate, None),
                "scope": [index.ref(s, lang) for s in sorted(index.out(mandate, v.SCOPE))],
            }
        )
    return held


def who_decides(
    store: GraphStore,
    subject: str,
    *,
    action: str | None = None,
    as_of: date | str | None = None,
    lang: str | None = None,
    within_limit: int = WITHIN_LIMIT,
) -> dict[str, Any]:
    """Who holds the mandate to act on ``subject``, in which role, why, and where it is written.

    Parameters
    ----------
    store : GraphStore
    subject : str
        Id, label or alias of any entity (system, domain, project, organisation, topic ...).
    action : str, optional
        One of ``vocab.ACTIONS``; a mandate matches when one of its actions is or implies it
        (``gg:implies``: decide implies prioritise and approve). ``None``: any action, and then
        ``deciders`` holds only the mandates whose role is ``decides``.
    as_of : date or str, optional
        Answer as the world was that day (``YYYY[-MM[-DD]]``); ``None``: ignore validity.
    lang : str, optional
        Preferred label language.
    within_limit : int
        At most this many ``within`` entries, nearest first (a domain of a national graph may
        hold thousands); ``within_page`` says how many there are.

    Returns
    -------
    dict
        ``{subject, action, as_of, deciders, other_roles, within, within_page, other_mandates,
        escalation, excluded, gap, nearest_bodies, held_by_subject, also}``; ``within_page`` is ``{total, limit,
        offset}``. Every entry of ``deciders``, ``other_roles``,
        ``within`` and ``other_mandates`` is ``{id, label, type, role, mandate: {id, label,
        actions, scope, excludes, restricted_to}, path, distance, citations}``; ``role`` is
        ``decides``, ``advises``, ``follows_up`` or ``implements``. ``deciders`` (most specific
        scope first) answer the question; ``other_roles`` are the other mandates in force over
        the subject (advisers, implementers ...: never shown as deciders); ``within`` the
        mandates in force over matters inside the subject, or held by bodies inside it (``path``
        runs from that inner thing up to the subject); ``other_mandates`` the mandates that are
        not in force, with ``status`` and, for a recommendation, ``addressee``. ``excluded``
        lists ``{id, label, type, mandate, kind, reason, citations}`` for mandates ruled out by
        an exclusion, a restriction to other organisations, the date or the holder's existence.
        ``gap`` is true when nobody answers the question; ``nearest_bodies`` then lists the
        closest organisations, holders of other mandates and bodies below the subject.
        ``held_by_subject`` lists, when the subject is a body, its own mandates in force as
        ``{mandate, actions, role, scope}``: they answer who decides over *their* scopes, never
        over the body itself (a gap over a body that decides a great deal is no powerless body).

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
    >>> [(d["id"], d["role"], d["mandate"]["scope"]["id"]) for d in answer["deciders"]]
    [('ds', 'decides', 'region-hovedstaden')]
    >>> [body["id"] for body in answer["escalation"]]
    ['koncerndirektionen']
    >>> before = who_decides(sample_store(), "Koncerndirektionen", as_of="2019-06-01")
    >>> before["gap"], before["excluded"][0]["kind"]
    (True, 'holder_not_existing')
    """
    native = getattr(store, "native_who_decides", None)  # the store's own engine (STYLE rule 2)
    if native is not None:
        answer: dict[str, Any] | None = native(
            subject, action=action, as_of=as_of, lang=lang, within_limit=within_limit
        )
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
    below, below_other, things = inside(index, iri, actions=wanted, day=day, closure=closure)
    # A mandate that bears on the subject itself is listed there, not again as "within".
    above = {
        m for hits in (found.covering, found.other_actions, found.not_in_force) for _, m, _ in hits
    }
    above |= {m for m, *_ in found.excluded}
    below = [h for h in below if h[1] not in above]
    below_other = [h for h in below_other if h[1] not in above]
    shown = [*found.covering, *found.not_in_force, *below[:within_limit], *below_other]
    prefetch(index, _named(index, iri, shown, found.scopes, things), lang)
    names = Labels(index, lang)

    def up(hit: Hit) -> dict[str, Any]:
        return _entry(index, names, hit, _path(names, iri, found.scopes[hit[2]]), wanted)

    def down(hit: Hit) -> dict[str, Any]:
        return _entry(index, names, hit, _down_path(names, hit[2], things[hit[2]]), wanted)

    entries = [up(hit) for hit in found.covering]
    decides = [action is not None or e["role"] == "decides" for e in entries]
    deciders = [e for e, yes in zip(entries, decides, strict=True) if yes]
    other_roles = [e for e, yes in zip(entries, decides, strict=True) if not yes]
    escalation: list[dict[str, str]] = []
    top = next((h for h, yes in zip(found.covering, decides, strict=True) if yes), None)
    if top is not None:
        top_holder = holder_of(index, top[1])
        if top_holder is not None:
            chain = escalation_chain(
                index, top_holder, day=day, first_hop=index.out(top[1], v.GRANTED_BY)
            )
            escalation = [{**names.short(b), "via": via} for b, via in chain]
    excluded = [
        {
            **index.ref(holder_of(index, mandate) or mandate, lang),
            "mandate": local_id(mandate),
            "kind": kind,
            "reason": reason,
            "citations": citations,
        }
        for mandate, kind, reason, citations in found.excluded
    ]
    within = [down(hit) for hit in below[:within_limit]]
    # An organisation whose inner bodies decide is no gap ("who prioritises in the region").
    gap = not deciders and not any(
        action is not None or role_of(index, m, wanted) == "decides" for _, m, _ in below
    )
    return {
        "subject": index.ref(iri, lang),
        "action": action,
        "as_of": day.isoformat() if day else None,
        "deciders": deciders,
        "other_roles": other_roles,
        "within": within,
        "within_page": {"total": len(below), "limit": within_limit, "offset": 0},
        "other_mandates": [up(h) for h in found.not_in_force] + [down(h) for h in below_other],
        "escalation": escalation,
        "excluded": excluded,
        "gap": gap,
        "nearest_bodies": _nearest_bodies(index, found, below, lang) if gap else [],
        "held_by_subject": _held_by_subject(index, iri, day, lang) if is_agent(index, iri) else [],
        "also": named.also,
    }
