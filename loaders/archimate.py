"""ArchiMate Model Exchange File Format (3.x, and 2.1 names) -> govgraph entities and relations.

Parsed with defusedxml: DTDs, entity declarations (XXE, entity-expansion bombs) and external
references are refused with a located error. Elements become entities, relationships become
dependencies, mandates (responsibilities) or plain relations; ``docs/formats.md`` has the table.
An RDF/XML file given as ``.xml`` is handed to the RDF reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graph.batch import Batch
from loaders.provenance import SourceFile, slug
from ontology import vocab as v
from ontology.errors import ValidationFailed, Violation
from ontology.terms import GG, ORG, RDF_TYPE, Literal, concept, iri

XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Element type -> govgraph entity type. Types not listed are refused as unknown.
ELEMENT_TYPES: dict[str, str] = {
    "BusinessActor": "organisation",
    "BusinessCollaboration": "collaboration",
    "BusinessRole": "post",
    "Stakeholder": "post",
    "ApplicationComponent": "system",
    "ApplicationCollaboration": "system",
    "ApplicationInterface": "system",
    "SystemSoftware": "system",
    "Node": "system",
    "Device": "system",
    "TechnologyCollaboration": "system",
    "TechnologyInterface": "system",
    "CommunicationNetwork": "system",
    "Path": "system",
    "Equipment": "system",
    "Facility": "system",
    "DistributionNetwork": "system",
    "WorkPackage": "project",
    "Plateau": "initiative",
    "CourseOfAction": "initiative",
    "Capability": "domain",
    "ValueStream": "domain",
    "Goal": "goal",
    "Outcome": "goal",
    "Principle": "strategy",
    "Requirement": "goal",
    "Constraint": "goal",
    "Driver": "topic",
    "Assessment": "topic",
}
# Behaviour, passive structure and the rest: matters a mandate or dependency can be about.
TOPIC_TYPES = {
    "BusinessProcess", "BusinessFunction", "BusinessInteraction", "BusinessEvent",
    "BusinessService", "BusinessInterface", "BusinessObject", "Contract", "Representation",
    "Product", "ApplicationFunction", "ApplicationInteraction", "ApplicationProcess",
    "ApplicationEvent", "ApplicationService", "DataObject", "TechnologyFunction",
    "TechnologyProcess", "TechnologyInteraction", "TechnologyEvent", "TechnologyService",
    "Artifact", "Material", "Deliverable", "ImplementationEvent", "Gap", "Meaning", "Value",
    "Location", "Grouping", "Resource", "AndJunction", "OrJunction", "Junction",
}  # fmt: skip
# ArchiMate 2.1 names -> 3.x names.
OLD_NAMES = {
    "UsedBy": "Serving",
    "Realisation": "Realization",
    "Specialisation": "Specialization",
    "InfrastructureService": "TechnologyService",
    "InfrastructureInterface": "TechnologyInterface",
    "InfrastructureFunction": "TechnologyFunction",
    "CommunicationPath": "Path",
    "Network": "CommunicationNetwork",
}
RELATION_KINDS = {
    "Serving", "Flow", "Triggering", "Realization", "Access", "Assignment", "Composition",
    "Aggregation", "Association", "Influence", "Specialization",
}  # fmt: skip


def canonical(xsi_type: str) -> str:
    """The ArchiMate 3.x name of an element or relationship type.

    >>> canonical("UsedByRelationship"), canonical("archimate:Realisation")
    ('Serving', 'Realization')
    """
    name = xsi_type.rsplit(":", 1)[-1].removesuffix("Relationship")
    return OLD_NAMES.get(name, name)


@dataclass
class XmlNode:
    """An XML element with the line and column where it starts."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[XmlNode] = field(default_factory=list)
    text: str = ""

    @property
    def local(self) -> str:
        return self.tag.rsplit("}", 1)[-1]

    def find(self, local: str) -> list[XmlNode]:
        return [c for c in self.children if c.local == local]

    def name(self) -> str:
        """The English name if there is one, else the first name (``label`` in 2.1)."""
        names = self.find("name") or self.find("label")
        for node in names:
            if node.attrs.get(XML_LANG, "en").startswith("en") and node.text.strip():
                return node.text.strip()
        return next((n.text.strip() for n in names if n.text.strip()), "")


def _locate(text: str, pattern: str) -> tuple[int | None, int | None]:
    match = re.search(pattern, text)
    if match is None:
        return None, None
    before = text[: match.start()]
    return before.count("\n") + 1, match.start() - (before.rfind("\n") + 1) + 1


