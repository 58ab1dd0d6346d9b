"""Run the SHACL shapes (``shapes.ttl``) over a set of triples with pyshacl.

rdflib and pyshacl are imported here only, and only when validation runs: a CLI query never
pays for them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ontology import MORE_SHAPES_FILES, ONTOLOGY_DIR, ONTOLOGY_FILES, SHAPES_FILE
from ontology.terms import SH, Literal, Term, Triple


@dataclass(frozen=True)
class ShapeResult:
    focus: str
    path: str | None
    value: Term | None
    message: str
    severity: str  # "error" | "warning" | "info"
    shape: str


def _to_rdflib(term: Term) -> Any:
    import rdflib

    if isinstance(term, Literal):
        # normalize=False: the text as written (rdflib would rewrite "01" as "1", and a value it
        # cannot read as "false"), so that messages quote what the file says.
        return rdflib.Literal(
            term.value,
            lang=term.lang,
            datatype=rdflib.URIRef(term.datatype) if term.datatype else None,
            normalize=False,
        )
    return rdflib.URIRef(term)


def _from_rdflib(term: Any) -> Term:
    import rdflib

    if isinstance(term, rdflib.BNode):
        # Blank nodes of the ontology files get stable IRIs, like those of any loaded file.
        return f"https://w3id.org/govgraph/ontology/.well-known/genid/{term}"
    if isinstance(term, rdflib.Literal):
        return Literal(
            str(term), lang=term.language, datatype=str(term.datatype) if term.datatype else None
        )
    return str(term)


@lru_cache(maxsize=1)
def _graphs() -> tuple[Any, Any]:
    import rdflib

    ontology = rdflib.Graph()
    for name in ONTOLOGY_FILES:
        path = ONTOLOGY_DIR / name
        if path.exists():
            ontology.parse(path, format="turtle")
    shapes = rdflib.Graph()
    shapes_path = ONTOLOGY_DIR / SHAPES_FILE
    if shapes_path.exists():
        shapes.parse(shapes_path, format="turtle")
        for name in MORE_SHAPES_FILES:
            shapes.parse(ONTOLOGY_DIR / name, format="turtle")
    return ontology, shapes


def ontology_triples() -> list[Triple]:
    """The ontology and concept schemes as triples (loaded into every store)."""
    ontology, _ = _graphs()
    return [(str(_from_rdflib(s)), str(p), _from_rdflib(o)) for s, p, o in ontology]


def validate(triples: Iterable[Triple]) -> list[ShapeResult]:
    """Validate ``triples`` (plus the ontology) against the shapes; return every result."""
    import rdflib
    from pyshacl import validate as shacl_validate

    ontology, shapes = _graphs()
    if len(shapes) == 0:
        return []
    data = rdflib.Graph()
    for s, p, o in triples:
        data.add((rdflib.URIRef(s), rdflib.URIRef(p), _to_rdflib(o)))
    _, report, _ = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        advanced=True,
        allow_warnings=True,
    )
    sh = rdflib.Namespace(SH)
    severities = {sh.Violation: "error", sh.Warning: "warning", sh.Info: "info"}
    results = []
    for node in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = report.value(node, sh.focusNode)
        path = report.value(node, sh.resultPath)
        value = report.value(node, sh.value)
        shape = report.value(node, sh.sourceShape)
        name = shapes.value(shape, sh.name) if shape is not None else None
        messages = [str(m) for m in report.objects(node, sh.resultMessage)]
        english = [
            str(m)
            for m in report.objects(node, sh.resultMessage)
            if getattr(m, "language", None) in (None, "en")
        ]
        results.append(
            ShapeResult(
                focus=str(focus),
                path=str(path) if isinstance(path, rdflib.URIRef) else None,
                value=_from_rdflib(value) if value is not None else None,
                message=(english or messages or ["constraint violated"])[0],
                severity=severities.get(report.value(node, sh.resultSeverity), "error"),
                shape=str(name) if name is not None else str(shape),
            )
        )
    return results
