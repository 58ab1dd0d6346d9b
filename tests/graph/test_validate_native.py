"""The native shape checker gives pyshacl's verdicts, results and located messages.

pyshacl (``ontology.shacl``) stays the reference. Both run over the same triples: the bundled
data, the ontology test fixtures (each breaking one rule), the hostile corpus, and the bundled
data broken at random in seeded rounds. Results are compared as multisets of (focus node, path,
value, message, severity, rule); the violations the loader reports from them (rule, message,
file, line, record) are compared too. A shape the native checker does not cover fails here.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import pytest

from graph.batch import Batch
from graph.oxigraph_store import OxigraphStore
from graph.validate import check_batches, shape_results
from loaders.files import read_paths
from ontology import shape_check
from ontology.errors import ValidationFailed
from ontology.shacl import ShapeResult
from ontology.shape_datatypes import well_formed
from ontology.shape_model import parse_turtle, shape_set
from ontology.shape_sparql import SPARQL_SHAPES
from ontology.terms import DCAT, DCT, GG, RDF, RDF_TYPE, SH, SKOS, XSD, Literal, Term, Triple
from tests.hostile.corpus import CASES
from tests.support import REPO

FIXTURES = REPO / "tests" / "ontology" / "fixtures"


def _key(result: ShapeResult) -> tuple[object, ...]:
    return (
        result.focus,
        result.path,
        result.value,
        result.message,
        result.severity,
        result.shape,
    )


def assert_same(triples: Sequence[Triple]) -> int:
    """Both engines give the same results over ``triples``; return how many."""
    reference = Counter(map(_key, shape_results(list(triples), engine="pyshacl")))
    native = Counter(map(_key, shape_results(list(triples), engine="native")))
    assert reference - native == Counter(), "pyshacl only"
    assert native - reference == Counter(), "native only"
    return sum(reference.values())


@cache
def bundled() -> tuple[Batch, ...]:
    return tuple(read_paths([REPO / "data"]))


# --- coverage ------------------------------------------------------------------------------


def test_every_shape_is_covered_natively() -> None:
    shapes = shape_set()
    assert shapes.uncovered == []
    sparql = {s.rule for s in shapes.shapes if s.sparql}
    assert sparql == set(SPARQL_SHAPES)
    # Every named shape of the shape files is reached from a targeted shape.
    declared = set()
    for name in ("shapes.ttl", "portfolio-shapes.ttl"):
        for s, p, o in parse_turtle(REPO / "ontology" / name):
            if p == RDF_TYPE and o in (SH + "NodeShape", SH + "PropertyShape"):
                declared.add(s)
    reached = {s.node for s in shapes.shapes} | {
        prop.node for s in shapes.shapes for prop in s.properties
    }
    assert declared and declared <= reached
    # Every shape that can report has a message to report.
    assert all(s.message for s in shapes.shapes for s in [s, *s.properties])


def test_an_unknown_constraint_is_reported_uncovered(tmp_path: Path) -> None:
    from ontology.shape_model import _Reader

    shape = "https://example.org/s"
    reader = _Reader(
        [(shape, SH + "targetClass", GG + "Entity"), (shape, SH + "closed", Literal("true"))]
    )
    reader.shape(shape)
    assert reader.uncovered == [("s", SH + "closed")]  # (rule, parameter)


# --- same results --------------------------------------------------------------------------


def test_bundled_data_gives_the_same_results() -> None:
    assert assert_same([t for b in bundled() for t in b.triples]) > 0


@pytest.mark.parametrize("fixture", sorted(p.name for p in (FIXTURES / "invalid").glob("*.ttl")))
def test_each_broken_fixture_gives_the_same_results(fixture: str) -> None:
    base = parse_turtle(FIXTURES / "base.ttl")
    broken = parse_turtle(FIXTURES / "invalid" / fixture)
    assert assert_same(base + broken) > 0


def test_valid_fixture_has_no_violations_in_either() -> None:
    triples = parse_turtle(FIXTURES / "base.ttl") + parse_turtle(FIXTURES / "valid.ttl")
    assert_same(triples)
    assert not [r for r in shape_check.validate(triples) if r.severity == "error"]


def test_hostile_corpus_gives_the_same_results(tmp_path: Path) -> None:
    compared = 0
    for case in CASES:
        if case.rule in ("not-a-file", "max-literal", "max-unpacked", "reference-resolves"):
            continue  # refused before any triple exists (devices, sizes) or too big for pyshacl
        directory = tmp_path / case.name
        directory.mkdir()
        try:
            batches = read_paths([Path(a) for a in case.build(directory) if Path(a).exists()])
        except (ValidationFailed, ValueError, OSError):
            continue
        assert_same([t for b in batches for t in b.triples])
        compared += 1
    assert compared >= 2


# --- mutated graphs ------------------------------------------------------------------------

_ODD_LEXICAL = ["2023-02-30", "2023-13", "2023", "2023-05", "abc", "", "1.5", "+7", "true", "1"]
_TYPES = [XSD + "date", XSD + "gYear", XSD + "integer", XSD + "decimal", XSD + "boolean", None]
_LANGS = ["en", "da", "nb", "no", "EN", "en-GB", "xx", None]


def _mutate(triples: list[Triple], rng: random.Random, rounds: int) -> list[Triple]:
    out = list(triples)
    subjects = sorted({s for s, _, _ in out})
    for _ in range(rounds):
        i = rng.randrange(len(out))
        s, p, o = out[i]
        kind = rng.randrange(10)
        if kind == 0:
            del out[i]
        elif kind == 1 and isinstance(o, Literal):
            out[i] = (s, p, Literal(o.value, lang=rng.choice(_LANGS)))
        elif kind == 2:
            dt = rng.choice(_TYPES)
            out[i] = (s, p, Literal(rng.choice(_ODD_LEXICAL), datatype=dt))
        elif kind == 3 and isinstance(o, str):
            out[i] = (s, p, rng.choice(subjects))  # a reference to the wrong kind of record
        elif kind == 4:
            out.append((s, SKOS + "prefLabel", Literal(f"other {i}", lang=rng.choice(_LANGS))))
        elif kind == 5:
            period = f"{s}-mutated-period-{i}"
            start, end = rng.sample(["2019", "2020-05", "2021-01-31", "2018-12"], 2)
            out += [
                (s, DCT + "temporal", period),
                (period, RDF_TYPE, DCT + "PeriodOfTime"),
                (period, DCAT + "startDate", Literal(start, datatype=XSD + "gYear")),
                (period, DCAT + "endDate", Literal(end, datatype=XSD + "date")),
            ]
        elif kind == 6:
            start, end = rng.sample(["2019", "2020-05", "2021-01-31", "2018-12"], 2)
            out += [
                (s, GG + "plannedStart", Literal(start, datatype=XSD + "gYearMonth")),
                (s, GG + "plannedEnd", Literal(end, datatype=XSD + "date")),
            ]
        elif kind == 7 and p in (RDF + "predicate", RDF + "object", DCT + "language"):
            out[i] = (s, p, rng.choice([*subjects[:5], Literal("en"), Literal("da")]))
        elif kind == 8:
            out = [t for t in out if not (t[0] == s and t[1] == RDF_TYPE)]
        else:
            out.append((s, p, rng.choice(subjects)))  # one value too many
    return out


@pytest.mark.parametrize("seed", range(6))
def test_mutated_graphs_give_the_same_results(seed: int) -> None:
    logging.disable(logging.WARNING)  # rdflib logs every ill-typed literal
    try:
        triples = _mutate([t for b in bundled() for t in b.triples], random.Random(seed), 80)
        assert assert_same(triples) > 0
    finally:
        logging.disable(logging.NOTSET)


@pytest.mark.parametrize("seed", range(3))
def test_located_messages_are_the_same(seed: int) -> None:
    """The loader's violations (rule, message, file, line, record) from either engine."""
    rng = random.Random(100 + seed)
    batches = []
    for batch in bundled():
        copy = Batch(batch.name, batch.source, list(batch.triples), dict(batch.locations))
        copy.triples = _mutate(copy.triples, rng, 15)
        batches.append(copy)
    store = OxigraphStore()
    logging.disable(logging.WARNING)
    try:
        found = {
            engine: Counter(
                tuple(sorted(v.as_dict().items(), key=str))
                for v in check_batches(store, batches, engine=engine)
            )
            for engine in ("pyshacl", "native")
        }
    finally:
        logging.disable(logging.NOTSET)
    assert found["pyshacl"] == found["native"]
    assert sum(found["native"].values()) > 0


