"""The Cypher store: the same store contract on Neo4j 5 (Bolt) or FalkorDB (its own client).

Property-graph shape (docs/deploy.md has the full mapping)::

    (:Resource {iri})                       every IRI or blank node ("_:b0") in subject/object
    (:Resource:System), (:Resource:Body)    one extra label per rdf:type (the class's local name)
    (s)-[:TYPE {iri, graph, label}]->(c)    the rdf:type triple itself, lossless
    (s)-[:REPORTS_TO {iri, graph}]->(o)     an IRI-valued triple; the type is the predicate's
                                            local name in UPPER_SNAKE, ``iri`` the predicate
    (s)-[:PREF_LABEL {iri, graph}]->(:Literal {key, value, lang, datatype})
    (:Graph {iri, live})-[:HAS_SUBJECT]->(s)  which subjects each named graph holds

A triple held by two named graphs is two relationships (``graph`` differs); reads return it once.
:meth:`CypherStore.replace` stages the new triples under a private graph name (invisible to
readers, which ignore staged relationships), then swaps them in with one small transaction:
readers see the state before or after, never between, on both engines.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from ontology.errors import StoreUnavailable
from ontology.terms import RDF_TYPE, Literal, Term, Triple

STAGING = "urn:govgraph:staging:"
BATCH = 20_000
RESERVED_LABELS = {"Resource", "Literal", "Graph", "GovGraphMeta"}
RESERVED_TYPES = {"HAS_SUBJECT"}
Statement = tuple[str, dict[str, Any]]


class CypherTransport(Protocol):
    """How the store reaches an engine: reads, one-transaction writes, schema set-up."""

    description: str

    def read(
        self, query: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[list[Any]]:
        """Rows of a read-only query; ``timeout`` in seconds."""
        ...

    def write(self, statements: Sequence[Statement]) -> None:
        """Run ``statements`` in one transaction: all apply or (on Neo4j) none do."""
        ...

    def ensure_schema(self) -> None:
        """Create the constraints and indexes (idempotent)."""
        ...

    def close(self) -> None: ...


def _local_name(iri: str) -> str:
    return re.split(r"[#/:]", iri.rstrip("/#"))[-1]


def label_of(cls: str) -> str | None:
    """The node label for an ``rdf:type`` class, or ``None`` when it has none.

    >>> label_of("https://w3id.org/govgraph/ontology#System")
    'System'
    >>> label_of("http://www.w3.org/2000/01/rdf-schema#Resource") is None
    True
    """
    name = re.sub(r"\W", "_", _local_name(cls))
    if not name or not name[0].isalpha() or name in RESERVED_LABELS:
        return None
    return name


def rel_type(predicate: str) -> str:
    """The relationship type of a predicate: its local name in UPPER_SNAKE.

    >>> rel_type("http://www.w3.org/ns/org#reportsTo")
    'REPORTS_TO'
    >>> rel_type("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    'TYPE'
    """
    name = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", _local_name(predicate))
    name = re.sub(r"\W", "_", name).upper() or "REL"
    if not name[0].isalpha() or name in RESERVED_TYPES:
        name = "P_" + name
    return name


def literal_key(lit: Literal) -> str:
    """The unique key of a literal node (language and datatype cannot contain ``|``)."""
    return f"{lit.lang or ''}|{lit.datatype or ''}|{lit.value}"


def _term(iri: str | None, value: str | None, lang: str | None, datatype: str | None) -> Term:
    if iri is not None:
        return iri
    return Literal(value or "", lang=lang or None, datatype=datatype or None)


def _digest(triples: Sequence[Triple]) -> str:
    """A digest of a graph's content (order and duplicates do not count)."""
    return hashlib.sha256("\n".join(sorted(map(repr, set(triples)))).encode()).hexdigest()


_RETURN = "RETURN DISTINCT s.iri, r.iri, o.iri, o.value, o.lang, o.datatype"


class CypherStore:
    """A :class:`graph.store.GraphStore` on a Cypher engine reached through ``transport``.

    Several processes may share one database: :attr:`generation` is read from the database, so
    each API worker sees the others' writes.
    """

    def __init__(self, transport: CypherTransport, *, query_timeout: float = 30.0) -> None:
        self.transport = transport
        self.description = transport.description
        self.query_timeout = query_timeout
        transport.ensure_schema()

    # -- reads ---------------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        rows = self.transport.read("MATCH (m:GovGraphMeta {key: 'state'}) RETURN m.generation")
        return int(rows[0][0]) if rows else 0

    @generation.setter
    def generation(self, value: int) -> None:  # the database holds it; kept for the protocol
        pass

    def triples(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Triple]:
        params: dict[str, Any] = {"staging": STAGING}
        s = "(s:Resource)"
        if subject is not None:
            s, params["s"] = "(s:Resource {iri: $s})", subject
        r = "[r]"
        where = ["NOT r.graph STARTS WITH $staging"]
        if predicate is not None:
            r, params["p"] = f"[r:`{rel_type(predicate)}`]", predicate
            where.append("r.iri = $p")
        o = "(o)"
        if isinstance(obj, Literal):
            o, params["o"] = "(o:Literal {key: $o})", literal_key(obj)
        elif obj is not None:
            o, params["o"] = "(o:Resource {iri: $o})", obj
        query = f"MATCH {s}-{r}->{o} WHERE {' AND '.join(where)} {_RETURN}"
        for row in self.transport.read(query, params):
            yield row[0], row[1], _term(*row[2:])

    def graph_names(self) -> list[str]:
        rows = self.transport.read("MATCH (g:Graph) WHERE g.live = true RETURN g.iri")
        return sorted(row[0] for row in rows)

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        query = (
            "MATCH (g:Graph {iri: $g})-[:HAS_SUBJECT]->(s:Resource)-[r]->(o) "
            "WHERE g.live = true AND r.graph = $g " + _RETURN
        )
        for row in self.transport.read(query, {"g": graph}):
            yield row[0], row[1], _term(*row[2:])

    def count(self) -> int:
        rows = self.transport.read(
            "MATCH (g:Graph)-[:HAS_SUBJECT]->(:Resource)-[r]->() "
            "WHERE g.live = true AND r.graph = g.iri RETURN count(r)"
        )
        return int(rows[0][0]) if rows else 0

    # -- writes --------------------------------------------------------------------------------
    def replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str] = ()) -> None:
        # A graph whose content equals the live one (same digest) is not written again: a sync
        # of unchanged sources costs one read.
        digests = {graph: _digest(triples) for graph, triples in graphs.items()}
        live = dict(
            self.transport.read(
                "MATCH (g:Graph) WHERE g.live = true AND g.iri IN $names RETURN g.iri, g.digest",
                {"names": sorted(graphs)},
            )
        )
        graphs = {g: t for g, t in graphs.items() if g in remove or live.get(g) != digests[g]}
        if not graphs and not remove:
            return
        token = uuid.uuid4().hex
        touched = sorted(set(graphs) | set(remove))
        new_labels: dict[str, set[str]] = defaultdict(set)
        have: dict[str, set[str]] = {}
        try:
            for number, (graph, triples) in enumerate(sorted(graphs.items())):
                staged = f"{STAGING}{token}/{number}"
                self._stage(graph, staged, token, triples, new_labels, have, digests[graph])
            old = self.transport.read(
                "MATCH (g:Graph)-[:HAS_SUBJECT]->(s:Resource) "
                "WHERE g.live = true AND g.iri IN $touched RETURN DISTINCT s.iri, labels(s)",
                {"touched": touched},
            )
            old_labels: dict[str, set[str]] = defaultdict(set)
            for iri, labels in old:
                for label in set(labels) - RESERVED_LABELS:
                    old_labels[label].add(iri)
            self.transport.write(self._commit(token, touched, old_labels, new_labels, have))
        except BaseException:
            self._discard(token)
            raise

    def _stage(
        self,
        graph: str,
        staged: str,
        token: str,
        triples: Sequence[Triple],
        new_labels: dict[str, set[str]],
        have: dict[str, set[str]],
        digest: str,
    ) -> None:
        """Write ``triples`` under the private name ``staged`` with UNWIND ... MERGE batches."""
        self.transport.write(
            [
                (
                    "MERGE (g:Graph {iri: $staged}) "
                    "SET g.live = false, g.target = $graph, g.token = $token, g.digest = $digest",
                    {"staged": staged, "graph": graph, "token": token, "digest": digest},
                )
            ]
        )
        groups: dict[tuple[str, bool], list[dict[str, Any]]] = defaultdict(list)
        subjects: set[str] = set()
        typed: dict[str, set[str]] = defaultdict(set)
        # Rows are unique within a fresh staging graph, so relationships are CREATEd (a MERGE
        # would scan the edges of hub nodes such as classes and concepts); nodes are MERGEd.
        for s, p, o in dict.fromkeys(triples):
            subjects.add(s)
            if isinstance(o, Literal):
                row = {"s": s, "p": p, "k": literal_key(o), "v": o.value}
                row.update(lang=o.lang or "", dt=o.datatype or "", g=staged)
                groups[(rel_type(p), True)].append(row)
            else:
                label = label_of(o) if p == RDF_TYPE else None
                groups[(rel_type(p), False)].append(
                    {"s": s, "p": p, "o": o, "g": staged, "label": label or ""}
                )
                if label:
                    new_labels[label].add(s)
                    typed[s].add(label)
        self._create_typed(typed, have)
        for (rtype, is_literal), rows in sorted(groups.items()):
            if is_literal:
                query = (
                    "UNWIND $rows AS row MERGE (s:Resource {iri: row.s}) "
                    "MERGE (o:Literal {key: row.k}) "
                    "ON CREATE SET o.value = row.v, o.lang = row.lang, o.datatype = row.dt "
                    f"CREATE (s)-[:`{rtype}` {{iri: row.p, graph: row.g}}]->(o)"
                )
            else:
                extra = ", label: row.label" if rtype == "TYPE" else ""
                query = (
                    "UNWIND $rows AS row MERGE (s:Resource {iri: row.s}) "
                    "MERGE (o:Resource {iri: row.o}) "
                    f"CREATE (s)-[:`{rtype}` {{iri: row.p, graph: row.g{extra}}}]->(o)"
                )
            for start in range(0, len(rows), BATCH):
                self.transport.write([(query, {"rows": rows[start : start + BATCH]})])
        members = sorted(subjects)
        for start in range(0, len(members), BATCH):
            self.transport.write(
                [
                    (
                        "MATCH (g:Graph {iri: $staged}) UNWIND $rows AS iri "
                        "MATCH (s:Resource {iri: iri}) CREATE (g)-[:HAS_SUBJECT]->(s)",
                        {"staged": staged, "rows": members[start : start + BATCH]},
                    )
                ]
            )

    def _create_typed(self, typed: Mapping[str, set[str]], have: dict[str, set[str]]) -> None:
        """Create the typed subjects that do not exist yet, with their class labels.

        FalkorDB adds a label to an existing node slowly (about 0.3 ms a node) but creates a
        labelled node as fast as a bare one; so new nodes are born labelled, and ``have`` (IRI
        -> labels it carries now) tells :meth:`_commit` which labels are still to set. A new
        node may carry its label a moment before its triples are live; readers follow
        relationships (which are staged), never labels.
        """
        pending = sorted(s for s in typed if s not in have)
        for start in range(0, len(pending), BATCH):
            for iri, labels in self.transport.read(
                "UNWIND $rows AS iri MATCH (s:Resource {iri: iri}) RETURN s.iri, labels(s)",
                {"rows": pending[start : start + BATCH]},
            ):
                have[iri] = set(labels) - RESERVED_LABELS
        fresh: dict[tuple[str, ...], list[str]] = defaultdict(list)
        for iri in pending:
            if iri not in have:
                fresh[tuple(sorted(typed[iri]))].append(iri)
                have[iri] = set(typed[iri])
        for labels, rows in sorted(fresh.items()):
            extra = "".join(f":`{label}`" for label in labels)
            for start in range(0, len(rows), BATCH):
                self.transport.write(
                    [
                        (
                            f"UNWIND $rows AS iri CREATE (:Resource{extra} {{iri: iri}})",
                            {"rows": rows[start : start + BATCH]},
                        )
                    ]
                )

    def _commit(
        self,
        token: str,
        touched: list[str],
        old_labels: Mapping[str, set[str]],
        new_labels: Mapping[str, set[str]],
        have: Mapping[str, set[str]],
    ) -> list[Statement]:
        """The statements of the one transaction that swaps the staged graphs in."""
        live = {"touched": touched, "token": token, "staging": STAGING}
        statements: list[Statement] = [
            (
                "MATCH (g:Graph)-[:HAS_SUBJECT]->(:Resource)-[r]->() "
                "WHERE g.live = true AND g.iri IN $touched AND r.graph = g.iri DELETE r",
                live,
            ),
            ("MATCH (g:Graph) WHERE g.live = true AND g.iri IN $touched DETACH DELETE g", live),
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
        # Only label changes are written (a re-load of the same data writes none): a label a
        # subject loses unless another live graph still types it so, and one it lacks.
        for label in sorted(set(old_labels) | set(new_labels)):
            has_type = "t.label = $label AND NOT t.graph STARTS WITH $staging"
            params = {"label": label, "staging": STAGING}
            gone = sorted(old_labels.get(label, set()) - new_labels.get(label, set()))
            if gone:
                statements.append(
                    (
                        f"UNWIND $rows AS iri MATCH (s:Resource {{iri: iri}}) WHERE s:`{label}` "
                        f"OPTIONAL MATCH (s)-[t:TYPE]->() WHERE {has_type} "
                        f"WITH s, count(t) AS n WHERE n = 0 REMOVE s:`{label}`",
                        {**params, "rows": gone},
                    )
                )
            lacking = sorted(s for s in new_labels.get(label, ()) if label not in have.get(s, ()))
            if lacking:
                statements.append(
                    (
                        "UNWIND $rows AS iri MATCH (s:Resource {iri: iri})-[t:TYPE]->() "
                        f"WHERE {has_type} SET s:`{label}`",
                        {**params, "rows": lacking},
                    )
                )
        statements.append(
            (
                "MERGE (m:GovGraphMeta {key: 'state'}) ON CREATE SET m.generation = 0 "
                "SET m.generation = m.generation + 1",
                {},
            )
        )
        return statements

    def _discard(self, token: str) -> None:
        """Remove what a failed :meth:`replace` staged (best effort: readers never see it)."""
        # The original error is the one to report.
        with contextlib.suppress(Exception):
            self.transport.write(
                [
                    (
                        "MATCH (g:Graph {token: $token})-[:HAS_SUBJECT]->(:Resource)-[r]->() "
                        "WHERE r.graph = g.iri DELETE r",
                        {"token": token},
                    ),
                    ("MATCH (g:Graph {token: $token}) DETACH DELETE g", {"token": token}),
                ]
            )

    # -- native fast paths (graph.cypher_queries) ----------------------------------------------
    def native_impact(self, node: str, **options: Any) -> dict[str, Any] | None:
        """``impact`` answered from the engine; ``None``: use the generic path."""
        from graph.cypher_queries import native_impact

        return native_impact(self, node, **options)

    def native_who_decides(self, subject: str, **options: Any) -> dict[str, Any] | None:
        """``who_decides`` answered from the engine; ``None``: use the generic path."""
        from graph.cypher_queries import native_who_decides

        return native_who_decides(self, subject, **options)

    def native_critical_chains(self, **options: Any) -> dict[str, Any]:
        """``critical_chains`` answered from the engine."""
        from graph.cypher_queries import native_critical_chains

        return native_critical_chains(self, **options)

    def close(self) -> None:
        self.transport.close()


def open_cypher_store(
    kind: str,
    *,
    uri: str | None = None,
    user: str = "neo4j",
    password: str = "",
    database: str | None = None,
    host: str = "localhost",
    port: int = 6379,
    unix_socket: str | None = None,
    graph: str = "govgraph",
    query_timeout: float = 30.0,
) -> CypherStore:
    """Open a :class:`CypherStore` on Neo4j (``kind="neo4j"``) or FalkorDB (``"falkordb"``).

    Raises
    ------
    StoreUnavailable
        The server cannot be reached, refuses the credentials, or its client is not installed.
    """
    from graph.cypher_transports import BoltTransport, FalkorTransport

    transport: CypherTransport
    if kind == "neo4j":
        if not uri:
            raise StoreUnavailable("neo4j", "set GOVGRAPH_NEO4J_URI (e.g. neo4j://host:7687)")
        transport = BoltTransport(uri, user, password, database=database)
    elif kind == "falkordb":
        transport = FalkorTransport(host=host, port=port, unix_socket=unix_socket, graph=graph)
    else:
        raise ValueError(kind)
    return CypherStore(transport, query_timeout=query_timeout)
