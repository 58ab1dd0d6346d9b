"""Whom to tell when something slips: the bodies behind an item, and why (``impact``).

Owners, operators, suppliers and governing bodies come from the item's relations; the most
specific decider from ``who_decides``; the decider's secretariat is the contact.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from datetime import date
from typing import Any

from graph.index import GovIndex
from graph.store import GraphStore
from ontology import vocab as v
from ontology.terms import DATA, local_id

# Relations of an impacted item that name whom to tell, and what we call that reason.
INFORM_RELATIONS = {
    v.RELATION_KEYS["owner"]: "owner",
    v.RELATION_KEYS["operator"]: "operator",
    v.RELATION_KEYS["vendor"]: "supplier",
    v.RELATION_KEYS["governed_by"]: "governing_body",
}
SECRETARIAT = v.RELATION_KEYS["secretariat"]


def _bodies_to_inform(
    index: GovIndex,
    items: Sequence[str],
    as_of: date | None,
    lang: str | None,
    store: GraphStore | None,
) -> list[dict[str, Any]]:
    """Whom to tell about ``items`` (the root first, then every impacted item), and why.

    Owners, operators, suppliers and governing bodies; with ``store``, also the most specific
    decider of each item (``who_decides``) and that body's secretariat, the contact.
    """
    found: dict[str, dict[str, Any]] = {}
    given: set[tuple[str, str, str, str, str]] = set()  # (body, reason, item, via, citations)

    def add(body: str, item: str, reason: str, cites: list[dict[str, str]], via: str = "") -> None:
        entry = found.get(body)
        if entry is None:
            entry = found[body] = {**index.ref(body, lang), "roles": {}, "for": {}, "reasons": []}
        entry["roles"][reason] = None
        entry["for"][item] = None
        key = (body, reason, item, via, repr(cites))
        if key in given:
            return
        given.add(key)
        why = {"reason": reason, "item": local_id(item), "citations": cites}
        if via:
            why["via"] = via
        entry["reasons"].append(why)

    for item in items:
        for body, reason, predicate in inform_relations(index, item):
            add(body, item, reason, index.citation_dicts(item, predicate, body))
    if store is not None:
        shared: dict[Any, list[tuple[str, list[dict[str, str]]]]] = index.memo(
            "inform:deciders-by-scope", dict
        )
        for item in items:
            key = (scope_key(index, item), as_of)
            found_deciders = shared.get(key) if key[0] is not None else None
            if found_deciders is None:
                found_deciders = most_specific_deciders(store, item, as_of)
                if key[0] is not None:
                    shared[key] = found_deciders
            for body, cites in found_deciders:
                add(body, item, "decider", cites)
                for secretariat in index.out(body, SECRETARIAT):
                    add(
                        secretariat,
                        item,
                        "secretariat",
                        index.citation_dicts(body, SECRETARIAT, secretariat),
                        via=local_id(body),
                    )
    found.pop(items[0] if items else "", None)  # the root is not told about itself
    bodies = [
        {**entry, "roles": list(entry["roles"]), "for": [local_id(i) for i in entry["for"]]}
        for entry in found.values()
    ]
    return sorted(bodies, key=lambda b: (-len(b["for"]), b["label"].casefold()))


_DEPENDENCY_ENDS = frozenset({v.DEPENDENT, v.PREREQUISITE})


def scope_key(index: GovIndex, item: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """What ``who_decides`` can see of ``item`` when nothing but dependency records points at
    it: its classes and its own relations. Items with the same key have the same deciders, so
    they are asked for once per distinct governing scope. ``None`` when anything else (a
    mandate, a part, a supplier relation) points at it: such an item is asked for alone.
    """
    if any(pred not in _DEPENDENCY_ENDS for pred, _ in index.incoming.get(item, ())):
        return None
    links = index.relations(item)
    return (
        frozenset(index.types_of(item)),
        tuple(sorted(f"{p} {o}" for p, targets in links.items() for o in targets)),
    )


_INFORM: weakref.WeakKeyDictionary[GovIndex, dict[str, tuple[tuple[str, str, str], ...]]] = (
    weakref.WeakKeyDictionary()
)


def inform_relations(index: GovIndex, item: str) -> tuple[tuple[str, str, str], ...]:
    """``(body, reason, predicate)`` for the owners, operators, suppliers and governing bodies."""
    cache = _INFORM.setdefault(index, {})
    found = cache.get(item)
    if found is None:
        found = cache[item] = tuple(
            (body, reason, predicate)
            for predicate, reason in INFORM_RELATIONS.items()
            for body in index.out(item, predicate)
        )
    return found


def most_specific_deciders(
    store: GraphStore, item: str, as_of: date | None
) -> list[tuple[str, list[dict[str, str]]]]:
    """``(IRI, citations)`` of the first-ranked decider over ``item`` (role ``decides``): the
    first entry of ``who_decides(store, item)["deciders"]``, without the rest of that answer
    (what lies within, escalation, nearest bodies)."""
    from graph.queries.who_decides import who_decides

    if getattr(store, "native_who_decides", None) is None:
        from graph.index import index_of
        from graph.queries.coverage import holder_of, nearest_decider

        index = index_of(store)
        hit = nearest_decider(index, item, day=as_of)
        if hit is not None:  # the most specific scope first, as ``assess`` ranks them
            mandate = hit[1]
            return [(holder_of(index, mandate) or mandate, index.citation_dicts(mandate))]
        return []
    answer = who_decides(store, item, as_of=as_of)
    deciders = answer.get("deciders") or []
    return [(DATA + deciders[0]["id"], deciders[0]["citations"])] if deciders else []


def editorial_notes(index: GovIndex) -> dict[tuple[str, str], list[str]]:
    """``(dependent, prerequisite)`` -> what the editor added to that dependency without a quote
    (e.g. its criticality grade); computed once per index."""

    def compute() -> dict[tuple[str, str], list[str]]:
        notes: dict[tuple[str, str], list[str]] = {}
        projection = index.projection
        editorial = projection.ids.get(v.EDITORIAL)
        if editorial is None:
            return notes
        annotated = {projection.terms[s] for s in projection.lit_s[projection.lit_p == editorial]}
        deps = set(index.of_type(v.DEPENDENCY))
        for dep in sorted(annotated & deps):
            node = index.node(dep)
            texts = [lit.value for lit in node.literals.get(v.EDITORIAL, [])]
            dependent, prerequisite = node.first(v.DEPENDENT), node.first(v.PREREQUISITE)
            if texts and dependent and prerequisite:
                notes.setdefault((dependent, prerequisite), []).extend(texts)
        return notes

    return index.memo("dependency_editorial", compute)


def empty_message(label: str, direction: str, documents: int) -> str:
    """What an empty answer searched: never "nothing depends on X"."""
    if direction == "downstream":
        return f"no dependency on {label} is recorded in the {documents} loaded documents"
    return f"no prerequisite of {label} is recorded in the {documents} loaded documents"
