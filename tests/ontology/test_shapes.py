"""Tests for the govgraph ontology, concept schemes and SHACL shapes.

The shapes run exactly as the loader runs them: pyshacl with the ontology and concepts as
``ont_graph``, no inference, SHACL-AF on, warnings allowed. Each invalid fixture adds one
broken record to ``fixtures/base.ttl`` and must fail exactly one rule, on the expected focus
node, with the expected message.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SH

ROOT = Path(__file__).resolve().parents[2]
ONTOLOGY_DIR = ROOT / "ontology"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DOCS = ROOT / "docs" / "ontology.md"

GG = Namespace("https://w3id.org/govgraph/ontology#")
GGSH = Namespace("https://w3id.org/govgraph/shapes#")
ID = Namespace("https://w3id.org/govgraph/id/")
ORG = Namespace("http://www.w3.org/ns/org#")
DCT = Namespace("http://purl.org/dc/terms/")
CONCEPT = "https://w3id.org/govgraph/concept/"

ONTOLOGY_FILES = ("govgraph.ttl", "concepts.ttl", "shapes.ttl")


@cache
def load(name: str) -> Graph:
    return Graph().parse(ONTOLOGY_DIR / name, format="turtle")


@cache
def ontology_graph() -> Graph:
    """The ontology and the concept schemes: the ``ont_graph`` pyshacl mixes in."""
    graph = Graph()
    for name in ("govgraph.ttl", "concepts.ttl"):
        graph += load(name)
    return graph


def validate_graph(data: Graph) -> tuple[bool, list[dict[str, object]]]:
    """Validate as the loader does; return ``conforms`` and the results as dicts."""
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=load("shapes.ttl"),
        ont_graph=ontology_graph(),
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    results = [
        {
            "focus": report.value(result, SH.focusNode),
            "shape": report.value(result, SH.sourceShape),
            "severity": report.value(result, SH.resultSeverity),
            "messages": [str(m) for m in report.objects(result, SH.resultMessage)],
        }
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]
    return bool(conforms), results


def validate(*fixtures: str) -> tuple[bool, list[dict[str, object]]]:
    """Validate fixture files together."""
    data = Graph()
    for fixture in fixtures:
        data.parse(FIXTURES / fixture, format="turtle")
    return validate_graph(data)


# --- files parse ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ONTOLOGY_FILES)
def test_file_parses_in_rdflib(name: str) -> None:
    assert len(load(name)) > 100


@pytest.mark.parametrize("name", ONTOLOGY_FILES)
def test_file_parses_in_pyoxigraph(name: str) -> None:
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY_DIR / name), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(load(name))


def test_ontology_header() -> None:
    graph = load("govgraph.ttl")
    ontology = URIRef("https://w3id.org/govgraph/ontology")
    assert (ontology, RDF.type, OWL.Ontology) in graph
    for predicate in (DCT.title, DCT.description, OWL.versionInfo):
        assert graph.value(ontology, predicate) is not None, predicate


# --- the vocabulary ---------------------------------------------------------------------

OWN_CLASSES = [
    "Entity",
    "GoverningBody",
    "Mandate",
    "Domain",
    "ITSystem",
    "Initiative",
    "Project",
    "Portfolio",
    "Strategy",
    "Goal",
    "FocusArea",
    "Topic",
    "Dependency",
    "SourceDocument",
    "Citation",
    "Decision",
]

OWN_PROPERTIES = [
    "mandateStatus",
    "addressee",
    "restrictedTo",
    "actionRole",
    "editorial",
    "editorialKey",
    "editorialAltLabel",
    "secretariat",
    "establishedBy",
    "owner",
    "operator",
    "vendor",
    "inDomain",
    "inPortfolio",
    "governedBy",
    "delivers",
    "concerns",
    "supports",
    "uses",
    "holder",
    "grantedBy",
    "action",
    "scope",
    "excludes",
    "dependent",
    "prerequisite",
    "dependencyType",
    "criticality",
    "lagDays",
    "plannedStart",
    "plannedEnd",
    "goLive",
    "status",
    "title",
    "represents",
    "decidedBy",
    "about",
    "path",
    "external",
    "rank",
    "implies",
    "withinScope",
]


@pytest.mark.parametrize("term", OWN_CLASSES + OWN_PROPERTIES)
def test_own_term_is_declared_and_labelled(term: str) -> None:
    graph = load("govgraph.ttl")
    iri = GG[term]
    kinds = set(graph.objects(iri, RDF.type))
    assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, term
    languages = {label.language for label in graph.objects(iri, RDFS.label)}
    assert {"en", "da"} <= languages, term
    assert any(c.language == "en" for c in graph.objects(iri, RDFS.comment)), term
    assert graph.value(iri, RDFS.isDefinedBy) is not None, term


@pytest.mark.parametrize(
    ("child", "parent"),
    [
        (GG.GoverningBody, ORG.Organization),
        (GG.Project, GG.Initiative),
        (GG.SourceDocument, URIRef("http://www.w3.org/ns/prov#Entity")),
        (GG.SourceDocument, URIRef("http://xmlns.com/foaf/0.1/Document")),
        (GG.Citation, URIRef("http://www.w3.org/ns/prov#Entity")),
        (GG.Decision, URIRef("http://www.w3.org/ns/prov#Activity")),
    ],
)
def test_subclass_axioms(child: URIRef, parent: URIRef) -> None:
    assert (child, RDFS.subClassOf, parent) in load("govgraph.ttl")


def test_secretariat_specialises_linked_to() -> None:
    assert (GG.secretariat, RDFS.subPropertyOf, ORG.linkedTo) in load("govgraph.ttl")


def test_within_scope_properties() -> None:
    graph = load("govgraph.ttl")
    expected = {
        ORG.subOrganizationOf,
        ORG.unitOf,
        DCT.isPartOf,
        GG.inDomain,
        GG.inPortfolio,
        GG.owner,
        GG.concerns,
        GG.governedBy,
    }
    assert set(graph.subjects(RDFS.subPropertyOf, GG.withinScope)) == expected


def test_reused_terms_are_declared_not_redefined() -> None:
    graph = load("govgraph.ttl")
    for term in set(graph.subjects(RDF.type, None)):
        if isinstance(term, URIRef) and not str(term).startswith(
            ("https://w3id.org/govgraph/", str(GG))
        ):
            assert graph.value(term, RDFS.isDefinedBy) is not None, term
            assert graph.value(term, RDFS.label) is None, f"{term} is relabelled"


# --- concept schemes --------------------------------------------------------------------

SCHEMES = {
    GG.ActionScheme: (
        "action",
        "decide prioritise approve recommend advise follow_up set_direction "
        "allocate_resources implement coordinate deliver",
    ),
    GG.DependencyTypeScheme: (
        "dependency-type",
        "finish_to_start technical data resource governance supplier strategic",
    ),
    GG.CriticalityScheme: ("criticality", "critical high medium low"),
    GG.RoleScheme: ("role", "member chair vice_chair secretary participant"),
    GG.StatusScheme: ("status", "planned active completed retired"),
    GG.ActionRoleScheme: ("action-role", "decides advises implements follows_up"),
    GG.MandateStatusScheme: ("mandate-status", "in_force recommended planned ended"),
}


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_scheme_members(scheme: URIRef) -> None:
    graph = load("concepts.ttl")
    segment, slugs = SCHEMES[scheme]
    expected = {URIRef(f"{CONCEPT}{segment}/{slug}") for slug in slugs.split()}
    assert set(graph.subjects(SKOS.inScheme, scheme)) == expected
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph


def test_every_concept_has_labels_definition_and_notation() -> None:
    graph = load("concepts.ttl")
    concepts = set(graph.subjects(RDF.type, SKOS.Concept))
    assert len(concepts) == 39
    for concept in concepts:
        languages = {label.language for label in graph.objects(concept, SKOS.prefLabel)}
        assert languages == {"da", "nb", "en"}, concept
        assert any(d.language == "en" for d in graph.objects(concept, SKOS.definition))
        assert graph.value(concept, SKOS.notation) == Literal(str(concept).rsplit("/")[-1])
        assert graph.value(concept, SKOS.inScheme) in SCHEMES


def test_criticality_ranks() -> None:
    graph = load("concepts.ttl")
    ranks = {
        str(c).rsplit("/")[-1]: graph.value(c, GG.rank).toPython()
        for c in graph.subjects(SKOS.inScheme, GG.CriticalityScheme)
    }
    assert ranks == {"critical": 4, "high": 3, "medium": 2, "low": 1}


def test_roles_are_org_roles() -> None:
    graph = load("concepts.ttl")
    for role in graph.subjects(SKOS.inScheme, GG.RoleScheme):
        assert (role, RDF.type, ORG.Role) in graph


def test_action_implication() -> None:
    graph = load("concepts.ttl")
    action = Namespace(f"{CONCEPT}action/")
    implies = {(s, o) for s, o in graph.subject_objects(GG.implies)}
    assert implies == {
        (action.decide, action.prioritise),
        (action.decide, action.approve),
        (action.recommend, action.advise),
    }
    assert (GG.implies, RDF.type, OWL.TransitiveProperty) in load("govgraph.ttl")


# --- shapes are well formed -------------------------------------------------------------


def named_shapes() -> list[URIRef]:
    shapes = load("shapes.ttl")
    found = set(shapes.subjects(RDF.type, SH.NodeShape))
    found |= set(shapes.subjects(RDF.type, SH.PropertyShape))
    return sorted(s for s in found if isinstance(s, URIRef))


def test_every_shape_has_name_message_and_severity() -> None:
    shapes = load("shapes.ttl")
    assert len(named_shapes()) > 60
    for shape in named_shapes():
        assert shapes.value(shape, SH.name) is not None, shape
        messages = list(shapes.objects(shape, SH.message))
        assert any(m.language == "en" for m in messages), shape
        assert shapes.value(shape, SH.severity) in {SH.Violation, SH.Warning}, shape
        assert str(shape).startswith(str(GGSH)), shape


def test_every_shape_reached_from_a_target() -> None:
    """Property shapes must hang off a node shape with a target, or they never run."""
    shapes = load("shapes.ttl")
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    for shape in named_shapes():
        if (shape, RDF.type, SH.PropertyShape) in shapes:
            parents = list(shapes.subjects(SH.property, shape))
            assert parents, f"{shape} is not used by any node shape"
            shape = parents[0]
        assert any(shapes.value(shape, t) is not None for t in targets), shape


def test_no_nested_named_shapes() -> None:
    """Flat shapes: a nested sh:node result would lose its specific message."""
    shapes = load("shapes.ttl")
    assert not list(shapes.subject_objects(SH.node))


def test_every_class_used_in_shapes_is_declared() -> None:
    shapes, ontology = load("shapes.ttl"), load("govgraph.ttl")
    used = set(shapes.objects(None, SH["class"])) | set(shapes.objects(None, SH.targetClass))
    assert used
    for cls in used:
        assert (cls, RDF.type, OWL.Class) in ontology, cls


def test_every_own_class_is_validated() -> None:
    shapes, ontology = load("shapes.ttl"), load("govgraph.ttl")
    targeted = set(shapes.objects(None, SH.targetClass))
    for name in OWN_CLASSES:
        superclasses = set(ontology.transitive_objects(GG[name], RDFS.subClassOf))
        assert superclasses & targeted, name


def test_sh_in_values_exist_in_concepts() -> None:
    shapes, concepts = load("shapes.ttl"), load("concepts.ttl")
    for values in shapes.objects(None, SH["in"]):
        for value in shapes.items(values):
            if isinstance(value, URIRef):
                assert (value, RDF.type, SKOS.Concept) in concepts, value


# --- validation: valid data -------------------------------------------------------------


def test_valid_fixture_conforms_without_warnings() -> None:
    conforms, results = validate("base.ttl", "valid.ttl")
    assert conforms, results
    assert results == []


def test_concepts_conform_to_concept_shape() -> None:
    conforms, results = validate()  # the ontology graph alone is the data
    assert conforms, results
    assert results == []


# --- validation: one rule broken per fixture --------------------------------------------

INVALID = [
    ("mandate_holder_missing", "m", "mandate-holder", "exactly one holder"),
    ("mandate_holder_not_body", "m", "mandate-holder-resolves", "body, organisation or post"),
    ("mandate_action_missing", "m", "mandate-action", "Add `actions: [...]`"),
    ("mandate_action_unknown", "m", "mandate-action-known", "Unknown mandate action"),
    ("mandate_scope_missing", "m", "mandate-scope", "Add `scope: [<id>, ...]`"),
    ("mandate_scope_unresolved", "m", "mandate-scope-resolves", "Each `scope` id"),
    ("mandate_source_missing", "m", "mandate-source", "A mandate must cite its source"),
    ("dependency_self", "dep", "dependency-not-self", "cannot depend on itself"),
    ("dependency_criticality_missing", "dep", "dependency-criticality", "`criticality`"),
    ("dependency_type_unknown", "dep", "dependency-type", "exactly one `type`"),
    ("entity_label_missing", "epj-syd", "entity-label", "Every entity needs a name"),
    ("label_language_no", "hso", "label-language", "`nb`, not `no`"),
    (
        "validity_order",
        "ds",
        "validity-order",
        "The validity period ends (2019-11) before it starts (2019-12).",
    ),
    ("validity_date_datatype", "drift", "validity-from", "`valid.from` must be one date"),
    (
        "plan_order",
        "upgrade",
        "plan-order",
        "The planned end (2023) is before the planned start (2024-03).",
    ),
    ("citation_document_unresolved", "cite-x", "citation-document-resolves", "`doc`"),
    ("citation_quote_missing", "cite-x", "citation-quote", "verbatim `quote`"),
    (
        "citation_relation_not_asserted",
        "cite-x",
        "citation-relation-asserted",
        "cited for the relation `reportsTo: region-hovedstaden` of `ds`",
    ),
    ("membership_body_missing", "mem", "membership-body", "exactly one body"),
    ("membership_role_unknown", "mem", "membership-role", "`role` must be one of"),
    ("document_language_missing", "doc-x", "document-language", "`language`"),
    ("document_seed_path_missing", "doc-x", "document-seed-path", "`external: true`"),
    ("reports_to_unresolved", "koncerndirektionen", "reports-to", "`reports_to`"),
]


@pytest.mark.parametrize(
    ("fixture", "focus", "rule", "message"), INVALID, ids=[row[0] for row in INVALID]
)
def test_invalid_fixture_breaks_one_rule(fixture: str, focus: str, rule: str, message: str) -> None:
    conforms, results = validate("base.ttl", f"invalid/{fixture}.ttl")
    assert not conforms
    violations = [r for r in results if r["severity"] == SH.Violation]
    assert {r["shape"] for r in violations} == {GGSH[rule]}, violations
    [result] = [r for r in violations if r["focus"] == ID[focus]]
    english = [m for m in result["messages"] if message in m]
    assert english, result["messages"]
    template = load("shapes.ttl").value(GGSH[rule], SH.message)
    if "{?" not in str(template):
        assert english[0] == str(template)


def test_invalid_fixtures_are_all_tested() -> None:
    on_disk = {p.stem for p in (FIXTURES / "invalid").glob("*.ttl")}
    assert on_disk == {row[0] for row in INVALID}
    assert len(on_disk) >= 12


# --- validation: recommendations are warnings, not errors -------------------------------


PREFIXES = """
@prefix ggid: <https://w3id.org/govgraph/id/> .
@prefix gg: <https://w3id.org/govgraph/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dct: <http://purl.org/dc/terms/> .
"""


@pytest.mark.parametrize(
    ("turtle", "focus", "rule"),
    [
        (
            'ggid:nsp a gg:ITSystem ; skos:prefLabel "Den Nationale Serviceplatform"@da .'
            " ggid:c a gg:Citation ; dct:source ggid:doc-rh-ds ; gg:about ggid:nsp ;"
            ' prov:value "NSP"@da .',
            "nsp",
            "entity-label-en",
        ),
        (
            "ggid:c a gg:Citation ; dct:source ggid:doc-rh-ds ; gg:about ggid:ds ;"
            ' prov:value "Digital Steering Group"@en .',
            "c",
            "citation-document-language",
        ),
        (
            'ggid:d a gg:SourceDocument ; dct:title "Rapport" ; dct:language "da" ;'
            " gg:external true .",
            "d",
            "document-external-url",
        ),
    ],
    ids=["no-english-label", "quote-language", "external-without-url"],
)
def test_recommendation_is_a_warning(turtle: str, focus: str, rule: str) -> None:
    data = Graph().parse(FIXTURES / "base.ttl", format="turtle")
    data.parse(data=PREFIXES + turtle, format="turtle")
    conforms, results = validate_graph(data)
    assert conforms
    assert [(r["shape"], r["focus"], r["severity"]) for r in results] == [
        (GGSH[rule], ID[focus], SH.Warning)
    ]


# --- documentation ----------------------------------------------------------------------


def test_every_own_term_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for term in OWN_CLASSES + OWN_PROPERTIES + [str(s).split("#")[1] for s in SCHEMES]:
        assert re.search(rf"gg:{term}\b", text), f"gg:{term} is not in docs/ontology.md"


def test_no_blank_node_subjects_in_ontology_besides_axioms() -> None:
    """Terms are IRIs; blank nodes appear only inside unions and prefix declarations."""
    graph = load("govgraph.ttl")
    for subject in set(graph.subjects()):
        if isinstance(subject, BNode):
            predicates = set(graph.predicates(subject))
            assert predicates <= {
                RDF.type,
                OWL.unionOf,
                RDF.first,
                RDF.rest,
                SH.prefix,
                SH.namespace,
            }, predicates
