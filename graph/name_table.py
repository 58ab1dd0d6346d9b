"""The name table behind the resolver: every entity's names under each key a tier looks up.

Built once per :class:`graph.index.GovIndex` (:func:`graph.resolve.name_index`), and only when a
name is typed that is not an id. The tiers: the exact name (label or alias in any language,
case, accents and punctuation folded), the name inflected, the name without its parenthetical
qualifier, every word a word prefix, a substring, and last the closest spellings (rapidfuzz).

After a write the table is carried, not built again (:func:`carried`): the rows of the
entities the write touched are read again into a small table laid over the old one, whose
rows of those entities no longer count. The old rows are shared, never changed (a reader of
the index before the write keeps its answers).
"""

from __future__ import annotations

import os
import pickle
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any, TypeVar

from graph.index import GovIndex
from graph.names import fold, folded_stem, name_keys, normalise, without_qualifier, words
from ontology import vocab as v
from ontology.terms import local_id

_ARTICLE = re.compile(r"^\s*(?:the|a|an)\s+", re.IGNORECASE)
_FUZZY_SURE = 75.0  # a name this close among the likely ones ends the search
#: entities read again since the last full build beyond which a write's carry gives up (the
#: next name typed builds the table again): each carry re-reads them all
CARRY_LIMIT = 2000

#: bumped whenever the rows or the way names are keyed change: older files are ignored
FORMAT = 1
_FILE = "names.pkl"

T = TypeVar("T", bound="NameTable")


class _Rows:
    """The names of some entities under each key the tiers look up (no reference to an index)."""

    def __init__(self, index: GovIndex, iris: Iterable[str]) -> None:
        self.entities: set[str] = set()
        self.exact: dict[str, set[str]] = {}
        self.inflected: dict[str, set[str]] = {}
        self.unqualified: dict[str, set[str]] = {}
        self.names: list[str] = []  # normalised names, for substring and fuzzy matching
        self.owners: list[str] = []  # the IRI of each name
        self.words: list[frozenset[str]] = []  # the words and stems of each name
        postings: dict[str, list[int]] = {}
        spelled: dict[str, list[str]] = {}
        for iri in iris:
            self.entities.add(iri)
            node = index.node(iri)
            texts = {*index.labels(iri).values()}
            texts.update(lit.value for lit in node.literals.get(v.ALT_LABEL, ()))
            if not texts:
                # An unlabelled record (a dependency, a membership) is named by its id alone:
                # it stays out of the word, substring and fuzzy lists.
                self.exact.setdefault(normalise(local_id(iri)), set()).add(iri)
                continue
            texts.add(local_id(iri))
            for text in texts:
                plain = normalise(text)
                if not plain:
                    continue
                self.exact.setdefault(plain, set()).add(iri)
                keys = name_keys(text)
                for key in keys:
                    self.inflected.setdefault(key, set()).add(iri)
                bare = without_qualifier(text)
                if bare != text:
                    for key in {normalise(bare), *name_keys(bare)}:
                        self.unqualified.setdefault(key, set()).add(iri)
                position = len(self.names)
                self.names.append(plain)
                self.owners.append(iri)
                if text != local_id(iri):
                    # ids are typed exactly; labels and aliases get misspelt
                    spelled.setdefault(plain, []).append(iri)
                tokens = {*plain.split(), *(w for k in keys for w in k.split())}
                self.words.append(frozenset(tokens))
                for word in tokens:
                    postings.setdefault(word, []).append(position)
        self.tokens = sorted(postings)
        self.postings = [postings[t] for t in self.tokens]
        self.spelled = list(spelled)
        self.spelled_owners = spelled
        # All names in one string: a substring search runs in C, not once per name.
        self._joined = "\n".join(self.names)
        self._starts = list(accumulate((len(n) + 1 for n in self.names[:-1]), initial=0))

    @classmethod
    def merged(cls, base: _Rows, gone: Collection[str], own: _Rows) -> _Rows:
        """The rows of ``base`` but those of ``gone``, then ``own``'s: one flat table, as a
        build of the same entities would make (to be saved; the positions differ)."""
        rows = cls.__new__(cls)
        rows.entities = (base.entities - set(gone)) | own.entities
        for table in ("exact", "inflected", "unqualified"):
            joined: dict[str, set[str]] = {}
            for source, skip in ((base, gone), (own, ())):
                for key, found in getattr(source, table).items():
                    kept = {i for i in found if i not in skip}
                    if kept:
                        joined.setdefault(key, set()).update(kept)
            setattr(rows, table, joined)
        rows.names, rows.owners, rows.words = [], [], []
        postings: dict[str, list[int]] = {}
        for source, skip in ((base, gone), (own, ())):
            for name, owner, tokens in zip(source.names, source.owners, source.words, strict=True):
                if owner in skip:
                    continue
                for word in tokens:
                    postings.setdefault(word, []).append(len(rows.names))
                rows.names.append(name)
                rows.owners.append(owner)
                rows.words.append(tokens)
        rows.tokens = sorted(postings)
        rows.postings = [postings[t] for t in rows.tokens]
        spelled: dict[str, list[str]] = {}
        for source, skip in ((base, gone), (own, ())):
            for name, owners in source.spelled_owners.items():
                still = [i for i in owners if i not in skip]
                if still:
                    spelled.setdefault(name, []).extend(still)
        rows.spelled, rows.spelled_owners = list(spelled), spelled
        rows._joined = "\n".join(rows.names)
        rows._starts = list(accumulate((len(n) + 1 for n in rows.names[:-1]), initial=0))
        return rows

    def word_prefix(self, typed: list[tuple[str, str]]) -> set[str]:
        """Entities with a name in which every ``(prefix, stem)`` begins a word or is one."""
        ranges = []
        for prefix, stemmed in typed:
            lo = bisect_left(self.tokens, prefix)
            hi = lo
            while hi < len(self.tokens) and self.tokens[hi].startswith(prefix):
                hi += 1
            spans = [range(lo, hi)]
            at = bisect_left(self.tokens, stemmed)
            if stemmed != prefix and at < len(self.tokens) and self.tokens[at] == stemmed:
                spans.append(range(at, at + 1))
            size = sum(len(self.postings[i]) for span in spans for i in span)
            ranges.append((size, spans, prefix, stemmed))
        ranges.sort(key=lambda r: r[0])
        positions = {p for span in ranges[0][1] for i in span for p in self.postings[i]}
        rest = [(prefix, stemmed) for _, _, prefix, stemmed in ranges[1:]]
        return {
            self.owners[p]
            for p in positions
            if all(
                any(w.startswith(prefix) or w == stemmed for w in self.words[p])
                for prefix, stemmed in rest
            )
        }

    def substring(self, query: str) -> set[str]:
        found: set[str] = set()
        at = self._joined.find(query)
        while at != -1:
            position = bisect_right(self._starts, at) - 1
            found.add(self.owners[position])
            # Continue after this name: one hit per name is enough.
            at = self._joined.find(query, self._starts[position] + len(self.names[position]) + 1)
        return found

    def likely(self, query: str) -> dict[str, list[int]]:
        """Per word of ``query`` (three letters or more): the positions of the names with a
        word beginning like it."""
        found: dict[str, list[int]] = {}
        for word in query.split():
            if len(word) < 3:
                continue
            lo = bisect_left(self.tokens, word[:3])
            hi = lo
            while hi < len(self.tokens) and self.tokens[hi].startswith(word[:3]):
                hi += 1
            found[word] = [p for i in range(lo, hi) for p in self.postings[i]]
        return found


