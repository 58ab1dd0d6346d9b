"""Stable graph names: a file loaded from another checkout or path replaces its graph."""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.batch import GRAPH_PREFIX
from graph.oxigraph_store import OxigraphStore
from loaders import load_paths, migrate_graph_names
from tests.support import FIXTURES

SAMPLE = FIXTURES / "sample" / "sample.yaml"


def _checkout(base: Path) -> Path:
    (base / ".git").mkdir(parents=True)
    (base / "data").mkdir()
    shutil.copy(SAMPLE, base / "data" / "sample.yaml")
    return base / "data" / "sample.yaml"


def test_the_same_file_from_two_checkouts_is_one_graph(tmp_path: Path) -> None:
    first, second = _checkout(tmp_path / "a"), _checkout(tmp_path / "b")
    store = OxigraphStore()
    load_paths(store, [first])
    count = store.count()
    load_paths(store, [second])  # not a duplicate: the same graph, replaced
    files = [g for g in store.graph_names() if ":file:" in g]
    assert files == [GRAPH_PREFIX + "file:data/sample.yaml"]
    assert store.count() == count


def test_the_caller_may_give_the_data_root(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "region" / "sample.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(SAMPLE, path)
    store = OxigraphStore()
    load_paths(store, [path], root=tmp_path / "deep")
    assert GRAPH_PREFIX + "file:region/sample.yaml" in store.graph_names()


def test_older_stores_are_migrated(tmp_path: Path) -> None:
    path = _checkout(tmp_path / "c")
    store = OxigraphStore()
    load_paths(store, [path])
    stable = GRAPH_PREFIX + "file:data/sample.yaml"
    old = GRAPH_PREFIX + "file:" + str(path.resolve())
    triples = list(store.graph_triples(stable))
    store.replace({old: triples}, remove=[stable])  # as an older version stored it
    assert migrate_graph_names(store) == {old: stable}
    assert stable in store.graph_names() and old not in store.graph_names()
    assert set(store.graph_triples(stable)) == set(triples)
    assert migrate_graph_names(store) == {}


RELATIVE_TTL = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<#unit> skos:prefLabel "Enhed"@da ; <see> <../other/thing> .
"""


def _relative_file(base: Path) -> Path:
    (base / ".git").mkdir(parents=True)
    path = base / "org charts" / "chart.ttl"
    path.parent.mkdir()
    path.write_text(RELATIVE_TTL, encoding="utf-8")
    return path


def test_relative_iris_resolve_against_the_stable_name_not_the_absolute_path(
    tmp_path: Path,
) -> None:
    from loaders.files import read_file

    first = read_file(_relative_file(tmp_path / "machine-a"))
    second = read_file(_relative_file(tmp_path / "elsewhere" / "machine-b"))
    assert first.triples == second.triples  # the same statements from any checkout
    subjects = {s for s, _, _ in first.triples}
    assert subjects == {"file:org%20charts/chart.ttl#unit"}
    objects = {o for _, _, o in first.triples if isinstance(o, str)}
    assert objects == {"file:other/thing"}
    assert not any(str(tmp_path) in str(term) for t in first.triples for term in t)


def test_org_charts_resolve_relative_iris_the_same_way(tmp_path: Path) -> None:
    from loaders.org_rdf import read_triples

    text = "@prefix org: <http://www.w3.org/ns/org#> .\n<#a> org:hasUnit <#b> .\n"
    triples = []
    for machine in ("a", "b"):
        path = tmp_path / machine / "charts" / "org.ttl"
        (tmp_path / machine / ".git").mkdir(parents=True)
        path.parent.mkdir()
        path.write_text(text, encoding="utf-8")
        triples.append(read_triples(path, str(path), text))
    assert triples[0] == triples[1]
    assert triples[0][0][0] == "file:charts/org.ttl#a"
