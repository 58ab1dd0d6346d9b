"""The Cypher export runs unchanged on FalkorDB (its client and Bolt) and on Neo4j when given."""

from __future__ import annotations

import os
from typing import Any

import pytest

from graph.cypher_store import CypherStore
from graph.export import export_files
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from tests.cypher_server import falkordb_bolt_server, falkordb_server
from tests.support import DATA

ENGINES = ["falkordb", "falkordb-bolt"] + (
    ["neo4j"] if os.environ.get("GOVGRAPH_TEST_NEO4J_URI") else []
)


def _target(engine: str) -> tuple[CypherStore, str]:
    if engine == "falkordb":
        return falkordb_server().store(), "falkordb"
    if engine == "falkordb-bolt":
        return falkordb_bolt_server().bolt_store(), "falkordb"
    from tests.cypher_server import neo4j_store

    store = neo4j_store(
        os.environ["GOVGRAPH_TEST_NEO4J_URI"],
        os.environ.get("GOVGRAPH_TEST_NEO4J_USER", "neo4j"),
        os.environ.get("GOVGRAPH_TEST_NEO4J_PASSWORD", ""),
    )
    return store, "neo4j"


def _run(store: CypherStore, script: bytes) -> None:
    for line in script.decode().splitlines():
        if line and not line.startswith("//"):
            store.transport.write([(line.removesuffix(";"), {})])


def _counts(store: CypherStore) -> tuple[Any, ...]:
    (row,) = store.transport.read(
        "MATCH (n:Entity) OPTIONAL MATCH (n)-[r]->(:Entity) "
        "RETURN count(DISTINCT n), count(r), count(DISTINCT n.iri)"
    )
    return tuple(row)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    source = OxigraphStore()
    load_paths(source, [DATA])
    return export_files(source, "cypher")


@pytest.mark.parametrize("engine", ENGINES)
def test_the_export_runs_unchanged_and_twice_is_a_no_op(
    files: dict[str, bytes], engine: str
) -> None:
    target, schema = _target(engine)
    _run(target, files[f"schema-{schema}.cypher"])
    _run(target, files["govgraph.cypher"])
    first = _counts(target)
    assert first[0] == first[2] > 100 and first[1] > 100
    _run(target, files["govgraph.cypher"])
    assert _counts(target) == first
    (row,) = target.transport.read(
        "MATCH (n:Entity {iri: 'https://w3id.org/govgraph/id/nsp'}) RETURN n.label"
    )
    assert row[0]
