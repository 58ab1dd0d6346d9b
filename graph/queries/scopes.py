"""The scope model shared by ``who_decides``, ``check`` and ``impact``.

* Containment (``gg:withinScope`` and its sub-properties) applies to **matters**: topics, domains,
  systems, projects, portfolios, strategies. An organisation, unit, collaboration or body is
  contained only in another organisation (:data:`ontology.vocab.ORG_CONTAINMENT_PREDICATES`): a
  body that ``gg:concerns`` SP is about SP, not inside it.
* A mandate's actions each have a role (``gg:actionRole``): decides, advises, follows up or
  implements.
* A mandate has a status (``gg:mandateStatus``; absent: in force) and may be restricted to
  matters that concern some organisations alone (``gg:restrictedTo``).
"""

from __future__ import annotations

from collections import deque
from datetime import date

from graph.index import GovIndex
from graph.queries.scope_arrays import AGENT_TYPES, out_pairs, without_status
from graph.queries.scope_contained import contained
from ontology import vocab as v
from ontology.dates import parse_day
from ontology.errors import InvalidArgument
from ontology.terms import RDF_TYPE, concept_slug

#: Role order in answers: who decides first.
ROLE_ORDER = {role: rank for rank, role in enumerate(v.ACTION_ROLES)}


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


def is_agent(index: GovIndex, iri: str) -> bool:
    """True for organisations, units, collaborations, bodies, people and posts."""
    return index.type_name(iri) in AGENT_TYPES


def _step_predicates(index: GovIndex, iri: str) -> list[str]:
    """The containment predicates that may lead outward from ``iri``."""
    within = index.within_scope_predicates
    if is_agent(index, iri):
        return sorted(within & v.ORG_CONTAINMENT_PREDICATES)
    return sorted(within)


#: a path of ``(predicate, iri)`` steps; tuples, so that the paths kept per subject (see
#: :func:`containing_scopes`) are nothing the garbage collector scans
Path = tuple[tuple[str, str], ...]


def containing_scopes(index: GovIndex, subject: str) -> dict[str, Path]:
    """Every scope that contains ``subject`` -> the shortest path to it, as ``(predicate, iri)``.

    The subject itself is in the result with an empty path; the path length is the distance used
    to rank mandates (the more specific scope first). Cycle-safe breadth-first search. An agent
    (body, organisation ...) is followed only along organisational containment.
    """
    key = f"containing:{subject}"
    reads = {*index.within_scope_predicates, RDF_TYPE, v.SUBPROPERTY_OF}
    return index.memo(key, lambda: _containing(index, subject), reads=reads)


def _containing(index: GovIndex, subject: str) -> dict[str, Path]:
    paths: dict[str, Path] = {subject: ()}
    queue = deque([subject])
    while queue:
        current = queue.popleft()
        links = index.relations(current)
        for pred in _step_predicates(index, current):
            for target in sorted(links.get(pred, ())):
                if target not in paths:
                    paths[target] = (*paths[current], (pred, target))
                    queue.append(target)
    return paths


def contained_things(index: GovIndex, subject: str) -> dict[str, list[tuple[str, str]]]:
    """Everything inside ``subject`` -> the path from it up to the subject, as ``(pred, iri)``.

    The reverse of :func:`containing_scopes` (the subject itself is left out): matters within
    it and, through organisational containment, the organisations and bodies inside it, and
    the collaborations an organisation inside it is a member of (``org:member``). Walked over
    the projection's arrays (:func:`graph.queries.scope_contained.contained`).
    """
    return contained(index, subject)


def collaborations_of(index: GovIndex, org: str) -> list[str]:
    """The collaborations ``org`` is a member of (a forum "in" both regions lies in each)."""
    if index.type_name(org) not in v.ORGANISATION_TYPES:
        return []
    found = set()
    for membership in index.into(org, v.MEMBER):
        body = index.node(membership).first(v.ORGANIZATION_P)
        if body and index.type_name(body) == "collaboration":
            found.add(body)
    return sorted(found)


def organisations_of(index: GovIndex, subject: str) -> set[str]:
    """The organisations a matter lies within, with the member organisations of collaborations."""
    found = {s for s in containing_scopes(index, subject) if is_agent(index, s)}
    for org in list(found):
        if index.type_name(org) == "collaboration":
            for membership in index.into(org, v.ORGANIZATION_P):
                member = index.node(membership).first(v.MEMBER)
                if member and index.type_name(member) in v.ORGANISATION_TYPES:
                    found.add(member)
    return found


def outside_restriction(index: GovIndex, mandate: str, subject: str) -> list[str]:
    """Organisations ``subject`` concerns that the mandate's ``gg:restrictedTo`` leaves out.

    Empty when the mandate is not restricted, or the matter concerns only the listed
    organisations (or organisations inside them), or reaches no organisation at all.
    """
    allowed = set(index.out(mandate, v.RESTRICTED_TO))
    if not allowed:
        return []
    return sorted(
        org
        for org in organisations_of(index, subject)
        if not allowed & set(containing_scopes(index, org))
    )


