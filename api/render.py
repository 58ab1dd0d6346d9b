"""Text rendering of answers for people (the ``--json`` path bypasses this module)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@contextmanager
def progress(message: str, *, quiet: bool = False) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr while long work runs (silent when stderr is not a terminal, or
    when ``quiet``: with ``--json``).

    Yields a ``report(step, done, total)`` callback for the library to call.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda step, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(escape(message), total=None)

        def report(step: str, done: int, total: int) -> None:
            bar.update(task, description=escape(f"{message}: {step}"), completed=done, total=total)

        yield report


def _quote(citation: dict[str, Any]) -> str:
    return f'[dim]"{escape(citation["quote"])}" ({escape(citation["document"])})[/dim]'


def also(result: dict[str, Any]) -> None:
    """The other entities the name could have meant (``also``), by label, type and organisation."""
    others = result.get("also") or []
    if others:
        shown = "; ".join(
            f"{o['label']} ({', '.join(x for x in (o['type'], o.get('organisation')) if x)}; "
            f"id {o['id']})"
            for o in others
        )
        console.print(f"  [dim]also: {escape(shown)}[/dim]")


def load_summary(result: dict[str, Any]) -> None:
    verb = "valid (nothing written)" if result["dry_run"] else "loaded"
    console.print(
        f"{len(result['files'])} file(s) {verb}: {result['entities']} typed nodes, "
        f"{result['relations']} relations, {result['triples']} triples."
    )
    for warning in result["warnings"]:
        where = ":".join(str(x) for x in (warning["file"], warning["line"]) if x)
        err_console.print(f"warning: {escape(where)}: {escape(warning['message'])}")


def entity(result: dict[str, Any]) -> None:
    alt = f" ({', '.join(result['alt_labels'])})" if result["alt_labels"] else ""
    console.print(
        f"[bold]{escape(result['label'])}[/bold]{escape(alt)}  {escape('[' + result['type'] + ']')} "
        f"id={escape(result['id'])}"
    )
    also(result)
    for lang, label in sorted(result["labels"].items()):
        console.print(f"  {lang}: {escape(label)}")
    valid = result["valid"]
    if valid["from"] or valid["to"]:
        console.print(f"  valid: {valid['from'] or '…'} – {valid['to'] or '…'}")
    for key, values in result["properties"].items():
        shown = ", ".join(
            v["value"]
            if isinstance(v, dict) and "value" in v
            else v["label"]
            if isinstance(v, dict)
            else str(v)
            for v in values
        )
        console.print(f"  {key}: {escape(shown)}")
    if result["relations"]:
        console.print("[bold]Relations[/bold]")
        for rel in result["relations"]:
            arrow = "->" if rel["direction"] == "out" else "<-"
            target = rel["target"]
            console.print(
                f"  {rel['predicate']} {arrow} {escape(target['label'])} ({target['id']})"
            )
            for citation in rel["citations"]:
                console.print(f"      {_quote(citation)}")
    if result["members"]:
        console.print("[bold]Members[/bold]")
        for m in result["members"]:
            member = m["member"] or {"label": "?", "id": "?"}
            title = f", {m['title']}" if m["title"] else ""
            console.print(f"  {escape(member['label'])}{escape(title)} [{m['role']}]")
    if result["mandates"]:
        console.print("[bold]Mandates held[/bold]")
        for mandate in result["mandates"]:
            scope = ", ".join(s["label"] for s in mandate["scope"])
            excl = ", ".join(s["label"] for s in mandate["excludes"])
            status = mandate.get("status", "in_force")
            console.print(
                f"  {mandate['id']}: {', '.join(mandate['actions'])} over {escape(scope)}"
                + (f" excluding {escape(excl)}" if excl else "")
                + ("" if status == "in_force" else f" ({status}, not in force)")
            )
    if result.get("events"):
        console.print("[bold]Decisions and events[/bold]")
        for event in result["events"]:
            console.print(f"  {event['date']} {event['kind']}: {escape(event['label'])}")
            for citation in event["citations"]:
                console.print(f"      {_quote(citation)}")
    editorial = result.get("editorial") or {}
    for label in editorial.get("alt_labels", []):
        console.print(
            f"  [italic]editorial alias {escape(label)}: not used in the sources[/italic]"
        )
    for note in editorial.get("notes", []):
        console.print(f"  [italic]editorial: {escape(note)}[/italic]")
    if result["citations"]:
        console.print("[bold]Sources[/bold]")
        for citation in result["citations"]:
            console.print(f"  {_quote(citation)}")


def search_results(result: dict[str, Any]) -> None:
    if not result["results"]:
        console.print(f"No entity matches {escape(result['query'])!r}.")
        return
    table = Table("id", "label", "type", "aliases")
    for hit in result["results"]:
        table.add_row(hit["id"], escape(hit["label"]), hit["type"], ", ".join(hit["alt_labels"]))
    console.print(table)


def info(result: dict[str, Any]) -> None:
    console.print(f"store: {escape(result['store'])} ({result['backend']})")
    console.print(f"triples: {result['triples']} in {len(result['graphs'])} graph(s)")
    for kind, count in result["entities"].items():
        console.print(f"  {kind}: {count}")
