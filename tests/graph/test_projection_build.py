"""The fast projection build (SPARQL answers as TSV, parsed in bulk) gives exactly the projection
the generic one-pass build gives from the store's triples: same terms, relations and literals,
on random graphs with awkward terms, on disk and in memory, and on the bundled data."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import graph.projection_build as fast
from graph.oxigraph_store import OxigraphStore
from graph.projection import Projection
from loaders import load_paths
from ontology import vocab as v
from tests.support import DATA

XSD = "http://www.w3.org/2001/XMLSchema#"

# IRIs with unusual but legal characters (RFC 3987: percent escapes, sub-delims, non-ASCII)
IRIS = [
    "http://ex.org/a",
    "http://ex.org/a%20b?c=d&e=f#g",
    "http://ex.org/~!$&'()*+,;=:@/x",
    "http://ex.org/øæå/Ærø",
    "http://例え.jp/😀",
    "urn:x:1",
    "urn:x:1/",
    "http://ex.org/a-b.c_d",
    "http://ex.org/A",
    "tag:ex.org,2024:z",
]
PREDICATES = [
    "http://ex.org/p",
    "http://ex.org/q",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
]
VALUES = [
    "",
    "plain",
    "tab\there",
    "line\nbreak\r\n",
    'quote"d',
    "back\\slash",
    "\\u0041",
    "ø😀é",
    "\x01\x7f\u0085\u2028",
    "<b>",
    '"""',
    "'single'",
    "x" * 200,
    "@da",
    "^^<urn:t>",
]
DATATYPES = [
    None,
    XSD + "string",
    XSD + "integer",
    XSD + "decimal",
    XSD + "double",
    XSD + "boolean",
    XSD + "date",
    XSD + "gYear",
    "urn:dt",
    "http://ex.org/dt#x",
]
LEXICAL = [
    "1",
    "+01",
    "-5",
    "0",
    "1.50",
    ".5",
    "1.",
    "1e3",
    "1E300",
    "INF",
    "NaN",
    "true",
    "false",
    "1",
    "abc",
    " 1",
    "2020-01-01",
    "2020",
    "-0.0",
]
GRAPHS = [None, "urn:g1", "urn:g2"]


def literal(rnd: random.Random) -> ox.Literal:
    roll = rnd.random()
    if roll < 0.3:
        return ox.Literal(rnd.choice(VALUES), language=rnd.choice(["da", "nb", "en", "en-GB"]))
    if roll < 0.6:
        return ox.Literal(rnd.choice(VALUES + LEXICAL))
    kind = rnd.choice(DATATYPES)
    value = rnd.choice(LEXICAL + VALUES)
    return ox.Literal(value, datatype=ox.NamedNode(kind)) if kind else ox.Literal(value)


def node(rnd: random.Random, blanks: list[ox.BlankNode]) -> ox.NamedNode | ox.BlankNode:
    return rnd.choice(blanks) if rnd.random() < 0.2 else ox.NamedNode(rnd.choice(IRIS))


def random_quads(seed: int, size: int) -> Iterator[ox.Quad]:
    rnd = random.Random(seed)
    blanks = [ox.BlankNode(), ox.BlankNode("b1"), ox.BlankNode("x-y_z")]
    for _ in range(size):
        roll = rnd.random()
        obj: ox.NamedNode | ox.BlankNode | ox.Literal
        obj = literal(rnd) if roll < 0.4 else node(rnd, blanks)
        quad_graphs = rnd.sample(GRAPHS, rnd.choice([1, 1, 2]))  # some triples in two graphs
        triple = (node(rnd, blanks), ox.NamedNode(rnd.choice(PREDICATES)), obj)
        for g in quad_graphs:
            yield ox.Quad(*triple, ox.NamedNode(g) if g else ox.DefaultGraph())


def content(
    projection: Projection,
) -> tuple[set[str], set[tuple[str, ...]], set[tuple[object, ...]]]:
    """What a projection says, independent of ids and row order (and with no repeats)."""
    terms = projection.terms
    assert len(set(terms)) == len(terms)
    links = [
        (terms[s], terms[p], terms[o])
        for s, p, o in zip(
            projection.s.tolist(), projection.p.tolist(), projection.o.tolist(), strict=True
        )
    ]
    literals = [
        (terms[int(projection.lit_s[r])], terms[int(projection.lit_p[r])], projection.literal(r))
        for r in range(len(projection.values))
    ]
    assert len(set(links)) == len(links) and len(set(literals)) == len(literals)
    return set(terms), set(links), set(literals)


