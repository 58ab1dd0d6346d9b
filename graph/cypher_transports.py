"""The two ways :class:`graph.cypher_store.CypherStore` reaches a Cypher engine.

``BoltTransport``: Neo4j 5 (single instance, cluster or Aura) through the official driver, with
managed transactions (the driver retries transient errors and routes reads to followers).
``FalkorTransport``: FalkorDB through its own client (RESP, no Bolt); a multi-statement write is
one ``MULTI``/``EXEC`` block, which FalkorDB runs without interleaving other clients.

Both clients are imported lazily (STYLE rule 3): the CLI never loads them for the embedded store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ontology.errors import StoreUnavailable

Statement = tuple[str, dict[str, Any]]


class BoltTransport:
    """Neo4j over Bolt (``neo4j://``, ``neo4j+s://``, ``bolt://``)."""

    def __init__(self, uri: str, user: str, password: str, *, database: str | None = None) -> None:
        self.description = f"neo4j:{uri}"
        try:
            import neo4j
        except ImportError:
            raise StoreUnavailable(
                self.description, "the neo4j driver is not installed: pip install 'govgraph[neo4j]'"
            ) from None
        self._neo4j = neo4j
        self._database = database
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=(user, password))
            self._driver.verify_connectivity()
        except (
            neo4j.exceptions.DriverError,
            neo4j.exceptions.Neo4jError,
            OSError,
            ValueError,
        ) as exc:
            raise StoreUnavailable(self.description, str(exc) or type(exc).__name__) from None

    def _unavailable(self, exc: Exception) -> StoreUnavailable:
        return StoreUnavailable(self.description, str(exc) or type(exc).__name__)

    def read(
        self, query: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[list[Any]]:
        neo4j = self._neo4j
        try:
            records, _, _ = self._driver.execute_query(
                neo4j.Query(query, timeout=timeout),
                params or {},
                routing_=neo4j.RoutingControl.READ,
                database_=self._database,
            )
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as exc:
            raise self._unavailable(exc) from None
        except neo4j.exceptions.ClientError as exc:
            if "Timeout" in (exc.code or ""):
                raise StoreUnavailable(self.description, f"query exceeded {timeout} s") from None
            raise
        return [list(record.values()) for record in records]

    def write(self, statements: Sequence[Statement]) -> None:
        def work(tx: Any) -> None:
            for query, params in statements:
                tx.run(query, params).consume()

        try:
            with self._driver.session(database=self._database) as session:
                session.execute_write(work)
        except (
            self._neo4j.exceptions.ServiceUnavailable,
            self._neo4j.exceptions.SessionExpired,
        ) as exc:
            raise self._unavailable(exc) from None

    def ensure_schema(self) -> None:
        # One schema statement per transaction: Neo4j does not mix schema commands in one.
        for statement in (
            "CREATE CONSTRAINT govgraph_resource_iri IF NOT EXISTS "
            "FOR (n:Resource) REQUIRE n.iri IS UNIQUE",
            "CREATE CONSTRAINT govgraph_literal_key IF NOT EXISTS "
            "FOR (n:Literal) REQUIRE n.key IS UNIQUE",
            "CREATE CONSTRAINT govgraph_graph_iri IF NOT EXISTS FOR (n:Graph) REQUIRE n.iri IS UNIQUE",
            "CREATE INDEX govgraph_graph_token IF NOT EXISTS FOR (n:Graph) ON (n.token)",
            "CREATE INDEX govgraph_meta_key IF NOT EXISTS FOR (n:GovGraphMeta) ON (n.key)",
        ):
            self.write([(statement, {})])

    def close(self) -> None:
        self._driver.close()


class FalkorTransport:
    """FalkorDB through the ``falkordb`` client, on a TCP port or a unix socket."""

    INDEXES = (("Resource", "iri"), ("Literal", "key"), ("Graph", "iri"), ("Graph", "token"))

    def __init__(
        self,
        *,
        host: str = "localhost",
        port: int = 6379,
        unix_socket: str | None = None,
        graph: str = "govgraph",
        password: str | None = None,
    ) -> None:
        where = unix_socket or f"{host}:{port}"
        self.description = f"falkordb:{where}/{graph}"
        try:
            from falkordb import FalkorDB
            from redis import exceptions
        except ImportError:
            raise StoreUnavailable(
                self.description, "the falkordb client is not installed: pip install falkordb"
            ) from None
        self._errors = exceptions
        try:
            if unix_socket:
                self._db = FalkorDB(unix_socket_path=unix_socket, password=password)
            else:
                self._db = FalkorDB(host=host, port=port, password=password)
            self._db.connection.ping()
        except (exceptions.ConnectionError, exceptions.TimeoutError, OSError) as exc:
            raise StoreUnavailable(self.description, str(exc)) from None
        self._name = graph
        self._graph = self._db.select_graph(graph)

    def read(
        self, query: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[list[Any]]:
        millis = int(timeout * 1000) if timeout else None
        try:
            return self._graph.ro_query(query, params, timeout=millis).result_set
        except (self._errors.ConnectionError, self._errors.TimeoutError) as exc:
            raise StoreUnavailable(self.description, str(exc)) from None
        except self._errors.ResponseError as exc:
            if "timed out" in str(exc).lower():
                raise StoreUnavailable(self.description, f"query exceeded {timeout} s") from None
            raise

    def write(self, statements: Sequence[Statement]) -> None:
        try:
            if len(statements) == 1:
                query, params = statements[0]
                self._graph.query(query, params)
                return
            pipe = self._db.connection.pipeline(transaction=True)
            for query, params in statements:
                header = self._graph._build_params_header(params) if params else ""
                pipe.execute_command("GRAPH.QUERY", self._name, header + query, "--compact")
            for result in pipe.execute(raise_on_error=False):
                if isinstance(result, Exception):
                    raise result
        except (self._errors.ConnectionError, self._errors.TimeoutError) as exc:
            raise StoreUnavailable(self.description, str(exc)) from None

    def ensure_schema(self) -> None:
        for label, prop in self.INDEXES:
            try:
                self._graph.query(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})")
            except self._errors.ResponseError as exc:
                if "already indexed" not in str(exc):
                    raise
        for label, prop in (("Resource", "iri"), ("Literal", "key")):
            try:
                self._graph.create_node_unique_constraint(label, prop)
            except self._errors.ResponseError as exc:
                if "already exists" not in str(exc).lower():
                    raise

    def close(self) -> None:
        self._db.connection.close()
