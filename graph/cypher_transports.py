"""The two ways :class:`graph.cypher_store.CypherStore` reaches a Cypher engine.

``BoltTransport``: Neo4j 5 (single instance, cluster or Aura) through the official driver, with
managed transactions (the driver retries transient errors and routes reads to followers); the
same transport reaches FalkorDB's Bolt listener (``dialect="falkordb"``), which is how CI runs it.
``FalkorTransport``: FalkorDB through its own client (RESP, no Bolt); a multi-statement write is
one ``MULTI``/``EXEC`` block, which FalkorDB runs without interleaving other clients.

Both clients are imported lazily (STYLE rule 3): the CLI never loads them for the embedded store.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal, TypeVar

from graph.cypher_encoding import (
    FALKOR_BATCH,
    FALKOR_BOLT_BUCKET,
    FALKOR_BOLT_MESSAGE,
    NEO4J_BATCH,
    _escape,
    _header,
    _packed_size,
)
from ontology.errors import StoreUnavailable

Statement = tuple[str, dict[str, Any]]
T = TypeVar("T")


def _each(
    parts: Sequence[T], run: Callable[[T], list[list[Any]]], concurrency: int
) -> list[list[Any]]:
    """``run`` over ``parts``, up to ``concurrency`` at once (threads), the rows in order."""
    if concurrency <= 1 or len(parts) <= 1:
        return [row for part in parts for row in run(part)]
    with ThreadPoolExecutor(min(concurrency, len(parts))) as pool:
        return [row for rows in pool.map(run, parts) for row in rows]


class BoltTransport:
    """A Cypher engine over Bolt (``neo4j://``, ``neo4j+s://``, ``bolt://``).

    ``dialect="neo4j"``: Neo4j 5 (single instance, cluster or Aura). ``dialect="falkordb"``: a
    FalkorDB server started with the module argument ``BOLT_PORT`` (how CI runs this transport).
    FalkorDB 4.16's Bolt listener has no transactions (a multi-statement write runs statement
    by statement), takes no constraints in Cypher, and prints a message's parameters back into
    Cypher text, unescaped (``'`` breaks it: strings are escaped here), into a 4 KB stack buffer
    that a longer text overruns, killing the server (:mod:`graph.cypher_encoding`): parameters
    that would not fit travel as a ``CYPHER`` header in the query text instead, so a bulk
    message holds as many rows as on FalkorDB's own client. ``user=None`` connects without
    authentication.
    """

    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        *,
        database: str | None = None,
        dialect: Literal["neo4j", "falkordb"] = "neo4j",
    ) -> None:
        self.description = f"{'neo4j' if dialect == 'neo4j' else 'falkordb-bolt'}:{uri}"
        self.dialect: str = dialect
        #: rows per bulk message
        self.batch = FALKOR_BATCH if dialect == "falkordb" else NEO4J_BATCH
        #: bulk messages in flight at once, each on a connection of its own
        self.concurrency = 1
        # FalkorDB looks a node up by its internal id at about half the engine time of an
        # indexed IRI (its node messages then return ids, a ~40 ms stall each on its listener,
        # which the lookups saved outweigh); Neo4j 5 deprecates ``id()``: rows carry IRIs and
        # keys there (tests/graph/test_cypher_store.py runs those statements on FalkorDB too).
        self.node_ids = dialect == "falkordb"
        #: each record costs ~40 microseconds (FalkorDB's listener): ask for few, large ones
        self.slow_records = dialect == "falkordb"
        try:
            import neo4j
        except ImportError:
            raise StoreUnavailable(
                self.description, "the neo4j driver is not installed: pip install 'govgraph[neo4j]'"
            ) from None
        self._neo4j = neo4j
        self._database = database
        auth = None if user is None else (user, password or "")
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
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

    def _message(self, query: str, params: dict[str, Any] | None) -> tuple[str, dict[str, Any]]:
        """The query text and Bolt parameters of one RUN message for ``query`` and ``params``.

        Neo4j: as given. FalkorDB: the parameters escaped, or, when the listener's printed text
        (``CYPHER k=v ... query``) would exceed :data:`FALKOR_BOLT_MESSAGE`, written into the
        query text as that header (by :func:`_header`, which escapes properly) with none sent.
        """
        params = params or {}
        if self.dialect != "falkordb" or not params:
            return query, params
        budget = FALKOR_BOLT_MESSAGE - 8 - len(query.encode())
        # a list prints at least 3 bytes an item: a bulk list is known too long at once
        floor = sum(3 * len(v) if isinstance(v, list | tuple) else 0 for v in params.values())
        if (
            floor <= budget
            and sum(len(k) + 2 + _packed_size(v) for k, v in params.items()) <= budget
        ):
            return query, _escape(params)
        return _header(params) + query, {}

    def read(
        self, query: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> list[list[Any]]:
        neo4j = self._neo4j
        text, values = self._message(query, params)

        def work(tx: Any) -> list[list[Any]]:
            return [list(record.values()) for record in tx.run(text, values)]

        # A read-routed session (a cluster sends it to a follower); ``execute_query`` costs a
        # 40 ms delayed-ACK stall per call on FalkorDB's listener, a session does not.
        try:
            with self._driver.session(
                database=self._database, default_access_mode=neo4j.READ_ACCESS
            ) as session:
                return session.execute_read(neo4j.unit_of_work(timeout=timeout)(work))
        except (neo4j.exceptions.ServiceUnavailable, neo4j.exceptions.SessionExpired) as exc:
            raise self._unavailable(exc) from None
        except neo4j.exceptions.ClientError as exc:
            if "Timeout" in (exc.code or ""):
                raise StoreUnavailable(self.description, f"query exceeded {timeout} s") from None
            raise

    def bulk(
        self,
        query: str,
        rows: Sequence[Any],
        params: dict[str, Any] | None = None,
        *,
        returns: bool = False,
    ) -> list[list[Any]]:
        """Run ``query`` over ``rows`` (its ``$rows``), :attr:`batch` rows a message.

        Each message is its own transaction (staged rows are invisible to readers anyway).
        FalkorDB's listener costs ~40 microseconds a record, and a record above 64 KB hangs
        the connection: there a ``RETURN a, b`` (one record per row) is asked as
        ``collect([a, b])`` records, the rows spread over random buckets of ~4 KB on average
        (a bucket sixteen times its mean is beyond any realistic chance).
        """
        if not rows:
            return []
        parts = [list(rows[at : at + self.batch]) for at in range(0, len(rows), self.batch)]
        collect = returns and self.dialect == "falkordb"
        head, _, exprs = query.rpartition(" RETURN ")
        # a node's labels when asked (class names), an id and list framing per row
        extra = 24 + (160 if "labels(" in exprs else 0)

        def work(tx: Any, part: list[Any]) -> list[list[Any]]:
            text = query
            if collect:  # buckets of ~4 KB on average: 16 times below the 64 KB a record holds
                size = len(_header({"rows": part})) + extra * len(part)
                buckets = -(-size // FALKOR_BOLT_BUCKET)
                text = f"{head} RETURN toInteger(rand() * {buckets}) AS k, collect([{exprs}])"
            result = tx.run(*self._message(text, {**(params or {}), "rows": part}))
            if collect:
                return [list(row) for record in result for row in record[1]]
            if returns:
                return [list(record.values()) for record in result]
            result.consume()
            return []

        def run(part: list[Any]) -> list[list[Any]]:
            with self._driver.session(database=self._database) as session:
                if self.dialect == "falkordb":  # no transactions there: one round trip
                    return work(session, part)
                return session.execute_write(work, part)

        try:
            return _each(parts, run, self.concurrency)
        except (
            self._neo4j.exceptions.ServiceUnavailable,
            self._neo4j.exceptions.SessionExpired,
        ) as exc:
            raise self._unavailable(exc) from None

    def write(self, statements: Sequence[Statement]) -> None:
        messages = [self._message(query, params) for query, params in statements]

        def work(tx: Any) -> None:
            for text, values in messages:
                tx.run(text, values).consume()

        try:
            with self._driver.session(database=self._database) as session:
                session.execute_write(work)
        except (
            self._neo4j.exceptions.ServiceUnavailable,
            self._neo4j.exceptions.SessionExpired,
        ) as exc:
            raise self._unavailable(exc) from None

    def ensure_schema(self) -> None:
        if self.dialect == "falkordb":
            # FalkorDB: indexes in Cypher (constraints are a server command Bolt cannot send);
            # creating an existing index is an error, so look first.
            rows = self.read("CALL db.indexes() YIELD label, properties RETURN label, properties")
            have = {(label, prop) for label, props in rows for prop in props}
            for label, prop in FalkorTransport.INDEXES:
                if (label, prop) not in have:
                    self.write([(f"CREATE INDEX FOR (n:{label}) ON (n.{prop})", {})])
            return
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

    dialect = "falkordb"
    INDEXES = (("Resource", "iri"), ("Literal", "key"), ("Graph", "iri"), ("Graph", "token"))
    #: bulk rows are looked up by internal node id (see :class:`BoltTransport`)
    node_ids = True
    #: rows per bulk command (one ``GRAPH.QUERY`` each)
    batch = FALKOR_BATCH
    #: bulk commands in flight at once, each on a connection of its own
    concurrency = 1

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
        self,
        query: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        scalars: bool = False,
    ) -> list[list[Any]]:
        """Rows of a read-only query; ``scalars``: every value is a string, integer or null,
        read from the plain reply (the client's typed one costs ~2 microseconds a value)."""
        millis = int(timeout * 1000) if timeout else None
        try:
            if scalars:
                text = _header(params) + query if params else query
                args = ("timeout", millis) if millis else ()
                reply = self._db.connection.execute_command(
                    "GRAPH.RO_QUERY", self._name, text, *args
                )
                return reply[1]
            return self._graph.ro_query(query, params, timeout=millis).result_set
        except (self._errors.ConnectionError, self._errors.TimeoutError) as exc:
            raise StoreUnavailable(self.description, str(exc)) from None
        except self._errors.ResponseError as exc:
            if "timed out" in str(exc).lower():
                raise StoreUnavailable(self.description, f"query exceeded {timeout} s") from None
            raise

    def bulk(
        self,
        query: str,
        rows: Sequence[Any],
        params: dict[str, Any] | None = None,
        *,
        returns: bool = False,
    ) -> list[list[Any]]:
        """Run ``query`` over ``rows`` (its ``$rows``), :attr:`batch` rows a command.

        The parameters are written by :func:`_header` (the client's own encoder costs more
        than the server's work on a bulk load), and the reply's plain values are read directly
        (no compact ``[type, value]`` cells to unwrap: strings, integers and nulls as they are,
        but a list as its text, ``"[a, b]"``).
        """
        connection = self._db.connection  # a pool: each thread takes a connection of its own

        def run(start: int) -> list[list[Any]]:
            part = {**(params or {}), "rows": rows[start : start + self.batch]}
            reply = connection.execute_command("GRAPH.QUERY", self._name, _header(part) + query)
            return reply[1] if returns else []

        try:
            return _each(range(0, len(rows), self.batch), run, self.concurrency)
        except (self._errors.ConnectionError, self._errors.TimeoutError) as exc:
            raise StoreUnavailable(self.description, str(exc)) from None

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
