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
:meth:`CypherStore.replace` (:mod:`graph.cypher_sync`) stages new graphs under a private graph name
(invisible to readers, which ignore staged relationships) or computes a small delta of a live
one, then commits with one transaction: readers see the state before or after, never between.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Protocol

from ontology.errors import StoreUnavailable
from ontology.terms import Literal, Term, Triple

STAGING = "urn:govgraph:staging:"
# FalkorDB's string index drops trailing ASCII white space and values above 4,096 bytes
_TRIMMED = " \t\n\r\x0b\x0c"
_KEY_BYTES = 3_900
RESERVED_LABELS = {"Resource", "Literal", "Graph", "GovGraphMeta"}
RESERVED_TYPES = {"HAS_SUBJECT"}
Statement = tuple[str, dict[str, Any]]


class CypherTransport(Protocol):
    """How the store reaches an engine: reads, one-transaction writes, schema set-up."""

    description: str
    #: ``"neo4j"`` or ``"falkordb"``: the engine behind the transport
    dialect: str
    #: bulk rows name nodes by internal id (FalkorDB's client) rather than by IRI or key
    node_ids: bool

    def read(
        self, query: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[list[Any]]:
        """Rows of a read-only query; ``timeout`` in seconds."""
        ...

    def write(self, statements: Sequence[Statement]) -> None:
        """Run ``statements`` in one transaction: all apply or (on Neo4j) none do."""
        ...

    def bulk(
        self,
        query: str,
        rows: Sequence[Any],
        params: dict[str, Any] | None = None,
        *,
        returns: bool = False,
    ) -> list[list[Any]]:
        """Run ``query`` once per batch of ``rows`` (its ``$rows``), batches sized for the
        engine, each its own transaction; the rows it returns when ``returns``."""
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
    r"""The unique key of a literal node (language and datatype cannot contain ``|``).

    FalkorDB 4.16 crashes when a uniquely constrained property holds ``\x01``: a value with
    ``\x01`` or ``\x02`` is written escaped behind a leading ``\x02`` (no other value starts so).
    Its string index misses a value that ends in ASCII white space or exceeds 4,096 bytes (a
    lookup finds nothing; a unique constraint then crashes the server), and Neo4j's index
    refuses keys above ~8 KB: such a key is ``\x02\x04`` and the SHA-256 of the value.

    >>> literal_key(Literal("Tal", lang="da"))
    'da||Tal'
    >>> literal_key(Literal("a\x01b"))
    '||\x02a\x02\x03b'
    >>> literal_key(Literal("tail ")) == literal_key(Literal("tail ")) != literal_key(Literal("tail"))
    True
    >>> len(literal_key(Literal("x" * 5000)))
    68
    """
    value = lit.value
    trailing = value != "" and value[-1] in _TRIMMED
    # a character is at most 4 bytes: only a long value is encoded to measure it
    if trailing or (len(value) > _KEY_BYTES // 4 and len(value.encode()) > _KEY_BYTES):
        value = "\x02\x04" + hashlib.sha256(value.encode()).hexdigest()
    elif "\x01" in value or "\x02" in value:
        value = "\x02" + value.replace("\x02", "\x02\x02").replace("\x01", "\x02\x03")
    return f"{lit.lang or ''}|{lit.datatype or ''}|{value}"


def _term(iri: str | None, value: str | None, lang: str | None, datatype: str | None) -> Term:
    if iri is not None:
        return iri
    return Literal(value or "", lang=lang or None, datatype=datatype or None)


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
        """Replace whole named graphs atomically (bulk sync: :mod:`graph.cypher_sync`)."""
        from graph.cypher_sync import replace

        replace(self.transport, graphs, remove)

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
