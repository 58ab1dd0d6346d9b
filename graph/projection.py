"""The compact projection of a store: interned integer ids and CSR arrays, built in one pass.

Every IRI (and blank node) gets an integer id. Relations between resources (``rdf:type``
included) are three parallel ``int32`` arrays (subject, predicate, object) in the order the
triples came, duplicates removed, with two CSR indexes over them: by subject (``out_ptr``,
``out_edges``) and by object (``in_ptr``, ``in_edges``). Literal values stay Python objects in one
list with their own subject CSR. Nothing holds a set of every triple: the pass interns terms
and appends to typed arrays; numpy sorts and de-duplicates.

The projection pickles to one file (numpy arrays as raw buffers), so a cold process opens it in
a fraction of a second instead of reading the store (:mod:`graph.checkpoint`).
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from ontology.terms import RDF_TYPE, Literal, Triple

#: bumped whenever the pickled layout changes, so older files are ignored
FORMAT = 1


class Projection:
    """Interned terms, relation arrays with both CSR indexes, and literal rows."""

    def __init__(
        self,
        terms: list[str],
        s: np.ndarray,
        p: np.ndarray,
        o: np.ndarray,
        lit_s: np.ndarray,
        lit_p: np.ndarray,
        literals: list[Literal],
        ids: dict[str, int] | None = None,
    ) -> None:
        self.terms = terms
        self.ids = ids if ids is not None else {t: i for i, t in enumerate(terms)}
        self.s, self.p, self.o = s, p, o
        self.lit_s, self.lit_p, self.literals = lit_s, lit_p, literals
        n = len(terms)
        self.out_edges = np.argsort(s, kind="stable").astype(np.int32)
        self.out_ptr = _pointers(s, n)
        self.in_edges = np.argsort(o, kind="stable").astype(np.int32)
        self.in_ptr = _pointers(o, n)
        self.lit_rows = np.argsort(lit_s, kind="stable").astype(np.int32)
        self.lit_ptr = _pointers(lit_s, n)
        self.type_id = self.ids.get(RDF_TYPE, -1)
        self.is_subject = (np.diff(self.out_ptr) > 0) | (np.diff(self.lit_ptr) > 0)

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
        """One pass over a pyoxigraph store's quads, skipping the generic term conversion."""
        import pyoxigraph as ox

        from graph.oxigraph_store import from_ox

        builder = _Builder()
        ids, terms = builder.ids, builder.terms
        ls, lp, lo = builder.ls, builder.lp, builder.lo
        add_literal = builder.add_literal
        named, ox_literal = ox.NamedNode, ox.Literal
        for quad in raw.quads_for_pattern(None, None, None, None):
            subject, obj = quad.subject, quad.object
            key = subject.value if type(subject) is named else "_:" + subject.value
            si = ids.get(key)
            if si is None:
                si = ids[key] = len(terms)
                terms.append(key)
            key = quad.predicate.value
            pi = ids.get(key)
            if pi is None:
                pi = ids[key] = len(terms)
                terms.append(key)
            if type(obj) is ox_literal:
                add_literal(si, pi, from_ox(obj))  # type: ignore[arg-type]
                continue
            key = obj.value if type(obj) is named else "_:" + obj.value
            oi = ids.get(key)
            if oi is None:
                oi = ids[key] = len(terms)
                terms.append(key)
            ls.append(si)
            lp.append(pi)
            lo.append(oi)
        return builder.finish()

    # -- rows -------------------------------------------------------------------------------------
    def out_rows(self, i: int) -> tuple[list[int], list[int]]:
        """``(predicates, objects)`` of the relations of subject ``i``, in stream order."""
        rows = self.out_edges[self.out_ptr[i] : self.out_ptr[i + 1]]
        return self.p[rows].tolist(), self.o[rows].tolist()

    def in_rows(self, i: int) -> tuple[list[int], list[int]]:
        """``(predicates, subjects)`` of the relations pointing at ``i``, in stream order."""
        rows = self.in_edges[self.in_ptr[i] : self.in_ptr[i + 1]]
        return self.p[rows].tolist(), self.s[rows].tolist()

    def literal_rows(self, i: int) -> list[tuple[int, Literal]]:
        """``(predicate, literal)`` of subject ``i``."""
        rows = self.lit_rows[self.lit_ptr[i] : self.lit_ptr[i + 1]].tolist()
        preds = self.lit_p
        return [(int(preds[r]), self.literals[r]) for r in rows]

    def subjects_of(self, predicate: int, obj: int) -> np.ndarray:
        """Subject ids of ``(?, predicate, obj)``."""
        rows = self.in_edges[self.in_ptr[obj] : self.in_ptr[obj + 1]]
        return self.s[rows[self.p[rows] == predicate]]

    def pairs(self, predicate: int) -> tuple[np.ndarray, np.ndarray]:
        """``(subjects, objects)`` of every relation with ``predicate``, in stream order."""
        mask = self.p == predicate
        return self.s[mask], self.o[mask]

    def iris(self, ids: Iterable[int]) -> list[str]:
        terms = self.terms
        return [terms[i] for i in ids]

    # -- persistence ------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Write to ``path`` atomically (a reader sees the old file or the new, never half)."""
        state = (FORMAT, self.terms, self.s, self.p, self.o, self.lit_s, self.lit_p, self.literals)
        partial = path.with_name(f".{path.name}.partial")
        with partial.open("wb") as out:
            pickle.dump(state, out, protocol=5)
        partial.replace(path)

    @classmethod
    def load(cls, path: Path) -> Projection | None:
        """The projection saved at ``path``; ``None`` if absent, unreadable or of another format."""
        try:
            with path.open("rb") as source:
                state = pickle.load(source)  # noqa: S301 - our own file, written by save()
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
            return None
        if not isinstance(state, tuple) or not state or state[0] != FORMAT:
            return None
        return cls(*state[1:])


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
        if len(s):
            # Keep the first occurrence of each (s, p, o), in stream order.
            order = np.lexsort((o, p, s))
            ss, pp, oo = s[order], p[order], o[order]
            first = np.ones(len(order), dtype=bool)
            first[1:] = (ss[1:] != ss[:-1]) | (pp[1:] != pp[:-1]) | (oo[1:] != oo[:-1])
            keep = np.sort(order[first])
            s, p, o = s[keep].copy(), p[keep].copy(), o[keep].copy()
        keys = list(self.literal_keys)
        lit_s = np.fromiter((k[0] for k in keys), dtype=np.int32, count=len(keys))
        lit_p = np.fromiter((k[1] for k in keys), dtype=np.int32, count=len(keys))
        literals = [k[2] for k in keys]
        return Projection(self.terms, s, p, o, lit_s, lit_p, literals, ids=self.ids)


def _pointers(keys: np.ndarray, n: int) -> np.ndarray:
    """CSR row pointers: rows of key ``i`` are ``[ptr[i], ptr[i + 1])`` of the sorted order."""
    counts = np.bincount(keys, minlength=n) if len(keys) else np.zeros(n, dtype=np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=ptr[1:])
    return ptr


def iter_literal_subjects(projection: Projection, predicate: int) -> Iterator[tuple[int, Literal]]:
    """``(subject, literal)`` of every literal with ``predicate``."""
    preds = projection.lit_p
    for row in np.flatnonzero(preds == predicate).tolist():
        yield int(projection.lit_s[row]), projection.literals[row]
