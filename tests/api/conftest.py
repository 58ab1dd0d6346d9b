"""Fixtures for the HTTP API: apps over in-memory stores, and tokens for each role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths
from tests.support import DATA, FIXTURES

TOKENS = {role: f"test-{role}-token-0123456789" for role in ("reader", "editor", "admin")}


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[role]}"}


def api_settings(tmp: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "store_path": tmp / "store",
        "audit_log": tmp / "audit.jsonl",
        "tokens": [{"name": f"{r}-user", "role": r, "token": t} for r, t in TOKENS.items()],
        "tokens_file": None,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture(scope="session")
def data_store() -> GraphStore:
    """The bundled dataset, shared by read-only tests."""
    store = OxigraphStore()
    load_paths(store, [DATA])
    return store


@pytest.fixture(scope="session")
def client(
    data_store: GraphStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """A client of an app over the bundled dataset (do not write through it)."""
    app = create_app(api_settings(tmp_path_factory.mktemp("api")), store=data_store)
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def make_client(tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """``make_client(**settings)``: a client of an app over a fresh sample store."""
    opened: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        store = OxigraphStore()
        load_paths(store, [FIXTURES / "sample" / "sample.yaml"])
        app = create_app(api_settings(tmp_path, **overrides), store=store)
        test_client = TestClient(app)
        test_client.__enter__()
        opened.append(test_client)
        return test_client

    yield make
    for test_client in opened:
        test_client.__exit__(None, None, None)
