"""CSV and .xlsx sheets: the npm dependency graph (real), the templates, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from graph.queries.impact import impact
from ontology import vocab as v
from ontology.terms import iri
from tests.loaders.helpers import (
    EXTERNAL,
    TEMPLATES,
    assert_refused,
    citations_cover,
    count_type,
    index,
    loaded,
    of_type,
)

NPM = EXTERNAL / "npm-dependency-graph"


@pytest.fixture(scope="module")
def npm():
    """The npm graph (2,183 packages, 5,417 edges) loaded through the CSV loader (slow: SHACL)."""
    return loaded(NPM / "gephi_nodes.csv", NPM / "gephi_edges.csv")


def test_npm_counts_match_sources(npm):
    store, summary = npm
    # SOURCES.md: 2,183 nodes, 5,417 edges. One edge is a self-loop (package 42 -> 42): skipped
    # with a located warning, since a thing cannot depend on itself in govgraph.
    assert count_type(store, v.ENTITY_CLASSES["system"]) == 2183
    assert count_type(store, v.DEPENDENCY) == 5417 - 1
    loops = [w for w in summary.warnings if w.rule == "self-dependency"]
    assert [(w.file.endswith("gephi_edges.csv"), w.line) for w in loops] == [(True, 2263)]
    assert any(w.rule == "csv-type-column" for w in summary.warnings)


def test_npm_spot_checks_and_provenance(npm):
    store, _ = npm
    idx = index(store)
    assert idx.label(iri("1")) == "es-abstract"
    assert idx.label(iri("2")) == "tslib"
    dep = idx.node(iri("dep-105-148"))
    assert dep.first(v.DEPENDENT) == iri("105") and dep.first(v.PREREQUISITE) == iri("148")
    quotes = [c.quote for c in idx.citations_for(iri("dep-105-148"))]
    assert quotes == ["105,148,Directed"]
    doc = idx.citations_for(iri("1"))[0].document
    assert idx.node(doc).first(v.TITLE) == "gephi_nodes.csv"
    assert "npm-supply-chain-network-analysis" in (idx.node(doc).first(v.DOC_URL) or "")
    assert citations_cover(store, of_type(store, v.DEPENDENCY))


def test_npm_answers_impact(npm):
    store, _ = npm
    graph = index(store).dependency_graph()
    tslib = iri("2")  # 156 packages depend on tslib directly (InDegree)
    assert graph.in_degree(tslib) == 156
    result = impact(store, "tslib", deciders=False)
    direct = {i["id"] for i in result["impacted"] if i["distance"] == 1}
    assert len(direct) == 156
    assert len(result["impacted"]) >= len(direct)


def test_templates_load_with_header_inference():
    store, summary = loaded(
        TEMPLATES / "portfolio-entities.csv", TEMPLATES / "portfolio-dependencies.csv"
    )
    idx = index(store)
    assert idx.type_name(iri("it-board")) == "body"
    assert idx.out(iri("it-board"), v.PART_OF_ORG) == [iri("hospital-it")]
    assert idx.out(iri("epr"), v.RELATION_KEYS["governed_by"]) == [iri("it-board")]
    assert idx.out(iri("epr-upgrade"), v.RELATION_KEYS["delivers"]) == [iri("epr")]
    result = impact(store, "integration-hub", deciders=False)
    assert {i["id"] for i in result["impacted"]} == {"epr", "lab", "epr-upgrade"}
    assert idx.node(iri("dep-upgrade-hub")).first(v.LAG_DAYS) == "30"
    # the relation is cited by its row
    cites = idx.citations_for(iri("epr"), v.RELATION_KEYS["owner"], iri("hospital-it"))
    assert cites and cites[0].quote.startswith("epr,Electronic patient record,system")


def test_xlsx_with_mapping_file():
    store, _ = loaded(TEMPLATES / "portfolio.xlsx")
    idx = index(store)
    assert idx.type_name(iri("lab")) == "system"  # empty Kind cell -> the mapping's default
    assert idx.out(iri("epr"), v.RELATION_KEYS["owner"]) == [iri("hospital-it")]
    dep = idx.node(iri("dep-lab-integration-hub"))
    assert dep.first(v.CRITICALITY).endswith("/medium")  # type: ignore[union-attr]
    assert dep.first(v.DEPENDENCY_TYPE).endswith("/data")  # type: ignore[union-attr]
    quote = idx.citations_for(iri("epr"))[0].quote
    assert quote.startswith("System ID: epr, Name: Electronic patient record")


# -- bad input ------------------------------------------------------------------------------


def _copy_xlsx(tmp_path: Path, mapping: str) -> Path:
    target = tmp_path / "portfolio.xlsx"
    shutil.copy(TEMPLATES / "portfolio.xlsx", target)
    (tmp_path / "portfolio.mapping.yaml").write_text(mapping, encoding="utf-8")
    return target


def test_wrong_sheet(cli, tmp_path):
    sheet = _copy_xlsx(tmp_path, "sheet: Systemer\ncolumns: {id: System ID, label: Name}\n")
    assert_refused(cli, [str(sheet)], "sheet 'Systemer'", "'Systems', 'Dependencies'", "csv-sheet")


def test_missing_column_in_mapping(cli, tmp_path):
    sheet = _copy_xlsx(tmp_path, "sheet: Systems\ncolumns: {id: System ID, label: Title}\n")
    assert_refused(
        cli, [str(sheet)], "column 'Title' (for `label`) is not in the header row", line=1
    )


def test_missing_column_inferred(cli, tmp_path):
    sheet = tmp_path / "systems.csv"
    sheet.write_text("name,owner\nEPR,hospital\n", encoding="utf-8")
    assert_refused(cli, [str(sheet)], "missing column(s) for id", "systems.csv:1")


def test_unknown_relation_kind(cli, tmp_path):
    sheet = tmp_path / "deps.csv"
    sheet.write_text(
        "dependent,prerequisite,dependency_type,criticality\nsp,nsp,political,high\n",
        encoding="utf-8",
    )
    stderr = assert_refused(
        cli, [str(sheet)], "unknown dependency_type 'political'", "deps.csv:2:3"
    )
    assert "column 'dependency_type'" in stderr


def test_unknown_entity_type(cli, tmp_path):
    sheet = tmp_path / "things.csv"
    sheet.write_text("id,label,type\nx1,X,system\nx2,Y,gadget\n", encoding="utf-8")
    assert_refused(cli, [str(sheet)], "unknown type 'gadget'", "things.csv:3:3")


def test_dangling_reference(cli, tmp_path):
    sheet = tmp_path / "deps.csv"
    sheet.write_text(
        "dependent,prerequisite,dependency_type,criticality\nsp,no-such-system,technical,high\n",
        encoding="utf-8",
    )
    assert_refused(
        cli, [str(sheet)], "unknown id 'no-such-system'", "reference-resolves", "deps.csv:2"
    )


def test_not_an_xlsx(cli, tmp_path):
    fake = tmp_path / "book.xlsx"
    fake.write_bytes(b"PK\x03\x04 not really a zip")
    assert_refused(cli, [str(fake)], "not a readable .xlsx workbook")


def test_load_format_option_and_summary(cli):
    result = cli(
        "load",
        "--format",
        "csv",
        str(TEMPLATES / "portfolio-entities.csv"),
        str(TEMPLATES / "portfolio-dependencies.csv"),
    )
    assert result.exit_code == 0, result.stderr
    assert "2 file(s) loaded" in result.stdout
    shown = cli("show", "integration-hub", "--json").json()
    assert shown["label"] == "Integration hub"
