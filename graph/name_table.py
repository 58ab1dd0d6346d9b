"""The name table behind the resolver: every entity's names under each key a tier looks up.

Built once per :class:`graph.index.GovIndex` (:func:`graph.resolve.name_index`), and only when a
name is typed that is not an id. The tiers: the exact name (label or alias in any language,
case, accents and punctuation folded), the name inflected, the name without its parenthetical
qualifier, every word a word prefix, a substring, and last the closest spellings (rapidfuzz).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

from graph.index import GovIndex
from graph.names import fold, folded_stem, name_keys, normalise, without_qualifier, words
from ontology import vocab as v
from ontology.terms import local_id

_ARTICLE = re.compile(r"^\s*(?:the|a|an)\s+", re.IGNORECASE)
_FUZZY_SURE = 75.0  # a name this close among the likely ones ends the search


class NameTable:
    """Every entity's names under each key the tiers look up, built once per :class:`GovIndex`.

    The lookups of the tiers; :class:`graph.resolve.NameIndex` adds ranking by purpose.
    """

    def __init__(self, index: GovIndex) -> None:
        self.index = index
        self.exact: dict[str, set[str]] = {}
        self.inflected: dict[str, set[str]] = {}
        self.unqualified: dict[str, set[str]] = {}
        self.names: list[str] = []  # normalised names, for substring and fuzzy matching
        self.owners: list[str] = []  # the IRI of each name
        self.words: list[frozenset[str]] = []  # the words and stems of each name
        postings: dict[str, list[int]] = {}
        self._organisations: dict[str, str | None] = {}
        spelled: dict[str, list[str]] = {}
        for iri in index.entities():
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
        self._spelled = list(spelled)
        self._spelled_owners = spelled
        # All names in one string: a substring search runs in C, not once per name.
        self._joined = "\n".join(self.names)
        self._starts = list(accumulate((len(n) + 1 for n in self.names[:-1]), initial=0))

    # -- matching --------------------------------------------------------------------------------
    def _word_prefix(self, text: str) -> set[str]:
        """Entities with a name in which every word of ``text`` begins a word, or is a word
        inflected (the same stem: "projects" for "project"). The stem is not used as a prefix:
        "styrelse" (stem "styr") must not find "styregruppe"."""
        typed = [(fold(w), folded_stem(w)) for w in words(text)]
        if not typed:
            return set()
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

    def _substring(self, text: str) -> set[str]:
        query = normalise(text)
        if len(query) < 3:
            return set()
        found: set[str] = set()
        at = self._joined.find(query)
        while at != -1:
            position = bisect_right(self._starts, at) - 1
            found.add(self.owners[position])
            # Continue after this name: one hit per name is enough.
            at = self._joined.find(query, self._starts[position] + len(self.names[position]) + 1)
        return found

    def tiers(self, text: str) -> Iterable[tuple[str, set[str]]]:
        """``(tier, entities)`` for each tier in order, computed lazily."""
        bare = _ARTICLE.sub("", text)
        if bare != text and normalise(bare):
            # "the Digital Steering Group's": the article is no part of the name.
            exact = {*self.exact.get(normalise(text), ()), *self.exact.get(normalise(bare), ())}
            if exact:
                yield "exact", exact
            text = bare
        yield "exact", set(self.exact.get(normalise(text), ()))
        yield "inflected", {i for k in name_keys(text) for i in self.inflected.get(k, ())}
        keys = {normalise(text), *name_keys(text)}
        yield "qualifier", {i for k in keys for i in self.unqualified.get(k, ())}
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
                for iri in self._spelled_owners[choice]:
                    found[iri] = max(found.get(iri, 0.0), score)
            return found

        found = closest(self._likely(query))
        if not found or max(found.values()) < _FUZZY_SURE:
            found = closest(self._spelled)
        return sorted(found.items(), key=lambda hit: (-hit[1], hit[0]))[:limit]

    def _likely(self, query: str) -> list[str]:
        """Labels and aliases with a word that begins like the rarest word of ``query``."""
        best: list[int] | None = None
        for word in query.split():
            if len(word) < 3:
                continue
            lo = bisect_left(self.tokens, word[:3])
            hi = lo
            while hi < len(self.tokens) and self.tokens[hi].startswith(word[:3]):
                hi += 1
            positions = [p for i in range(lo, hi) for p in self.postings[i]]
            if best is None or len(positions) < len(best):
                best = positions
        names = {self.names[p] for p in best or ()}
        return [n for n in names if n in self._spelled_owners]