def same_indexes(projection: Projection) -> None:
    """The CSR indexes and the string order agree with the rows."""
    terms = projection.terms
    assert [terms[i] for i in projection.order.tolist()] == sorted(terms)
    for i in range(len(terms)):
        rows = projection.out_edges[projection.out_ptr[i] : projection.out_ptr[i + 1]]
        assert set(projection.s[rows].tolist()) <= {i}
        assert projection.ids[terms[i]] == i
    assert int(projection.out_ptr[-1]) == len(projection.s) == int(projection.in_ptr[-1])


def check(store: OxigraphStore) -> None:
    expected = Projection.build(store.triples())
    built = fast.build_oxigraph(store.raw, workers=2)
    assert content(built) == content(expected)
    same_indexes(built)


@pytest.mark.parametrize("few", [0, 1000])  # pairs of (subject, object), or one object at a time
@pytest.mark.parametrize("on_disk", [False, True])
@pytest.mark.parametrize("seed", range(6))
def test_the_fast_build_equals_the_generic_one_on_random_graphs(
    seed: int, on_disk: bool, few: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fast, "_FEW", few)
    store = OxigraphStore(tmp_path / "store" if on_disk else None)
    store.raw.extend(list(random_quads(seed, 300)))
    check(store)
    store.close()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    value=st.text(max_size=12),
    lang=st.sampled_from([None, "da", "nb-no"]),
    kind=st.sampled_from(DATATYPES),
    graphs=st.lists(st.sampled_from(GRAPHS), min_size=1, max_size=3, unique=True),
)
def test_any_literal_reads_back_as_the_store_holds_it(
    value: str, lang: str | None, kind: str | None, graphs: list[str | None]
) -> None:
    store = OxigraphStore()
    if lang:
        term = ox.Literal(value, language=lang)
    else:
        term = ox.Literal(value, datatype=ox.NamedNode(kind)) if kind else ox.Literal(value)
    subject, predicate = ox.NamedNode("urn:s"), ox.NamedNode("urn:p")
    store.raw.extend(
        [
            ox.Quad(subject, predicate, term, ox.NamedNode(g) if g else ox.DefaultGraph())
            for g in graphs
        ]
    )
    check(store)


def test_literals_are_decoded_as_from_ox_decodes_them() -> None:
    tokens = [
        '"a\\tb"@da',
        '"x"^^<urn:t>',
        "1",
        "-0.5",
        "true",
        '"1E3"^^<' + XSD + "double>",
        "1E3",
    ]
    assert fast.decode_literals(tokens) == [
        ("a\tb", "da", None),
        ("x", None, "urn:t"),
        ("1", None, XSD + "integer"),
        ("-0.5", None, XSD + "decimal"),
        ("true", None, XSD + "boolean"),
        ("1E3", None, XSD + "double"),
        ("1E3", None, XSD + "double"),
    ]


def test_the_bundled_data_builds_the_same_projection(tmp_path: Path) -> None:
    store = OxigraphStore(tmp_path / "store")
    load_paths(store, [DATA])
    check(store)
    expected = content(Projection.build(store.triples()))
    store.close()
    read_only = OxigraphStore(tmp_path / "store", read_only=True)  # as a cold process opens it
    assert content(fast.build_oxigraph(read_only.raw)) == expected
    read_only.close()


def test_an_empty_store_builds_an_empty_projection() -> None:
    projection = fast.build_oxigraph(ox.Store())
    assert len(projection.terms) == len(projection.s) == len(projection.values) == 0


