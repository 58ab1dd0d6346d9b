"""The scope-model keys of the YAML format (issue 10): status, addressee, restricted_to,
editorial and editorial_alt_labels; good values load, bad ones give a located error."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.index import index_of
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths
from ontology import vocab as v
from ontology.errors import ValidationFailed
from ontology.terms import DATA
from tests.support import DATA as BUNDLED

RECORDS = """\
entities:
  - id: test-topic
    type: topic
    label: {da: Et emne, en: A topic}
    editorial_alt_labels: {TT: "made up for the test"}
    sources:
      - {doc: doc-rh-ds, quote: "Prioritering gennem otte domæner"}
mandates:
  - id: test-mandate
    holder: ds
    actions: [recommend]
    scope: [test-topic]
    status: recommended
    addressee: koncerndirektionen
    restricted_to: [region-hovedstaden]
    editorial: "the editor's reading"
    sources:
      - {doc: doc-rh-ds, quote: "DS refererer til Koncerndirektionen"}
dependencies:
  - id: test-dependency
    dependent: test-topic
    prerequisite: ds
    type: governance
    criticality: high
    editorial: {criticality: "graded by the editor"}
    sources:
      - {doc: doc-rh-ds, quote: "DS refererer til Koncerndirektionen"}
"""


def load(tmp_path: Path, text: str) -> OxigraphStore:
    extra = tmp_path / "extra.yaml"
    extra.write_text(text, encoding="utf-8")
    store = OxigraphStore()
    load_paths(store, [BUNDLED, extra])
    return store


def test_scope_keys_load_as_terms(tmp_path: Path) -> None:
    index = index_of(load(tmp_path, RECORDS))
    mandate = index.node(DATA + "test-mandate")
    assert (
        mandate.first(v.MANDATE_STATUS)
        == "https://w3id.org/govgraph/concept/mandate-status/recommended"
    )
    assert index.out(DATA + "test-mandate", v.ADDRESSEE) == [DATA + "koncerndirektionen"]
    assert index.out(DATA + "test-mandate", v.RESTRICTED_TO) == [DATA + "region-hovedstaden"]
    assert mandate.first(v.EDITORIAL) == "the editor's reading"
    topic = index.node(DATA + "test-topic")
    assert "TT" in index.alt_labels(DATA + "test-topic")
    assert topic.first(v.EDITORIAL_ALT_LABEL) == "TT"
    dependency = index.node(DATA + "test-dependency")
    assert dependency.first(v.EDITORIAL_KEY) == "criticality"
    assert dependency.first(v.EDITORIAL) == "criticality: graded by the editor"


@pytest.mark.parametrize(
    ("old", "new", "rule"),
    [
        ("    status: recommended\n", "    status: advised\n", "unknown-concept"),
        ("    addressee: koncerndirektionen\n", "", "addressee"),
        (
            "    restricted_to: [region-hovedstaden]\n",
            "    restricted_to: [nowhere]\n",
            "reference-resolves",
        ),
        ('{criticality: "graded by the editor"}', '{lag_days: "x"}', "editorial-key"),
        ('{TT: "made up for the test"}', "[TT]", "editorial-alt-labels"),
    ],
)
def test_bad_scope_keys_are_located(tmp_path: Path, old: str, new: str, rule: str) -> None:
    assert old in RECORDS
    with pytest.raises(ValidationFailed) as err:
        load(tmp_path, RECORDS.replace(old, new))
    rules = [violation.rule for violation in err.value.violations]
    assert rule in rules, rules
    assert all(violation.file for violation in err.value.violations)
