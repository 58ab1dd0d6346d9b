"""The embedded default store: Oxigraph (RocksDB on disk), no server to run.

Chosen by measurement (README, docs/benchmarks.md): on a 500k-triple graph pyoxigraph loads ~9x
faster than rdflib's memory store and answers property paths ~17x faster, persists to disk and
writes transactionally.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import stamp
from ontology.errors import StorageFull, StoreCorrupt, StoreUnavailable
from ontology.terms import RDF_TYPE, XSD, Literal, Term, Triple

_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
#: a write of at least this many triples into graphs the store does not hold yet goes through
#: Oxigraph's bulk loader (~6x faster than a transaction, and without its memory) under a
#: pending mark that a crash leaves behind and the next opening rolls back
BULK_THRESHOLD = int(os.environ.get("GOVGRAPH_BULK_THRESHOLD", "50000"))
PENDING_GRAPH = "urn:govgraph:graph:pending"
_PENDING = "https://w3id.org/govgraph/ontology#pendingGraph"
_STORE_NODE = "urn:govgraph:store"


def store_error(description: str, exc: BaseException) -> StoreUnavailable:
    """The error of a failed store operation: full disk, corruption, or unavailable."""
    reason = str(exc)
    lowered = reason.lower()
    if "no space left" in lowered or getattr(exc, "errno", None) == 28:
        return StorageFull(description, f"{reason}: the disk is full; nothing was written")
    if "corrupt" in lowered or "checksum" in lowered:
        return StoreCorrupt(
            description,
            f"{reason}: the store's files are damaged; restore a backup, or re-create the "
            "store and load the data again",
        )
    return StoreUnavailable(description, reason)


def to_ox(term: Term) -> Any:
    if isinstance(term, Literal):
        if term.lang:
            return ox.Literal(term.value, language=term.lang)
        if term.datatype:
            return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
        return ox.Literal(term.value)
    return ox.NamedNode(term)


def from_ox(term: Any) -> Term:
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        plain = datatype in (XSD + "string", _LANG_STRING)
        return Literal(term.value, lang=term.language, datatype=None if plain else datatype)
    if isinstance(term, ox.BlankNode):
        return "_:" + term.value
    return str(term.value)


def _quads(graphs: Mapping[str, Sequence[Triple]]) -> Iterator[Any]:
    """The quads of ``graphs``, each IRI converted once (a node is named ~5 times, a predicate
    thousands of times: conversion is most of a large write's Python time)."""
    nodes: dict[str, Any] = {}
    for g, triples in graphs.items():
        graph = ox.NamedNode(g)
        for s, p, o in triples:
            subject = nodes.get(s)
            if subject is None:
                subject = nodes[s] = ox.NamedNode(s)
            predicate = nodes.get(p)
            if predicate is None:
                predicate = nodes[p] = ox.NamedNode(p)
            if isinstance(o, str):
                obj = nodes.get(o)
                if obj is None:
                    obj = nodes[o] = ox.NamedNode(o)
            else:
                obj = to_ox(o)
            yield ox.Quad(subject, predicate, obj, graph)


class OxigraphStore:
    """A :class:`graph.store.GraphStore` on pyoxigraph.

    ``path=None`` gives an in-memory store (tests); ``read_only=True`` opens a store another
    process may be writing, as a snapshot.
    """

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        self.path = path
        self.description = f"oxigraph:{path}" if path else "oxigraph:memory"
        self.generation = 0
        self._read_only = read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
                self._roll_back_pending()
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

    def _roll_back_pending(self) -> None:
        """Drop the graphs of a bulk write a crash interrupted (see :meth:`replace`).

        A store too damaged to read the mark opens anyway: ``govgraph check --store`` then
        locates the damage (and the mark stays for the next opening).
        """
        try:
            pending = [
                q.object.value
                for q in self._store.quads_for_pattern(
                    None, None, None, ox.NamedNode(PENDING_GRAPH)
                )
                if isinstance(q.object, ox.NamedNode)
            ]
        except (OSError, RuntimeError):
            return
        if pending:
            drops = [f"DROP SILENT GRAPH <{g}>" for g in [*pending, PENDING_GRAPH]]
            self._store.update(" ;\n".join(drops))
            self._store.flush()

    @property
    def raw(self) -> ox.Store:
        """The pyoxigraph store, for the SPARQL endpoint and benchmarks."""
        return self._store

    def triples(
        self, subject: str | None = None, predicate: str | None = None, obj: Term | None = None
    ) -> Iterator[Triple]:
        try:
            yield from self._triples(subject, predicate, obj)
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

    def _triples(
        self, subject: str | None, predicate: str | None, obj: Term | None
    ) -> Iterator[Triple]:
        seen: set[Triple] = set()
        quads = self._store.quads_for_pattern(
            ox.NamedNode(subject) if subject else None,
            ox.NamedNode(predicate) if predicate else None,
            to_ox(obj) if obj is not None else None,
            None,
        )
        for quad in quads:
            triple = (str(from_ox(quad.subject)), quad.predicate.value, from_ox(quad.object))
            if triple not in seen:
                seen.add(triple)
                yield triple

    def graph_names(self) -> list[str]:
        try:
            names = self._store.named_graphs()
            return sorted(
                g.value for g in names if isinstance(g, ox.NamedNode) and g.value != PENDING_GRAPH
            )
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

    def graphs_with_subjects(self, subjects: Iterable[str]) -> set[str]:
        """The named graphs holding a statement about any of ``subjects`` (index lookups)."""
        found: set[str] = set()
        try:
            for subject in subjects:
                for quad in self._store.quads_for_pattern(ox.NamedNode(subject), None, None, None):
                    if isinstance(quad.graph_name, ox.NamedNode):
                        found.add(quad.graph_name.value)
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None
        return found

    def typed_outside(self, subjects: Iterable[str], graphs: Collection[str]) -> set[str]:
        """Those of ``subjects`` that a named graph outside ``graphs`` gives an ``rdf:type``."""
        found: set[str] = set()
        rdf_type = ox.NamedNode(RDF_TYPE)
        try:
            for subject in subjects:
                for quad in self._store.quads_for_pattern(ox.NamedNode(subject), rdf_type, None):
                    name = quad.graph_name
                    if isinstance(name, ox.NamedNode) and name.value not in graphs:
                        found.add(subject)
                        break
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None
        return found

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        try:
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                yield (str(from_ox(quad.subject)), quad.predicate.value, from_ox(quad.object))
        except (OSError, RuntimeError) as exc:
            raise store_error(f"{self.description} (graph {graph})", exc) from None

    def replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str] = ()) -> None:
        existing = set(self.graph_names())
        touched = set(graphs) | set(remove)
        bulk = {
            g: triples
            for g, triples in graphs.items()
            if g not in existing and g not in remove and len(triples) >= BULK_THRESHOLD
        }
        if self.path is None:
            bulk = {}
        else:
            stamp.clear(self.path)  # a persisted projection no longer describes the store
        try:
            if bulk:
                self._bulk_write(bulk)
            rest = {g: t for g, t in graphs.items() if g not in bulk}
            if not (touched - set(bulk)) & existing and not bulk:
                # Only new graphs: one atomic bulk insertion.
                self._store.extend(_quads(rest))
            else:
                # Replacing (or committing a bulk write): one SPARQL update, which Oxigraph
                # applies in one transaction.
                dropped = sorted((touched - set(bulk)) | ({PENDING_GRAPH} if bulk else set()))
                ops = [f"DROP SILENT GRAPH <{g}>" for g in dropped]
                for g, triples in rest.items():
                    body = " ".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
                    ops.append(f"INSERT DATA {{ GRAPH <{g}> {{ {body} }} }}")
                self._store.update(" ;\n".join(ops))
            self._store.flush()
            self.generation += 1
            if self.path is not None:
                stamp.renew(self.path)
        except (OSError, RuntimeError) as exc:
            if bulk:
                self._abandon(bulk)
            raise store_error(self.description, exc) from None

    def _bulk_write(self, graphs: Mapping[str, Sequence[Triple]]) -> None:
        """Write new graphs with the bulk loader, marked pending until the commit.

        The mark is written (in a transaction) before the first triple; the commit (the
        transaction in :meth:`replace` that writes the rest and bumps the generation) removes
        it. A failure drops the graphs at once; a crash leaves the mark, and the graphs are
        dropped when the store is next opened. Readers of the live store may see the graphs
        while they are written; checkpoint readers see them only after the commit.
        """
        marks = [
            ox.Quad(
                ox.NamedNode(_STORE_NODE),
                ox.NamedNode(_PENDING),
                ox.NamedNode(g),
                ox.NamedNode(PENDING_GRAPH),
            )
            for g in graphs
        ]
        self._store.extend(marks)
        self._store.flush()
        self._store.bulk_extend(_quads(graphs))

    def _abandon(self, graphs: Mapping[str, Sequence[Triple]]) -> None:
        try:
            self._store.update(
                " ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in [*graphs, PENDING_GRAPH])
            )
            self._store.flush()
        except (OSError, RuntimeError):
            pass  # the pending mark stays: the next opening drops the graphs

    def count(self) -> int:
        try:
            return len(self._store)
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

    def close(self) -> None:
        """Release the store (and its lock); pyoxigraph closes when its last reference goes."""
        if not hasattr(self, "_store"):
            return
        if self.path is not None and not self._read_only:
            # Every write was flushed already; a damaged store must not crash its closing.
            with contextlib.suppress(OSError, RuntimeError):
                self._store.flush()
        del self._store
