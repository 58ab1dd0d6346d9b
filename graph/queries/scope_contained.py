"""The walk down into a scope for ``who-decides``, over the projection's arrays.

:func:`contained` walks everything inside a scope level by level over the projection's object
index (a few array operations per level, no node read), with the flags of
:class:`graph.queries.scope_arrays.ScopeArrays`, in the order the node-by-node walk met them,
so the paths kept are the same.
"""

from __future__ import annotations

import numpy as np

from graph.index import GovIndex
from graph.queries.scope_arrays import ScopeArrays, scope_arrays
from ontology import vocab as v


def contained(index: GovIndex, subject: str) -> dict[str, list[tuple[str, str]]]:
    """:func:`graph.queries.scopes.contained_things` over the arrays: everything inside
    ``subject`` -> the path from it up to the subject, as ``(predicate, iri)``."""
    return contained_ids(index, subject)[1]


#: the most things the walks kept by :func:`contained_ids` hold in all, per index
_KEPT_THINGS = 50_000
_Contained = tuple[list[int], dict[str, list[tuple[str, str]]]]


class _Walks(dict[str, _Contained]):
    """The walks of :func:`contained_ids` kept per subject, and the things they hold in all."""

    things = 0


def contained_ids(index: GovIndex, subject: str) -> _Contained:
    """The term ids of everything inside ``subject`` and :func:`contained` (in one order).

    Each level takes, for every node of the last level in turn, the entities that point at it
    along a containment predicate (agents only along organisational containment) in
    (predicate, IRI) order, then the collaborations an organisation is a member of; a thing
    keeps the path through which it was met first.

    The walk depends on the structure only, not on a day or a language: it is kept per index
    (so until the next write), up to ``_KEPT_THINGS`` things in all. Callers read the answer
    and never change it.
    """
    kept: _Walks = index.memo("contained_ids", _Walks)
    found = kept.get(subject)
    if found is None:
        found = _contained_ids(index, subject)
        if kept.things + len(found[0]) > _KEPT_THINGS:
            kept.clear()
            kept.things = 0
        if len(found[0]) <= _KEPT_THINGS:
            kept[subject] = found
            kept.things += len(found[0])
    return found


def _contained_ids(index: GovIndex, subject: str) -> _Contained:
    projection = index.projection
    start = projection.ids.get(subject)
    if start is None:
        return [], {}
    arrays = scope_arrays(index)
    terms, rank = projection.terms, projection.rank
    parent: dict[int, tuple[int, int]] = {start: (-1, -1)}  # thing -> (predicate, container)
    frontier = np.array([start], dtype=np.int64)
    while frontier.size:
        rows, counts = projection.rows_of("in", frontier)
        where = np.repeat(np.arange(frontier.size), counts)
        preds, sources = projection.p[rows], projection.s[rows]
        keep = arrays.within[preds] & arrays.entity[sources]
        keep &= ~arrays.agent[sources] | arrays.org_within[preds]
        where, preds, sources = where[keep], preds[keep], sources[keep]
        # per container: (predicate, source) in IRI order, then its collaborations
        key = rank[preds].astype(np.int64) * len(terms) + rank[sources]
        extra = _collaborations(index, frontier, arrays)
        if extra:
            where = np.concatenate([where, [e[0] for e in extra]])
            preds = np.concatenate([preds, [e[1] for e in extra]])
            sources = np.concatenate([sources, [e[2] for e in extra]])
            key = np.concatenate([key, [len(terms) ** 2 + e[3] for e in extra]])
        order = np.lexsort((key, where))
        following = []
        for at, pred, source in zip(
            where[order].tolist(), preds[order].tolist(), sources[order].tolist(), strict=True
        ):
            if source not in parent:
                parent[source] = (pred, int(frontier[at]))
                following.append(source)
        frontier = np.array(following, dtype=np.int64)
    del parent[start]
    projection.ids_known(list(parent))  # asked about next
    paths: dict[int, list[tuple[str, str]]] = {start: []}
    found: dict[str, list[tuple[str, str]]] = {}
    for thing, (pred, container) in parent.items():  # containers come before what they hold
        path = paths[thing] = [(terms[pred], terms[container]), *paths[container]]
        found[terms[thing]] = path
    return list(parent), found


def _collaborations(
    index: GovIndex, frontier: np.ndarray, arrays: ScopeArrays
) -> list[tuple[int, int, int, int]]:
    """``(frontier place, org:member, collaboration, k)`` for the organisations on the level."""
    from graph.queries.scopes import collaborations_of

    projection = index.projection
    member = projection.ids.get(v.MEMBER)
    extra: list[tuple[int, int, int, int]] = []
    for at in np.flatnonzero(arrays.organisation[frontier]).tolist():
        org = projection.terms[int(frontier[at])]
        for k, body in enumerate(collaborations_of(index, org)):
            if member is not None:
                extra.append((at, member, projection.ids[body], k))
    return extra
