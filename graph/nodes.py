"""What :class:`graph.index.GovIndex` hands out: :class:`Node` objects made from the projection
on access, and the mapping views ``index.nodes`` and ``index.incoming`` over it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from ontology import vocab as v
from ontology.terms import OWL, RDF, RDFS, SKOS, Literal, compact

if TYPE_CHECKING:
    from graph.index import GovIndex
    from graph.projection import Projection

T = TypeVar("T")

#: one subject's facts: ``(classes, ((predicate, objects), ...), ((predicate, ((value, lang,
#: datatype), ...)), ...))``, nothing but tuples of strings, which the cyclic garbage collector
#: stops tracking after one pass: a cache of many costs its full collections (pauses of tens of
#: milliseconds once the caches hold some ten objects per node) nothing
Facts = tuple[
    tuple[str, ...],
    tuple[tuple[str, tuple[str, ...]], ...],
    tuple[tuple[str, tuple[tuple[str, str | None, str | None], ...]], ...],
]
NO_FACTS: Facts = ((), (), ())

GENERIC_TYPES = {
    v.ORGANIZATION: "organisation",
    v.ORG_ROLE: "role",
    SKOS + "Concept": "concept",
}
#: classes of what users do not name or look at (citations, periods, ontology terms)
HIDDEN_TYPES = {
    v.CITATION,
    v.PERIOD,
    OWL + "Class",
    OWL + "ObjectProperty",
    OWL + "DatatypeProperty",
    OWL + "AnnotationProperty",
    OWL + "TransitiveProperty",
    OWL + "Ontology",
    RDFS + "Class",
    SKOS + "ConceptScheme",
    SKOS + "Concept",
    RDF + "Property",
    RDFS + "Datatype",
    OWL + "NamedIndividual",
    OWL + "SymmetricProperty",
    OWL + "FunctionalProperty",
}


def type_name_of(types: set[str]) -> str:
    """The type an answer shows for a thing of classes ``types``.

    >>> type_name_of({v.CITATION}), type_name_of(set())
    ('citation', 'unknown')
    """
    for cls in sorted(types):
        if cls in v.CLASS_TYPES:
            return v.CLASS_TYPES[cls]
        if cls in v.FACT_TYPES:
            return v.FACT_TYPES[cls]
    for cls in sorted(types):
        if cls in GENERIC_TYPES:
            return GENERIC_TYPES[cls]
    return compact(sorted(types)[0]) if types else "unknown"


def pick(pairs: tuple[tuple[str, tuple[T, ...]], ...], predicate: str) -> tuple[T, ...]:
    """The values of ``predicate`` among a subject's ``(predicate, values)`` pairs."""
    for p, found in pairs:
        if p == predicate:
            return found
    return ()


def first_of(facts: Facts, predicate: str) -> str | None:
    """:meth:`Node.first` of these facts: the first object of ``predicate``, else its first
    literal value."""
    found = pick(facts[1], predicate)
    if found:
        return found[0]
    values = pick(facts[2], predicate)
    return values[0][0] if values else None


def read_facts(projection: Projection, i: int) -> Facts:
    """The facts of subject ``i``, in stream order (one numpy pass over its rows)."""
    terms, type_id = projection.terms, projection.type_id
    types: list[str] = []
    links: dict[str, list[str]] = {}
    preds, objects = projection.out_rows(i)
    for p, o in zip(preds, objects, strict=True):
        if p == type_id:
            types.append(terms[o])
        else:
            links.setdefault(terms[p], []).append(terms[o])
    # The objects are the IRIs asked about next: their ids are known here, not searched later.
    projection.ids_known(objects)
    literals: dict[str, list[tuple[str, str | None, str | None]]] = {}
    rows = projection.literal_row_ids(i)
    if len(rows):
        values, tags = projection.values, projection.tags
        for r, p, g, k in zip(
            rows.tolist(),
            projection.lit_p[rows].tolist(),
            projection.lit_lang[rows].tolist(),
            projection.lit_type[rows].tolist(),
            strict=True,
        ):
            if p != type_id:
                literals.setdefault(terms[p], []).append(
                    (values[r], tags[g] if g >= 0 else None, tags[k] if k >= 0 else None)
                )
    return (
        tuple(types),
        tuple((p, tuple(found)) for p, found in links.items()),
        tuple((p, tuple(found)) for p, found in literals.items()),
    )


@dataclass(frozen=True)
class Citation:
    document: str
    quote: str
    predicate: str | None = None
    object: str | None = None


