"""Exports: RDF and CSV round trips, GraphML, Cypher, the mandate matrix, the CLI."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from graph.export import data_triples, export_files
from graph.export_formats import mandate_rows
from graph.index import GovIndex, index_of
from graph.store import GraphStore
from ontology import vocab as v
from tests.loaders.helpers import EXTERNAL, TEMPLATES, loaded
from tests.support import FIXTURES

MIXED = [
    FIXTURES / "sample" / "sample.yaml",
    TEMPLATES / "portfolio-entities.csv",
    TEMPLATES / "portfolio-dependencies.csv",
    EXTERNAL / "archimate" / "sample1.xml",
]


@pytest.fixture(scope="module")
def mixed() -> GraphStore:
    return loaded(*MIXED)[0]


@pytest.mark.parametrize("fmt", ["ttl", "jsonld"])
def test_rdf_round_trip(mixed, tmp_path, fmt):
    (data,) = export_files(mixed, fmt).values()
    path = tmp_path / f"export.{fmt}"
    path.write_bytes(data)
    again, _ = loaded(path)
    assert set(data_triples(again)) == set(data_triples(mixed))


def projection(store: GraphStore) -> tuple[set[Any], set[Any], set[Any]]:
    """What the CSV pair carries: entities, relations between them, dependencies."""
    idx = GovIndex.from_store(store)
    skip = set(v.FACT_TYPES)
    entities = {e for e in idx.entities() if not idx.node(e).types & skip}
    nodes = {(e, idx.label(e), idx.type_name(e)) for e in entities}
    links = {
        (s, p, o)
        for s in entities
        for p, targets in idx.node(s).links.items()
        for o in targets
        if o in entities
    }
    deps = set()
    for dep in idx.of_type(v.DEPENDENCY):
        n = idx.node(dep)
        deps.add(
            tuple(
                str(n.first(p))
                for p in (v.DEPENDENT, v.PREREQUISITE, v.DEPENDENCY_TYPE, v.CRITICALITY, v.LAG_DAYS)
            )
        )
    return nodes, links, deps


def test_csv_round_trip(tmp_path):
    original, _ = loaded(
        TEMPLATES / "portfolio-entities.csv", TEMPLATES / "portfolio-dependencies.csv"
    )
    files = export_files(original, "csv")
    assert set(files) == {"nodes.csv", "edges.csv"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    again, _ = loaded(tmp_path / "nodes.csv", tmp_path / "edges.csv")
    assert projection(again) == projection(original)


def test_csv_export_of_a_mixed_store_loads_back(mixed, tmp_path):
    files = export_files(mixed, "csv")
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    again, _ = loaded(tmp_path / "nodes.csv", tmp_path / "edges.csv")
    nodes, links, deps = projection(again)
    want_nodes, want_links, want_deps = projection(mixed)
    assert nodes == want_nodes
    assert deps == want_deps
    assert links <= want_links  # relations outside the relation keys are not CSV columns


def test_graphml_keeps_attributes(mixed, tmp_path):
    import networkx as nx

    (data,) = export_files(mixed, "graphml").values()
    path = tmp_path / "g.graphml"
    path.write_bytes(data)
    graph = nx.read_graphml(path)
    epr = graph.nodes["https://w3id.org/govgraph/id/epr"]
    assert epr["label"] == "Electronic patient record" and epr["type"] == "system"
    assert epr["dct:description@en"] == "The patient record system"
    relations = {d["relation"] for _, _, d in graph.edges(data=True)}
    assert {"gg:Dependency", "gg:owner", "gg:governedBy"} <= relations
    dep = next(d for _, _, d in graph.edges(data=True) if d.get("id") == "dep-epr-hub")
    assert dep["criticality"] == "critical"


def test_cypher_is_batched_merges_with_a_schema_per_engine(mixed):
    files = export_files(mixed, "cypher")
    assert sorted(files) == ["govgraph.cypher", "schema-falkordb.cypher", "schema-neo4j.cypher"]
    assert b"CREATE CONSTRAINT govgraph_entity_iri IF NOT EXISTS" in files["schema-neo4j.cypher"]
    assert files["schema-falkordb.cypher"] == b"CREATE INDEX FOR (n:Entity) ON (n.iri);\n"
    script = files["govgraph.cypher"].decode()
    statements = [s for s in script.splitlines() if s and not s.startswith("//")]
    assert all(s.startswith("UNWIND [") and s.endswith(";") for s in statements)
    assert all("MERGE" in s and len(s.encode()) < 3_600 for s in statements)
    assert "CREATE (" not in script
    assert "MERGE (a)-[r:DEPENDS_ON {id: row.id}]->(b)" in script
    assert '`label`: "Electronic patient record"' in script


def test_mandate_matrix(store, tmp_path):
    rows = mandate_rows(index_of(store))
    header = rows[0]
    assert header[:4] == ["holder", "holder_id", "scope", "scope_id"]
    assert set(v.ACTIONS) <= set(header)
    assert len(rows) > 1
    granted = [r for r in rows[1:] if "x" in r]
    assert granted
    (csv_data,) = export_files(store, "mandates-csv").values()
    assert list(csv.reader(io.StringIO(csv_data.decode()))) == rows
    from openpyxl import load_workbook

    (xlsx,) = export_files(store, "mandates-xlsx").values()
    path = tmp_path / "m.xlsx"
    path.write_bytes(xlsx)
    sheet = load_workbook(path).active
    assert [[c or "" for c in row] for row in sheet.iter_rows(values_only=True)] == rows


def test_cli_export(cli, tmp_path: Path):
    result = cli("export", "--format", "csv")
    assert result.exit_code == 64 and "give --output" in result.stderr
    result = cli("export", "--format", "csv", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "nodes.csv").exists() and (tmp_path / "out" / "edges.csv").exists()
    result = cli("export", "--format", "graphml")
    assert result.exit_code == 0 and "<graphml" in result.stdout
    result = cli("export", "--format", "mandates-xlsx", "-o", str(tmp_path / "m.xlsx"))
    assert result.exit_code == 0 and (tmp_path / "m.xlsx").read_bytes()[:2] == b"PK"
    result = cli("export", "--format", "pdf")
    assert result.exit_code == 64 and "'pdf' is not one of" in result.stderr
