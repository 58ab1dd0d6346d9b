"""Text rendering of who-decides, check and diff answers: in words, with the quotes."""

from __future__ import annotations

from typing import Any

from rich.markup import escape

from api import render
from api.render import console

_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}


def _quote(citation: dict[str, Any]) -> str:
    source = citation.get("title") or citation["document"]
    return f'[dim]"{escape(citation["quote"])}" ({escape(source)})[/dim]'


def _name(item: dict[str, Any]) -> str:
    return f"{escape(item['label'])} ({escape(item['id'])})"


def who_decides(result: dict[str, Any]) -> None:
    subject = result["subject"]
    action = result["action"]
    when = f" on {result['as_of']}" if result["as_of"] else ""
    question = f"may {action}" if action else "has a mandate"
    console.print(f"[bold]Who {question} over {_name(subject)}{when}?[/bold]")
    render.also(result)
    if result["gap"]:
        kind = f"mandate to {action}" if action else "mandate"
        console.print(f"Governance gap: no {kind} covers {escape(subject['label'])}{when}.")
        if result["nearest_bodies"]:
            console.print("Nearest bodies:")
            for body in result["nearest_bodies"]:
                console.print(f"  {_name(body)}: {escape(body['reason'])}")
    for rank, decider in enumerate(result["deciders"], 1):
        mandate = decider["mandate"]
        actions = ", ".join(mandate["actions"])
        console.print(
            f"{rank}. [bold]{_name(decider)}[/bold] may {escape(actions)} "
            f"(mandate {escape(mandate['id'])})"
        )
        if len(decider["path"]) > 1:
            route = " -> ".join(
                f"{escape(p['label'])}" + (f" [dim]{escape(p['via'])}[/dim]" if "via" in p else "")
                for p in decider["path"]
            )
            console.print(
                f"   because the mandate covers {escape(mandate['scope']['label'])}: {route}"
            )
        else:
            console.print("   the mandate names it directly")
        if mandate["excludes"]:
            console.print("   except " + ", ".join(escape(e["label"]) for e in mandate["excludes"]))
        for citation in decider["citations"]:
            console.print(f"   {_quote(citation)}")
    if result["excluded"]:
        console.print("[bold]Not deciding[/bold]")
        for item in result["excluded"]:
            console.print(f"  {_name(item)}: {escape(item['reason'])}")
            for citation in item["citations"]:
                console.print(f"     {_quote(citation)}")
    if result["escalation"]:
        chain = " -> ".join(_name(b) for b in result["escalation"])
        console.print(f"[bold]Escalation[/bold]: {chain}")


def findings(result: dict[str, Any]) -> None:
    items = result["findings"]
    when = f" on {result['as_of']}" if result.get("as_of") else ""
    if not items:
        console.print(f"No findings{when}.")
        return
    counts = {s: sum(f["severity"] == s for f in items) for s in ("error", "warning", "info")}
    console.print(
        f"{len(items)} finding(s){when}: {counts['error']} error(s), "
        f"{counts['warning']} warning(s), {counts['info']} info."
    )
    for f in items:
        style = _SEVERITY_STYLE.get(f["severity"], "")
        console.print(f"[{style}]{f['severity']}[/{style}] {f['kind']}: {escape(f['message'])}")


def _fact(item: dict[str, Any]) -> str:
    valid = item["valid"]
    span = f"{valid['from'] or '…'} – {valid['to'] or '…'}"
    if item["kind"] == "membership" and item.get("member") and item.get("body"):
        what = f"{escape(item['member']['label'])} in {escape(item['body']['label'])}"
    elif item["kind"] == "mandate" and item.get("holder"):
        scope = ", ".join(s["label"] for s in item["scope"] if s)
        what = f"{escape(item['holder']['label'])} may {', '.join(item['actions'])} over {escape(scope)}"
    elif item["kind"] == "dependency" and item.get("dependent") and item.get("prerequisite"):
        what = f"{escape(item['dependent']['label'])} depends on {escape(item['prerequisite']['label'])}"
    else:
        what = escape(item["label"])
    return f"{item['kind']} {escape(item['id'])}: {what} (valid {span})"


def changes(result: dict[str, Any]) -> None:
    console.print(f"[bold]Changes from {result['from']} to {result['to']}[/bold]")
    if not result["added"] and not result["removed"]:
        console.print("Nothing changed.")
    for item in result["added"]:
        console.print(f"  [green]+[/green] {_fact(item)}")
    for item in result["removed"]:
        console.print(f"  [red]-[/red] {_fact(item)}")
