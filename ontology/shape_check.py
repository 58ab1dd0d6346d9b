"""The SHACL shapes checked natively: plain Python over a batch's triples, no rdflib/pyshacl.

:func:`validate` gives the same results as :func:`ontology.shacl.validate` (pyshacl, kept as the
reference; ``tests/graph/test_validate_native.py`` compares the two over the bundled data, the
hostile corpus and mutated graphs) in a fraction of the time: a batch of 1M triples is checked
in seconds, where pyshacl needs about a millisecond per triple. The data graph is the batch plus
the ontology, as pyshacl sees it with ``ont_graph``; the SPARQL-based shapes are evaluated by
the functions in :mod:`ontology.shape_sparql`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import replace
from functools import lru_cache
from itertools import chain

from ontology.shacl import ShapeResult
from ontology.shape_datatypes import well_formed
from ontology.shape_model import SUBCLASS, Shape, shape_set, subclasses
from ontology.terms import RDF_TYPE, SH, Literal, Term, Triple

_NONE: tuple[Term, ...] = ()


class Data:
    """A data graph indexed by subject (and, on demand, by object for inverse paths)."""

    def __init__(self, triples: Iterable[Triple]) -> None:
        out: dict[str, dict[str, list[Term]]] = {}
        for s, p, o in triples:
            by_p = out.get(s)
            if by_p is None:
                out[s] = {p: [o]}
            else:
                values = by_p.get(p)
                if values is None:
                    by_p[p] = [o]
                elif o not in values:
                    values.append(o)
        self.out = out
        self._inverse: dict[str, dict[Term, list[str]]] = {}
        self._subjects_of: dict[str, list[str]] | None = None
        self._by_type: dict[Term, list[str]] | None = None

    def values(self, node: Term, p: str) -> Collection[Term]:
        if not isinstance(node, str):
            return _NONE
        return self.out.get(node, {}).get(p, _NONE)

    def inverse(self, node: Term, p: str) -> list[str]:
        index = self._inverse.get(p)
        if index is None:
            index = {}
            for s, by_p in self.out.items():
                for o in by_p.get(p, _NONE):
                    index.setdefault(o, []).append(s)
            self._inverse[p] = index
        return index.get(node, [])

    def subjects_of(self, p: str) -> list[str]:
        if self._subjects_of is None:
            self._subjects_of = {}
            for s, by_p in self.out.items():
                for q in by_p:
                    self._subjects_of.setdefault(q, []).append(s)
        return self._subjects_of.get(p, [])

    def instances(self, classes: Collection[str]) -> set[str]:
        """The subjects typed with any of ``classes`` (one index of ``rdf:type``, built once)."""
        if self._by_type is None:
            self._by_type = {}
            for s in self.subjects_of(RDF_TYPE):
                for t in self.out[s][RDF_TYPE]:
                    self._by_type.setdefault(t, []).append(s)
        return {s for c in classes for s in self._by_type.get(c, ())}

    def has(self, s: str, p: str, o: Term) -> bool:
        return o in self.out.get(s, {}).get(p, _NONE)


class Checker:
    """Evaluates the shapes over one :class:`Data`."""

    def __init__(self, data: Data) -> None:
        self.data = data
        self.below = shape_set().subclasses
        stated = [
            (s, SUBCLASS, o) for s in data.subjects_of(SUBCLASS) for o in data.values(s, SUBCLASS)
        ]
        if len(stated) != sum(1 for t in shape_set().ontology if t[1] == SUBCLASS):
            self.below = subclasses(stated)  # the data states classes of its own

    # -- value nodes -------------------------------------------------------------------------
    def path_values(self, node: Term, path: tuple[str, object]) -> Collection[Term]:
        kind, arg = path
        if kind == "p":
            return self.data.values(node, str(arg))
        if kind == "inv":
            return self.data.inverse(node, str(arg))
        current: list[Term] = [node]
        for step in arg:  # type: ignore[attr-defined]
            following: list[Term] = []
            for n in current:
                following.extend(v for v in self.path_values(n, step) if v not in following)
            current = following
        return current

    def is_instance(self, node: Term, cls: str) -> bool:
        classes = self.below.get(cls) or {cls}
        return any(t in classes for t in self.data.values(node, RDF_TYPE))

    # -- constraints -------------------------------------------------------------------------
    def failures(
        self, shape: Shape, focus: Term, values: Collection[Term]
    ) -> Iterable[tuple[Term | None]]:
        """``(value,)`` per violated constraint of ``shape`` (value ``None`` when there is none)."""
        for p, arg in shape.constraints:
            check = _CHECKS[p.removeprefix(SH)]
            yield from check(self, shape, focus, values, arg)

    def conforms(self, shape: Shape, node: Term) -> bool:
        """True when ``node`` satisfies ``shape`` (an inner shape of or/not/qualified ...)."""
        if any(True for _ in self.failures(shape, node, (node,))):
            return False
        return all(
            not any(True for _ in self.failures(prop, node, self.path_values(node, prop.path)))
            for prop in shape.properties
            if prop.path is not None
        )

    def results(self, shape: Shape, focus: Term) -> Iterable[ShapeResult]:
        for (value,) in self.failures(shape, focus, (focus,)):
            yield _result(shape, focus, None, value if value is not None else focus)
        for prop in shape.properties:
            assert prop.path is not None
            values = self.path_values(focus, prop.path)
            path = str(prop.path[1]) if prop.path[0] == "p" else None
            for (value,) in self.failures(prop, focus, values):
                yield _result(prop, focus, path, value)

    def targets(self, shape: Shape) -> set[Term]:
        found: set[Term] = set(shape.target_nodes)
        for cls in shape.target_classes:
            found |= self.data.instances(self.below.get(cls) or {cls})
        for p in shape.target_subjects_of:
            found.update(self.data.subjects_of(p))
        for p in shape.target_objects_of:
            for s in self.data.subjects_of(p):
                found.update(self.data.values(s, p))
        return found


def _result(shape: Shape, focus: Term, path: str | None, value: Term | None) -> ShapeResult:
    return ShapeResult(
        focus=str(focus),
        path=path,
        value=value,
        message=shape.message or "constraint violated",
        severity=shape.severity,
        shape=shape.name,
    )


Fail = Iterable[tuple[Term | None]]


def _min_count(c: Checker, s: Shape, f: Term, vs: Collection[Term], n: object) -> Fail:
    return [(None,)] if len(vs) < int(str(n)) else []


def _max_count(c: Checker, s: Shape, f: Term, vs: Collection[Term], n: object) -> Fail:
    return [(None,)] if len(vs) > int(str(n)) else []


def _class(c: Checker, s: Shape, f: Term, vs: Collection[Term], cls: object) -> Fail:
    return [(v,) for v in vs if not c.is_instance(v, str(cls))]


def _datatype(c: Checker, s: Shape, f: Term, vs: Collection[Term], dt: object) -> Fail:
    return [(v,) for v in vs if not well_formed(v, str(dt))]


def _lang_matches(lang: str, ranges: tuple[str, ...]) -> bool:
    lowered = lang.lower()
    return any(
        r == "*" or lowered == r.lower() or lowered.startswith(r.lower() + "-") for r in ranges
    )


def _language_in(c: Checker, s: Shape, f: Term, vs: Collection[Term], langs: object) -> Fail:
    ranges = tuple(str(x) for x in langs)  # type: ignore[attr-defined]
    return [
        (v,)
        for v in vs
        if not (isinstance(v, Literal) and v.lang and _lang_matches(v.lang, ranges))
    ]


def _unique_lang(c: Checker, s: Shape, f: Term, vs: Collection[Term], on: object) -> Fail:
    if str(on).lower() != "true":
        return []
    seen: dict[str, int] = {}
    for v in vs:
        if isinstance(v, Literal) and v.lang:
            seen[v.lang.lower()] = seen.get(v.lang.lower(), 0) + 1
    return [(None,) for n in seen.values() if n > 1]


def _in(c: Checker, s: Shape, f: Term, vs: Collection[Term], allowed: object) -> Fail:
    return [(v,) for v in vs if v not in allowed]  # type: ignore[operator]


def _node_kind(c: Checker, s: Shape, f: Term, vs: Collection[Term], kind: object) -> Fail:
    def kind_of(v: Term) -> str:
        if isinstance(v, Literal):
            return "Literal"
        return "BlankNode" if v.startswith("_:") else "IRI"

    allowed = {
        "IRI": {"IRI"},
        "Literal": {"Literal"},
        "BlankNode": {"BlankNode"},
        "BlankNodeOrIRI": {"BlankNode", "IRI"},
        "BlankNodeOrLiteral": {"BlankNode", "Literal"},
        "IRIOrLiteral": {"IRI", "Literal"},
    }[str(kind).removeprefix(SH)]
    return [(v,) for v in vs if kind_of(v) not in allowed]


def _is_blank(v: Term) -> bool:
    return isinstance(v, str) and v.startswith("_:")


def _min_length(c: Checker, s: Shape, f: Term, vs: Collection[Term], n: object) -> Fail:
    return [(v,) for v in vs if _is_blank(v) or len(str(v)) < int(str(n))]


def _max_length(c: Checker, s: Shape, f: Term, vs: Collection[Term], n: object) -> Fail:
    return [(v,) for v in vs if _is_blank(v) or len(str(v)) > int(str(n))]


@lru_cache(maxsize=64)
def _regex(pattern: str, flags: str) -> re.Pattern[str]:
    value = 0
    for flag, bit in (("i", re.I), ("m", re.M), ("s", re.S), ("x", re.X)):
        if flag in flags:
            value |= bit
    return re.compile(pattern, value)


def _pattern(c: Checker, s: Shape, f: Term, vs: Collection[Term], arg: object) -> Fail:
    regex = _regex(*arg)  # type: ignore[misc]
    return [(v,) for v in vs if _is_blank(v) or not regex.search(str(v))]


def _disjoint(c: Checker, s: Shape, f: Term, vs: Collection[Term], p: object) -> Fail:
    other = c.data.values(f, str(p))
    return [(v,) for v in vs if v in other]


def _equals(c: Checker, s: Shape, f: Term, vs: Collection[Term], p: object) -> Fail:
    other = c.data.values(f, str(p))
    return [(v,) for v in vs if v not in other] + [(w,) for w in other if w not in vs]


def _has_value(c: Checker, s: Shape, f: Term, vs: Collection[Term], value: object) -> Fail:
    return [] if value in vs else [(None,)]


def _qualified(c: Checker, s: Shape, f: Term, vs: Collection[Term], inner: object) -> Fail:
    assert isinstance(inner, Shape)
    count = sum(1 for v in vs if c.conforms(inner, v))
    out: list[tuple[Term | None]] = []
    for p, n in s.constraints:
        if p == SH + "qualifiedMinCount" and count < int(str(n)):
            out.append((None,))
        if p == SH + "qualifiedMaxCount" and count > int(str(n)):
            out.append((None,))
    return out


def _or(c: Checker, s: Shape, f: Term, vs: Collection[Term], shapes: object) -> Fail:
    return [(v,) for v in vs if not any(c.conforms(x, v) for x in shapes)]  # type: ignore[attr-defined]


def _and(c: Checker, s: Shape, f: Term, vs: Collection[Term], shapes: object) -> Fail:
    return [(v,) for v in vs if not all(c.conforms(x, v) for x in shapes)]  # type: ignore[attr-defined]


def _not(c: Checker, s: Shape, f: Term, vs: Collection[Term], inner: object) -> Fail:
    return [(v,) for v in vs if c.conforms(inner, v)]  # type: ignore[arg-type]


def _node(c: Checker, s: Shape, f: Term, vs: Collection[Term], inner: object) -> Fail:
    return [(v,) for v in vs if not c.conforms(inner, v)]  # type: ignore[arg-type]


def _number(term: object) -> float | None:
    from decimal import Decimal, InvalidOperation

    if not isinstance(term, Literal) or term.lang:
        return None
    try:
        return float(Decimal(term.value.strip()))
    except (InvalidOperation, ValueError):
        return None


def _compare(op: Callable[[float, float], bool]) -> Callable[..., Fail]:
    def check(c: Checker, s: Shape, f: Term, vs: Collection[Term], bound: object) -> Fail:
        limit = _number(bound)
        out: list[tuple[Term | None]] = []
        for v in vs:
            number = _number(v) if isinstance(v, Literal) and v.datatype else None
            if number is None or limit is None or not op(number, limit):
                out.append((v,))
        return out

    return check


_CHECKS: dict[str, Callable[..., Fail]] = {
    "minCount": _min_count,
    "maxCount": _max_count,
    "class": _class,
    "datatype": _datatype,
    "languageIn": _language_in,
    "uniqueLang": _unique_lang,
    "in": _in,
    "nodeKind": _node_kind,
    "minLength": _min_length,
    "maxLength": _max_length,
    "pattern": _pattern,
    "flags": lambda *_: [],
    "disjoint": _disjoint,
    "equals": _equals,
    "hasValue": _has_value,
    "qualifiedValueShape": _qualified,
    "qualifiedMinCount": lambda *_: [],
    "qualifiedMaxCount": lambda *_: [],
    "or": _or,
    "and": _and,
    "not": _not,
    "node": _node,
    "minInclusive": _compare(lambda a, b: a >= b),
    "maxInclusive": _compare(lambda a, b: a <= b),
    "minExclusive": _compare(lambda a, b: a > b),
    "maxExclusive": _compare(lambda a, b: a < b),
}


def validate(
    triples: Iterable[Triple],
    *,
    focus: Callable[[Term], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[ShapeResult]:
    """Validate ``triples`` (plus the ontology) against the shapes; return every result.

    ``focus`` limits the check to the focus nodes it accepts (a batch's own subjects: the rest
    is context from the store). ``progress(done, total)`` is told after each shape.

    Examples
    --------
    >>> from ontology.terms import GG, iri
    >>> board = iri("b")
    >>> sorted(r.shape for r in validate([(board, RDF_TYPE, GG + "GoverningBody")]))
    ['entity-label', 'entity-label-en', 'entity-source']
    """
    from ontology.shape_sparql import SPARQL_SHAPES

    shapes = shape_set()
    data = Data(chain(shapes.ontology, triples))
    checker = Checker(data)
    out: list[ShapeResult] = []
    for done, shape in enumerate(shapes.shapes):
        if shape.sparql:
            for node, values in SPARQL_SHAPES[shape.rule](data, focus):
                result = _result(shape, node, None, node)
                out.append(replace(result, message=_fill(result.message, values)))
        else:
            for target in checker.targets(shape):
                if focus is None or focus(target):
                    out.extend(checker.results(shape, target))
        if progress is not None:
            progress(done + 1, len(shapes.shapes))
    return out


def _fill(message: str, values: dict[str, str]) -> str:
    """The message with ``{?var}`` / ``{$var}`` filled in, exactly as pyshacl fills it."""
    for name, value in values.items():
        message = re.sub("{[?$]" + name + "}", value, message)
    return message
