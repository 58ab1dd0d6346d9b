"""A batch: the triples of one input file, with where each came from.

Loaders build batches; :func:`graph.load.apply_batches` validates them against the store and
writes them atomically, one named graph per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ontology.errors import Violation
from ontology.terms import Term, Triple

GRAPH_PREFIX = "urn:govgraph:graph:"


@dataclass(frozen=True)
class Location:
    file: str | None = None
    line: int | None = None
    column: int | None = None
    record: str | None = None


@dataclass
class Batch:
    """Triples from one source, to be stored in the named graph ``graph``.

    ``locations`` maps a subject IRI, or a ``(subject, predicate, object)`` triple, to the place
    in the file that produced it, so that any later violation can be reported where the user
    can fix it.
    """

    name: str
    source: str
    triples: list[Triple] = field(default_factory=list)
    locations: dict[object, Location] = field(default_factory=dict)
    warnings: list[Violation] = field(default_factory=list)
    #: the files read for this batch: ``(path, source, fingerprint)``, checked before writing
    inputs: list[tuple[str, str, tuple[int, int, int, int]]] = field(default_factory=list)
    _by_predicate: dict[tuple[str, str], Location] = field(
        default_factory=dict, repr=False, compare=False
    )
    _indexed: int = field(default=-1, repr=False, compare=False)

    @property
    def graph(self) -> str:
        return GRAPH_PREFIX + self.name

    def add(self, s: str, p: str, o: Term, where: Location | None = None) -> None:
        self.triples.append((s, p, o))
        if where is not None:
            self.locations.setdefault((s, p, o), where)

    def locate(
        self, subject: str, predicate: str | None = None, obj: Term | None = None
    ) -> Location:
        """Return the best known location of a triple or subject (file only when unknown)."""
        if predicate is not None and obj is not None:
            hit = self.locations.get((subject, predicate, obj))
            if hit is not None:
                return hit
        if predicate is not None:
            # An index built once: a scan per call made 50k violations quadratic.
            if self._indexed != len(self.locations):
                self._by_predicate, self._indexed = {}, len(self.locations)
                for key, loc in self.locations.items():
                    if isinstance(key, tuple):
                        self._by_predicate.setdefault((key[0], key[1]), loc)
            hit = self._by_predicate.get((subject, predicate))
            if hit is not None:
                return hit
        return self.locations.get(subject, Location(file=self.source))

    def violation(
        self,
        rule: str,
        message: str,
        subject: str,
        predicate: str | None = None,
        obj: Term | None = None,
        severity: str = "error",
    ) -> Violation:
        loc = self.locate(subject, predicate, obj)
        return Violation(
            rule=rule,
            message=message,
            file=loc.file or self.source,
            line=loc.line,
            column=loc.column,
            record=loc.record,
            severity=severity,
        )
