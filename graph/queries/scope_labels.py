"""Labels and refs for answers that show hundreds of things: read many at once, kept per index.

``who-decides`` over a domain of a national graph shows a hundred mandates, their holders and
the matters they cover. :func:`prefetch` reads the labels of all of them in a few array
operations over the projection's literal columns instead of reading each thing's facts;
:func:`label` and :func:`ref` then answer from the kept labels (and the type names of
:mod:`graph.queries.scope_arrays`), exactly as :meth:`GovIndex.label` and
:meth:`GovIndex.ref` would.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from graph.index import GovIndex
from graph.nodes import choose_label
from graph.queries.scope_arrays import scope_arrays
from ontology import vocab as v
from ontology.terms import local_id

#: labels kept per index and language before starting again (a bounded cache)
_KEPT = 200_000
#: the label predicates in the order :meth:`GovIndex.labels` reads them
_LABEL_PREDICATES = (v.PREF_LABEL, v.TITLE, v.LABEL, v.FOAF_NAME)


def _kept(index: GovIndex, lang: str | None) -> dict[str, str]:
    kept: dict[str, str] = index.memo(f"scope-labels:{lang}", dict)
    if len(kept) >= _KEPT:
        kept.clear()
    return kept


def prefetch(index: GovIndex, iris: Iterable[str], lang: str | None) -> None:
    """Read the labels of ``iris`` (in ``lang``) not read yet, all at once."""
    kept = _kept(index, lang)
    projection = index.projection
    missing: dict[str, int] = {}
    for iri in dict.fromkeys(iris):
        if iri not in kept:
            i = projection.ids.get(iri)
            if i is None:
                kept[iri] = local_id(iri)
            else:
                missing[iri] = i
    if not missing:
        return
    ids = np.fromiter(missing.values(), dtype=np.int64, count=len(missing))
    rows, counts = projection.rows_of("lit", ids)
    at = np.repeat(np.arange(len(ids)), counts)
    rank = index.memo("scope-labels:places", lambda: _places(index))[projection.lit_p[rows]]
    keep = rank < len(_LABEL_PREDICATES)
    rows, at, rank = rows[keep], at[keep], rank[keep]
    order = np.lexsort((rows, rank, at))  # per thing: by predicate, then in stream order
    found: list[dict[str, str]] = [{} for _ in range(len(ids))]
    tags, values = projection.tags, projection.values
    rows = rows[order]
    for a, r, g in zip(
        at[order].tolist(), rows.tolist(), projection.lit_lang[rows].tolist(), strict=True
    ):
        found[a].setdefault((tags[g] or "") if g >= 0 else "", values[r])
    for (iri, _), labels in zip(missing.items(), found, strict=True):
        chosen = choose_label(labels, lang)
        kept[iri] = local_id(iri) if chosen is None else chosen


def _places(index: GovIndex) -> np.ndarray:
    """Per predicate id, its place among the label predicates (past the end: none of them)."""
    projection = index.projection
    place = np.full(len(projection.terms), len(_LABEL_PREDICATES), dtype=np.int8)
    for k, predicate in enumerate(_LABEL_PREDICATES):
        p = projection.ids.get(predicate)
        if p is not None:
            place[p] = k
    return place


def label(index: GovIndex, iri: str, lang: str | None = None) -> str:
    """:meth:`GovIndex.label`, from the labels kept (one not read yet is read alone)."""
    kept = _kept(index, lang)
    found = kept.get(iri)
    if found is None:
        found = kept[iri] = index.label(iri, lang)
    return found


def type_name(index: GovIndex, iri: str) -> str:
    """:meth:`GovIndex.type_name`, from the type names of the scope arrays."""
    i = index.projection.ids.get(iri)
    if i is None:
        return index.type_name(iri)
    arrays = scope_arrays(index)
    return arrays.kinds[arrays.kind[i]]


def ref(index: GovIndex, iri: str, lang: str | None = None) -> dict[str, str]:
    """:meth:`GovIndex.ref` (``{id, label, type}``) from the kept labels."""
    return {"id": local_id(iri), "label": label(index, iri, lang), "type": type_name(index, iri)}


class Labels:
    """:func:`label` in one language for one answer (the kept labels held at hand)."""

    __slots__ = ("index", "lang", "kept")

    def __init__(self, index: GovIndex, lang: str | None) -> None:
        self.index, self.lang, self.kept = index, lang, _kept(index, lang)

    def __call__(self, iri: str) -> str:
        found = self.kept.get(iri)
        if found is None:
            found = self.kept[iri] = self.index.label(iri, self.lang)
        return found

    def short(self, iri: str) -> dict[str, str]:
        """``{id, label}``."""
        return {"id": local_id(iri), "label": self(iri)}

    def ref(self, iri: str) -> dict[str, str]:
        """:meth:`GovIndex.ref` (``{id, label, type}``)."""
        return {"id": local_id(iri), "label": self(iri), "type": type_name(self.index, iri)}
