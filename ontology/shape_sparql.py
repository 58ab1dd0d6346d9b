"""The SPARQL-based shapes of ``shapes.ttl``, evaluated natively.

Each function does what its shape's ``sh:target`` and ``sh:sparql`` queries do over a
:class:`ontology.shape_check.Data` and returns one ``(focus, bindings)`` per distinct solution
(pyshacl drops duplicate solutions too); the bindings fill the ``{?var}`` slots of the shape's
message. A SPARQL shape without a function here is uncovered (``tests/graph/
test_validate_native.py`` fails, and the loader hands it to pyshacl).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ontology.terms import DCAT, DCT, GG, PROV, RDF, RDF_TYPE, Literal, Term

if TYPE_CHECKING:
    from ontology.shape_check import Data

Rows = list[tuple[str, dict[str, str]]]
Focus = Callable[[Term], bool] | None


def _str(term: Term) -> str | None:
    """SPARQL ``STR``: the lexical form or IRI (blank nodes have none)."""
    if isinstance(term, str) and term.startswith("_:"):
        return None
    return str(term)


def _before(end: Term, start: Term) -> tuple[str, str] | None:
    """``(from, to)`` when a period ends before it starts (partial dates padded as documented)."""
    to, since = _str(end), _str(start)
    if to is None or since is None:
        return None
    if (to + "-31-31")[:10] < (since + "-01-01")[:10]:
        return since, to
    return None


def _order(data: Data, focus: Focus, pairs: Callable[[str], list[tuple[Term, Term]]]) -> Rows:
    rows: Rows = []
    for node in data.out:
        if focus is not None and not focus(node):
            continue
        seen: list[tuple[str, str]] = []
        for start, end in pairs(node):
            found = _before(end, start)
            if found is not None and found not in seen:
                seen.append(found)
                rows.append((node, {"from": found[0], "to": found[1]}))
    return rows


def validity_order(data: Data, focus: Focus) -> Rows:
    def pairs(node: str) -> list[tuple[Term, Term]]:
        return [
            (start, end)
            for period in data.values(node, DCT + "temporal")
            for start in data.values(period, DCAT + "startDate")
            for end in data.values(period, DCAT + "endDate")
        ]

    return _order(data, focus, pairs)


def plan_order(data: Data, focus: Focus) -> Rows:
    def pairs(node: str) -> list[tuple[Term, Term]]:
        return [
            (start, end)
            for start in data.values(node, GG + "plannedStart")
            for end in data.values(node, GG + "plannedEnd")
        ]

    return _order(data, focus, pairs)


def _replace(pattern: str, term: Term) -> str:
    return re.sub(pattern, "", _str(term) or "")


def citation_relation_asserted(data: Data, focus: Focus) -> Rows:
    rows: Rows = []
    for node in data.subjects_of(GG + "about"):
        if GG + "Citation" not in data.values(node, RDF_TYPE):
            continue
        if focus is not None and not focus(node):
            continue
        seen: list[dict[str, str]] = []
        for subject in data.values(node, GG + "about"):
            for predicate in data.values(node, RDF + "predicate"):
                for obj in data.values(node, RDF + "object"):
                    if isinstance(predicate, str) and data.has(str(subject), predicate, obj):
                        continue
                    values = {
                        "record": _replace(r"^.*/id/", subject),
                        "relation": _replace(r"^.*[/#]", predicate),
                        "target": _replace(r"^.*/id/", obj),
                    }
                    if values not in seen:
                        seen.append(values)
                        rows.append((node, values))
    return rows


def citation_document_language(data: Data, focus: Focus) -> Rows:
    rows: Rows = []
    for node in data.subjects_of(PROV + "value"):
        if GG + "Citation" not in data.values(node, RDF_TYPE):
            continue
        if focus is not None and not focus(node):
            continue
        seen: list[dict[str, str]] = []
        for quote in data.values(node, PROV + "value"):
            if not isinstance(quote, Literal) or not quote.lang:
                continue
            for document in data.values(node, DCT + "source"):
                for language in data.values(document, DCT + "language"):
                    stated = _str(language)
                    if stated is None or quote.lang.lower() == stated.lower():
                        continue
                    values = {"quoteLanguage": quote.lang, "documentLanguage": stated}
                    if values not in seen:
                        seen.append(values)
                        rows.append((node, values))
    return rows


SPARQL_SHAPES: dict[str, Callable[[Data, Focus], Rows]] = {
    "validity-order": validity_order,
    "plan-order": plan_order,
    "citation-relation-asserted": citation_relation_asserted,
    "citation-document-language": citation_document_language,
}