def test_what_the_fast_reader_cannot_read_is_read_quad_by_quad(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OxigraphStore()
    store.raw.extend(list(random_quads(1, 100)))

    def unreadable(raw: object) -> list[tuple[str, int]]:
        raise fast.Unsupported("a term the TSV reader does not know")

    monkeypatch.setattr(fast, "_predicates", unreadable)
    assert content(fast.build_oxigraph(store.raw)) == content(Projection.build(store.triples()))


def test_iris_a_lenient_load_let_in_read_back_whole() -> None:
    """Spaces, braces, a tab: SPARQL cannot write such IRIs and TSV would split them."""
    store = OxigraphStore()
    store.raw.load(
        b'<http://a/b c> <http://p> <http://x{y}> .\n<http://a/t\tb> <http://p> "v" .\n'
        b"<http://a/b c> <http://q> <http://a/t\tb> .\n",
        format=ox.RdfFormat.N_TRIPLES,
        lenient=True,
    )
    assert content(fast.build_oxigraph(store.raw)) == content(Projection.build(store.triples()))
    assert "http://a/t\tb" in fast.build_oxigraph(store.raw).terms


def test_an_answer_it_cannot_read_midway_falls_back_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    store = OxigraphStore()
    store.raw.extend(list(random_quads(2, 200)))
    read = fast._read_predicate

    def fails_on_q(
        raw: ox.Store, predicate: str, *rest: Any
    ) -> tuple[str, list[tuple[str | None, str]]]:
        if predicate == "<http://ex.org/q>":
            raise fast.Unsupported(predicate)
        return read(raw, predicate, *rest)

    monkeypatch.setattr(fast, "_read_predicate", fails_on_q)
    assert content(fast.build_oxigraph(store.raw)) == content(Projection.build(store.triples()))


def test_the_predicates_govgraph_knows_are_read_without_asking_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bundled data (the ontology with it) holds only predicates govgraph knows: they are
    read at once, and the store is never asked which predicates it holds."""
    store = OxigraphStore(tmp_path / "store")
    load_paths(store, [DATA])

    def not_asked(raw: object) -> list[tuple[str, int]]:
        raise AssertionError("the store was asked for its predicates")

    monkeypatch.setattr(fast, "_predicates", not_asked)
    assert content(fast.build_oxigraph(store.raw)) == content(Projection.build(store.triples()))
    store.close()


def test_what_govgraph_does_not_know_is_read_once_the_rows_fall_short() -> None:
    """A class and a predicate the ontology does not name; a class it names beside them."""
    store = OxigraphStore()
    a, unknown = ox.NamedNode("urn:a"), ox.NamedNode("urn:not-in-the-ontology")
    store.raw.extend(
        [
            ox.Quad(a, ox.NamedNode(PREDICATES[2]), ox.NamedNode("urn:C")),
            ox.Quad(a, ox.NamedNode(PREDICATES[2]), ox.NamedNode(v.DEPENDENCY)),
            ox.Quad(a, unknown, ox.Literal("x")),
            ox.Quad(a, unknown, ox.NamedNode("urn:b"), ox.NamedNode("urn:g")),
        ]
    )
    stages: dict[str, float] = {}
    built = fast.build_oxigraph(store.raw, stages=stages)
    assert "plan" in stages  # the store's predicates asked for, after the known ones fell short
    assert content(built) == content(Projection.build(store.triples()))


def test_a_triple_term_is_not_read_as_an_iri() -> None:
    store = ox.Store()
    a, p = ox.NamedNode("urn:a"), ox.NamedNode("urn:p")
    store.add(ox.Quad(a, p, ox.Triple(a, p, ox.Literal("x"))))
    with pytest.raises(fast.Unsupported):
        fast._build(store, None, {})


def pairs_read(text: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """``(relations, literals)`` the reader makes of one ``?s ?o`` answer, as written."""
    reader = fast._Reader()
    reader.add("<urn:p>", [(None, text)])
    terms, tokens = list(reader.index), list(reader.literal_tokens)
    links = [
        (terms[s], terms[o])
        for subjects, _, objects in reader.links
        for s, o in zip(subjects.tolist(), objects.tolist(), strict=True)
    ]
    literals = [
        (terms[s], tokens[t])
        for subjects, _, found in reader.literals
        for s, t in zip(subjects.tolist(), found.tolist(), strict=True)
    ]
    return links, literals


@pytest.mark.parametrize(
    "obj",
    [
        '"two words"@en',  # a space: cut at tabs and newlines only
        '"a\u2028b"',  # white space to str.split() but no space
        '"a\u0085b\u00a0c\x1cd"',
        "_:b1",
        "<urn:o>",
        "12",
        '"x"^^<urn:t>',
    ],
)
def test_an_answer_of_pairs_is_cut_at_tabs_and_newlines_only(obj: str) -> None:
    text = f"?s\t?o\n<urn:a>\t{obj}\n_:b2\t<urn:o>\n"
    links, literals = pairs_read(text)
    expected = [("<urn:a>", obj), ("_:b2", "<urn:o>")]
    assert sorted(links + literals) == sorted(expected)
    assert {o for _, o in links} <= {"<urn:o>", "_:b1"}  # resources, not literals


def test_an_answer_with_a_tab_or_newline_inside_an_iri_is_not_read() -> None:
    for text in ("?s\t?o\n<urn:a\tb>\t<urn:o>\n", "?s\t?o\n<urn:a>\t<urn:o\nb>\n"):
        with pytest.raises(fast.Unsupported):
            pairs_read(text)
    assert pairs_read("?s\t?o\n") == ([], [])  # no rows
