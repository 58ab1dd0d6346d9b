"""The portfolio lookups' column reads (graph.portfolio_columns) against the generic ones, and
answers made together against answers made one at a time."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.portfolio_columns import Columns, Names, lex_order
from graph.portfolio_records import TermList
from graph.queries.indicators import indicator_row, indicators
from graph.queries.portfolio_facts import following
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.terms import RDF_TYPE, Literal, Triple, concept, iri
from tests.graph.dependency_fixtures import deps_store

PRED = "urn:test:p"
# Per subject: its values of PRED, each a relation (an IRI) or a literal (a text).
values = st.lists(
    st.lists(
        st.sampled_from(["urn:c:a", "urn:c:b"]).map(lambda x: ("iri", x))
        | st.sampled_from(["1", "2.5", "x", "2024-03"]).map(lambda x: ("lit", x)),
        max_size=3,
    ),
    max_size=6,
)


def _index(found: list[list[tuple[str, str]]]) -> GovIndex:
    triples: list[Triple] = [("urn:s:anchor", RDF_TYPE, "urn:c:thing")]
    for n, objects in enumerate(found):
        for kind, x in objects:
            triples.append((f"urn:s:{n}", PRED, x if kind == "iri" else Literal(x)))
    return GovIndex(triples)


@settings(max_examples=60, deadline=None)
@given(values)
def test_codes_and_numbers_read_what_texts_reads(found: list[list[tuple[str, str]]]) -> None:
    index = _index(found)
    cols = Columns(index)
    subjects, texts = cols.texts(PRED)
    by_text = dict(zip(subjects.tolist(), texts, strict=True))
    # each subject's first value, a relation before a literal, as Node.first gives it
    assert by_text == {
        index.projection.ids[f"urn:s:{n}"]: index.first(f"urn:s:{n}", PRED)
        for n, objects in enumerate(found)
        if objects
    }
    coded, codes, distinct = cols.codes(PRED)
    assert len(set(distinct)) == len(distinct)
    assert dict(zip(coded.tolist(), [distinct[c] for c in codes.tolist()], strict=True)) == by_text
    numbered, parsed, known = cols.numbers(PRED)
    expected = {}
    for s, text in by_text.items():
        try:
            expected[s] = float(text)
        except ValueError:
            expected[s] = None
    got = {
        s: (x if ok else None)
        for s, x, ok in zip(numbered.tolist(), parsed.tolist(), known.tolist(), strict=True)
    }
    assert got == expected


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3)), max_size=9))
def test_lex_order_is_lexsort_or_none_when_in_order(rows: list[tuple[int, int, int]]) -> None:
    keys = tuple(np.array([r[k] for r in rows], dtype=np.int64) for k in range(3))
    order = lex_order(keys) if rows else None
    expected = np.lexsort(keys) if rows else np.zeros(0, np.int64)
    if order is None:
        assert expected.tolist() == list(range(len(rows)))
    else:
        assert order.tolist() == expected.tolist()


def test_term_list_names_the_ids_as_a_list_would() -> None:
    terms = ("urn:a", "urn:b", "urn:c")
    names = TermList(terms, np.array([2, 0, 2]))
    assert names[1] == "urn:a"
    assert list(names) == ["urn:c", "urn:a", "urn:c"]
    assert names[1:] == ["urn:a", "urn:c"]
    assert len(names) == 3 and "urn:c" in names and "urn:b" not in names
    assert names.index("urn:a") == 1 and names[0] == "urn:c"


def _indicator_graph() -> list[Triple]:
    """Indicators with labels in two languages, owners, measured items, families and
    observations with and without areas."""
    out: list[Triple] = []
    body, goal = iri("t-body"), iri("t-goal")
    out += [
        (body, RDF_TYPE, v.ENTITY_CLASSES["body"]),
        (body, v.PREF_LABEL, Literal("Organ", lang="da")),
        (body, v.PREF_LABEL, Literal("Body", lang="en")),
        (goal, RDF_TYPE, v.ENTITY_CLASSES["goal"]),
    ]
    family = iri("t-family")
    out += [(family, RDF_TYPE, p.INDICATOR), (family, v.PREF_LABEL, Literal("Family"))]
    for n in range(70):  # beyond the few a lookup reads one at a time
        ind = iri(f"t-ind-{n}")
        out += [(ind, RDF_TYPE, p.INDICATOR), (ind, v.PREF_LABEL, Literal(f"I{n}", lang="en"))]
        if n % 2:
            out += [(ind, v.RELATION_KEYS["owner"], body), (ind, p.MEASURES, goal)]
        if n % 3:
            out += [
                (ind, p.DIRECTION, concept("direction", "lower_is_better")),
                (ind, p.TARGET_VALUE, Literal("5")),
                (ind, p.UNIT_MEASURE, concept("unit", "percent")),
            ]
        if n % 5 == 0:
            out.append((ind, v.PART_OF, family))
        if n % 7 == 0:  # two things measured; a unit as a literal beside (after) a concept
            out += [(ind, p.MEASURES, body), (ind, p.UNIT_MEASURE, Literal("per cent"))]
        for k in range(n % 4):
            obs = iri(f"t-obs-{n}-{k}")
            out += [
                (obs, RDF_TYPE, p.OBSERVATION),
                (obs, p.IN_DATA_SET, ind),
                (obs, p.REF_PERIOD, Literal(f"202{k}")),
                (obs, p.OBS_VALUE, Literal(str(10 - k * n % 7))),
            ]
            if k == 2:
                out.append((obs, p.REF_AREA, iri("t-area")))
    return out


def test_indicator_rows_made_together_are_those_made_one_at_a_time() -> None:
    store = OxigraphStore()
    store.replace({"urn:test:ind": _indicator_graph()})
    for lang in (None, "da"):
        together = indicators(store, lang=lang, series=True)["indicators"]
        alone = GovIndex(index_of(store).projection)  # a fresh index: nothing kept
        one_by_one = [
            indicator_row(alone, iri(row["id"]), None, lang, series=True) for row in together
        ]
        assert together == one_by_one
        assert len(together) == 71


def test_each_item_lists_its_followers_once_in_order() -> None:
    index = index_of(deps_store("portfolio"))
    found = following(index, date(2024, 5, 1))
    for item, bodies in found.bodies_by_item.items():
        assert list(bodies) == sorted(set(bodies)), item
    for body, items in found.items_by_body.items():
        assert found.mandates_by_body[body] == sorted(
            {m for i in items for b, m in found.bodies_by_item[i] if b == body}
        )


def test_labels_read_with_known_places_even_wrong_ones_are_the_index_labels() -> None:
    from tests.bench.bench_portfolio import synthetic

    index = GovIndex(synthetic(100, 5, 2))
    iris = sorted(index.entities())[:150] + [iri("nothing-here")]
    assert len(iris) > 64  # read in one pass, not one at a time
    expected = {i: index.label(i, "en") for i in iris}
    right = {i: index.projection.ids.get(i, -1) for i in iris}
    wrong = {i: (k + 1) % len(index.projection.terms) for k, i in enumerate(iris)}
    for known in (None, right, wrong):
        named = Names(index, "en")
        places = (
            None
            if known is None
            else ({i: k for k, i in enumerate(iris)}, [known[i] for i in iris])
        )
        named.prefetch(iris, places=places)
        assert {i: named.labels.get(i) for i in iris} == expected  # each read in the pass


def test_term_list_finds_places_by_id_only_where_the_ids_name_the_same_terms() -> None:
    terms = ("urn:a", "urn:b", "urn:c")
    names = TermList(terms, np.array([2, 0, 2]))
    assert names.places([0, 2], terms) == {"urn:a": 1, "urn:c": 2}
    grown = (*terms, "urn:new")  # a write's projection: old ids kept, new terms appended
    assert names.places([3, 0], grown) == {"urn:a": 1}
    assert names.places([0], ("urn:x", "urn:b", "urn:c")) is None  # renumbered: search by IRI


@settings(max_examples=60, deadline=None)
@given(values)
def test_subjects_with_lists_each_subject_once_in_first_seen_order(
    found: list[list[tuple[str, str]]],
) -> None:
    index = _index(found)
    projection = index.projection
    pid = projection.ids.get(PRED)
    if pid is None:
        assert index.subjects_with(PRED) == [] and index.into_predicate(PRED) == []
        return
    relation_subjects, _ = projection.pairs(pid)
    seen = [*relation_subjects.tolist(), *projection.lit_s[projection.lit_p == pid].tolist()]
    assert index.subjects_with(PRED) == [projection.terms[i] for i in dict.fromkeys(seen)]
    assert index.into_predicate(PRED) == sorted(
        {projection.terms[i] for i in relation_subjects.tolist()}
    )
