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
from ontology.terms import GG, RDF_TYPE, RDFS

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
    found: set[str] = set()
    for module in (vocab, portfolio_terms):
        for name, value in vars(module).items():
            if not name.isupper():
                continue
            values = value.values() if isinstance(value, dict) else value
            if isinstance(value, str):
                values = (value,)
            elif not isinstance(value, dict | frozenset | set):
                continue
            found.update(v for v in values if isinstance(v, str) and _is_property(v))
    found.update(_ontology_predicates())
    found.update(_STORE_OWN)
    rest = sorted(found - set(LARGEST))
    return tuple(f"<{iri}>" for iri in (*LARGEST, *rest))


def _ontology_predicates() -> set[str]:
    """The predicates of the ontology files and the properties they declare (read with
    pyoxigraph: a few milliseconds, where rdflib would take a second to import)."""
    import pyoxigraph as ox

    found: set[str] = set()
    for name in ONTOLOGY_FILES:
        path = ONTOLOGY_DIR / name
        if not path.exists():
            continue
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            predicate = triple.predicate.value
            found.add(predicate)
            declared = predicate == RDF_TYPE and triple.object.value in _PROPERTY_CLASSES
            if declared or predicate == RDFS + "subPropertyOf":
                found.add(triple.subject.value)
    return found


def _is_property(term: str) -> bool:
    local = _LOCAL.search(term)
    return term.startswith(("http://", "https://")) and local is not None and local[1][:1].islower()


__all__ = ["LARGEST", "known_predicates"]
