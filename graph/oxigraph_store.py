"""The embedded default store: Oxigraph (RocksDB on disk), no server to run.

Chosen by measurement (README, docs/benchmarks.md): on a 500k-triple graph pyoxigraph loads ~9x
faster than rdflib's memory store and answers property paths ~17x faster, persists to disk and
writes transactionally.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph import stamp
from ontology.errors import StorageFull, StoreCorrupt, StoreUnavailable
from ontology.terms import XSD, Literal, Term, Triple

_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

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
            return sorted(g.value for g in names if isinstance(g, ox.NamedNode))
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

    def graph_triples(self, graph: str) -> Iterator[Triple]:
        try:
            for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
                yield (str(from_ox(quad.subject)), quad.predicate.value, from_ox(quad.object))
        except (OSError, RuntimeError) as exc:
            raise store_error(f"{self.description} (graph {graph})", exc) from None

    def replace(self, graphs: Mapping[str, Sequence[Triple]], remove: Sequence[str] = ()) -> None:
        existing = set(self.graph_names())
        touched = set(graphs) | set(remove)
        if self.path is not None:
            stamp.clear(self.path)  # a persisted projection no longer describes the store
        try:
            if not touched & existing:
                # Only new graphs: one atomic bulk insertion.
                self._store.extend(
                    ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode(g))
                    for g, triples in graphs.items()
                    for s, p, o in triples
                )
            else:
                # Replacing: one SPARQL update, which Oxigraph applies in one transaction.
                ops = [f"DROP SILENT GRAPH <{g}>" for g in sorted(touched)]
                for g, triples in graphs.items():
                    body = " ".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ." for s, p, o in triples)
                    ops.append(f"INSERT DATA {{ GRAPH <{g}> {{ {body} }} }}")
                self._store.update(" ;\n".join(ops))
            self._store.flush()
            self.generation += 1
            if self.path is not None:
                stamp.renew(self.path)
        except (OSError, RuntimeError) as exc:
            raise store_error(self.description, exc) from None

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
