"""Resolve what a user types to one entity: by id, label or alias, in any language."""

from __future__ import annotations

import difflib
import re
import unicodedata
import weakref

from graph.index import GovIndex
from ontology.errors import AmbiguousName, Candidate, NotFound
from ontology.terms import DATA, local_id

_TRANSLIT = str.maketrans({"ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ł": "l"})


def normalise(text: str) -> str:
    """Fold case, accents and punctuation so that names match the way people type them.

    >>> normalise("Digital Sundhed, Øst")
    'digital sundhed ost'
    >>> normalise("DSØ") == normalise("dso")
    True
    """
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLIT))
    stripped = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w]+", " ", stripped).split())


def names_of(index: GovIndex, iri: str) -> set[str]:
    names = {local_id(iri), *index.labels(iri).values(), *index.alt_labels(iri)}
    return {n for n in (normalise(x) for x in names) if n}


class NameIndex:
    """Normalised names -> entity IRIs, built once per :class:`GovIndex`."""

    def __init__(self, index: GovIndex) -> None:
        self.index = index
        self.by_name: dict[str, set[str]] = {}
        for iri in index.entities():
            for name in names_of(index, iri):
                self.by_name.setdefault(name, set()).add(iri)

    def resolve(self, name: str) -> str:
        """Return the IRI ``name`` denotes.

        Raises
        ------
        NotFound
            Nothing matches (with close names as suggestions).
        AmbiguousName
            Several entities match; the candidates are listed.
        """
        text = name.strip()
        for candidate in (text, DATA + text):
            if candidate in self.index.nodes and self.index.node(candidate).types:
                return candidate
        hits = self.by_name.get(normalise(text), set())
        if len(hits) == 1:
            return next(iter(hits))
        if len(hits) > 1:
            raise AmbiguousName(
                name,
                [
                    Candidate(local_id(h), self.index.label(h), self.index.type_name(h))
                    for h in sorted(hits)
                ],
            )
        close = difflib.get_close_matches(normalise(text), list(self.by_name), n=3, cutoff=0.75)
        suggestions = sorted({local_id(i) for c in close for i in self.by_name[c]})
        raise NotFound(name, suggestions)

    def search(self, text: str, limit: int = 20) -> list[str]:
        """Entities whose names contain ``text`` (normalised), best matches first."""
        query = normalise(text)
        if not query:
            return []
        scored: dict[str, int] = {}
        for name, iris in self.by_name.items():
            if query not in name:
                continue
            score = 0 if name == query else 1 if name.startswith(query) else 2
            for iri in iris:
                scored[iri] = min(score, scored.get(iri, 3))
        return sorted(scored, key=lambda i: (scored[i], self.index.label(i).casefold()))[:limit]


_NAMES: weakref.WeakKeyDictionary[GovIndex, NameIndex] = weakref.WeakKeyDictionary()


def name_index(index: GovIndex) -> NameIndex:
    """The name index of ``index``, built on first use."""
    names = _NAMES.get(index)
    if names is None:
        with index.lock:  # concurrent cold requests build it once
            names = _NAMES.get(index)
            if names is None:
                names = _NAMES[index] = NameIndex(index)
    return names


def resolve(index: GovIndex, name: str) -> str:
    """Resolve ``name`` (id, IRI, label or alias in any language) to one IRI.

    >>> from graph.index import GovIndex
    >>> from ontology.terms import Literal, iri
    >>> idx = GovIndex([(iri("dso"), "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    ...                  "http://www.w3.org/ns/org#OrganizationalCollaboration"),
    ...                 (iri("dso"), "http://www.w3.org/2004/02/skos/core#prefLabel",
    ...                  Literal("Digital Sundhed Øst", lang="da"))])
    >>> resolve(idx, "digital sundhed ost")
    'https://w3id.org/govgraph/id/dso'
    """
    return name_index(index).resolve(name)
