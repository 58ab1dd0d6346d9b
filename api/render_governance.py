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


_ROLE_WORDS = {
    "decides": "decides",
    "advises": "advises (does not decide)",
    "follows_up": "follows up (does not decide)",
    "implements": "implements (does not decide)",
}


def _mandate_entry(entry: dict[str, Any], prefix: str, *, upward: bool) -> None:
    """One mandate: holder, role, actions, why it applies and the quotes."""
    mandate = entry["mandate"]
    actions = ", ".join(mandate["actions"])
    status = ""
    role = _ROLE_WORDS.get(entry["role"], entry["role"])
    if entry.get("status"):
        status = entry["status"]
        if entry.get("addressee"):
            status += f", addressed to {entry['addressee']['label']}"
        status = " " + escape(f"[{status}]")
        verb = {"decides": "decide", "advises": "advise", "follows_up": "follow up"}
        role = f"would {verb.get(entry['role'], 'implement')} (not in force)"
    console.print(
        f"{prefix}[bold]{_name(entry)}[/bold] {role}: "
        f"may {escape(actions)} (mandate {escape(mandate['id'])}){status}"
    )
    if len(entry["path"]) > 1:
        route = " -> ".join(
            f"{escape(p['label'])}" + (f" [dim]{escape(p['via'])}[/dim]" if "via" in p else "")
            for p in entry["path"]
        )
        lead = "because the mandate covers" if upward else "over"
        console.print(f"   {lead} {escape(mandate['scope']['label'])}: {route}")
    else:
        console.print("   the mandate names it directly")
    if mandate["excludes"]:
        console.print("   except " + ", ".join(escape(e["label"]) for e in mandate["excludes"]))
    if mandate.get("restricted_to"):
        only = ", ".join(escape(o["label"]) for o in mandate["restricted_to"])
        console.print(f"   only matters that concern {only} alone")
    for note in entry.get("editorial", []):
        console.print(f"   [italic]editorial: {escape(note)}[/italic]")
    for citation in entry["citations"]:
        console.print(f"   {_quote(citation)}")


def who_decides(result: dict[str, Any]) -> None:
    subject = result["subject"]
    action = result["action"]
    when = f" on {result['as_of']}" if result["as_of"] else ""
    question = f"may {action}" if action else "decides"
    console.print(f"[bold]Who {question} over {_name(subject)}{when}?[/bold]")
    within = result.get("within", [])
    render.also(result)
    if result["gap"]:
        kind = f"mandate to {action}" if action else "mandate to decide"
        console.print(
            f"Governance gap: no {kind} over {escape(subject['label'])}{when} is recorded in "
            "the sources, and none over anything inside it."
        )
        held = result.get("held_by_subject", [])
        if held:
            scopes = "; ".join(
                f"{' and '.join(a.replace('_', ' ') for a in h['actions'])} over "
                + ", ".join(escape(s["label"]) for s in h["scope"])
                for h in held
            )
            console.print(
                f"{escape(subject['label'])} itself holds {len(held)} "
                f"{'mandate' if len(held) == 1 else 'mandates'} in force ({scopes}); "
                "those answer who decides over those matters, not over the body itself."
            )
        if result["nearest_bodies"]:
            console.print("Nearest bodies:")
            for body in result["nearest_bodies"]:
                console.print(f"  {_name(body)}: {escape(body['reason'])}")
    elif not result["deciders"]:
        console.print(
            f"No mandate over {escape(subject['label'])} itself is recorded; "
            "the bodies below decide over matters inside it."
        )
    for rank, decider in enumerate(result["deciders"], 1):
        _mandate_entry(decider, f"{rank}. ", upward=True)
    if result.get("other_roles"):
        console.print("[bold]Other mandates over it (these bodies do not decide)[/bold]")
        for entry in result["other_roles"]:
            _mandate_entry(entry, "  - ", upward=True)
    if within:
        console.print(f"[bold]Within {escape(subject['label'])}[/bold] (nearest first)")
        for entry in within:
            _mandate_entry(entry, "  - ", upward=False)
    if result.get("other_mandates"):
        console.print("[bold]Not in force[/bold] (recommended, planned or ended)")
        for entry in result["other_mandates"]:
            _mandate_entry(entry, "  - ", upward=entry["path"][0]["id"] == subject["id"])
    if result["excluded"]:
        console.print("[bold]Not deciding[/bold]")
        for item in result["excluded"]:
            console.print(f"  {_name(item)}: {escape(item['reason'])}")
            for citation in item["citations"]:
                console.print(f"     {_quote(citation)}")
    if result["escalation"]:
        chain = " -> ".join(_name(b) for b in result["escalation"])
        console.print(f"[bold]Escalation[/bold]: {chain}")
    elif result["deciders"]:
        top = result["deciders"][0]
        console.print(
            f"[bold]Escalation[/bold]: the sources name no body above {escape(top['label'])}."
        )


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
    if not result["added"] and not result["removed"] and not result.get("events"):
        console.print("Nothing changed.")
    for item in result["added"]:
        console.print(f"  [green]+[/green] {_fact(item)}")
    for item in result["removed"]:
        console.print(f"  [red]-[/red] {_fact(item)}")
    if result.get("events"):
        console.print("[bold]Decisions and events in between[/bold]")
        _event_lines(result["events"])


def _event_lines(items: list[dict[str, Any]]) -> None:
    for event in items:
        by = f" by {escape(event['by']['label'])}" if event.get("by") else ""
        console.print(f"  {event['date']} {event['kind']}{by}: {escape(event['label'])}")
        for citation in event["citations"]:
            console.print(f"     {_quote(citation)}")


def timeline(result: dict[str, Any]) -> None:
    span = f" from {result['from'] or '…'} to {result['to'] or '…'}"
    about = f" about {_name(result['subject'])}" if result.get("subject") else ""
    console.print(f"[bold]Decisions and events{about}{span}[/bold]")
    if not result["events"]:
        console.print(escape(result.get("message", "none recorded")) + ".")
    _event_lines(result["events"])
