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

import re
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, TypeVar

from graph import name_file
from graph.index import GovIndex
from graph.name_arrays import MappedRows
from graph.name_file import Layered
from graph.name_rows import BuiltRows
from graph.names import fold, folded_stem, name_keys, normalise, words

_ARTICLE = re.compile(r"^\s*(?:the|a|an)\s+", re.IGNORECASE)
_FUZZY_SURE = 75.0  # a name this close among the likely ones ends the search
#: entities read again since the last full build beyond which a write's carry gives up (the
#: next name typed builds the table again): each carry re-reads them all
CARRY_LIMIT = 2000

#: the rows of one layer: built from the index, or opened from the file beside the projection
Rows = BuiltRows | MappedRows
T = TypeVar("T", bound="NameTable")


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
        base: Rows | None = None,
        gone: frozenset[str] = frozenset(),
        rows: Rows | Layered | None = None,
    ) -> None:
        self.index = index
        self._organisations: dict[str, str | None] = {}
        if isinstance(rows, Layered):  # a carried table as saved
            base, gone, rows = rows.base, rows.gone, rows.own
        if rows is None:
            rows = BuiltRows(index, iris)
        self._rows: Rows = rows
        self._base = base  # the rows of the last full build, when carried
        self._gone = gone  # entities whose rows in ``_base`` no longer count

    def flat_rows(self) -> Rows | Layered:
        """The table's rows as one value: to save (:func:`save_rows`), or to open a table
        with. A carried table's are its layers (merging them would cost a build's time)."""
        if self._base is None:
            return self._rows
        return Layered(self._rows, self._base, self._gone)

    # -- the layers --------------------------------------------------------------------------------
    def _layers(self) -> list[tuple[Rows, Collection[str]]]:
        """``(rows, entities not to count)``: the rows read last first."""
        own: list[tuple[Rows, Collection[str]]] = [(self._rows, ())]
        return own if self._base is None else [*own, (self._base, self._gone)]

    def _keyed(self, table: str, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for rows, gone in self._layers():
            for key in keys:
                found.update(i for i in rows.keyed(table, key) if i not in gone)
        return found

    def _spelled_owners(self, name: str) -> list[str]:
        return [
            i
            for rows, gone in self._layers()
            for i in rows.owners_of_spelled(name)
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
            spelled = layers[0][0].spelled_names()
            if len(layers) > 1:
                spelled = sorted({*spelled, *layers[1][0].spelled_names()})
            found = closest(spelled)
        return sorted(found.items(), key=lambda hit: (-hit[1], hit[0]))[:limit]

    def _likely(self, query: str) -> list[str]:
        """Labels and aliases with a word that begins like the rarest word of ``query``, in
        string order (the same choices in the same order, however the rows are kept)."""
        layers = [(rows, gone, rows.likely(query, gone)) for rows, gone in self._layers()]
        counts: dict[str, int] = {}
        for _, _, found in layers:
            for word, likely in found.items():
                counts[word] = counts.get(word, 0) + likely.count
        if not counts:
            return []
        rarest = min(counts, key=counts.__getitem__)
        read = [(rows, gone, *found[rarest].read()) for rows, gone, found in layers]
        names = {n for *_, found, _ in read for n in found}
        spelled = {n for *_, good in read for n in good}
        # A name one layer has only as an id may be another layer's label.
        for n in names - spelled:
            if any(n not in has and rows.has_spelled(n, gone) for rows, gone, has, _ in read):
                spelled.add(n)
        return sorted(spelled)


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


def save_rows(folder: Path, rows: Rows | Layered) -> None:
    """Write ``rows`` into the projection folder ``folder`` (:func:`graph.name_file.save`)."""
    name_file.save(folder, rows)


def load_rows(folder: Path) -> MappedRows | Layered | None:
    """The rows saved in ``folder``, memory-mapped; ``None`` if absent, unreadable or of
    another format (:func:`graph.name_file.load`)."""
    return name_file.load(folder)
