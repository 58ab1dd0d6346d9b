"""Which predicates :mod:`graph.projection_build` reads first, and in which order.

Counting the predicates a store holds is a scan of every quad (0.7 s of CPU at 2.5M triples)
before any read can start. The build reads the predicates govgraph knows instead, at once
(those :mod:`ontology.vocab` names, those the ontology files use or declare, and the store's
own), and counts the rows it read against the store's quad count (``len``, a scan of keys
that decodes nothing: 0.3 s, beside the reads); only when they differ (a predicate govgraph
does not know) does it ask the store for its predicates and read the others.
"""

from __future__ import annotations

import functools
import re

from ontology import ONTOLOGY_DIR, ONTOLOGY_FILES, portfolio_terms, vocab
from ontology.terms import GG, RDF_TYPE, RDFS, concept

#: the largest predicates of a national graph (five triples per dependency, four per
#: mandate), read first so that no large read is left to run alone at the end
LARGEST = (
    RDF_TYPE,
    vocab.DEPENDENT,
    vocab.PREREQUISITE,
    vocab.DEPENDENCY_TYPE,
    vocab.CRITICALITY,
    vocab.ACTION,
    vocab.PREF_LABEL,
    vocab.HOLDER,
    vocab.SCOPE,
    vocab.RELATION_KEYS["owner"],
    vocab.RELATION_KEYS["domain"],
)
_LOCAL = re.compile(r"[#/]([^#/]*)$")
#: the store's own facts (:mod:`graph.load`: its generation, the ontology's content hash)
_STORE_OWN = (GG + "generation", GG + "contentHash")
#: the scheme of the concepts each of these predicates points at
_SCHEMES = {
    vocab.DEPENDENCY_TYPE: "dependency-type",
    vocab.CRITICALITY: "criticality",
    vocab.ACTION: "action",
    vocab.MANDATE_STATUS: "mandate-status",
}
#: the classes of what the ontology files declare classes
_CLASS_CLASSES = {
    "http://www.w3.org/2000/01/rdf-schema#Class",
    "http://www.w3.org/2002/07/owl#Class",
}
#: classes of the properties the ontology files declare
_PROPERTY_CLASSES = {
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property",
    "http://www.w3.org/2002/07/owl#ObjectProperty",
    "http://www.w3.org/2002/07/owl#DatatypeProperty",
    "http://www.w3.org/2002/07/owl#AnnotationProperty",
}


@functools.cache
def known_predicates() -> tuple[str, ...]:
    """The predicates govgraph knows, as SPARQL writes them (``<iri>``), the :data:`LARGEST`
    first: those :mod:`ontology.vocab` and :mod:`ontology.portfolio_terms` name (terms whose
    local name starts in lower case), those the ontology files use or declare (every store
    holds the ontology, :mod:`graph.load`) and the store's own.

    >>> known_predicates()[:2]
    ('<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>', '<https://w3id.org/govgraph/ontology#dependent>')
    """
    predicates, _ = _known_terms()
    rest = sorted(predicates - set(LARGEST))
    return tuple(f"<{iri}>" for iri in (*LARGEST, *rest))


@functools.cache
def known_objects() -> dict[str, tuple[str, ...]]:
    """Per predicate whose objects govgraph names (``rdf:type``: the classes; a kind, a
    criticality, an action: the concepts of its scheme), those objects, all as SPARQL writes
    them. The build reads these one object at a time without asking the store for the
    predicate's distinct objects first (a scan of all its rows).

    >>> known_objects()["<https://w3id.org/govgraph/ontology#criticality>"][:1]
    ('<https://w3id.org/govgraph/concept/criticality/critical>',)
    """
    _, classes = _known_terms()
    found = {RDF_TYPE: sorted(classes)}
    for predicate, scheme in _SCHEMES.items():
        found[predicate] = [concept(scheme, slug) for slug in vocab.CONCEPT_SCHEMES[scheme]]
    return {f"<{p}>": tuple(f"<{o}>" for o in objects) for p, objects in found.items()}


@functools.cache
def _known_terms() -> tuple[set[str], set[str]]:
    """``(predicates, classes)`` govgraph knows (see :func:`known_predicates`)."""
    predicates: set[str] = set(_STORE_OWN)
    classes: set[str] = set()
    for module in (vocab, portfolio_terms):
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            if isinstance(value, dict):
                values = [*value, *value.values()]
            elif isinstance(value, frozenset | set):
                values = list(value)
            else:
                values = [value]
            for term in values:
                if isinstance(term, str) and term.startswith(("http://", "https://")):
                    local = _LOCAL.search(term)
                    if local is not None and local[1][:1].islower():
                        predicates.add(term)
                    elif local is not None and local[1][:1].isupper():
                        classes.add(term)
    _read_ontology(predicates, classes)
    return predicates, classes


def _read_ontology(predicates: set[str], classes: set[str]) -> None:
    """Adds the predicates the ontology files use or declare, and the classes they use or
    declare (read with pyoxigraph: a few milliseconds, where rdflib takes a second to import)."""
    import pyoxigraph as ox

    for name in ONTOLOGY_FILES:
        path = ONTOLOGY_DIR / name
        if not path.exists():
            continue
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            predicate, subject, obj = triple.predicate.value, triple.subject, triple.object
            predicates.add(predicate)
            if predicate == RDF_TYPE and isinstance(obj, ox.NamedNode):
                classes.add(obj.value)
                if obj.value in _PROPERTY_CLASSES and isinstance(subject, ox.NamedNode):
                    predicates.add(subject.value)
                elif obj.value in _CLASS_CLASSES and isinstance(subject, ox.NamedNode):
                    classes.add(subject.value)
            elif predicate == RDFS + "subPropertyOf" and isinstance(subject, ox.NamedNode):
                predicates.add(subject.value)
            elif predicate == RDFS + "subClassOf" and isinstance(subject, ox.NamedNode):
                classes.add(subject.value)


__all__ = ["LARGEST", "known_objects", "known_predicates"]
