"""Resolve what a user types to one entity: the one resolver behind the CLI, the API, the
search and the views' autocomplete.

A name matches by id or IRI, then in tiers: the exact name (label or alias in any language,
case, accents and punctuation folded), the name inflected (Danish/Norwegian stems, English
plurals and possessives), the name without its parenthetical qualifier, every word a word
prefix, and last a substring. The first tier with a match wins; inside it the ``purpose`` of the
question ranks the types (who-decides wants matters and bodies, impact wants systems, projects
and vendors). Documents, citations, mandates and dependency records are never the subject of
who-decides or impact unless named by id. The runners-up are kept as ``also``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from graph.index import GovIndex
from graph.names import fold, folded_stem, name_keys, normalise, without_qualifier, words
from ontology import vocab as v
from ontology.errors import AmbiguousName, Candidate, InvalidArgument, NotFound
from ontology.terms import DATA, local_id

__all__ = ["Resolution", "NameIndex", "name_index", "normalise", "resolve", "resolve_match"]

PURPOSES: tuple[str, ...] = ("any", "who_decides", "impact")
TIERS = ("id", "exact", "inflected", "qualifier", "word_prefix", "substring", "fuzzy")

# Records that are evidence or plumbing, not what a question is about.
NEVER_SUBJECT = frozenset({"document", "citation", "mandate", "dependency", "membership"})
_MATTERS = ("domain", "topic", "portfolio", "project", "initiative", "strategy", "focus_area")
_BODIES = ("body", "organisation", "unit", "collaboration")
# Lower ranks first; a type missing from a purpose's table ranks after those in it.
_RANKS: dict[str, dict[str, int]] = {
    "who_decides": dict.fromkeys(_MATTERS + _BODIES + ("goal", "system"), 0),
    "impact": {"system": 0, "project": 1, "initiative": 1, "organisation": 1},
    "any": {
        **dict.fromkeys(v.ENTITY_CLASSES, 0),
        **dict.fromkeys(NEVER_SUBJECT, 3),
    },
}
_ORG_TYPES = {"organisation", "collaboration"}
_ORG_LINKS = (
    v.RELATION_KEYS["owner"],
    v.PART_OF_ORG,
    v.PART_OF,
    v.RELATION_KEYS["operator"],
    v.HOLDER,
    v.RELATION_KEYS["post_in"],
    v.ORGANIZATION_P,
    v.PUBLISHER,
    v.RELATION_KEYS["portfolio"],
    v.RELATION_KEYS["governed_by"],
    v.RELATION_KEYS["established_by"],
    v.RELATION_KEYS["reports_to"],
)
_GROUP = {"exact": 0, "inflected": 0, "qualifier": 0, "word_prefix": 1, "substring": 2}
_CANDIDATES_SHOWN = 20
_ALSO_SHOWN = 5
_ARTICLE = re.compile(r"^\s*(?:the|a|an)\s+", re.IGNORECASE)
_FUZZY_ACCEPT = 88.0
_FUZZY_SURE = 75.0  # a name this close among the likely ones ends the search


@dataclass(frozen=True)
class Resolution:
    """The entity a name denotes, how it matched, and the other entities it could have meant."""

    iri: str
    tier: str
    also: list[dict[str, Any]] = field(default_factory=list)


class NameIndex:
    """Every entity's names under each key the tiers look up, built once per :class:`GovIndex`."""

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

    # -- ranking and presentation ----------------------------------------------------------------
    def rank(self, iri: str, purpose: str) -> int:
        kind = self.index.type_name(iri)
        if purpose != "any" and kind in NEVER_SUBJECT:
            return 99
        return _RANKS.get(purpose, _RANKS["any"]).get(kind, 2)

    def organisation(self, iri: str) -> str | None:
        """The label of the organisation ``iri`` belongs to (nearest along ownership and
        membership links), or ``None``."""
        if iri not in self._organisations:
            self._organisations[iri] = self._find_organisation(iri)
        return self._organisations[iri]

    def _find_organisation(self, iri: str) -> str | None:
        """Breadth-first along ownership links: the nearest organisation, else the nearest body
        (a national board owns no organisation in the data but answers for its projects)."""
        index = self.index
        frontier, seen = [iri], {iri}
        body: str | None = None
        for _ in range(6):
            following = []
            for node in frontier:
                steps = [t for pred in _ORG_LINKS for t in index.out(node, pred)]
                steps += index.into(node, v.RELATION_KEYS["delivers"])
                if index.type_name(node) == "person":
                    steps += index.into(node, v.MEMBER)
                for step in sorted(steps):
                    if step in seen:
                        continue
                    kind = index.type_name(step)
                    if kind in _ORG_TYPES:
                        return index.label(step)
                    if body is None and kind == "body":
                        body = index.label(step)
                    seen.add(step)
                    following.append(step)
            frontier = following
        return body

    def _system_or_project(self, top: list[str], purpose: str) -> list[str]:
        """A system and the project that delivers it, named alike: who-decides means the
        project (what is decided and prioritised), every other question the system."""
        if len(top) != 2:
            return top
        kinds = {self.index.type_name(h): h for h in top}
        system, project = kinds.get("system"), kinds.get("project")
        if system is None or project is None:
            return top
        if system not in self.index.out(project, v.RELATION_KEYS["delivers"]):
            return top
        return [project if purpose == "who_decides" else system]

    def candidate(self, iri: str, lang: str | None = None) -> dict[str, Any]:
        """``{id, label, type, organisation}``: how a suggestion or candidate is shown."""
        return {**self.index.ref(iri, lang), "organisation": self.organisation(iri)}

    def _order(self, iris: Iterable[str], purpose: str) -> list[str]:
        return sorted(
            iris, key=lambda i: (self.rank(i, purpose), self.index.label(i).casefold(), i)
        )

    # -- the two entry points ----------------------------------------------------------------------
    def match(self, name: str, *, purpose: str = "any", fuzzy: bool = False) -> Resolution:
        """Resolve ``name``; see :func:`resolve_match`."""
        if purpose not in PURPOSES:
            raise InvalidArgument("purpose", f"use one of {', '.join(PURPOSES)}")
        text = name.strip()
        for whole in (text, DATA + text):
            if whole in self.index.nodes and self.index.node(whole).types:
                return Resolution(whole, "id")
        if not normalise(text):
            raise NotFound(name, [])
        # The whole name (exact, inflected or without its qualifier) is one group: inside it
        # the purpose ranks first, so a project labelled "X (projekt)" still competes with
        # the system "X". Word-prefix and substring matches come only when nothing names it.
        groups: dict[int, dict[str, str]] = {}
        for tier, hits in self.tiers(text):
            group = groups.setdefault(_GROUP[tier], {})
            for hit in hits:
                if self.rank(hit, purpose) < 99:
                    group.setdefault(hit, tier)
            if group and tier in ("qualifier", "word_prefix"):
                break  # the later tiers cost a scan and could not win
        for _, group in sorted(groups.items()):
            if not group:
                continue
            key = {h: (self.rank(h, purpose), TIERS.index(t)) for h, t in group.items()}
            ordered = sorted(group, key=lambda h: (key[h], self.index.label(h).casefold(), h))
            top = [h for h in ordered if key[h] == key[ordered[0]]]
            # A system and its project compete by rank alone, whichever tier each matched in
            # ("Fælles Medicinkort" and "Fælles Medicinkort (projekt)").
            partners = [h for h in ordered if key[h][0] == key[top[0]][0] and h not in top]
            for other in partners if len(top) == 1 else ():
                pair = self._system_or_project([top[0], other], purpose)
                if len(pair) == 1:
                    top = pair
                    break
            top = self._system_or_project(top, purpose)
            if len(top) > 1:
                raise AmbiguousName(
                    name, [Candidate(**self.candidate(h)) for h in top[:_CANDIDATES_SHOWN]]
                )
            also = [self.candidate(h) for h in ordered if h != top[0]][:_ALSO_SHOWN]
            return Resolution(top[0], group[top[0]], also)
        close = [(i, s) for i, s in self.fuzzy(text, limit=8) if self.rank(i, purpose) < 99]
        if fuzzy and close and close[0][1] >= _FUZZY_ACCEPT:
            # Entities sharing the closest name tie; the purpose decides between them.
            best = [i for i, score in close if score == close[0][1]]
            runner_up = next((score for _, score in close if score < close[0][1]), 0.0)
            ranked = sorted(best, key=lambda i: (self.rank(i, purpose), i))
            top = self._system_or_project(
                [i for i in ranked if self.rank(i, purpose) == self.rank(ranked[0], purpose)],
                purpose,
            )
            if len(top) == 1 and runner_up < close[0][1] - 4:
                also = [self.candidate(i) for i in ranked if i != top[0]]
                return Resolution(top[0], "fuzzy", also)
        # Only names nearly as close as the closest: a clear "did you mean" over a long list.
        near = [i for i, score in close if score >= close[0][1] - 15] if close else []
        raise NotFound(name, [self.candidate(i) for i in near[:5]])

    def search(self, text: str, limit: int = 20, *, purpose: str = "any") -> list[str]:
        """Entities matching ``text``, best tier first, then by purpose and label.

        Falls back to the closest names (fuzzy) when no tier matches.
        """
        if not normalise(text):
            return []
        found: list[str] = []
        seen: set[str] = set()
        for whole in (text.strip(), DATA + text.strip()):
            if whole in self.index.nodes and self.index.is_entity(whole):
                found.append(whole)
                seen.add(whole)
        for _, hits in self.tiers(text):
            fresh = [h for h in self._order(hits - seen, purpose) if self.rank(h, purpose) < 99]
            found += fresh
            seen.update(fresh)
            if len(found) >= limit:
                break
        if not found:
            found = [i for i, _ in self.fuzzy(text, limit) if self.rank(i, purpose) < 99]
        return found[:limit]


