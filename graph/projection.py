"""The compact projection of a store: interned integer ids and CSR arrays, built in one pass.

Every IRI (and blank node) gets an integer id. Relations between resources (``rdf:type``
included) are three parallel ``int32`` arrays (subject, predicate, object) in the order the
triples came, duplicates removed, with two CSR indexes over them: by subject (``out_ptr``,
``out_edges``) and by object (``in_ptr``, ``in_edges``). Literal values stay Python objects in one
list with their own subject CSR. Nothing holds a set of every triple: the pass interns terms
and appends to typed arrays; numpy sorts and de-duplicates. A pyoxigraph store is read faster by
:mod:`graph.projection_build` (SPARQL answers as TSV on worker threads, parsed in bulk).

The projection saves to a directory (``.npy`` arrays opened memory-mapped, the strings one
pickle), so a cold process opens it in a fraction of a second instead of reading the store
(:mod:`graph.checkpoint`).
"""

from __future__ import annotations

import os
import pickle
import shutil
import threading
import time
from array import array
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.projection_csr import Indexes, indexes_beside
from graph.projection_terms import TermIds
from ontology.terms import RDF_TYPE, Literal, Triple

#: bumped whenever the pickled layout changes, so older files are ignored
FORMAT = 3


_ARRAYS = (
    "s",
    "p",
    "o",
    "out_edges",
    "out_ptr",
    "in_edges",
    "in_ptr",
    "lit_s",
    "lit_p",
    "lit_lang",
    "lit_type",
    "lit_rows",
    "lit_ptr",
    "is_subject",
    "rank",
    "order",
)