def parse_xml(text: str, source: str) -> XmlNode:
    """Parse safely into :class:`XmlNode` s; raise a located :class:`ValidationFailed`."""
    import xml.sax
    from xml.sax.handler import ContentHandler, feature_namespaces

    import defusedxml
    import defusedxml.sax

    class Builder(ContentHandler):
        def __init__(self) -> None:
            super().__init__()
            self.stack: list[XmlNode] = []
            self.root: XmlNode | None = None
            self.locator: Any = None

        def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX API
            self.locator = locator

        def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:  # noqa: N802
            tag = "{%s}%s" % name if name[0] else name[1]  # noqa: UP031
            values = {("{%s}%s" % k if k[0] else k[1]): val for k, val in attrs.items()}  # noqa: UP031
            node = XmlNode(
                tag, values, self.locator.getLineNumber(), self.locator.getColumnNumber() + 1
            )
            if self.stack:
                self.stack[-1].children.append(node)
            else:
                self.root = node
            self.stack.append(node)

        def endElementNS(self, name: Any, qname: Any) -> None:  # noqa: N802
            self.stack.pop()

        def characters(self, content: str) -> None:
            if self.stack:
                self.stack[-1].text += content

    def fail(rule: str, message: str, where: tuple[int | None, int | None]) -> ValidationFailed:
        return ValidationFailed([Violation(rule, message, source, where[0], where[1])])

    parser = defusedxml.sax.make_parser()
    parser.setFeature(feature_namespaces, True)
    builder = Builder()
    builder.locator = parser  # feed() sets no locator; the expat reader is one itself
    parser.setContentHandler(builder)
    try:
        parser.feed(text)
        parser.close()
    except defusedxml.EntitiesForbidden as exc:
        where = _locate(text, rf"<!ENTITY\s+%?\s*{re.escape(exc.name)}\b")
        if exc.sysid or exc.pubid:
            raise fail(
                "xml-external-entity",
                f"external entity {exc.name!r} ({exc.sysid or exc.pubid}) refused: "
                "an exchange file must not read other files or URLs (XXE)",
                where,
            ) from None
        raise fail(
            "xml-entity",
            f"entity declaration {exc.name!r} refused: entities can expand without limit "
            "(billion laughs); an exchange file needs none",
            where,
        ) from None
    except (defusedxml.DTDForbidden, defusedxml.ExternalReferenceForbidden) as exc:
        raise fail(
            "xml-dtd", f"{exc}: DTDs and external references are refused", _locate(text, "<!")
        ) from None
    except xml.sax.SAXParseException as exc:
        raise fail(
            "xml-syntax",
            f"XML syntax error: {exc.getMessage()}",
            (exc.getLineNumber(), (exc.getColumnNumber() or 0) + 1),
        ) from None
    if builder.root is None:
        raise fail("xml-syntax", "no XML element found", (None, None))
    return builder.root


def read_archimate(path: Path, source: str) -> Batch:
    """Read an ArchiMate exchange file into a batch (:class:`ValidationFailed` on bad input)."""
    from loaders.files import read_rdf, read_text

    text = read_text(path, source)
    root = parse_xml(text, source)
    if root.local == "RDF":
        return read_rdf(path, source, "rdf")
    if root.local != "model" or "archimate" not in root.tag:
        raise ValidationFailed(
            [
                Violation(
                    "archimate-root",
                    f"the root element is <{root.local}>, not an ArchiMate exchange <model>",
                    source,
                    root.line,
                    root.column,
                )
            ]
        )
    language = next(
        (m.text.strip()[:2] for m in _walk(root) if m.local == "language" and m.text.strip()),
        "en",
    )
    src = SourceFile(path, source, language=language if language in v.LANGUAGES else "en")
    ModelReader(src, root).run()
    return src.finish()


def _walk(node: XmlNode) -> list[XmlNode]:
    out = [node]
    for child in node.children:
        out.extend(_walk(child))
    return out


