"""The name table as flat arrays, looked up by binary search (memory-mapped from its file,
:mod:`graph.name_file`, by a cold process: nothing is built per name).

Every string list (entity IRIs, each table's keys, the distinct names, the word tokens) is one
UTF-8 buffer with offsets, sorted so a lookup bisects it; each key's entities and each token's
names are CSR arrays (``ptr``, ``ids``). Only the strings an answer needs are decoded.
"""

from __future__ import annotations

import mmap
import threading
from bisect import bisect_left
from collections.abc import Collection, Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np

from graph.arrays import distinct
from graph.name_rows import TABLES, BuiltRows, Likely
from graph.projection_rows import gathered
from ontology.terms import DATA

_LIST_END = b"\xff"  # above every UTF-8 byte: key + this bounds the keys beginning with key
_Buffer = bytes | mmap.mmap


class Strings(Sequence[bytes]):
    """Sorted UTF-8 strings in one buffer: ``buffer[base + offsets[i]:base + offsets[i + 1]]``."""

    def __init__(self, buffer: _Buffer, base: int, offsets: np.ndarray) -> None:
        self._buffer, self._base, self._offsets = buffer, base, offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: Any) -> Any:
        start = self._base + int(self._offsets[i])
        return self._buffer[start : self._base + int(self._offsets[i + 1])]

    def text(self, i: int) -> str:
        return self[i].decode()

    def texts(self, ids: Iterable[int]) -> list[str]:
        buffer, base, offsets = self._buffer, self._base, self._offsets
        return [buffer[base + int(offsets[i]) : base + int(offsets[i + 1])].decode() for i in ids]

    def find(self, key: str) -> int:
        """The position of ``key``, or -1."""
        raw = key.encode()
        at = bisect_left(self, raw)
        return at if at < len(self) and self[at] == raw else -1

    def prefix_range(self, prefix: str) -> tuple[int, int]:
        """The positions ``lo:hi`` of the strings beginning with ``prefix``."""
        raw = prefix.encode()
        lo = bisect_left(self, raw)
        return lo, bisect_left(self, raw + _LIST_END, lo)


