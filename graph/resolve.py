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

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from graph.index import GovIndex
from graph.name_table import NameTable, carried, load_rows, save_rows
from graph.names import normalise
from ontology import vocab as v
from ontology.errors import AmbiguousName, Candidate, InvalidArgument, NotFound
from ontology.terms import DATA

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
#: the :meth:`GovIndex.memo` key of the name index
NAME_INDEX_KEY = "graph.resolve.NameIndex"
_FUZZY_ACCEPT = 88.0


@dataclass(frozen=True)
class Resolution:
    """The entity a name denotes, how it matched, and the other entities it could have meant."""

    iri: str
    tier: str
    also: list[dict[str, Any]] = field(default_factory=list)


class NameIndex(NameTable):
    """The name table with ranking by purpose and the two entry points (match, search)."""

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
    """The name index of ``index``: built on first use (or read from beside the persisted
    projection, and saved there once built); after a write, carried from the index
    before it (the touched entities' names read again, :func:`graph.name_table.carried`)."""
    return index.memo(NAME_INDEX_KEY, lambda: _opened(index), patch=_carried)


def _opened(index: GovIndex) -> NameIndex:
    folder = index.folder
    rows = None if folder is None else load_rows(folder)
    table = NameIndex(index, rows=rows)
    if rows is None and folder is not None:
        save_rows(folder, table.flat_rows())  # for the next cold process
        # Answer from the file too: the same lookups, without half a gigabyte of Python sets
        # on a national graph.
        saved = load_rows(folder)
        if saved is not None:
            table = NameIndex(index, rows=saved)
    return table


def _carried(table: NameIndex, index: GovIndex, touched: Any) -> NameIndex | None:
    return carried(table, index, touched)


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
    >>> from ontology.terms import local_id
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
