"""The full ``impact`` answer in parts, page by page: memory bounded by a page, first part at once.

A national platform impacts ~100k items: the whole answer is ~19 MB of JSON and takes seconds
before its first byte. :func:`impact_stream` walks the same answer through the paging of
:func:`graph.queries.impact.impact` (``limit``/``offset``; the traversal is kept between pages,
so the next page costs no search) and yields it as parts, each a one-key dict:

``{"head": {...}}``
    First: ``root``, ``direction``, ``as_of``, ``also``, ``summary`` (of every impacted item),
    ``items`` (how many ``item`` parts follow), ``message`` when nothing is impacted, and
    ``page`` when a ``limit`` was given (as in the paged answer).
``{"item": {...}}``
    One impacted item, exactly as in the answer's ``impacted`` list, in the same order.
``{"bodies_to_inform": [...]}``
    After each page of items: whom to tell about the items of that page (the root's own bodies
    in the first such part only), in the answer's entry shape. :func:`collect` merges them into
    the full answer's ``bodies_to_inform``.
``{"end": {"items": n}}``
    Last: the stream is complete (a client that misses it holds a cut answer).

Errors about the question (an unknown name, a bad argument) are raised before the first part.
A write to the store between two pages ends the stream with :class:`ontology.errors.Conflict`
(the pages would mix two states of the graph); ask again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from graph.queries.impact import impact
from graph.store import GraphStore
from ontology.errors import Conflict

#: items in the first page (the first byte comes after it) and in each later page
FIRST_PAGE = 100
PAGE = 2000
#: the reasons ``_bodies_to_inform`` gives in its first pass (the item's relations), in order;
#: "decider" and "secretariat" come from its second pass
_RELATION_REASONS = ("owner", "operator", "supplier", "governing_body")
_SECOND_PASS = ("decider", "secretariat")
_HEAD_KEYS = ("root", "direction", "as_of", "also", "summary", "message", "page")


def impact_stream(
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
    page_size: int = PAGE,
) -> Iterator[dict[str, Any]]:
    """The answer of :func:`~graph.queries.impact.impact` as parts (see the module docstring).

    Parameters
    ----------
    store, node, direction, max_depth, types, min_criticality, as_of, lang, deciders
        As for :func:`~graph.queries.impact.impact`.
    limit, offset : int, optional
        Only the items ``offset`` to ``offset + limit`` (all from ``offset`` by default).
    page_size : int
        Items computed at a time after the first page (memory is bounded by a page).

    Yields
    ------
    dict
        ``{"head": ...}``, then ``{"item": ...}`` per item with a ``{"bodies_to_inform": ...}``
        after each page, then ``{"end": {"items": n}}``.

    Raises
    ------
    NotFound, AmbiguousName, InvalidArgument
        As :func:`~graph.queries.impact.impact`, before the first part.
    Conflict
        The store was written to between two pages.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> parts = list(impact_stream(deps_store(), "nsp", page_size=2))
    >>> [next(iter(p)) for p in parts][:3], parts[-1]
    (['head', 'item', 'item'], {'end': {'items': 4}})
    >>> [p["item"]["id"] for p in parts if "item" in p]
    ['fmk', 'epj', 'portal', 'archive']
    """
    if page_size < 1:
        from ontology.errors import InvalidArgument

        raise InvalidArgument("page_size", "must be at least 1")

    def page(start: int, size: int) -> dict[str, Any]:
        return impact(
            store,
            node,
            direction=direction,
            max_depth=max_depth,
            types=types,
            min_criticality=min_criticality,
            as_of=as_of,
            lang=lang,
            deciders=deciders,
            limit=size,
            offset=start,
        )

    generation = getattr(store, "generation", None)
    wanted = FIRST_PAGE if limit is None else min(FIRST_PAGE, limit)
    answer = page(offset, wanted)
    total = answer["page"]["total"]
    end = total if limit is None else min(total, offset + limit)
    head = {key: answer[key] for key in _HEAD_KEYS if key in answer}
    if limit is None:
        head.pop("page")
    else:
        head["page"] = {"total": total, "limit": limit, "offset": offset}
    head["items"] = max(0, end - offset)
    yield {"head": head}
    root = answer["root"]["id"]
    shown = offset
    while True:
        yield from ({"item": item} for item in answer["impacted"])
        bodies = answer["bodies_to_inform"]
        yield {"bodies_to_inform": bodies if shown == offset else _without(bodies, root)}
        shown += len(answer["impacted"])
        if shown >= end or not answer["impacted"]:
            break
        if getattr(store, "generation", None) != generation:
            raise Conflict(
                "impact", "the store was written to while the answer was streamed; ask again"
            )
        answer = page(shown, min(page_size, end - shown))
    yield {"end": {"items": shown - offset}}


def _without(bodies: list[dict[str, Any]], root: str) -> list[dict[str, Any]]:
    """``bodies`` without the reasons about ``root`` (already given in the first part)."""
    kept = []
    for body in bodies:
        reasons = [r for r in body["reasons"] if r["item"] != root]
        if reasons:
            roles = list(dict.fromkeys(r["reason"] for r in reasons))
            items = list(dict.fromkeys(r["item"] for r in reasons))
            kept.append({**body, "roles": roles, "for": items, "reasons": reasons})
    return kept


def collect(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The full answer from the parts of :func:`impact_stream` (what the unpaged query gives).

    ``bodies_to_inform`` is merged as the query builds it: every body once, its reasons from
    the items' relations first (in item order), then the deciders and secretariats; ordered by
    how many items concern it, then by label. Raises ``ValueError`` on a cut stream.

    >>> from tests.graph.dependency_fixtures import deps_store
    >>> whole = collect(impact_stream(deps_store(), "nsp", page_size=1))
    >>> whole == impact(deps_store(), "nsp")
    True
    """
    head: dict[str, Any] | None = None
    items: list[dict[str, Any]] = []
    pieces: list[list[dict[str, Any]]] = []
    ended = False
    for part in parts:
        if "head" in part:
            head = part["head"]
        elif "item" in part:
            items.append(part["item"])
        elif "bodies_to_inform" in part:
            pieces.append(part["bodies_to_inform"])
        elif "end" in part:
            ended = True
    if head is None or not ended:
        raise ValueError("the stream was cut before its end")
    answer = {key: value for key, value in head.items() if key != "items"}
    answer["impacted"] = items
    position = {item["id"]: place for place, item in enumerate(items)}
    answer["bodies_to_inform"] = _merge(pieces, position)
    return {key: answer[key] for key in _ORDER if key in answer}


