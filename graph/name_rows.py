"""The rows of the name table as Python structures: what a build reads from the index.

Every entity's names under each key a tier looks up (:mod:`graph.name_table`): the exact name,
the name inflected, the name without its parenthetical qualifier, each name's words (for word
prefixes), all names joined (for substrings), and the labels and aliases people misspell (for
the closest spellings). :mod:`graph.name_file` keeps the same rows in flat arrays on disk; both
answer the same lookups (the *layer* interface :class:`graph.name_table.NameTable` uses).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Iterable, Iterator
from functools import partial
from itertools import accumulate
from typing import TYPE_CHECKING

import numpy as np

from graph.names import name_keys, normalise, without_qualifier
from graph.nodes import HIDDEN_TYPES
from graph.projection_rows import gathered
from ontology import vocab as v
from ontology.terms import local_id

if TYPE_CHECKING:
    from graph.index import GovIndex

#: the keyed tables: the key a tier looks up -> the entities with a name under it
TABLES = ("exact", "inflected", "unqualified")


class Likely:
    """The names of one layer with a word beginning like a word of a query (fuzzy matching).

    ``count`` is the number of names (with repeats: the rarest word is the one with the
    fewest); :meth:`read` gives the distinct ones and those among them that are a label or an
    alias of an entity still counted (ids are typed exactly, never misspelt). Read only for the
    rarest word: on a national graph a common word begins a hundred thousand names.
    """

    def __init__(self, count: int, read: Callable[[], tuple[set[str], set[str]]]) -> None:
        self.count = count
        self.read = read


def _named(index: GovIndex, iris: Iterable[str]) -> Iterator[tuple[str, set[str]]]:
    """Each of ``iris`` with its labels (one per language) and aliases."""
    for iri in iris:
        yield iri, {*index.labels(iri).values(), *index.alt_labels(iri)}


def _each_named(index: GovIndex) -> Iterator[tuple[str, set[str]]]:
    """:func:`_named` for every entity of ``index``, read by predicate from the projection's
    arrays: a national graph's half million entities in a second or two, where reading each
    one's facts takes a minute."""
    projection = index.projection
    terms, values = projection.terms, projection.values
    typed = np.flatnonzero(projection.p == projection.type_id)
    subjects, classes = projection.s[typed], projection.o[typed]
    hidden = [i for i in (projection.ids.get(t) for t in HIDDEN_TYPES) if i is not None]
    ids = np.setdiff1d(subjects, subjects[np.isin(classes, hidden)])  # sorted, as entities()
    # Each subject's literals in the order its facts list them (a write may have put a new
    # row anywhere): the first label of a language is the one GovIndex.labels() keeps.
    rows, counts = gathered(projection.lit_ptr, projection.lit_rows, ids)
    row_subjects, row_predicates = np.repeat(ids, counts), projection.lit_p[rows]
    found: dict[int, dict[str, str]] = {}
    tags = projection.tags
    for pred in index._label_ids:
        chosen = rows[row_predicates == pred]
        for i, row, g in zip(
            row_subjects[row_predicates == pred].tolist(),
            chosen.tolist(),
            projection.lit_lang[chosen].tolist(),
            strict=True,
        ):
            found.setdefault(i, {}).setdefault(tags[g] or "" if g >= 0 else "", values[row])
    aliases: dict[int, list[str]] = {}
    alias = projection.ids.get(v.ALT_LABEL)
    if alias is not None:
        chosen = rows[row_predicates == alias]
        subjects = row_subjects[row_predicates == alias]
        for i, row in zip(subjects.tolist(), chosen.tolist(), strict=True):
            aliases.setdefault(i, []).append(values[row])
    # What the index has read already it answers from what it read (after a write, an entity
    # with two labels in one language keeps the one it showed; the arrays may list the other
    # first): the names must be those the index shows.
    read = index._labels.keys() | index._facts.keys()
    for i in ids.tolist():
        iri = terms[i]
        if iri in read:
            yield from _named(index, [iri])
        else:
            labels = found.get(i)
            yield iri, {*(labels.values() if labels else ()), *aliases.get(i, ())}


