"""The terms govgraph reads and writes, and the authoring names that map onto them.

``docs/authoring.md`` documents the same tables; ``tests/ontology/test_vocab.py`` checks that
every term named here is declared in ``govgraph.ttl`` or ``concepts.ttl``.
"""

from __future__ import annotations

from ontology.terms import DCAT, DCT, FOAF, GG, ORG, PROV, RDF, RDFS, SKOS, concept

# Classes, by the ``type`` an author writes.
ENTITY_CLASSES: dict[str, str] = {
    "organisation": ORG + "FormalOrganization",
    "unit": ORG + "OrganizationalUnit",
    "collaboration": ORG + "OrganizationalCollaboration",
    "body": GG + "GoverningBody",
    "person": FOAF + "Person",
    "post": ORG + "Post",
    "domain": GG + "Domain",
    "system": GG + "ITSystem",
    "portfolio": GG + "Portfolio",
    "project": GG + "Project",
    "initiative": GG + "Initiative",
    "strategy": GG + "Strategy",
    "goal": GG + "Goal",
    "focus_area": GG + "FocusArea",
    "topic": GG + "Topic",
}
CLASS_TYPES: dict[str, str] = {v: k for k, v in ENTITY_CLASSES.items()}
ORGANISATION_TYPES = frozenset({"organisation", "unit", "collaboration", "body"})

ORGANIZATION = ORG + "Organization"
MEMBERSHIP = ORG + "Membership"
MANDATE = GG + "Mandate"
DEPENDENCY = GG + "Dependency"
DECISION = GG + "Decision"
CHANGE_EVENT = ORG + "ChangeEvent"
SOURCE_DOCUMENT = GG + "SourceDocument"
CITATION = GG + "Citation"
PERIOD = DCT + "PeriodOfTime"

# Fact classes shown by type name.
FACT_TYPES: dict[str, str] = {
    MEMBERSHIP: "membership",
    MANDATE: "mandate",
    DEPENDENCY: "dependency",
    DECISION: "decision",
    CHANGE_EVENT: "change",
    SOURCE_DOCUMENT: "document",
    CITATION: "citation",
}

# Relation keys of an entity record.
PART_OF_ORG = ORG + "subOrganizationOf"
PART_OF = DCT + "isPartOf"
RELATION_KEYS: dict[str, str] = {
    "part_of": PART_OF,  # org:subOrganizationOf between organisations
    "reports_to": ORG + "reportsTo",
    "secretariat": GG + "secretariat",
    "established_by": GG + "establishedBy",
    "owner": GG + "owner",
    "operator": GG + "operator",
    "vendor": GG + "vendor",
    "domain": GG + "inDomain",
    "portfolio": GG + "inPortfolio",
    "governed_by": GG + "governedBy",
    "delivers": GG + "delivers",
    "concerns": GG + "concerns",
    "supports": GG + "supports",
    "uses": GG + "uses",
    "post_in": ORG + "postIn",
    "held_by": ORG + "heldBy",
}
DATE_KEYS: dict[str, str] = {
    "planned_start": GG + "plannedStart",
    "planned_end": GG + "plannedEnd",
    "go_live": GG + "goLive",
}

PREF_LABEL = SKOS + "prefLabel"
ALT_LABEL = SKOS + "altLabel"
DESCRIPTION = DCT + "description"
EDITORIAL_NOTE = SKOS + "editorialNote"
SCOPE_NOTE = SKOS + "scopeNote"
NOTE = SKOS + "note"
PURPOSE = ORG + "purpose"
STATUS = GG + "status"
TITLE = DCT + "title"
LABEL = RDFS + "label"
FOAF_NAME = FOAF + "name"
ORG_ROLE = ORG + "Role"

TEMPORAL = DCT + "temporal"
START_DATE = DCAT + "startDate"
END_DATE = DCAT + "endDate"
MEMBER_DURING = ORG + "memberDuring"

MEMBER = ORG + "member"
ORGANIZATION_P = ORG + "organization"
ROLE = ORG + "role"
MEMBER_TITLE = GG + "title"
REPRESENTS = GG + "represents"

HOLDER = GG + "holder"
GG_VENDOR = GG + "vendor"
GRANTED_BY = GG + "grantedBy"
ACTION = GG + "action"
SCOPE = GG + "scope"
EXCLUDES = GG + "excludes"
MANDATE_STATUS = GG + "mandateStatus"
ADDRESSEE = GG + "addressee"
RESTRICTED_TO = GG + "restrictedTo"
ACTION_ROLE = GG + "actionRole"
EDITORIAL = GG + "editorial"
EDITORIAL_KEY = GG + "editorialKey"
EDITORIAL_ALT_LABEL = GG + "editorialAltLabel"

