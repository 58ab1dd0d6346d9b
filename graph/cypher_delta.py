"""The delta half of a Cypher bulk sync (:mod:`graph.cypher_sync`): a live graph changed in a
few subjects is compared subject by subject and only the difference is written.

Each ``(:Graph)-[:HAS_SUBJECT {digest}]->(s)`` relationship keeps a 63-bit digest of ``s``'s
triples in that graph, so a sync reads the live digests (one small read), reads back the triples
of the subjects whose digest differs, and queues for the commit the relationships to delete and
create, the membership changes, and the labels to check. Nothing is written before the commit
but nodes, which readers do not see without relationships.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from graph.cypher_store import _term, literal_key
from graph.cypher_sync import label_of, rel_type
from ontology.terms import RDF_TYPE, Literal, Triple

if TYPE_CHECKING:
    from graph.cypher_sync import Sync


def delta(
    sync: Sync,
    graph: str,
    old: Mapping[str, int],
    new: Mapping[str, int],
    triples: Sequence[Triple],
    digest: str,
) -> None:
    """Queue the commit statements that turn live ``graph`` (``old`` digests) into ``new``."""
    changed = sorted(s for s in set(old) | set(new) if old.get(s) != new.get(s))
    was = set()
    for row in sync.t.read(  # a read: a subject's triples are more than a bulk reply holds
        "UNWIND $rows AS iri MATCH (s:Resource {iri: iri})-[r]->(o) WHERE r.graph = $g "
        "RETURN s.iri, r.iri, o.iri, o.value, o.lang, o.datatype",
        {"rows": changed, "g": graph},
    ):
        was.add((row[0], row[1], _term(*row[2:])))
    wanted = set(changed)
    now = {t for t in triples if t[0] in wanted}
    added, removed = now - was, was - now
    sync.nodes(added)
    for s, p, o in removed:
        if p == RDF_TYPE and isinstance(o, str) and (label := label_of(o)):
            sync.old_labels[label].add(s)
    for s, p, o in added:
        if p == RDF_TYPE and isinstance(o, str) and (label := label_of(o)):
            sync.new_labels[label].add(s)
    by_kind: dict[tuple[str, str, bool], list[list[str]]] = defaultdict(list)
    for s, p, o in sorted(removed, key=repr):
        literal = isinstance(o, Literal)
        key = literal_key(o) if isinstance(o, Literal) else o
        by_kind[(rel_type(p), p, literal)].append([s, key])
    for (rtype, p, literal), rows in sorted(by_kind.items()):
        other = "(o:Literal {key: r[1]})" if literal else "(o:Resource {iri: r[1]})"
        sync.commit.append(
            (
                f"UNWIND $rows AS r MATCH (s:Resource {{iri: r[0]}})-[x:`{rtype}`]->{other} "
                "WHERE x.iri = $p AND x.graph = $g DELETE x",
                {"rows": rows, "p": p, "g": graph},
            )
        )
    sync.commit.extend(sync._creates(added, graph))
    gone = [s for s in changed if s not in new]
    if gone:
        sync.commit.append(
            (
                "MATCH (g:Graph {iri: $g}) WHERE g.live = true UNWIND $rows AS iri "
                "MATCH (g)-[h:HAS_SUBJECT]->(:Resource {iri: iri}) DELETE h",
                {"g": graph, "rows": gone},
            )
        )
    kept = [[s, new[s]] for s in changed if s in new and s in old]
    if kept:
        sync.commit.append(
            (
                "MATCH (g:Graph {iri: $g}) WHERE g.live = true UNWIND $rows AS r "
                "MATCH (g)-[h:HAS_SUBJECT]->(:Resource {iri: r[0]}) SET h.digest = r[1]",
                {"g": graph, "rows": kept},
            )
        )
    fresh = {s: new[s] for s in changed if s in new and s not in old}
    if fresh:  # a new subject's triples are all added: nodes() gave it a reference
        sync.commit.append(sync._members(graph, fresh, live=True))
    sync.commit.append(
        (
            "MATCH (g:Graph {iri: $g}) WHERE g.live = true SET g.digest = $digest",
            {"g": graph, "digest": digest},
        )
    )


def live_subjects(sync: Sync, graph: str, expected: int) -> dict[str, int] | None:
    """The live ``graph``'s subject digests; ``None`` when it has none to compare."""
    query = (
        "MATCH (g:Graph {iri: $g})-[h:HAS_SUBJECT]->(s:Resource) WHERE g.live = true "
        "RETURN s.iri, h.digest"
    )
    if getattr(sync.t, "dialect", "neo4j") == "neo4j":
        rows = sync.t.read(query, {"g": graph})
    else:  # FalkorDB's Bolt listener costs ~40 microseconds a record: ~200 rows a record
        query = query.replace("RETURN s.iri, h.digest", "")
        query += "RETURN id(s) % $b, collect([s.iri, h.digest])"
        buckets = sync.t.read(query, {"g": graph, "b": max(1, expected // 200)})
        rows = [row for _, bucket in buckets for row in bucket]
    if not rows or any(d is None for _, d in rows):
        return None
    return {s: int(d) for s, d in rows}
