"""YAML -> RDF -> export -> load gives the same graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.export import data_triples, export_graph
from graph.oxigraph_store import OxigraphStore
from graph.store import GraphStore
from loaders import load_paths


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "nt"])
def test_roundtrip_of_the_bundled_dataset(store: GraphStore, tmp_path: Path, fmt: str) -> None:
    exported = tmp_path / f"all.{fmt}"
    exported.write_bytes(export_graph(store, fmt))

    again = OxigraphStore()
    load_paths(again, [exported])

    assert set(data_triples(again)) == set(data_triples(store))


def test_export_is_stable(store: GraphStore) -> None:
    assert export_graph(store, "nt") == export_graph(store, "nt")


def test_cli_export_writes_a_file(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "x.ttl"
    result = cli("export", "--format", "ttl", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert b"@prefix gg:" in out.read_bytes()
    bad = cli("export", "--format", "docx")
    assert bad.exit_code == 64
    assert "docx" in bad.stderr
