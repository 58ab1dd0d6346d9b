"""``sh:datatype`` checked natively, with the verdicts of the reference (pyshacl on rdflib 7).

A literal matches ``sh:datatype D`` when its datatype is ``D`` and its text is well formed for
``D``. Well-formedness follows rdflib's lexical-to-value mapping, which pyshacl relies on (so
that the native checker and pyshacl never disagree; ``tests/graph/test_validate_native.py``
compares them over a table of lexical forms): ``xsd:date`` as ``date.fromisoformat`` after
rdflib's time-zone trimming, ``xsd:integer`` as ``int``, ``xsd:decimal`` as ``Decimal``,
``xsd:boolean`` one of ``true false 1 0``. rdflib has no mapping for ``xsd:gYear`` or
``xsd:gYearMonth``, so any text passes for those: the loaders check partial dates before the
shapes run (``ontology.dates``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from ontology.terms import RDF, RDFS, XSD, Literal, Term

_STRING, _LANG_STRING = XSD + "string", RDF + "langString"


def _date(text: str) -> bool:
    if text.endswith(("Z", "z")):
        text = text[:-1]
    minus = text.startswith("-")
    if minus:
        text = text[1:]
    if "T" in text:
        text = text.split("T")[0]
    else:
        plus = text.rfind("+")
        if plus > 0:
            text = text[:plus]
        else:
            parts = text.rsplit("-", 1)
            if len(parts) > 1 and ":" in parts[-1]:
                text = parts[0]
    if "-" not in text:
        return False
    try:
        date.fromisoformat(("-" + text) if minus else text)
    except ValueError:
        return False
    return True


def _integer(text: str) -> bool:
    try:
        int(text)
    except ValueError:
        return False
    return True


def _decimal(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return True


_WELL_FORMED = {
    XSD + "date": _date,
    XSD + "integer": _integer,
    XSD + "decimal": _decimal,
    XSD + "boolean": lambda text: text in ("true", "false", "1", "0"),
}


def well_formed(term: Term, datatype: str) -> bool:
    """True when ``term`` satisfies ``sh:datatype datatype`` (as pyshacl decides).

    Examples
    --------
    >>> well_formed(Literal("2023-02-28", datatype=XSD + "date"), XSD + "date")
    True
    >>> well_formed(Literal("2023-02-30", datatype=XSD + "date"), XSD + "date")
    False
    >>> well_formed(Literal("text"), XSD + "string"), well_formed(Literal("t", lang="da"), XSD + "string")
    (True, False)
    """
    if not isinstance(term, Literal):
        return False
    if datatype == RDFS + "Literal":
        return True
    if term.lang:
        return datatype == _LANG_STRING
    if term.datatype is None:
        return datatype == _STRING
    if term.datatype != datatype:
        return datatype == RDFS + "Datatype"
    check = _WELL_FORMED.get(datatype)
    return check is None or check(term.value)
