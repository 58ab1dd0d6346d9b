"""Store health: `govgraph check --store` reads everything; damage is exit 69, not a crash."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from graph.health import dangling_references
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from tests.support import FIXTURES


def test_a_sound_store_passes_the_full_scan(cli: Callable[..., Any]) -> None:
    result = cli("check", "--store", "--json")
    assert result.exit_code == 0, result.stderr
    scan = result.json()["store"]
    assert scan["triples"] > 1000 and any(g.startswith("file:data/") for g in scan["graphs"])


def test_a_damaged_block_is_a_located_error(store_dir: Path, cli: Callable[..., Any]) -> None:
    # Flip bytes in every table file: whichever holds data, the scan must read it.
    for table in store_dir.glob("*.sst"):
        data = bytearray(table.read_bytes())
        if len(data) > 4096:
            data[1000:1200] = bytes(b ^ 0xFF for b in data[1000:1200])
            table.write_bytes(bytes(data))
    result = cli("check", "--store")
    assert result.exit_code == 69, (result.exit_code, result.stderr)
    assert "damaged" in result.stderr and ".sst" in result.stderr
    assert "bug" not in result.stderr


def test_check_reports_dangling_references() -> None:
    store = OxigraphStore()
    load_paths(store, [FIXTURES / "sample" / "sample.yaml"])
    board = "https://w3id.org/govgraph/id/ds"
    gone = "https://w3id.org/govgraph/id/vanished-board"
    store.replace(
        {"urn:govgraph:graph:file:other.ttl": [(board, "http://www.w3.org/ns/org#hasUnit", gone)]}
    )
    (finding,) = dangling_references(store)
    assert finding["kind"] == "dangling_reference" and finding["graph"] == "file:other.ttl"
    assert "vanished-board" in finding["message"]
