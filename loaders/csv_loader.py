"""Portfolio sheets (CSV and .xlsx) -> entities and dependencies, one row per record.

Columns are mapped by a small YAML mapping file next to the sheet (``X.mapping.yaml`` for
``X.csv`` or ``X.xlsx``; template in ``docs/templates/``) or inferred from the headers. A sheet
holds entities (an ``id`` column) or dependencies (``dependent``/``prerequisite`` columns, or
Gephi's ``Source``/``Target``). Every row is cited by its own text; every error names the sheet,
row and column.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.limits import current as current_limits
from loaders.provenance import SourceFile, slug
from ontology import vocab as v
from ontology.dates import date_literal
from ontology.errors import ValidationFailed, Violation
from ontology.terms import XSD, Literal, concept, iri

# Header aliases (case- and space-insensitive) of each field, for inference.
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("id", "key", "identifier"),
    "label": ("label", "name", "title"),
    "type": ("type", "entity_type", "kind"),
    "description": ("description",),
    "status": ("status",),
    "dependent": ("dependent", "source", "from"),
    "prerequisite": ("prerequisite", "target", "to", "depends_on"),
    "dependency_type": ("dependency_type",),
    "criticality": ("criticality",),
    "lag_days": ("lag_days",),
    **{key: (key,) for key in (*v.RELATION_KEYS, *v.DATE_KEYS)},
}
FIELDS = set(ALIASES)
SHEET_KEYS = {"sheet", "kind", "columns", "defaults", "language"}
GEPHI_DIRECTIONS = {"directed", "undirected", "mutual"}


def _norm(header: str) -> str:
    return "_".join(header.strip().casefold().replace("-", " ").split())


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
        bad = set(columns) - FIELDS
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


class SheetReader:
    """Turns the tables of one file into a batch."""

    def __init__(self, src: SourceFile, tables: list[Table], mappings: list[SheetMapping]):
        self.src = src
        self.tables = tables
        self.mappings = mappings
        self.slugs: dict[str, tuple[str, int]] = {}  # id -> (the text it came from, row)

    def run(self) -> None:
        by_name = {t.name: t for t in self.tables}
        if not self.mappings:
            for table in self.tables:
                self.table(table, SheetMapping())
            return
        for mapping in self.mappings:
            name = mapping.sheet or self.tables[0].name
            if name not in by_name:
                self.src.error(
                    "csv-sheet",
                    f"the mapping names sheet {name!r}, which the workbook does not have "
                    f"(sheets: {', '.join(repr(t) for t in by_name)})",
                    self.src.at(record=f"sheet {name}"),
                )
                continue
            self.table(by_name[name], mapping)

    def columns(self, table: Table, mapping: SheetMapping) -> dict[str, int] | None:
        """Field -> column index, from the mapping or the headers."""
        index = {_norm(h): i for i, h in enumerate(table.header) if h.strip()}
        found: dict[str, int] = {}
        for fld, header in mapping.columns.items():
            if _norm(header) not in index:
                self.src.error(
                    "csv-column",
                    f"column {header!r} (for `{fld}`) is not in the header row; the columns are "
                    f"{', '.join(repr(h) for h in table.header)}",
                    self.src.at(1, None, f"sheet {table.name}"),
                )
                return None
            found[fld] = index[_norm(header)]
        if not mapping.columns:
            for fld, aliases in ALIASES.items():
                hit = next((index[a] for a in aliases if a in index), None)
                if hit is not None and hit not in found.values():
                    found[fld] = hit
        return found

    def table(self, table: Table, mapping: SheetMapping) -> None:
        cols = self.columns(table, mapping)
        if cols is None:
            return
        kind = mapping.kind or (
            "dependencies" if {"dependent", "prerequisite"} <= set(cols) else "entities"
        )
        required = ("dependent", "prerequisite") if kind == "dependencies" else ("id", "label")
        missing = [f for f in required if f not in cols and f not in mapping.defaults]
        if kind not in ("entities", "dependencies") or missing:
            what = (
                f"missing column(s) for {', '.join(missing)}"
                if missing
                else f"`kind` {kind!r} is not entities or dependencies"
            )
            self.src.error(
                "csv-column",
                f"{what}: name them in the header row ({', '.join(ALIASES[required[0]])} ...) "
                "or in a mapping file (docs/templates/portfolio.mapping.yaml)",
                self.src.at(1, None, f"sheet {table.name}"),
            )
            return
        if kind == "entities":
            self.type_column(table, cols)
        headers = {i: h for i, h in enumerate(table.header)}
        for number, cells, text in table.rows:
            row = Row(self, table, number, cells, cols, mapping.defaults, headers)
            if kind == "entities":
                row.entity(text)
            else:
                row.dependency(text)

    def type_column(self, table: Table, cols: dict[str, int]) -> None:
        """Drop an inferred ``type`` column that holds no govgraph types (e.g. Gephi's)."""
        if "type" not in cols:
            return
        values = {
            r[1][cols["type"]].strip().casefold() for r in table.rows if cols["type"] < len(r[1])
        }
        if values and not values & set(v.ENTITY_CLASSES):
            header = table.header[cols.pop("type")]
            self.src.warn(
                "csv-type-column",
                f"column {header!r} holds no govgraph entity type ({', '.join(sorted(values)[:5])}); "
                "every row is loaded as a system. Map `type` in a mapping file to change this",
                self.src.at(1, None, f"sheet {table.name}"),
            )


@dataclass
class Row:
    reader: SheetReader
    table: Table
    number: int
    cells: list[str]
    cols: dict[str, int]
    defaults: dict[str, str]
    headers: dict[int, str]

    def where(self, fld: str | None = None) -> Any:
        column = self.cols.get(fld) if fld else None
        record = f"sheet {self.table.name} row {self.number}"
        if column is not None:
            record += f" column {self.headers.get(column, column)!r}"
        return self.reader.src.at(self.number, None if column is None else column + 1, record)

    def get(self, fld: str) -> str:
        i = self.cols.get(fld)
        value = self.cells[i].strip() if i is not None and i < len(self.cells) else ""
        return value or self.defaults.get(fld, "")

    def fail(self, fld: str, message: str) -> None:
        self.reader.src.error("csv-value", message, self.where(fld))

    def ident(self, fld: str) -> str | None:
        value = self.get(fld)
        if not value:
            self.fail(fld, f"`{fld}` is empty")
            return None
        made = slug(value)
        seen = (
            self.reader.slugs.setdefault(made, (value, self.number)) if fld == "id" else (value, 0)
        )
        if fld == "id" and seen[0] != value:
            self.reader.src.error(
                "id-collision",
                f"{value!r} and {seen[0]!r} (row {seen[1]}) both become the id {made!r}: give "
                "the rows distinct ids in Latin letters or digits",
                self.where(fld),
            )
            return None
        return iri(made)

    def choice(self, fld: str, allowed: tuple[str, ...], default: str) -> str | None:
        value = (self.get(fld) or default).strip().casefold().replace(" ", "_").replace("-", "_")
        if value not in allowed:
            self.fail(fld, f"unknown {fld} {value!r}: use one of {', '.join(allowed)}")
            return None
        return value

    def entity(self, text: str) -> None:
        src = self.reader.src
        subject = self.ident("id")
        kind = self.choice("type", tuple(v.ENTITY_CLASSES), "system")
        if subject is None or kind is None:
            return
        label = self.get("label") or self.get("id")
        src.entity(subject, v.ENTITY_CLASSES[kind], label, text, self.where("id"))
        if self.get("description"):
            src.batch.add(subject, v.DESCRIPTION, Literal(self.get("description"), src.language))
        if self.get("status"):
            status = self.choice("status", v.STATUSES, "")
            if status:
                src.batch.add(subject, v.STATUS, concept("status", status))
        for key, pred in v.DATE_KEYS.items():
            if self.get(key):
                try:
                    src.batch.add(subject, pred, date_literal(self.get(key)))
                except ValueError as exc:
                    self.fail(key, str(exc))
        for key, pred in v.RELATION_KEYS.items():
            for target in filter(None, (t.strip() for t in self.get(key).split(";"))):
                if key == "part_of" and kind in v.ORGANISATION_TYPES:
                    pred = v.PART_OF_ORG
                src.relation(subject, pred, iri(slug(target)), text, self.where(key))

    def dependency(self, text: str) -> None:
        src = self.reader.src
        dependent, prerequisite = self.ident("dependent"), self.ident("prerequisite")
        raw_kind = self.get("dependency_type")
        kind = self.choice("dependency_type", v.DEPENDENCY_TYPES, "technical")
        if raw_kind.casefold() in GEPHI_DIRECTIONS:
            kind = "technical"
        criticality = self.choice("criticality", v.CRITICALITIES, "medium")
        if None in (dependent, prerequisite, kind, criticality):
            return
        assert dependent is not None and prerequisite is not None and kind and criticality
        if dependent == prerequisite:
            # Real dependency graphs hold self-loops (a package listing itself); they say
            # nothing about impact, so they are skipped rather than refused.
            src.warn(
                "self-dependency",
                f"{self.get('dependent')!r} depends on itself: row skipped",
                self.where("prerequisite"),
            )
            return
        ident = (
            self.get("id") or f"dep-{slug(self.get('dependent'))}-{slug(self.get('prerequisite'))}"
        )
        subject = iri(slug(ident))
        src.dependency(
            subject, dependent, prerequisite, text, self.where(), kind=kind, criticality=criticality
        )
        lag = self.get("lag_days")
        if lag:
            if lag.lstrip("-").isdigit():
                src.batch.add(subject, v.LAG_DAYS, Literal(lag, datatype=XSD + "integer"))
            else:
                self.fail("lag_days", f"`lag_days` must be a whole number, not {lag!r}")


def _read(path: Path, source: str, tables: Iterator[Table] | list[Table]) -> Any:
    mappings, language = read_mapping(path, source)
    src = SourceFile(path, source, language=language or "en")
    SheetReader(src, list(tables), mappings).run()
    return src.finish()


def read_csv(path: Path, source: str) -> Any:
    """Read a CSV sheet into a batch (:class:`ValidationFailed` on bad input)."""
    return _read(path, source, csv_tables(path, source))


def read_xlsx(path: Path, source: str) -> Any:
    """Read every sheet of an .xlsx workbook (or those its mapping names) into a batch."""
    if not path.exists():
        raise ValidationFailed([Violation("file-exists", "no such file", file=source)])
    return _read(path, source, xlsx_tables(path, source))
