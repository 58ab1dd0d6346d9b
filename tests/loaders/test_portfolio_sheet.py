"""The portfolio YAML sections and the secretariat's spreadsheet, in and out (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from graph.oxigraph_store import OxigraphStore
from graph.queries.indicators import indicators
from graph.queries.portfolio import portfolio
from loaders import load_paths
from loaders.portfolio_sheet import INDICATOR_COLUMNS, PORTFOLIO_COLUMNS, read_portfolio_sheet
from loaders.portfolio_workbook import portfolio_rows, workbook_bytes
from ontology.errors import ValidationFailed
from tests.graph.dependency_fixtures import FIXTURES as GRAPH_FIXTURES
from tests.graph.dependency_fixtures import deps_store

DAY = "2024-05-01"
BASE = """
documents:
  - {id: doc-base, title: Base, url: "https://example.org/base", external: true, language: en}
entities:
  - {id: psg, type: body, label: {en: Portfolio Group}, sources: [{doc: doc-base, quote: "x"}]}
  - {id: board, type: body, label: {en: The Board}, sources: [{doc: doc-base, quote: "x"}]}
  - {id: g-use, type: goal, label: {en: More use}, sources: [{doc: doc-base, quote: "x"}]}
"""


def _load_yaml(store: OxigraphStore, tmp_path: Path, text: str, name: str = "x.yaml") -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    load_paths(store, [path])


def test_bad_portfolio_records_are_located_and_change_nothing(tmp_path: Path) -> None:
    store = OxigraphStore()
    _load_yaml(store, tmp_path, BASE, "base.yaml")
    before = store.count()
    bad = """
statuses:
  - {of: psg, status: stalled, date: 2024-01-01, sources: [{doc: doc-base, quote: "x"}]}
  - {of: psg, status: active, progress: 140, date: 2024-02-01, sources: [{doc: doc-base, quote: "x"}]}
observations:
  - {indicator: no-such-indicator, period: 2024, value: 5, sources: [{doc: doc-base, quote: "x"}]}
  - {indicator: no-such-indicator, period: 2025, value: "a lot", sources: [{doc: doc-base, quote: "x"}]}
milestones:
  - {id: m1, of: psg, label: {en: M}, planned: "2024-02-30", sources: [{doc: doc-base, quote: "x"}]}
