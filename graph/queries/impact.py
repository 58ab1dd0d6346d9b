"""``impact``: what is hit if a thing slips or fails (downstream), or what it needs (upstream).

The traversal runs on :class:`DependencyNet`, integer CSR arrays of the valid dependencies
built once per projection and day (vectorised over the projection), so a query costs one
breadth-first search in numpy; the answer is paged (``limit``/``offset``) with a summary of the
whole by type and organisation, so the common request touches only the items it shows.
"""

from __future__ import annotations

import functools
import weakref
from collections import OrderedDict
from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from graph.arrays import distinct, first_met, small_pages, stable_order
from graph.index import GovIndex, index_of
from graph.queries.depnet import DependencyNet, load_net, save_net
from graph.queries.depwalk import Walk, traverse
from graph.queries.impact_parts import (
    _first_object,
    _iri_rank,
    _paged,
    _summary,
    _type_codes,
)
from graph.queries.inform import (
    INFORM_RELATIONS,
    SECRETARIAT,
    _bodies_to_inform,
    editorial_notes,
    empty_message,
    inform_relations,
    most_specific_deciders,
)
from graph.resolve import resolve_match
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import parse_day
from ontology.errors import InvalidArgument
from ontology.terms import concept_slug, local_id

#: A supplier (``gg:vendor``) relation is a dependency whose criticality no source grades.
UNSTATED = 0
__all__ = [
    "INFORM_RELATIONS",
    "SECRETARIAT",
    "DependencyNet",
    "traverse",
    "_bodies_to_inform",
    "editorial_notes",
    "empty_message",
    "impact",
    "inform_relations",
    "most_specific_deciders",
]

RANK_NAMES = {rank: name for name, rank in v.CRITICALITY_RANK.items()} | {UNSTATED: "unstated"}


def as_of_day(value: date | str | None, argument: str = "as_of") -> date | None:
    """Coerce an ``as_of`` argument (a date, ``YYYY[-MM[-DD]]`` or ``None``) to a day.

    >>> as_of_day("2024-05")
    datetime.date(2024, 5, 1)
    """
    if value is None or isinstance(value, date):
        return value
    try:
        return parse_day(str(value))
    except ValueError as exc:
        raise InvalidArgument(argument, str(exc)) from None


def criticality_rank(value: str | None, argument: str = "min_criticality") -> int:
    """The rank of a criticality name (``None``: no filter, rank 0)."""
    if value is None:
        return 0
    if value not in v.CRITICALITY_RANK:
        raise InvalidArgument(argument, f"{value!r} is not one of {', '.join(v.CRITICALITIES)}")
    return v.CRITICALITY_RANK[value]


