"""Text rendering of the dependency answers (impact, chains, slip, whatif, generate)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table

from api import render
from api.render import console


def _name(ref: dict[str, Any]) -> str:
    return f"{escape(ref['label'])} ({escape(ref['id'])})"


def impact(result: dict[str, Any]) -> None:
    render.also(result)
    items = result["impacted"]
    when = f" as of {result['as_of']}" if result["as_of"] else ""
    if result["direction"] == "downstream":
        head = f"[bold]{len(items)}[/bold] item(s) depend on {_name(result['root'])}{when}"
    else:
        head = f"{_name(result['root'])} needs [bold]{len(items)}[/bold] item(s){when}"
    console.print(head if items or "message" not in result else escape(result["message"]) + ".")
    if items:
        table = Table("hops", "id", "label", "type", "weakest link", "path")
        for item in items:
            table.add_row(
                str(item["distance"]),
                escape(item["id"]),
                escape(item["label"]),
                item["type"],
                item["criticality"] + (" (editorial)" if item.get("editorial") else ""),
                escape(" > ".join(item["path"])),
            )
        console.print(table)
    if result["bodies_to_inform"]:
        console.print("[bold]Bodies to inform[/bold]")
        for body in result["bodies_to_inform"]:
            console.print(f"  {_name(body)}")
            for why in body.get("reasons", []):
                via = f" of {why['via']}" if why.get("via") else ""
                reason = why["reason"].replace("_", " ")
                console.print(f"    {escape(reason + via)} for {escape(why['item'])}")
                for cite in why["citations"][:1]:
                    console.print(
                        f'      [dim]"{escape(cite["quote"])}" ({escape(cite["title"])})[/dim]'
                    )


def chains(result: dict[str, Any]) -> None:
    if not result["chains"]:
        console.print(f"No chain of {result['min_criticality']} dependencies.")
    if result["chains"]:
        # the same direction as the pictures' arrows and the cycle findings: "A -> B", A depends on B
        console.print("[dim]A -> B: A depends on B[/dim]")
    for rank, chain in enumerate(result["chains"], 1):
        console.print(
            f"[bold]{rank}.[/bold] {chain['weight']} {chain['unit']}, "
            f"{chain['length']} dependenc{'y' if chain['length'] == 1 else 'ies'}: "
            + escape(" -> ".join(node["label"] for node in reversed(chain["nodes"])))
        )
    for cycle in result["cycles"]:
        console.print(f"[red]{cycle['severity']}[/red]: {escape(cycle['message'])}")


def slip(result: dict[str, Any]) -> None:
    console.print(f"If {_name(result['root'])} ends {result['days']} day(s) late:")
    table = Table("moves", "id", "label", "start", "end", "via")
    for item in result["moved"]:
        dates = (
            (f"{item['planned_start']} -> {item['new_start']}" if item["planned_start"] else "-"),
            (f"{item['planned_end']} -> {item['new_end']}" if item["planned_end"] else "-"),
        )
        table.add_row(
            f"+{item['days']}d",
            escape(item["id"]),
            escape(item["label"]),
            *dates,
            item["via"] or "",
        )
    console.print(table)
    for m in result.get("milestones") or []:
        console.print(
            f"  milestone +{m['days']}d: {_name(m)} of {_name(m['item'])} "
            f"{m['expected'] or '-'} -> {m['new_expected'] or '-'}"
            + (f" (after {escape(m['via'])})" if m["via"] else "")
        )
    for item in result["moved"]:
        if item.get("inform"):
            names = ", ".join(_name(b) for b in item["inform"])
            console.print(f"  inform about {_name(item)}: {names}")
    for item in result["absorbed"]:
        console.print(
            f"  absorbs {item['absorbed']} of {item['pushed']} day(s): {_name(item)} "
            f"(slack {item['slack'] if item['slack'] is not None else 'unknown'})"
        )
    for item in result["go_lives_broken"]:
        console.print(
            f"  [red]go-live breaks[/red]: {_name(item)} {item['go_live']} -> {item['new_go_live']}"
        )
    for conflict in result["conflicts"]:
        console.print(f"  [yellow]already in the plan[/yellow]: {escape(conflict['message'])}")


def whatif(result: dict[str, Any]) -> None:
    console.print("[bold]Changes[/bold]")
    for change in result["changes"]:
        console.print(f"  {escape(change)}")
    for diff in result["impact"]:
        console.print(
            f"[bold]impact of {escape(diff['node'])}[/bold]: {diff['before']} -> {diff['after']} "
            f"item(s); +{len(diff['added'])} -{len(diff['removed'])} ~{len(diff['changed'])}"
        )
        for item in diff["added"]:
            console.print(f"  + {escape(item['label'])} ({item['criticality']})")
        for item in diff["removed"]:
            console.print(f"  - {escape(item['label'])}")
    for diff in result["who_decides"]:
        mark = "changed" if diff["changed"] else "unchanged"
        console.print(
            f"[bold]who decides {escape(diff['subject'])}[/bold] ({mark}): "
            f"{escape(str(diff['before']))} -> {escape(str(diff['after']))}"
        )
    if result["check"] is not None:
        for finding in result["check"]["added"]:
            console.print(f"  [red]new {finding['severity']}[/red]: {escape(finding['message'])}")
        for finding in result["check"]["removed"]:
            console.print(f"  [green]resolved[/green]: {escape(finding['message'])}")
    for answer in result["slips"]:
        slip(answer)


def generated(result: dict[str, Any]) -> None:
    console.print(
        f"wrote {result['triples']} triples to {escape(result['output'])} "
        f"({result['nodes']} items, {result['dependencies']} dependencies, "
        f"{result['bodies']} bodies)"
    )