def mandate_status(index: GovIndex, mandate: str) -> str:
    """``in_force`` (the default), ``recommended``, ``planned`` or ``ended``."""
    if without_status(index, mandate):
        return "in_force"
    status = index.first(mandate, v.MANDATE_STATUS)
    return concept_slug(status) if status else "in_force"


def action_closure(index: GovIndex) -> dict[str, frozenset[str]]:
    """Each action slug -> the actions it entails (itself included), transitively.

    Read from ``gg:implies`` in the store's concept scheme; ``vocab.ACTION_IMPLIES`` is the
    fallback when the store holds no implications. Computed once per index.
    """
    return index.memo("action_closure", lambda: _action_closure(index), reads=[v.IMPLIES])


def _action_closure(index: GovIndex) -> dict[str, frozenset[str]]:
    direct: dict[str, set[str]] = {a: set() for a in v.ACTIONS}
    found = False
    for subject in index.subjects_with(v.IMPLIES):
        for target in index.out(subject, v.IMPLIES):
            direct.setdefault(concept_slug(subject), set()).add(concept_slug(target))
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


def action_roles(index: GovIndex) -> dict[str, str]:
    """Each action slug -> its role (``gg:actionRole``; ``vocab.ACTION_ROLE_OF`` as fallback)."""

    def compute() -> dict[str, str]:
        roles = dict(v.ACTION_ROLE_OF)
        for subject in index.subjects_with(v.ACTION_ROLE):
            role = index.first(subject, v.ACTION_ROLE)
            if role:
                roles[concept_slug(subject)] = concept_slug(role)
        return roles

    return index.memo("action_roles", compute, reads=[v.ACTION_ROLE])


_ACTION_ORDER = {a: i for i, a in enumerate(v.ACTIONS)}


def mandate_actions(index: GovIndex, mandate: str) -> list[str]:
    """The mandate's own actions in scheme order (computed once per index and mandate)."""
    # tuples of strings: the collector stops tracking them, so a cache of many costs its
    # full collections nothing
    cache: dict[str, tuple[str, ...]] = index.memo("mandate_actions", dict, reads=[v.ACTION])
    found = cache.get(mandate)
    if found is None:
        slugs = {concept_slug(a) for a in index.out(mandate, v.ACTION)}
        found = cache[mandate] = tuple(
            sorted(slugs, key=lambda a: (_ACTION_ORDER.get(a, len(_ACTION_ORDER)), a))
        )
    return list(found)


def prefetch_actions(index: GovIndex, mandates: list[str]) -> None:
    """Read the actions of many mandates at once into the cache of :func:`mandate_actions`."""
    cache: dict[str, tuple[str, ...]] = index.memo("mandate_actions", dict, reads=[v.ACTION])
    projection = index.projection
    ids = [i for i in (projection.ids.get(m) for m in mandates if m not in cache) if i is not None]
    slugs: dict[int, set[str]] = {i: set() for i in ids}
    terms = projection.terms
    for i, action in out_pairs(index, ids, v.ACTION):
        slugs[i].add(concept_slug(terms[action]))
    for i, found in slugs.items():
        cache.setdefault(
            terms[i],
            tuple(sorted(found, key=lambda a: (_ACTION_ORDER.get(a, len(_ACTION_ORDER)), a))),
        )


def effective_actions(
    index: GovIndex, mandate: str, closure: dict[str, frozenset[str]]
) -> set[str]:
    """The actions a mandate grants, with everything they imply."""
    out: set[str] = set()
    for action in mandate_actions(index, mandate):
        out |= closure.get(action, frozenset({action}))
    return out


def role_of(index: GovIndex, mandate: str, wanted: frozenset[str] | None) -> str:
    """The role a mandate gives its holder for the question (the strongest matching action's)."""
    cache: dict[tuple[str, frozenset[str] | None], str] = index.memo(
        "mandate_roles", dict, reads=[v.ACTION, v.IMPLIES, v.ACTION_ROLE]
    )
    found = cache.get((mandate, wanted))
    if found is None:
        found = cache[(mandate, wanted)] = _role_of(index, mandate, wanted)
    return found


def _role_of(index: GovIndex, mandate: str, wanted: frozenset[str] | None) -> str:
    closure = action_closure(index)
    roles = action_roles(index)
    actions = [
        a
        for a in mandate_actions(index, mandate)
        if wanted is None or closure.get(a, frozenset({a})) & wanted
    ] or mandate_actions(index, mandate)
    found = [roles.get(a, "implements") for a in actions]
    return min(found, key=lambda r: ROLE_ORDER.get(r, len(ROLE_ORDER)), default="implements")
