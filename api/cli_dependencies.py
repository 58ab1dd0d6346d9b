"""CLI commands: impact, chains, slip, whatif, generate (registered on ``api.cli.app``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from api.cli import JsonOpt, LangOpt, _lang, _run, _store, app

AsOfOpt = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="Use the dependencies valid that day (YYYY[-MM[-DD]]).", show_default=False
    ),
]
NameArg = Annotated[str, typer.Argument(help="Id, label or alias (any language, any case).")]


@app.command()
def impact(
    name: NameArg,
    upstream: Annotated[
        bool, typer.Option("--upstream", help="What NAME needs, instead of what needs NAME.")
    ] = False,
    max_depth: Annotated[
        int | None,
        typer.Option("--max-depth", help="At most this many hops (default: no cap).", min=1),
    ] = None,
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type", help="Only report items of this type (repeatable).", show_default=False
        ),
    ] = None,
    min_criticality: Annotated[
        str | None,
        typer.Option(
            "--min-criticality",
            help="Follow only dependencies at least this critical (critical, high, medium, low).",
            show_default=False,
        ),
    ] = None,
    as_of: AsOfOpt = None,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            help="Show at most this many items (default: all).",
            min=1,
            show_default=False,
        ),
    ] = None,
    offset: Annotated[int, typer.Option("--offset", help="Skip this many items.", min=0)] = 0,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
    stream: Annotated[
        bool,
        typer.Option(
            "--stream",
            help="Write the answer as NDJSON lines while it is computed (head, one item per "
            "line, bodies to inform per page, end); for answers of any size.",
        ),
    ] = False,
) -> None:
    """What is hit if NAME slips or fails, through which chain, and whom to tell."""
    from api import render_dependencies

    options: dict[str, Any] = {
        "direction": "upstream" if upstream else "downstream",
        "max_depth": max_depth,
        "types": types or None,
        "min_criticality": min_criticality,
        "as_of": as_of,
        "lang": _lang(lang),
        "limit": limit,
        "offset": offset,
    }
    if stream:
        from api.cli import stream_lines
        from graph.queries.impact_stream import impact_stream

        stream_lines(lambda: impact_stream(_store(), name, **options))
        return
    from graph.queries.impact import impact as query

    _run(as_json, lambda: query(_store(), name, **options), render_dependencies.impact)


@app.command()
def chains(
    top: Annotated[int, typer.Option("--top", help="How many chains.", min=1)] = 5,
    min_criticality: Annotated[
        str,
        typer.Option("--min-criticality", help="critical (default) or high to include high ones."),
    ] = "critical",
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The longest chains of critical dependencies, and any dependency cycle."""
    from api import render_dependencies
    from graph.queries.chains import critical_chains

    language = _lang(lang)
    _run(
        as_json,
        lambda: critical_chains(
            _store(), k=top, min_criticality=min_criticality, as_of=as_of, lang=language
        ),
        render_dependencies.chains,
    )


@app.command()
def slip(
    name: NameArg,
    days: Annotated[int, typer.Option("--days", help="How many days NAME ends late.")],
    as_of: AsOfOpt = None,
    lang: LangOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which projects move if NAME ends DAYS late, which absorb it, which go-lives break."""
    from api import render_dependencies
    from graph.queries.slip import slip as query

    language = _lang(lang)
    _run(
        as_json,
        lambda: query(_store(), name, days=days, as_of=as_of, lang=language),
        render_dependencies.slip,
    )


@app.command()
def whatif(
    scenario: Annotated[
        Path, typer.Argument(help="Scenario YAML file (see docs/dependencies.md).")
    ],
    as_json: JsonOpt = False,
) -> None:
    """Apply a scenario to a copy of the graph; show what changes in impact, deciders, checks."""
    from api import render_dependencies
    from graph.queries.whatif import load_scenario
    from graph.queries.whatif import whatif as query

    def action() -> dict[str, Any]:
        spec = load_scenario(scenario)
        queries = spec.get("queries") or {}
        return query(
            _store(),
            spec["changes"],
            impact=queries.get("impact"),
            who_decides=queries.get("who_decides"),
            check=queries.get("check", True),
            as_of=spec.get("as_of"),
        )

    _run(as_json, action, render_dependencies.whatif)


@app.command()
def generate(
    output: Annotated[Path, typer.Option("--output", "-o", help="N-Triples file to write.")],
    nodes: Annotated[int, typer.Option(help="Systems and projects.", min=1)] = 100_000,
    dependencies: Annotated[int, typer.Option(help="Dependencies between them.", min=0)] = 300_000,
    bodies: Annotated[int, typer.Option(help="Governing bodies.", min=0)] = 10_000,
    mandates: Annotated[int, typer.Option(help="Mandates held by the bodies.", min=0)] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same graph).")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Write a synthetic national-scale graph (for benchmarks) as N-Triples."""
    from api import render_dependencies
    from graph.generate import generate as run
    from graph.generate import write_ntriples

    def action() -> dict[str, Any]:
        sizes = {"nodes": nodes, "dependencies": dependencies, "bodies": bodies}
        triples = run(
            nodes=nodes, dependencies=dependencies, bodies=bodies, mandates=mandates, seed=seed
        )
        return {"output": str(output), "triples": write_ntriples(triples, output), **sizes}

    _run(as_json, action, render_dependencies.generated)
