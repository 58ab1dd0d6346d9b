"""What every non-YAML loader shares: the source document of a file and a citation per fact.

A loader names one :class:`SourceFile` per input file. It writes the ``gg:SourceDocument`` of the
file (title = file name, ``gg:path``, ``dct:language``, ``gg:external`` and ``foaf:page`` when the
upstream is known) and cites every entity, relation and dependency with the record's own text
(a CSV row, an XML element's id and name, a YAML entity's ref), as ``docs/authoring.md`` describes
under "Citations in RDF".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from graph.batch import Batch, Location
from loaders.files import graph_name
from ontology import vocab as v
from ontology.errors import ValidationFailed, Violation
from ontology.terms import DATA, RDF_TYPE, XSD, Literal, concept, iri

MAX_QUOTE = 1000  # characters of a record kept as the citation's text

# Upstream pages of the public test files (tests/fixtures/external/SOURCES.md), by file name.
KNOWN_UPSTREAMS: dict[str, str] = {
    "SenFin.ttl": "https://github.com/berlin/lod-organigram/blob/main/data/static/SenFin.ttl",
    "SenWGP.ttl": "https://github.com/berlin/lod-organigram/blob/main/data/static/SenWGP.ttl",
    "archisurance.xml": "https://github.com/archimatetool/OpenGroupXMLExchange/blob/master/org.opengroup.archimate.xmlexchange.tests/testdata/archisurance.xml",
    "sample1.xml": "https://github.com/archimatetool/OpenGroupXMLExchange/blob/master/org.opengroup.archimate.xmlexchange.tests/testdata/sample1.xml",
    "gephi_nodes.csv": "https://github.com/yusufarbc/npm-supply-chain-network-analysis/blob/main/results/gephi_nodes.csv",
    "gephi_edges.csv": "https://github.com/yusufarbc/npm-supply-chain-network-analysis/blob/main/results/gephi_edges.csv",
}
BACKSTAGE_UPSTREAM = (
    "https://github.com/backstage/backstage/tree/master/packages/catalog-model/examples"
)


def slug(text: str) -> str:
    """An id-safe form of ``text``: lower case ASCII, words joined by ``-``.

    >>> slug("Customer's Bank / Ørsted")
    'customer-s-bank-orsted'
    """
    folded = unicodedata.normalize("NFKD", text.casefold().replace("ø", "o").replace("æ", "ae"))
    ascii_only = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9._]+", "-", ascii_only).strip("-._") or "x"


def upstream_url(path: Path) -> str | None:
    """The public page of a known test file, else ``None``."""
    if path.name in KNOWN_UPSTREAMS:
        return KNOWN_UPSTREAMS[path.name]
    if "backstage-catalog" in path.parts:
        return BACKSTAGE_UPSTREAM
    return None


@dataclass
class SourceFile:
    """One input file being turned into a batch, with its source document and citations."""

    path: Path
    source: str
    language: str = "en"
    url: str | None = None
    batch: Batch = field(init=False)
    document: str = field(init=False)
    errors: list[Violation] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.batch = Batch(name=graph_name(self.path), source=self.source)
        # Named by the stable graph name, so the same file read from anywhere is one document.
        digest = hashlib.sha1(self.batch.name.encode()).hexdigest()[:8]  # noqa: S324
        self.document = iri(f"src-{slug(self.path.name)}-{digest}")
        url = self.url or upstream_url(self.path)
        where = Location(self.source, record=self.path.name)
        add = self.batch.add
        add(self.document, RDF_TYPE, v.SOURCE_DOCUMENT, where)
        add(self.document, v.TITLE, Literal(self.path.name))
        add(self.document, v.DOC_PATH, Literal(self.batch.name.removeprefix("file:")))
        add(self.document, v.DOC_LANGUAGE, Literal(self.language))
        if url:
            add(self.document, v.EXTERNAL, Literal("true", datatype=XSD + "boolean"))
            add(self.document, v.DOC_URL, url)

    # -- reporting -----------------------------------------------------------------------------
    def error(self, rule: str, message: str, where: Location) -> None:
        self.errors.append(
            Violation(
                rule, message, where.file or self.source, where.line, where.column, where.record
            )
        )

    def warn(self, rule: str, message: str, where: Location | None = None) -> None:
        where = where or Location(self.source)
        self.batch.warnings.append(
            Violation(
                rule,
                message,
                where.file or self.source,
                where.line,
                where.column,
                where.record,
                "warning",
            )
        )

    def finish(self) -> Batch:
        """The batch, or :class:`ValidationFailed` with every error found in the file."""
        if self.errors:
            raise ValidationFailed(self.errors + self.batch.warnings)
        return self.batch

    def at(
        self, line: int | None = None, column: int | None = None, record: str | None = None
    ) -> Location:
        return Location(self.source, line, column, record)

    # -- facts ---------------------------------------------------------------------------------
    def cite(
        self,
        about: str,
        quote: str,
        where: Location,
        predicate: str | None = None,
        obj: str | None = None,
    ) -> None:
        """A ``gg:Citation`` of this file supporting ``about`` (or one of its relations)."""
        text = " ".join(quote.split())[:MAX_QUOTE] or about
        key = f"{about}|{predicate}|{obj}|{self.document}|{text}".encode()
        cite = DATA + "cite/" + hashlib.sha1(key).hexdigest()[:16]  # noqa: S324 - an id
        add = self.batch.add
        self.batch.locations[cite] = where
        add(cite, RDF_TYPE, v.CITATION, where)
        add(cite, v.CITE_SOURCE, self.document, where)
        add(cite, v.QUOTE, Literal(text, lang=self.language), where)
        add(cite, v.CITE_ABOUT, about, where)
        if predicate is not None and obj is not None:
            add(cite, v.CITE_PREDICATE, predicate, where)
            add(cite, v.CITE_OBJECT, obj, where)

    def entity(
        self,
        subject: str,
        cls: str,
        label: str,
        quote: str,
        where: Location,
        *,
        lang: str | None = None,
    ) -> None:
        """An entity of class ``cls`` named ``label``, cited by ``quote``."""
        self.batch.locations.setdefault(subject, where)
        self.batch.add(subject, RDF_TYPE, cls, where)
        self.batch.add(subject, v.PREF_LABEL, Literal(label, lang=lang or self.language), where)
        self.cite(subject, quote, where)

    def relation(self, subject: str, predicate: str, obj: str, quote: str, where: Location) -> None:
        """``subject predicate obj``, cited on its own."""
        self.batch.add(subject, predicate, obj, where)
        self.cite(subject, quote, where, predicate, obj)

    def dependency(
        self,
        subject: str,
        dependent: str,
        prerequisite: str,
        quote: str,
        where: Location,
        *,
        kind: str = "technical",
        criticality: str = "medium",
        label: str | None = None,
    ) -> None:
        """A ``gg:Dependency``: ``dependent`` needs ``prerequisite``."""
        self.batch.locations.setdefault(subject, where)
        add = self.batch.add
        add(subject, RDF_TYPE, v.DEPENDENCY, where)
        add(subject, v.DEPENDENT, dependent, where)
        add(subject, v.PREREQUISITE, prerequisite, where)
        add(subject, v.DEPENDENCY_TYPE, concept("dependency-type", kind), where)
        add(subject, v.CRITICALITY, concept("criticality", criticality), where)
        if label:
            add(subject, v.PREF_LABEL, Literal(label, lang=self.language), where)
        self.cite(subject, quote, where)
