"""The portfolio sheet out: ``govgraph portfolio BODY --xlsx FILE`` and ``/portfolio.xlsx``
write the columns :mod:`loaders.portfolio_sheet` reads back, so a secretariat can round-trip;
every cell that would start with ``= + - @`` is neutralised (:func:`safe_cell`).
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from graph.index import index_of
from graph.portfolio_lookups import indicator_lookups
from graph.queries.impact import as_of_day
from graph.queries.indicators import indicator_row
from graph.queries.portfolio_facts import following, iso, milestones_by_item, status_on
from graph.resolve import resolve
from graph.store import GraphStore
from loaders.portfolio_sheet import INDICATOR_COLUMNS, PORTFOLIO_COLUMNS, safe_cell
from ontology import portfolio_terms as p
from ontology import vocab as v
from ontology.errors import InvalidArgument
from ontology.terms import local_id


# -- out ---------------------------------------------------------------------------------------
def portfolio_rows(
    store: GraphStore, body: str, *, as_of: date | str | None = None, lang: str | None = None
) -> dict[str, list[list[Any]]]:
    """The rows of both sheets for what ``body`` follows up (every milestone, every value)."""
    index = index_of(store)
    day = as_of_day(as_of) or date.today()
    chosen = resolve(index, body)
    items = following(index, day).items_by_body.get(chosen, [])
    by_item = milestones_by_item(index)
    body_id = local_id(chosen)
    out: list[list[Any]] = []
    for item in items:
        report = status_on(index, item, day)
        base = [
            local_id(item),
            index.label(item, lang),
            index.type_name(item),
            ";".join(local_id(o) for o in index.out(item, v.RELATION_KEYS["owner"])),
            body_id,
            report.status if report else "",
            iso(report.day) if report else "",
            report.progress if report and report.progress is not None else "",
            report.phase if report and report.phase else "",
        ]
        if not by_item.get(item):
            out.append([*base, "", "", "", "", ""])
        for m in by_item.get(item, ()):
            out.append(
                [*base, local_id(m.iri), index.label(m.iri, lang), iso(m.planned) or "",
                 iso(m.forecast) or "", iso(m.actual) or ""]
            )  # fmt: skip
    wanted = set(items) | {chosen}
    answers = [
        indicator_row(index, ind, None, lang, series=True)
        for ind in indicator_lookups(index).indicators
        if (set(index.out(ind, p.MEASURES)) | set(index.out(ind, v.RELATION_KEYS["owner"])))
        & wanted
    ]
    indicator_rows = _indicator_sheet(answers)
    return {"Portfolio": out, "Indicators": indicator_rows}


def _indicator_sheet(answers: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows of the Indicators sheet: one per indicator and period (one blank without values)."""
    rows = []
    for i in answers:
        base = [
            i["id"], i["label"], i["unit"] or "", i["direction"] or "",
            i["target"]["value"] if i["target"] else "",
            ";".join(m["id"] for m in i["measures"]), ";".join(o["id"] for o in i["owner"]),
        ]  # fmt: skip
        for point in i.get("series") or [{"period": "", "value": ""}]:
            rows.append([*base, point["period"], point["value"]])
    return rows


def workbook_bytes(sheets: dict[str, list[list[Any]]]) -> bytes:
    """An .xlsx workbook of ``sheets`` (header row first), every cell neutralised."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.worksheets[0])
    columns = {"Portfolio": PORTFOLIO_COLUMNS, "Indicators": INDICATOR_COLUMNS}
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(list(columns.get(name, ())))
        for row in rows:
            sheet.append([safe_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def portfolio_workbook(
    store: GraphStore, body: str, *, as_of: date | str | None = None, lang: str | None = None
) -> bytes:
    """The portfolio of ``body`` and its indicators as an .xlsx workbook."""
    return workbook_bytes(portfolio_rows(store, body, as_of=as_of, lang=lang))


def write_xlsx(
    kind: str, answer: dict[str, Any], path: Path, store: GraphStore | None = None
) -> int:
    """Write the sheet for a CLI answer (``kind``: portfolio or indicators); return the rows."""
    if kind == "portfolio":
        if store is None or not answer.get("body"):
            raise InvalidArgument("--xlsx", "name a steering body to export its portfolio")
        sheets = portfolio_rows(store, answer["body"]["id"], as_of=answer["as_of"])
    else:
        sheets = {"Indicators": _indicator_sheet(answer["indicators"])}
    path.write_bytes(workbook_bytes(sheets))
    return sum(len(rows) for rows in sheets.values())
