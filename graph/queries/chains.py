"""``critical_chains``: the longest chains of critical dependencies across the portfolio."""

from __future__ import annotations

from datetime import date
from typing import Any

from graph.index import GovIndex, index_of
from graph.queries.impact import RANK_NAMES, as_of_day, criticality_rank
from graph.store import GraphStore
from ontology import vocab as v
from ontology.dates import first_day, last_day


def duration_days(index: GovIndex, iri: str) -> int:
    """Planned duration in calendar days, both ends included (0 when a date is missing).

    A partial ``planned_start`` counts from its first day, a partial ``planned_end`` to its
    last, so ``2024-01`` .. ``2024-03`` lasts 91 days.
    """
    node = index.node(iri)
    start = node.first(v.DATE_KEYS["planned_start"])
    end = node.first(v.DATE_KEYS["planned_end"])
    if start is None or end is None:
        return 0
    try:
        return max(0, (last_day(end) - first_day(start)).days + 1)
    except ValueError:
        return 0


def _cycle_finding(index: GovIndex, cycle: list[str], graph: Any, lang: str | None) -> dict:
    ranks = [graph.edges[a, b]["rank"] for a, b in zip(cycle, cycle[1:] + cycle[:1], strict=True)]
    weakest = RANK_NAMES[min(ranks)]
    refs = [{"id": index.ref(n, lang)["id"], "label": index.label(n, lang)} for n in cycle]
    shown = " -> ".join(r["label"] for r in [*refs, refs[0]])
    return {
        "kind": "dependency_cycle",
        "severity": "error" if weakest == "critical" else "warning",
        "subjects": refs,
        "cycle": refs,
        "criticality": weakest,
        "message": f"Dependency cycle (each needs the next; weakest link {weakest}): {shown}. "
        "Nothing in it can finish first; break one dependency.",
    }


def critical_chains(
    store: GraphStore,
    *,
    k: int = 5,
    as_of: date | str | None = None,
    min_criticality: str = "critical",
    lang: str | None = None,
) -> dict[str, Any]:
    """The ``k`` longest chains of critical dependencies, and every dependency cycle.

    A chain runs from a foundation (a thing that needs nothing critical) through the things
    that need it, to a thing nothing critical needs. Chains are weighed by the planned duration
    of their items (``planned_start`` to ``planned_end``) and, between chains of equal duration
    (chains without dates are worth 0 days), by hops. One chain is reported per end item: the
    heaviest chain ending there.

    Parameters
    ----------
    store : GraphStore
    k : int
        How many chains to return (heaviest first).
    as_of : date or str, optional
        Use only the dependencies valid on that day.
    min_criticality : str
        ``critical`` (default) follows critical dependencies only; ``high`` adds high ones.
    lang : str, optional
        Preferred label language.

    Returns
    -------
    dict
        ``{"chains": [{nodes: [{id, label}], length, weight, unit, days}], "cycles":
        [finding]}``. ``length`` is the number of dependencies in the chain; ``weight`` is its
        duration in days (``unit: "days"``) when any item has dates, else its hops
        (``unit: "hops"``). Each cycle is a finding ``{kind: "dependency_cycle", severity,
        subjects, cycle, criticality, message}`` over all valid dependencies of any
        criticality; the chains are computed with the dependencies inside cycles left out.

    Raises
    ------
    InvalidArgument
        ``k`` below 1, an unknown criticality or a bad date.

    Examples
    --------
    >>> from tests.graph.dependency_fixtures import deps_store
    >>> result = critical_chains(deps_store(), k=2)
    >>> [([n["id"] for n in c["nodes"]], c["weight"], c["unit"]) for c in result["chains"]]
    [(['proj-infra', 'proj-epj', 'proj-portal'], 456, 'days'), (['nsp', 'fmk', 'portal'], 2, 'hops')]
    """
    import networkx as nx

    from ontology.errors import InvalidArgument

    native = getattr(store, "native_critical_chains", None)  # the store's own engine
    if native is not None:
        return native(k=k, as_of=as_of, min_criticality=min_criticality, lang=lang)
    if k < 1:
        raise InvalidArgument("k", "must be at least 1")
    min_rank = criticality_rank(min_criticality)
    day = as_of_day(as_of)
    index = index_of(store)
    full = index.dependency_graph(day)

    cycles = []
    in_cycle: set[tuple[str, str]] = set()
    for component in nx.strongly_connected_components(full):
        if len(component) == 1:
            (only,) = component
            if not full.has_edge(only, only):
                continue
        sub = full.subgraph(component)
        in_cycle.update(sub.edges)
        start = min(component)
        cycle = [a for a, _ in nx.find_cycle(sub, start)]
        cycles.append(_cycle_finding(index, cycle, full, lang))
    cycles.sort(key=lambda f: [s["id"] for s in f["subjects"]])

    # Edges prerequisite -> dependent, in the order work happens.
    work = nx.DiGraph()
    work.add_edges_from(
        (b, a)
        for a, b, rank in full.edges(data="rank")
        if rank >= min_rank and (a, b) not in in_cycle
    )
    best: dict[str, tuple[int, int]] = {}
    previous: dict[str, str | None] = {}
    for here in nx.topological_sort(work):
        own = duration_days(index, here)
        choice: tuple[tuple[int, int], str | None] = ((0, -1), None)
        for before in work.predecessors(here):
            if best[before] > choice[0]:
                choice = (best[before], before)
        (days, hops), previous[here] = choice
        best[here] = (days + own, hops + 1)
    ends = [n for n in work if work.out_degree(n) == 0]
    ends.sort(key=lambda n: (-best[n][0], -best[n][1], n))
    chains = []
    for end in ends[:k]:
        path: list[str] = []
        cursor: str | None = end
        while cursor is not None:
            path.append(cursor)
            cursor = previous[cursor]
        path.reverse()
        days, hops = best[end]
        chains.append(
            {
                "nodes": [
                    {"id": index.ref(n, lang)["id"], "label": index.label(n, lang)} for n in path
                ],
                "length": hops,
                "weight": days if days else hops,
                "unit": "days" if days else "hops",
                "days": days,
            }
        )
    return {
        "as_of": day.isoformat() if day else None,
        "min_criticality": min_criticality,
        "chains": chains,
        "cycles": cycles,
    }
