"""W3C ORG organisation charts (Turtle, JSON-LD ...) normalised onto govgraph's terms.

Organisations, units, posts, people and memberships keep their own IRIs. Inverse ORG
properties are turned round (``org:hasSubOrganization`` -> ``org:subOrganizationOf``,
``org:hasPost`` -> ``org:postIn``, ``org:holds`` -> ``org:heldBy``, ``org:hasMember`` ->
``org:Membership``); contact details, sites and genders are not copied. Known quirks are warned
about, never fatal: the Berlin organigrams' unexpanded ``<xsd:date>`` datatype, and labels in a
language govgraph does not accept (outside da, nb, nn, sv, fi, is, de, en) - those are kept as
``rdfs:label`` in their own language and shown under the tag ``en``, text unchanged. Labels in an
accepted language (the Berlin charts' German) keep their tag. ``docs/formats.md`` has the table.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path

from graph.batch import Batch, Location
from loaders.provenance import SourceFile
from loaders.reading import graph_name
from ontology import vocab as v
from ontology.errors import ValidationFailed, Violation
from ontology.terms import DATA, DCT, ORG, RDF_TYPE, RDFS, SKOS, XSD, Literal, Term, concept

VCARD = "http://www.w3.org/2006/vcard/ns#"
ORG_TYPES = {ORG + "Organization", ORG + "FormalOrganization", ORG + "OrganizationalUnit"}
ORG_LINKS = {ORG + "hasSubOrganization", ORG + "subOrganizationOf", ORG + "hasUnit", ORG + "unitOf"}
ORG_SUBJECT_OF = {ORG + "hasPost", ORG + "hasMember", ORG + "hasSite", ORG + "purpose"}
MAPPED = {
    RDF_TYPE, SKOS + "prefLabel", SKOS + "altLabel", RDFS + "label", ORG + "purpose", ORG + "role",
    ORG + "hasPost", ORG + "postIn", ORG + "hasMember", ORG + "memberOf", ORG + "holds",
    ORG + "heldBy", *ORG_LINKS, VCARD + "fn", VCARD + "given-name", VCARD + "family-name",
    VCARD + "honorific-prefix", DCT + "created",
}  # fmt: skip


def _local(value: str) -> str:
    return re.split(r"[/#]", value.rstrip("/#"))[-1]


def read_triples(path: Path, source: str, text: str) -> list[tuple[str, str, Term]]:
    """Parse with pyoxigraph; blank nodes get IRIs under the file's own namespace; relative IRIs
    resolve against the file's stable base IRI (:func:`loaders.base_iri.base_iri`)."""
    import pyoxigraph as ox

    from loaders.base_iri import base_iri

    fmt = (
        ox.RdfFormat.JSON_LD if path.suffix.lower() in (".jsonld", ".json") else ox.RdfFormat.TURTLE
    )
    salt = hashlib.sha1(graph_name(path).encode()).hexdigest()[:8]  # noqa: S324 - an id

    def term(value: object) -> Term:
        if isinstance(value, ox.NamedNode):
            return value.value
        if isinstance(value, ox.BlankNode):
            return f"urn:govgraph:bnode:{salt}:{value.value}"
        assert isinstance(value, ox.Literal)
        datatype = value.datatype.value
        plain = datatype in (
            XSD + "string",
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
        )
        return Literal(value.value, lang=value.language, datatype=None if plain else datatype)

    out = []
    try:
        for quad in ox.parse(text.encode(), format=fmt, base_iri=base_iri(path)):
            s, o = term(quad.subject), term(quad.object)
            if isinstance(s, str):
                out.append((s, quad.predicate.value, o))
    except SyntaxError as exc:
        raise ValidationFailed(
            [Violation("rdf-syntax", f"syntax error: {exc.msg}", source, exc.lineno, exc.offset)]
        ) from None
    return out


def _main_language(triples: list[tuple[str, str, Term]]) -> str:
    """The most common accepted language tag of the file's labels (``en`` when none)."""
    tags = Counter(
        o.lang
        for _, p, o in triples
        if p == SKOS + "prefLabel" and isinstance(o, Literal) and o.lang in v.IMPORT_LANGUAGES
    )
    return tags.most_common(1)[0][0] if tags else "en"


