"""The embedded default store: Oxigraph (RocksDB on disk), no server to run.

Chosen by measurement (README, docs/benchmarks.md): on a 500k-triple graph pyoxigraph loads ~9x
faster than rdflib's memory store and answers property paths ~17x faster, persists to disk and
writes transactionally.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import stamp
from graph.store import Changes, compose_changes
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
#: writes whose changes are kept (:meth:`OxigraphStore.changes_since`)
CHANGES_KEPT = 16
#: a write reading or writing more triples than this in the graphs it replaces is logged as
#: "unknown" (a projection is rebuilt rather than updated)
DIFF_LIMIT = 20_000


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
        # The change log: ``(generation, changes or None for unknown, stamp)`` per write.
        self._changes: deque[tuple[int, Changes | None, str | None]] = deque(maxlen=CHANGES_KEPT)
        self._log_lock = threading.Lock()
        # One write at a time: a write's changes are read from the store as it was before it.
        self._write_lock = threading.Lock()
        self._unlogged = False  # a failed write may have changed the store: log it unknown
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
        with self._write_lock:
            self._replace(graphs, remove)

    def _replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str]) -> None:
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
        changes = None if bulk else self._diff(graphs, remove, existing)
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
            token = stamp.renew(self.path) if self.path is not None else None
            with self._log_lock:
                if self._unlogged:
                    changes, self._unlogged = None, False
                self.generation += 1
                self._changes.append((self.generation, changes, token))
        except (OSError, RuntimeError) as exc:
            self._unlogged = True
            if bulk:
                self._abandon(bulk)
            raise store_error(self.description, exc) from None
        if bulk:
            self._compact()

    # -- the change log ------------------------------------------------------------------------
    def changes_since(self, generation: int, upto: int | None = None) -> Changes | None:
        """``(added, removed)``: the triples (over the union of the graphs) the writes after
        ``generation`` (up to ``upto``, by default all) added and removed, or ``None`` when
        unknown (a write too large to diff, a bulk write, one no longer kept, a failed one):
        then read the store again.

        >>> from ontology.terms import Literal
        >>> store = OxigraphStore()
        >>> store.replace({"urn:g": [("urn:a", "urn:p", Literal("x"))]})
        >>> store.replace({"urn:h": [("urn:a", "urn:p", Literal("x")), ("urn:a", "urn:p", "urn:b")]})
        >>> store.changes_since(1)
        ([('urn:a', 'urn:p', 'urn:b')], [])
        >>> store.replace({}, remove=["urn:g"])  # still in urn:h: nothing removed
        >>> store.changes_since(2), store.changes_since(0)[1]
        (([], []), [])
        """
        with self._log_lock:
            current = self.generation if upto is None else upto
            if generation == current and current <= self.generation:
                return [], []
            entries = [(g, c) for g, c, _ in self._changes if generation < g <= current]
            if not generation < current <= self.generation or len(entries) != current - generation:
                return None
            return compose_changes(c for _, c in entries)

    def content_token(self, generation: int) -> str | None:
        """The stamp (:mod:`graph.stamp`) the write that made ``generation`` left, if kept."""
        with self._log_lock:
            return next((t for g, _, t in self._changes if g == generation), None)

    def _diff(
        self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str], existing: set[str]
    ) -> Changes | None:
        """What replacing ``graphs`` and dropping ``remove`` will add to and remove from the
        union of the graphs; ``None`` when the graphs touched are too large to compare."""
        touched = set(graphs) | set(remove)
        budget = DIFF_LIMIT
        try:
            old: dict[str, set[Triple]] = {}
            for g in touched & existing:
                held: set[Triple] = set()
                for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(g)):
                    budget -= 1
                    if budget < 0:
                        return None
                    held.add(
                        (str(from_ox(quad.subject)), quad.predicate.value, from_ox(quad.object))
                    )
                old[g] = held
            new: dict[str, set[Triple]] = {}
            for g, triples in graphs.items():
                budget -= len(triples)
                if budget < 0:
                    return None
                new[g] = {
                    (s, p, from_ox(to_ox(o)) if isinstance(o, Literal) else o)
                    for s, p, o in triples
                }
            candidates: dict[Triple, None] = {}
            for g in sorted(touched):
                for t in sorted(old.get(g, set()) ^ new.get(g, set()), key=repr):
                    candidates[t] = None
            added: list[Triple] = []
            removed: list[Triple] = []
            for t in candidates:
                quads = self._store.quads_for_pattern(
                    ox.NamedNode(t[0]), ox.NamedNode(t[1]), to_ox(t[2]), None
                )
                before, elsewhere = False, False
                for quad in quads:
                    before = True
                    name = quad.graph_name
                    if not isinstance(name, ox.NamedNode) or name.value not in touched:
                        elsewhere = True
                        break
                after = elsewhere or any(t in held for held in new.values())
                if after and not before:
                    added.append(t)
                elif before and not after:
                    removed.append(t)
        except (OSError, RuntimeError, ValueError, TypeError):
            return None
        return added, removed

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

    def _compact(self) -> None:
        """Compact the files a bulk write left, so the next process to open the store does not
        spend seconds of CPU on it in the background (4 s at 2.5M triples)."""
        # Best effort: RocksDB compacts in the background otherwise.
        with contextlib.suppress(OSError, RuntimeError):
            self._store.optimize()

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
