"""Portfolio sheets (CSV and .xlsx) -> entities and dependencies, one row per record.

Columns are mapped by a small YAML mapping file next to the sheet (``X.mapping.yaml`` for
``X.csv`` or ``X.xlsx``; template in ``docs/templates/``) or inferred from the headers. A sheet
holds entities (an ``id`` column) or dependencies (``dependent``/``prerequisite`` columns, or
Gephi's ``Source``/``Target``). Every row is cited by its own text; every error names the sheet,
row and column.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders.provenance import SourceFile, slug
from loaders.sheets import SheetMapping, Table, csv_tables, read_mapping, xlsx_tables
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
GEPHI_DIRECTIONS = {"directed", "undirected", "mutual"}


def _norm(header: str) -> str:
    return "_".join(header.strip().casefold().replace("-", " ").split())


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