class ModelReader:
    def __init__(self, src: SourceFile, root: XmlNode) -> None:
        self.src = src
        self.root = root
        self.prefix = slug(root.attrs.get("identifier", "model"))
        self.types: dict[str, str] = {}  # element identifier -> govgraph type
        self.names: dict[str, str] = {}

    def ident(self, identifier: str) -> str:
        return iri(f"archimate-{self.prefix}-{slug(identifier)}")

    def where(self, node: XmlNode, what: str) -> Any:
        return self.src.at(node.line, node.column, f"{what} {node.attrs.get('identifier', '?')}")

    def run(self) -> None:
        for group in self.root.find("elements"):
            for element in group.find("element"):
                self.element(element)
        for group in self.root.find("relationships"):
            for relationship in group.find("relationship"):
                self.relationship(relationship)

    def element(self, node: XmlNode) -> None:
        kind = canonical(node.attrs.get(XSI_TYPE, ""))
        identifier = node.attrs.get("identifier", "")
        where = self.where(node, "element")
        entity = ELEMENT_TYPES.get(kind) or ("topic" if kind in TOPIC_TYPES else None)
        if entity is None or not identifier:
            self.src.error(
                "archimate-element",
                f"unknown element type {kind!r}"
                if identifier
                else "an element needs an identifier",
                where,
            )
            return
        name = node.name() or identifier
        subject = self.ident(identifier)
        self.types[identifier] = entity
        self.names[identifier] = name
        self.src.entity(
            subject, v.ENTITY_CLASSES[entity], name, f"{identifier} ({kind}): {name}", where
        )
        for doc in node.find("documentation"):
            if doc.text.strip():
                self.src.batch.add(subject, v.DESCRIPTION, _lit(doc.text, self.src.language))

    def relationship(self, node: XmlNode) -> None:
        kind = canonical(node.attrs.get(XSI_TYPE, ""))
        where = self.where(node, "relationship")
        ends = [node.attrs.get("source", ""), node.attrs.get("target", "")]
        if kind not in RELATION_KINDS:
            self.src.error(
                "archimate-relation",
                f"unknown relationship type {kind!r}: use one of {', '.join(sorted(RELATION_KINDS))}",
                where,
            )
            return
        for end, name in zip(ends, ("source", "target"), strict=True):
            if end not in self.types:
                self.src.error(
                    "reference-resolves",
                    f"{name} {end!r} is not the identifier of an element in this model",
                    where,
                )
        if any(end not in self.types for end in ends):
            return
        source, target = ends
        quote = (
            f"{node.attrs.get('identifier', '')} ({kind}): "
            f"{self.names[source]} -> {self.names[target]}"
        )
        self.map(kind, source, target, quote, where, node)

    def map(
        self, kind: str, source: str, target: str, quote: str, where: Any, node: XmlNode
    ) -> None:
        src = self.src
        s, t = self.ident(source), self.ident(target)
        dep = self.ident(node.attrs.get("identifier", f"{source}-{target}"))
        organisations = v.ORGANISATION_TYPES
        if kind in ("Serving", "Flow", "Triggering", "Access") or (
            kind == "Realization" and self.types[source] != "project"
        ):
            dependency_type = {"Flow": "data", "Access": "data", "Triggering": "finish_to_start"}
            # Serving/realisation: the served or realised thing needs its server or realiser.
            # Access: the accessor needs the data. Flow/triggering: the receiver needs the sender.
            dependent, prerequisite = (s, t) if kind == "Access" else (t, s)
            if dependent == prerequisite:
                src.warn("self-dependency", f"{quote}: a thing cannot depend on itself", where)
                return
            src.dependency(
                dep, dependent, prerequisite, quote, where,
                kind=dependency_type.get(kind, "technical"),
            )  # fmt: skip
        elif kind == "Realization":
            src.relation(s, GG + "delivers", t, quote, where)
        elif (
            kind == "Assignment"
            and self.types[target] == "post"
            and self.types[source] in organisations
        ):
            src.relation(t, ORG + "postIn", s, quote, where)  # the actor fills the role
        elif kind == "Assignment" and self.types[source] in (*organisations, "post"):
            # Responsibility: the actor or role is assigned to carry out the target.
            src.batch.locations.setdefault(dep, where)
            src.batch.add(dep, RDF_TYPE, v.MANDATE, where)
            src.batch.add(dep, v.HOLDER, s, where)
            src.batch.add(dep, v.ACTION, concept("action", "implement"), where)
            src.batch.add(dep, v.SCOPE, t, where)
            src.cite(dep, quote, where)
        elif kind in ("Composition", "Aggregation"):
            both_org = self.types[source] in organisations and self.types[target] in organisations
            src.relation(t, ORG + "subOrganizationOf" if both_org else v.PART_OF, s, quote, where)
        elif kind in ("Association", "Influence", "Assignment"):
            src.relation(s, GG + "concerns", t, quote, where)
        else:  # Specialization: a type hierarchy, which govgraph does not model
            src.warn(
                "archimate-unmapped",
                f"{quote}: {kind} relationships have no govgraph equivalent; not loaded",
                where,
            )


def _lit(text: str, lang: str) -> Literal:
    return Literal(" ".join(text.split()), lang=lang)