class Projection:
    """Interned terms, relation arrays with both CSR indexes, and literal rows (columns)."""

    # Tuples, not lists: the collector skips a tuple of strings, but walks a list of a million
    # terms on every full collection (some 20 ms on a national graph).
    terms: Sequence[str]
    values: Sequence[str]
    tags: list[str | None]  # language tags and datatypes, interned; literal columns point here
    s: np.ndarray
    p: np.ndarray
    o: np.ndarray
    out_edges: np.ndarray
    out_ptr: np.ndarray
    in_edges: np.ndarray
    in_ptr: np.ndarray
    lit_s: np.ndarray
    lit_p: np.ndarray
    lit_lang: np.ndarray
    lit_type: np.ndarray
    lit_rows: np.ndarray
    lit_ptr: np.ndarray
    is_subject: np.ndarray
    rank: np.ndarray  # each term's place in string order: sorting ids by it sorts IRIs
    order: np.ndarray  # the terms in string order (the inverse of ``rank``)

    def __init__(self, terms: Sequence[str], ids: dict[str, int] | TermIds | None = None) -> None:
        self.terms = tuple(terms)
        self.ids: dict[str, int] | TermIds = (
            ids if ids is not None else dict(zip(terms, range(len(terms)), strict=True))
        )
        found = self.ids.get(RDF_TYPE)
        self.type_id = -1 if found is None else found

    @classmethod
    def from_rows(
        cls,
        terms: list[str],
        ids: dict[str, int] | None,
        links: tuple[np.ndarray, np.ndarray, np.ndarray],
        literals: tuple[
            np.ndarray, np.ndarray, list[str], np.ndarray, np.ndarray, list[str | None]
        ],
        timings: dict[str, float] | None = None,
        indexes: Callable[[], Indexes] | None = None,
    ) -> Projection:
        """Index de-duplicated rows: relations ``(s, p, o)`` and literal columns.

        ``ids`` maps each term to its id; ``None``: IRIs are found by a search of the string
        order, as in a projection opened from its files (:class:`TermIds`; no dictionary of
        every term to build, 0.1 s and some 40 MB for 500,000 terms). ``timings``, if given,
        receives the seconds spent on the CSR indexes and the string order. ``indexes``: the
        CSR indexes being sorted already (:func:`graph.projection_csr.indexes_beside`).
        """
        started, cpu = time.perf_counter(), time.process_time()
        self = cls(terms, {} if ids is None else ids)
        n = len(terms)
        self.s, self.p, self.o = links
        self.lit_s, self.lit_p, values, self.lit_lang, self.lit_type, self.tags = literals
        self.values = tuple(values)
        if indexes is None:
            indexes = indexes_beside(self.s, self.o, self.lit_s, n)
        ordered, ordered_cpu = time.perf_counter(), time.process_time()
        self.order = np.array(sorted(range(n), key=self.terms.__getitem__), dtype=np.int32)
        indexed, indexed_cpu = time.perf_counter(), time.process_time()
        (self.out_edges, self.out_ptr, self.in_edges, self.in_ptr, self.lit_rows, self.lit_ptr) = (
            indexes()
        )
        self.is_subject = (np.diff(self.out_ptr) > 0) | (np.diff(self.lit_ptr) > 0)
        self.rank = np.empty(n, dtype=np.int32)
        self.rank[self.order] = np.arange(n, dtype=np.int32)
        if ids is None:
            self.ids = TermIds(self.terms, self.order)
            found = self.ids.get(RDF_TYPE)
            self.type_id = -1 if found is None else found
        if timings is not None:  # "index": the wait for the CSR indexes after the string sort
            timings["order"], timings["order cpu"] = indexed - ordered, indexed_cpu - ordered_cpu
            timings["index"] = time.perf_counter() - indexed + ordered - started
            timings["index cpu"] = time.process_time() - indexed_cpu + ordered_cpu - cpu
        return self

    # -- building ---------------------------------------------------------------------------------
    @classmethod
    def build(cls, triples: Iterable[Triple]) -> Projection:
        """One streaming pass over ``(s, p, o)`` triples (``o`` a :class:`Literal` or an IRI)."""
        builder = _Builder()
        add_link, add_literal, intern = builder.add_link, builder.add_literal, builder.intern
        for s, p, o in triples:
            if isinstance(o, Literal):
                add_literal(intern(s), intern(p), o)
            else:
                add_link(intern(s), intern(p), intern(o))
        return builder.finish()

    @classmethod
    def build_oxigraph(cls, raw: Any) -> Projection:
        """The projection of a pyoxigraph store, read by SPARQL queries on worker threads
        (:func:`graph.projection_build.build_oxigraph`)."""
        from graph.projection_build import build_oxigraph

        return build_oxigraph(raw)

    # -- rows -------------------------------------------------------------------------------------
    def out_row_ids(self, i: int) -> np.ndarray:
        """Row numbers of the relations of subject ``i``, in stream order."""
        return self.out_edges[self.out_ptr[i] : self.out_ptr[i + 1]]

    def in_row_ids(self, i: int) -> np.ndarray:
        """Row numbers of the relations pointing at ``i``, in stream order."""
        return self.in_edges[self.in_ptr[i] : self.in_ptr[i + 1]]

    def literal_row_ids(self, i: int) -> np.ndarray:
        """Literal row numbers of subject ``i``, in stream order."""
        return self.lit_rows[self.lit_ptr[i] : self.lit_ptr[i + 1]]

    def rows_of(self, kind: str, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The row numbers of every key of ``keys`` at once in the ``kind`` index (``"out"``:
        relations by subject, ``"in"``: by object, ``"lit"``: literals by subject), key by
        key, and how many each key has (:func:`graph.projection_rows.gathered`)."""
        from graph.projection_rows import gathered

        edges, ptr = {
            "out": (self.out_edges, self.out_ptr),
            "in": (self.in_edges, self.in_ptr),
            "lit": (self.lit_rows, self.lit_ptr),
        }[kind]
        return gathered(ptr, edges, keys)

    def out_rows(self, i: int) -> tuple[list[int], list[int]]:
        """``(predicates, objects)`` of the relations of subject ``i``, in stream order."""
        rows = self.out_row_ids(i)
        return self.p[rows].tolist(), self.o[rows].tolist()

    def in_rows(self, i: int) -> tuple[list[int], list[int]]:
        """``(predicates, subjects)`` of the relations pointing at ``i``, in stream order."""
        rows = self.in_row_ids(i)
        return self.p[rows].tolist(), self.s[rows].tolist()

    def ids_known(self, ids: list[int]) -> None:
        """Tell the IRI index these ids were just read (a loaded projection searches for IRIs
        it was not told about; a built one holds a dictionary already)."""
        if isinstance(self.ids, TermIds):
            self.ids.known(ids)

    def literal(self, row: int) -> Literal:
        """The literal of row ``row``."""
        lang, kind = int(self.lit_lang[row]), int(self.lit_type[row])
        tags = self.tags
        return Literal(
            self.values[row], tags[lang] if lang >= 0 else None, tags[kind] if kind >= 0 else None
        )

    def literal_rows(self, i: int) -> list[tuple[int, Literal]]:
        """``(predicate, literal)`` of subject ``i``."""
        rows = self.literal_row_ids(i)
        if not len(rows):
            return []
        tags, values = self.tags, self.values
        return [
            (p, Literal(values[r], tags[g] if g >= 0 else None, tags[k] if k >= 0 else None))
            for r, p, g, k in zip(
                rows.tolist(),
                self.lit_p[rows].tolist(),
                self.lit_lang[rows].tolist(),
                self.lit_type[rows].tolist(),
                strict=True,
            )
        ]

    def subjects_of(self, predicate: int, obj: int) -> np.ndarray:
        """Subject ids of ``(?, predicate, obj)``."""
        rows = self.in_row_ids(obj)
        return self.s[rows[self.p[rows] == predicate]]

    def pairs(self, predicate: int) -> tuple[np.ndarray, np.ndarray]:
        """``(subjects, objects)`` of every relation with ``predicate``, in stream order."""
        mask = self.p == predicate
        return self.s[mask], self.o[mask]

    def by_predicate(
        self, predicate: int, cls: int | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(subjects, objects, literal subjects, literal rows)`` of ``predicate`` in stream
        order; with ``cls``, only subjects of that class (``-1``: a class nobody has)."""
        subjects, objects = self.pairs(predicate)
        rows = np.flatnonzero(self.lit_p == predicate)
        literal_subjects = self.lit_s[rows]
        if cls is not None:
            members = self.subjects_of(self.type_id, cls) if cls >= 0 else np.zeros(0, np.int32)
            keep = np.isin(subjects, members)
            subjects, objects = subjects[keep], objects[keep]
            keep = np.isin(literal_subjects, members)
            rows, literal_subjects = rows[keep], literal_subjects[keep]
        return subjects, objects, literal_subjects, rows

    def iris(self, ids: Iterable[int]) -> list[str]:
        terms = self.terms
        return [terms[i] for i in ids]

    # -- persistence ------------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        """Write to the directory ``folder`` atomically: a reader finds it whole or not at all.

        The arrays are ``.npy`` files (opened memory-mapped); the strings one pickle of lists.
        """
        if folder.exists():
            return  # the same key: the same content, written by another process already
        partial = folder.with_name(f".{folder.name}.{os.getpid()}.{threading.get_ident()}")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        try:
            for name in _ARRAYS:
                np.save(partial / f"{name}.npy", getattr(self, name), allow_pickle=False)
            with (partial / "strings.pkl").open("wb") as out:
                pickle.dump((FORMAT, self.terms, self.values, self.tags), out, protocol=5)
            partial.rename(folder)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
            if not folder.exists():
                raise

    @classmethod
    def load(cls, folder: Path) -> Projection | None:
        """The projection saved in ``folder``; ``None`` if absent, unreadable or of another format."""
        try:
            with (folder / "strings.pkl").open("rb") as source:
                state = pickle.load(source)  # noqa: S301 - our own file, written by save()
            if not isinstance(state, tuple) or len(state) != 4 or state[0] != FORMAT:
                return None
            arrays = {}
            for name in _ARRAYS:
                # A plain ndarray view of the map: np.memmap's own indexing is slow.
                mapped = np.load(folder / f"{name}.npy", mmap_mode="r")
                arrays[name] = mapped.view(np.ndarray)
            terms = tuple(state[1])
            self = cls(terms, TermIds(terms, arrays["order"]))
            self.values, self.tags = tuple(state[2]), state[3]
            for name, array in arrays.items():
                setattr(self, name, array)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            return None
        return self


class _Builder:
    """Interns terms and collects relation and literal rows; :meth:`finish` de-duplicates."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.terms: list[str] = []
        self.ls, self.lp, self.lo = array("i"), array("i"), array("i")
        self.literal_keys: dict[tuple[int, int, Literal], None] = {}

    def intern(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def add_link(self, s: int, p: int, o: int) -> None:
        self.ls.append(s)
        self.lp.append(p)
        self.lo.append(o)

    def add_literal(self, s: int, p: int, value: Literal) -> None:
        self.literal_keys[(s, p, value)] = None  # ordered, de-duplicated

    def finish(self) -> Projection:
        s = np.frombuffer(self.ls, dtype=np.int32) if self.ls else np.zeros(0, np.int32)
        p = np.frombuffer(self.lp, dtype=np.int32) if self.lp else np.zeros(0, np.int32)
        o = np.frombuffer(self.lo, dtype=np.int32) if self.lo else np.zeros(0, np.int32)
        s, p, o = unique_rows(s, p, o)
        keys = list(self.literal_keys)
        count = len(keys)
        tags: dict[str | None, int] = {}
        lang = np.fromiter(
            (tags.setdefault(k[2].lang, len(tags)) if k[2].lang else -1 for k in keys),
            dtype=np.int32,
            count=count,
        )
        kind = np.fromiter(
            (tags.setdefault(k[2].datatype, len(tags)) if k[2].datatype else -1 for k in keys),
            dtype=np.int32,
            count=count,
        )
        literals = (
            np.fromiter((k[0] for k in keys), dtype=np.int32, count=count),
            np.fromiter((k[1] for k in keys), dtype=np.int32, count=count),
            [k[2].value for k in keys],
            lang,
            kind,
            list(tags),
        )
        return Projection.from_rows(self.terms, self.ids, (s, p, o), literals)


def unique_rows(
    s: np.ndarray, p: np.ndarray, o: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows ``(s, p, o)`` without repeats, each kept where it first occurs (stream order)."""
    if not len(s):
        return s, p, o
    order = np.lexsort((o, p, s))
    ss, pp, oo = s[order], p[order], o[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = (ss[1:] != ss[:-1]) | (pp[1:] != pp[:-1]) | (oo[1:] != oo[:-1])
    if first.all():
        return s, p, o
    keep = np.sort(order[first])
    return s[keep], p[keep], o[keep]