def dependency_edges(
    index: GovIndex, as_of: date | None
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The valid dependencies at ``as_of``: ``(ids, dependent, prerequisite, rank, terms)``:
    positions into ``ids`` and criticality ranks, one per ``gg:Dependency`` in IRI order, and
    the projection's term id of each of ``ids``.

    A system's supplier (``gg:vendor``) is a prerequisite too, of unstated criticality (rank 0:
    followed unless a minimum criticality is asked for); those come first.
    """
    projection = index.projection
    firsts: list[int] = []
    seconds: list[int] = []
    ranks: list[int] = []
    for system in index.into_predicate(v.GG_VENDOR):
        if index.valid_at(system, as_of):
            for vendor in index.out(system, v.GG_VENDOR):
                firsts.append(projection.ids[system])
                seconds.append(projection.ids[vendor])
                ranks.append(UNSTATED)
    kind = projection.ids.get(v.DEPENDENCY)
    if kind is None or projection.type_id < 0:
        dep_ids = np.zeros(0, dtype=np.int64)
    else:
        dep_ids = projection.subjects_of(projection.type_id, kind).astype(np.int64)
        # IRI order (a term's rank is its place in string order), each dependency once
        dep_ids = dep_ids[stable_order(projection.rank[dep_ids])]
        if dep_ids.size > 1:
            dep_ids = dep_ids[np.concatenate(([True], dep_ids[1:] != dep_ids[:-1]))]
    dependent = _first_object(index, v.DEPENDENT)[dep_ids]
    prerequisite = _first_object(index, v.PREREQUISITE)[dep_ids]
    grade = _first_object(index, v.CRITICALITY)[dep_ids]
    low = v.CRITICALITY_RANK.get("low", 1)
    grades = distinct(grade)  # the few criticalities named, -1 for none
    rank_of = np.array(
        [
            low if c < 0 else v.CRITICALITY_RANK.get(concept_slug(projection.terms[c]), 1)
            for c in grades.tolist()
        ],
        dtype=np.int8,
    )
    rank = rank_of[np.searchsorted(grades, grade)] if grade.size else np.zeros(0, np.int8)
    for row in np.flatnonzero(grade < 0).tolist():  # a grade given as a literal
        text = index.literal(projection.terms[dep_ids[row]], v.CRITICALITY)
        if text is not None:
            rank[row] = v.CRITICALITY_RANK.get(concept_slug(text), 1)
    valid = (dependent >= 0) & (prerequisite >= 0)
    if as_of is not None:
        for row in np.flatnonzero(valid).tolist():
            if not index.valid_at(projection.terms[dep_ids[row]], as_of):
                valid[row] = False
    count = len(firsts) + int(valid.sum())
    pairs = np.empty(2 * count, dtype=np.int64)  # dependent, prerequisite, dependent, ...
    pairs[0::2] = np.concatenate([np.array(firsts, dtype=np.int64), dependent[valid]])
    pairs[1::2] = np.concatenate([np.array(seconds, dtype=np.int64), prerequisite[valid]])
    in_order, position = first_met(pairs)
    ids = projection.iris(in_order.tolist())
    all_ranks = np.concatenate([np.array(ranks, dtype=np.int8), rank[valid]])
    return ids, position[0::2], position[1::2], all_ranks, in_order


_NETS: weakref.WeakKeyDictionary[GovIndex, dict[date | None, DependencyNet]] = (
    weakref.WeakKeyDictionary()
)


def dependency_net(index: GovIndex, as_of: date | None = None) -> DependencyNet:
    """The :class:`DependencyNet` of ``index`` at ``as_of``, built on first use."""
    nets = _NETS.get(index) or {}
    net = nets.get(as_of)
    if net is None:
        with index.lock:  # concurrent cold requests build it once
            nets = _NETS.setdefault(index, {})
            net = nets.get(as_of)
            if net is None:
                net = None if as_of is not None else load_net(index)
                if net is None:
                    with small_pages():
                        net = DependencyNet.from_arrays(*dependency_edges(index, as_of))
                    pending = index.when_saved  # the projection's files are being written
                    if as_of is None and pending is not None:
                        pending.append(functools.partial(save_net, index, net))
                    elif as_of is None:
                        save_net(index, net)
                nets[as_of] = net
    return net


def impact(
    store: GraphStore,
    node: str,
    *,
    direction: str = "downstream",
    max_depth: int | None = None,
    types: Sequence[str] | None = None,
    min_criticality: str | None = None,
    as_of: date | str | None = None,
    lang: str | None = None,
    deciders: bool = True,
    limit: int | None = None,
    offset: int = 0,
) -> dict[str, Any]:
    """What depends on ``node`` (downstream) or what ``node`` needs (upstream), transitively.

    Parameters
    ----------
    store : GraphStore
    node : str
        Id, IRI, label or alias of the thing that slips or fails.
    direction : {"downstream", "upstream"}
        Downstream: everything that depends on ``node`` directly or transitively ("if it slips,
        what is hit"). Upstream: everything ``node`` needs.
    max_depth : int, optional
        Stop after this many dependency hops (no cap by default).
    types : sequence of str, optional
        Report only impacted items of these entity types (``system``, ``project`` ...). The
        traversal still passes through items of other types.
    min_criticality : {"critical", "high", "medium", "low"}, optional
        Follow only dependencies at least this critical.
    as_of : date or str, optional
        Use only the dependencies valid on that day.
    lang : str, optional
        Preferred label language.
    deciders : bool
        Also name the most specific decider of each impacted item (``who_decides``, asked once
        per distinct governing scope); ``False`` keeps only owners, operators and steering
        bodies.
    limit, offset : int, optional
        Page the answer: at most ``limit`` impacted items after skipping ``offset`` (in the
        answer's order); ``page`` then gives ``{total, limit, offset}``. ``bodies_to_inform``
        covers the root and the items of the page. No ``limit``: every item.

    Returns
    -------
    dict
        ``{root, direction, as_of, impacted, bodies_to_inform}`` (and ``message`` when nothing
        is impacted: what was searched). Each impacted item has
        ``id, label, type, distance`` (hops), ``path`` (ids from the root to the item, one
        shortest explaining path) and ``criticality`` (the weakest dependency along that path;
        of the shortest paths, the one whose weakest link is strongest; ``unstated`` when a
        supplier relation is on it). ``editorial`` lists what the editor added to the last
        dependency on that path without a quote (e.g. its criticality grade). Items are ordered
        by distance, then id.
        ``summary`` counts all impacted items (not only the page) ``by_type`` and
        ``by_organisation`` (owner; the 20 largest), with ``organisations`` the number of owners.
        ``bodies_to_inform`` lists ``{id, label, type, roles, for, reasons}`` for the root and
        every impacted item shown: owners, operators, suppliers, governing bodies, the most specific
        decider and its secretariat; each reason is ``{reason, item, citations}`` (``via``: the
        decider a secretariat serves).

    Raises
    ------
    NotFound, AmbiguousName
        ``node`` names nothing or several things.
    InvalidArgument
        A bad direction, depth, type, criticality or date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> result = impact(deps_store(), "nsp")
    >>> [(i["id"], i["distance"], i["criticality"]) for i in result["impacted"]]
    [('fmk', 1, 'critical'), ('epj', 2, 'high'), ('portal', 2, 'critical'), ('archive', 3, 'low')]
    >>> result["impacted"][1]["path"]
    ['nsp', 'fmk', 'epj']
    """
    native = getattr(store, "native_impact", None)  # the store's own engine (STYLE rule 2)
    if limit is not None and limit < 1:
        raise InvalidArgument("limit", "must be at least 1")
    if offset < 0:
        raise InvalidArgument("offset", "must be at least 0")
    if native is not None:
        answer = native(
            node,
            direction=direction,
            max_depth=max_depth,
            types=types,
            min_criticality=min_criticality,
            as_of=as_of,
            lang=lang,
            deciders=deciders,
        )
        if answer is not None:
            return _paged(answer, limit, offset)
    if direction not in ("downstream", "upstream"):
        raise InvalidArgument("direction", "use downstream or upstream")
    if max_depth is not None and max_depth < 1:
        raise InvalidArgument("max_depth", "must be at least 1")
    for kind in types or ():
        if kind not in v.ENTITY_CLASSES:
            raise InvalidArgument("types", f"{kind!r} is not one of {', '.join(v.ENTITY_CLASSES)}")
    min_rank = criticality_rank(min_criticality)
    day = as_of_day(as_of)
    index = index_of(store)
    named = resolve_match(index, node, purpose="impact")
    root = named.iri
    net = dependency_net(index, day)
    key = (root, direction, min_rank, max_depth, tuple(sorted(types or ())), day)
    walks: OrderedDict[Any, tuple[np.ndarray, Walk | None]] = index.memo(
        "impact:walks", OrderedDict
    )
    with index.lock:
        cached = walks.get(key)
        if cached is not None:
            walks.move_to_end(key)
    if cached is None:
        cached = _walk(index, net, root, direction, min_rank, max_depth, types)
        with index.lock:
            walks[key] = cached
            while len(walks) > _WALKS_KEPT:
                walks.popitem(last=False)
    hits, walk = cached
    total = len(hits)
    shown = hits if limit is None else hits[offset : offset + limit]
    impacted = [
        _entry(index, net, walk, pos, direction, lang) for pos in shown.tolist() if walk is not None
    ]
    items = [root, *(net.ids[pos] for pos in shown.tolist())]
    result: dict[str, Any] = {
        "root": index.ref(root, lang),
        "direction": direction,
        "as_of": day.isoformat() if day else None,
        "impacted": impacted,
        "bodies_to_inform": _bodies_to_inform(index, items, day, lang, store if deciders else None),
        "also": named.also,
        "summary": _summary(index, net, hits, lang),
    }
    if limit is not None:
        result["page"] = {"total": total, "limit": limit, "offset": offset}
    if not total:
        documents = len(index.of_type(v.SOURCE_DOCUMENT))
        result["message"] = empty_message(index.label(root, lang), direction, documents)
    return result


_WALKS_KEPT = 16  # recent traversals kept per projection: the next page costs no search


def _walk(
    index: GovIndex,
    net: DependencyNet,
    root: str,
    direction: str,
    min_rank: int,
    max_depth: int | None,
    types: Sequence[str] | None,
) -> tuple[np.ndarray, Walk | None]:
    """The impacted nodes in answer order (distance, then id) and the traversal."""
    start = net.position.get(root)
    if start is None:
        return np.zeros(0, dtype=np.int64), None
    walk = traverse(
        net, start, downstream=direction == "downstream", min_rank=min_rank, max_depth=max_depth
    )
    hits, distance = walk.order, walk.distance
    if types:
        names, codes = _type_codes(index, net)
        wanted = [code for code, name in enumerate(names) if name in types]
        keep = np.isin(codes[hits], wanted)
        hits, distance = hits[keep], distance[keep]
    # By distance, then id (IRI order is id order in the data namespace).
    return hits[np.lexsort((_iri_rank(index, net)[hits], distance))], walk


def _entry(
    index: GovIndex, net: DependencyNet, walk: Walk, pos: int, direction: str, lang: str | None
) -> dict[str, Any]:
    """One impacted item: its ref, distance, one explaining path, criticality, editorial notes."""
    ids = net.ids
    chain = walk.chain(pos)
    path = [local_id(ids[p]) for p in reversed(chain)]
    k = walk.find(pos)
    entry: dict[str, Any] = {
        **net.ref(index, pos, lang),
        "distance": int(walk.distance[k]),
        "path": path,
        "criticality": RANK_NAMES[walk.weakest_at(k)],
    }
    here, there = ids[pos], ids[chain[1]]
    edge = (here, there) if direction == "downstream" else (there, here)
    notes = editorial_notes(index).get(edge)
    if notes:
        entry["editorial"] = notes
    return entry
