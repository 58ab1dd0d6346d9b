"""`govgraph generate` writes data that loads: every record cited by the synthetic document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from graph.generate import generate, write_ntriples
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.shape_model import shape_set
from ontology.terms import RDF_TYPE


def test_generated_data_loads_with_citations(tmp_path: Path) -> None:
    path = tmp_path / "generated.nt"
    written = write_ntriples(
        generate(nodes=120, dependencies=240, bodies=12, mandates=60, seed=3), path
    )
    store = OxigraphStore()
    summary = load_paths(store, [path])
    assert summary.triples == written
    assert not [w for w in summary.warnings if w.rule == "shape:entity-source"]
    cited = {o for _, _, o in store.triples(None, v.CITE_ABOUT)}
    records = {s for s, _, o in store.triples(None, RDF_TYPE) if o in (v.DEPENDENCY, v.MANDATE)}
    assert records and records <= cited


def test_the_generate_command_writes_a_file_the_load_command_loads(
    cli: Any, tmp_path: Path
) -> None:
    path = tmp_path / "small.nt"
    made = cli(
        "generate", "-o", str(path), "--nodes", "60", "--dependencies", "90", "--bodies", "6",
        "--mandates", "30", "--json",
    )  # fmt: skip
    assert made.exit_code == 0, made.stderr
    loaded = cli("load", str(path), "--json")
    assert loaded.exit_code == 0, loaded.stderr
    answer = loaded.json()
    assert answer["triples"] == made.json()["triples"]
    assert not [w for w in answer["warnings"] if w["severity"] == "error"]
    assert loaded.stderr.strip() == ""  # --json: no progress bar, no chatter


def test_progress_reports_validation_shape_by_shape_and_the_write(tmp_path: Path) -> None:
    path = tmp_path / "generated.nt"
    write_ntriples(generate(nodes=40, dependencies=60, bodies=4, mandates=20, seed=5), path)
    steps: list[tuple[str, int, int]] = []
    load_paths(OxigraphStore(), [path], progress=lambda s, d, t: steps.append((s, d, t)))
    names = [s for s, _, _ in steps]
    assert any(n.startswith("reading") for n in names)
    assert "validating: ids" in names
    shapes = [n for n in names if "shapes)" in n]
    assert len(shapes) == len(shape_set().shapes)  # one report per shape
    assert names[-1].startswith("writing")
