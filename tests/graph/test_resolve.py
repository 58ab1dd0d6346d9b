"""Names resolve by id, label or alias, in any language, case- and accent-insensitively."""

from __future__ import annotations

import pytest

from graph.index import index_of
from graph.resolve import normalise, resolve
from graph.store import GraphStore
from ontology.errors import AmbiguousName, NotFound
from ontology.terms import local_id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ds", "ds"),
        ("DS", "ds"),
        ("Digital Styregruppe", "ds"),
        ("digital steering group", "ds"),
        ("dsø", "dso"),
        ("DSO", "dso"),
        ("Digital Sundhed Ost", "dso"),
        ("SP", "sp"),
        ("sundhedsplatformen", "sp"),
        ("https://w3id.org/govgraph/id/cimt", "cimt"),
        ("  Koncerndirektionen ", "koncerndirektionen"),
    ],
)
def test_resolves(store: GraphStore, name: str, expected: str) -> None:
    assert local_id(resolve(index_of(store), name)) == expected


def test_unknown_name_suggests_close_ones(store: GraphStore) -> None:
    with pytest.raises(NotFound) as caught:
        resolve(index_of(store), "Koncerndirektion")
    assert "koncerndirektionen" in caught.value.suggestions


def test_ambiguous_name_lists_candidates(sample_store: GraphStore) -> None:
    from loaders import load_paths
    from tests.support import FIXTURES

    load_paths(sample_store, [FIXTURES / "sample" / "ambiguous.yaml"])
    with pytest.raises(AmbiguousName) as caught:
        resolve(index_of(sample_store), "DS")
    ids = {c.id for c in caught.value.candidates}
    assert ids == {"ds", "ds-other"}
    assert "ds (Digital Styregruppe, body)" in str(caught.value)


def test_normalise_folds_nordic_letters() -> None:
    assert normalise("Helse Sør-Øst") == "helse sor ost"
    assert normalise("Sjælland") == "sjaelland"
    assert normalise("Region Sjælland") != normalise("Region Syddanmark")


def test_cli_reports_ambiguity_and_unknown(cli) -> None:  # type: ignore[no-untyped-def]
    unknown = cli("show", "Koncerndirektion")
    assert unknown.exit_code == 3
    assert "did you mean 'koncerndirektionen'" in unknown.stderr
    as_json = cli("show", "nothing-like-this", "--json")
    assert as_json.exit_code == 3
    assert as_json.json()["error"] == "not_found"
