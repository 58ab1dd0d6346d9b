"""`govgraph generate` writes data that loads: every record cited by the synthetic document."""

from __future__ import annotations

from pathlib import Path

from graph.generate import generate, write_ntriples
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology import vocab as v
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