class MappedRows:
    """The rows of :class:`graph.name_rows.BuiltRows` as flat arrays (from :func:`frozen`, or
    memory-mapped by :func:`load`); the same lookups, answered by binary search."""

    def __init__(self, sections: dict[str, Any], prefix: str) -> None:
        self._prefix = prefix
        self._s = sections
        self.iris: Strings = sections["iri"]
        self._gone_ids: dict[frozenset[str], np.ndarray] = {}
        self._lock = threading.Lock()
        self._spelled: list[str] | None = None
        #: ``(buffer, offset, size)`` of the file these rows were mapped from, if any
        self.file: tuple[mmap.mmap, int, int] | None = None

    @property
    def entities(self) -> set[str]:
        """Every entity with rows here (decodes them all: for a small layer)."""
        return {self._iri(i) for i in range(len(self.iris))}

    # -- ids and IRIs ------------------------------------------------------------------------------
    def _iri(self, i: int) -> str:
        text = self.iris.text(i)
        return text[1:] if text[:1] == "\x00" else self._prefix + text

    def _iris(self, ids: np.ndarray) -> set[str]:
        return {self._iri(i) for i in distinct(ids).tolist()}

    def _gone(self, gone: Collection[str]) -> np.ndarray:
        """The ids of the entities in ``gone`` (kept per ``gone``: a table asks again)."""
        if not gone:
            return np.empty(0, np.int32)
        key = gone if isinstance(gone, frozenset) else frozenset(gone)
        found = self._gone_ids.get(key)
        if found is None:
            ids = (self.iris.find(_stored(iri, self._prefix)) for iri in gone)
            found = np.array(sorted(i for i in ids if i >= 0), np.int32)
            with self._lock:
                if len(self._gone_ids) > 4:
                    self._gone_ids.clear()
                self._gone_ids[key] = found
        return found

    def _row(self, name: str, i: int) -> np.ndarray:
        ptr = self._s[f"{name}.ptr"]
        ids: np.ndarray = self._s[f"{name}.ids"]
        return ids[int(ptr[i]) : int(ptr[i + 1])]

    # -- the layer interface (as :class:`graph.name_rows.BuiltRows`) ---------------------------
    def keyed(self, table: str, key: str) -> Collection[str]:
        at = self._s[f"{table}.key"].find(key)
        return () if at < 0 else self._iris(self._row(table, at))

    def owners_of_spelled(self, name: str) -> list[str]:
        at = self._s["name"].find(name)
        return [] if at < 0 else [self._iri(i) for i in self._row("spelled", at).tolist()]

    def has_spelled(self, name: str, gone: Collection[str]) -> bool:
        return any(i not in gone for i in self.owners_of_spelled(name))

    def spelled_names(self) -> list[str]:
        if self._spelled is None:
            counts = np.diff(self._s["spelled.ptr"])
            self._spelled = self._s["name"].texts(np.flatnonzero(counts).tolist())
        return self._spelled

    def _token_positions(self, prefix: str, stemmed: str | None = None) -> np.ndarray:
        """The positions of the names with a word beginning with ``prefix`` (or, with
        ``stemmed``, also the word ``stemmed``); a position once per such word."""
        tokens, ptr = self._s["token"], self._s["token.ptr"]
        postings: np.ndarray = self._s["token.ids"]
        lo, hi = tokens.prefix_range(prefix)
        found = postings[int(ptr[lo]) : int(ptr[hi])]
        if stemmed is not None and stemmed != prefix:
            at = tokens.find(stemmed)
            if at >= 0:
                found = np.concatenate([found, postings[int(ptr[at]) : int(ptr[at + 1])]])
        return found

    def word_prefix(self, typed: list[tuple[str, str]]) -> set[str]:
        matched: np.ndarray | None = None
        for prefix, stemmed in typed:
            positions = distinct(self._token_positions(prefix, stemmed))
            matched = positions if matched is None else matched[_member(matched, positions)]
            if not matched.size:
                return set()
        return set() if matched is None else self._iris(self._s["owner"][matched])

    def substring(self, query: str) -> set[str]:
        buffer, base = self._s["joined"]
        starts: np.ndarray = self._s["joined.starts"]
        owner: np.ndarray = self._s["owner"]
        end, raw, hits = base + int(starts[-1]) - 1, query.encode(), []
        at = buffer.find(raw, base, end)
        while at != -1:
            position = int(np.searchsorted(starts, at - base, side="right")) - 1
            hits.append(int(owner[position]))
            # Continue after this name: one hit per name is enough.
            at = buffer.find(raw, base + int(starts[position + 1]), end)
        return self._iris(np.array(hits, np.int32))

    def likely(self, query: str, gone: Collection[str]) -> dict[str, Likely]:
        gone_ids = self._gone(gone)
        owner: np.ndarray = self._s["owner"]
        found: dict[str, Likely] = {}
        for word in query.split():
            if len(word) < 3:
                continue
            positions = self._token_positions(word[:3])
            if gone_ids.size:
                positions = positions[~_member(owner[positions], gone_ids)]
            found[word] = Likely(len(positions), partial(self._names_at, positions, gone_ids))
        return found

    def _names_at(self, positions: np.ndarray, gone_ids: np.ndarray) -> tuple[set[str], set[str]]:
        """The distinct names at ``positions``, and those spelled by an entity not gone."""
        ids = distinct(self._s["name.id"][positions])
        owners, counts = gathered(self._s["spelled.ptr"], self._s["spelled.ids"], ids)
        live = ~_member(owners, gone_ids)  # a name spelled only by entities gone is no longer
        spelled = np.bincount(np.repeat(np.arange(len(ids)), counts)[live], minlength=len(ids))
        names = self._s["name"].texts(ids.tolist())
        return set(names), {n for n, k in zip(names, spelled.tolist(), strict=True) if k}


def _member(values: np.ndarray, among: np.ndarray) -> np.ndarray:
    """Whether each of ``values`` is in the sorted array ``among`` (as ``np.isin``).

    >>> _member(np.array([5, 2, 9]), np.array([2, 5])).tolist()
    [True, True, False]
    """
    if not among.size:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(among, values), len(among) - 1)
    return np.asarray(among[at] == values)


def _stored(iri: str, prefix: str) -> str:
    """How an IRI is stored: without the common ``prefix``, else whole after a NUL."""
    return iri[len(prefix) :] if iri.startswith(prefix) else "\x00" + iri


