"""The portfolio sheet a steering secretariat keeps in Excel: in (``--format portfolio``) and
out (``govgraph portfolio BODY --xlsx FILE``), with the same columns, so it round-trips.

In (this module): the sheet's tables are read by the CSV/xlsx loader (``csv_tables``/``xlsx_tables``); a
mapping file ``X.mapping.yaml`` next to the sheet names the header of each field (template:
``docs/templates/portfolio-sheet.mapping.yaml``). Each row becomes records of the YAML format
(entities, ``follow_up`` mandates, statuses, milestones, indicators, observations), each citing
the row's own text, and goes through the same converter and checks as a YAML file: an error
names the sheet's row and column. Out: every cell that would start with ``= + - @`` is written
with a leading ``'`` (no formula runs in the secretariat's Excel); reading strips it again.
Out: :mod:`loaders.portfolio_workbook`. Telling a portfolio sheet from a table of entities
(``govgraph load board.xlsx`` without ``--format``): :mod:`loaders.portfolio_detect`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from graph.batch import Batch
from loaders.yaml_marks import MarkedDict, MarkedList
from ontology.errors import ValidationFailed, Violation

# The columns, in order, of the two sheets (their headers unless a mapping renames them).
PORTFOLIO_COLUMNS = (
    "id", "label", "type", "owner", "steering_body", "status", "status_date", "progress",
    "phase", "milestone_id", "milestone", "planned", "forecast", "actual",
)  # fmt: skip
INDICATOR_COLUMNS = (
    "indicator_id", "indicator", "unit", "direction", "target", "measures", "owner", "period",
    "value",
)  # fmt: skip
SHEETS = {
    "portfolio": ("Portfolio", PORTFOLIO_COLUMNS),
    "indicators": ("Indicators", INDICATOR_COLUMNS),
}
DANGEROUS = ("=", "+", "-", "@")


def safe_cell(value: Any) -> Any:
    """A cell value that no spreadsheet runs as a formula.

    >>> safe_cell("=HYPERLINK(\\"http://x\\")"), safe_cell("-5"), safe_cell(-5), safe_cell("ok")
    ('\\'=HYPERLINK("http://x")', "'-5", -5, 'ok')
    """
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The text a secretariat meant, undoing :func:`safe_cell`.

    >>> unsafe_cell("'=SUM(A1)"), unsafe_cell("'quoted")
    ('=SUM(A1)', "'quoted")
    """
    return text[1:] if text.startswith("'") and text[1:2] in DANGEROUS and text[1:2] else text


# -- in ----------------------------------------------------------------------------------------
def _mapping(path: Path, source: str) -> tuple[dict[str, dict[str, str]], str]:
    """``{kind: {field: header}}`` and the language, from ``X.mapping.yaml`` if present."""
    import yaml

    columns = {kind: {c: c for c in cols} for kind, (_, cols) in SHEETS.items()}
    candidate = path.with_suffix(".mapping.yaml")
    if not candidate.exists():
        return columns, "en"
    try:
        spec = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValidationFailed([Violation("mapping", str(exc), file=str(candidate))]) from None
    sheets = spec.get("sheets") if isinstance(spec, dict) else None
    if not isinstance(sheets, list):
        raise ValidationFailed(
            [Violation("mapping", "the mapping needs `sheets:` (a list)", file=str(candidate))]
        )
    found: dict[str, dict[str, str]] = {}
    for sheet in sheets:
        kind = sheet.get("kind") if isinstance(sheet, dict) else None
        if kind not in SHEETS:
            raise ValidationFailed(
                [
                    Violation(
                        "mapping",
                        "each sheet needs `kind: portfolio` or `kind: indicators`",
                        file=str(candidate),
                    )
                ]
            )
        known = set(SHEETS[kind][1])
        given = {str(k): str(h) for k, h in (sheet.get("columns") or {}).items()}
        unknown = sorted(set(given) - known)
        if unknown:
            raise ValidationFailed(
                [
                    Violation(
                        "mapping",
                        f"unknown field(s) {unknown}: use {sorted(known)}",
                        file=str(candidate),
                    )
                ]
            )
        found[str(sheet.get("sheet") or SHEETS[kind][0])] = {"kind": kind, **given}
    language = str(spec.get("language") or "en")
    return found or columns, language


class _Rows:
    """Builds YAML-format records from rows; marks are (row, column) of the sheet."""

    def __init__(self, source: str, language: str, document: str) -> None:
        self.source, self.language, self.document = source, language, document
        self.sections: dict[str, list[MarkedDict]] = {}
        self.seen: set[tuple[str, str]] = set()

    def record(
        self, section: str, key: str, fields: dict[str, Any], where: tuple[int, int], text: str
    ) -> None:
        if (section, key) in self.seen:
            return
        self.seen.add((section, key))
        record = MarkedDict()
        record.mark = where
        for name, value in fields.items():
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                items = MarkedList()
                items.extend(value)
                items.item_marks = [where] * len(value)
                items.mark = where
                value = items
            elif isinstance(value, dict):
                inner = MarkedDict()
                inner.update(value)
                inner.key_marks = dict.fromkeys(value, where)
                inner.value_marks = dict.fromkeys(value, where)
                value = inner
            record[name] = value
            record.key_marks[name] = record.value_marks[name] = where
        cite = MarkedDict()
        cite.update({"doc": self.document, "quote": text})
        cite.key_marks = cite.value_marks = {"doc": where, "quote": where}
        sources = MarkedList()
        sources.append(cite)
        sources.item_marks, sources.mark = [where], where
        record["sources"] = sources
        record.key_marks["sources"] = record.value_marks["sources"] = where
        self.sections.setdefault(section, []).append(record)

    def content(self) -> MarkedDict:
        out = MarkedDict()
        for section, records in self.sections.items():
            items = MarkedList()
            items.extend(records)
            items.item_marks = [r.mark for r in records]
            out[section] = items
            out.key_marks[section] = (1, 1)
        return out


def read_portfolio_sheet(path: Path, source: str) -> Batch:
    """Read a portfolio sheet (CSV or .xlsx) into a batch; :class:`ValidationFailed` with
    every problem located by row and column when it is not clean."""
    from loaders.csv_loader import csv_tables, xlsx_tables
    from loaders.provenance import slug
    from loaders.yaml_format import YamlConverter

    tables = (
        xlsx_tables(path, source) if path.suffix.lower() == ".xlsx" else csv_tables(path, source)
    )
    mapping, language = _mapping(path, source)
    digest = hashlib.sha1(str(path.resolve()).encode()).hexdigest()[:8]  # noqa: S324 - an id
    document = f"src-{slug(path.name)}-{digest}"
    rows = _Rows(source, language, document)
    doc = MarkedDict()
    doc.update({"id": document, "title": path.name, "path": str(path), "language": language})
    doc.key_marks = doc.value_marks = dict.fromkeys(doc, (1, 1))
    for table in tables:
        spec = mapping.get(table.name) or (
            {"kind": "indicators"} if table.name == "Indicators" else {"kind": "portfolio"}
        )
        kind = spec["kind"]
        fields = {f: spec.get(f, f) for f in SHEETS[kind][1]}
        position = {h.strip(): i for i, h in enumerate(table.header)}
        for number, cells, text in table.rows:
            row = _Cells(number, cells, position, fields)
            if kind == "portfolio":
                _portfolio_row(rows, row, text, language)
            else:
                _indicator_row(rows, row, text, language)
    content = rows.content()
    documents = MarkedList()
    documents.append(doc)
    documents.item_marks = [(1, 1)]
    content["documents"] = documents
    content.key_marks["documents"] = (1, 1)
    batch = Batch(name=f"file:{path.name}", source=source)
    converter = YamlConverter(batch)
    converter.convert(content)
    if converter.errors:
        raise ValidationFailed(converter.errors)
    return batch


class _Cells:
    """One row's cells by field name, and where each field sits (row, column)."""

    def __init__(
        self, number: int, cells: list[str], position: dict[str, int], fields: dict[str, str]
    ) -> None:
        self.number, self.cells, self.position, self.fields = number, cells, position, fields

    def get(self, field: str) -> str:
        i = self.position.get(self.fields[field])
        return unsafe_cell(self.cells[i].strip()) if i is not None and i < len(self.cells) else ""

    def where(self, field: str) -> tuple[int, int]:
        return (self.number, self.position.get(self.fields[field], -1) + 1)


def _number(text: str) -> str:
    return text[:-2] if text.endswith(".0") else text


def _portfolio_row(rows: _Rows, row: _Cells, text: str, language: str) -> None:
    get, where = row.get, row.where
    item = get("id")
    if not item:
        return
    rows.record(
        "entities",
        item,
        {"id": item, "type": get("type") or "initiative", "label": {language: get("label") or item},
         "owner": get("owner")},
        where("id"),
        text,
    )  # fmt: skip
    body = get("steering_body")
    if body:
        rows.record(
            "mandates",
            f"follow-{body}-{item}",
            {
                "id": f"follow-{body}-{item}",
                "holder": body,
                "actions": ["follow_up"],
                "scope": [item],
            },
            where("steering_body"),
            text,
        )
    if get("status"):
        rows.record(
            "statuses",
            f"{item}|{get('status_date')}",
            {"of": item, "status": get("status"), "date": get("status_date"),
             "progress": _number(get("progress")), "phase": get("phase")},
            where("status"),
            text,
        )  # fmt: skip
    milestone = get("milestone_id") or (get("milestone") and f"{item}-{len(rows.seen)}")
    if milestone:
        rows.record(
            "milestones",
            milestone,
            {"id": milestone, "of": item, "label": {language: get("milestone") or milestone},
             "planned": get("planned"), "forecast": get("forecast"), "actual": get("actual")},
            where("milestone"),
            text,
        )  # fmt: skip


def _indicator_row(rows: _Rows, row: _Cells, text: str, language: str) -> None:
    get, where = row.get, row.where
    indicator = get("indicator_id")
    if not indicator:
        return
    rows.record(
        "indicators",
        indicator,
        {"id": indicator, "label": {language: get("indicator") or indicator}, "unit": get("unit"),
         "direction": get("direction"), "target": _number(get("target")),
         "measures": get("measures"), "owner": get("owner")},
        where("indicator_id"),
        text,
    )  # fmt: skip
    if get("period"):
        rows.record(
            "observations",
            f"{indicator}|{get('period')}",
            {
                "indicator": indicator,
                "period": _number(get("period")),
                "value": _number(get("value")),
            },
            where("period"),
            text,
        )
