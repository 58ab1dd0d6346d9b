"""Parts of the ``impact`` answer computed over the whole dependency net at once (numpy).

Per-node lookups cached per net (term ids, entity types, IRI order), the summary of the whole
answer by type and organisation, and the paging of a native engine's answer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from graph.index import GovIndex
from graph.queries.depnet import DependencyNet
from graph.queries.scope_arrays import first_objects, full_with_room
from ontology import vocab as v
from ontology.terms import RDF_TYPE


def _first_object(index: GovIndex, predicate: str) -> np.ndarray:
    """Per term id, the first object of ``predicate`` (``-1`` for none), computed once."""

    return index.memo(
        f"impact:first:{predicate}",
        lambda: first_objects(index, predicate),
        patch=lambda dense, new, touched: _first_patched(dense, new, predicate, touched.subjects),
    )


def _first_patched(
    dense: np.ndarray, index: GovIndex, predicate: str, subjects: set[int]
) -> np.ndarray:
    """:func:`_first_object` after a write: grown to the new terms, the subjects it touched
    read again (no other subject's first object can have changed)."""
    from graph.projection_rows import appended

    projection = index.projection
    p = projection.ids.get(predicate)
    first = {}
    for s in subjects:
        preds, objects = projection.out_rows(s)
        first[s] = next((o for q, o in zip(preds, objects, strict=True) if q == p), -1)
    if all(s >= len(dense) for s in first):  # new subjects only: appended, the old unchanged
        tail = [first.get(i, -1) for i in range(len(dense), len(projection.terms))]
        return appended(dense, np.array(tail, dtype=dense.dtype))
    out = full_with_room(len(projection.terms), -1, dense.dtype)  # room for the next write's terms
    out[: len(dense)] = dense
    out[len(dense) :] = -1
    for s, o in first.items():
        out[s] = o
    return out


def _net_terms(index: GovIndex, net: DependencyNet) -> np.ndarray:
    """Per node of ``net``, its term id in the projection (once per net)."""
    if net.terms is not None:
        return net.terms
    ids = index.projection.ids
    return index.memo(
        f"impact:terms:{id(net)}",
        lambda: np.fromiter((ids[i] for i in net.ids), np.int64, len(net.ids)),
    )


def _type_codes(index: GovIndex, net: DependencyNet) -> tuple[list[str], np.ndarray]:
    """Per node of ``net``, the code of its entity type in the list returned (once per net)."""

    def compute() -> tuple[list[str], np.ndarray]:
        projection = index.projection
        terms = _net_terms(index, net)
        classes = _first_object(index, RDF_TYPE)[terms]
        subjects, _ = projection.pairs(projection.type_id)
        several = np.bincount(subjects, minlength=len(projection.terms))[terms] > 1
        names: dict[str, int] = {}
        code_of = np.full(len(projection.terms) + 1, -1, dtype=np.int32)  # by class; -1: none
        for cls in np.unique(classes).tolist():
            sample = int(np.flatnonzero(classes == cls)[0])
            name = index.type_name(net.ids[sample])
            code_of[cls] = names.setdefault(name, len(names))
        codes = code_of[classes]
        for pos in np.flatnonzero(several | (classes < 0)).tolist():
            codes[pos] = names.setdefault(index.type_name(net.ids[pos]), len(names))
        return list(names), codes

    return index.memo(f"impact:types:{id(net)}", compute)


def carry_type_codes(
    old: GovIndex, old_net: DependencyNet, new: GovIndex, new_net: DependencyNet, touched: set[str]
) -> None:
    """:func:`_type_codes` of ``old_net`` made for ``new_net``, the net patched after a write
    (the same node numbering, new nodes last): only the new nodes and ``touched`` ones read
    again."""
    found = old._memo.get(f"impact:types:{id(old_net)}")
    if found is None or new_net.terms is None:
        return
    names = {name: code for code, name in enumerate(found[0])}
    codes = np.empty(len(new_net.ids), dtype=found[1].dtype)
    codes[: len(found[1])] = found[1]
    again = [new_net.position[i] for i in touched if i in new_net.position]
    for pos in [*range(len(found[1]), len(new_net.ids)), *again]:
        codes[pos] = names.setdefault(new.type_name(new_net.ids[pos]), len(names))
    with new.lock:
        new._memo[f"impact:types:{id(new_net)}"] = (list(names), codes)


def _iri_rank(index: GovIndex, net: DependencyNet) -> np.ndarray:
    """Per node of ``net``, its place in IRI order."""
    return index.projection.rank[_net_terms(index, net)]


def _summary(
    index: GovIndex, net: DependencyNet, hits: np.ndarray, lang: str | None
) -> dict[str, Any]:
    """How many impacted items of each type, and per owning organisation (the 20 largest)."""
    if not len(hits):
        return {"total": 0, "by_type": {}, "by_organisation": [], "organisations": 0}
    terms = _net_terms(index, net)[hits]
    names, codes = _type_codes(index, net)
    per_code = np.bincount(codes[hits], minlength=len(names)).tolist()
    kinds = {name: count for name, count in zip(names, per_code, strict=True) if count}
    owners = _first_object(index, v.RELATION_KEYS["owner"])[terms]
    found, counts = np.unique(owners, return_counts=True)
    # ties in IRI order (term ids differ between stores), "no owner recorded" last among them
    rank = index.projection.rank
    ranked = sorted(
        zip(counts.tolist(), found.tolist(), strict=True),
        key=lambda c: (-c[0], c[1] < 0, int(rank[c[1]]) if c[1] >= 0 else 0),
    )
    by_org = []
    for count, owner in ranked[:20]:
        if owner < 0:
            by_org.append({"id": None, "label": "no owner recorded", "count": count})
        else:
            by_org.append({**index.ref(index.projection.terms[owner], lang), "count": count})
    return {
        "total": len(hits),
        "by_type": dict(sorted(kinds.items(), key=lambda k: (-k[1], k[0]))),
        "by_organisation": by_org,
        "organisations": int((found >= 0).sum()),
    }


def _paged(answer: dict[str, Any], limit: int | None, offset: int) -> dict[str, Any]:
    """A native engine's full answer, cut to the page asked for."""
    if limit is not None:
        total = len(answer["impacted"])
        answer["impacted"] = answer["impacted"][offset : offset + limit]
        answer["page"] = {"total": total, "limit": limit, "offset": offset}
    return answer