def read_org(path: Path, source: str) -> Batch:
    """Read a W3C ORG file into a batch of govgraph entities (:class:`ValidationFailed` on error)."""
    from loaders.files import read_text

    text = read_text(path, source)
    triples = read_triples(path, source, text)
    src = SourceFile(path, source, language=_main_language(triples))
    OrgChart(src, triples, text).run()
    return src.finish()


class OrgChart:
    def __init__(self, src: SourceFile, triples: list[tuple[str, str, Term]], text: str) -> None:
        self.src, self.text = src, text
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        for s, p, o in triples:
            self.out[s][p].append(o)
        self.triples = triples
        self.retagged = 0

    def line_of(self, iri: str) -> Location:
        """Where a subject is described (its first line starting with its local name)."""
        match = re.search(rf"^\S*{re.escape(_local(iri))}\b", self.text, re.MULTILINE)
        line = self.text[: match.start()].count("\n") + 1 if match else None
        return Location(self.src.source, line, 1 if line else None, _local(iri))

    def iris(self, s: str, p: str) -> list[str]:
        return [o for o in self.out[s][p] if isinstance(o, str)]

    def label(self, s: str) -> str:
        node = self.out[s]
        for p in (SKOS + "prefLabel", RDFS + "label", VCARD + "fn"):
            for o in node.get(p, []):
                if isinstance(o, Literal):
                    return o.value
        names = [
            str(node[p][0])
            for p in (VCARD + "honorific-prefix", VCARD + "given-name", VCARD + "family-name")
            if node.get(p)
        ]
        return " ".join(names) or _local(s)

    def run(self) -> None:
        src, out = self.src, self.out
        self.quirks()
        orgs = {s for s, p, o in self.triples if p == RDF_TYPE and o in ORG_TYPES}
        orgs |= {s for s, p, _ in self.triples if p in ORG_LINKS | ORG_SUBJECT_OF}
        orgs |= {o for _, p, o in self.triples if p in ORG_LINKS and isinstance(o, str)}
        parent: dict[str, str] = {}
        for s in orgs:
            for child in self.iris(s, ORG + "hasSubOrganization") + self.iris(s, ORG + "hasUnit"):
                parent[child] = s
            for up in self.iris(s, ORG + "subOrganizationOf") + self.iris(s, ORG + "unitOf"):
                parent[s] = up
        posts = {s for s, p, o in self.triples if p == RDF_TYPE and o == ORG + "Post"}
        posts |= {o for s in orgs for o in self.iris(s, ORG + "hasPost")}
        people = {s for s, p, o in self.triples if p == RDF_TYPE and o == VCARD + "Individual"}
        people |= {s for s, p, _ in self.triples if p == ORG + "holds"}
        people |= {o for s in orgs for o in self.iris(s, ORG + "hasMember")}
        self.counts = {"organisations": len(orgs), "posts": len(posts), "people": len(people)}
        for s in sorted(orgs):
            kind = "unit" if s in parent else "organisation"
            self.entity(s, v.ENTITY_CLASSES[kind], self.label(s))
            for o in out[s].get(RDF_TYPE, []):
                if isinstance(o, str) and o not in ORG_TYPES:
                    src.batch.add(s, RDF_TYPE, o)
            if s in parent:
                self.relation(s, v.PART_OF_ORG, parent[s])
            for purpose in out[s].get(ORG + "purpose", []):
                self.text_value(s, v.PURPOSE, purpose, RDFS + "comment")
        for s in sorted(posts):
            role = next(iter(self.iris(s, ORG + "role")), None)
            holder_org = next((o for o in orgs if s in self.iris(o, ORG + "hasPost")), None)
            holder_org = holder_org or next(iter(self.iris(s, ORG + "postIn")), None)
            title = self.label(role) if role and out.get(role) else _local(role) if role else "Post"
            name = f"{title}, {self.label(holder_org)}" if holder_org else title
            self.entity(s, v.ENTITY_CLASSES["post"], name)
            if holder_org:
                self.relation(s, ORG + "postIn", holder_org)
        for s in sorted(people):
            self.entity(s, v.ENTITY_CLASSES["person"], self.label(s))
            for post in self.iris(s, ORG + "holds"):
                if post in posts:
                    self.relation(post, ORG + "heldBy", s)
        for s in sorted(orgs):
            for person in self.iris(s, ORG + "hasMember"):
                self.membership(person, s)
        dropped = Counter(_local(p) for _, p, _ in self.triples if p not in MAPPED)
        if dropped:
            listing = ", ".join(f"{k} ({n})" for k, n in sorted(dropped.items()))
            src.warn(
                "org-unmapped",
                f"not copied (no govgraph term, or personal contact data): {listing}",
            )
        if self.retagged:
            src.warn(
                "org-language",
                f"{self.retagged} label(s)/purpose(s) are in a language govgraph does not accept "
                "(da, nb, nn, sv, fi, is, de, en): each is kept as rdfs:label/rdfs:comment in its own language and "
                "shown with the tag 'en', text unchanged (not translated)",
            )

    def quirks(self) -> None:
        for match in re.finditer(r"\^\^<(xsd|xs|rdf|rdfs):(\w+)>", self.text):
            line = self.text[: match.start()].count("\n") + 1
            self.src.warn(
                "rdf-datatype-quirk",
                f"datatype <{match.group(1)}:{match.group(2)}> is a prefixed name written as an "
                f"IRI (relative, so it means nothing); read as {match.group(1)}:{match.group(2)}",
                Location(
                    self.src.source, line, match.start() - self.text.rfind("\n", 0, match.start())
                ),
            )
        for _, p, o in self.triples:
            if (
                p == DCT + "created"
                and isinstance(o, Literal)
                and re.fullmatch(r"\d{4}-\d{2}-\d{2}", o.value)
            ):
                self.src.batch.add(
                    self.src.document, v.ISSUED, Literal(o.value, datatype=XSD + "date")
                )
                break

    def display(self, value: Literal) -> Literal:
        if value.lang in v.IMPORT_LANGUAGES:
            return value
        self.retagged += 1
        return Literal(value.value, lang="en")

    def entity(self, s: str, cls: str, name: str) -> None:
        where = self.line_of(s)
        labels = [o for o in self.out[s].get(SKOS + "prefLabel", []) if isinstance(o, Literal)]
        label = self.display(labels[0]) if labels else Literal(name, lang=self.src.language)
        self.src.entity(s, cls, label.value, f"{_local(s)}: {label.value}", where, lang=label.lang)
        for original in labels:
            if original.lang not in v.IMPORT_LANGUAGES:
                self.src.batch.add(s, v.LABEL, original)
        for alt in self.out[s].get(SKOS + "altLabel", []):
            if isinstance(alt, Literal):
                keep = alt if alt.lang in v.IMPORT_LANGUAGES else Literal(alt.value)
                self.src.batch.add(s, v.ALT_LABEL, keep)

    def text_value(self, s: str, predicate: str, value: Term, original: str) -> None:
        if not isinstance(value, Literal):
            return
        if value.lang not in v.IMPORT_LANGUAGES:
            self.src.batch.add(s, original, value)
        self.src.batch.add(s, predicate, self.display(value))

    def relation(self, s: str, p: str, o: str) -> None:
        self.src.relation(s, p, o, f"{_local(s)} {_local(p)} {_local(o)}", self.line_of(s))

    def membership(self, person: str, org_iri: str) -> None:
        key = hashlib.sha1(f"{person}|{org_iri}".encode()).hexdigest()[:16]  # noqa: S324
        node = f"{DATA}membership-{key}"
        where = self.line_of(org_iri)
        add = self.src.batch.add
        self.src.batch.locations.setdefault(node, where)
        add(node, RDF_TYPE, v.MEMBERSHIP, where)
        add(node, v.MEMBER, person, where)
        add(node, v.ORGANIZATION_P, org_iri, where)
        add(node, v.ROLE, concept("role", "member"), where)
        self.src.cite(node, f"{_local(org_iri)} hasMember {_local(person)}", where)
