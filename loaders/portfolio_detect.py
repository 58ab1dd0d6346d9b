"""Tell a portfolio sheet from a table of entities, so ``govgraph load board.xlsx`` needs no
``--format portfolio``.

A CSV or xlsx file is a portfolio sheet when its mapping file (``X.mapping.yaml``) gives its
sheets ``kind: portfolio`` or ``kind: indicators``; without a mapping, when its headers are
the portfolio sheet's own (``steering_body``, ``milestone``, ``planned``, ``forecast``,
``period``, ``value`` ...: at least two that a table of entities does not use) and none is
one only a table of entities uses. When the signs point both ways the file is refused with a
message naming the headers on each side and the ``--format`` that settles it.
"""

from __future__ import annotations

from pathlib import Path

from loaders.portfolio_sheet import INDICATOR_COLUMNS, PORTFOLIO_COLUMNS, SHEETS
from ontology.errors import ValidationFailed, Violation

PORTFOLIO_KINDS = frozenset(SHEETS)  # portfolio, indicators
# At least this many portfolio-only headers in one table make it a portfolio sheet.
ENOUGH = 2


def _norm(header: str) -> str:
    return "_".join(header.strip().casefold().replace("-", " ").split())


def _generic_headers() -> frozenset[str]:
    from loaders.csv_loader import ALIASES

    return frozenset(alias for aliases in ALIASES.values() for alias in aliases)


def portfolio_only() -> frozenset[str]:
    """Headers of the portfolio sheet that a table of entities does not use.

    >>> sorted(portfolio_only() & {"steering_body", "id", "label", "period"})
    ['period', 'steering_body']
    """
    return frozenset({*PORTFOLIO_COLUMNS, *INDICATOR_COLUMNS}) - _generic_headers()


def entity_only() -> frozenset[str]:
    """Headers only a table of entities or dependencies uses (``name``, ``dependent`` ...)."""
    return _generic_headers() - {*PORTFOLIO_COLUMNS, *INDICATOR_COLUMNS}


def _ambiguous(source: str, kind: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        [
            Violation(
                "format",
                f"cannot tell whether this is a portfolio sheet or a table of entities: {why}. "
                f"Say which with --format portfolio or --format {kind}",
                file=source,
            )
        ]
    )


def mapping_kinds(path: Path) -> set[str] | None:
    """The kinds of sheet the mapping file of ``path`` gives (``None`` without a readable
    one: the reader reports a broken mapping). A sheet without ``kind`` counts as a portfolio
    sheet when its fields are the portfolio sheet's, else as a table of entities."""
    import yaml

    for candidate in (path.with_suffix(".mapping.yaml"), Path(str(path) + ".mapping.yaml")):
        if candidate.is_file():
            break
    else:
        return None
    try:
        spec = yaml.safe_load(candidate.read_text(encoding="utf-8"))
    except (yaml.YAMLError, OSError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(spec, dict):
        return None
    sheets = spec.get("sheets", [spec])
    if not isinstance(sheets, list):
        return None
    kinds = set()
    ours = portfolio_only()
    for sheet in sheets:
        if not isinstance(sheet, dict):
            continue
        kind = sheet.get("kind")
        if isinstance(kind, str):
            kinds.add(kind)
            continue
        fields = (
            set(sheet.get("columns") or {}) if isinstance(sheet.get("columns"), dict) else set()
        )
        kinds.add("portfolio" if len(fields & ours) >= ENOUGH else "entities")
    return kinds


def sheet_kind(path: Path, source: str, kind: str) -> str:
    """``"portfolio"`` when ``path`` (read as ``kind``: csv or xlsx) is a portfolio sheet,
    else ``kind``; :class:`ValidationFailed` when it could be either."""
    kinds = mapping_kinds(path)
    if kinds is not None:
        mine, other = kinds & PORTFOLIO_KINDS, kinds - PORTFOLIO_KINDS
        if mine and other:
            raise _ambiguous(
                source,
                kind,
                f"its mapping file gives sheets of kind {', '.join(sorted(mine))} and of kind "
                f"{', '.join(sorted(other))}",
            )
        if mine:
            return "portfolio"
        if other:
            return kind
    from loaders.csv_loader import csv_tables, xlsx_tables

    tables = xlsx_tables(path, source) if kind == "xlsx" else csv_tables(path, source)
    ours, theirs = portfolio_only(), entity_only()
    found_ours: set[str] = set()
    found_theirs: set[str] = set()
    portfolio_tables = 0
    for table in tables:
        headers = {_norm(h) for h in table.header if h and h.strip()}
        if len(headers & ours) >= ENOUGH:
            portfolio_tables += 1
        found_ours |= headers & ours
        found_theirs |= headers & theirs
    if not portfolio_tables:
        return kind
    if found_theirs:
        raise _ambiguous(
            source,
            kind,
            f"it has headers of a portfolio sheet ({', '.join(sorted(found_ours))}) and of a "
            f"table of entities ({', '.join(sorted(found_theirs))})",
        )
    return "portfolio"
