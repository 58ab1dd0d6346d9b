"""Text rendering of the portfolio answers (portfolio, indicators, milestones)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from api.render import console

RAG_STYLE = {"red": "red", "amber": "yellow", "green": "green", "grey": "dim"}


def _name(ref: dict[str, Any]) -> str:
    return f"{escape(ref['label'])} ({escape(ref['id'])})"


def _rag(rag: str) -> str:
    return f"[{RAG_STYLE.get(rag, 'dim')}]{rag}[/]"


def _exported(result: dict[str, Any]) -> None:
    if result.get("export"):
        console.print(
            f"wrote {result['export']['rows']} row(s) to {escape(result['export']['output'])}"
        )


def portfolio(result: dict[str, Any]) -> None:
    _exported(result)
    if "bodies" in result:
        console.print(f"Bodies that follow up initiatives, as of {result['as_of']}")
        table = Table("id", "label", "items", "red", "amber", "green", "grey")
        for body in result["bodies"]:
            s = body["summary"]
            table.add_row(
                escape(body["id"]),
                escape(body["label"]),
                str(body["items"]),
                *(str(s[k]) for k in ("red", "amber", "green", "grey")),
            )
        console.print(table)
        if result["unfollowed"]:
            console.print(f"[yellow]gap[/yellow]: {escape(result['message'] or '')}")
            for item in result["unfollowed"]:
                console.print(f"  {_name(item)}")
        return
    summary = ", ".join(f"{n} {k}" for k, n in result["summary"].items() if n)
    console.print(
        f"{_name(result['body'])} follows up [bold]{result['page']['total']}[/bold] item(s) "
        f"as of {result['as_of']}: {summary or 'none'}"
    )
    if result.get("message"):
        console.print(f"[yellow]gap[/yellow]: {escape(result['message'])}")
    for mandate in result["mandates"]:
        quote = mandate["sources"][0]["quote"] if mandate["sources"] else ""
        console.print(f"  through {escape(mandate['label'])}: [italic]{escape(quote)}[/italic]")
    if not result["items"]:
        return
    table = Table("rag", "id", "label", "status", "next milestone", "slip", "critical needs")
    for item in result["items"]:
        status = item["status"]
        shown = "—" if status is None else f"{status['value']} ({status['date']})"
        if status and status["progress"] is not None:
            shown += f" {status['progress']:g}%"
        nxt = item["next_milestone"]
        table.add_row(
            _rag(item["rag"]),
            escape(item["id"]),
            escape(item["label"]),
            escape(shown),
            "—" if nxt is None else escape(f"{nxt['label']} {nxt['expected']}"),
            f"{item['slip_days']} d" if item["slip_days"] else "",
            escape(", ".join(f"{d['label']} ({d['rag']})" for d in item["critical_dependencies"])),
        )
    console.print(table)
    late = [i for i in result["items"] if i["inform"]]
    if late:
        console.print("[bold]Late: bodies to inform[/bold]")
        for item in late:
            names = ", ".join(b["label"] for b in item["inform"])
            console.print(f"  {_name(item)}: {escape(names)}")


def indicators(result: dict[str, Any]) -> None:
    _exported(result)
    subject = f" of {_name(result['subject'])}" if result["subject"] else ""
    console.print(f"[bold]{result['page']['total']}[/bold] indicator(s){subject}")
    if result.get("message"):
        console.print(f"[yellow]gap[/yellow]: {escape(result['message'])}")
    for ind in result["indicators"]:
        latest = ind["latest"]
        unit = f" {ind['unit']}" if ind["unit"] else ""
        value = (
            "no value recorded"
            if latest is None
            else f"{latest['value']:g}{unit} ({latest['period']})"
        )
        trend = f", {ind['trend']} {ind['judgement'] or ''}".rstrip() if ind["trend"] else ""
        target = ""
        if ind["target"]:
            target = f", target {ind['target']['value']:g}{unit}"
            if ind["distance_to_target"]:
                d = ind["distance_to_target"]
                target += " (met)" if d["met"] else f" ({d['value']:g} to go)"
        count = f" [{ind['count']} indicators]" if ind["count"] else ""
        console.print(f"{_name(ind)}{count}: {escape(value)}{escape(trend)}{escape(target)}")
        for source in ind["sources"][:1]:
            console.print(
                f'    [italic]"{escape(source["quote"])}"[/italic] ({source["document"]})'
            )
        if ind["gaps"]:
            console.print(f"    [dim]gaps: {escape('; '.join(ind['gaps']))}[/dim]")


def milestones(result: dict[str, Any]) -> None:
    console.print(
        f"[bold]{result['page']['total']}[/bold] milestone(s) from {result['from']} to "
        f"{result['to']} (judged {result['as_of']})"
    )
    if not result["milestones"]:
        return
    table = Table("date", "state", "milestone", "of", "planned", "slip", "followed by")
    for m in result["milestones"]:
        table.add_row(
            m["expected"] or "",
            m["state"],
            escape(m["label"]),
            escape(m["item"]["label"]),
            m["planned"] or "",
            f"{m['slip_days']} d" if m["slip_days"] else "",
            escape(", ".join(b["label"] for b in m["followed_by"])),
        )
    console.print(table)
