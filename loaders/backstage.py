"""Backstage software catalog YAML -> govgraph organisations, people, systems and dependencies.

A file may hold several YAML documents; ``Location`` entities are followed (``spec.target`` and
``spec.targets``, relative to the file that names them). Entity references may be short
(``team-a``) or fully qualified (``group:default/team-a``). Every fact is cited by the file it
was read from and the entity's reference. The mapping is in ``docs/formats.md``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.batch import Batch, Location
from loaders.provenance import SourceFile, slug, upstream_url
from loaders.reading import graph_name
from loaders.yaml_marks import MarkedDict, MarkedList, YamlProblem, parse_all
from ontology import vocab as v
from ontology.errors import ValidationFailed, Violation
from ontology.terms import DATA, GG, RDF_TYPE, XSD, Literal, concept, iri

# Backstage kind -> govgraph entity type (Group is an organisation or a unit by spec.type).
KINDS = {
    "group": "unit",
    "user": "person",
    "domain": "domain",
    "system": "system",
    "component": "system",
    "resource": "system",
    "api": "system",
}
SKIPPED_KINDS = {"template", "location"}
MAX_DEPTH = 20  # Location nesting; deeper is almost certainly a cycle through symlinks


def parse_ref(ref: str, default_kind: str) -> tuple[str, str, str]:
    """``(kind, namespace, name)`` of an entity reference, short or fully qualified.

    >>> parse_ref("group:default/team-a", "group"), parse_ref("team-a", "group")
    (('group', 'default', 'team-a'), ('group', 'default', 'team-a'))
    """
    kind, sep, rest = ref.partition(":")
    if not sep:
        kind, rest = default_kind, ref
    namespace, sep, name = rest.partition("/")
    if not sep:
        namespace, name = "default", rest
    return kind.strip().casefold(), namespace.strip().casefold(), name.strip()


def entity_id(kind: str, namespace: str, name: str) -> str:
    """The govgraph IRI of a catalog entity.

    >>> entity_id("group", "default", "team-a")
    'https://w3id.org/govgraph/id/group-team-a'
    """
    return iri(slug(f"{kind}-{name}" if namespace == "default" else f"{kind}-{namespace}-{name}"))


@dataclass
class Entity:
    kind: str
    namespace: str
    name: str
    record: MarkedDict
    document: str  # IRI of the source document of the file that defines it
    file: str

    @property
    def ref(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"

    @property
    def iri(self) -> str:
        return entity_id(self.kind, self.namespace, self.name)

    def spec(self) -> MarkedDict:
        spec = self.record.get("spec")
        return spec if isinstance(spec, MarkedDict) else MarkedDict()

    def where(self, key: str | None = None) -> Location:
        spec = self.spec()
        line, col = spec.value_marks.get(key, self.record.mark) if key else self.record.mark
        return Location(self.file, line, col, f"{self.ref}" + (f" spec.{key}" if key else ""))


class CatalogReader:
    """Reads a root file and every file its Locations name, then maps the entities."""

    def __init__(self, src: SourceFile) -> None:
        self.src = src
        self.entities: dict[str, Entity] = {}
        self.seen: set[Path] = set()
        self.skipped: dict[str, int] = {}
        self.memberships: set[tuple[str, str]] = set()

    def fail(self, rule: str, message: str, where: Location) -> None:
        self.src.errors.append(
            Violation(rule, message, where.file, where.line, where.column, where.record)
        )

    def document_of(self, path: Path, shown: str) -> str:
        if path.resolve() == self.src.path.resolve():
            return self.src.document
        name = graph_name(path)
        digest = hashlib.sha1(name.encode()).hexdigest()[:8]  # noqa: S324 - an id
        doc = iri(f"src-{slug(path.name)}-{digest}")
        add = self.src.batch.add
        add(doc, RDF_TYPE, v.SOURCE_DOCUMENT, Location(shown, record=path.name))
        add(doc, v.TITLE, Literal(path.name))
        add(doc, v.DOC_PATH, Literal(name.removeprefix("file:")))
        add(doc, v.DOC_LANGUAGE, Literal(self.src.language))
        url = upstream_url(path)
        if url:
            add(doc, v.EXTERNAL, Literal("true", datatype=XSD + "boolean"))
            add(doc, v.DOC_URL, url)
        return doc

    def read_file(self, path: Path, shown: str, depth: int = 0) -> None:
        from loaders.files import read_text

        if path.resolve() in self.seen:
            return
        self.seen.add(path.resolve())
        text = read_text(path, shown)
        document = self.document_of(path, shown)
        try:
            docs = parse_all(text)
        except YamlProblem as problem:
            line, col = problem.mark if problem.mark else (None, None)
            self.fail(problem.rule, problem.message, Location(shown, line, col))
            return
        for record in docs:
            if record is None:
                continue
            if not isinstance(record, MarkedDict) or not isinstance(record.get("kind"), str):
                where = getattr(record, "mark", (None, None))
                self.fail(
                    "backstage-entity",
                    "each YAML document must be a catalog entity with `apiVersion`, `kind`, "
                    "`metadata.name`",
                    Location(shown, where[0], where[1]),
                )
                continue
            self.record(record, path, shown, document, depth)

    def record(self, record: MarkedDict, path: Path, shown: str, document: str, depth: int) -> None:
        kind = str(record["kind"]).casefold()
        metadata = record.get("metadata")
        name = metadata.get("name") if isinstance(metadata, MarkedDict) else None
        where = Location(shown, record.mark[0], record.mark[1], f"{kind}")
        if not isinstance(name, str) or not name:
            self.fail("backstage-entity", "`metadata.name` is required", where)
            return
        if kind == "location":
            self.follow(record, path, shown, depth)
            return
        if kind in SKIPPED_KINDS:
            self.skipped[kind] = self.skipped.get(kind, 0) + 1
            return
        if kind not in KINDS:
            self.fail(
                "backstage-kind",
                f"unknown entity kind {record['kind']!r}: use one of "
                f"{', '.join(sorted({*KINDS, *SKIPPED_KINDS}))}",
                Location(shown, *record.value_marks["kind"], f"{kind}:{name}"),
            )
            return
        assert isinstance(metadata, MarkedDict)
        namespace = str(metadata.get("namespace", "default")).casefold()
        entity = Entity(kind, namespace, name, record, document, shown)
        if entity.iri in self.entities:
            first = self.entities[entity.iri]
            self.fail(
                "duplicate-id",
                f"{entity.ref} is already defined in {first.file}:{first.record.mark[0]}",
                entity.where(),
            )
            return
        self.entities[entity.iri] = entity

    def follow(self, record: MarkedDict, path: Path, shown: str, depth: int) -> None:
        spec = record.get("spec")
        if not isinstance(spec, MarkedDict):
            return
        targets: list[tuple[Any, tuple[int, int]]] = []
        if isinstance(spec.get("target"), str):
            targets.append((spec["target"], spec.value_marks["target"]))
        if isinstance(spec.get("targets"), MarkedList):
            targets.extend(zip(spec["targets"], spec["targets"].item_marks, strict=True))
        for target, mark in targets:
            where = Location(shown, mark[0], mark[1], "Location spec.targets")
            if not isinstance(target, str) or "://" in target or target.startswith("url:"):
                self.src.warn(
                    "backstage-location", f"{target!r} is not a local file: not followed", where
                )
                continue
            file = (path.parent / target.removeprefix("file:")).resolve()
            catalog = self.src.path.parent.resolve()
            if not file.is_relative_to(catalog):
                self.fail(
                    "backstage-location",
                    f"Location target {target!r} lies outside the catalog's directory "
                    f"({catalog.name}/): only files inside it are followed",
                    where,
                )
            elif not file.is_file():
                self.fail("backstage-location", f"Location target {target!r} does not exist", where)
            elif depth >= MAX_DEPTH:
                self.fail("backstage-location", "Locations nest too deeply (a cycle?)", where)
            else:
                self.read_file(file, str(Path(shown).parent / target), depth + 1)

    # -- mapping -------------------------------------------------------------------------------
    def map(self) -> None:
        for entity in self.entities.values():
            self.entity(entity)
        for kind, count in sorted(self.skipped.items()):
            self.src.warn(
                "backstage-skipped", f"{count} {kind} entit(ies) are not governance data; skipped"
            )

    def cite(
        self,
        entity: Entity,
        about: str,
        quote: str,
        where: Location,
        p: str | None = None,
        o: str | None = None,
    ) -> None:
        saved = self.src.document
        self.src.document = entity.document
        try:
            self.src.cite(about, quote, where, p, o)
        finally:
            self.src.document = saved

    def entity(self, entity: Entity) -> None:
        src, spec, subject = self.src, entity.spec(), entity.iri
        metadata = entity.record["metadata"]
        profile = spec["profile"] if isinstance(spec.get("profile"), MarkedDict) else MarkedDict()
        label = metadata.get("title") or profile.get("displayName") or entity.name
        kind = KINDS[entity.kind]
        if entity.kind == "group" and spec.get("type") == "organization":
            kind = "organisation"
        where = entity.where()
        src.batch.locations.setdefault(subject, where)
        src.batch.add(subject, RDF_TYPE, v.ENTITY_CLASSES[kind], where)
        src.batch.add(subject, v.PREF_LABEL, Literal(str(label), lang=src.language), where)
        src.batch.add(subject, v.ALT_LABEL, Literal(entity.name))
        if isinstance(metadata.get("description"), str):
            src.batch.add(
                subject, v.DESCRIPTION, Literal(metadata["description"], lang=src.language)
            )
        self.cite(entity, subject, f"{entity.kind.title()} {entity.ref}: {label}", where)
        relations = {
            "owner": ("group", GG + "owner"),
            "system": ("system", v.PART_OF),
            "subcomponentOf": ("component", v.PART_OF),
            "domain": ("domain", GG + "inDomain"),
            "subdomainOf": ("domain", v.PART_OF),
            "parent": ("group", v.PART_OF_ORG),
        }
        for key, (default_kind, predicate) in relations.items():
            for ref, at in self.refs(entity, key, default_kind):
                if ref[0] == "user" and key == "owner":
                    src.warn(
                        "backstage-owner",
                        f"owner {ref[2]!r} is a user; govgraph owners are organisations, so this ownership is not loaded",
                        at,
                    )
                    continue
                self.relation(
                    entity,
                    subject,
                    predicate,
                    entity_id(*ref),
                    f"{entity.ref} spec.{key}: {ref[2]}",
                    at,
                )
        for ref, at in self.refs(entity, "children", "group"):
            child = entity_id(*ref)
            self.relation(
                entity, child, v.PART_OF_ORG, subject, f"{entity.ref} spec.children: {ref[2]}", at
            )
        for key, default_kind in (("memberOf", "group"), ("members", "user")):
            for ref, at in self.refs(entity, key, default_kind):
                pair = (
                    (subject, entity_id(*ref)) if key == "memberOf" else (entity_id(*ref), subject)
                )
                self.membership(entity, pair, f"{entity.ref} spec.{key}: {ref[2]}", at)
        forward = {"dependsOn": "component", "consumesApis": "api", "apiProvidedBy": "component"}
        backward = {
            "dependencyOf": "component",
            "providesApis": "api",
            "apiConsumedBy": "component",
        }
        for key, default_kind in (*forward.items(), *backward.items()):
            for ref, at in self.refs(entity, key, default_kind):
                other = entity_id(*ref)
                dependent, prerequisite = (subject, other) if key in forward else (other, subject)
                dep = iri(f"dep-{dependent.removeprefix(DATA)}-{prerequisite.removeprefix(DATA)}")
                if dep in self.src.batch.locations:
                    continue  # stated from both ends
                saved = src.document
                src.document = entity.document
                src.dependency(
                    dep, dependent, prerequisite, f"{entity.ref} spec.{key}: {ref[2]}", at
                )
                src.document = saved

    def refs(
        self, entity: Entity, key: str, default_kind: str
    ) -> list[tuple[tuple[str, str, str], Location]]:
        spec = entity.spec()
        value = spec.get(key)
        if value is None:
            return []
        items = (
            list(zip(value, value.item_marks, strict=True))
            if isinstance(value, MarkedList)
            else [(value, spec.value_marks[key])]
        )
        out = []
        for item, mark in items:
            at = Location(entity.file, mark[0], mark[1], f"{entity.ref} spec.{key}")
            if not isinstance(item, str) or not item.strip():
                self.fail("backstage-ref", f"spec.{key} must name entities by reference", at)
                continue
            ref = parse_ref(item, default_kind)
            if ref[0] not in KINDS:
                self.fail(
                    "backstage-relation",
                    f"spec.{key}: unknown entity kind {ref[0]!r} in reference {item!r}: use one of {', '.join(sorted(KINDS))}",
                    at,
                )
                continue
            out.append((ref, at))
        return out

    def relation(self, entity: Entity, s: str, p: str, o: str, quote: str, at: Location) -> None:
        if (s, p, o) in self.src.batch.locations:
            return
        self.src.batch.add(s, p, o, at)
        self.cite(entity, s, quote, at, p, o)

    def membership(self, entity: Entity, pair: tuple[str, str], quote: str, at: Location) -> None:
        if pair in self.memberships:
            return
        self.memberships.add(pair)
        member, body = pair
        node = iri(f"membership-{member.removeprefix(DATA)}-{body.removeprefix(DATA)}")
        add = self.src.batch.add
        self.src.batch.locations.setdefault(node, at)
        add(node, RDF_TYPE, v.MEMBERSHIP, at)
        add(node, v.MEMBER, member, at)
        add(node, v.ORGANIZATION_P, body, at)
        add(node, v.ROLE, concept("role", "member"), at)
        self.cite(entity, node, quote, at)


def read_backstage(path: Path, source: str) -> Batch:
    """Read a catalog file and the files its Locations name into one batch."""
    src = SourceFile(path, source, language="en")
    reader = CatalogReader(src)
    reader.read_file(path, source)
    reader.map()  # also on errors: report bad references together with bad entities
    if src.errors:
        raise ValidationFailed(src.errors + src.batch.warnings)
    return src.batch
