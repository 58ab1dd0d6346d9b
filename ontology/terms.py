"""RDF terms as plain values, independent of any RDF library.

IRIs are ``str``; literals are :class:`Literal`. Every store converts to and from these, so the
query layer never depends on pyoxigraph, rdflib or a Neo4j driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

GG = "https://w3id.org/govgraph/ontology#"
DATA = "https://w3id.org/govgraph/id/"
CONCEPT = "https://w3id.org/govgraph/concept/"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCT = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"

PREFIXES: dict[str, str] = {
    "gg": GG,
    "ggd": DATA,
    "org": ORG,
    "skos": SKOS,
    "prov": PROV,
    "dct": DCT,
    "dcat": DCAT,
    "foaf": FOAF,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
}

RDF_TYPE = RDF + "type"


@dataclass(frozen=True, slots=True)
class Literal:
    """An RDF literal. ``datatype`` is ``None`` for plain strings and language-tagged strings."""

    value: str
    lang: str | None = None
    datatype: str | None = None

    def __str__(self) -> str:
        return self.value


Term: TypeAlias = str | Literal
Triple: TypeAlias = tuple[str, str, Term]


def iri(local_id: str) -> str:
    """Return the IRI of a data id.

    >>> iri("ds")
    'https://w3id.org/govgraph/id/ds'
    """
    return DATA + local_id


def local_id(value: str) -> str:
    """Return the short id of an IRI in the data namespace, else the IRI itself.

    >>> local_id("https://w3id.org/govgraph/id/ds")
    'ds'
    >>> local_id("http://example.org/x")
    'http://example.org/x'
    """
    return value[len(DATA) :] if value.startswith(DATA) else value


def concept(scheme: str, slug: str) -> str:
    """Return the IRI of a concept in one of the govgraph schemes.

    >>> concept("action", "decide")
    'https://w3id.org/govgraph/concept/action/decide'
    """
    return f"{CONCEPT}{scheme}/{slug}"


def concept_slug(value: str) -> str:
    """Return the last path segment of a concept IRI.

    >>> concept_slug("https://w3id.org/govgraph/concept/criticality/high")
    'high'
    """
    return value.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def compact(value: str) -> str:
    """Abbreviate an IRI with the known prefixes.

    >>> compact("http://www.w3.org/ns/org#reportsTo")
    'org:reportsTo'
    """
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def expand(value: str) -> str:
    """Expand a prefixed name; leave full IRIs as they are.

    >>> expand("org:reportsTo")
    'http://www.w3.org/ns/org#reportsTo'
    """
    prefix, sep, rest = value.partition(":")
    if sep and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return value
