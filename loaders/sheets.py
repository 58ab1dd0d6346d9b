"""The tables of a sheet file: CSV (strict quoting, one cell per column) and .xlsx (bounded).

Both are read through :mod:`loaders.reading` (once, regular files only) within the limits of
:mod:`loaders.limits`: rows per sheet, characters per cell and, for workbooks, the unpacked
size (a small .xlsx can unpack to a 300 MB cell). Column mappings (``X.mapping.yaml``) are
checked key by key. Every refusal names the file and the row.
"""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.limits import current as current_limits
from ontology import vocab as v
from ontology.errors import ValidationFailed, Violation

SHEET_KEYS = {"sheet", "kind", "columns", "defaults", "language"}


@dataclass
class SheetMapping:
    """How the columns of one sheet map onto fields (``columns``: field -> header)."""

    sheet: str | None = None
    kind: str | None = None  # "entities" | "dependencies"; inferred when None
    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass
class Table:
    name: str  # the sheet name, or the file name for CSV
    header: list[str]
    rows: list[tuple[int, list[str], str]]  # (row number, cells, the row as text)


def read_mapping(path: Path, source: str) -> tuple[list[SheetMapping], str | None]:
    """The mapping file of ``path`` if there is one: its sheets and language."""
    import yaml

    from loaders.reading import read_text

    for candidate in (path.with_suffix(".mapping.yaml"), Path(str(path) + ".mapping.yaml")):
        if candidate.exists():
            break
    else:
        return [], None
    where = str(candidate)

    def fail(message: str, line: int | None = None) -> ValidationFailed:
        return ValidationFailed(
            [Violation("csv-mapping", message, file=where, line=line, record=source)]
        )

    try:
        content = yaml.safe_load(read_text(candidate, where))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise fail(
            f"the mapping file is not valid YAML: {getattr(exc, 'problem', exc)}",
            mark.line + 1 if mark is not None else None,
        ) from None
    except RecursionError:
        raise fail("the mapping file is nested too deeply") from None
    if not isinstance(content, dict):
        raise fail("a mapping file is a mapping with `columns` (or `sheets: [...]`)")
    language = content.get("language")
    sheets = content.get("sheets", [content])
    if not isinstance(sheets, list):
        raise fail("`sheets` is a list of sheet mappings (each with `sheet` and `columns`)")
    out = []
    for number, item in enumerate(sheets, start=1):
        if not isinstance(item, dict):
            raise fail(f"sheet mapping {number} is {item!r}, not a mapping with `columns`")
        unknown = set(item) - SHEET_KEYS - {"sheets"}
        if unknown:
            raise fail(f"unknown key(s) {', '.join(sorted(map(str, unknown)))}: use {SHEET_KEYS}")
        for key in ("columns", "defaults"):
            if not isinstance(item.get(key) or {}, dict):
                raise fail(f"`{key}` is a mapping of field: header, not {item[key]!r}")
        columns = {str(k): str(h) for k, h in (item.get("columns") or {}).items()}
        bad = set(columns) - fields()
        if bad:
            raise fail(f"unknown field(s) {', '.join(sorted(bad))} in `columns`")
        defaults = {str(k): str(d) for k, d in (item.get("defaults") or {}).items()}
        for key in ("sheet", "kind"):
            if item.get(key) is not None and not isinstance(item[key], str):
                raise fail(f"`{key}` is a name, not {item[key]!r}")
        out.append(SheetMapping(item.get("sheet"), item.get("kind"), columns, defaults))
    if language is not None and language not in v.LANGUAGES:
        raise fail(f"`language` must be one of {', '.join(v.LANGUAGES)}")
    return out, language


def _too_many_rows(source: str, table: str, number: int) -> ValidationFailed:
    limit = current_limits().max_rows
    return ValidationFailed(
        [
            Violation(
                "max-rows",
                f"sheet {table} has more than {limit:,} rows (row {number}): split the file "
                "(or raise GOVGRAPH_MAX_ROWS)",
                file=source,
                line=number,
                record=f"sheet {table} row {number}",
            )
        ]
    )


def _long_cell(source: str, table: str, number: int, column: int, size: int) -> Violation:
    limit = current_limits().max_cell
    return Violation(
        "max-cell",
        f"a cell of {size:,} characters; the limit is {limit:,} (GOVGRAPH_MAX_CELL)",
        file=source,
        line=number,
        column=column,
        record=f"sheet {table} row {number}",
    )