# --- datatypes -----------------------------------------------------------------------------

_LEXICAL = [
    "2023-02-28", "2023-02-30", "2024-02-29", "2023-02-29", "2023", "2023-12", "2023-13",
    "2023-02-28Z", "2023-02-28+01:00", "2023-02-28-05:00", "2023-02-28T10:00:00", "-2023-01-01",
    "20230228", "0000-01-01", " 2023-01-01", "12", "+12", "-0", " 12", "1_000", "1.5", ".5",
    "5.", "1e3", "NaN", "INF", "0x10", "true", "false", "1", "0", "TRUE", "abc", "",
]  # fmt: skip


@pytest.mark.parametrize(
    "datatype", [XSD + t for t in ("date", "gYear", "gYearMonth", "integer", "decimal", "boolean")]
)
def test_datatype_verdicts_match_rdflib(datatype: str) -> None:
    import rdflib

    logging.disable(logging.WARNING)
    try:
        for text in _LEXICAL:
            literal = rdflib.Literal(text, datatype=rdflib.URIRef(datatype))
            expected = not literal.ill_typed
            got = well_formed(Literal(text, datatype=datatype), datatype)
            # pyshacl checks no value space for gYear/gYearMonth: any text passes there
            assert got == expected, (datatype, text)
    finally:
        logging.disable(logging.NOTSET)


def test_plain_and_tagged_strings() -> None:
    values: list[tuple[Term, str, bool]] = [
        (Literal("x"), XSD + "string", True),
        (Literal("x", lang="da"), XSD + "string", False),
        (Literal("x", lang="da"), RDF + "langString", True),
        ("https://example.org/x", XSD + "string", False),
        (Literal("1", datatype=XSD + "integer"), XSD + "decimal", False),
    ]
    for term, datatype, expected in values:
        assert well_formed(term, datatype) is expected