class NameTable:
    """Every entity's names under each key the tiers look up, built once per :class:`GovIndex`
    (or carried from the index before a write, see :func:`carried`).

    The lookups of the tiers; :class:`graph.resolve.NameIndex` adds ranking by purpose.
    """

    def __init__(
        self,
        index: GovIndex,
        iris: Iterable[str] | None = None,
        *,
        base: _Rows | None = None,
        gone: frozenset[str] = frozenset(),
        rows: _Rows | None = None,
    ) -> None:
        self.index = index
        self._organisations: dict[str, str | None] = {}
        if rows is None:
            rows = _Rows(index, index.entities() if iris is None else iris)
        self._rows = rows
        self._base = base  # the rows of the last full build, when carried
        self._gone = gone  # entities whose rows in ``_base`` no longer count

    def flat_rows(self) -> _Rows:
        """All the rows in one table (the layers merged), e.g. to be saved."""
        if self._base is None:
            return self._rows
        return _Rows.merged(self._base, self._gone, self._rows)

    # -- the layers --------------------------------------------------------------------------------
    def _layers(self) -> list[tuple[_Rows, Collection[str]]]:
        """``(rows, entities not to count)``: the rows read last first."""
        own: list[tuple[_Rows, Collection[str]]] = [(self._rows, ())]
        return own if self._base is None else [*own, (self._base, self._gone)]

    def _keyed(self, table: str, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for rows, gone in self._layers():
            lookup: dict[str, set[str]] = getattr(rows, table)
            for key in keys:
                found.update(i for i in lookup.get(key, ()) if i not in gone)
        return found

    def _spelled_owners(self, name: str) -> list[str]:
        return [
            i
            for rows, gone in self._layers()
            for i in rows.spelled_owners.get(name, ())
            if i not in gone
        ]

    # -- matching --------------------------------------------------------------------------------
    def _word_prefix(self, text: str) -> set[str]:
        """Entities with a name in which every word of ``text`` begins a word, or is a word
        inflected (the same stem: "projects" for "project"). The stem is not used as a prefix:
        "styrelse" (stem "styr") must not find "styregruppe"."""
        typed = [(fold(w), folded_stem(w)) for w in words(text)]
        if not typed:
            return set()
        return {
            i for rows, gone in self._layers() for i in rows.word_prefix(typed) if i not in gone
        }

    def _substring(self, text: str) -> set[str]:
        query = normalise(text)
        if len(query) < 3:
            return set()
        return {i for rows, gone in self._layers() for i in rows.substring(query) if i not in gone}

    def tiers(self, text: str) -> Iterable[tuple[str, set[str]]]:
        """``(tier, entities)`` for each tier in order, computed lazily."""
        bare = _ARTICLE.sub("", text)
        if bare != text and normalise(bare):
            # "the Digital Steering Group's": the article is no part of the name.
            exact = self._keyed("exact", {normalise(text), normalise(bare)})
            if exact:
                yield "exact", exact
            text = bare
        yield "exact", self._keyed("exact", [normalise(text)])
        yield "inflected", self._keyed("inflected", name_keys(text))
        yield "qualifier", self._keyed("unqualified", {normalise(text), *name_keys(text)})
        yield "word_prefix", self._word_prefix(text)
        yield "substring", self._substring(text)

    def fuzzy(self, text: str, limit: int = 5) -> list[tuple[str, float]]:
        """The entities whose names are closest to ``text`` (rapidfuzz scores, 0-100).

        First among the names sharing a word beginning (three letters) with the rarest word of
        ``text``; every label and alias only when that finds nothing close.
        """
        from rapidfuzz import fuzz, process

        query = normalise(text)
        if not query:
            return []

        def closest(choices: list[str]) -> dict[str, float]:
            found: dict[str, float] = {}
            # The plain edit-distance ratio: WRatio's partial matching rewards any long name
            # that happens to contain a short word of the query.
            for choice, score, _ in process.extract(
                query, choices, scorer=fuzz.ratio, limit=limit * 4, score_cutoff=60
            ):
                for iri in self._spelled_owners(choice):
                    found[iri] = max(found.get(iri, 0.0), score)
            return found

        found = closest(self._likely(query))
        if not found or max(found.values()) < _FUZZY_SURE:
            layers = self._layers()
            spelled = layers[0][0].spelled
            if len(layers) > 1:
                spelled = list(dict.fromkeys([*spelled, *layers[1][0].spelled]))
            found = closest(spelled)
        return sorted(found.items(), key=lambda hit: (-hit[1], hit[0]))[:limit]

    def _likely(self, query: str) -> list[str]:
        """Labels and aliases with a word that begins like the rarest word of ``query``."""
        by_word: dict[str, list[str]] = {}
        for rows, gone in self._layers():
            for word, positions in rows.likely(query).items():
                by_word.setdefault(word, []).extend(
                    rows.names[p] for p in positions if rows.owners[p] not in gone
                )
        if not by_word:
            return []
        rarest = min(by_word.values(), key=len)
        return [n for n in set(rarest) if self._spelled_owners(n)]


def carried(table: T, index: GovIndex, touched: Any) -> T | None:
    """``table`` (of the index before a write) for ``index``, the index after it: the rows
    of the subjects the write ``touched`` read again; ``None`` (build again) when more than
    :data:`CARRY_LIMIT` entities were read again since the last full build.

    An entity's names are its own statements (types, labels, aliases), so only the write's
    subjects can have new ones.
    """
    old_terms, new_terms = table.index.projection.terms, index.projection.terms
    changed = {new_terms[i] for i in touched.subjects if i < len(new_terms)}
    changed.update(old_terms[i] for i in touched.subjects if i < len(old_terms))
    gone = table._gone | changed
    if len(gone) > CARRY_LIMIT:
        return None
    again = (table._rows.entities - changed) if table._base is not None else set()
    again.update(i for i in changed if index.is_entity(i))
    base = table._base if table._base is not None else table._rows
    return type(table)(index, sorted(again), base=base, gone=frozenset(gone))


def save_rows(folder: Path, rows: _Rows) -> None:
    """Write ``rows`` into the projection folder ``folder`` (atomically: a reader finds the
    file whole or not at all; one unreadable or of another format is replaced)."""
    target = folder / _FILE
    partial = folder / f".{_FILE}.{os.getpid()}.{threading.get_ident()}"
    try:
        with partial.open("wb") as out:
            pickle.dump((FORMAT, rows.__dict__), out, protocol=5)
        os.replace(partial, target)
    except OSError:  # a read-only or full disk: the next process builds
        partial.unlink(missing_ok=True)


def load_rows(folder: Path) -> _Rows | None:
    """The rows saved in ``folder``; ``None`` if absent, unreadable or of another format."""
    try:
        with (folder / _FILE).open("rb") as source:
            state = pickle.load(source)  # noqa: S301 - our own file, written by save_rows()
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return None
    if not isinstance(state, tuple) or len(state) != 2 or state[0] != FORMAT:
        return None
    rows = _Rows.__new__(_Rows)
    rows.__dict__.update(state[1])
    return rows
