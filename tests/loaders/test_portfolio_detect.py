"""A portfolio sheet is told from a table of entities by its mapping or its headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.oxigraph_store import OxigraphStore
from graph.queries.portfolio import portfolio
from loaders import load_paths
from loaders.files import read_file
from loaders.portfolio_detect import sheet_kind
from loaders.portfolio_sheet import PORTFOLIO_COLUMNS
from loaders.portfolio_workbook import workbook_bytes
from ontology.errors import ValidationFailed
from tests.loaders.test_portfolio_sheet import BASE, DAY, _load_yaml

TEMPLATES = Path(__file__).resolve().parents[2] / "docs" / "templates"
ROW = ["ny-portal", "Ny portal", "initiative", "", "psg", "active", "2024-03-01", 35, "", "",
       "Pilot", "2024-09-01", "", ""]  # fmt: skip


def test_an_exported_sheet_loads_without_format(tmp_path: Path) -> None:
    target = tmp_path / "board.xlsx"
    target.write_bytes(workbook_bytes({"Portfolio": [ROW], "Indicators": []}))
    assert sheet_kind(target, str(target), "xlsx") == "portfolio"
    store = OxigraphStore()
    _load_yaml(store, tmp_path, BASE, "base.yaml")
    load_paths(store, [target])  # no fmt: detected
    [item] = portfolio(store, "psg", as_of=DAY)["items"]
    assert (item["id"], item["next_milestone"]["label"]) == ("ny-portal", "Pilot")


def test_a_csv_with_the_portfolio_headers_is_a_portfolio_sheet(tmp_path: Path) -> None:
    target = tmp_path / "board.csv"
    target.write_text(
        ",".join(PORTFOLIO_COLUMNS) + "\n" + ",".join(str(c) for c in ROW) + "\n",
        encoding="utf-8",
    )
    assert sheet_kind(target, str(target), "csv") == "portfolio"


def test_a_mapping_of_kind_portfolio_decides(tmp_path: Path) -> None:
    target = tmp_path / "portefolje.csv"
    target.write_text("ID,Initiativ,Styregruppe\nny-portal,Ny portal,psg\n", encoding="utf-8")
    mapping = (TEMPLATES / "portfolio-sheet.mapping.yaml").read_text(encoding="utf-8")
    (tmp_path / "portefolje.mapping.yaml").write_text(
        mapping.replace("sheet: Portefølje", "sheet: portefolje.csv"), encoding="utf-8"
    )
    assert sheet_kind(target, str(target), "csv") == "portfolio"


def test_tables_of_entities_stay_tables_of_entities() -> None:
    for name, kind in (("portfolio.xlsx", "xlsx"), ("portfolio-entities.csv", "csv")):
        path = TEMPLATES / name
        assert sheet_kind(path, str(path), kind) == kind


def test_headers_of_both_kinds_are_refused_with_the_way_out(tmp_path: Path) -> None:
    target = tmp_path / "mixed.csv"
    target.write_text(
        "id,name,steering_body,planned,dependent\nx,X,psg,2024-01-01,y\n", encoding="utf-8"
    )
    with pytest.raises(ValidationFailed) as failed:
        read_file(target)
    message = failed.value.violations[0].message
    assert "--format portfolio or --format csv" in message
    assert "steering_body" in message and "dependent" in message and "name" in message


def test_a_mapping_of_both_kinds_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "both.csv"
    target.write_text("id,label\nx,X\n", encoding="utf-8")
    (tmp_path / "both.mapping.yaml").write_text(
        "sheets:\n  - {sheet: a, kind: portfolio}\n  - {sheet: b, kind: entities}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed, match="kind portfolio and of kind entities"):
        sheet_kind(target, str(target), "csv")
