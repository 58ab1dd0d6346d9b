"""Exports a spreadsheet opens never run a cell as a formula (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from graph.export import export_files
from tests.loaders.helpers import loaded
from tests.support import FIXTURES

PLANTED = '=HYPERLINK("http://evil.example","click")'


def _planted(tmp_path: Path) -> Path:
    text = (FIXTURES / "sample" / "sample.yaml").read_text(encoding="utf-8")
    text = text.replace("{da: Digital Styregruppe,", "{da: '" + PLANTED.replace("'", "''") + "',")
    text = text.replace("alt_labels: [DS]", "alt_labels: ['+DS', '@DS', '-DS']")
    path = tmp_path / "planted.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_cells_are_neutralised(tmp_path: Path) -> None:
    store, _ = loaded(_planted(tmp_path))
    cells = [
        cell
        for name, data in export_files(store, "csv").items()
        for row in csv.reader(io.StringIO(data.decode()))
        for cell in row
    ]
    cells += [
        cell
        for row in csv.reader(
            io.StringIO(export_files(store, "mandates-csv", lang="da").popitem()[1].decode())
        )
        for cell in row
    ]
    assert "'" + PLANTED in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")]


def test_the_mandate_matrix_workbook_holds_no_formula(tmp_path: Path) -> None:
    store, _ = loaded(_planted(tmp_path))
    data = export_files(store, "mandates-xlsx", lang="da").popitem()[1]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + PLANTED in [c.value for c in cells]
