"""The store contract on every store, and what only the Cypher store promises (FalkorDB in CI)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.cypher_store import CypherStore, label_of, rel_type
from graph.cypher_transports import FalkorTransport
from graph.oxigraph_store import OxigraphStore
from graph.queries.chains import critical_chains
from graph.queries.impact import impact
from graph.queries.who_decides import who_decides
from graph.store import GraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.errors import StoreUnavailable
from ontology.terms import RDF_TYPE, XSD, Literal, Triple, iri
from tests.cypher_server import FalkorServer, falkordb_bolt_server, falkordb_server
from tests.support import DATA

G1, G2 = "urn:graph:one", "urn:graph:two"
TRIPLES: list[Triple] = [
    (iri("epj"), RDF_TYPE, v.ENTITY_CLASSES["system"]),
    (iri("epj"), v.PREF_LABEL, Literal("Elektronisk patientjournal", lang="da")),
    (iri("epj"), v.PREF_LABEL, Literal("Electronic health record", lang="en")),
    (iri("epj"), v.ALT_LABEL, Literal('Quotes " \\ and\nnewlines, æøå, 日本')),
    (iri("epj"), v.ALT_LABEL, Literal("")),
    (iri("epj"), v.DATE_KEYS["planned_end"], Literal("2025-06-30", datatype=XSD + "date")),
    (iri("epj"), "http://example.org/count", Literal("42", datatype=XSD + "integer")),
    (iri("epj"), v.RELATION_KEYS["owner"], iri("region-h")),
    ("http://example.org/other", "http://example.org/note", Literal("another subject")),
]


def quads(store: GraphStore) -> set[tuple[str, Triple]]:
    return {(g, t) for g in store.graph_names() for t in store.graph_triples(g)}


def test_every_term_round_trips(empty_store: GraphStore) -> None:
    empty_store.replace({G1: TRIPLES})
    assert set(empty_store.triples()) == set(TRIPLES)
    assert set(empty_store.graph_triples(G1)) == set(TRIPLES)
    assert empty_store.count() == len(TRIPLES)
    lit = Literal("42", datatype=XSD + "integer")
    assert list(empty_store.triples(obj=lit)) == [(iri("epj"), "http://example.org/count", lit)]
    labels = set(empty_store.triples(iri("epj"), v.PREF_LABEL))
    assert labels == {t for t in TRIPLES if t[1] == v.PREF_LABEL}


def test_replace_swaps_whole_graphs_and_dedups_the_union(empty_store: GraphStore) -> None:
    empty_store.replace({G1: TRIPLES, G2: TRIPLES[:3]})
    assert empty_store.graph_names() == [G1, G2]
    assert empty_store.count() == len(TRIPLES) + 3
    assert sorted(map(repr, empty_store.triples())) == sorted(map(repr, TRIPLES))
    before = empty_store.generation
    empty_store.replace({G1: TRIPLES[3:5]}, remove=[G2])
    assert empty_store.generation > before
    assert quads(empty_store) == {(G1, t) for t in TRIPLES[3:5]}
    empty_store.replace({}, remove=[G1])
    assert empty_store.graph_names() == [] and empty_store.count() == 0


def test_reloading_is_idempotent(empty_store: GraphStore) -> None:
    doubled = TRIPLES + TRIPLES  # duplicates inside one batch merge too
    empty_store.replace({G1: doubled})
    first = quads(empty_store)
    empty_store.replace({G1: doubled})
    assert quads(empty_store) == first
    assert empty_store.count() == len(TRIPLES)


def test_large_values_and_batches_round_trip(empty_store: GraphStore) -> None:
    # FalkorDB 4.16's Bolt listener printed parameters into a 4 KB stack buffer and died past
    # it: a 20 KB literal and thousands of rows a message must arrive intact on every store.
    odd = 'it\'s \\ " ": {`x`} \n æøå 日本 \x07 ' * 500
    big = [
        *TRIPLES,
        (iri("epj"), v.ALT_LABEL, Literal(odd, lang="da")),
        (iri("epj"), v.ALT_LABEL, Literal("a trailing space ")),
        *((iri(f"sys-{i}"), RDF_TYPE, v.ENTITY_CLASSES["system"]) for i in range(3000)),
        *((iri(f"sys-{i}"), v.RELATION_KEYS["owner"], iri(f"org-{i % 7}")) for i in range(3000)),
    ]
    empty_store.replace({G1: big})
    assert set(empty_store.graph_triples(G1)) == set(big)
    changed = big[:-1] + [(iri("sys-1"), v.ALT_LABEL, Literal(odd + "!"))]
    empty_store.replace({G1: changed})  # a delta: its reads and commit carry the same values
    assert set(empty_store.graph_triples(G1)) == set(changed)


# -- the Cypher store only ---------------------------------------------------------------------
@pytest.fixture(params=["client", "bolt"])
def cypher(request: pytest.FixtureRequest) -> Iterator[CypherStore]:
    """A Cypher store on FalkorDB through its own client and through the neo4j driver."""
    if request.param == "bolt":
        store = falkordb_bolt_server().bolt_store()
    else:
        store = falkordb_server().store()
    yield store
    store.close()


class Flaky:
    """A transport that fails on its ``fail_at``-th write (bulk writes count)."""

    def __init__(self, inner: FalkorTransport, fail_at: int) -> None:
        self.inner, self.fail_at, self.writes = inner, fail_at, 0
        self.description = inner.description

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def _count(self) -> None:
        self.writes += 1
        if self.writes == self.fail_at:
            raise ConnectionError("lost the server mid-load")

    def write(self, statements: object) -> None:
        self._count()
        self.inner.write(statements)  # type: ignore[arg-type]

    def bulk(self, query: str, rows: object, *args: object, **kwargs: object) -> object:
        if "MERGE" in query or "CREATE" in query:
            self._count()
        return self.inner.bulk(query, rows, *args, **kwargs)  # type: ignore[arg-type]


# every step of the load below: nodes, typed nodes, literals, staging, relationships, commit
@pytest.mark.parametrize("fail_at", range(1, 12))
def test_a_failed_replace_changes_nothing(cypher: CypherStore, fail_at: int) -> None:
    cypher.replace({G1: TRIPLES[:4]})
    before, generation = quads(cypher), cypher.generation
    flaky = Flaky(cypher.transport, fail_at)  # type: ignore[arg-type]
    broken = CypherStore(flaky)  # type: ignore[arg-type]
    with pytest.raises(ConnectionError):
        broken.replace({G1: TRIPLES[4:], G2: TRIPLES}, remove=[])
    assert quads(cypher) == before and cypher.generation == generation
    leftovers = cypher.transport.read("MATCH (g:Graph) WHERE g.live = false RETURN count(g)")
    assert leftovers == [[0]]


def test_bulk_returns_every_row_however_large_the_reply(cypher: CypherStore) -> None:
    rows = [f"row-{i}-" + "x" * (i % 50) for i in range(25_000)]
    got = cypher.transport.bulk("UNWIND $rows AS x RETURN x, size(x)", rows, returns=True)
    assert sorted(map(tuple, got)) == sorted((x, len(x)) for x in rows)


def test_schema_creation_is_idempotent(cypher: CypherStore) -> None:
    again = CypherStore(cypher.transport)
    again.transport.ensure_schema()
    again.replace({G1: TRIPLES})
    assert cypher.count() == len(TRIPLES)


def test_analysts_see_labels_and_relationship_types(cypher: CypherStore) -> None:
    cypher.replace({G1: TRIPLES})
    read = cypher.transport.read
    assert read("MATCH (s:ITSystem)-[:OWNER]->(o) RETURN s.iri, o.iri") == [
        [iri("epj"), iri("region-h")]
    ]
    assert read("MATCH (:ITSystem)-[:PREF_LABEL]->(l:Literal {lang: 'da'}) RETURN l.value") == [
        ["Elektronisk patientjournal"]
    ]
    cypher.replace({G1: [t for t in TRIPLES if t[1] != RDF_TYPE]})
    assert read("MATCH (s:ITSystem) RETURN count(s)") == [[0]]
    assert label_of(v.ENTITY_CLASSES["system"]) == "ITSystem"
    assert rel_type(v.RELATION_KEYS["owner"]) == "OWNER"


def _graph(n: int) -> list[Triple]:
    """``n`` typed subjects with a label, a literal with control characters and a link each."""
    out: list[Triple] = []
    for i in range(n):
        s = iri(f"sys-{i}")
        out += [
            (s, RDF_TYPE, v.ENTITY_CLASSES["system"]),
            (s, v.PREF_LABEL, Literal(f"System {i}", lang="da")),
            (s, v.ALT_LABEL, Literal(f"tab\tbell\x07 {i}")),
            (s, v.RELATION_KEYS["owner"], iri(f"org-{i % 3}")),
        ]
    return out


class Spy:
    """A transport that records the queries it is given."""

    def __init__(self, inner: object) -> None:
        self.inner, self.queries = inner, []  # type: ignore[var-annotated]
        self.description = inner.description  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def write(self, statements: list[tuple[str, dict]]) -> None:
        self.queries += [q for q, _ in statements]
        self.inner.write(statements)  # type: ignore[attr-defined]

    def bulk(self, query: str, *args: object, **kwargs: object) -> object:
        self.queries.append(query)
        return self.inner.bulk(query, *args, **kwargs)  # type: ignore[attr-defined]


@pytest.mark.parametrize("by_key", [False, True], ids=["by-id", "by-key"])
def test_a_small_change_is_a_delta_equal_to_a_full_load(cypher: CypherStore, by_key: bool) -> None:
    # by-key: rows name nodes by IRI and key, as on Neo4j (FalkorDB could use ids)
    spy = Spy(cypher.transport)
    if by_key:
        spy.node_ids = False  # type: ignore[attr-defined]
    store = CypherStore(spy)  # type: ignore[arg-type]
    base = _graph(40)
    store.replace({G1: base, G2: base[:4]})
    assert any("SET g.live = false" in q for q in spy.queries)  # staged: a new graph
    changed = [t for t in base if t[0] != iri("sys-3")]  # a subject gone
    changed.remove((iri("sys-5"), RDF_TYPE, v.ENTITY_CLASSES["system"]))  # a type gone
    changed += [
        (iri("sys-7"), RDF_TYPE, v.ENTITY_CLASSES["project"]),  # a type added
        (iri("sys-8"), v.ALT_LABEL, Literal("\x01 new")),  # a literal added
        (iri("new-1"), RDF_TYPE, v.ENTITY_CLASSES["system"]),  # a subject added
        (iri("new-1"), v.RELATION_KEYS["owner"], iri("org-9")),
    ]
    spy.queries.clear()
    generation = store.generation
    store.replace({G1: changed, G2: base[:4]})
    assert not any("SET g.live = false" in q for q in spy.queries)  # a delta: nothing staged
    assert store.generation > generation
    assert quads(store) == {(G1, t) for t in changed} | {(G2, t) for t in base[:4]}
    fresh = OxigraphStore()
    fresh.replace({G1: changed, G2: base[:4]})
    assert sorted(map(repr, store.triples())) == sorted(map(repr, fresh.triples()))
    assert store.count() == len(changed) + 4
    read = cypher.transport.read
    systems = {row[0] for row in read("MATCH (s:ITSystem) RETURN s.iri")}
    assert iri("sys-5") not in systems and iri("sys-3") not in systems
    assert {iri("new-1"), iri("sys-7")} <= systems
    assert read("MATCH (s:Project) RETURN s.iri") == [[iri("sys-7")]]
    store.replace({G1: base, G2: base[:4]})  # and back
    assert quads(store) == {(G1, t) for t in base} | {(G2, t) for t in base[:4]}
    assert iri("sys-5") in {row[0] for row in read("MATCH (s:ITSystem) RETURN s.iri")}


@pytest.fixture(scope="module")
def bundled_pair() -> tuple[GraphStore, CypherStore]:
    embedded = OxigraphStore()
    load_paths(embedded, [DATA])
    cypher = falkordb_server().store()
    load_paths(cypher, [DATA])
    return embedded, cypher


def test_native_queries_answer_as_the_generic_ones(
    bundled_pair: tuple[GraphStore, CypherStore],
) -> None:
    embedded, cypher = bundled_pair
    items = sorted(
        {t[0] for t in embedded.triples(predicate=v.DEPENDENT)}
        | {o for _, _, o in embedded.triples(predicate=v.DEPENDENT) if isinstance(o, str)}
        | {o for _, _, o in embedded.triples(predicate=v.PREREQUISITE) if isinstance(o, str)}
    )
    roots = [i for i in items if any(embedded.triples(i, RDF_TYPE))]
    assert roots
    for root in roots:
        for options in (
            {"direction": "downstream"},
            {"direction": "upstream", "max_depth": 2, "min_criticality": "high"},
            {"direction": "downstream", "as_of": "2021-01-01", "deciders": False},
        ):
            assert impact(cypher, root, **options) == impact(embedded, root, **options), root
    for options in ({}, {"k": 2, "min_criticality": "high"}, {"as_of": "2020"}):
        assert critical_chains(cypher, **options) == critical_chains(embedded, **options)


def test_native_who_decides_answers_as_the_generic_one(
    bundled_pair: tuple[GraphStore, CypherStore],
) -> None:
    embedded, cypher = bundled_pair
    kinds = {
        v.ENTITY_CLASSES[k]
        for k in ("system", "domain", "project", "body", "focus_area", "organisation")
    }
    subjects = sorted({s for s, _, o in embedded.triples(predicate=RDF_TYPE) if o in kinds})
    assert len(subjects) > 30
    for subject in subjects:
        cases: list[dict[str, Any]] = [
            {},
            {"action": "decide"},
            {"action": "prioritise", "as_of": "2019-06-01"},
        ]
        for options in cases:
            native = cypher.native_who_decides(subject, **options)
            assert native is not None
            assert native == who_decides(embedded, subject, **options), (subject, options)
    assert cypher.native_who_decides("Digital Styregruppe") is None  # a label: generic path
    assert who_decides(cypher, "Digital Styregruppe") == who_decides(embedded, "DS")


def test_an_unreachable_server_is_store_unavailable(tmp_path: Path) -> None:
    from graph.cypher_store import open_cypher_store

    with pytest.raises(StoreUnavailable):
        open_cypher_store("falkordb", unix_socket=str(tmp_path / "nothing.sock"))
    with pytest.raises(StoreUnavailable):
        open_cypher_store("neo4j", uri="bolt://127.0.0.1:9", password="x")
    server = FalkorServer()
    try:
        store = server.store()
    finally:
        server.stop()
    with pytest.raises(StoreUnavailable):
        store.count()


def test_the_cli_exits_69_when_the_server_is_down(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    monkeypatch.setenv("GOVGRAPH_STORE", "falkordb")
    monkeypatch.setenv("GOVGRAPH_FALKORDB_SOCKET", str(tmp_path / "nothing.sock"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["impact", "epj"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 69, result.output
    assert "unavailable" in result.output + (result.stderr or "")


def test_http_answers_503_when_the_server_goes_away(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import api_settings

    server = FalkorServer()
    try:
        store = server.store()
        store.replace({G1: TRIPLES})
        with TestClient(create_app(api_settings(tmp_path), store=store)) as client:
            assert client.get("/health").status_code == 200
            sparql = client.get("/sparql", params={"query": "ASK {}"})
            assert sparql.status_code == 503  # SPARQL is the embedded store's, others work
            assert "embedded store" in sparql.json()["message"]
            server.stop()
            response = client.get("/health")
    finally:
        server.stop()
    assert response.status_code == 503
    assert response.json()["error"] == "store_unavailable"