DEPENDENT = GG + "dependent"
PREREQUISITE = GG + "prerequisite"
DEPENDENCY_TYPE = GG + "dependencyType"
CRITICALITY = GG + "criticality"
LAG_DAYS = GG + "lagDays"

EVENT_DATE = DCT + "date"
DECIDED_BY = GG + "decidedBy"
ABOUT = GG + "about"
RESULTING = ORG + "resultingOrganization"
ORIGINAL = ORG + "originalOrganization"

DOC_PATH = GG + "path"
DOC_URL = FOAF + "page"
DOC_LANGUAGE = DCT + "language"
PUBLISHER = DCT + "publisher"
ISSUED = DCT + "issued"
MODIFIED = DCT + "modified"
EXTERNAL = GG + "external"

CITE_SOURCE = DCT + "source"
QUOTE = PROV + "value"
CITE_ABOUT = GG + "about"
CITE_PREDICATE = RDF + "predicate"
CITE_OBJECT = RDF + "object"

WITHIN_SCOPE = GG + "withinScope"
IMPLIES = GG + "implies"
RANK = GG + "rank"
SUBPROPERTY_OF = RDFS + "subPropertyOf"
SUBCLASS_OF = RDFS + "subClassOf"

# Containment between organisations: the only containment a body, unit or collaboration takes
# part in as the contained thing (a body that ``concerns`` a system is not inside that system).
ORG_CONTAINMENT_PREDICATES = frozenset({PART_OF_ORG, ORG + "unitOf", PART_OF})

# Containment predicates (declared rdfs:subPropertyOf gg:withinScope in govgraph.ttl). Kept here
# too so that a store without the ontology loaded still answers.
WITHIN_SCOPE_PREDICATES = frozenset(
    {
        PART_OF_ORG,
        ORG + "unitOf",
        PART_OF,
        GG + "inDomain",
        GG + "inPortfolio",
        GG + "owner",
        GG + "concerns",
        GG + "governedBy",
    }
)

ACTIONS = (
    "decide",
    "prioritise",
    "approve",
    "recommend",
    "advise",
    "follow_up",
    "set_direction",
    "allocate_resources",
    "implement",
    "coordinate",
    "deliver",
)
DEPENDENCY_TYPES = (
    "finish_to_start",
    "technical",
    "data",
    "resource",
    "governance",
    "supplier",
    "strategic",
)
CRITICALITIES = ("critical", "high", "medium", "low")
MANDATE_STATUSES = ("in_force", "recommended", "planned", "ended")
ACTION_ROLES = ("decides", "advises", "follows_up", "implements")
# Each action's role (gg:actionRole in concepts.ttl); also the fallback for stores without it.
ACTION_ROLE_OF: dict[str, str] = {
    "decide": "decides",
    "prioritise": "decides",
    "approve": "decides",
    "set_direction": "decides",
    "allocate_resources": "decides",
    "recommend": "advises",
    "advise": "advises",
    "follow_up": "follows_up",
    "implement": "implements",
    "deliver": "implements",
    "coordinate": "implements",
}
CRITICALITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}
ROLES = ("member", "chair", "vice_chair", "secretary", "participant")
STATUSES = ("planned", "active", "completed", "retired")
LANGUAGES = ("da", "nb", "en")  # what authors write in YAML
# What the shapes accept, so imported data keeps its own language (e.g. German org charts).
IMPORT_LANGUAGES = ("da", "nb", "nn", "sv", "fi", "is", "de", "en")

# Action implication (``gg:implies`` in concepts.ttl); also a fallback for stores without it.
ACTION_IMPLIES: dict[str, tuple[str, ...]] = {
    "decide": ("prioritise", "approve"),
    "recommend": ("advise",),
}

CONCEPT_SCHEMES = {
    "action": ACTIONS,
    "dependency-type": DEPENDENCY_TYPES,
    "criticality": CRITICALITIES,
    "role": ROLES,
    "status": STATUSES,
    "mandate-status": MANDATE_STATUSES,
    "action-role": ACTION_ROLES,
}


def concept_iri(scheme: str, slug: str) -> str:
    return concept(scheme, slug)