_ORDER = (
    "root",
    "direction",
    "as_of",
    "impacted",
    "bodies_to_inform",
    "also",
    "summary",
    "page",
    "message",
)


def _merge(pieces: list[list[dict[str, Any]]], position: dict[str, int]) -> list[dict[str, Any]]:
    """One list of bodies to inform from the per-page lists, in the query's own order."""
    found: dict[str, dict[str, Any]] = {}
    for piece in pieces:
        for body in piece:
            entry = found.setdefault(body["id"], {**body, "reasons": []})
            entry["reasons"].extend(body["reasons"])

    def first(entry: dict[str, Any]) -> tuple[int, int, int]:
        reason = entry["reasons"][0]
        second = reason["reason"] in _SECOND_PASS
        kind = (_SECOND_PASS if second else _RELATION_REASONS).index(reason["reason"])
        return int(second), position.get(reason["item"], -1), kind

    merged = []
    for entry in found.values():
        reasons = [r for r in entry["reasons"] if r["reason"] not in _SECOND_PASS]
        reasons += [r for r in entry["reasons"] if r["reason"] in _SECOND_PASS]
        seen: set[str] = set()
        unique = []
        for reason in reasons:
            key = repr(sorted(reason.items()))
            if key not in seen:
                seen.add(key)
                unique.append(reason)
        entry["reasons"] = unique
        entry["roles"] = list(dict.fromkeys(r["reason"] for r in unique))
        entry["for"] = list(dict.fromkeys(r["item"] for r in unique))
        merged.append(entry)
    merged.sort(key=first)  # the order the query meets them in
    return sorted(merged, key=lambda b: (-len(b["for"]), b["label"].casefold()))