def csv_tables(path: Path, source: str) -> list[Table]:
    from loaders.reading import read_text

    text = read_text(path, source, detect=True)
    limits = current_limits()
    dialect: Any = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    lines = text.splitlines()
    csv.field_size_limit(max(limits.max_cell, 1) + 1)
    reader = csv.reader(io.StringIO(text), dialect, strict=True)
    rows: list[list[str]] = []
    problems: list[Violation] = []
    line = 1  # where the record being read starts (a broken quote is reported there)
    try:
        for cells in reader:
            if len(rows) > limits.max_rows:
                raise _too_many_rows(source, path.name, reader.line_num)
            rows.append(cells)
            line = reader.line_num + 1
    except csv.Error as exc:
        if "field larger" in str(exc):
            problems.append(_long_cell(source, path.name, line, 0, limits.max_cell + 1))
        else:
            problems.append(
                Violation(
                    "csv-syntax",
                    f"broken CSV at row {line}: {exc} (a quote opened and never closed?)",
                    file=source,
                    line=line,
                    record=f"sheet {path.name} row {line}",
                )
            )
        raise ValidationFailed(problems) from None
    header = rows[0] if rows else []
    for number, cells in enumerate(rows[1:], start=2):
        if any(c.strip() for c in cells) and len(cells) != len(header):
            problems.append(
                Violation(
                    "csv-ragged",
                    f"row {number} has {len(cells)} cells; the header has {len(header)}: "
                    "every row needs one cell per column (quote cells holding the separator)",
                    file=source,
                    line=number,
                    record=f"sheet {path.name} row {number}",
                )
            )
    if problems:
        raise ValidationFailed(problems[:100])
    body = [
        (n, cells, lines[n - 1] if n - 1 < len(lines) else ",".join(cells))
        for n, cells in enumerate(rows[1:], start=2)
        if any(c.strip() for c in cells)
    ]
    return [Table(path.name, header, body)]


def _unpacked_size(data: bytes, source: str) -> None:
    """Refuse a workbook that unpacks past the limit (a small zip can hold a 300 MB cell)."""
    import zipfile

    limit = current_limits().max_unpacked_bytes
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationFailed(
            [Violation("xlsx", f"not a readable .xlsx workbook: {exc}", file=source)]
        ) from None
    if size > limit:
        raise ValidationFailed(
            [
                Violation(
                    "max-unpacked",
                    f"the workbook unpacks to {size:,} bytes; the limit is {limit:,} "
                    "(GOVGRAPH_MAX_UNPACKED_BYTES)",
                    file=source,
                )
            ]
        )


def xlsx_tables(path: Path, source: str) -> list[Table]:
    from openpyxl import load_workbook

    from loaders.reading import read_bytes

    data = read_bytes(path, source)
    _unpacked_size(data, source)
    limits = current_limits()
    tables = []
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        for sheet in book.worksheets:
            values: list[list[str]] = []
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > limits.max_rows + 1:
                    raise _too_many_rows(source, sheet.title, number)
                cells = ["" if c is None else str(c).strip() for c in row]
                for column, cell in enumerate(cells, start=1):
                    if len(cell) > limits.max_cell:
                        raise ValidationFailed(
                            [_long_cell(source, sheet.title, number, column, len(cell))]
                        )
                values.append(cells)
            if not values or not any(values[0]):
                continue
            body = [
                (
                    n,
                    cells,
                    ", ".join(f"{h}: {c}" for h, c in zip(values[0], cells, strict=False) if c),
                )
                for n, cells in enumerate(values[1:], start=2)
                if any(cells)
            ]
            tables.append(Table(sheet.title, [str(h) for h in values[0]], body))
        book.close()
    except ValidationFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged file
        raise ValidationFailed(
            [
                Violation(
                    "xlsx",
                    f"not a readable .xlsx workbook ({type(exc).__name__}: {exc}): save it "
                    "again from the spreadsheet program",
                    file=source,
                )
            ]
        ) from None
    return tables


def fields() -> set[str]:
    """The fields a mapping may name (those of :mod:`loaders.csv_loader`)."""
    from loaders.csv_loader import FIELDS

    return FIELDS