# -- building the sections ---------------------------------------------------------------------------
def string_section(texts: Sequence[str]) -> tuple[bytes, np.ndarray]:
    encoded = [t.encode() for t in texts]
    offsets = np.zeros(len(encoded) + 1, np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets


def _csr(
    groups: Sequence[Collection[str]] | Sequence[Collection[int]], ids: dict[str, int] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """CSR arrays of ``groups`` (each a row; its members mapped through ``ids`` if given),
    each row's members in order: one sort over all of them, not one per row."""
    counts = np.fromiter((len(g) for g in groups), np.int64, count=len(groups))
    ptr = np.zeros(len(groups) + 1, np.int64)
    np.cumsum(counts, out=ptr[1:])
    members = (m for g in groups for m in g)
    flat = np.fromiter(
        members if ids is None else map(ids.__getitem__, members),  # type: ignore[arg-type]
        np.int32,
        count=int(ptr[-1]),
    )
    order = np.lexsort((flat, np.repeat(np.arange(len(groups)), counts)))
    return ptr, flat[order]


def sections_of(rows: BuiltRows, prefix: str = DATA) -> dict[str, bytes | np.ndarray]:
    """The flat sections of ``rows``: strings as ``(buffer, offsets)`` pairs, CSR arrays."""
    stored = sorted((_stored(i, prefix), i) for i in rows.entities)
    entity_id = {iri: n for n, (_, iri) in enumerate(stored)}
    out: dict[str, bytes | np.ndarray] = {}

    def strings(name: str, texts: Sequence[str]) -> None:
        out[name], out[f"{name}.offsets"] = string_section(texts)

    strings("iri", [s for s, _ in stored])
    for table in TABLES:
        keyed: dict[str, set[str]] = getattr(rows, table)
        keys = sorted(keyed)
        strings(f"{table}.key", keys)
        out[f"{table}.ptr"], out[f"{table}.ids"] = _csr([keyed[k] for k in keys], entity_id)
    distinct = sorted(set(rows.names))
    name_id = {n: k for k, n in enumerate(distinct)}
    strings("name", distinct)
    out["name.id"] = np.fromiter(map(name_id.__getitem__, rows.names), np.int32)
    out["owner"] = np.fromiter(map(entity_id.__getitem__, rows.owners), np.int32)
    none: list[str] = []
    out["spelled.ptr"], out["spelled.ids"] = _csr(
        [rows.spelled_owners.get(n, none) for n in distinct], entity_id
    )
    joined, starts = string_section([n + "\n" for n in rows.names])
    out["joined"], out["joined.offsets"] = joined, starts
    strings("token", rows.tokens)
    out["token.ptr"], out["token.ids"] = _csr(rows.postings)
    return out


def frozen(rows: BuiltRows, prefix: str = DATA) -> MappedRows:
    """``rows`` as flat arrays in memory (what :func:`save` writes and :func:`load` opens)."""
    return opened(sections_of(rows, prefix), prefix)


def opened(raw: dict[str, Any], prefix: str, buffer: _Buffer | None = None) -> MappedRows:
    """Sections as :class:`MappedRows` reads them; strings given as ``(offset, size)`` in
    ``buffer`` when mapped, else as bytes."""
    sections: dict[str, Any] = {}
    for name, value in raw.items():
        if name.endswith(".offsets"):
            continue
        if f"{name}.offsets" in raw:
            base, text = (0, value) if buffer is None else (value[0], buffer)
            if name == "joined":  # searched as one buffer; its offsets are the name starts
                sections[name] = (text, base)
                sections["joined.starts"] = raw["joined.offsets"]
            else:
                sections[name] = Strings(text, base, raw[f"{name}.offsets"])
        else:
            sections[name] = value
    return MappedRows(sections, prefix)


def thawed(rows: MappedRows) -> BuiltRows:
    """``rows`` as Python structures again (to merge a write's rows into, before a save)."""
    s = rows._s
    built = BuiltRows.empty()
    iris = [rows._iri(i) for i in range(len(rows.iris))]
    built.entities = set(iris)
    for table in TABLES:
        keys, ptr, ids = s[f"{table}.key"], s[f"{table}.ptr"].tolist(), s[f"{table}.ids"].tolist()
        getattr(built, table).update(
            (keys.text(k), {iris[i] for i in ids[ptr[k] : ptr[k + 1]]}) for k in range(len(keys))
        )
    distinct = s["name"].texts(range(len(s["name"])))
    built.names = [distinct[i] for i in s["name.id"].tolist()]
    built.owners = [iris[i] for i in s["owner"].tolist()]
    words: list[set[str]] = [set() for _ in built.names]
    tokens, ptr, postings = s["token"], s["token.ptr"].tolist(), s["token.ids"].tolist()
    for t in range(len(tokens)):
        token = tokens.text(t)
        for position in postings[ptr[t] : ptr[t + 1]]:
            words[position].add(token)
    built.words = [frozenset(w) for w in words]
    ptr, ids = s["spelled.ptr"].tolist(), s["spelled.ids"].tolist()
    built.spelled_owners = {
        distinct[n]: [iris[i] for i in ids[ptr[n] : ptr[n + 1]]]
        for n in range(len(distinct))
        if ptr[n + 1] > ptr[n]
    }
    built._index()
    return built
