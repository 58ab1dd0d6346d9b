"""Native fast paths of the Cypher store (STYLE rule 2): the engine finds the part of the graph a
query needs, and the generic query runs on that part only, so the answers are identical by
construction while a national graph never crosses the wire whole.

Dependencies are reified (``(:Dependency)-[:DEPENDENT]->(a)``, ``-[:PREREQUISITE]->(b)``), so one
hop is a fixed two-relationship pattern; the traversal expands a frontier hop by hop, bounded by
``max_depth`` (and by :data:`MAX_HOPS`), each hop one indexed query under the store's timeout.
Filters (validity on a day, minimum criticality, types) are left to the generic code: the engine
returns a superset, never less.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from graph import index as index_module
from graph.cypher_store import STAGING, _term, rel_type
from ontology import vocab as v
from ontology.errors import StoreUnavailable
from ontology.terms import DATA, Term, Triple, local_id

if TYPE_CHECKING:
    from graph.cypher_store import CypherStore

#: a traversal never runs more hops than this, whatever ``max_depth`` says
MAX_HOPS = 10_000
_ITEM_LINKS = (v.TEMPORAL, v.MEMBER_DURING)


class Subgraph:
    """A read-only in-memory :class:`graph.store.GraphStore` over the triples a query needs."""

    description = "cypher-subgraph"
    generation = 0

    def __init__(self, triples: Iterable[Triple]) -> None:
        self._triples = list(dict.fromkeys(triples))

    def triples(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Triple]:
        for t in self._triples:
            if (subject, predicate, obj) == (None, None, None) or (
                (subject is None or t[0] == subject)
                and (predicate is None or t[1] == predicate)
                and (obj is None or t[2] == obj)
            ):
                yield t

    def graph_names(self) -> list[str]:
        return []

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        return iter(())

    def replace(self, graphs: Any, remove: Sequence[str] = ()) -> None:
        raise NotImplementedError("a query subgraph is read-only")

    def count(self) -> int:
        return len(self._triples)

    def close(self) -> None:
        index_module._CACHE.pop(id(self), None)  # the projection cache must not keep it alive


def _distinct(
    store: CypherStore, head: str, exprs: Sequence[str], params: dict[str, Any]
) -> list[list[Any]]:
    """The rows of ``{head} RETURN DISTINCT {exprs}`` (strings and nulls only).

    FalkorDB's Bolt listener costs ~40 microseconds a record and frames a record above 64 KB
    wrong (the driver then waits for ever): there a first query sizes the answer, and the rows
    come as ``collect`` records of ~4 KB on average, spread over random buckets.
    """
    t, timeout = store.transport, store.query_timeout
    if not getattr(t, "slow_records", False):
        query = f"{head} RETURN DISTINCT {', '.join(exprs)}"
        if getattr(t, "dialect", "") == "falkordb":  # its client: the plain reply (strings)
            return t.read(query, params, timeout=timeout, scalars=True)  # type: ignore[call-arg]
        return t.read(query, params, timeout=timeout)
    names = [f"c{i}" for i in range(len(exprs))]
    head += " WITH DISTINCT " + ", ".join(f"{e} AS {n}" for e, n in zip(exprs, names, strict=True))
    size = " + ".join(f"size(coalesce(toString({n}), ''))" for n in names)
    [[count, chars, widest]] = t.read(
        f"{head} WITH {size} AS z RETURN count(*), sum(z), max(z)", params, timeout=timeout
    )
    if not count:
        return []
    if widest * 3 + 64 > 60_000:  # UTF-8: at most 3 bytes a character here
        raise StoreUnavailable(t.description, "a value above 64 KB cannot cross this Bolt listener")
    buckets = 1 + (chars * 3 + 24 * len(names) * count) // 4096
    query = f"{head} RETURN toInteger(rand() * {buckets}) AS k, collect([{', '.join(names)}])"
    return [row for _, rows in t.read(query, params, timeout=timeout) for row in rows]


def triples_of(store: CypherStore, subjects: Iterable[str]) -> list[Triple]:
    """Every triple whose subject is one of ``subjects`` (one indexed query per 20k)."""
    rows = sorted(set(subjects))
    out: list[Triple] = []
    head = (
        "UNWIND $rows AS iri MATCH (s:Resource {iri: iri})-[r]->(o) "
        "WHERE NOT r.graph STARTS WITH $staging"
    )
    exprs = ("s.iri", "r.iri", "o.iri", "o.value", "o.lang", "o.datatype")
    for start in range(0, len(rows), 20_000):
        params = {"rows": rows[start : start + 20_000], "staging": STAGING}
        for row in _distinct(store, head, exprs, params):
            out.append((row[0], row[1], _term(*row[2:])))
    return out


def _linked(triples: Iterable[Triple], predicates: Iterable[str]) -> set[str]:
    wanted = set(predicates)
    return {o for _, p, o in triples if p in wanted and isinstance(o, str)}


def _root(store: CypherStore, node: str) -> str | None:
    """The IRI ``node`` names exactly (an id or IRI with a type), else ``None``."""
    text = node.strip()
    rows = store.transport.read(
        "UNWIND $rows AS iri MATCH (s:Resource {iri: iri})-[r:TYPE]->() "
        "WHERE NOT r.graph STARTS WITH $staging RETURN DISTINCT s.iri",
        {"rows": [text, DATA + text], "staging": STAGING},
        timeout=store.query_timeout,
    )
    found = {row[0] for row in rows}
    for candidate in (text, DATA + text):
        if candidate in found:
            return candidate
    return None


def reachable_dependencies(
    store: CypherStore, root: str, *, downstream: bool, max_depth: int | None
) -> tuple[set[str], set[str]]:
    """``(dependency records, items)`` within ``max_depth`` hops of ``root``, unfiltered."""
    near, far = (v.PREREQUISITE, v.DEPENDENT) if downstream else (v.DEPENDENT, v.PREREQUISITE)
    hop = (
        f"(x:Resource {{iri: iri}})<-[a:`{rel_type(near)}`]-(d:Resource)-[b:`{rel_type(far)}`]->(y)"
    )
    head = (
        f"UNWIND $rows AS iri MATCH {hop} "
        "WHERE a.iri = $near AND b.iri = $far "
        "AND NOT a.graph STARTS WITH $staging AND NOT b.graph STARTS WITH $staging"
    )
    records: set[str] = set()
    seen = {root}
    frontier = [root]
    hops = 0
    limit = min(max_depth or MAX_HOPS, MAX_HOPS)
    while frontier and hops < limit:
        hops += 1
        params = {"rows": frontier, "near": near, "far": far, "staging": STAGING}
        following = []
        for dep, item in _distinct(store, head, ("d.iri", "y.iri"), params):
            records.add(dep)
            if item not in seen:
                seen.add(item)
                following.append(item)
        # A supplier (gg:vendor) is a prerequisite of its system.
        for item in _neighbours(store, frontier, (v.GG_VENDOR,), incoming=downstream):
            if item not in seen:
                seen.add(item)
                following.append(item)
        frontier = following
    return records, seen


def _with_citations(store: CypherStore, nodes: set[str]) -> list[Triple]:
    """The triples of ``nodes``, of the citations about them and of the cited documents."""
    part = triples_of(store, nodes)
    cites = triples_of(store, _neighbours(store, nodes, (v.CITE_ABOUT,), incoming=True))
    return part + cites + triples_of(store, _linked(cites, (v.CITE_SOURCE,)))


def _document_count(store: CypherStore) -> int:
    rows = store.transport.read(
        "MATCH (d:Resource)-[r:TYPE]->(c:Resource {iri: $cls}) "
        "WHERE NOT r.graph STARTS WITH $staging RETURN count(DISTINCT d.iri)",
        {"cls": v.SOURCE_DOCUMENT, "staging": STAGING},
        timeout=store.query_timeout,
    )
    return int(next(iter(rows))[0])


def native_impact(store: CypherStore, node: str, **options: Any) -> dict[str, Any] | None:
    """``graph.queries.impact.impact`` on the part of the graph ``node`` reaches.

    Returns ``None`` (use the generic path) when ``node`` is not an exact id or IRI, or when the
    arguments are invalid (the generic path raises the proper error).
    """
    from graph.queries import impact as generic

    direction = options.get("direction", "downstream")
    max_depth = options.get("max_depth")
    if direction not in ("downstream", "upstream") or (max_depth is not None and max_depth < 1):
        return None
    root = _root(store, node)
    if root is None:
        return None
    records, items = reachable_dependencies(
        store, root, downstream=direction == "downstream", max_depth=max_depth
    )
    part = _with_citations(store, records | items)
    periods = _linked(part, _ITEM_LINKS) - records - items
    bodies = _linked(part, generic.INFORM_RELATIONS) - records - items
    part += triples_of(store, periods | bodies)
    sub = Subgraph(part)
    try:
        answer = generic.impact(sub, root, **{**options, "deciders": False})
        if "message" in answer:  # the documents searched are the whole store's
            answer["message"] = generic.empty_message(
                answer["root"]["label"], direction, _document_count(store)
            )
        if options.get("deciders", True):
            # Deciders come from who_decides over the whole store: ask it, then rank as usual.
            by_id = {local_id(item): item for item in items}
            found = [root, *(by_id[hit["id"]] for hit in answer["impacted"])]
            day = generic.as_of_day(options.get("as_of"))
            deciders = {
                b for item in found for b, _ in generic.most_specific_deciders(store, item, day)
            }
            if deciders:
                named = triples_of(store, deciders)
                secretariats = _linked(named, (generic.SECRETARIAT,))
                sub.close()
                sub = Subgraph(
                    part + _with_citations(store, deciders) + triples_of(store, secretariats)
                )
                answer["bodies_to_inform"] = generic._bodies_to_inform(
                    index_module.index_of(sub), found, day, options.get("lang"), store
                )
        return answer
    finally:
        sub.close()


def native_critical_chains(store: CypherStore, **options: Any) -> dict[str, Any]:
    """``graph.queries.chains.critical_chains`` on the dependency records and their items."""
    from graph.queries.chains import critical_chains

    rows = store.transport.read(
        "MATCH (d:Resource)-[r:TYPE]->(c:Resource {iri: $cls}) "
        "WHERE NOT r.graph STARTS WITH $staging RETURN DISTINCT d.iri",
        {"cls": v.DEPENDENCY, "staging": STAGING},
        timeout=store.query_timeout,
    )
    records = {row[0] for row in rows}
    part = triples_of(store, records)
    linked = _linked(part, (v.DEPENDENT, v.PREREQUISITE, *_ITEM_LINKS)) - records
    part += triples_of(store, linked)
    sub = Subgraph(part)
    try:
        return critical_chains(sub, **options)
    finally:
        sub.close()


def _neighbours(
    store: CypherStore, nodes: Iterable[str], predicates: Iterable[str], *, incoming: bool
) -> set[str]:
    """IRIs one ``predicates`` edge away from ``nodes`` (targets, or sources if ``incoming``)."""
    rows = sorted(set(nodes))
    pattern = (
        "(y:Resource)-[r]->(x:Resource {iri: iri})"
        if incoming
        else "(x:Resource {iri: iri})-[r]->(y:Resource)"
    )
    head = (
        f"UNWIND $rows AS iri MATCH {pattern} "
        "WHERE r.iri IN $preds AND NOT r.graph STARTS WITH $staging"
    )
    found: set[str] = set()
    for start in range(0, len(rows), 20_000):
        params = {"rows": rows[start : start + 20_000], "preds": sorted(predicates),
                  "staging": STAGING}  # fmt: skip
        found.update(row[0] for row in _distinct(store, head, ("y.iri",), params))
    return found


def _closure(
    store: CypherStore, start: set[str], predicates: Iterable[str], *, incoming: bool = False
) -> set[str]:
    """``start`` and everything reachable along ``predicates``, hop by hop (bounded)."""
    seen, frontier, hops = set(start), set(start), 0
    while frontier and hops < MAX_HOPS:
        hops += 1
        frontier = _neighbours(store, frontier, predicates, incoming=incoming) - seen
        seen |= frontier
    return seen


def native_who_decides(store: CypherStore, subject: str, **options: Any) -> dict[str, Any] | None:
    """``graph.queries.who_decides.who_decides`` on the part of the graph the answer needs.

    The engine walks the scopes containing the subject and the things inside it (both ways along
    the containment relations), the member organisations of collaborations among them, the
    mandates over, excluding or held inside those, their holders, restrictions, addressees and
    escalation chains, and the validity periods, citations and documents of all of those; the
    generic query then runs on that part. ``None`` (use the generic path) when ``subject`` is
    not an exact id or IRI.
    """
    from graph.queries import who_decides as generic

    root = _root(store, subject)
    if root is None:
        return None
    within = _closure(store, {v.WITHIN_SCOPE}, (v.SUBPROPERTY_OF,), incoming=True)
    preds = (within | v.WITHIN_SCOPE_PREDICATES) - {v.WITHIN_SCOPE}
    inner = _closure(store, {root}, preds, incoming=True)
    for _ in range(MAX_HOPS):  # collaborations an inner organisation is a member of, and so on
        joined = _neighbours(store, inner, (v.MEMBER,), incoming=True)
        collaborations = _linked(triples_of(store, joined), (v.ORGANIZATION_P,)) - inner
        if not collaborations:
            break
        inner |= _closure(store, collaborations, preds, incoming=True)
    scopes = _closure(store, inner, preds)
    memberships = _neighbours(store, scopes, (v.ORGANIZATION_P,), incoming=True)
    members = _linked(triples_of(store, memberships), (v.MEMBER,))
    scopes |= _closure(store, members, preds)
    mandates = _neighbours(store, scopes, (v.SCOPE, v.EXCLUDES), incoming=True)
    mandates |= _neighbours(store, inner, (v.HOLDER,), incoming=True)
    part = triples_of(store, scopes | mandates | memberships)
    linked = (v.HOLDER, v.GRANTED_BY, v.SCOPE, v.EXCLUDES, v.RESTRICTED_TO, v.ADDRESSEE)
    named = _linked(part, linked)
    named |= _closure(store, named, preds)
    bodies = _closure(store, named, (generic.REPORTS_TO, generic.ESTABLISHED_BY))
    nodes = scopes | mandates | memberships | bodies
    part += triples_of(store, bodies - scopes - mandates - memberships)
    citations = _neighbours(store, nodes, (v.CITE_ABOUT,), incoming=True)
    periods = _linked(part, _ITEM_LINKS) - nodes
    extra = triples_of(store, citations | periods)
    documents = _linked(extra, (v.CITE_SOURCE,))
    implies = [
        (row[0], v.IMPLIES, row[1])
        for row in store.transport.read(
            "MATCH (a:Resource)-[r]->(b:Resource) WHERE r.iri = $p "
            "AND NOT r.graph STARTS WITH $staging RETURN DISTINCT a.iri, b.iri",
            {"p": v.IMPLIES, "staging": STAGING},
            timeout=store.query_timeout,
        )
    ]
    sub = Subgraph([*part, *extra, *triples_of(store, documents), *implies])
    try:
        return generic.who_decides(sub, root, **options)
    finally:
        sub.close()