"""
    with pytest.raises(ValidationFailed) as failed:
        _load_yaml(store, tmp_path, bad, "bad.yaml")
    found = {(v.rule, v.line) for v in failed.value.violations}
    assert ("unknown-concept", 3) in found
    assert ("progress", 4) in found
    assert ("number", 7) in found
    assert ("date", 9) in found
    assert store.count() == before


def test_unknown_indicator_is_refused_by_the_shapes(tmp_path: Path) -> None:
    store = OxigraphStore()
    _load_yaml(store, tmp_path, BASE, "base.yaml")
    bad = 'observations:\n  - {indicator: psg, period: 2024, value: 5, sources: [{doc: doc-base, quote: "x"}]}\n'
    with pytest.raises(ValidationFailed) as failed:
        _load_yaml(store, tmp_path, bad, "obs.yaml")
    assert any("observation-indicator" in v.rule for v in failed.value.violations)


def _export(tmp_path: Path, store: OxigraphStore, name: str) -> Path:
    target = tmp_path / name
    target.write_bytes(workbook_bytes(portfolio_rows(store, "psg", as_of=DAY)))
    return target


def test_sheet_round_trips_through_the_loader(tmp_path: Path) -> None:
    original = deps_store("portfolio")
    first = _export(tmp_path, original, "portfolio.xlsx")
    book = load_workbook(first)
    assert [c.value for c in book["Portfolio"][1]] == list(PORTFOLIO_COLUMNS)
    assert [c.value for c in book["Indicators"][1]] == list(INDICATOR_COLUMNS)

    again = OxigraphStore()
    _load_yaml(again, tmp_path, BASE, "base.yaml")
    load_paths(again, [first], fmt="portfolio")
    second = _export(tmp_path, again, "again.xlsx")

    def cells(path: Path) -> dict[str, list[tuple]]:
        wb = load_workbook(path)
        return {
            ws.title: sorted(tuple(c.value for c in row) for row in ws.iter_rows()) for ws in wb
        }

    assert cells(second) == cells(first)
    # The queries see the same board and the same indicator values.
    board = {
        i["id"]: (i["rag"], i["slip_days"]) for i in portfolio(again, "psg", as_of=DAY)["items"]
    }
    expected = {
        i["id"]: (i["rag"], i["slip_days"]) for i in portfolio(original, "psg", as_of=DAY)["items"]
    }
    assert board == expected
    uptake = next(i for i in indicators(again)["indicators"] if i["id"] == "ind-uptake")
    assert uptake["latest"]["value"] == 70 and uptake["judgement"] == "improving"
    cite = portfolio(again, "psg", as_of=DAY)["items"][0]["status"]["sources"][0]
    assert cite["title"] == "portfolio.xlsx" and "p-alpha" in cite["quote"]


def test_formula_cells_are_neutralised_and_read_back(tmp_path: Path) -> None:
    target = tmp_path / "evil.xlsx"
    row = [
        "evil",
        '=HYPERLINK("http://x","y")',
        "initiative",
        "",
        "psg",
        "active",
        "2024-01-01",
        10,
        "@SUM(1)",
    ]
    target.write_bytes(
        workbook_bytes({"Portfolio": [row + ["", "", "", "", ""]], "Indicators": []})
    )
    sheet = load_workbook(target)["Portfolio"]
    values = [c.value for c in sheet[2]]
    assert values[1].startswith("'=") and values[8] == "'@SUM(1)"
    assert all(c.data_type != "f" for c in sheet[2])
    store = OxigraphStore()
    _load_yaml(store, tmp_path, BASE, "base.yaml")
    load_paths(store, [target], fmt="portfolio")
    item = portfolio(store, "psg", as_of=DAY)["items"][0]
    assert item["label"] == '=HYPERLINK("http://x","y")' and item["status"]["phase"] == "@SUM(1)"


def test_a_bad_cell_names_its_row_and_column(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append(list(PORTFOLIO_COLUMNS))
    sheet.append(["ok-item", "OK", "initiative", "", "psg", "active", "2024-01-01", 20])
    sheet.append(["bad-item", "Bad", "initiative", "", "psg", "stalled", "2024-01-01", 20])
    target = tmp_path / "bad.xlsx"
    book.save(target)
    with pytest.raises(ValidationFailed) as failed:
        read_portfolio_sheet(target, str(target))
    [problem] = [v for v in failed.value.violations if v.severity == "error"]
    assert (problem.line, problem.column, problem.rule) == (3, 6, "unknown-concept")


def test_mapping_file_renames_the_columns(tmp_path: Path) -> None:
    target = tmp_path / "portefolje.csv"
    target.write_text(
        "ID,Initiativ,Styregruppe,Status,Statusdato,Fremdrift %,Milepæl,Planlagt\n"
        "ny-portal,Ny portal,psg,active,2024-03-01,35,Pilot,2024-09-01\n",
        encoding="utf-8",
    )
    (tmp_path / "portefolje.mapping.yaml").write_text(
        (
            Path(__file__).resolve().parents[2]
            / "docs"
            / "templates"
            / "portfolio-sheet.mapping.yaml"
        )
        .read_text(encoding="utf-8")
        .replace("sheet: Portefølje", "sheet: portefolje.csv"),
        encoding="utf-8",
    )
    store = OxigraphStore()
    _load_yaml(store, tmp_path, BASE, "base.yaml")
    load_paths(store, [target], fmt="portfolio")
    [item] = portfolio(store, "psg", as_of=DAY)["items"]
    assert (item["id"], item["label"], item["status"]["progress"]) == (
        "ny-portal",
        "Ny portal",
        35.0,
    )
    assert item["next_milestone"]["label"] == "Pilot" and item["rag"] == "green"


def test_fixture_is_where_the_doctests_expect_it() -> None:
    assert (GRAPH_FIXTURES / "portfolio.yaml").exists()
