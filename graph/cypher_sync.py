"""Bulk sync of named graphs into a Cypher engine: what :meth:`CypherStore.replace` runs.

A sync writes in three steps, every one batched, parameterised ``UNWIND`` (no per-row round
trip; the indexes exist before the first row):

1. **nodes**: every IRI and literal the new triples name is ``MERGE``d (a typed subject that does
   not exist yet is ``CREATE``d with its class labels), grouped by IRI namespace or by literal
   language and datatype so each row carries only what differs. On FalkorDB (either transport)
   the engine returns each node's internal id, and step 2 sends pairs of integers (an id lookup
   is O(1) there); on Neo4j (``id()`` is deprecated in 5) rows carry IRIs and literal keys,
   looked up through the unique constraints. Resource and literal nodes are never deleted, so
   an id stays valid.
2. **relationships**: a graph that is new, or changed in many subjects, is written whole under a
   private staging name that readers ignore (relationships ``CREATE``d, one query per predicate).
   A live graph changed in a few subjects is a *delta*: each ``HAS_SUBJECT`` relationship keeps a
   digest of its subject's triples, so only the triples of subjects whose digest differs are read
   back and compared.
3. **one commit** (a transaction on Neo4j, ``MULTI``/``EXEC`` on FalkorDB's client): staged graphs
   replace the live ones, deltas delete and create their few relationships, labels change where
   types did, the generation is bumped. Readers see the state before or after, never between.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from graph import cypher_store
from graph.cypher_store import RESERVED_LABELS, STAGING, Statement, literal_key
from ontology.terms import RDF_TYPE, Literal, Triple

if TYPE_CHECKING:
    from graph.cypher_store import CypherTransport

#: a live graph is synced as a delta when at most this share of its subjects changed
DELTA_SHARE = 0.25
Refs = dict[str, Any]  # IRI or literal key -> what a bulk row names the node by
# computed once per predicate and class, not once per triple
rel_type = functools.cache(cypher_store.rel_type)
label_of = functools.cache(cypher_store.label_of)


def _namespace(iri: str) -> tuple[str, str]:
    """``iri`` split after its last ``/`` or ``#`` (rows carry only the local part)."""
    cut = max(iri.rfind("/"), iri.rfind("#")) + 1
    return iri[:cut], iri[cut:]


def subject_digests(triples: Iterable[Triple]) -> dict[str, int]:
    """A 63-bit digest of each subject's triples (order and duplicates do not count)."""
    by_subject: dict[str, set[str]] = defaultdict(set)
    for s, p, o in triples:
        if isinstance(o, Literal):
            line = f"{p}\x00\x01{o.value}\x01{o.lang or ''}\x01{o.datatype or ''}"
        else:
            line = f"{p}\x00{o}"
        by_subject[s].add(f"{len(line)}:{line}")  # length-prefixed: no two sets join alike
    out = {}
    for s, lines in by_subject.items():
        raw = hashlib.blake2b("".join(sorted(lines)).encode(), digest_size=8).digest()
        out[s] = int.from_bytes(raw, "big") >> 1
    return out