def name_index(index: GovIndex) -> NameIndex:
    """The name index of ``index``: built on first use, once per store generation."""
    return index.memo("graph.resolve.NameIndex", lambda: NameIndex(index))


def resolve_match(
    index: GovIndex, name: str, *, purpose: str = "any", fuzzy: bool = False
) -> Resolution:
    """Resolve ``name`` for a question with ``purpose`` and say how it matched.

    Parameters
    ----------
    index : GovIndex
    name : str
        An id, IRI, label or alias, in any language, inflected or not.
    purpose : {"any", "who_decides", "impact"}
        What the name is for: it ranks the candidates of the best tier.
    fuzzy : bool
        Accept one clearly closest misspelt name instead of raising :class:`NotFound`.

    Returns
    -------
    Resolution
        The IRI, the tier it matched in, and ``also``: the other entities of that tier.

    Raises
    ------
    NotFound
        Nothing matches; ``suggestions`` are the closest names (``{id, label, type,
        organisation}``).
    AmbiguousName
        Several entities of the same rank match; ``candidates`` lists them.

    Examples
    --------
    >>> from tests.support import sample_store
    >>> from graph.index import index_of
    >>> found = resolve_match(index_of(sample_store()), "digitale styregrupper")
    >>> local_id(found.iri), found.tier
    ('ds', 'inflected')
    """
    if purpose in PURPOSES:
        text = name.strip()
        for whole in (text, DATA + text):  # an id needs no name index
            if whole in index.nodes and index.types_of(whole):
                return Resolution(whole, "id")
    return name_index(index).match(name, purpose=purpose, fuzzy=fuzzy)


def resolve(index: GovIndex, name: str, *, purpose: str = "any") -> str:
    """Resolve ``name`` (id, IRI, label or alias in any language and inflection) to one IRI.

    >>> from graph.index import GovIndex
    >>> from ontology.terms import Literal, iri
    >>> idx = GovIndex([(iri("dso"), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    ...                  "http://www.w3.org/ns/org#OrganizationalCollaboration"),
    ...                 (iri("dso"), "http://www.w3.org/2004/02/skos/core#prefLabel",
    ...                  Literal("Digital Sundhed Øst", lang="da"))])
    >>> resolve(idx, "digital sundhed ost")
    'https://w3id.org/govgraph/id/dso'
    """
    return resolve_match(index, name, purpose=purpose).iri