@dataclass
class Node:
    """One subject's classes, literals and relations (made from the projection; do not change
    it: the index may hand the same object to the next caller)."""

    iri: str
    types: set[str] = field(default_factory=set)
    literals: dict[str, list[Literal]] = field(default_factory=lambda: defaultdict(list))
    links: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def first(self, predicate: str) -> str | None:
        values = self.links.get(predicate) or self.literals.get(predicate)
        return str(values[0]) if values else None


#: nodes kept made per index: few, since each is some ten objects the garbage collector scans
#: and remaking one from its kept facts is cheap
_NODES_KEPT = 4_096


class NodesView(Mapping[str, Node]):
    """``index.nodes``: every subject as a :class:`Node`, materialised on access."""

    def __init__(self, index: GovIndex) -> None:
        self._index = index

    def __getitem__(self, iri: str) -> Node:
        made = self._index._made.get(iri)
        if made is not None:
            return made
        i = self._index.projection.ids.get(iri)
        if i is None or not self._index.projection.is_subject[i]:
            raise KeyError(iri)
        made = self._index._materialise(i)
        if len(self._index._made) >= _NODES_KEPT:
            self._index._made.clear()  # a bounded cache: start again rather than grow
        self._index._made[iri] = made
        return made

    def __contains__(self, iri: object) -> bool:
        i = self._index.projection.ids.get(iri) if isinstance(iri, str) else None
        return i is not None and bool(self._index.projection.is_subject[i])

    def __iter__(self) -> Iterator[str]:
        terms = self._index.projection.terms
        return (terms[i] for i in np.flatnonzero(self._index.projection.is_subject).tolist())

    def __len__(self) -> int:
        return int(self._index.projection.is_subject.sum())


class IncomingView(Mapping[str, list[tuple[str, str]]]):
    """``index.incoming``: ``(predicate, subject)`` of the relations pointing at an IRI."""

    def __init__(self, index: GovIndex) -> None:
        self._projection = index.projection

    def __getitem__(self, iri: str) -> list[tuple[str, str]]:
        i = self._projection.ids.get(iri)
        if i is None:
            raise KeyError(iri)
        preds, subjects = self._projection.in_rows(i)
        if not preds:
            raise KeyError(iri)
        terms = self._projection.terms
        self._projection.ids_known(subjects)  # asked about next
        return [(terms[p], terms[s]) for p, s in zip(preds, subjects, strict=True)]

    def __iter__(self) -> Iterator[str]:
        terms = self._projection.terms
        counts = np.diff(self._projection.in_ptr)
        return (terms[i] for i in np.flatnonzero(counts).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(np.diff(self._projection.in_ptr)))


def labels_by_subject(projection: Projection, predicates: list[int]) -> dict[int, dict[str, str]]:
    """``subject id -> {language ("" for none): label}`` over the label ``predicates`` in order,
    the first of each language kept (as :meth:`GovIndex.labels`), read by predicate."""
    found: dict[int, dict[str, str]] = defaultdict(dict)
    tags, values = projection.tags, projection.values
    for pred in predicates:
        rows = np.flatnonzero(projection.lit_p == pred)
        for i, r, g in zip(
            projection.lit_s[rows].tolist(),
            rows.tolist(),
            projection.lit_lang[rows].tolist(),
            strict=True,
        ):
            found[i].setdefault(tags[g] or "" if g >= 0 else "", values[r])
    return found


def choose_label(labels: dict[str, str], lang: str | None) -> str | None:
    """The label in ``lang``, else the original language (``None`` without labels).

    >>> choose_label({"en": "Board", "da": "Bestyrelse"}, "en"), choose_label({}, "en")
    ('Board', None)
    """
    if lang and lang in labels:
        return labels[lang]
    for choice in ("da", "nb", "", "en", *sorted(labels)):
        if choice in labels:
            return labels[choice]
    return None


def read_citations(projection: Projection) -> dict[str, list[Citation]]:
    """Every citation in the projection, by the IRI of what it is about, in one order
    whatever order the store's triples came in (each citation's facts read once, not kept)."""
    from ontology import vocab as v

    citations: dict[str, list[Citation]] = defaultdict(list)
    cite_class = projection.ids.get(v.CITATION)
    if cite_class is not None and projection.type_id >= 0:
        for cite_id in projection.subjects_of(projection.type_id, cite_class).tolist():
            cite = read_facts(projection, cite_id)
            about = first_of(cite, v.CITE_ABOUT)
            doc = first_of(cite, v.CITE_SOURCE)
            quote = first_of(cite, v.QUOTE)
            if about and doc and quote is not None:
                citations[about].append(
                    Citation(
                        doc, quote, first_of(cite, v.CITE_PREDICATE), first_of(cite, v.CITE_OBJECT)
                    )
                )
    for cites in citations.values():
        cites.sort(key=lambda c: (c.document, c.predicate or "", c.object or "", c.quote))
    return citations
