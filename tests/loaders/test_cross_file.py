"""Validation over the whole store after the batch: what one file does to the others."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology.errors import ValidationFailed
from tests.support import FIXTURES

SAMPLE = FIXTURES / "sample" / "sample.yaml"


def _two_files(tmp: Path) -> tuple[OxigraphStore, Path, Path]:
    base = tmp / "data"
    base.mkdir()
    shutil.copy(SAMPLE, base / "sample.yaml")
    other = base / "other.yaml"
    other.write_text(
        "entities:\n  - id: sub-board\n    type: body\n    label: {en: Sub-board}\n"
        "    reports_to: ds\n",
        encoding="utf-8",
    )
    store = OxigraphStore()
    load_paths(store, [base], root=tmp)
    return store, base / "sample.yaml", other


def test_a_reload_that_drops_a_referenced_id_is_refused(tmp_path: Path) -> None:
    store, sample, _ = _two_files(tmp_path)
    text = sample.read_text(encoding="utf-8")
    start = text.index("  - id: ds\n")
    end = text.index("mandates:")
    sample.write_text(
        text[:start] + "\n" + text[end:].replace("holder: ds", "holder: koncerndirektionen"),
        encoding="utf-8",
    )
    before = store.count()
    with pytest.raises(ValidationFailed) as caught:
        load_paths(store, [sample], root=tmp_path)
    (problem,) = [v for v in caught.value.violations if v.rule == "reference-removed"]
    assert problem.file == str(sample) and "'ds'" in problem.message
    assert "file:data/other.yaml" in problem.message
    assert store.count() == before


def test_labels_for_an_entity_another_file_defines_are_refused(tmp_path: Path) -> None:
    store, _, _ = _two_files(tmp_path)
    extra = tmp_path / "data" / "extra.ttl"
    extra.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/govgraph/id/ds> skos:prefLabel "Anden styregruppe"@da ;\n'
        '    skos:altLabel "SP" .\n',
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as caught:
        load_paths(store, [extra], root=tmp_path)
    rules = [v.rule for v in caught.value.violations]
    assert rules == ["label-owner", "label-owner"]
    assert "file:data/sample.yaml defines" in caught.value.violations[0].message