def graph_digest(subjects: Mapping[str, int]) -> str:
    """A graph's content digest, from its subjects' digests."""
    lines = sorted(f"{s} {d}" for s, d in subjects.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class Sync:
    """One :meth:`CypherStore.replace`: nodes, staged or delta relationships, one commit."""

    def __init__(self, transport: CypherTransport) -> None:
        self.t = transport
        self.ids = bool(getattr(transport, "node_ids", False))
        self.token = uuid.uuid4().hex
        self.refs: Refs = {}
        self.literal_refs: Refs = {}  # apart: an IRI and a literal key could be equal text
        self.have: dict[str, set[str]] = {}  # typed subject -> the labels it carries now
        self.old_labels: dict[str, set[str]] = defaultdict(set)
        self.new_labels: dict[str, set[str]] = defaultdict(set)
        self.commit: list[Statement] = []
        self.full: list[str] = []  # graphs replaced whole (staged), and graphs removed

    # -- 1. nodes ------------------------------------------------------------------------------
    def nodes(self, triples: Iterable[Triple]) -> None:
        """Make every node ``triples`` name exist; record how bulk rows name each."""
        resources: set[str] = set()
        literals: dict[str, Literal] = {}
        typed: dict[str, set[str]] = defaultdict(set)
        for s, p, o in triples:
            resources.add(s)
            if isinstance(o, Literal):
                literals.setdefault(literal_key(o), o)
                continue
            resources.add(o)
            label = label_of(o) if p == RDF_TYPE else None
            if label:
                typed[s].add(label)
        self._typed(typed)
        ret = " RETURN x, id(n)" if self.ids else ""
        by_ns: dict[str, list[str]] = defaultdict(list)
        for iri in sorted(resources - self.refs.keys()):
            ns, local = _namespace(iri)
            by_ns[ns].append(local)
        for ns, rows in by_ns.items():
            query = f"UNWIND $rows AS x MERGE (n:Resource {{iri: $ns + x}}){ret}"
            self._refs(ns, rows, self.t.bulk(query, rows, {"ns": ns}, returns=self.ids))
        by_kind: dict[tuple[str, str], list[str]] = defaultdict(list)
        odd: list[list[str]] = []  # keys that are not "lang|datatype|value" (literal_key)
        for key, lit in sorted(literals.items()):
            if key in self.literal_refs:
                continue
            lang, dt = lit.lang or "", lit.datatype or ""
            if key == f"{lang}|{dt}|{lit.value}":
                by_kind[(lang, dt)].append(lit.value)
            else:
                odd.append([key, lit.value, lang, dt])
        query = (
            "UNWIND $rows AS r MERGE (n:Literal {key: r[0]}) "
            "ON CREATE SET n.value = r[1], n.lang = r[2], n.datatype = r[3]"
        )
        returned = self.t.bulk(query + ret.replace("x,", "r[0],"), odd, returns=self.ids)
        self._refs("", [row[0] for row in odd], returned, self.literal_refs)
        for (lang, dt), rows in by_kind.items():
            query = (
                "UNWIND $rows AS x MERGE (n:Literal {key: $k + x}) "
                f"ON CREATE SET n.value = x, n.lang = $lang, n.datatype = $dt{ret}"
            )
            prefix = f"{lang}|{dt}|"
            params = {"k": prefix, "lang": lang, "dt": dt}
            returned = self.t.bulk(query, rows, params, returns=self.ids)
            self._refs(prefix, rows, returned, self.literal_refs)

    def _refs(
        self, prefix: str, rows: list[str], returned: list[list[Any]], into: Refs | None = None
    ) -> None:
        into = self.refs if into is None else into
        if self.ids:
            into.update((prefix + x, node) for x, node in returned)
        else:
            into.update((prefix + x, prefix + x) for x in rows)

    def _typed(self, typed: Mapping[str, set[str]]) -> None:
        """Create the typed subjects that do not exist yet, with their class labels.

        FalkorDB adds a label to an existing node slowly (about 0.3 ms a node) but creates a
        labelled node as fast as a bare one; so new nodes are born labelled, and :attr:`have`
        tells the commit which labels are still to set. A new node may carry its label a moment
        before its triples are live; readers follow relationships, never labels.
        """
        for label_set in typed.values():
            for label in label_set:
                self.new_labels[label]  # noqa: B018 -- every label the sync types gets a key
        pending = sorted(s for s in typed if s not in self.have)
        ident = ", id(s)" if self.ids else ""
        for row in self.t.bulk(
            f"UNWIND $rows AS iri MATCH (s:Resource {{iri: iri}}) RETURN s.iri, labels(s){ident}",
            pending,
            returns=True,
        ):
            # FalkorDB's client gives a bulk reply's lists as text: "[Resource, System]"
            labels = row[1] if isinstance(row[1], list) else row[1].strip("[]").split(", ")
            self.have[row[0]] = set(labels) - RESERVED_LABELS
            self.refs[row[0]] = row[2] if self.ids else row[0]
        fresh: dict[tuple[tuple[str, ...], str], list[str]] = defaultdict(list)
        for iri in pending:
            if iri not in self.have:
                fresh[(tuple(sorted(typed[iri])), _namespace(iri)[0])].append(_namespace(iri)[1])
                self.have[iri] = set(typed[iri])
        ret = " RETURN x, id(n)" if self.ids else ""
        for (labels, ns), rows in sorted(fresh.items()):
            extra = "".join(f":`{label}`" for label in labels)
            query = f"UNWIND $rows AS x CREATE (n:Resource{extra} {{iri: $ns + x}}){ret}"
            self._refs(ns, rows, self.t.bulk(query, rows, {"ns": ns}, returns=self.ids))

    # -- 2. relationships ----------------------------------------------------------------------
    def _match(self, literal: bool) -> str:
        if self.ids:
            return "WITH r[0] AS a, r[1] AS b MATCH (s) WHERE id(s) = a MATCH (o) WHERE id(o) = b"
        other = "(o:Literal {key: b})" if literal else "(o:Resource {iri: b})"
        return f"WITH r[0] AS a, r[1] AS b MATCH (s:Resource {{iri: a}}) MATCH {other}"

    def _relationship_rows(
        self, triples: Iterable[Triple]
    ) -> dict[tuple[str, str, bool, str], list[list[Any]]]:
        groups: dict[tuple[str, str, bool, str], list[list[Any]]] = defaultdict(list)
        refs, literal_refs = self.refs, self.literal_refs
        for s, p, o in triples:
            if isinstance(o, Literal):
                groups[(rel_type(p), p, True, "")].append([refs[s], literal_refs[literal_key(o)]])
            else:
                label = (label_of(o) or "") if p == RDF_TYPE else ""
                groups[(rel_type(p), p, False, label)].append([refs[s], refs[o]])
        return groups

    def _creates(self, triples: Iterable[Triple], graph: str) -> list[Statement]:
        """``(query, params)`` creating ``triples``' relationships under ``graph``."""
        out: list[Statement] = []
        for (rtype, p, literal, label), rows in sorted(self._relationship_rows(triples).items()):
            extra = ", label: $label" if rtype == "TYPE" else ""
            query = (
                f"UNWIND $rows AS r {self._match(literal)} "
                f"CREATE (s)-[:`{rtype}` {{iri: $p, graph: $g{extra}}}]->(o)"
            )
            params = {"rows": rows, "p": p, "g": graph}
            out.append((query, {**params, "label": label} if extra else params))
        return out

    def _bulk(self, statements: Sequence[Statement]) -> None:
        for query, params in statements:
            self.t.bulk(query, params["rows"], {k: v for k, v in params.items() if k != "rows"})

    def stage(
        self, graph: str, number: int, triples: Sequence[Triple], subjects: Mapping[str, int]
    ) -> None:
        """Write ``graph``'s new triples whole under a private staging name."""
        staged = f"{STAGING}{self.token}/{number}"
        self.nodes(triples)
        self.t.write(
            [
                (
                    "MERGE (g:Graph {iri: $staged}) "
                    "SET g.live = false, g.target = $graph, g.token = $token, g.digest = $digest",
                    {
                        "staged": staged,
                        "graph": graph,
                        "token": self.token,
                        "digest": graph_digest(subjects),
                    },
                )
            ]
        )
        for s, p, o in triples:
            if p == RDF_TYPE and isinstance(o, str) and (label := label_of(o)):
                self.new_labels[label].add(s)
        self._bulk(self._creates(triples, staged))
        self._bulk([self._members(staged, subjects)])
        self.full.append(graph)

    def _members(self, graph: str, subjects: Mapping[str, int], *, live: bool = False) -> Statement:
        find = "(g:Graph {iri: $g}) WHERE g.live = true" if live else "(g:Graph {iri: $g})"
        lookup = "MATCH (s) WHERE id(s) = a" if self.ids else "MATCH (s:Resource {iri: a})"
        rows = [[self.refs[s], d] for s, d in sorted(subjects.items())]
        return (
            f"MATCH {find} UNWIND $rows AS r WITH g, r[0] AS a, r[1] AS d {lookup} "
            "CREATE (g)-[:HAS_SUBJECT {digest: d}]->(s)",
            {"g": graph, "rows": rows},
        )

    # -- 3. the commit -------------------------------------------------------------------------
    def finish(self) -> list[Statement]:
        """The statements of the one transaction that makes the sync live."""
        touched = sorted(set(self.full))
        statements: list[Statement] = []
        if touched:
            for iri, labels in self.t.read(
                "MATCH (g:Graph)-[:HAS_SUBJECT]->(s:Resource) "
                "WHERE g.live = true AND g.iri IN $touched RETURN DISTINCT s.iri, labels(s)",
                {"touched": touched},
            ):
                for label in set(labels) - RESERVED_LABELS:
                    self.old_labels[label].add(iri)
            live = {"touched": touched, "token": self.token}
            statements += [
                (
                    "MATCH (g:Graph)-[:HAS_SUBJECT]->(:Resource)-[r]->() "
                    "WHERE g.live = true AND g.iri IN $touched AND r.graph = g.iri DELETE r",
                    live,
                ),
                (
                    "MATCH (g:Graph) WHERE g.live = true AND g.iri IN $touched DETACH DELETE g",
                    live,
                ),
                (
                    "MATCH (g:Graph {token: $token})-[:HAS_SUBJECT]->(:Resource)-[r]->() "
                    "WHERE r.graph = g.iri SET r.graph = g.target",
                    live,
                ),
                (
                    "MATCH (g:Graph {token: $token}) "
                    "SET g.iri = g.target, g.live = true REMOVE g.token, g.target",
                    live,
                ),
            ]
        statements += self.commit
        statements += self._labels()
        statements.append(
            (
                "MERGE (m:GovGraphMeta {key: 'state'}) ON CREATE SET m.generation = 0 "
                "SET m.generation = m.generation + 1",
                {},
            )
        )
        return statements

    def _labels(self) -> list[Statement]:
        """Only label changes: a label a subject loses unless another live graph still types it
        so, and one it lacks (a re-load of the same data writes none)."""
        out: list[Statement] = []
        for label in sorted(set(self.old_labels) | set(self.new_labels)):
            has_type = "t.label = $label AND NOT t.graph STARTS WITH $staging"
            params = {"label": label, "staging": STAGING}
            new = self.new_labels.get(label, set())
            gone = sorted(self.old_labels.get(label, set()) - new)
            if gone:
                out.append(
                    (
                        f"UNWIND $rows AS iri MATCH (s:Resource {{iri: iri}}) WHERE s:`{label}` "
                        f"OPTIONAL MATCH (s)-[t:TYPE]->() WHERE {has_type} "
                        f"WITH s, count(t) AS n WHERE n = 0 REMOVE s:`{label}`",
                        {**params, "rows": gone},
                    )
                )
            lacking = sorted(s for s in new if label not in self.have.get(s, ()))
            if lacking:
                out.append(
                    (
                        "UNWIND $rows AS iri MATCH (s:Resource {iri: iri})-[t:TYPE]->() "
                        f"WHERE {has_type} SET s:`{label}`",
                        {**params, "rows": lacking},
                    )
                )
        return out

    def discard(self) -> None:
        """Remove what a failed sync staged (best effort: readers never see it)."""
        with contextlib.suppress(Exception):  # the original error is the one to report
            self.t.write(
                [
                    (
                        "MATCH (g:Graph {token: $token})-[:HAS_SUBJECT]->(:Resource)-[r]->() "
                        "WHERE r.graph = g.iri DELETE r",
                        {"token": self.token},
                    ),
                    ("MATCH (g:Graph {token: $token}) DETACH DELETE g", {"token": self.token}),
                ]
            )


def replace(
    transport: CypherTransport, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str]
) -> None:
    """Make ``graphs`` the content of those named graphs and drop ``remove`` (see module doc)."""
    graphs = {graph: list(dict.fromkeys(triples)) for graph, triples in graphs.items()}
    subjects = {graph: subject_digests(triples) for graph, triples in graphs.items()}
    digests = {graph: graph_digest(subjects[graph]) for graph in graphs}
    # A graph whose content equals the live one is not written again: one read.
    live = dict(
        transport.read(
            "MATCH (g:Graph) WHERE g.live = true AND g.iri IN $names RETURN g.iri, g.digest",
            {"names": sorted(graphs)},
        )
    )
    graphs = {g: t for g, t in graphs.items() if g in remove or live.get(g) != digests[g]}
    if not graphs and not remove:
        return
    from graph.cypher_delta import delta, live_subjects

    sync = Sync(transport)
    try:
        for number, (graph, triples) in enumerate(sorted(graphs.items())):
            new = subjects[graph]
            old = (
                live_subjects(sync, graph, len(new))
                if graph in live and graph not in remove
                else None
            )
            if old is not None:
                changed = sum(old.get(s) != new.get(s) for s in set(old) | set(new))
                if changed <= DELTA_SHARE * max(len(old), len(new)):
                    delta(sync, graph, old, new, triples, digests[graph])
                    continue
            sync.stage(graph, number, triples, new)
        sync.full.extend(remove)
        transport.write(sync.finish())
    except BaseException:
        sync.discard()
        raise
