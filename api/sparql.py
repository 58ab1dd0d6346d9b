"""The read-only SPARQL endpoint: protocol parameters -> checks -> a killable worker.

A query goes through three gates (docs/api.md, "How the limits work"):

1. :func:`api.sparql_guard.check` refuses absurd queries (length, nesting, triple patterns,
   operator chains) and every ``SERVICE`` not on the allow-list, with 400, before any worker;
2. :class:`api.sparql_pool.SparqlPool` admits it (per-client limit, a free worker, else 429);
3. a worker process evaluates it over a checkpoint of the store, under the time, size and
   memory limits; past one it is killed and replaced.

Dataset (SPARQL 1.1 Protocol): ``default-graph-uri``/``named-graph-uri`` win over the query's
``FROM``/``FROM NAMED``; when neither names a graph, the default graph is the union of all
graphs. Relative IRIs resolve against the data namespace (``<ds>`` is the entity ``ds``).
"""

from __future__ import annotations

import re

from api.settings import Settings
from api.sparql_guard import QueryLimits, check
from api.sparql_pool import Job, SparqlPool
from api.sparql_worker import GRAPH_MEDIA, RESULT_MEDIA
from ontology.errors import InvalidArgument
from ontology.terms import DATA

__all__ = ["GRAPH_MEDIA", "RESULT_MEDIA", "SparqlEndpoint", "refuse_update"]

#: relative IRIs in queries resolve against this (the entities' namespace)
BASE_IRI = DATA
_UPDATE = re.compile(
    r"\b(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE
)
_IRI = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|^`\\]*$")


def refuse_update() -> InvalidArgument:
    return InvalidArgument(
        "update",
        "this SPARQL endpoint is read-only: updates are refused. Change the graph through "
        "POST/PUT/DELETE /entities or POST /batches (an editor token is needed)",
    )


class SparqlEndpoint:
    """The checks and the worker pool of one server (on an embedded store only)."""

    def __init__(self, store: object, settings: Settings) -> None:
        self.limits = QueryLimits(
            max_length=settings.sparql_max_query_length,
            max_depth=settings.sparql_max_depth,
            max_patterns=settings.sparql_max_patterns,
            max_chain=settings.sparql_max_chain,
            service_allow=frozenset(settings.sparql_service_allow),
        )
        self.pool = SparqlPool(
            store,
            workers=settings.sparql_workers,
            timeout=settings.sparql_timeout,
            max_bytes=settings.sparql_max_bytes,
            memory_mb=settings.sparql_worker_memory_mb,
            per_client=settings.sparql_per_client,
        )

    def start(self) -> None:
        self.pool.start()

    def close(self) -> None:
        self.pool.close()

    def run(
        self,
        query: str,
        accept: list[str],
        *,
        client: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
    ) -> tuple[bytes, str]:
        """Evaluate ``query``: the serialised answer and its media type.

        Raises InvalidArgument (a refused, malformed or failing query; an update),
        NotAcceptable, LimitExceeded, RateLimited, StoreUnavailable.
        """
        shape = check(query, self.limits)
        for argument, graphs in (
            ("default-graph-uri", default_graphs),
            ("named-graph-uri", named_graphs),
        ):
            for graph in graphs or ():
                if not _IRI.match(graph):
                    raise InvalidArgument(argument, f"{graph!r} is not an absolute IRI")
        job = Job(
            query=query,
            accept=accept,
            union=not (default_graphs or named_graphs or shape.has_dataset),
            default=default_graphs or None,
            named=named_graphs or ([] if default_graphs else None),
            base=BASE_IRI,
        )
        try:
            return self.pool.run(job, client)
        except SyntaxError as exc:
            if _UPDATE.search(re.sub(r"<[^>]*>|\"[^\"]*\"|#.*", " ", query)):
                raise refuse_update() from None
            raise InvalidArgument("query", f"SPARQL syntax error: {exc}") from None
