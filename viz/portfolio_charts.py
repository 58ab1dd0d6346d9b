"""Inline SVG drawn on the server for the portfolio views: an indicator's line chart and the
portfolio timeline. Every text goes through :func:`markupsafe.escape`; no script, no CDN."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from ontology.dates import first_day

RAG_COLOURS = {"red": "#c62828", "amber": "#ef8f00", "green": "#2e7d32", "grey": "#8a8a8a"}
STATE_COLOURS = {
    "achieved": "#2e7d32",
    "on_track": "#1565c0",
    "late": "#ef8f00",
    "overdue": "#c62828",
    "undated": "#8a8a8a",
}


def _fmt(value: float) -> str:
    return f"{value:.6g}"


def line_chart(
    series: list[dict[str, Any]],
    *,
    target: float | None = None,
    unit: str | None = None,
    title: str = "",
    width: int = 320,
    height: int = 140,
) -> Markup:
    """An SVG line chart of ``series`` (``{period, value}``, oldest first), target dashed.

    >>> svg = line_chart([{"period": "2023", "value": 50}, {"period": "2024", "value": 70}],
    ...                  target=90, unit="percent", title="Uptake")
    >>> svg.count("<circle"), "stroke-dasharray" in svg
    (2, True)
    """
    pad_l, pad_r, pad_t, pad_b = 44, 10, 10, 26
    days = [first_day(str(point["period"])) for point in series]
    values = [float(point["value"]) for point in series]
    scale = values + ([target] if target is not None else [])
    if not series:
        return Markup(
            f'<svg class="chart" role="img" width="{width}" height="{height}" '
            f'aria-label="{escape(title)}"></svg>'
        )
    low, high = min(scale), max(scale)
    if low == high:
        low, high = low - 1, high + 1
    span = (high - low) * 0.1
    low, high = low - span, high + span
    first, last = min(days), max(days)
    total = max((last - first).days, 1)

    def x(day: date) -> float:
        if first == last:
            return pad_l + (width - pad_l - pad_r) / 2
        return pad_l + (day - first).days / total * (width - pad_l - pad_r)

    def y(value: float) -> float:
        return pad_t + (high - value) / (high - low) * (height - pad_t - pad_b)

    parts = [
        f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{pad_l}" y1="{height - pad_b}" x2="{width - pad_r}" y2="{height - pad_b}" '
        'stroke="#999"/>',
        f'<line x1="{pad_l}" y1="{pad_t}" x2="{pad_l}" y2="{height - pad_b}" stroke="#999"/>',
    ]
    for value in (low + span, high - span):
        parts.append(
            f'<text x="{pad_l - 4}" y="{y(value) + 4:.1f}" font-size="10" text-anchor="end">'
            f"{escape(_fmt(value))}</text>"
        )
    if target is not None:
        parts.append(
            f'<line class="target" x1="{pad_l}" y1="{y(target):.1f}" x2="{width - pad_r}" '
            f'y2="{y(target):.1f}" stroke="#2e7d32" stroke-dasharray="4 3"/>'
        )
    points = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in zip(days, values, strict=True))
    parts.append(f'<polyline points="{points}" fill="none" stroke="#1565c0" stroke-width="2"/>')
    for point, d, v in zip(series, days, values, strict=True):
        label = f"{point['period']}: {_fmt(v)}{' ' + unit if unit else ''}"
        parts.append(
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="#1565c0">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append(
        f'<text x="{pad_l}" y="{height - 8}" font-size="10">{escape(series[0]["period"])}</text>'
    )
    if len(series) > 1:
        parts.append(
            f'<text x="{width - pad_r}" y="{height - 8}" font-size="10" text-anchor="end">'
            f"{escape(series[-1]['period'])}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def timeline_svg(answer: dict[str, Any], words: dict[str, str], *, width: int = 1200) -> Markup:
    """The roadmap: one row per item, a diamond per milestone at its expected date (a hollow
    one at the planned date when it differs), arrows between milestones, the critical chain
    drawn thick and red."""
    rows = answer["rows"]
    if not rows or not answer["start"]:
        return Markup("")
    label_w, row_h, top = 260, 34, 30
    start = date.fromisoformat(answer["start"]) - timedelta(days=15)
    end = date.fromisoformat(answer["end"]) + timedelta(days=15)
    span = max((end - start).days, 1)
    height = top + row_h * len(rows) + 10

    def x(iso: str) -> float:
        return label_w + (date.fromisoformat(iso) - start).days / span * (width - label_w - 20)

    parts = [
        f'<svg class="timeline" role="img" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="{escape(words["title"])}">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" '
        'markerHeight="6" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
        'fill="#555"/></marker><marker id="arrow-critical" viewBox="0 0 10 10" refX="10" '
        'refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#c62828"/></marker></defs>',
    ]
    step = 1 if span <= 550 else 3 if span <= 1500 else 6
    tick = date(start.year, 1, 1)
    while tick <= end:
        if tick >= start:
            tx = x(tick.isoformat())
            parts.append(
                f'<line x1="{tx:.1f}" y1="{top - 8}" x2="{tx:.1f}" y2="{height}" '
                'stroke="#e3e3e3"/>'
                f'<text x="{tx + 2:.1f}" y="{top - 12}" font-size="11">'
                f"{tick.isoformat()[:7]}</text>"
            )
        month = tick.month - 1 + step
        tick = date(tick.year + month // 12, month % 12 + 1, 1)
    if answer["as_of"] and start.isoformat() <= answer["as_of"] <= end.isoformat():
        ax = x(answer["as_of"])
        parts.append(
            f'<line class="today" x1="{ax:.1f}" y1="{top - 8}" x2="{ax:.1f}" y2="{height}" '
            'stroke="#1565c0" stroke-dasharray="2 2"/>'
        )
    where: dict[str, tuple[float, float]] = {}
    critical = set(answer["critical"])
    for i, row in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        colour = RAG_COLOURS.get(row["rag"], "#8a8a8a")
        parts.append(
            f'<g class="row" data-item="{escape(row["item"]["id"])}">'
            f'<circle cx="10" cy="{cy:.1f}" r="5" fill="{colour}"/>'
            f'<text x="20" y="{cy + 4:.1f}" font-size="12">{escape(row["item"]["label"][:38])}'
            f"<title>{escape(row['item']['label'])}</title></text>"
        )
        for m in row["milestones"]:
            if not m["expected"]:
                continue
            mx = x(m["expected"])
            where[m["id"]] = (mx, cy)
            if m["planned"] and m["planned"] != m["expected"]:
                px = x(m["planned"])
                parts.append(
                    f'<line x1="{px:.1f}" y1="{cy:.1f}" x2="{mx:.1f}" y2="{cy:.1f}" '
                    'stroke="#bbb" stroke-width="3"/>'
                    f'<path d="M {px:.1f} {cy - 6:.1f} L {px + 6:.1f} {cy:.1f} L {px:.1f} '
                    f'{cy + 6:.1f} L {px - 6:.1f} {cy:.1f} z" fill="white" stroke="#888"/>'
                )
            fill = STATE_COLOURS.get(m["state"], "#8a8a8a")
            ring = ' stroke="#c62828" stroke-width="3"' if m["id"] in critical else ""
            tip = f"{m['label']}: {m['expected']}" + (
                f" ({m['slip_days']} {words['days late']})" if m["slip_days"] else ""
            )
            parts.append(
                f'<path class="milestone{" critical" if m["id"] in critical else ""}" '
                f'data-id="{escape(m["id"])}" d="M {mx:.1f} {cy - 8:.1f} L {mx + 8:.1f} '
                f'{cy:.1f} L {mx:.1f} {cy + 8:.1f} L {mx - 8:.1f} {cy:.1f} z" fill="{fill}"{ring}>'
                f"<title>{escape(tip)}</title></path>"
            )
        parts.append("</g>")
    for arrow in answer["arrows"]:
        if arrow["from"] not in where or arrow["to"] not in where:
            continue
        (x1, y1), (x2, y2) = where[arrow["from"]], where[arrow["to"]]
        style = (
            'stroke="#c62828" stroke-width="2.5" marker-end="url(#arrow-critical)"'
            if arrow["critical"]
            else 'stroke="#555" stroke-width="1.2" marker-end="url(#arrow)"'
        )
        if arrow["kind"] == "sequence":
            parts.append(
                f'<line class="arrow critical" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" '
                f'y2="{y2:.1f}" stroke="#c62828" stroke-width="2.5" stroke-opacity="0.7"/>'
            )
            continue
        mid = (x1 + x2) / 2
        parts.append(
            f'<path class="arrow{" critical" if arrow["critical"] else ""}" '
            f'd="M {x1 + 8:.1f} {y1:.1f} C {mid:.1f} {y1:.1f} {mid:.1f} {y2:.1f} '
            f'{x2 - 9:.1f} {y2:.1f}" fill="none" {style}/>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
