"""The SHACL shapes (``shapes.ttl`` and its parts) read into plain Python objects.

The shapes are parsed with pyoxigraph (no rdflib): :mod:`ontology.shape_check` evaluates them
natively over a batch's triples. Every constraint parameter a shape uses is either understood
here (:data:`CORE`) or listed in :attr:`ShapeSet.uncovered`, so a shape the native checker
cannot evaluate is never silently skipped (the loader then hands it to pyshacl).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ontology import MORE_SHAPES_FILES, ONTOLOGY_DIR, ONTOLOGY_FILES, SHAPES_FILE
from ontology.terms import RDF, RDF_TYPE, RDFS, SH, Literal, Term, Triple

RDF_FIRST, RDF_REST, RDF_NIL = RDF + "first", RDF + "rest", RDF + "nil"
SUBCLASS = RDFS + "subClassOf"
_LANG_STRING = RDF + "langString"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _words(namespace: str, text: str) -> list[str]:
    return [namespace + word for word in text.split()]


#: constraint parameters evaluated natively (their values are read from the shape)
CORE = frozenset(
    _words(
        SH,
        "minCount maxCount class datatype languageIn uniqueLang in nodeKind minLength maxLength "
        "pattern flags disjoint equals hasValue qualifiedValueShape qualifiedMinCount "
        "qualifiedMaxCount or not and node minInclusive maxInclusive minExclusive maxExclusive",
    )
)
#: parameters that describe a shape rather than constrain it
DESCRIPTIVE = frozenset(
    _words(
        SH,
        "name message severity path property description order group targetClass "
        "targetSubjectsOf targetObjectsOf targetNode target sparql prefixes declare deactivated",
    )
) | {RDF_TYPE, RDFS + "comment", RDFS + "label"}

# A path: ("p", iri) a predicate, ("inv", iri) an inverse, ("seq", (path, ...)) a sequence.
PathExpr = tuple[str, object]


@dataclass
class Shape:
    """One node or property shape (named or anonymous)."""

    node: str
    name: str
    message: str | None = None
    severity: str = "error"
    path: PathExpr | None = None
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    target_classes: list[str] = field(default_factory=list)
    target_subjects_of: list[str] = field(default_factory=list)
    target_objects_of: list[str] = field(default_factory=list)
    target_nodes: list[Term] = field(default_factory=list)
    sparql: bool = False  # a SPARQL-based constraint and target (see shape_sparql)

    @property
    def rule(self) -> str:
        return self.name.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class ShapeSet:
    shapes: list[Shape]  # the shapes with targets (the ones that select focus nodes)
    uncovered: list[tuple[str, str]]  # (shape rule, parameter) the native checker lacks
    subclasses: dict[str, set[str]]  # class -> every class that is a subclass of it (itself too)
    ontology: list[Triple]  # the ontology's axioms, mixed into every data graph (as pyshacl does)


def parse_turtle(path: Path) -> list[Triple]:
    """Triples of a Turtle file; blank nodes as ``_:id`` (unique to this parse)."""
    import pyoxigraph as ox

    out: list[Triple] = []
    prefix = f"_:{path.stem}-"
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, o = quad.subject, quad.object
        subject = prefix + s.value if isinstance(s, ox.BlankNode) else s.value
        obj: Term
        if isinstance(o, ox.BlankNode):
            obj = prefix + o.value
        elif isinstance(o, ox.Literal):
            dt = o.datatype.value
            plain = dt in (_XSD_STRING, _LANG_STRING)
            obj = Literal(o.value, lang=o.language, datatype=None if plain else dt)
        else:
            obj = o.value
        out.append((subject, quad.predicate.value, obj))
    return out


class _Reader:
    def __init__(self, triples: list[Triple]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = {}
        for s, p, o in triples:
            self.out.setdefault(s, {}).setdefault(p, []).append(o)
        self.uncovered: list[tuple[str, str]] = []
        self.cache: dict[str, Shape] = {}

    def one(self, node: str, p: str) -> Term | None:
        values = self.out.get(node, {}).get(p, [])
        return values[0] if values else None

    def items(self, node: Term) -> list[Term]:
        """The members of an RDF list."""
        out: list[Term] = []
        while isinstance(node, str) and node != RDF_NIL:
            first = self.one(node, RDF_FIRST)
            if first is None:
                break
            out.append(first)
            node = self.one(node, RDF_REST) or RDF_NIL
        return out

    def path(self, node: Term) -> PathExpr:
        assert isinstance(node, str)
        if not node.startswith("_:"):
            return ("p", node)
        inverse = self.one(node, SH + "inversePath")
        if isinstance(inverse, str):
            return ("inv", inverse)
        members = self.items(node)
        if members:
            return ("seq", tuple(self.path(m) for m in members))
        self.uncovered.append((node, "path"))
        return ("p", node)

    def shape(self, node: str) -> Shape:
        if node in self.cache:
            return self.cache[node]
        props = self.out.get(node, {})
        name = self.one(node, SH + "name")
        messages = [m for m in props.get(SH + "message", []) if isinstance(m, Literal)]
        english = [m.value for m in messages if m.lang in (None, "en")]
        severity = self.one(node, SH + "severity")
        shape = Shape(
            node=node,
            name=str(name) if name is not None else node,
            message=next(iter(english or [m.value for m in messages]), None),
            severity={SH + "Warning": "warning", SH + "Info": "info"}.get(str(severity), "error"),
        )
        self.cache[node] = shape
        if SH + "path" in props:
            shape.path = self.path(props[SH + "path"][0])
        shape.target_classes = [str(c) for c in props.get(SH + "targetClass", [])]
        shape.target_subjects_of = [str(c) for c in props.get(SH + "targetSubjectsOf", [])]
        shape.target_objects_of = [str(c) for c in props.get(SH + "targetObjectsOf", [])]
        shape.target_nodes = list(props.get(SH + "targetNode", []))
        shape.sparql = SH + "sparql" in props
        if shape.sparql != (SH + "target" in props):
            self.uncovered.append((shape.rule, "target" if shape.sparql else "sparql"))
        for p, values in props.items():
            if p in DESCRIPTIVE:
                continue
            if p not in CORE:
                self.uncovered.append((shape.rule, p))
                continue
            for value in values:
                shape.constraints.append((p, self.parameter(shape, p, value)))
        shape.properties = [self.shape(str(n)) for n in props.get(SH + "property", [])]
        return shape

    def parameter(self, shape: Shape, p: str, value: Term) -> object:
        if p in (SH + "languageIn", SH + "in"):
            return tuple(self.items(value))
        if p in (SH + "or", SH + "and"):
            return tuple(self.shape(str(m)) for m in self.items(value))
        if p in (SH + "not", SH + "node", SH + "qualifiedValueShape"):
            return self.shape(str(value))
        if p in (SH + "minCount", SH + "maxCount", SH + "minLength", SH + "maxLength") or p in (
            SH + "qualifiedMinCount",
            SH + "qualifiedMaxCount",
        ):
            return int(str(value))
        if p == SH + "pattern":
            flags = self.one(shape.node, SH + "flags")
            return (str(value), str(flags) if flags is not None else "")
        return value


def subclasses(ontology: list[Triple]) -> dict[str, set[str]]:
    parents: dict[str, set[str]] = {}
    for s, p, o in ontology:
        if p == SUBCLASS and isinstance(o, str):
            parents.setdefault(s, set()).add(o)
    below: dict[str, set[str]] = {}
    for cls in parents:
        seen, todo = {cls}, [cls]
        while todo:
            for up in parents.get(todo.pop(), ()):
                if up not in seen:
                    seen.add(up)
                    todo.append(up)
        for up in seen:
            below.setdefault(up, {up}).add(cls)
    return below


_OWL = "http://www.w3.org/2002/07/owl#"
_INOCULATED_CLASSES = frozenset(
    _words(RDFS, "Class Container ContainerMembershipProperty Datatype Literal Resource")
    + _words(
        _OWL,
        (
            "AllDifferent AllDisjointClasses AllDisjointProperties Annotation AnnotationProperty "
            "AsymmetricProperty Axiom Class DataRange DatatypeProperty DeprecatedClass "
            "DeprecatedProperty FunctionalProperty InverseFunctionalProperty IrreflexiveProperty "
            "NamedIndividual NegativePropertyAssertion ObjectProperty Ontology OntologyProperty "
            "ReflexiveProperty Restriction SymmetricProperty TransitiveProperty"
        ),
    )
)
_INOCULATED_PROPERTIES = frozenset(
    _words(RDFS, "comment domain isDefinedBy label member range seeAlso subClassOf subPropertyOf")
    + _words(
        _OWL,
        (
            "allValuesFrom annotatedProperty annotatedSource annotatedTarget assertionProperty "
            "cardinality complementOf datatypeComplementOf differentFrom disjointUnionOf "
            "disjointWith distinctMembers equivalentClass equivalentProperty hasKey hasSelf "
            "hasValue intersectionOf inverseOf maxCardinality maxQualifiedCardinality members "
            "minCardinality minQualifiedCardinality onClass onDataRange onDatatype onProperties "
            "onProperty oneOf propertyChainAxiom propertyDisjointWith qualifiedCardinality sameAs "
            "someValuesFrom sourceIndividual targetIndividual targetValue unionOf "
            "withRestrictions backwardCompatibleWith deprecated incompatibleWith priorVersion "
            "versionInfo bottomDataProperty topDataProperty bottomObjectProperty "
            "topObjectProperty imports versionIRI"
        ),
    )
)


def inoculated(ontology: list[Triple]) -> list[Triple]:
    """The part of the ontology pyshacl mixes into the data graph (``ont_graph``): the RDFS and
    OWL axioms (class and property declarations, ``rdfs:subClassOf`` ...) with the blank nodes
    they use, not the concepts' own statements (pyshacl's ``inoculate``)."""
    by_subject: dict[str, list[Triple]] = {}
    for t in ontology:
        by_subject.setdefault(t[0], []).append(t)
    kept: list[Triple] = []
    blanks: list[str] = []
    for s, p, o in ontology:
        if (p == RDF_TYPE and o in _INOCULATED_CLASSES) or p in _INOCULATED_PROPERTIES:
            kept.append((s, p, o))
            blanks += [n for n in (s, o) if isinstance(n, str) and n.startswith("_:")]
    seen: set[str] = set()
    while blanks:
        node = blanks.pop()
        if node in seen:
            continue
        seen.add(node)
        for s, p, o in by_subject.get(node, []):
            kept.append((s, p, o))
            if isinstance(o, str) and o.startswith("_:"):
                blanks.append(o)
    return list(dict.fromkeys(kept))


@lru_cache(maxsize=1)
def shape_set() -> ShapeSet:
    """The shapes of ``shapes.ttl`` and its parts, with the ontology they are checked against."""
    shape_triples: list[Triple] = []
    for name in (SHAPES_FILE, *MORE_SHAPES_FILES):
        shape_triples += parse_turtle(ONTOLOGY_DIR / name)
    ontology: list[Triple] = []
    for name in ONTOLOGY_FILES:
        if (ONTOLOGY_DIR / name).exists():
            ontology += parse_turtle(ONTOLOGY_DIR / name)
    reader = _Reader(shape_triples)
    targets = _words(SH, "targetClass targetSubjectsOf targetObjectsOf targetNode target")
    roots = sorted({s for s, p, _ in shape_triples if p in targets and not s.startswith("_:")})
    shapes = [reader.shape(node) for node in roots]
    mixed = inoculated(ontology)
    return ShapeSet(shapes, reader.uncovered, subclasses(mixed), mixed)
