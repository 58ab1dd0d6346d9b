"""Fixtures for the view tests: a store with the bundled data plus an XSS label, exported view
files, and a running app (uvicorn in a subprocess on a free loopback port)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.index import GovIndex, index_of
from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths
from tests.support import DATA, REPO

XSS_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "xss.yaml"
XSS_LABEL = "<img src=x onerror=alert(1)>"

# (view, name, extra CLI options): every view the exported-file and app tests open.
EXPORTS = [
    ("overview", None, []),
    ("neighbourhood", "ds", ["--hops", "2"]),
    ("entity", "xss-system", []),
    ("impact", "sundhedsplatformen", []),
    ("who-decides", "sundhedsplatformen", []),
    ("chains", None, ["-k", "5"]),
]


def load_viz_data(store: GraphStore) -> GraphStore:
    load_paths(store, [DATA])
    load_paths(store, [XSS_FIXTURE])
    return store


@pytest.fixture(scope="session")
def viz_store() -> GraphStore:
    return load_viz_data(OxigraphStore())


@pytest.fixture(scope="session")
def viz_index(viz_store: GraphStore) -> GovIndex:
    return index_of(viz_store)


@pytest.fixture(scope="session")
def viz_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("viz") / "store"
    store = load_viz_data(OxigraphStore(path))
    store.close()
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(store_dir: Path, workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``govgraph serve`` on a free loopback port; return the process and its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "GOVGRAPH_STORE_PATH": str(store_dir),
        "GOVGRAPH_DATA_DIR": str(DATA),
        "GOVGRAPH_AUDIT_LOG": str(workdir / "audit.jsonl"),
        "PYTHONPATH": str(REPO),
    }
    log = (workdir / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--host", "127.0.0.1"]
        + ["--port", str(port)],
        cwd=workdir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((workdir / "server.log").read_text())
        try:
            with urllib.request.urlopen(base + "/health", timeout=2):
                return proc, base
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start: " + (workdir / "server.log").read_text())


@pytest.fixture(scope="session")
def app_url(viz_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, base = serve(viz_store_dir, tmp_path_factory.mktemp("server"))
    try:
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