class BuiltRows:
    """The names of some entities under each key the tiers look up (no reference to an index)."""

    entities: set[str]
    exact: dict[str, set[str]]
    inflected: dict[str, set[str]]
    unqualified: dict[str, set[str]]
    names: list[str]  # normalised names, for substring and fuzzy matching
    owners: list[str]  # the IRI of each name
    words: list[frozenset[str]]  # the words and stems of each name
    spelled_owners: dict[str, list[str]]  # labels and aliases (not ids) -> their entities

    def __init__(self, index: GovIndex, iris: Iterable[str] | None = None) -> None:
        """The rows of the entities ``iris`` of ``index`` (every entity without)."""
        self.entities = set()
        self.exact, self.inflected, self.unqualified = {}, {}, {}
        self.names, self.owners, self.words = [], [], []
        spelled: dict[str, list[str]] = {}
        for iri, texts in _each_named(index) if iris is None else _named(index, iris):
            self.entities.add(iri)
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
                self.names.append(plain)
                self.owners.append(iri)
                if text != local_id(iri):
                    # ids are typed exactly; labels and aliases get misspelt
                    spelled.setdefault(plain, []).append(iri)
                self.words.append(
                    frozenset({*plain.split(), *(w for k in keys for w in k.split())})
                )
        self.spelled_owners = spelled
        self._index()

    def _index(self) -> None:
        """The lookups derived from the names: word postings, the misspelt names in string
        order, and all names in one string (a substring search runs in C, not once per name)."""
        postings: dict[str, list[int]] = {}
        for position, tokens in enumerate(self.words):
            for word in tokens:
                postings.setdefault(word, []).append(position)
        self.tokens = sorted(postings)
        self.postings = [postings[t] for t in self.tokens]
        self.spelled = sorted(self.spelled_owners)
        self._joined = "\n".join(self.names)
        self._starts = list(accumulate((len(n) + 1 for n in self.names[:-1]), initial=0))

    @classmethod
    def empty(cls) -> BuiltRows:
        """Rows of no entity, to be filled (:meth:`merged`, :func:`graph.name_file.thawed`)."""
        rows = cls.__new__(cls)
        rows.entities = set()
        rows.exact, rows.inflected, rows.unqualified = {}, {}, {}
        rows.names, rows.owners, rows.words, rows.spelled_owners = [], [], [], {}
        return rows

    @classmethod
    def merged(cls, base: BuiltRows, gone: Collection[str], own: BuiltRows) -> BuiltRows:
        """The rows of ``base`` but those of ``gone``, then ``own``'s: one flat table, as a
        build of the same entities would make (to be saved; the positions differ)."""
        rows = cls.empty()
        rows.entities = (base.entities - set(gone)) | own.entities
        for table in TABLES:
            joined: dict[str, set[str]] = getattr(rows, table)
            for source, skip in ((base, gone), (own, ())):
                for key, found in getattr(source, table).items():
                    kept = {i for i in found if i not in skip}
                    if kept:
                        joined.setdefault(key, set()).update(kept)
        for source, skip in ((base, gone), (own, ())):
            for name, owner, tokens in zip(source.names, source.owners, source.words, strict=True):
                if owner not in skip:
                    rows.names.append(name)
                    rows.owners.append(owner)
                    rows.words.append(tokens)
            for name, owners in source.spelled_owners.items():
                still = [i for i in owners if i not in skip]
                if still:
                    rows.spelled_owners.setdefault(name, []).extend(still)
        rows._index()
        return rows

    # -- the layer interface (also :class:`graph.name_file.MappedRows`) ------------------------
    def keyed(self, table: str, key: str) -> Collection[str]:
        """The entities with a name under ``key`` in ``table`` (one of :data:`TABLES`)."""
        found: dict[str, set[str]] = getattr(self, table)
        return found.get(key, ())

    def owners_of_spelled(self, name: str) -> list[str]:
        """The entities with the label or alias ``name`` (normalised)."""
        return self.spelled_owners.get(name, [])

    def spelled_names(self) -> list[str]:
        """Every normalised label and alias, in string order."""
        return self.spelled

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
        """Entities with a normalised name containing ``query``."""
        found: set[str] = set()
        at = self._joined.find(query)
        while at != -1:
            position = bisect_right(self._starts, at) - 1
            found.add(self.owners[position])
            # Continue after this name: one hit per name is enough.
            at = self._joined.find(query, self._starts[position] + len(self.names[position]) + 1)
        return found

    def likely(self, query: str, gone: Collection[str]) -> dict[str, Likely]:
        """Per word of ``query`` (three letters or more): the names, of entities not in
        ``gone``, with a word beginning like it."""
        found: dict[str, Likely] = {}
        for word in query.split():
            if len(word) < 3:
                continue
            lo = bisect_left(self.tokens, word[:3])
            hi = lo
            while hi < len(self.tokens) and self.tokens[hi].startswith(word[:3]):
                hi += 1
            names = [
                self.names[p]
                for i in range(lo, hi)
                for p in self.postings[i]
                if self.owners[p] not in gone
            ]
            found[word] = Likely(len(names), partial(self._spelled_among, names, gone))
        return found

    def _spelled_among(self, names: list[str], gone: Collection[str]) -> tuple[set[str], set[str]]:
        distinct = set(names)
        return distinct, {n for n in distinct if self.has_spelled(n, gone)}

    def has_spelled(self, name: str, gone: Collection[str]) -> bool:
        """Whether ``name`` is a label or alias of an entity not in ``gone``."""
        return any(i not in gone for i in self.spelled_owners.get(name, ()))
